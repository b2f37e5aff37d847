"""Does advisor's work grow linearly with the feed? Parse and `check --all` on 1×, 4×, 10× feeds.

The synthetic feeds repeat the real items of one archive day (tests/archive.py
`synthetic_feed`): copy n of an item gets a distinct link and guid but keeps its title, so it
resolves to the same destination. (Distinct fake destinations would not resolve: advisor knows
the ISO 3166 list and skips an item for an unknown one.) advisor therefore parses, validates and
compares every item, and the store keeps one version per distinct text: the timings cover the
whole pipeline, the database does not grow.

Measured per size, in a fresh ADVISOR_HOME:

- ``parse``: `parse_feed` in this process (median of a few runs, after a warm-up);
- ``first check``: `advisor check --all` on an empty store (fetch, parse, record every item);
- ``re-check``: the same feed with one byte changed, so its ETag changes and advisor fetches,
  parses and compares everything again (what any change to the feed costs);
- ``304 check``: nothing changed; the fixed cost of a run (start-up, one conditional request).

Time per item is (re-check − 304 check) / items: flat means linear.

    python benchmarks/scale_check.py [--multipliers 1,4,10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import archive  # tests/archive.py, through the path above
import measure
from mirror import Mirror

from advisor_cli.sources.us import parse_feed


@dataclass(frozen=True)
class Size:
    multiplier: int
    items: int
    feed_bytes: int
    parse_ms: float
    first: measure.Run
    recheck: measure.Run
    unchanged: measure.Run

    @property
    def ms_per_item(self) -> float:
        return (self.recheck.wall - self.unchanged.wall) * 1000 / self.items


def parse_ms(body: bytes, repeat: int) -> tuple[int, float]:
    """Items in the feed, and the median time (ms) to parse it."""
    result = parse_feed(body)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        parse_feed(body)
        times.append((time.perf_counter() - start) * 1000)
    return len(result.items) + len(result.broken), statistics.median(times)


def scale(
    advisor: Sequence[str],
    env: dict[str, str],
    tmp: str,
    multipliers: Sequence[int],
    repeat: int = 3,
    day: str | None = None,
) -> list[Size]:
    """Measure each feed size (see the module docstring)."""
    data = archive.load()
    day = day or data.days[-1]
    cmd = [*advisor, "check", "--all", "--no-email", "--json"]
    sizes = []
    with Mirror(data.items_on(day), day) as mirror:
        env = {**env, "ADVISOR_US_URL": mirror.url, "ADVISOR_HOME": os.path.join(tmp, "warm")}
        measure.check(measure.run(cmd, env, mirror), cmd)  # warm-up: bytecode, disk cache
        for m in multipliers:
            body = archive.synthetic_feed(m, day)
            items, parsed = parse_ms(body, repeat)
            mirror.replace_feed(body)
            env["ADVISOR_HOME"] = os.path.join(tmp, f"scale-{m}")
            first = measure.check(measure.run(cmd, env, mirror), cmd)
            rechecks, unchanged = [], []
            for i in range(repeat):
                mirror.replace_feed(body + f"<!-- {i} -->\r\n".encode())
                rechecks.append(measure.check(measure.run(cmd, env, mirror), cmd))
                unchanged.append(measure.check(measure.run(cmd, env, mirror), cmd))
            sizes.append(
                Size(
                    m,
                    items,
                    len(body),
                    parsed,
                    first,
                    measure.median(rechecks),
                    measure.median(unchanged),
                )
            )
    return sizes


def linear(sizes: Sequence[Size], tolerance: float = 1.5) -> bool:
    """True when the largest time per item is within `tolerance` times the smallest."""
    parse = [s.parse_ms / s.items for s in sizes]
    check = [s.ms_per_item for s in sizes]
    return bool(sizes) and all(max(x) <= tolerance * min(x) for x in (parse, check))


def table(sizes: Sequence[Size]) -> str:
    lines = [
        "| feed | items | bytes | parse ms (per item) | first check s | re-check s "
        "| 304 check s | re-check ms per item | peak MB (re-check) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in sizes:
        lines.append(
            f"| {s.multiplier}× | {s.items:,} | {s.feed_bytes:,} | "
            f"{s.parse_ms:.0f} ({s.parse_ms / s.items:.2f}) | {s.first.wall:.2f} | "
            f"{s.recheck.wall:.2f} | {s.unchanged.wall:.2f} | {s.ms_per_item:.2f} | "
            f"{s.recheck.peak_mb:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--multipliers", default="1,4,10", help="feed sizes (default 1,4,10)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measure (default 3)")
    args = ap.parse_args(argv)
    if not archive.ARCHIVE.exists():
        print(f"The shared archive is absent ({archive.ARCHIVE}); nothing to measure.")
        return 0
    advisor = [str(Path(sys.executable).with_name("advisor"))]
    multipliers = [int(m) for m in args.multipliers.split(",") if m.strip()]
    with tempfile.TemporaryDirectory(prefix="advisor-scale-") as tmp:
        env = measure.child_env(tmp, os.path.join(tmp, "pycache"))
        sizes = scale(advisor, env, tmp, multipliers, max(1, args.repeat))
    print(table(sizes))
    print()
    print(f"Linear (time per item within 1.5× across sizes): {'PASS' if linear(sizes) else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
