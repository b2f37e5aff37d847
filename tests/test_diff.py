"""diff.compare: two advisories in, what changed out. Pure and table-driven."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from advisor_cli.diff import compare, word_diff
from advisor_cli.model import Advisory, Region, Section

BASE = Advisory(
    source="us",
    destination="ML",
    name="Mali",
    level=3,
    label="Reconsider Travel",
    issued=date(2026, 1, 9),
    url="https://example.invalid/mali",
    summary="Reconsider travel to Mali due to crime.",
    change_note="Reissued after periodic review.",
    sections=(
        Section("Crime", "Violent crime is common.\n\n- Roadblocks occur."),
        Section("Terrorism", "Terrorists may attack."),
        Section("Kidnapping", "Kidnapping is a threat."),
    ),
    regions=(Region("Kidal", 4, "Do not travel to Kidal."),),
)


def edit(**changes: object) -> Advisory:
    return replace(BASE, **changes)  # type: ignore[arg-type]


CASES = [
    pytest.param(BASE, False, "no change", id="identical"),
    pytest.param(
        edit(summary="  reconsider travel to Mali due to crime. "),
        False,
        "no change",
        id="case-and-space-only",
    ),
    pytest.param(
        edit(level=4, label="Do Not Travel"), True, "Level 3 → 4", id="level-raised-same-text"
    ),
    pytest.param(
        edit(level=2, label="Exercise Increased Caution"), True, "Level 3 → 2", id="lowered"
    ),
    pytest.param(
        edit(
            sections=(
                BASE.sections[0],
                Section("Terrorism", "Terrorists attack often."),
                BASE.sections[2],
            )
        ),
        True,
        "Terrorism changed",
        id="section-changed",
    ),
    pytest.param(
        edit(sections=(*BASE.sections, Section("Health", "Clinics are scarce."))),
        True,
        "Health added",
        id="section-added",
    ),
    pytest.param(
        edit(sections=BASE.sections[:2]), True, "Kidnapping removed", id="section-removed"
    ),
    pytest.param(
        edit(
            level=4,
            label="Do Not Travel",
            issued=date(2026, 6, 8),
            sections=(
                BASE.sections[0],
                Section("Terrorism", "x"),
                Section("Kidnapping", "y"),
                Section("Health", "z"),
            ),
        ),
        True,
        "Level 3 → 4; Terrorism, Kidnapping changed; Health added",
        id="headline-example",
    ),
    pytest.param(edit(issued=date(2026, 6, 8)), True, "reissued 2026-06-08", id="reissued-only"),
    pytest.param(
        edit(regions=(Region("Kidal", 3, "Reconsider travel to Kidal."),)),
        True,
        "1 region changed",
        id="region-relevelled",
    ),
    pytest.param(
        edit(regions=(*BASE.regions, Region("Gao", 4, "Do not travel to Gao."))),
        True,
        "1 region changed",
        id="region-added",
    ),
    pytest.param(
        edit(summary="Do not travel to Mali."), True, "Summary changed", id="summary-changed"
    ),
    pytest.param(
        edit(url="https://example.invalid/other", rendering="new"),
        False,
        "no change",
        id="link-and-rendering-are-not-content",
    ),
]


@pytest.mark.parametrize(("new", "changed", "headline"), CASES)
def test_compare(new: Advisory, changed: bool, headline: str) -> None:
    change = compare(BASE, new)
    assert change.changed is changed
    assert change.headline() == headline


@pytest.mark.parametrize(
    ("old_level", "new_level", "direction"),
    [(3, 4, "RAISED"), (4, 1, "LOWERED"), (2, 2, "unchanged")],
)
def test_direction(old_level: int, new_level: int, direction: str) -> None:
    assert compare(edit(level=old_level), edit(level=new_level)).direction == direction


def test_sections_are_paired_by_title_not_position() -> None:
    swapped = edit(sections=tuple(reversed(BASE.sections)))
    change = compare(BASE, swapped)
    assert not change.changed
    assert change.sections_unchanged == 4  # three sections and the summary


def test_duplicate_titles_pair_in_order() -> None:
    old = edit(sections=(Section("Terrorism", "a"), Section("Terrorism", "b")))
    new = edit(sections=(Section("Terrorism", "a"), Section("Terrorism", "c")))
    change = compare(old, new)
    assert [(c.old, c.new) for c in change.sections_changed] == [("b", "c")]


def test_title_punctuation_and_case_do_not_split_a_section() -> None:
    new = edit(sections=(Section("CRIME:", BASE.sections[0].text), *BASE.sections[1:]))
    assert not compare(BASE, new).changed


def test_region_changes_are_itemised() -> None:
    new = edit(regions=(Region("Kidal", 3, "…"), Region("Gao", 4, "…")))
    change = compare(BASE, new)
    assert [(r.name, r.old, r.new) for r in change.regions_changed] == [("Kidal", 4, 3)]
    assert [r.name for r in change.regions_added] == ["Gao"]
    assert change.regions_removed == ()


def test_unified_diff_has_context_and_no_file_headers() -> None:
    old = edit(sections=(Section("Crime", "one\ntwo\nthree\nfour"),))
    new = edit(sections=(Section("Crime", "one\ntwo\n3\nfour"),))
    (section,) = compare(old, new).sections_changed
    assert section.unified() == "@@ -1,4 +1,4 @@\n one\n two\n-three\n+3\n four"


@pytest.mark.parametrize(
    ("old", "new", "runs"),
    [
        ("a b c", "a b c", [("=", "a b c")]),
        ("a b c", "a x c", [("=", "a "), ("-", "b"), ("+", "x"), ("=", " c")]),
        ("a b", "a b c", [("=", "a b"), ("+", " c")]),
        ("", "new", [("+", "new")]),
    ],
)
def test_word_diff(old: str, new: str, runs: list[tuple[str, str]]) -> None:
    assert word_diff(old, new) == runs


def test_change_note_only_when_new() -> None:
    assert compare(BASE, edit(level=4)).change_note == ""
    noted = edit(level=4, change_note="The advisory level was increased to 4.")
    assert compare(BASE, noted).change_note == "The advisory level was increased to 4."


def test_region_text_change_is_a_change() -> None:
    new = edit(regions=(Region("Kidal", 4, "Do not travel to Kidal or its surroundings."),))
    change = compare(BASE, new)
    assert change.changed
    assert change.headline() == "1 region changed"
    (region,) = change.regions_changed
    assert (region.old, region.new, region.level_moved) == (4, 4, False)
    assert region.text is not None
    assert "+Do not travel to Kidal or its surroundings." in region.text.unified()


def test_region_text_in_other_spacing_is_not_a_change() -> None:
    new = edit(regions=(Region("Kidal", 4, "  do not travel to   Kidal. "),))
    assert not compare(BASE, new).changed
