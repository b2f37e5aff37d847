"""Replay the whole shared archive (254 days, every destination) and print the noise figures.

    python benchmarks/replay.py            # Markdown tables for the README

Each day's feed is rebuilt from the archive, served on 127.0.0.1, fetched, parsed and recorded by
advisor with its clock pinned to that day, then every destination is diffed as `advisor diff`
would. Needs ../shared/data/us/feed-archive-*.json.gz; exits 0 with a note when it is absent.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import archive
import replay


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", help="comma-separated archive keys (default: every destination)")
    args = parser.parse_args()
    if not archive.ARCHIVE.exists():
        print(f"The shared archive is not at {archive.ARCHIVE}; nothing to replay.")
        return 0
    keys = args.keys.split(",") if args.keys else None
    with tempfile.TemporaryDirectory() as home:
        result = replay.replay(Path(home), keys)
    reasons = collections.Counter(why.split(" '")[0] for _, _, _, why in result.anomalies)
    print("| measure | value |")
    print("|---|---:|")
    print(f"| days replayed | {result.days} |")
    print(f"| destinations | {len(result.destinations)} |")
    print(
        f"| day-to-day item changes in the archive (what a raw diff alerts on) | "
        f"{result.naive_changes:,} |"
    )
    print(f"| changes advisor reports | {len(result.reported)} |")
    print(f"| of which level changes | {len(result.level_changes)} |")
    print(f"| anomalies recorded (reported once each) | {len(result.anomalies)} |")
    print(f"| database after the replay | {result.db_bytes / 1024 / 1024:.1f} MB |")
    print(f"| wall time | {result.seconds:.0f} s |")
    print()
    print("| anomaly | count |")
    print("|---|---:|")
    for reason, count in reasons.most_common():
        print(f"| {reason} | {count} |")
    print()
    print("| reported on | destination | level | issued |")
    print("|---|---|---|---|")
    for r in result.level_changes:
        print(f"| {r.day} | {r.name} | {r.old_level} → {r.new_level} | {r.issued} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
