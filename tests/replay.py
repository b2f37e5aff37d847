"""Replay the shared archive day by day through a loopback server and the real pipeline.

Each day's feed is rebuilt from the archive (tests/archive.py), served on 127.0.0.1, fetched,
parsed and recorded by advisor with the clock pinned to that day, and every destination in the
feed is then asked "what changed since the last run?" as `advisor diff` asks it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import archive

from advisor_cli import monitor
from advisor_cli.http import Http
from advisor_cli.store import Store


@dataclass(frozen=True)
class Reported:
    day: str
    code: str
    name: str
    old_level: int
    new_level: int
    issued: str  # the new version's issued date
    headline: str


@dataclass
class Result:
    days: int = 0
    destinations: set[str] = field(default_factory=set)
    naive_changes: int = 0
    reported: list[Reported] = field(default_factory=list)
    anomalies: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # day, code, title, why
    db_bytes: int = 0
    seconds: float = 0.0

    @property
    def level_changes(self) -> list[Reported]:
        return [r for r in self.reported if r.old_level != r.new_level]


class _Feed:
    body = b""


@contextmanager
def _server(feed: _Feed) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")  # no charset, as the live feed
            self.send_header("Content-Length", str(len(feed.body)))
            self.end_headers()
            self.wfile.write(feed.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def naive_changes(data: archive.Archive, keys: set[str] | None) -> int:
    """Day-to-day changes of the item in the archive: what a monitor diffing raw items flags."""
    count = 0
    for key in data.keys:
        if keys is not None and key not in keys:
            continue
        previous = None
        for day in data.days:
            version = data.version_on(key, day)
            if version is None:
                continue
            if previous is not None and version.index != previous.index:
                count += 1
            previous = version
    return count


def replay(home: Path, keys: Iterable[str] | None = None, days: list[str] | None = None) -> Result:
    """Run the archive through advisor; `keys` limits it to some archive countries."""
    data = archive.load()
    wanted = set(keys) if keys is not None else None
    result = Result(naive_changes=naive_changes(data, wanted))
    feed = _Feed()
    saved = {k: os.environ.get(k) for k in ("ADVISOR_HOME", "ADVISOR_US_URL", "ADVISOR_NOW")}
    started = time.perf_counter()
    with _server(feed) as url:
        os.environ["ADVISOR_HOME"] = str(home)
        os.environ["ADVISOR_US_URL"] = url
        http = Http(timeout=10, retries=0)
        try:
            with Store(home / "advisor.sqlite3") as store:
                for day in days or data.days:
                    items = [v for v in data.items_on(day) if wanted is None or v.key in wanted]
                    if not items:
                        continue
                    feed.body = archive.feed_xml(items, pub_date=archive.channel_date(day))
                    os.environ["ADVISOR_NOW"] = f"{day}T12:00:00+00:00"
                    _replay_day(store, http, day, result)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    result.seconds = time.perf_counter() - started
    result.db_bytes = (home / "advisor.sqlite3").stat().st_size
    return result


def _replay_day(store: Store, http: Http, day: str, result: Result) -> None:
    refresh = monitor.refresh(store, "us", http)
    result.days += 1
    found = refresh.recorded.anomalies if refresh.recorded else ()
    for a in found:
        result.anomalies.append((day, a.destination, a.title, a.reason))
    for code in sorted(store.destinations("us")):
        result.destinations.add(code)
        report = monitor.since_last(store, "diff", "us", code)
        if report.changed and report.change is not None and report.old is not None:
            result.reported.append(
                Reported(
                    day,
                    code,
                    report.new.advisory.name,
                    report.old.advisory.level,
                    report.new.advisory.level,
                    str(report.new.advisory.issued),
                    report.change.headline(),
                )
            )
