"""Per-destination sources: their index, then one page per destination, fetched in parallel.

Only the destinations asked for are fetched (all of them for `--all`), through a bounded pool
with at most a few requests per host at once, each a conditional request.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

from advisor_cli import sources
from advisor_cli.errors import AdvisorError, FeedError, FetchError
from advisor_cli.http import Http
from advisor_cli.model import BrokenItem, FeedResult, IndexEntry, Item
from advisor_cli.paths import paths
from advisor_cli.store import PageValidators, Recorded, Store

POOL = 8
PER_HOST = 4
# An index with fewer entries than this share of the last good one is a broken answer.
MIN_SHARE = 0.5


@dataclass(frozen=True)
class Page:
    """What fetching one destination's page gave."""

    entry: IndexEntry
    result: Item | BrokenItem | None = None  # None: not modified since the last fetch
    validators: PageValidators | None = None
    error: str = ""


@dataclass(frozen=True)
class Index:
    entries: list[IndexEntry]
    etag: str | None
    last_modified: str | None


def index(store: Store, source: ModuleType, http: Http, when: datetime) -> Index:
    """The source's index: fetched conditionally, re-read from the cache on a 304."""
    url = source.index_url(sources.base_url(source))
    info = store.fetch_info(source.NAME)
    cached = paths().cache / f"{source.NAME}-index.json"
    have_copy = cached.exists()
    try:
        response = http.get(
            url,
            etag=info.etag if info and have_copy else None,
            last_modified=info.last_modified if info and have_copy else None,
        )
        body = cached.read_bytes() if response.not_modified else response.body
        entries: list[IndexEntry] = source.parse_index(body, sources.base_url(source))
        last = info.item_count if info else None
        if last and len(entries) < last * MIN_SHARE:
            raise FeedError(
                f"The {source.TITLE} index lists only {len(entries)} destinations, far fewer "
                f"than the {last} of the last good fetch; keeping the stored advisories."
            )
    except (AdvisorError, OSError) as exc:
        message = str(exc) if isinstance(exc, AdvisorError) else f"Cache unreadable: {exc}"
        store.fetch_failed(source.NAME, url, message, when)
        raise
    if response.not_modified:
        assert info is not None
        return Index(entries, info.etag, info.last_modified)
    _keep(cached, response.body)
    return Index(entries, response.etag, response.last_modified)


def _keep(path: Path, body: bytes) -> None:
    tmp = path.with_suffix(".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(body)
        tmp.replace(path)
    except OSError:  # the cache is a convenience: without it the next fetch is unconditional
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def fetch_pages(
    store: Store, source: ModuleType, http: Http, entries: Sequence[IndexEntry]
) -> list[Page]:
    """Fetch the entries' pages in parallel, each conditionally; failures come back as Pages."""
    known = {e.url: store.page_validators(e.url) for e in entries}
    hosts: dict[str, threading.Semaphore] = {}
    for e in entries:
        hosts.setdefault(urlsplit(e.url).netloc, threading.Semaphore(PER_HOST))

    def one(entry: IndexEntry) -> Page:
        before = known.get(entry.url)
        with hosts[urlsplit(entry.url).netloc]:
            try:
                response = http.get(
                    entry.url,
                    etag=before.etag if before else None,
                    last_modified=before.last_modified if before else None,
                )
            except FetchError as exc:
                return Page(entry, error=str(exc))
        if response.not_modified:
            return Page(entry)
        try:
            result = source.parse_page(response.body, entry)
        except FeedError as exc:
            return Page(entry, error=str(exc))
        validators = PageValidators(entry.url, response.etag, response.last_modified)
        return Page(entry, result, validators)

    with ThreadPoolExecutor(max_workers=min(POOL, max(1, len(entries)))) as pool:
        return list(pool.map(one, entries))


def refresh(
    store: Store,
    source: ModuleType,
    http: Http,
    when: datetime,
    codes: Collection[str] | None,
    watch: Mapping[str, Collection[str]] | None,
) -> tuple[Recorded, tuple[BrokenItem, ...]]:
    """Index, pages, record; raise FetchError after recording when some pages failed."""
    found = index(store, source, http, when)
    wanted = [e for e in found.entries if codes is None or e.code in codes]
    pages = fetch_pages(store, source, http, wanted)
    items = [p.result for p in pages if isinstance(p.result, Item)]
    broken = tuple(p.result for p in pages if isinstance(p.result, BrokenItem))
    unchanged = [p.entry.code for p in pages if p.result is None and not p.error]
    if unchanged:
        store.touch(source.NAME, unchanged, when)
    recorded = store.record(
        source.NAME,
        FeedResult(tuple(items), broken),
        when,
        url=source.index_url(sources.base_url(source)),
        etag=found.etag,
        last_modified=found.last_modified,
        watch=watch,
        item_count=len(found.entries),
        pages=[p.validators for p in pages if p.validators is not None],
    )
    failed = [p for p in pages if p.error]
    if failed:
        names = "; ".join(f"{p.entry.name}: {p.error}" for p in failed[:3])
        more = f" and {len(failed) - 3} more" if len(failed) > 3 else ""
        raise FetchError(
            f"{len(failed)} of {len(pages)} {source.TITLE} pages failed ({names}{more})."
        )
    return recorded, broken
