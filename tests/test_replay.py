"""Replay 254 real daily captures of the State Department feed: genuine changes only."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHARED

pytestmark = pytest.mark.shared

# Destinations with the archive's genuine level changes, and with its noise: placeholders
# ("Summary not available" at Level 1 for a day), an impossible date, flip-flops, stale copies.
KEYS = [
    "bangladesh",
    "belarus",
    "burkina_faso",
    "cabo_verde",
    "chad",
    "cyprus",
    "finland",
    "japan",
    "mali",
    "niger",
    "north_korea",
    "saudi_arabia",
    "south_sudan",
    "thailand",
    "the_gambia",
    "uganda",
]
GENUINE_LEVEL_CHANGES = {
    ("CY", 1, 3, "2026-03-03"),
    ("SA", 2, 3, "2026-03-03"),
    ("TD", 3, 4, "2026-04-28"),
    ("UG", 3, 4, "2026-05-17"),
    ("CY", 3, 1, "2026-06-01"),
    ("TH", 2, 1, "2026-07-07"),
    ("BD", 3, 2, "2026-07-30"),
}
PLACEHOLDERS = {"BD", "BF", "BY", "GM", "KP", "NE", "SS", "UG"}


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> object:
    if not (SHARED / "us" / "feed-archive-2025-12-12--2026-08-22.json.gz").exists():
        pytest.skip("the shared archive is not here")
    import replay

    return replay.replay(Path(tmp_path_factory.mktemp("replay")), KEYS)


def test_every_day_is_replayed(result: object) -> None:
    assert result.days == 254  # type: ignore[attr-defined]
    assert len(result.destinations) == len(KEYS)  # type: ignore[attr-defined]


def test_genuine_level_changes_are_reported_once_each(result: object) -> None:
    reported = [
        (r.code, r.old_level, r.new_level, r.issued)
        for r in result.level_changes  # type: ignore[attr-defined]
    ]
    assert sorted(reported) == sorted(GENUINE_LEVEL_CHANGES)


def test_placeholders_never_raise_an_alert(result: object) -> None:
    placeholder = "placeholder text instead of an advisory"
    seen = {
        (day, code)
        for day, code, _, why in result.anomalies  # type: ignore[attr-defined]
        if why == placeholder
    }
    assert {code for _, code in seen} >= PLACEHOLDERS
    reported = {(r.day, r.code) for r in result.reported}  # type: ignore[attr-defined]
    assert not seen & reported


def test_impossible_dates_are_anomalies_not_changes(result: object) -> None:
    anomalies = {(code, why) for _, code, _, why in result.anomalies}  # type: ignore[attr-defined]
    assert ("TD", "issued date 2030-09-15 is in the future") in anomalies
    assert ("CV", "unreadable issued date 'Wed, 15 Dec 20202'") in anomalies


def test_reports_are_a_small_fraction_of_raw_changes(result: object) -> None:
    naive = result.naive_changes  # type: ignore[attr-defined]
    reported = len(result.reported)  # type: ignore[attr-defined]
    assert naive > 900
    assert reported * 20 < naive, (reported, naive)
