"""The Global Affairs Canada source, table-driven over the project's own small fixtures."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

import pytest
from conftest import SHARED, fixture_bytes

from advisor_cli.errors import FeedError
from advisor_cli.model import Advisory, BrokenItem, IndexEntry, Item
from advisor_cli.sources import ca

BASE = "http://127.0.0.1:8123/"
PAGES = f"{BASE.rstrip('/')}/travel-voyage"
# What no parsed text may hold: raw no-break or odd spaces, CR, tabs, doubled spaces, HTML
# entities left undecoded, C0/C1 controls and bidi overrides, tags.
UNCLEAN = re.compile(
    r"[\xa0\u202f\u2007\u2009\r\t\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
    r"| {2}|&nbsp;|&#\d+;|&[a-z]+;|<[a-z/]"
)


def fixture(name: str) -> bytes:
    return fixture_bytes(f"ca/{name}")


def entries() -> dict[str, IndexEntry]:
    return {e.code: e for e in ca.parse_index(fixture("index.json"), BASE)}


def advisory(page: str, code: str) -> Advisory:
    result = ca.parse_page(fixture(page), entries()[code])
    assert isinstance(result, Item), result
    assert result.raw == fixture(page)
    return result.advisory


def with_generated(body: bytes, timestamp: int, when: str) -> bytes:
    """The same document with another metadata.generated, as every request gets."""
    doc = json.loads(body)
    doc["metadata"] = {"generated": {"timestamp": timestamp, "date": when}}
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


# -- the module's constants and the level mapping ---------------------------------------------


def test_constants() -> None:
    assert (ca.NAME, ca.KIND, ca.BASE_ENV) == ("ca", "per-destination", "ADVISOR_CA_URL")
    assert ca.BASE_URL == "https://data.international.gc.ca"
    assert ca.TITLE == "Global Affairs Canada"
    assert ca.LICENCE == "Open Government Licence – Canada"
    assert ca.ATTRIBUTION.startswith(
        "Contains information licensed under the Open Government Licence – Canada"
    )
    assert ca.index_url(BASE) == f"{PAGES}/index-alpha-eng.json"
    assert ca.index_url(ca.BASE_URL) == (
        "https://data.international.gc.ca/travel-voyage/index-alpha-eng.json"
    )
    assert ca.page_url(ca.BASE_URL, "HT") == (
        "https://data.international.gc.ca/travel-voyage/cta-cap-ht.json"
    )


@pytest.mark.parametrize(
    ("state", "level", "wording"),
    [
        (0, 1, "Take normal security precautions"),
        (1, 2, "Exercise a high degree of caution"),
        (2, 3, "Avoid non-essential travel"),
        (3, 4, "Avoid all travel"),
    ],
)
def test_level_mapping(state: int, level: int, wording: str) -> None:
    assert ca.LEVELS[state] == level
    assert ca.WORDING[level] == wording
    assert ca.PHRASES[wording.lower()] == level


def test_level_mapping_is_complete() -> None:
    assert sorted(ca.LEVELS) == [0, 1, 2, 3]
    assert sorted(ca.LEVELS.values()) == [1, 2, 3, 4]
    assert ca.PHRASES["exercise normal security precautions"] == 1  # the 2014 wording


# -- the index --------------------------------------------------------------------------------

INDEX = [
    # code, name, page, updated, level
    ("AF", "Afghanistan", "af", "2026-09-24 08:53:35", 4),
    ("CI", "Côte d'Ivoire (Ivory Coast)", "ci", "2026-09-24 08:53:33", 2),
    ("JP", "Japan", "jp", "2026-09-25 11:47:52", 1),
    ("MX", "Mexico", "mx", "2026-10-07 11:16:00", 3),
    ("XK", "Kosovo", "kv", "2026-09-14 12:00:00", 3),  # "KV" is no ISO code: found by its name
    ("BQ-BO", "Bonaire", "bq", "2026-08-29 06:40:00", 1),  # advisor splits BQ
    ("HT", "Haiti", "ht", "2026-09-24 08:53:35", None),  # advisory-state 5: level unknown
]


def test_index_entries() -> None:
    found = ca.parse_index(fixture("index.json"), BASE)
    assert [(e.code, e.name, e.url, e.updated, e.level) for e in found] == [
        (code, name, f"{PAGES}/cta-cap-{page}.json", updated, level)
        for code, name, page, updated, level in INDEX
    ]


def test_index_skips_what_advisor_cannot_place() -> None:
    _, skipped = ca.read_index(fixture("index.json"), BASE)
    assert skipped == [("IC", "Canary Islands"), ("ZZ", "Atlantis")]


def test_index_in_the_2014_format() -> None:
    found, skipped = ca.read_index(fixture("index-2014.json"), BASE)
    assert [(e.code, e.name, e.url, e.updated, e.level) for e in found] == [
        ("AL", "Albania", f"{PAGES}/cta-cap-al.json", "2014-02-19 14:14:48", 1),
        ("CI", "Côte d’Ivoire", f"{PAGES}/cta-cap-ci.json", "2014-09-06 06:40:00", 3),
        ("SY", "Syria", f"{PAGES}/cta-cap-sy.json", "2014-09-17 20:26:40", 4),
    ]
    assert skipped == [("PT-20", "Azores")]


def test_index_skips_odd_keys_and_second_entries_for_a_destination() -> None:
    body = json.dumps(
        {
            "data": {
                "XK": {"advisory-state": 1, "eng": {"name": "Kosovo"}},
                "KV": {"advisory-state": 2, "eng": {"name": "Kosovo"}},
                "../JP": {"advisory-state": 0, "eng": {"name": "Japan"}},
                "JP?x=1": {"advisory-state": 0, "eng": {"name": "Japan"}},
                "FR": {"country-eng": "France", "eng": {}},
            }
        }
    ).encode()
    found, skipped = ca.read_index(body, BASE)
    assert [(e.code, e.name, e.level, e.updated) for e in found] == [
        ("XK", "Kosovo", 2, ""),
        ("FR", "France", None, ""),
    ]
    assert skipped == [("KV", "Kosovo"), ("../JP", "Japan"), ("JP?x=1", "Japan")]


def test_index_generation_time_is_noise() -> None:
    body = fixture("index.json")
    other = with_generated(body, 1790409999, "2026-09-26 04:06:39")
    assert other != body
    assert ca.read_index(other, BASE) == ca.read_index(body, BASE)


# -- pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """What one fixture page must parse into."""

    page: str
    code: str
    name: str
    level: int
    label: str
    issued: date
    url: str
    summary: str
    change_note: str
    sections: tuple[str, ...]
    texts: dict[str, str] = field(default_factory=dict)  # section title -> its exact text
    regions: tuple[tuple[str, int, str], ...] = ()


PAGE_CASES = [
    Expected(
        "cta-cap-af.json",
        "AF",
        "Afghanistan",
        4,
        "Avoid all travel",
        date(2026, 9, 23),  # the page's own date-published wins over its friendly-date
        "https://travel.gc.ca/destinations/afghanistan",
        "Avoid all travel to Afghanistan due to armed conflict, terrorism and kidnapping.",
        "Health – editorial change",
        (
            "Risk levels",
            "Safety and security",
            "Entry and exit requirements",
            "Health",
            "Laws and culture",
            "Natural disasters and climate",
            "Need help?",
        ),
        {
            "Risk levels": "AFGHANISTAN - AVOID ALL TRAVEL\n\n"
            "Avoid all travel to Afghanistan due to armed conflict, terrorism and kidnapping.\n\n"
            "If you are in Afghanistan, consider leaving if you can do so safely.",
            "Safety and security": "Airport closures\n\n"
            "Flights may be cancelled at short notice.\n\n"
            "Crime\n\nKidnapping\n\nForeigners are targeted:\n\n"
            "- in cities\n- on highways and at checkpoints\n\n"
            "Don’t travel after dark.",
            "Need help?": "Canada has no office in Afghanistan.\n\n"
            "Call the Emergency Watch and Response Centre.",
        },
    ),
    Expected(
        "cta-cap-ci.json",
        "CI",
        "Côte d'Ivoire (Ivory Coast)",
        2,
        "Exercise a high degree of caution (with regional advisories)",
        date(2026, 9, 22),  # no date-published on the page: its friendly-date
        "https://travel.gc.ca/destinations/cote-d-ivoire-ivory-coast",
        "Exercise a high degree of caution in Côte d’Ivoire due to crime.",
        "Risk levels – regional advisory added",
        ("Risk levels", "Safety and security"),  # empty entry-exit, health, laws and offices
        {"Safety and security": "Crime\n\nPetty crime occurs."},
        (
            (
                "Northern borders",
                4,
                "Avoid all travel to within 40 km of the northern borders, due to armed groups.",
            ),
            (
                "Western border",
                3,
                "Avoid non-essential travel to the following regions:\n\n- Cavally\n- Tonkpi",
            ),
        ),
    ),
    Expected(
        "cta-cap-jp.json",
        "JP",
        "Japan",
        1,
        "Take normal security precautions",
        date(2026, 9, 25),  # no date on the page at all: the index's
        "https://travel.gc.ca/destinations/japan",
        "Take normal security precautions in Japan.",
        "Natural disasters and climate section – updated information on a typhoon",
        ("Risk levels", "Natural disasters and climate", "Need help?"),
        {
            "Natural disasters and climate": "Typhoons\n\n"
            "The typhoon season runs from June to October.\n\n"
            "- Monitor local media\n- Follow the instructions of local authorities",
            "Need help?": "Contact the Embassy of Canada in Tokyo.",
        },
    ),
    Expected(
        "cta-cap-mx.json",
        "MX",
        "Mexico",
        3,
        "Avoid non-essential travel (with regional advisories)",
        date(2026, 10, 7),
        "https://travel.gc.ca/destinations/mexico",
        "Avoid non-essential travel to Mexico due to violent crime.",
        "Risk levels section – avoid all travel to two states",
        ("Risk levels", "Safety and security"),
        {},
        (
            (
                "Regional advisory",
                4,
                "Avoid all travel to the following states:\n\n"
                "- Sinaloa, excluding:\n- the city of Mazatlán\n- Tamaulipas",
            ),
            (
                "Regional advisory (2)",
                4,
                "Avoid all travel to the Lagunas de Zempoala National Park.",
            ),
            (
                "Northern border area",  # a heading without advice: the paragraph tells
                3,
                "Avoid non-essential travel to within 20 km of the northern border.",
            ),
            ("Isla Mujeres", 1, "Take normal security precautions on Isla Mujeres."),
        ),
    ),
    Expected(
        "cta-cap-kv.json",
        "XK",
        "Kosovo",
        3,  # no advisory-state: the label's wording
        "Avoid non-essential travel; see also regional advisories.",
        date(2026, 9, 14),
        "https://travel.gc.ca/destinations/kosovo",
        "Avoid non-essential travel to Kosovo due to sporadic unrest.",
        "The Safety & Security tab was updated.",
        ("Risk levels", "Safety and security"),
        {"Safety and security": "Demonstrations occur."},
        (
            (
                "Leposavić, Zubin Potok",
                4,
                "Avoid all travel to the following northern municipalities due to clashes:\n\n"
                "- Leposavić\n- Zubin Potok",
            ),
            (
                "the area within 5 km of the Jarinje crossing",
                4,
                "Avoid all travel to the area within 5 km of the Jarinje crossing.",
            ),
        ),
    ),
]


@pytest.mark.parametrize("case", PAGE_CASES, ids=lambda c: c.page)
def test_page(case: Expected) -> None:
    a = advisory(case.page, case.code)
    assert (a.source, a.destination, a.name) == ("ca", case.code, case.name)
    assert (a.level, a.label, a.issued, a.url) == (case.level, case.label, case.issued, case.url)
    assert a.summary == case.summary
    assert a.change_note == case.change_note
    assert tuple(s.title for s in a.sections) == case.sections
    texts = {s.title: s.text for s in a.sections}
    for title, text in case.texts.items():
        assert texts[title] == text
    assert tuple((r.name, r.level, r.text) for r in a.regions) == case.regions
    assert a.rendering == ""


@pytest.mark.parametrize("case", PAGE_CASES, ids=lambda c: c.page)
def test_page_text_is_clean(case: Expected) -> None:
    a = advisory(case.page, case.code)
    fields = [a.name, a.label, a.summary, a.change_note]
    fields += [t for s in a.sections for t in (s.title, s.text)]
    fields += [t for r in a.regions for t in (r.name, r.text)]
    for text in fields:
        assert text == text.strip()
        assert not UNCLEAN.search(text), text


@pytest.mark.parametrize(
    ("page", "code", "title", "reason"),
    [
        ("cta-cap-empty.json", "AF", "Afghanistan", "no advisory level"),
        ("cta-cap-noadvice.json", "JP", "Japan", "no advice on the page"),
    ],
)
def test_page_without_advice_is_broken(page: str, code: str, title: str, reason: str) -> None:
    assert ca.parse_page(fixture(page), entries()[code]) == BrokenItem("ca", title, reason, code)


def test_page_with_an_unknown_advisory_state_is_broken() -> None:
    doc = json.loads(fixture("cta-cap-jp.json"))
    doc["data"]["advisory-state"] = 7
    doc["data"]["eng"]["advisory-text"] = "Something new"
    result = ca.parse_page(json.dumps(doc).encode(), entries()["JP"])
    assert result == BrokenItem("ca", "Japan", "unknown advisory-state 7", "JP")


def test_page_without_a_slug_links_to_the_advisories_list() -> None:
    doc = json.loads(fixture("cta-cap-jp.json"))
    del doc["data"]["eng"]["url-slug"]
    result = ca.parse_page(json.dumps(doc).encode(), entries()["JP"])
    assert isinstance(result, Item)
    assert result.advisory.url == "https://travel.gc.ca/travelling/advisories"


@pytest.mark.parametrize(
    ("page", "code"), [(c.page, c.code) for c in PAGE_CASES], ids=[c.page for c in PAGE_CASES]
)
def test_generation_time_is_noise(page: str, code: str) -> None:
    body = fixture(page)
    other = with_generated(body, 1790299999, "2026-09-24 21:33:19")
    assert other != body
    a = advisory(page, code)
    result = ca.parse_page(other, entries()[code])
    assert isinstance(result, Item)
    b = result.advisory
    assert a == b
    assert a.fingerprint() == b.fingerprint()
    assert a.body_fingerprint() == b.body_fingerprint()


# -- bad documents ----------------------------------------------------------------------------

PAGE = "The Global Affairs Canada page for Afghanistan"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.json", f"{PAGE} is empty."),
        ("list.json", f"{PAGE} has the wrong shape: expected an object."),
        ("object.json", f"{PAGE} has the wrong shape: 'data' should be dict, not NoneType."),
        ("html.json", f"{PAGE} is an HTML or XML page, not JSON."),
        ("truncated.json", f"{PAGE} is not valid JSON (Expecting value, line 15)."),
        (
            "wrong-types.json",
            f"{PAGE} has the wrong shape: 'advisory-state' should be int, not str.",
        ),
        ("eng-list.json", f"{PAGE} has the wrong shape: 'eng' should be dict, not list."),
        ("section-number.json", f"{PAGE} has the wrong shape: 'health' should be str, not int."),
        ("other-country.json", f"{PAGE} is about 'JP', not 'AF'."),
    ],
)
def test_bad_page(name: str, message: str) -> None:
    with pytest.raises(FeedError) as exc:
        ca.parse_page(fixture(name), entries()["AF"])
    assert str(exc.value) == message


INDEX_ERR = "The Global Affairs Canada index"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.json", f"{INDEX_ERR} is empty."),
        ("list.json", f"{INDEX_ERR} has the wrong shape: expected an object."),
        ("object.json", f"{INDEX_ERR} has the wrong shape: 'data' should be dict, not NoneType."),
        ("html.json", f"{INDEX_ERR} is an HTML or XML page, not JSON."),
        ("truncated.json", f"{INDEX_ERR} is not valid JSON (Expecting value, line 15)."),
        ("index-no-destinations.json", f"{INDEX_ERR} lists no destinations."),
        (
            "index-data-list.json",
            f"{INDEX_ERR} has the wrong shape: 'data' should be dict, not list.",
        ),
        (
            "index-entry-string.json",
            f"{INDEX_ERR} entry 'AF' has the wrong shape: expected an object.",
        ),
        (
            "index-state-string.json",
            f"{INDEX_ERR} entry 'AF' has the wrong shape: 'advisory-state' should be int, not str.",
        ),
        (
            "index-no-eng.json",
            f"{INDEX_ERR} entry 'AF' has the wrong shape: 'eng' should be dict, not NoneType.",
        ),
    ],
)
def test_bad_index(name: str, message: str) -> None:
    with pytest.raises(FeedError) as exc:
        ca.parse_index(fixture(name), BASE)
    assert str(exc.value) == message


# -- the real captures under ../shared/data/ca (skipped when absent) --------------------------


def real(name: str) -> bytes:
    path = SHARED / "ca" / name
    if not path.is_file():
        pytest.skip(f"real capture not available at {path}")
    return path.read_bytes()


@pytest.mark.shared
def test_real_current_index() -> None:
    found, skipped = ca.read_index(real("index-alpha-eng_subset6_2026-09-26.json"), ca.BASE_URL)
    assert [(e.code, e.name, e.level) for e in found] == [
        ("AF", "Afghanistan", 4),
        ("DZ", "Algeria", 2),
        ("CI", "Côte d'Ivoire (Ivory Coast)", 2),
        ("IL", "Israel and Palestine", 3),
        ("JP", "Japan", 1),
        ("MX", "Mexico", 2),
    ]
    assert found[0].url == "https://data.international.gc.ca/travel-voyage/cta-cap-af.json"
    assert found[0].updated == "2026-09-24 08:53:35"
    assert skipped == []


@pytest.mark.shared
def test_real_2014_index() -> None:
    found, skipped = ca.read_index(real("index-alpha-eng_2014-10-02.json"), ca.BASE_URL)
    assert len(found) == 227
    assert skipped == [("PT-20", "Azores"), ("IC", "Canary Islands")]
    by_code = {e.code: e for e in found}
    assert len(by_code) == 227
    assert by_code["BQ-BO"].url.endswith("/cta-cap-bq.json")
    assert by_code["VC"].name == "Saint Vincent & the Grenadines"
    assert by_code["AF"].level == 4
    assert sum(e.level is None for e in found) == 0


@pytest.mark.shared
def test_real_page() -> None:
    body = real("cta-cap-ht_trimmed_2026-09-24.json")
    entry = IndexEntry("HT", "Haiti", ca.page_url(ca.BASE_URL, "HT"), "2026-09-24 08:53:35", 4)
    result = ca.parse_page(body, entry)
    assert isinstance(result, Item)
    a = result.advisory
    assert (a.destination, a.name, a.level, a.label) == ("HT", "Haiti", 4, "Avoid all travel")
    assert a.issued == date(2026, 9, 24)
    assert a.url == "https://travel.gc.ca/destinations/haiti"
    assert a.summary == (
        "Avoid all travel to Haiti due to the threat posed by kidnappings, gang violence and "
        "the potential for civil unrest throughout the country."
    )
    assert a.change_note == "Health – editorial change"
    assert [s.title for s in a.sections] == ["Risk levels", "Safety and security"]
    security = a.sections[1].text
    assert security.startswith("Ongoing violence and state of emergency\n\nA state of emergency")
    assert "- kidnappings\n- gender-based violence\n" in security
    assert "Pétion-Ville" in security and "don’t show signs of affluence" in security
    assert a.regions == ()
    for text in [a.summary, *(s.text for s in a.sections)]:
        assert not UNCLEAN.search(text)

    again = ca.parse_page(with_generated(body, 1790299999, "2026-09-24 21:33:19"), entry)
    assert isinstance(again, Item)
    assert again.advisory == a
    assert again.advisory.fingerprint() == a.fingerprint()
