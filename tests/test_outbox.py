"""The outbox in a real SQLite store: queued with the version, kept until acknowledged."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from advisor_cli.model import Advisory, FeedResult, Item, Section
from advisor_cli.store import Store

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
MALI = Advisory(
    source="us",
    destination="ML",
    name="Mali",
    level=3,
    label="Reconsider Travel",
    issued=date(2026, 6, 8),
    url="https://example.invalid/mali",
    summary="Reconsider travel.",
    sections=(Section("Crime", "Crime is common."),),
)
RAISED = replace(MALI, level=4, label="Do Not Travel", issued=date(2026, 11, 19))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "advisor.sqlite3") as s:
        yield s


def record(store: Store, adv: Advisory, hours: int = 0) -> None:
    store.record(
        "us",
        FeedResult((Item(adv, b"<item/>"),)),
        NOW + timedelta(hours=hours),
        watch={"check": ["ML"]},
    )


def test_first_sight_only_starts_watching(store: Store) -> None:
    record(store, MALI)
    assert store.pending("check") == []
    assert store.mark("check", "us", "ML") is not None


def test_a_change_is_queued_with_the_version_and_once(store: Store) -> None:
    record(store, MALI)
    record(store, RAISED, 1)
    record(store, RAISED, 2)
    (entry,) = store.pending("check")
    assert (entry.kind, entry.destination) == ("change", "ML")
    old, new = store.version(entry.from_version or 0), store.version(entry.to_version or 0)
    assert old is not None and new is not None
    assert (old.advisory.level, new.advisory.level) == (3, 4)
    store.delivered([entry.id], NOW)
    assert store.pending("check") == []


def test_enqueue_catches_what_another_command_recorded(store: Store) -> None:
    record(store, MALI)
    store.record("us", FeedResult((Item(RAISED, b"<item/>"),)), NOW + timedelta(hours=1))
    assert store.pending("check") == []  # `show` recorded it without watching
    assert store.enqueue_changes("check", "us", ["ML"], NOW) == 1
    assert store.enqueue_changes("check", "us", ["ML"], NOW) == 0


def test_failed_delivery_keeps_the_entry(store: Store) -> None:
    record(store, MALI)
    record(store, RAISED, 1)
    (entry,) = store.pending("check")
    store.delivery_failed([entry.id], "Could not connect", NOW)
    (again,) = store.pending("check")
    assert again.id == entry.id and again.attempts == 1


def test_events_and_the_last_one(store: Store) -> None:
    assert store.last_event("check", "us") is None
    store.enqueue_event("check", "us", "failure", "HTTP 503", NOW)
    assert store.last_event("check", "us") == "failure"
    store.enqueue_event("check", "us", "recovery", "", NOW)
    assert store.last_event("check", "us") == "recovery"
    assert [e.kind for e in store.pending("check")] == ["failure", "recovery"]


def test_gc_never_drops_a_version_an_undelivered_change_needs(store: Store) -> None:
    record(store, MALI)
    for n in range(1, 5):
        record(store, replace(RAISED, summary=f"Edit {n}."), n)
    pending = store.pending("check")
    needed = {e.from_version for e in pending} | {e.to_version for e in pending}
    store.gc(keep=1)
    for version_id in needed:
        assert store.version(version_id or 0) is not None
