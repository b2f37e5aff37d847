"""advisor against urlwatch, a generic page monitor, watching every State Department destination.

    python benchmarks/compare_urlwatch.py [--repeat 7] [--no-scale]

A loopback mirror (benchmarks/mirror.py) serves the full feed of the shared archive's last day,
which advisor reads in one request, and one HTML page per item of that feed, which urlwatch
watches: every destination, both tools, with their state in a scratch directory. Scenarios, in
order:

1. first run, empty state (repeated, each from scratch; the last state is kept);
2. unchanged run;
3. 10 destinations changed: a sentence appended to each one's advice (feed item and page);
   each round appends another, and checks that both tools report exactly those destinations;
4. unchanged run with 300 ms of latency on every request.

Every process is measured alone (measure.py: wall, CPU, peak RSS); requests, 304s and bytes
come from the mirror. Medians of the repeated runs. Then `advisor show mali --offline`, and the
scale check (scale_check.py). Prints Markdown tables and a PASS/FAIL line per target.

advisor runs as `advisor check --all --no-email --json` (ADVISOR_US_URL pointing at the mirror).
urlwatch runs with its own urls.yaml (one `url` job per page, no filter: the least work it can
do), a config with only the stdout reporter (its default) and its cache database in the scratch
directory. urlwatch (2.29 read) always sends If-None-Match with the ETag it stored and
If-Modified-Since with the time it last stored the page, so an unchanged page costs it a 304; it
has no setting for that. It fetches 10 pages at a time, each on a new connection. The first time,
urlwatch is installed from PyPI into benchmarks/.venv-urlwatch (a clear message, and exit 0,
when that fails).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import archive  # tests/archive.py, through the path above
import measure
import scale_check
from measure import Run
from mirror import Mirror

from advisor_cli import __version__ as advisor_version
from advisor_cli.diff import compare
from advisor_cli.sources.us import parse_feed

VENV = Path(__file__).resolve().parent / ".venv-urlwatch"
LATENCY = 0.3  # seconds per request in scenario 4
CHANGED = 10
SHOW = "mali"
SCENARIOS = ("first run", "unchanged", f"{CHANGED} changed", f"unchanged, {LATENCY * 1000:.0f} ms")


@dataclass(frozen=True)
class Tool:
    name: str
    cmd: list[str]
    env: dict[str, str]  # with the state location of the current run


def urlwatch_exe() -> Path | None:
    """urlwatch in its own virtual environment, installed from PyPI the first time; or None."""
    exe = VENV / "bin" / "urlwatch"
    if exe.exists():
        return exe
    print(f"Installing urlwatch from PyPI into {VENV} (once)…", file=sys.stderr)
    try:
        for cmd in (
            [sys.executable, "-m", "venv", "--clear", str(VENV)],
            [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "urlwatch"],
        ):
            subprocess.run(cmd, check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        err = getattr(exc, "stderr", "") or ""
        print(f"Could not install urlwatch ({exc}).\n{err[-2000:]}", file=sys.stderr)
        return None
    return exe if exe.exists() else None


def urlwatch_files(mirror: Mirror, tmp: Path) -> list[str]:
    """Write urls.yaml and urlwatch.yaml; the command line without its --cache."""
    jobs = [f"name: {key}\nurl: {mirror.page_url(key)}\n" for key in mirror.keys]
    (tmp / "urls.yaml").write_text("---\n".join(jobs))
    (tmp / "urlwatch.yaml").write_text(
        "display:\n  new: true\n  error: true\n  unchanged: false\n"
        "report:\n  stdout:\n    enabled: true\n    color: false\n"
    )
    return [
        f"--urls={tmp / 'urls.yaml'}",
        f"--config={tmp / 'urlwatch.yaml'}",
        f"--hooks={tmp / 'hooks.py'}",  # absent: no hooks
    ]


def fresh(tool: Tool, state: Path) -> Tool:
    """The tool with an empty state at `state`."""
    if tool.name == "advisor":
        return Tool(tool.name, tool.cmd, {**tool.env, "ADVISOR_HOME": str(state)})
    state.mkdir(parents=True)
    cmd = [arg for arg in tool.cmd if not arg.startswith("--cache=")]
    return Tool(tool.name, [*cmd, f"--cache={state / 'cache.db'}"], tool.env)


def both(tools: Sequence[Tool], mirror: Mirror, i: int) -> dict[str, Run]:
    """One run of each tool, the first one first on even rounds (the machine is shared)."""
    order = tools if i % 2 == 0 else list(reversed(tools))
    return {t.name: measure.check(measure.run(t.cmd, t.env, mirror), t.cmd) for t in order}


def item_codes(mirror: Mirror) -> dict[str, str]:
    """The destination code advisor reads from each archive key's item (through its parser)."""
    codes = {}
    for key in mirror.keys:
        body = archive.feed_xml([mirror.item(key)], pub_date=archive.channel_date(mirror.day))
        codes[key] = "".join(item.advisory.destination for item in parse_feed(body).items)
    return codes


def to_change(codes: dict[str, str]) -> list[str]:
    """`CHANGED` keys spread over the list, among destinations with a single item in the feed.

    Some destinations have two (a classic and a new rendering, or a stale copy: Burma and
    "Burma (Myanmar)" in August 2026); advisor keeps one current and, by design, does not report
    a change to the other, which a page monitor does.
    """
    alone = [k for k, c in codes.items() if c and list(codes.values()).count(c) == 1]
    return [alone[(2 * i + 1) * len(alone) // (2 * CHANGED)] for i in range(CHANGED)]


def reported(runs: dict[str, Run]) -> dict[str, set[str]]:
    """What each tool reported as changed: advisor's codes, urlwatch's job names."""
    changes = json.loads(runs["advisor"].stdout or "{}").get("changes", [])
    return {
        "advisor": {c["code"] for c in changes},
        "urlwatch": set(re.findall(r"^\d+\. CHANGED: (\S+)$", runs["urlwatch"].stdout, re.M)),
    }


def sweep(mirror: Mirror) -> list[str]:
    """Items (archive keys) after whose text advisor reports no change for an added sentence."""
    unseen = []
    date = archive.channel_date(mirror.day)
    for key in mirror.keys:
        v = mirror.item(key)
        w = dataclasses.replace(v, content_md=v.content_md + "\n\nNew text.\n")
        (old,) = parse_feed(archive.feed_xml([v], pub_date=date)).items
        (new,) = parse_feed(archive.feed_xml([w], pub_date=date)).items
        if not compare(old.advisory, new.advisory).changed:
            unseen.append(key)
    return unseen


def ratio(a: float, b: float) -> str:
    if not b:
        return "–"
    return f"{a / b:.2f}" if a / b >= 0.1 else f"{a / b:.2g}"


def tables(results: dict[str, dict[str, Run]], counts: dict[str, int]) -> str:
    rows = [
        "| scenario | tool | runs | wall s | CPU s | peak MB | requests | 304s | bytes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scenario, runs in results.items():
        for name, r in runs.items():
            rows.append(
                f"| {scenario} | {name} | {counts[scenario]} | {r.wall:.2f} | {r.cpu:.2f} | "
                f"{r.peak_mb:.0f} | {r.requests:,} | {r.not_modified:,} | {r.bytes:,} |"
            )
    rows += [
        "",
        "advisor / urlwatch:",
        "",
        "| scenario | wall | CPU | peak memory | requests | bytes |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for scenario, runs in results.items():
        a, u = runs["advisor"], runs["urlwatch"]
        rows.append(
            f"| {scenario} | {ratio(a.wall, u.wall)} | {ratio(a.cpu, u.cpu)} | "
            f"{ratio(a.peak_mb, u.peak_mb)} | {ratio(a.requests, u.requests)} | "
            f"{ratio(a.bytes, u.bytes)} |"
        )
    return "\n".join(rows)


def verdict(ok: bool, text: str) -> str:
    return f"- {'PASS' if ok else 'FAIL'}: {text}"


@dataclass
class Results:
    """Everything measured in one run of this script."""

    runs: dict[str, list[dict[str, Run]]]  # scenario -> rounds -> tool -> run
    found: list[dict[str, set[str]]]  # per change round, what each tool reported
    codes: dict[str, str]  # advisor code -> archive key, of the changed destinations
    show: Run
    disk: dict[str, int]
    unseen: list[str]  # items whose appended sentence advisor does not report
    items: int
    sizes: list[scale_check.Size]
    description: str

    def median(self, scenario: str) -> dict[str, Run]:
        rounds = self.runs[scenario]
        return {name: measure.median([r[name] for r in rounds]) for name in rounds[0]}


def scenarios(exe: Path, repeat: int, scale: bool) -> Results:
    """Run every scenario against one mirror of the archive's last day."""
    few = max(1, min(3, repeat))  # first runs, change rounds and slow runs
    data = archive.load()
    day = data.days[-1]
    advisor = str(Path(sys.executable).with_name("advisor"))
    with (
        tempfile.TemporaryDirectory(prefix="advisor-vs-urlwatch-") as scratch,
        Mirror(data.items_on(day), day) as mirror,
    ):
        tmp = Path(scratch)
        item_code = item_codes(mirror)
        keys = to_change(item_code)
        unseen = sweep(mirror)
        env = measure.child_env(scratch, str(tmp / "pycache"))
        tools = [
            Tool(
                "advisor",
                [advisor, "check", "--all", "--no-email", "--json"],
                {**env, "ADVISOR_US_URL": mirror.url},
            ),
            Tool("urlwatch", [str(exe), *urlwatch_files(mirror, tmp)], env),
        ]
        version = measure.run([str(exe), "--version"], env).stdout.split()[-1]
        for t in tools:  # warm-up: bytecode cache, disk cache
            warm = fresh(t, tmp / f"warm-{t.name}")
            measure.check(measure.run(warm.cmd, warm.env, mirror), warm.cmd)
        runs: dict[str, list[dict[str, Run]]] = {s: [] for s in SCENARIOS}
        for i in range(few):
            tools = [fresh(t, tmp / f"state-{t.name}-{i}") for t in tools]
            runs[SCENARIOS[0]].append(both(tools, mirror, i))
        for i in range(repeat):
            runs[SCENARIOS[1]].append(both(tools, mirror, i))
        found = []
        for i in range(few):
            mirror.change(keys)
            runs[SCENARIOS[2]].append(both(tools, mirror, i))
            found.append(reported(runs[SCENARIOS[2]][-1]))
        mirror.latency = LATENCY
        for i in range(few):
            runs[SCENARIOS[3]].append(both(tools, mirror, i))
        mirror.latency = 0.0

        show_cmd = [advisor, "show", SHOW, "--offline"]
        measure.check(measure.run(show_cmd, tools[0].env), show_cmd)
        show = measure.median([measure.run(show_cmd, tools[0].env) for _ in range(repeat)])
        home = Path(tools[0].env["ADVISOR_HOME"])
        cache = Path(tools[1].cmd[-1].removeprefix("--cache="))
        disk = {
            "advisor": sum(f.stat().st_size for f in home.rglob("*") if f.is_file()),
            "urlwatch": cache.stat().st_size,
        }
        pages = sorted(len(p.body) for p in mirror.pages)
        description = (
            f"## advisor {advisor_version} and urlwatch {version}, every destination ({day})\n\n"
            f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
            f"{os.cpu_count()} CPUs. Loopback mirror: the feed ({len(mirror.keys)} items for "
            f"{len(set(item_code.values()))} destinations, {len(mirror.feed.body):,} bytes, "
            f"{len(mirror.feed.gzipped):,} gzipped) for advisor; one page per item "
            f"(median {pages[len(pages) // 2]:,} bytes) for urlwatch; gzip when asked (both "
            "ask). Medians; bytes on the wire, headers included, both ways."
        )
        return Results(
            runs=runs,
            found=found,
            codes={item_code[k]: k for k in keys},
            show=show,
            disk=disk,
            unseen=unseen,
            items=len(mirror.keys),
            sizes=scale_check.scale([advisor], env, scratch, (1, 4, 10)) if scale else [],
            description=description,
        )


def targets(res: Results) -> list[str]:
    """A PASS/FAIL line per target, with the figures."""
    first, un = res.median(SCENARIOS[0]), res.median(SCENARIOS[1])
    wall = un["advisor"].wall / un["urlwatch"].wall
    reqs = un["advisor"].requests / max(1, un["urlwatch"].requests)
    peaks = {}
    for s in SCENARIOS:
        m = res.median(s)
        peaks[s] = m["advisor"].peak_mb / m["urlwatch"].peak_mb
    worst = max(peaks, key=lambda s: peaks[s])
    expected = set(res.codes)
    a_hits = min(len(f["advisor"] & expected) for f in res.found)
    a_extra = max(len(f["advisor"] - expected) for f in res.found)
    missed = sorted({res.codes[c] for f in res.found for c in expected - f["advisor"]})
    u_hits = min(len(f["urlwatch"] & set(res.codes.values())) for f in res.found)
    total = res.items
    lines = [
        verdict(wall <= 1 / 3, f"unchanged run ≤ 1/3 of urlwatch's wall time: {wall:.2f}"),
        verdict(reqs <= 1 / 10, f"unchanged run ≤ 1/10 of urlwatch's requests: {reqs:.3f}"),
        verdict(
            first["advisor"].wall <= first["urlwatch"].wall,
            f"first run no slower: {first['advisor'].wall:.2f} s vs {first['urlwatch'].wall:.2f} s",
        ),
        verdict(peaks[worst] <= 1, f"peak memory no higher: worst {peaks[worst]:.2f} ({worst})"),
        verdict(
            res.show.wall < 0.25,
            f"`advisor show {SHOW} --offline` < 250 ms: {res.show.wall * 1000:.0f} ms",
        ),
        verdict(
            a_hits == len(expected) and a_extra == 0,
            f"advisor reports exactly the {CHANGED} changed destinations "
            f"({', '.join(sorted(res.codes.values()))}) in each of {len(res.found)} rounds: "
            f"{a_hits}/{len(expected)}, {a_extra} others"
            + (f" (missed: {', '.join(missed)})" if missed else ""),
        ),
        f"- urlwatch named {u_hits}/{CHANGED} of the changed pages in each round.",
        verdict(
            not res.unseen,
            "a sentence appended to one item's advice is reported, each item in turn: "
            f"{total - len(res.unseen)}/{total}"
            + (f" (not: {', '.join(res.unseen)})" if res.unseen else ""),
        ),
    ]
    if res.sizes:
        ok = scale_check.linear(res.sizes)
        lines.append(verdict(ok, "parse and check time per item flat across 1×/4×/10× (±50%)"))
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7, help="unchanged runs per tool (default 7)")
    ap.add_argument("--no-scale", action="store_true", help="skip the 1×/4×/10× scale check")
    args = ap.parse_args(argv)
    if not archive.ARCHIVE.exists():
        print(f"The shared archive is absent ({archive.ARCHIVE}); nothing to measure.")
        return 0
    exe = urlwatch_exe()
    if exe is None:
        print("urlwatch could not be installed from PyPI; no comparison made.")
        return 0
    res = scenarios(exe, max(1, args.repeat), not args.no_scale)
    print(res.description)
    print()
    medians = {s: res.median(s) for s in SCENARIOS}
    print(tables(medians, {s: len(r) for s, r in res.runs.items()}))
    print()
    print(f"`advisor show {SHOW} --offline`: median {res.show.wall * 1000:.0f} ms.")
    print(
        f"State on disk after all the runs: advisor {res.disk['advisor'] / 1024:,.0f} KiB, "
        f"urlwatch {res.disk['urlwatch'] / 1024:,.0f} KiB."
    )
    if res.sizes:
        print()
        print("### advisor on 1×, 4× and 10× the feed (scale_check.py)")
        print()
        print(scale_check.table(res.sizes))
    print()
    print("### Targets")
    print()
    print("\n".join(targets(res)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
