"""The cron job: refresh the watched destinations, queue their changes, deliver them once."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from advisor_cli import destinations, monitor, sources
from advisor_cli.config import EmailConfig
from advisor_cli.diff import compare
from advisor_cli.errors import AdvisorError, FeedError, FetchError, StorageError
from advisor_cli.model import SourceEvent
from advisor_cli.notify import NotifyError, compose, send
from advisor_cli.paths import paths
from advisor_cli.store import Store
from advisor_cli.store.outbox import Entry

CONSUMER = "check"
LOCK_WAIT = 60.0  # seconds a second run waits for the first; ADVISOR_LOCK_WAIT overrides


class Busy(AdvisorError):
    """Another check holds the lock."""


@dataclass(frozen=True)
class Result:
    reports: tuple[monitor.Report, ...]  # changes delivered (or attempted) by this run
    events: tuple[SourceEvent, ...]  # source failures and recoveries to tell about
    failures: tuple[str, ...]  # sources that failed in this run, reported or not
    missing: tuple[str, ...]  # watched destinations the source has no advisory for
    emailed: str | None = None  # the SMTP server's answer
    email_error: str | None = None

    @property
    def failed(self) -> bool:
        return bool(self.failures or self.email_error)


@contextmanager
def lock(path: Path, wait: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `path`, waiting up to `wait` seconds for another holder."""
    import fcntl

    wait = float(os.environ.get("ADVISOR_LOCK_WAIT", LOCK_WAIT)) if wait is None else wait
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle: IO[str] = open(path, "a")  # noqa: SIM115 - held for the whole block
    except OSError as exc:  # a read-only or full disk: the database would fail the same way
        raise StorageError(f"Could not create the lock file {path}: {exc.strerror}.") from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(
                        f"Another advisor check is still running (lock {path}); "
                        f"gave up after {wait:g} s."
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        handle.close()


def run(
    store: Store,
    targets: dict[str, list[str] | None],
    email: EmailConfig | None,
) -> Result:
    """Check each source's targets (None: every destination) and deliver what is new."""
    now = monitor.now()
    events_now: list[str] = []
    failures: list[str] = []
    missing: list[str] = []
    for source, codes in targets.items():
        wanted = codes if codes is not None else sorted(store.destinations(source))
        try:
            monitor.refresh(store, source, watch={CONSUMER: wanted}, codes=codes)
        except (FetchError, FeedError) as exc:
            failures.append(f"{sources.get(source).TITLE}: {exc}")
            if store.last_event(CONSUMER, source) != "failure":
                store.enqueue_event(CONSUMER, source, "failure", str(exc), now)
                events_now.append(source)
        else:
            if store.last_event(CONSUMER, source) == "failure":
                store.enqueue_event(CONSUMER, source, "recovery", "", now)
                events_now.append(source)
        if codes is None:
            wanted = sorted(store.destinations(source))
        found = []
        for code in wanted:
            version = monitor.find(store, source, code)
            if version is None:
                missing.append(destinations.by_code(code).name)
            else:
                found.append(version.advisory.destination)
        # Also what an earlier `show` or a 304 left unreported; a no-op when all is queued.
        store.enqueue_changes(CONSUMER, source, found, now)
    return deliver(store, email, tuple(failures), tuple(missing))


def deliver(
    store: Store, email: EmailConfig | None, failures: tuple[str, ...], missing: tuple[str, ...]
) -> Result:
    """Turn the pending outbox into one report (and one email); acknowledge what got through."""
    now = monitor.now()
    pending = store.pending(CONSUMER)
    reports = _reports(store, [e for e in pending if e.kind == "change"])
    events = tuple(
        SourceEvent(e.source, e.kind, e.message, e.created_at)
        for e in pending
        if e.kind != "change"
    )
    ids = [e.id for e in pending]
    if not ids:
        return Result((), (), failures, missing)
    if email is None or not (reports or events):
        store.delivered(ids, now)
        return Result(reports, events, failures, missing)
    acknowledged = False

    def acknowledge() -> None:
        nonlocal acknowledged
        store.delivered(ids, now)
        acknowledged = True

    try:
        answer = send(compose(reports, events, email, now), email, acknowledge)
    except NotifyError as exc:
        if not acknowledged:
            store.delivery_failed(ids, str(exc), now)
        return Result(reports, events, failures, missing, email_error=str(exc))
    return Result(reports, events, failures, missing, emailed=answer)


def _reports(store: Store, entries: Sequence[Entry]) -> tuple[monitor.Report, ...]:
    """One report per destination, from the oldest pending version to the newest."""
    spans: dict[tuple[str, str], tuple[int, int]] = {}
    for e in entries:
        key = (e.source, e.destination)
        assert e.from_version is not None and e.to_version is not None
        first = spans[key][0] if key in spans else e.from_version
        spans[key] = (first, e.to_version)
    out = []
    for (source, destination), (first, last) in spans.items():
        old, new = store.version(first), store.version(last)
        if old is None or new is None:
            continue
        change = compare(old.advisory, new.advisory)
        if change.changed:
            info = store.fetch_info(source)
            out.append(
                monitor.Report(
                    source,
                    destinations.by_code(destination).name,
                    old,
                    new,
                    change,
                    info.last_success if info else None,
                )
            )
    out.sort(
        key=lambda r: (-abs(r.change.new.level - r.change.old.level) if r.change else 0, r.name)
    )
    return tuple(out)


def lock_path() -> Path:
    return paths().data / "check.lock"
