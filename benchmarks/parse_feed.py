"""How long `advisor_cli.sources.us.parse_feed` takes on a whole, real-sized feed.

The feed is rebuilt from the shared daily archive (``../shared/data/us``, see tests/archive.py):
the last capture day's items, about 220 advisories, as the live feed serves them. The same feed
repeated 4 and 10 times shows whether the time grows linearly with the number of items.

    python benchmarks/parse_feed.py [--repeat 30]

Prints a Markdown table to paste into the README. Exits 0 (with a message) when the archive is
absent, as in a fresh clone.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import archive  # tests/archive.py, through the path above

from advisor_cli.sources.us import parse_feed


def measure(body: bytes, repeat: int) -> tuple[int, list[float]]:
    """Item count and the wall time (ms) of each of `repeat` parses, after one warm-up."""
    items = len(parse_feed(body).items)  # warm-up: imports, lxml, regex caches
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        parse_feed(body)
        times.append((time.perf_counter() - start) * 1000)
    return items, times


def timed(build: Callable[[], bytes]) -> tuple[bytes, float]:
    start = time.perf_counter()
    body = build()
    return body, (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30, help="timed parses per feed (default 30)")
    ap.add_argument(
        "--multipliers",
        default="1,4,10",
        help="sizes of the synthetic feeds, in copies of the real one (default 1,4,10)",
    )
    args = ap.parse_args(argv)
    repeat = max(1, args.repeat)
    multipliers = [int(m) for m in args.multipliers.split(",") if m.strip()]

    if not archive.ARCHIVE.exists():
        print(f"The shared archive is absent ({archive.ARCHIVE}); nothing to measure.")
        return 0

    arc = archive.load()
    day = arc.days[-1]
    body, build_ms = timed(lambda: archive.feed_for_day(day))
    result = parse_feed(body)
    items, times = measure(body, repeat)

    print(f"## `parse_feed` on the full State Department feed ({day}, rebuilt from the archive)")
    print()
    print(
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}; "
        f"{repeat} timed parses after one warm-up; feed built in {build_ms:.0f} ms."
    )
    print()
    print("| feed | items | broken | bytes | median ms | min ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {day} | {items} | {len(result.broken)} | {len(body):,} | "
        f"{statistics.median(times):.1f} | {min(times):.1f} | {max(times):.1f} |"
    )
    print()
    print("### Growth with feed size (the same items repeated)")
    print()
    print("| copies | items | bytes | median ms | ms per item |")
    print("|---:|---:|---:|---:|---:|")
    for m in multipliers:
        synthetic = archive.synthetic_feed(m, day)
        # Fewer repeats for the big feeds keeps the whole run well under a minute.
        n, ts = measure(synthetic, max(3, repeat // max(1, m)))
        median = statistics.median(ts)
        print(f"| {m}× | {n} | {len(synthetic):,} | {median:.1f} | {median / max(1, n):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
