"""fetch → parse → store for one source; what every command that needs fresh data calls."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from advisor_cli import destinations, sources
from advisor_cli.diff import Change, compare
from advisor_cli.errors import AdvisorError, FeedError, FetchError, NotStored, UsageError
from advisor_cli.http import Http
from advisor_cli.model import BrokenItem
from advisor_cli.paths import paths
from advisor_cli.store import Anomaly, Recorded, Store, Version, utcnow

# A feed with fewer items than this share of the last good one is a broken answer.
MIN_SHARE = 0.5


@dataclass(frozen=True)
class Refresh:
    source: str
    not_modified: bool
    broken: tuple[BrokenItem, ...] = ()
    recorded: Recorded | None = None


def now() -> datetime:
    """The current time; ADVISOR_NOW (ISO 8601) pins it for tests and replays."""
    pinned = os.environ.get("ADVISOR_NOW")
    if not pinned:
        return utcnow()
    try:
        when = datetime.fromisoformat(pinned.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"ADVISOR_NOW is not an ISO 8601 time: {pinned!r}.") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def open_store() -> Store:
    return Store(paths().database)


def refresh(
    store: Store,
    source_name: str,
    http: Http | None = None,
    watch: Mapping[str, Collection[str]] | None = None,
    codes: Collection[str] | None = None,
) -> Refresh:
    """Fetch the source, parse it and record it; on failure, record the failure and raise.

    `watch` (consumer → destinations) queues their changes in the recording transaction.
    `codes` limits sources that need a request per destination to those (None: all of them).
    """
    source = sources.get(source_name)
    when = now()
    http = http or Http()
    if getattr(source, "KIND", "feed") == "per-destination":
        from advisor_cli import pages

        recorded, broken = pages.refresh(store, source, http, when, codes, watch)
        return Refresh(source_name, False, broken, recorded)
    url = source.feed_url(sources.base_url(source))
    info = store.fetch_info(source_name)
    try:
        response = http.get(
            url,
            etag=info.etag if info else None,
            last_modified=info.last_modified if info else None,
        )
        if response.not_modified:
            store.fetch_not_modified(source_name, when)
            return Refresh(source_name, not_modified=True)
        result = source.parse_feed(response.body)
        last = info.item_count if info else None
        count = len(result.items) + len(result.broken)
        if last and count < last * MIN_SHARE:
            raise FeedError(
                f"The feed holds only {count} items, far fewer than the {last} of the last good "
                "fetch; keeping the stored advisories."
            )
    except AdvisorError as exc:
        store.fetch_failed(source_name, url, str(exc), when)
        raise
    _cache_body(source_name, response.body)
    recorded = store.record(
        source_name,
        result,
        when,
        url=url,
        etag=response.etag,
        last_modified=response.last_modified,
        watch=watch,
    )
    return Refresh(source_name, False, result.broken, recorded)


def _cache_body(source_name: str, body: bytes) -> None:
    """Keep the last good answer in the cache directory, for inspection; failures do not matter."""
    tmp = paths().cache / f".{source_name}-feed.tmp"
    try:
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(body)
        tmp.replace(tmp.parent / f"{source_name}-feed.xml")
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)  # a full disk must not keep half a copy


def find(store: Store, source_name: str, destination: str) -> Version | None:
    """The current version for a destination, or that of the item that covers it."""
    version = store.current(source_name, destination)
    if version is None:
        for code in sources.covering(sources.get(source_name), destination):
            if version := store.current(source_name, code):
                break
    return version


@dataclass(frozen=True)
class Update:
    """What refreshing a source for a command produced besides the data itself."""

    warnings: tuple[str, ...] = ()
    anomalies: tuple[Anomaly, ...] = ()


def update(
    store: Store, source_name: str, *, strict: bool = False, codes: Collection[str] | None = None
) -> Update:
    """Refresh a source; unless strict, a failure with good data stored becomes a warning."""
    from advisor_cli.render import age

    try:
        result = refresh(store, source_name, codes=codes)
    except (FetchError, FeedError) as exc:
        info = store.fetch_info(source_name)
        if strict or info is None or info.last_success is None:
            raise
        title = sources.get(source_name).TITLE
        return Update(
            (
                f"Could not update from the {title} ({exc}); showing what was stored "
                f"{age(info.last_success, now())} ago.",
            )
        )
    found = result.recorded.anomalies if result.recorded else ()
    warnings = tuple(
        f"Ignored an item of the {source_name} feed: {a.title!r}: {a.reason}." for a in found
    )
    return Update(warnings, found)


def load(store: Store, source_name: str, codes: list[str]) -> list[Version]:
    """The current version of each destination, in order; NotStored names what is missing."""
    found: list[Version] = []
    for code in codes:
        version = find(store, source_name, code)
        if version is None:
            name = destinations.by_code(code).name
            title = sources.get(source_name).TITLE
            if store.fetch_info(source_name) is None:
                raise NotStored(
                    f"Nothing is stored for {name} yet; run without --offline once to fetch it."
                )
            broken = store.anomalies(source_name, code)
            if broken:
                raise NotStored(
                    f"The {title} sent no usable advisory for {name}; the last item was "
                    f"ignored ({broken[-1].reason})."
                )
            raise NotStored(f"The {title} has no advisory for {name}.")
        found.append(version)
    return found


@dataclass(frozen=True)
class Report:
    """One destination's answer to "what changed?"."""

    source: str
    name: str
    old: Version | None
    new: Version
    change: Change | None
    last_checked: datetime | None
    anomalies: tuple[Anomaly, ...] = ()

    @property
    def changed(self) -> bool:
        return self.change is not None and self.change.changed


def _report(
    store: Store,
    source: str,
    name: str,
    old: Version | None,
    new: Version,
    anomalies: tuple[Anomaly, ...] = (),
) -> Report:
    change = compare(old.advisory, new.advisory) if old and old.id != new.id else None
    info = store.fetch_info(source)
    checked = info.last_success if info else None
    related = tuple(a for a in anomalies if a.destination == new.advisory.destination)
    return Report(source, name, old, new, change, checked, related)


def since_last(
    store: Store, consumer: str, source: str, code: str, anomalies: tuple[Anomaly, ...] = ()
) -> Report:
    """Compare with what `consumer` reported last time, then remember the current version."""
    new = load(store, source, [code])[0]
    marked = store.mark(consumer, source, new.advisory.destination)
    report = _report(
        store,
        source,
        destinations.by_code(code).name,
        marked[0] if marked else None,
        new,
        anomalies,
    )
    store.set_mark(consumer, source, new.advisory.destination, new.id, now())
    return report


def latest_two(store: Store, source: str, code: str) -> Report:
    """Compare the two latest stored versions."""
    new = load(store, source, [code])[0]
    history = store.history(source, new.advisory.destination)
    old = history[-2] if len(history) >= 2 else None
    return _report(store, source, destinations.by_code(code).name, old, new)


def between(store: Store, source: str, code: str, ref_from: str, ref_to: str | None) -> Report:
    """Compare two stored versions named by number or by date."""
    current = load(store, source, [code])[0]
    destination = current.advisory.destination
    old = resolve_ref(store, source, destination, ref_from)
    new = resolve_ref(store, source, destination, ref_to) if ref_to else current
    return _report(store, source, destinations.by_code(code).name, old, new)


def resolve_ref(store: Store, source: str, destination: str, ref: str) -> Version:
    """A version by its number as history shows it, or the one current on a date."""
    ref = ref.strip()
    if ref.isdigit():
        version = store.by_seq(source, destination, int(ref))
        if version is None:
            count = len(store.history(source, destination))
            raise UsageError(f"There is no version {ref}; history has versions 1 to {count}.")
        return version
    try:
        day = date.fromisoformat(ref)
    except ValueError:
        raise UsageError(f"{ref!r} is neither a version number nor a date (YYYY-MM-DD).") from None
    end = datetime.combine(day, time.max, tzinfo=timezone.utc).replace(microsecond=0)
    version = store.current_on(source, destination, end)
    if version is None:
        raise UsageError(f"No version was stored yet on {day.isoformat()}.")
    return version
