"""The noise rules, pure and through a real SQLite store: what becomes current, what is reported."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from advisor_cli import noise
from advisor_cli.model import Advisory, BrokenItem, FeedResult, Item, Section
from advisor_cli.noise import Known, Outcome
from advisor_cli.store import Store

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
CLASSIC = Advisory(
    source="us",
    destination="CY",
    name="Cyprus",
    level=1,
    label="Exercise Normal Precautions",
    issued=date(2026, 1, 5),
    url="https://example.invalid/cyprus-travel-advisory.html",
    summary="Exercise normal precautions in Cyprus.",
    change_note="Reissued.",
    sections=(Section("Country Summary", "Cyprus is generally safe."),),
    rendering="classic",
)
NEW_RENDERING = replace(
    CLASSIC,
    url="https://example.invalid/destination.cyp.html",
    rendering="new",
    change_note="",
    sections=(Section("Overview", "Cyprus is a safe destination."),),
)


def known(adv: Advisory, last_seen: datetime = NOW) -> Known:
    return Known(
        adv.fingerprint(), adv.body_fingerprint(), adv.level, adv.issued, adv.rendering, last_seen
    )


@pytest.mark.parametrize(
    ("candidate", "current", "seen", "outcome"),
    [
        pytest.param(CLASSIC, None, None, Outcome.FIRST, id="first"),
        pytest.param(CLASSIC, known(CLASSIC), known(CLASSIC), Outcome.UNCHANGED, id="same"),
        pytest.param(
            replace(CLASSIC, sections=(Section("Country Summary", "New text."),)),
            known(CLASSIC),
            None,
            Outcome.NEW,
            id="text-edit-same-date",
        ),
        pytest.param(
            replace(CLASSIC, level=3, issued=date(2026, 3, 3)),
            known(CLASSIC),
            None,
            Outcome.NEW,
            id="raised",
        ),
        pytest.param(
            replace(CLASSIC, issued=date(2025, 5, 20)),
            known(CLASSIC),
            None,
            Outcome.STALE,
            id="stale-copy",
        ),
        pytest.param(NEW_RENDERING, known(CLASSIC), None, Outcome.ALTERNATE, id="flip-flop"),
        pytest.param(
            replace(CLASSIC, issued=date(2026, 1, 19)),
            known(CLASSIC),
            None,
            Outcome.REDATED,
            id="only-the-date-moved",
        ),
        pytest.param(
            NEW_RENDERING,
            known(CLASSIC, NOW - timedelta(days=8)),
            None,
            Outcome.SWITCH,
            id="rendering-takes-over",
        ),
        pytest.param(
            replace(CLASSIC, summary="Older text."),
            known(replace(CLASSIC, summary="Newer text.")),
            known(replace(CLASSIC, summary="Older text.")),
            Outcome.RETURN,
            id="seen-before",
        ),
    ],
)
def test_decide(
    candidate: Advisory, current: Known | None, seen: Known | None, outcome: Outcome
) -> None:
    assert noise.decide(candidate, candidate.fingerprint(), current, seen, NOW).outcome is outcome


@pytest.mark.parametrize(
    ("advisory", "reason"),
    [
        (CLASSIC, None),
        (replace(CLASSIC, summary="", sections=()), "empty description"),
        (
            replace(
                CLASSIC,
                level=1,
                summary="Exercise normal precaution Summary not available",
                sections=(),
            ),
            "placeholder text instead of an advisory",
        ),
        (replace(CLASSIC, issued=date(2030, 9, 15)), "issued date 2030-09-15 is in the future"),
        (replace(CLASSIC, issued=NOW.date() + timedelta(days=2)), None),
    ],
)
def test_anomaly(advisory: Advisory, reason: str | None) -> None:
    assert noise.anomaly(advisory, NOW.date()) == reason


# -- through the store ---------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "advisor.sqlite3") as s:
        yield s


def feed(*advisories: Advisory, broken: tuple[BrokenItem, ...] = ()) -> FeedResult:
    return FeedResult(tuple(Item(a, b"<item/>") for a in advisories), broken)


def run(store: Store, days: list[tuple[Advisory, ...]]) -> list[tuple[tuple[str, ...], str]]:
    """Record one feed per day; return what each day reported and the current summary."""
    out = []
    for n, advisories in enumerate(days):
        recorded = store.record("us", feed(*advisories), NOW + timedelta(days=n))
        current = store.current("us", "CY")
        assert current is not None
        out.append((recorded.changed, current.advisory.summary))
    return out


def test_flip_flops_are_never_reported(store: Store) -> None:
    days = [(CLASSIC,), (NEW_RENDERING,), (CLASSIC,), (NEW_RENDERING,), (CLASSIC,)]
    reports = run(store, days)
    assert all(changed == () for changed, _ in reports)
    assert {summary for _, summary in reports} == {CLASSIC.summary}


def test_both_renderings_in_one_feed_keep_the_current_one(store: Store) -> None:
    reports = run(store, [(CLASSIC,), (NEW_RENDERING, CLASSIC), (CLASSIC, NEW_RENDERING)])
    assert [changed for changed, _ in reports] == [(), (), ()]


def test_stale_copy_never_becomes_current(store: Store) -> None:
    newer = replace(CLASSIC, level=3, issued=date(2026, 3, 3), summary="Reconsider travel.")
    stale = replace(CLASSIC, issued=date(2025, 5, 20))
    reports = run(store, [(CLASSIC,), (newer,), (stale,), (newer,)])
    assert [changed for changed, _ in reports] == [(), ("CY",), (), ()]
    assert reports[-1][1] == "Reconsider travel."


def test_return_to_a_seen_version_is_silent_unless_the_level_moved(store: Store) -> None:
    a = CLASSIC
    b = replace(CLASSIC, summary="Edited summary.")
    reports = run(store, [(a,), (b,), (a,), (b,)])
    assert [changed for changed, _ in reports] == [(), ("CY",), (), ()]


def test_level_change_back_to_a_seen_version_is_reported(store: Store) -> None:
    low = CLASSIC
    high = replace(CLASSIC, level=3, label="Reconsider Travel")
    reports = run(store, [(low,), (high,), (low,)])
    assert [changed for changed, _ in reports] == [(), ("CY",), ("CY",)]


def test_placeholder_and_future_items_are_anomalies_reported_once(store: Store) -> None:
    placeholder = replace(
        CLASSIC, level=1, summary="Summary not available", sections=(), issued=NOW.date()
    )
    future = replace(CLASSIC, issued=date(2030, 9, 15))
    store.record("us", feed(CLASSIC), NOW)
    first = store.record("us", feed(placeholder), NOW + timedelta(days=1))
    again = store.record("us", feed(placeholder), NOW + timedelta(days=2))
    other = store.record("us", feed(future), NOW + timedelta(days=3))
    assert [a.reason for a in first.anomalies] == ["placeholder text instead of an advisory"]
    assert again.anomalies == ()
    assert [a.reason for a in other.anomalies] == ["issued date 2030-09-15 is in the future"]
    assert first.changed == again.changed == other.changed == ()
    current = store.current("us", "CY")
    assert current is not None and current.advisory == CLASSIC


def test_broken_items_are_recorded_once(store: Store) -> None:
    broken = (BrokenItem("us", "Chad - Level 4: Do Not Travel", "empty description", "TD"),)
    first = store.record("us", feed(CLASSIC, broken=broken), NOW)
    second = store.record("us", feed(CLASSIC, broken=broken), NOW + timedelta(hours=1))
    assert [a.title for a in first.anomalies] == ["Chad - Level 4: Do Not Travel"]
    assert second.anomalies == ()


def test_silent_moves_carry_marks_along(store: Store) -> None:
    a = CLASSIC
    b = replace(CLASSIC, summary="Edited summary.")
    store.record("us", feed(a), NOW)
    first = store.current("us", "CY")
    assert first is not None
    store.set_mark("diff", "us", "CY", first.id, NOW)
    store.record("us", feed(b), NOW + timedelta(days=1))  # reported: the mark stays on a
    store.set_mark("diff", "us", "CY", store.current("us", "CY").id, NOW)  # type: ignore[union-attr]
    store.record("us", feed(a), NOW + timedelta(days=2))  # silent return: the mark follows
    mark = store.mark("diff", "us", "CY")
    current = store.current("us", "CY")
    assert mark is not None and current is not None
    assert mark[0].id == current.id


def test_a_date_that_moves_alone_is_not_reported(store: Store) -> None:
    redated = replace(CLASSIC, issued=date(2026, 1, 19))
    reports = run(store, [(CLASSIC,), (redated,), (CLASSIC,), (redated,)])
    assert [changed for changed, _ in reports] == [(), (), (), ()]
    current = store.current("us", "CY")
    assert current is not None and current.advisory.issued == date(2026, 1, 19)


def test_history_grows_with_changes_not_runs(store: Store) -> None:
    edited = replace(CLASSIC, summary="Edited summary.")
    for n in range(5):
        store.record("us", feed(CLASSIC), NOW + timedelta(hours=n))
    store.record("us", feed(edited), NOW + timedelta(days=1))
    history = store.history("us", "CY")
    assert [v.seq for v in history] == [1, 2]
    assert history[0].last_seen == NOW + timedelta(hours=4)


def test_identical_content_is_stored_once(store: Store) -> None:
    store.record("us", feed(CLASSIC), NOW)
    store.record("us", feed(replace(CLASSIC, destination="CY")), NOW + timedelta(days=1))
    (blobs,) = store.db.execute("SELECT COUNT(*) FROM blobs").fetchone()
    assert blobs == 2  # the advisory and its raw item


def test_gc_keeps_current_and_newest(store: Store) -> None:
    for n in range(6):
        store.record("us", feed(replace(CLASSIC, summary=f"Version {n}.")), NOW + timedelta(days=n))
    removed, _ = store.gc(keep=2)
    assert removed == 4
    assert [v.seq for v in store.history("us", "CY")] == [5, 6]
    current = store.current("us", "CY")
    assert current is not None and current.advisory.summary == "Version 5."
