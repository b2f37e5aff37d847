"""A loopback mirror of travel.state.gov for benchmarks: the feed, and one page per feed item.

Serves, on 127.0.0.1 and a free port, from a ThreadingHTTPServer in a thread:

- ``/_res/rss/TAsTWs.xml``: the whole State Department feed of one archive day, rebuilt from
  the shared archive by tests/archive.py (what advisor reads: one request, every destination);
- ``/destination/<key>.html``: one small HTML page per item of that feed, keyed by the
  archive's destination key (its title, date and description), what a generic page monitor
  such as urlwatch watches instead.

Every response carries a strong ETag and a Last-Modified date; a GET with a matching
If-None-Match, or (without If-None-Match, as RFC 9110 says) an If-Modified-Since not older than
the resource, gets a 304 with no body. Bodies are gzip-compressed when, and only when, the
request's Accept-Encoding names gzip (both advisor and urlwatch send ``gzip, deflate``, through
requests). `latency` delays every answer, 304s included. `counters` tells the requests, 304s
and bytes on the wire (status line, headers and body, both ways) since the last `reset`.

`change(keys)` appends a sentence to some items' descriptions, in the feed and in their pages
alike; only the resources whose bytes change get a new ETag and Last-Modified.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import hashlib
import html
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BufferedIOBase
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import archive  # tests/archive.py, through the path above

FEED_PATH = "/_res/rss/TAsTWs.xml"
PAGE_PREFIX = "/destination/"


@dataclass(frozen=True)
class Resource:
    """One URL's representation: its bytes (plain and gzipped) and validators."""

    body: bytes
    gzipped: bytes
    etag: str  # of the plain body; the gzipped one's ends in -gz (RFC 9110 8.8.3.3)
    last_modified: int  # seconds since the epoch (HTTP dates have no finer resolution)
    content_type: str


def _resource(body: bytes, content_type: str, when: int) -> Resource:
    digest = hashlib.sha256(body).hexdigest()[:20]
    return Resource(body, gzip.compress(body, 6, mtime=0), f'"{digest}"', when, content_type)


def page_html(v: archive.ArchiveVersion) -> bytes:
    """The page a page monitor watches for one destination: title, date and description."""
    title = html.escape(v.title)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n<body>\n<main>\n<h1>{title}</h1>\n"
        f'<p class="date">{html.escape(v.pub_date)}</p>\n'
        f"{archive.markdown_to_html(v.content_md)}\n</main>\n</body>\n</html>\n"
    ).encode()


@dataclass
class Counters:
    requests: int = 0
    not_modified: int = 0
    bytes_sent: int = 0  # to the clients: status line, headers and bodies
    bytes_received: int = 0  # from the clients: request lines and headers

    @property
    def bytes(self) -> int:
        return self.bytes_sent + self.bytes_received


class _CountingWriter:
    """The handler's wfile, counting what goes out."""

    def __init__(self, raw: BufferedIOBase, mirror: Mirror) -> None:
        self.raw, self.mirror = raw, mirror

    def write(self, data: bytes) -> int:
        self.mirror._count(sent=len(data))
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class _CountingReader:
    """The handler's rfile, counting what comes in (request lines and headers: GETs only)."""

    def __init__(self, raw: BufferedIOBase, mirror: Mirror) -> None:
        self.raw, self.mirror = raw, mirror

    def readline(self, limit: int = -1) -> bytes:
        line = self.raw.readline(limit)
        self.mirror._count(received=len(line))
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class _Server(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: ten clients connecting at once (urlwatch's
    # pool) overflow it, and the dropped SYNs cost them a one-second retransmit each.
    request_queue_size = 128
    daemon_threads = True


class Mirror:
    """The server; use as a context manager. `items` are one archive day's items."""

    def __init__(self, items: Iterable[archive.ArchiveVersion], day: str) -> None:
        self.day = day
        self.latency = 0.0
        self.counters = Counters()
        self._lock = threading.Lock()
        self._items = {v.key: v for v in items}
        self._resources: dict[str, Resource] = {}
        self._changes = 0
        self._rebuild()
        self.httpd = _Server(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def keys(self) -> list[str]:
        return list(self._items)

    @property
    def feed(self) -> Resource:
        return self._resources[FEED_PATH]

    @property
    def pages(self) -> list[Resource]:
        return [r for path, r in self._resources.items() if path.startswith(PAGE_PREFIX)]

    def item(self, key: str) -> archive.ArchiveVersion:
        return self._items[key]

    def page_url(self, key: str) -> str:
        return f"{self.url}{PAGE_PREFIX}{key}.html"

    def change(self, keys: Iterable[str]) -> None:
        """Append a new sentence to each destination's description (feed item and page)."""
        self._changes += 1
        sentence = (
            f"\n\nUpdate {self._changes}: the embassy's consular section has changed its "
            "opening hours; check before you go.\n"
        )
        for key in keys:
            v = self._items[key]
            self._items[key] = dataclasses.replace(v, content_md=v.content_md + sentence)
        self._rebuild()

    def replace_feed(self, body: bytes) -> None:
        """Serve `body` as the feed from now on (new validators when it differs)."""
        old = self._resources[FEED_PATH]
        if body != old.body:
            self._resources[FEED_PATH] = _resource(body, old.content_type, int(time.time()))

    def reset(self) -> Counters:
        """The counters since the last reset, then zero them."""
        with self._lock:
            counters, self.counters = self.counters, Counters()
        return counters

    def _count(self, *, sent: int = 0, received: int = 0) -> None:
        with self._lock:
            self.counters.bytes_sent += sent
            self.counters.bytes_received += received

    def _rebuild(self) -> None:
        """Rebuild every resource; those whose bytes changed get new validators (dated now)."""
        now = int(time.time())
        items = list(self._items.values())
        fresh = {FEED_PATH: (archive.feed_xml(items, pub_date=archive.channel_date(self.day)), "")}
        for v in items:
            fresh[f"{PAGE_PREFIX}{v.key}.html"] = (page_html(v), "text/html; charset=utf-8")
        resources = {}
        for path, (body, ctype) in fresh.items():
            old = self._resources.get(path)
            # The live feed is served as text/xml without a charset.
            resources[path] = (
                old if old and old.body == body else _resource(body, ctype or "text/xml", now)
            )
        self._resources = resources

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                self.wfile = _CountingWriter(self.wfile, mirror)  # type: ignore[assignment]
                self.rfile = _CountingReader(self.rfile, mirror)  # type: ignore[assignment]

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                res = mirror._resources.get(path)
                with mirror._lock:
                    mirror.counters.requests += 1
                if mirror.latency:
                    time.sleep(mirror.latency)
                if res is None:
                    self._send(404, b"not found\n", {"Content-Type": "text/plain"})
                    return
                gzipped = "gzip" in self.headers.get("Accept-Encoding", "")
                headers = {
                    "ETag": _gz(res.etag) if gzipped else res.etag,
                    "Last-Modified": formatdate(res.last_modified, usegmt=True),
                    "Vary": "Accept-Encoding",
                    "Cache-Control": "max-age=0",
                }
                if _not_modified(self.headers, res):
                    with mirror._lock:
                        mirror.counters.not_modified += 1
                    self._send(304, b"", headers)
                    return
                headers["Content-Type"] = res.content_type
                if gzipped:
                    headers["Content-Encoding"] = "gzip"
                self._send(200, res.gzipped if gzipped else res.body, headers)

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def __enter__(self) -> Mirror:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def _gz(etag: str) -> str:
    return etag[:-1] + '-gz"'


def _not_modified(headers: Any, res: Resource) -> bool:
    """True when the request's validators say the client's copy is current (RFC 9110 13.2.2)."""
    inm = headers.get("If-None-Match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return bool(tags & {"*", res.etag, _gz(res.etag)})
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            return res.last_modified <= parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError, IndexError):
            return False
    return False


def serve(day: str | None = None) -> None:
    """Serve one archive day (default the last) until interrupted; prints the URLs."""
    data = archive.load()
    day = day or data.days[-1]
    with Mirror(data.items_on(day), day) as mirror:
        print(f"feed:  {mirror.url}{FEED_PATH}")
        print(f"pages: {mirror.page_url(mirror.keys[0])} … ({len(mirror.keys)} pages)")
        with contextlib.suppress(KeyboardInterrupt):
            mirror.thread.join()


if __name__ == "__main__":
    serve(sys.argv[1] if len(sys.argv) > 1 else None)
