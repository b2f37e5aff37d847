"""The FCDO source (GOV.UK Content API), table-driven over the project's own small fixtures."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from conftest import SHARED, fixture_bytes

from advisor_cli import sources
from advisor_cli.errors import FeedError
from advisor_cli.model import Advisory, BrokenItem, IndexEntry, Item
from advisor_cli.sources import uk

BASE = "http://127.0.0.1:8099"
GB = SHARED / "gb"
# What no parsed text may hold: raw no-break spaces, CR, tabs, doubled spaces, HTML left over.
UNCLEAN = re.compile(r"[\xa0\r\t\x00-\x09\x0b-\x1f\x7f-\x9f]| {2}|&nbsp;|&#\d+;|&amp;|<[a-z/]")


def doc(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(fixture_bytes(f"uk/{name}"))
    return data


def encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


@functools.cache
def index() -> dict[str, IndexEntry]:
    return {
        e.url.rpartition("/")[2]: e for e in uk.parse_index(fixture_bytes("uk/index.json"), BASE)
    }


def entry(slug: str) -> IndexEntry:
    if slug in index():
        return index()[slug]
    return IndexEntry("AL", "Albania", f"{BASE}/api/content/foreign-travel-advice/{slug}")


def advisory(fixture: str, data: bytes | None = None) -> Advisory:
    slug = fixture.removesuffix(".json")
    result = uk.parse_page(
        data if data is not None else fixture_bytes(f"uk/{fixture}"), entry(slug)
    )
    assert isinstance(result, Item), result
    return result.advisory


# -- the constants and the level table ------------------------------------------------------------


def test_constants() -> None:
    assert (uk.NAME, uk.BASE_URL, uk.BASE_ENV, uk.KIND) == (
        "uk",
        "https://www.gov.uk",
        "ADVISOR_UK_URL",
        "per-destination",
    )
    assert uk.ATTRIBUTION.startswith(
        "Contains public sector information licensed under the Open Government Licence v3.0"
    )
    assert "Open Government Licence v3.0" in uk.LICENCE
    assert uk.index_url("https://www.gov.uk/") == (
        "https://www.gov.uk/api/content/foreign-travel-advice"
    )


def test_level_table() -> None:
    assert uk.LEVELS == {
        "avoid_all_travel_to_whole_country": 4,
        "avoid_all_but_essential_travel_to_whole_country": 3,
        "avoid_all_travel_to_parts": 2,
        "avoid_all_but_essential_travel_to_parts": 2,
    }
    assert uk.NO_ALERT == 1
    assert uk.REGION_LEVELS == {"all": 4, "all but essential": 3}


WHOLE_ALL = "avoid_all_travel_to_whole_country"
WHOLE_ABE = "avoid_all_but_essential_travel_to_whole_country"
PARTS_ALL = "avoid_all_travel_to_parts"
PARTS_ABE = "avoid_all_but_essential_travel_to_parts"


@pytest.mark.parametrize(
    ("statuses", "level", "label"),
    [
        ([], 1, "No FCDO advice against travel"),
        ([WHOLE_ALL], 4, "FCDO advises against all travel to France"),
        ([WHOLE_ABE], 3, "FCDO advises against all but essential travel to France"),
        ([WHOLE_ABE, PARTS_ALL], 3, "FCDO advises against all but essential travel to France"),
        ([WHOLE_ALL, WHOLE_ABE], 4, "FCDO advises against all travel to France"),
        ([PARTS_ALL], 2, "FCDO advises against all travel to parts of France"),
        ([PARTS_ABE], 2, "FCDO advises against all but essential travel to parts of France"),
        (
            [PARTS_ABE, PARTS_ALL],
            2,
            "FCDO advises against all travel to parts of France "
            "and all but essential travel to other parts",
        ),
    ],
)
def test_levels_from_alert_status(statuses: list[str], level: int, label: str) -> None:
    """A page without any statement: the level and a label built from alert_status alone."""
    data = doc("france.json")
    data["details"]["alert_status"] = statuses
    adv = advisory("france.json", encode(data))
    assert (adv.level, adv.label) == (level, label)
    # Built wording stands in for the summary when the page states no advice itself.
    assert adv.summary == ("" if level == 1 else f"{label}.")
    assert adv.regions == ()


# -- the index ------------------------------------------------------------------------------------


def test_index() -> None:
    entries, skipped = uk.index_entries(fixture_bytes("uk/index.json"), BASE + "/")
    assert [(e.code, e.name, e.updated, e.level) for e in entries] == [
        ("HT", "Haiti", "2025-12-10T13:57:03Z", None),
        ("LB", "Lebanon", "2026-09-02T15:10:00Z", None),
        ("MX", "Mexico", "2026-09-26T07:59:13Z", None),
        ("UA", "Ukraine", "2026-09-15T14:41:54Z", None),
        ("FR", "France", "2026-08-11T09:17:02Z", None),
        ("US", "USA", "2026-08-18T09:29:04Z", None),  # by its ISO alpha-3 code, not its synonyms
        ("MM", "Myanmar (Burma)", "2026-05-01T12:00:00Z", None),  # by its slug
        ("BQ-BO", "Bonaire/St Eustatius/Saba", "2025-12-10T13:10:48Z", None),  # by uk.SLUGS
    ]
    assert entries[0].url == f"{BASE}/api/content/foreign-travel-advice/haiti"
    assert skipped == [
        BrokenItem("uk", "Atlantis", "destination not recognised", ""),
        BrokenItem("uk", "Tokelau", "withdrawn from GOV.UK", "TK"),
        BrokenItem("uk", "Narnia", "could not be read (no country slug)", ""),
    ]
    assert uk.parse_index(fixture_bytes("uk/index.json"), BASE) == entries


def test_index_skips_repeats_and_odd_children() -> None:
    data = doc("index.json")
    children = data["links"]["children"]
    data["links"]["children"] = [children[0], children[0], "haiti", {"details": None}]
    entries, skipped = uk.index_entries(encode(data), BASE)
    assert [e.code for e in entries] == ["HT"]
    assert [(b.title, b.reason) for b in skipped] == [
        ("Haiti", "same destination as Haiti"),
        ("(unnamed entry)", "could not be read (no country slug)"),
        ("(unnamed entry)", "could not be read (no country slug)"),
    ]


def test_one_page_speaks_for_the_three_islands() -> None:
    assert sources.covering(uk, "BQ-SE") == ["BQ-BO"]
    assert sources.covering(uk, "BQ-SA") == ["BQ-BO"]


# -- each fixture page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    head: tuple[str, str, int, str, date]  # code, name, level, label, issued
    summary: str
    change_note: str
    sections: tuple[str, ...]
    texts: dict[str, str] = field(default_factory=dict)  # section title -> its exact text
    regions: tuple[tuple[str, int], ...] = ()
    region_texts: dict[str, str] = field(default_factory=dict)


EXPECTED = {
    "haiti.json": Expected(
        ("HT", "Haiti", 4, "FCDO advises against all travel to Haiti", date(2025, 12, 10)),
        # The paragraph's statement, not the heading's shorter copy of it.
        summary="FCDO advises against all travel to Haiti due to the volatile security situation.",
        change_note="New information about dual nationals returning to the UK "
        "(‘Entry requirements’ page).",
        sections=(
            "Warnings and insurance",
            "Entry requirements",
            "Safety and security",
            "Getting help",
        ),
        texts={
            "Safety and security": "Crime\n\nCrime levels are high. Crime rises before the:\n\n"
            "- holiday season in December\n- Carnival (February or March)\n\n"
            "Criminal kidnaps\n\nThere is a high threat of kidnap.",
            # Entities decoded once, the no-break space folded.
            "Entry requirements": "This information is for people travelling on a full "
            "‘British citizen’ passport.\n\nPassport validity\n\n"
            "Your passport must be valid for 6 months.",
        },
    ),
    "lebanon.json": Expected(
        (
            "LB",
            "Lebanon",
            3,
            # Under a whole_country flag, "the rest of Lebanon" is the advice for the country.
            "FCDO advises against all but essential travel to the rest of Lebanon",
            date(2026, 9, 2),
        ),
        summary="FCDO advises against all travel to: the area south of the Litani river; "
        "the Palestinian refugee camps. "
        "FCDO advises against all but essential travel to the rest of Lebanon.",
        change_note="Updated information about the security situation "
        "(‘Warnings and insurance’ page).",
        sections=("Warnings and insurance", "Safety and security"),
        texts={
            "Safety and security": "Terrorism\n\nTerrorists are very likely to try to carry "
            "out attacks."
        },
        regions=(("the area south of the Litani river", 4), ("the Palestinian refugee camps", 4)),
        region_texts={"the Palestinian refugee camps": "and the Palestinian refugee camps."},
    ),
    "mexico.json": Expected(
        (
            "MX",
            "Mexico",
            2,
            "FCDO advises against all but essential travel to parts of Mexico",
            date(2026, 9, 26),
        ),
        summary="FCDO advises against all but essential travel to Colima state, except the city "
        "of Manzanillo, due to crime. "
        "FCDO advises against all but essential travel to Tamaulipas state.",
        change_note="Further information about Hurricane Polo (Warnings and insurance)",
        sections=("Warnings and insurance", "Health"),
        texts={"Health": "Dengue fever is common in the south."},
        # The reason is cut from the name, the exception kept.
        regions=(("Colima state, except the city of Manzanillo", 3), ("Tamaulipas state", 3)),
        region_texts={
            "Tamaulipas state": "FCDO advises against all but essential travel to Tamaulipas "
            "state. Check local media before you travel."
        },
    ),
    "ukraine.json": Expected(
        (
            "UA",
            "Ukraine",
            2,
            "FCDO advises against all travel to parts of Ukraine "
            "and all but essential travel to other parts",
            date(2026, 9, 15),
        ),
        summary="FCDO advises against all travel to: Crimea; Donetsk Oblast; Kharkiv Oblast. "
        "FCDO advises against all but essential travel to the rest of Ukraine.",
        # "\r\n \r\n" at the end of the change note as sent (seen 2026-09).
        change_note="Updated information about Russian invasion of Ukraine "
        "('Warnings and insurance' page).",
        sections=("Warnings and insurance", "Safety and security"),
        texts={
            "Warnings and insurance": "Your travel insurance could be invalidated if you travel "
            "against advice from FCDO.\n\nAreas where FCDO advises against travel\n\n"
            "Eastern and southern Ukraine\n\nFCDO advises against all travel to:\n\n"
            "- Crimea\n- Donetsk Oblast\n- Kharkiv Oblast\n"
            "  within 20km of the border with Russia\n\nRest of Ukraine\n\n"
            "FCDO advises against all but essential travel to the rest of Ukraine."
        },
        # Under parts-only flags "the rest of Ukraine" is one more part.
        regions=(
            ("Crimea", 4),
            ("Donetsk Oblast", 4),
            ("Kharkiv Oblast", 4),
            ("the rest of Ukraine", 3),
        ),
        region_texts={"Kharkiv Oblast": "Kharkiv Oblast\nwithin 20km of the border with Russia"},
    ),
    "france.json": Expected(
        ("FR", "France", 1, "No FCDO advice against travel", date(2026, 8, 11)),
        summary="",
        change_note="Updated information on European Entry-Exit System (EES) "
        "(‘Entry requirements’ page).",
        sections=("Warnings and insurance", "Entry requirements"),
        texts={
            "Entry requirements": "European Entry-Exit System\n\n"
            "Your fingerprints are taken at the border."
        },
    ),
    "old-layout.json": Expected(  # 2017: statements in "Summary", no warnings part
        (
            "AL",
            "Albania",
            2,
            "FCDO advises against all travel to parts of Albania",
            date(2017, 2, 14),
        ),
        summary="The FCDO advise against all travel to the border area with Kosovo.",
        change_note="Latest update: Summary – the main opposition party has called for protests",
        sections=("Summary", "Terrorism"),
        texts={
            "Summary": "The FCDO advise against all travel to the border area with Kosovo."
            "\n\nMost visits are trouble-free."
        },
        regions=(("the border area with Kosovo", 4),),
    ),
}


@pytest.mark.parametrize("fixture", EXPECTED)
def test_page(fixture: str) -> None:
    want = EXPECTED[fixture]
    adv = advisory(fixture)
    slug = fixture.removesuffix(".json").replace("old-layout", "albania")
    assert (adv.destination, adv.name, adv.level, adv.label, adv.issued) == want.head
    assert adv.source == "uk"
    assert adv.url == f"https://www.gov.uk/foreign-travel-advice/{slug}"
    assert adv.summary == want.summary
    assert adv.change_note == want.change_note
    assert tuple(s.title for s in adv.sections) == want.sections
    texts = {s.title: s.text for s in adv.sections}
    for title, text in want.texts.items():
        assert texts[title] == text
    assert tuple((r.name, r.level) for r in adv.regions) == want.regions
    region_texts = {r.name: r.text for r in adv.regions}
    for name, text in want.region_texts.items():
        assert region_texts[name] == text
    assert adv.rendering == ""
    for value in (adv.name, adv.label, adv.summary, adv.change_note):
        assert not UNCLEAN.search(value), value
    for s in adv.sections:
        assert not UNCLEAN.search(s.text.replace("\n  ", "\n")), s.title


SOMALIA = (
    "<p>FCDO advises against all travel to Somalia, including Somaliland, except for the regions "
    "of Awdal, Maroodijeh and Sahil.</p>"
)


@pytest.mark.parametrize(
    ("slug", "statuses", "html", "label", "summary", "regions"),
    [
        (  # the whole country but three regions, flagged as parts (seen 2026-09): level 2 still
            "somalia",
            [PARTS_ALL, PARTS_ABE],
            SOMALIA,
            "FCDO advises against all travel to parts of Somalia "
            "and all but essential travel to other parts",
            "FCDO advises against all travel to Somalia, including Somaliland, except for the "
            "regions of Awdal, Maroodijeh and Sahil.",
            (
                (
                    "Somalia, including Somaliland, except for the regions of Awdal, Maroodijeh "
                    "and Sahil",
                    4,
                ),
            ),
        ),
        (  # a heading that is a statement names a region when no paragraph does
            "palestine",
            [PARTS_ALL],
            "<h3>FCDO advises against all travel to Gaza</h3><p>Crossings are closed.</p>",
            "FCDO advises against all travel to parts of Palestine",
            "FCDO advises against all travel to Gaza",
            (("Gaza", 4),),
        ),
        (  # two statements in one paragraph, the second with "also"
            "cameroon",
            [PARTS_ALL, PARTS_ABE],
            "<p>FCDO advises against all travel to the Bakassi Peninsula. FCDO also advises "
            "against all but essential travel to the North-West region because of clashes.</p>"
            "<p>FCDO advises against all travel within 40km of the border with Chad.</p>",
            "FCDO advises against all travel to parts of Cameroon "
            "and all but essential travel to other parts",
            "FCDO advises against all travel to the Bakassi Peninsula. FCDO also advises against "
            "all but essential travel to the North-West region because of clashes. "
            "FCDO advises against all travel within 40km of the border with Chad.",
            (
                ("the Bakassi Peninsula", 4),
                ("the North-West region", 3),
                ("within 40km of the border with Chad", 4),
            ),
        ),
        (  # the whole country in other words; a lead without its list names no region
            "syria",
            [WHOLE_ALL],
            "<p>The FCDO continues to advise against all travel to the whole of Syria.</p>"
            "<p>FCDO advises against all travel to the following areas:</p><p>See the map.</p>",
            "The FCDO continues to advise against all travel to the whole of Syria",
            "The FCDO continues to advise against all travel to the whole of Syria.",
            (),
        ),
        (  # a passing mention is no statement
            "kenya",
            [],
            "<p>Insurance may be invalid where FCDO advises against all travel to an area.</p>",
            "No FCDO advice against travel",
            "",
            (),
        ),
    ],
)
def test_statement_shapes(
    slug: str,
    statuses: list[str],
    html: str,
    label: str,
    summary: str,
    regions: tuple[tuple[str, int], ...],
) -> None:
    data = doc("france.json")
    name = slug.capitalize()
    data["details"]["country"] = {"name": name, "slug": slug}
    data["details"]["alert_status"] = statuses
    data["details"]["parts"][0]["body"] = html
    code = {"somalia": "SO", "palestine": "PS", "cameroon": "CM", "syria": "SY"}.get(slug, "KE")
    result = uk.parse_page(encode(data), IndexEntry(code, name, f"{BASE}/x/{slug}"))
    assert isinstance(result, Item)
    adv = result.advisory
    assert (adv.label, adv.summary) == (label, summary)
    assert tuple((r.name, r.level) for r in adv.regions) == regions


def test_raw_is_the_body() -> None:
    body = fixture_bytes("uk/haiti.json")
    result = uk.parse_page(body, entry("haiti"))
    assert isinstance(result, Item) and result.raw == body


# -- issued: public_updated_at, not details.updated_at --------------------------------------------


def test_minor_edit_keeps_the_date_and_shows_in_the_text() -> None:
    before = advisory("haiti.json")
    data = doc("haiti.json")
    data["details"]["updated_at"] = data["updated_at"] = "2026-11-02T09:00:00Z"
    data["details"]["parts"][3]["body"] = data["details"]["parts"][3]["body"].replace("114", "115")
    after = advisory("haiti.json", encode(data))
    assert after.issued == before.issued == date(2025, 12, 10)
    assert after.fingerprint() != before.fingerprint()


def test_issued_falls_back_to_details_updated_at() -> None:
    data = doc("haiti.json")
    del data["public_updated_at"]
    assert advisory("haiti.json", encode(data)).issued == date(2026, 10, 7)


def test_issued_is_the_date_as_written_in_london_time() -> None:
    data = doc("mexico.json")
    data["public_updated_at"] = "2026-09-27T00:30:00+01:00"  # 23:30 UTC the day before
    assert advisory("mexico.json", encode(data)).issued == date(2026, 9, 27)


# -- the noise rule -------------------------------------------------------------------------------


def test_fields_that_move_without_the_advice_never_reach_the_advisory() -> None:
    first = doc("ukraine.json")
    second = doc("ukraine.json")
    second["publishing_request_id"] = "17-1791999999.001-10.13.20.99-11111"
    second["updated_at"] = "2026-10-08T06:00:00+01:00"
    second["details"]["updated_at"] = "2026-10-08T05:00:00Z"
    second["details"]["reviewed_at"] = "2026-10-08T05:00:00Z"
    second["details"]["max_cache_time"] = 300
    second["links"] = {"parent": [{"base_path": "/foreign-travel-advice"}]}
    second["details"]["change_history"] = [{"note": "Reviewed", "public_timestamp": "x"}]
    a, b = advisory("ukraine.json", encode(first)), advisory("ukraine.json", encode(second))
    assert a == b
    assert a.fingerprint() == b.fingerprint()


# -- pages without usable advice, and documents that are not pages --------------------------------


def edited(change: str) -> bytes:
    data = doc("haiti.json")
    if change == "no alert_status":
        del data["details"]["alert_status"]
    elif change == "withdrawn":
        data["withdrawn_notice"] = {"explanation": "<p>Merged</p>", "withdrawn_at": "2026-01-01"}
    elif change == "bad date":
        data["public_updated_at"] = "10/12/2025"
    elif change == "empty bodies":
        for part in data["details"]["parts"]:
            part["body"] = "<p> </p>\n"
    return encode(data)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (fixture_bytes("uk/empty-parts.json"), "no advice text"),
        (edited("empty bodies"), "no advice text"),
        (fixture_bytes("uk/unknown-alert.json"), "unknown alert_status avoid_travel_on_tuesdays"),
        (edited("no alert_status"), "no alert_status"),
        (edited("withdrawn"), "withdrawn from GOV.UK"),
        (edited("bad date"), "unreadable public_updated_at '10/12/2025'"),
    ],
)
def test_broken_page(body: bytes, reason: str) -> None:
    result = uk.parse_page(body, entry("haiti"))
    assert isinstance(result, BrokenItem)
    assert (result.source, result.reason, result.destination) == ("uk", reason, "HT")


def wrong(change: str) -> bytes:
    data = doc("haiti.json")
    if change == "alert_status text":
        data["details"]["alert_status"] = "avoid_all_travel_to_whole_country"
    elif change == "part without body":
        del data["details"]["parts"][0]["body"]
    return encode(data)


PAGE_ERRORS = [
    (
        fixture_bytes("uk/empty-object.json"),
        "has the wrong shape: 'details' should be dict, not NoneType.",
    ),
    (fixture_bytes("uk/list.json"), "has the wrong shape: expected an object."),
    (fixture_bytes("uk/html-page.html"), "is an HTML or XML page, not JSON."),
    (
        fixture_bytes("uk/truncated.json"),
        "is not valid JSON (Expecting property name enclosed in double quotes, line 19).",
    ),
    (b"", "is empty."),
    (fixture_bytes("uk/wrong-types.json"), "has the wrong shape: 'parts' should be list."),
    (wrong("alert_status text"), "has the wrong shape: 'alert_status' should be a list of text."),
    (wrong("part without body"), "has the wrong shape: 'body' should be str, not NoneType."),
    (
        fixture_bytes("uk/index.json"),
        "is a 'travel_advice_index' document, not 'travel_advice'.",
    ),
]


@pytest.mark.parametrize(("body", "message"), PAGE_ERRORS)
def test_page_errors(body: bytes, message: str) -> None:
    with pytest.raises(FeedError) as exc:
        uk.parse_page(body, entry("haiti"))
    assert str(exc.value) == f"The travel advice page {message}"


def unknown_only() -> bytes:
    data = doc("index.json")
    data["links"]["children"] = data["links"]["children"][-3:]
    return encode(data)


INDEX_ERRORS = [
    (
        fixture_bytes("uk/empty-object.json"),
        "has the wrong shape: 'links' should be dict, not NoneType.",
    ),
    (fixture_bytes("uk/list.json"), "has the wrong shape: expected an object."),
    (fixture_bytes("uk/html-page.html"), "is an HTML or XML page, not JSON."),
    (
        fixture_bytes("uk/truncated.json"),
        "is not valid JSON (Expecting property name enclosed in double quotes, line 19).",
    ),
    (b"  \n", "is empty."),
    (fixture_bytes("uk/index-no-children.json"), "lists no destinations."),
    (
        fixture_bytes("uk/index-wrong-types.json"),
        "has the wrong shape: 'children' should be list, not dict.",
    ),
    (unknown_only(), "lists no destination advisor knows."),
    (fixture_bytes("uk/haiti.json"), "is a 'travel_advice' document, not 'travel_advice_index'."),
]


@pytest.mark.parametrize(("body", "message"), INDEX_ERRORS)
def test_index_errors(body: bytes, message: str) -> None:
    with pytest.raises(FeedError) as exc:
        uk.parse_index(body, BASE)
    assert str(exc.value) == f"The travel advice index {message}"


# -- the real captures under ../shared/data/gb (skipped when absent) ------------------------------


def real(name: str) -> bytes:
    path = GB / name
    if not path.is_file():
        pytest.skip(f"real capture not available at {path}")
    return path.read_bytes()


@pytest.mark.shared
def test_real_haiti_page() -> None:
    body = real("content-api_haiti_trimmed_2026-10-07.json")
    result = uk.parse_page(
        body, IndexEntry("HT", "Haiti", f"{BASE}/api/content/foreign-travel-advice/haiti")
    )
    assert isinstance(result, Item)
    adv = result.advisory
    assert (adv.level, adv.label, adv.url) == (
        4,
        "FCDO advises against all travel to Haiti",
        "https://www.gov.uk/foreign-travel-advice/haiti",
    )
    # public_updated_at (2025-12-10), not the minor edit's details.updated_at (2026-10-07).
    assert adv.issued == date(2025, 12, 10)
    assert adv.summary == (
        "FCDO advises against all travel to Haiti due to the volatile security situation."
    )
    assert adv.change_note.startswith("New information about dual nationals returning to the UK")
    assert [s.title for s in adv.sections] == [
        "Warnings and insurance",
        "Entry requirements",
        "Safety and security",
        "Health",
        "Getting help",
    ]
    assert adv.regions == ()
    texts = {s.title: s.text for s in adv.sections}
    assert "- Cité Soleil\n" in texts["Safety and security"]
    for s in adv.sections:
        assert not UNCLEAN.search(s.text.replace("\n  ", "\n")), s.title


@pytest.mark.shared
def test_real_index_subset() -> None:
    entries, skipped = uk.index_entries(
        real("content-api_foreign-travel-advice-index_subset12_2026-09-26.json"),
        "https://www.gov.uk",
    )
    assert skipped == []
    assert [e.code for e in entries] == [
        "MX", "BQ-BO", "UA", "JP", "AF", "US", "CY", "IS", "FR", "TD", "PS", "SO",
    ]  # fmt: skip
    assert entries[0] == IndexEntry(
        "MX",
        "Mexico",
        "https://www.gov.uk/api/content/foreign-travel-advice/mexico",
        "2026-09-26T07:59:13Z",
    )


@pytest.mark.shared
def test_real_index_example_of_the_schema() -> None:
    entries = uk.parse_index(real("publishing-api-example_travel_advice_index.json"), BASE)
    assert len(entries) == 7
    assert entries[0].url == f"{BASE}/api/content/foreign-travel-advice/afghanistan"


@pytest.mark.shared
def test_real_2017_layout() -> None:
    body = real("publishing-api-example_travel_advice_full-country_albania_2017.json")
    result = uk.parse_page(
        body, IndexEntry("AL", "Albania", f"{BASE}/api/content/foreign-travel-advice/albania")
    )
    assert isinstance(result, Item)
    adv = result.advisory
    assert (adv.level, adv.label, adv.summary, adv.issued) == (
        1,
        "No FCDO advice against travel",
        "",
        date(2017, 2, 14),
    )
    assert [s.title for s in adv.sections][:3] == ["Summary", "Safety and security", "Terrorism"]
    assert len(adv.sections) == 9


@pytest.mark.shared
@pytest.mark.parametrize(
    ("slug", "code", "level"),
    [("afghanistan", "AF", 4), ("mexico", "MX", 2), ("ukraine", "UA", 2), ("france", "FR", 1)],
)
def test_real_alert_status_combinations(slug: str, code: str, level: int) -> None:
    """The re-keyed capture is not a response: each trimmed item, given a part, is a page."""
    pages = json.loads(real("content-api_country-pages_trimmed-rekeyed_2026-09.json"))
    item = pages[slug]
    trimmed = uk.parse_page(encode(item), IndexEntry(code, slug, f"{BASE}/x/{slug}"))
    assert isinstance(trimmed, BrokenItem) and trimmed.reason == "no advice text"
    item["details"]["parts"] = [{"slug": "health", "title": "Health", "body": "<p>Jabs.</p>"}]
    result = uk.parse_page(encode(item), IndexEntry(code, slug, f"{BASE}/x/{slug}"))
    assert isinstance(result, Item)
    assert result.advisory.level == level
    assert result.advisory.issued == date.fromisoformat(item["public_updated_at"][:10])
