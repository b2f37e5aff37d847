"""How long `advisor show mali --offline` takes, as a user at a terminal sees it.

Sets up a throw-away ADVISOR_HOME, serves the full feed (the last day of the shared archive,
rebuilt by tests/archive.py) from a loopback HTTP server, runs `advisor show mali` once to fill
the store, then times whole processes with their output going to a pipe:

- ``python -m advisor_cli show mali --offline``
- the ``advisor`` console script (next to the interpreter) with the same arguments
- ``advisor show mali`` online against the loopback server (download, parse, store; fewer runs)
- ``python -c pass``, the floor any Python command pays

Bytecode is cached in a temporary PYTHONPYCACHEPREFIX (as an installed program's is, and
without writing into the source tree) unless ``--no-bytecode-cache``. The script also lists the
ten imports with the largest cumulative time (``-X importtime``) of one offline run.

    python benchmarks/show_offline.py [--repeat 20]

Prints Markdown tables to paste into the README. Exits 0 with a message when the archive is
absent, as in a fresh clone.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import archive  # tests/archive.py, through the path above
from mirror import Mirror  # benchmarks/mirror.py, beside this script

DESTINATION = "mali"
_IMPORT_LINE = re.compile(r"^import time:\s*(\d+)\s*\|\s*(\d+)\s*\|(\s*)(\S.*)$")


def run(cmd: Sequence[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """Run a command to completion with its output in pipes; raise with its stderr on failure."""
    proc = subprocess.run(
        list(cmd), env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=120
    )
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err[-2000:]}")
    return proc


def time_runs(cmd: Sequence[str], env: dict[str, str], repeat: int) -> list[float]:
    """Wall time (ms) of `repeat` runs of a command, after one untimed warm-up run."""
    run(cmd, env)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run(cmd, env)
        times.append((time.perf_counter() - start) * 1000)
    return times


def import_times(cmd: Sequence[str], env: dict[str, str]) -> list[tuple[int, int, str]]:
    """(cumulative µs, self µs, module) of every import in one ``-X importtime`` run."""
    proc = run([cmd[0], "-X", "importtime", *cmd[1:]], env)
    rows = []
    for line in proc.stderr.decode("utf-8", "replace").splitlines():
        m = _IMPORT_LINE.match(line)
        if m:
            rows.append((int(m[2]), int(m[1]), m[4].strip()))
    return sorted(rows, reverse=True)


def child_env(home: str, base_url: str, pycache: str | None) -> dict[str, str]:
    """The environment of every timed process.

    With `pycache`, bytecode is cached there (PYTHONPYCACHEPREFIX), as an installed program's
    is, whatever PYTHONDONTWRITEBYTECODE says, and nothing is written into the source tree.
    """
    drop = ("ADVISOR_", "PYTHONPROFILEIMPORTTIME", "PYTHONIMPORTTIME")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        ADVISOR_HOME=home,
        ADVISOR_US_URL=base_url,
        NO_COLOR="1",
        no_proxy="127.0.0.1,localhost",
        NO_PROXY="127.0.0.1,localhost",
    )
    if pycache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def console_script() -> list[str]:
    """The `advisor` script installed next to this interpreter (or on PATH)."""
    here = Path(sys.executable).parent
    found = shutil.which("advisor", path=str(here)) or shutil.which("advisor")
    return [found] if found else []


def row(label: str, times: list[float]) -> str:
    return (
        f"| {label} | {len(times)} | {statistics.median(times):.0f} | "
        f"{min(times):.0f} | {max(times):.0f} |"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20, help="timed runs per command (default 20)")
    ap.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="keep the inherited bytecode settings (by default .pyc files are cached in a "
        "temporary PYTHONPYCACHEPREFIX, as for an installed program)",
    )
    args = ap.parse_args(argv)
    repeat = max(1, args.repeat)

    if not archive.ARCHIVE.exists():
        print(f"The shared archive is absent ({archive.ARCHIVE}); nothing to measure.")
        return 0
    data = archive.load()
    day = data.days[-1]

    py = sys.executable
    module = [py, "-m", "advisor_cli"]
    advisor = console_script() or module
    d = DESTINATION
    commands = [
        (f"`python -m advisor_cli show {d} --offline`", [*module, "show", d, "--offline"], repeat),
        (f"`advisor show {d} --offline`", [*advisor, "show", d, "--offline"], repeat),
        (f"`advisor show {d}` (loopback feed: fetch, parse, store)", [*advisor, "show", d], 5),
        ("`python -c pass`", [py, "-c", "pass"], repeat),
    ]
    if advisor is module:
        del commands[1]
    server = Mirror(data.items_on(day), day)  # the same loopback mirror as compare_urlwatch.py
    body = server.feed.body
    with tempfile.TemporaryDirectory(prefix="advisor-bench-") as tmp, server:
        home = os.path.join(tmp, "home")
        pycache = None if args.no_bytecode_cache else os.path.join(tmp, "pycache")
        env = child_env(home, server.url, pycache)
        try:
            run([*advisor, "show", d], env)  # fill the store
            rows = [row(label, time_runs(cmd, env, n)) for label, cmd, n in commands]
            imports = import_times([*module, "show", d, "--offline"], env)
        except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
            print(f"Could not measure: {exc}", file=sys.stderr)
            return 1

    print(f"## `advisor show {DESTINATION} --offline`, whole process, output to a pipe")
    print()
    if not args.no_bytecode_cache:
        bytecode = "bytecode cached (temporary PYTHONPYCACHEPREFIX), as for an installed program"
    elif os.environ.get("PYTHONDONTWRITEBYTECODE"):
        bytecode = "no bytecode cache (PYTHONDONTWRITEBYTECODE inherited)"
    else:
        bytecode = "inherited bytecode settings"
    print(
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}; "
        f"store filled from the {day} feed ({len(body):,} bytes, served on loopback); "
        f"one warm-up run per command; {bytecode}."
    )
    if advisor is module:
        print("\n(The `advisor` console script was not found next to the interpreter.)")
    print()
    print("| command | runs | median ms | min ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    print("\n".join(rows))
    print()
    print("### Slowest imports of one offline run (`-X importtime`, cumulative)")
    print()
    print("| module | cumulative ms | self ms |")
    print("|---|---:|---:|")
    for cumulative, own, name in imports[:10]:
        print(f"| `{name}` | {cumulative / 1000:.1f} | {own / 1000:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
