"""The Auswärtiges Amt source, table-driven over the project's own small fixtures."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pytest
from conftest import SHARED, fixture_bytes

from advisor_cli.errors import FeedError
from advisor_cli.model import Advisory, BrokenItem, IndexEntry, Item
from advisor_cli.sources import de

BASE = "https://www.auswaertiges-amt.de"
API = f"{BASE}/opendata/travelwarning"
PUBLIC = f"{BASE}/de/service/laender"
EMPTY = "The Auswärtiges Amt sent an empty answer (an outage, not an absence of warnings)."
LIST = "The Auswärtiges Amt travel-warning list"
PAGE = "The Auswärtiges Amt travel warning for Japan"
REAL_LIST = SHARED / "de" / "travelwarning-list_subset17_2026-09.json"
# What no parsed text may hold: odd spaces, CR, tabs, doubled spaces, undecoded entities, controls.
UNCLEAN = re.compile(
    r"[\xa0\u202f\u2007\u2009\u200b\r\t\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
    r"| {2}|&nbsp;|&#\d+;|&[lg]t;|&amp;|&quot;|<[a-z/]"
)


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(f"de/{name}"))


def index() -> dict[str, IndexEntry]:
    return {e.code: e for e in de.parse_index(fixture_bytes("de/index.json"), BASE)}


def page(name: str, code: str) -> Item | BrokenItem:
    return de.parse_page(fixture_bytes(f"de/{name}"), index()[code])


def advisory(name: str, code: str) -> Advisory:
    result = page(name, code)
    assert isinstance(result, Item), result
    return result.advisory


def body(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


# -- the list ------------------------------------------------------------------------------------


def test_index_url() -> None:
    assert de.index_url(BASE + "/") == API
    assert de.index_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080/opendata/travelwarning"


@pytest.mark.parametrize(
    ("code", "name", "content_id", "updated", "level"),
    [
        ("AF", "Afghanistan", "204692", "1788171600", 4),
        ("JP", "Japan", "213032", "1783430993000", 2),  # milliseconds, as given
        ("PE", "Peru", "211938", "1782979200", 1),  # CountryCode/CountryName, the spec's spelling
        ("MO", "Macau", "200872", "1773137273", 1),  # "Macau*": the star goes
        ("XK", "Kosovo", "212010", "1777885200", 1),  # no alpha-2, alpha-3 XKX
        ("CI", "Côte d'Ivoire", "209460", "1788271200", 2),  # no codes at all: by name
        ("KW", "Kuwait", "206810", "1789889400", 3),
        ("GE", "Georgien", "202350", "1781521200", 2),
        ("MZ", "Mosambik", "221782", "1776418207", 2),
    ],
)
def test_index_entries(code: str, name: str, content_id: str, updated: str, level: int) -> None:
    assert index()[code] == IndexEntry(code, name, f"{API}/{content_id}", updated, level)


def test_index_order_and_skips() -> None:
    entries, skipped = de.read_index(fixture_bytes("de/index.json"), BASE)
    assert [e.code for e in entries] == ["AF", "JP", "PE", "MO", "XK", "CI", "KW", "GE", "MZ"]
    assert skipped == [
        "Atlantis (id 299999): destination not recognised",
        "Japan (Okinawa) (id 213999): a second entry for JP",
    ]
    assert de.parse_index(fixture_bytes("de/index.json"), BASE) == entries


def test_index_entry_without_flags_has_no_level() -> None:
    doc = fixture_json("index.json")
    for flag in de.FLAGS:
        del doc["response"]["204692"][flag]
    assert index_of(doc)["AF"].level is None


def test_index_ids_may_be_numbers() -> None:
    doc = fixture_json("index.json")
    doc["response"]["contentList"] = [int(i) for i in doc["response"]["contentList"]]
    assert index_of(doc)["JP"].url == f"{API}/213032"


def index_of(doc: Any) -> dict[str, IndexEntry]:
    return {e.code: e for e in de.parse_index(body(doc), BASE)}


# -- the level mapping ---------------------------------------------------------------------------


def test_level_table() -> None:
    assert de.LEVELS == {
        "warning": 4,
        "situationWarning": 3,
        "partialWarning": 2,
        "situationPartWarning": 2,
        "none": 1,
    }
    assert de.REGION_LEVELS == {"partialWarning": 4, "situationPartWarning": 3}
    assert de.ADVISED_AGAINST == 3


@pytest.mark.parametrize(
    ("flags", "level", "label", "regions"),
    [
        ({}, 1, "Reise- und Sicherheitshinweise", ()),
        ({"warning": True}, 4, "Reisewarnung", ()),
        ({"situationWarning": True}, 3, "Lagebedingte Reisewarnung", ()),
        ({"partialWarning": True}, 2, "Teilreisewarnung", (("Grenzgebiet", 4),)),
        ({"situationPartWarning": True}, 2, "Lagebedingte Teilreisewarnung", (("Grenzgebiet", 3),)),
        ({"warning": True, "partialWarning": True}, 4, "Reisewarnung", ()),
        ({"situationWarning": True, "partialWarning": True}, 3, "Lagebedingte Reisewarnung",
         (("Grenzgebiet", 4),)),
        ({"situationWarning": True, "situationPartWarning": True}, 3,
         "Lagebedingte Reisewarnung", ()),
        ({"partialWarning": True, "situationPartWarning": True}, 2, "Teilreisewarnung",
         (("Grenzgebiet", 4),)),
    ],
)  # fmt: skip
def test_flags_give_level_label_and_regions(
    flags: dict[str, bool], level: int, label: str, regions: tuple[tuple[str, int], ...]
) -> None:
    doc = fixture_json("page-japan.json")
    entry = doc["response"]["213032"]
    entry.update(dict.fromkeys(de.FLAGS, False) | flags)
    entry["content"] = "<h2>Sicherheit</h2><p>Vor Reisen in das Grenzgebiet wird gewarnt.</p>"
    result = de.parse_page(body(doc), index()["JP"])
    assert isinstance(result, Item)
    a = result.advisory
    assert (a.level, a.label) == (level, label)
    assert tuple((r.name, r.level) for r in a.regions) == regions


# -- the pages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """What one page fixture must parse into."""

    fixture: str
    code: str
    head: tuple[str, int, str, date | None]  # name, level, label, issued
    url: str
    summary: str
    change_note: str
    sections: tuple[str, ...]
    texts: dict[str, str] = field(default_factory=dict)  # section title -> its exact text
    regions: tuple[tuple[str, int], ...] = ()
    region_texts: dict[str, str] = field(default_factory=dict)


PAGES = [
    Expected(
        "page-afghanistan.json",
        "AF",
        ("Afghanistan", 4, "Reisewarnung", date(2026, 8, 31)),
        f"{PUBLIC}/afghanistan-node/afghanistansicherheit/204692",
        "Vor Reisen nach Afghanistan wird gewarnt. Deutsche Staatsangehörige in Afghanistan "
        "werden aufgefordert, das Land zu verlassen.",
        "Aktuelles: Hinweise zur Ausreise aktualisiert",
        ("Aktuelles", "Sicherheit - Reisewarnung", "Terrorismus", "Kriminalität", "Gesundheit"),
        {
            "Aktuelles": "Vor Reisen nach Afghanistan wird gewarnt.\nDeutsche Staatsangehörige "
            "in Afghanistan werden aufgefordert, das Land zu verlassen.",
            "Sicherheit - Reisewarnung": "",
            "Kriminalität": "- Seien Sie in Menschenmengen besonders vorsichtig.\n"
            "- Meiden Sie Fahrten bei Dunkelheit.",
            "Gesundheit": "Die medizinische Versorgung ist landesweit unzureichend. Eine "
            "Reisekrankenversicherung mit Rücktransport wird dringend empfohlen.",
        },
    ),
    Expected(
        "page-japan.json",
        "JP",
        ("Japan", 2, "Teilreisewarnung", date(2026, 7, 7)),  # effective, in milliseconds
        f"{PUBLIC}/japan-node/japansicherheit/213032",
        "Vor Aufenthalten in den von der japanischen Regierung ausgewiesenen Sperrgebieten rund "
        "um das Kernkraftwerk Fukushima Daiichi wird gewarnt.",
        "Naturkatastrophen: Hinweise zur Taifunsaison ergänzt",
        ("Aktuelles", "Sicherheit - Teilreisewarnung", "Naturkatastrophen"),
        {"Aktuelles": "Derzeit liegen keine aktuellen Hinweise vor."},
        (
            (
                "von der japanischen Regierung ausgewiesenen Sperrgebieten rund um das "
                "Kernkraftwerk Fukushima Daiichi",
                4,
            ),
        ),
    ),
    Expected(
        "page-mosambik.json",
        "MZ",
        ("Mosambik", 2, "Teilreisewarnung", date(2026, 4, 17)),
        f"{PUBLIC}/mosambik-node/mosambiksicherheit/221782",
        "Vor Reisen in die Provinz Cabo Delgado, mit Ausnahme der Stadt Pemba, Distrikte Memba "
        "und Erati der Provinz Nampula wird gewarnt.",
        "Sicherheit: Teilreisewarnung angepasst\n\nKriminalität: Hinweise ergänzt",
        ("Aktuelles", "Sicherheit - Teilreisewarnung", "Kriminalität"),
        {
            "Sicherheit - Teilreisewarnung": "Vor Reisen in die\n\n"
            "- Provinz Cabo Delgado, mit Ausnahme der Stadt Pemba,\n"
            "- Distrikte Memba und Erati der Provinz Nampula\n\nwird gewarnt.\n\n"
            "Von nicht notwendigen Reisen in die übrigen Distrikte der Provinz Niassa wird "
            "abgeraten."
        },
        (
            ("Provinz Cabo Delgado, mit Ausnahme der Stadt Pemba", 4),
            ("Distrikte Memba und Erati der Provinz Nampula", 4),
            ("übrigen Distrikte der Provinz Niassa", 3),
        ),
        {
            "Distrikte Memba und Erati der Provinz Nampula": "Vor Reisen in die Provinz Cabo "
            "Delgado, mit Ausnahme der Stadt Pemba, Distrikte Memba und Erati der Provinz "
            "Nampula wird gewarnt.",
            "übrigen Distrikte der Provinz Niassa": "Von nicht notwendigen Reisen in die übrigen "
            "Distrikte der Provinz Niassa wird abgeraten.",
        },
    ),
    Expected(
        "page-cote-divoire.json",
        "CI",
        ("Côte d'Ivoire", 2, "Teilreisewarnung", date(2026, 9, 1)),
        f"{PUBLIC}/cotedivoire-node/cotedivoiresicherheit/209460",
        "Vor Reisen in das Grenzgebiet zu Burkina Faso wird gewarnt.",
        "",
        ("Aktuelles", "Sicherheit - Teilreisewarnung"),
        {},
        (
            ("Grenzgebiet zu Burkina Faso", 4),  # named twice, kept once
            ("Comoé-Nationalpark", 4),
            ("Umgebung der Stadt Bouna", 4),
            ("Grenzregion zu Mali", 3),  # "Von der Einreise mit …" is no travel advice
        ),
        {
            "Comoé-Nationalpark": "Vor Reisen in folgende Gebiete wird ebenfalls gewarnt: "
            "Comoé-Nationalpark"
        },
    ),
    Expected(
        "page-peru.json",
        "PE",
        ("Peru", 1, "Reise- und Sicherheitshinweise", date(2026, 7, 2)),  # no effective
        f"{PUBLIC}/peru-node/perusicherheit/211938",
        "Die Sicherheitslage in Peru ist insgesamt stabil.",
        "Sicherheit: Hinweise zu Taschendiebstählen ergänzt",
        ("Reise- und Sicherheitshinweise", "Sicherheit", "Natur und Klima"),  # empty last goes
        {
            "Sicherheit": "In Lima & Cusco kommt es vermehrt zu Taschendiebstählen. Achten Sie "
            "auf Ihre Wertsachen.",
            "Natur und Klima": "Von Dezember bis März ist Regenzeit – Erdrutsche sind möglich.",
        },
    ),
    Expected(
        "page-kuwait.json",
        "KW",
        ("Kuwait", 3, "Lagebedingte Reisewarnung", date(2026, 9, 20)),
        f"{PUBLIC}/kuwait-node/kuwaitsicherheit/206810",
        "Vor nicht notwendigen Reisen nach Kuwait wird wegen der Lage in der Region gewarnt.",
        "Aktuelles: Hinweis zur Lage in der Region",
        ("Aktuelles", "Sicherheitslage in der Region"),
    ),
    Expected(
        "page-georgien.json",
        "GE",
        ("Georgien", 2, "Lagebedingte Teilreisewarnung", date(2026, 6, 15)),
        f"{PUBLIC}/georgien-node/georgiensicherheit/202350",
        "Abchasien und Südossetien stehen nicht unter der Kontrolle der georgischen Regierung. "
        "Reisende sollten diese Gebiete meiden.",
        "Sicherheit: Lage aktualisiert",
        ("Sicherheit - Teilreisewarnung", "Kriminalität"),
        {"Kriminalität": "Die Kriminalitätsrate ist niedrig."},
        # No sentence in the AA's wording: one region named by the heading, with its text.
        (("Sicherheit - Teilreisewarnung", 3),),
        {
            "Sicherheit - Teilreisewarnung": "Abchasien und Südossetien stehen nicht unter der "
            "Kontrolle der georgischen Regierung. Reisende sollten diese Gebiete meiden."
        },
    ),
]


@pytest.mark.parametrize("expected", PAGES, ids=lambda e: e.fixture)
def test_page(expected: Expected) -> None:
    result = page(expected.fixture, expected.code)
    assert isinstance(result, Item), result
    a = result.advisory
    assert result.raw == fixture_bytes(f"de/{expected.fixture}")
    assert (a.source, a.destination, a.rendering) == ("de", expected.code, "")
    assert (a.name, a.level, a.label, a.issued) == expected.head
    assert a.url == expected.url
    assert a.summary == expected.summary
    assert a.change_note == expected.change_note
    assert tuple(s.title for s in a.sections) == expected.sections
    texts = {s.title: s.text for s in a.sections}
    for title, text in expected.texts.items():
        assert texts[title] == text
    assert tuple((r.name, r.level) for r in a.regions) == expected.regions
    region_texts = {r.name: r.text for r in a.regions}
    for name, text in expected.region_texts.items():
        assert region_texts[name] == text
    for value in (a.name, a.label, a.summary, a.change_note, *map(str, a.sections), *a.regions):
        assert not UNCLEAN.search(str(value)), value


def test_disclaimer_and_feed_stamp_stay_out() -> None:
    a = advisory("page-afghanistan.json", "AF")
    assert "Gewähr" not in json.dumps(a.to_dict(), ensure_ascii=False)


@pytest.mark.parametrize(
    ("fixture", "code", "reason"),
    [
        ("page-empty-content.json", "MO", "no advice text (empty content)"),
        ("page-no-flags.json", "XK", "no warning flags on the page"),
    ],
)
def test_broken_pages(fixture: str, code: str, reason: str) -> None:
    name = index()[code].name
    assert page(fixture, code) == BrokenItem("de", name, reason, code)


def test_content_of_only_markup_is_broken() -> None:
    doc = fixture_json("page-japan.json")
    doc["response"]["213032"]["content"] = "<div> <p>&nbsp;</p></div>"
    result = de.parse_page(body(doc), index()["JP"])
    assert result == BrokenItem("de", "Japan", "no advice text (empty content)", "JP")


@pytest.mark.parametrize(
    ("effective", "last_modified", "issued"),
    [
        (1783431000, 1, date(2026, 7, 7)),  # seconds
        (1783431000000, 1, date(2026, 7, 7)),  # milliseconds
        ("1783431000", 1, date(2026, 7, 7)),  # digits in a string
        (None, 1783431000000, date(2026, 7, 7)),  # no effective: lastModified
        (0, 1783431000, date(2026, 7, 7)),
        # 23:30 UTC on 6 July is already 7 July in Berlin, the AA's own time.
        (int(datetime.fromisoformat("2026-07-06T23:30:00+00:00").timestamp()), 1, date(2026, 7, 7)),
        (None, None, None),
    ],
)
def test_issued(effective: Any, last_modified: Any, issued: date | None) -> None:
    doc = fixture_json("page-japan.json")
    doc["response"]["213032"].update(effective=effective, lastModified=last_modified)
    result = de.parse_page(body(doc), index()["JP"])
    assert isinstance(result, Item)
    assert result.advisory.issued == issued


def test_public_url() -> None:
    # "USA/Vereinigte Staaten: …" is usa-node/usavereinigtestaatensicherheit/201382 (seen 2022).
    assert de.public_url(
        "USA/Vereinigte Staaten: Reise- und Sicherheitshinweise", "USA", "201382"
    ) == (f"{PUBLIC}/usa-node/usavereinigtestaatensicherheit/201382")
    assert de.public_url("", "Palästinensische Gebiete", "203674") == (
        f"{PUBLIC}/palaestinensischegebiete-node/palaestinensischegebietesicherheit/203674"
    )
    assert de.public_url("", "", "203674") == ""
    assert de.public_url("Japan: …", "Japan", "x") == ""


@pytest.mark.parametrize(
    ("country_name", "title", "entry_name", "name", "url"),
    [
        (None, None, "Japan", "Japan", f"{PUBLIC}/japan-node/japansicherheit/213032"),
        ("***", "Nippon: Reise- und Sicherheitshinweise", "", "Nippon",
         f"{PUBLIC}/nippon-node/nipponsicherheit/213032"),
        (None, None, "", "", f"{API}/213032"),  # nothing to name the page by: the API's URL
    ],
)  # fmt: skip
def test_name_and_url_fallbacks(
    country_name: str | None, title: str | None, entry_name: str, name: str, url: str
) -> None:
    doc = fixture_json("page-japan.json")
    doc["response"]["213032"].update(countryName=country_name, title=title)
    result = de.parse_page(body(doc), IndexEntry("JP", entry_name, f"{API}/213032"))
    assert isinstance(result, Item)
    assert (result.advisory.name, result.advisory.url) == (name, url)


# -- errors --------------------------------------------------------------------------------------


BAD = [
    ("empty-object.json", EMPTY, EMPTY),
    ("empty-response.json", EMPTY, EMPTY),
    ("list.json", f"{LIST} has the wrong shape: expected an object.",
     f"{PAGE} has the wrong shape: expected an object."),
    ("html-page.html", f"{LIST} is an HTML or XML page, not JSON.",
     f"{PAGE} is an HTML or XML page, not JSON."),
    ("truncated.json", f"{LIST} is not valid JSON (Unterminated string starting at, line 1).",
     f"{PAGE} is not valid JSON (Unterminated string starting at, line 1)."),
    ("wrong-types.json", f"{LIST} has the wrong shape: 'contentList' should be list, not str.",
     f"{PAGE} has the wrong shape: no entry for id '213032'."),
    ("no-destinations.json", f"{LIST} holds no destinations.",
     f"{PAGE} has the wrong shape: no entry for id '213032'."),
]  # fmt: skip


@pytest.mark.parametrize(("fixture", "index_message", "page_message"), BAD)
def test_bad_documents(fixture: str, index_message: str, page_message: str) -> None:
    data = fixture_bytes(f"de/{fixture}")
    with pytest.raises(FeedError) as caught:
        de.parse_index(data, BASE)
    assert str(caught.value) == index_message
    with pytest.raises(FeedError) as caught:
        de.parse_page(data, index()["JP"])
    assert str(caught.value) == page_message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", f"{LIST} is empty."),
        (b"  \n", f"{LIST} is empty."),
        (b'{"response": []}', EMPTY),
        (b'{"response": null}', EMPTY),
        (b'{"response": {"lastModified": 1790100000}}', EMPTY),
        (b'{"error": "down"}', "wrong shape: 'response' should be dict, not NoneType."),
        (b'{"response": {"contentList": [true]}}', "wrong shape: contentList should hold ids."),
        (b'{"response": {"contentList": ["1"]}}', "wrong shape: no entry for id '1'."),
        (b'{"response": {"contentList": ["1"], "1": []}}', "wrong shape: no entry for id '1'."),
        (fixture_bytes("de/flag-string.json"), "wrong shape: 'warning' should be bool, not str."),
    ],
)
def test_bad_index(data: bytes, message: str) -> None:
    with pytest.raises(FeedError) as caught:
        de.parse_index(data, BASE)
    shape = f"{LIST} has the wrong shape: "
    assert str(caught.value) == message.replace("wrong shape: ", shape, 1)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("content", 12, "'content' should be str, not int."),
        ("countryName", ["Japan"], "'countryName' should be str, not list."),
        ("partialWarning", "true", "'partialWarning' should be bool, not str."),
        ("situationWarning", 0, "'situationWarning' should be bool, not int."),
        ("effective", "gestern", "'effective' should be a timestamp, not str."),
        ("lastChanges", {"text": "x"}, "'lastChanges' should be str, not dict."),
    ],
)
def test_bad_page_fields(key: str, value: Any, message: str) -> None:
    doc = fixture_json("page-japan.json")
    doc["response"]["213032"][key] = value
    with pytest.raises(FeedError) as caught:
        de.parse_page(body(doc), index()["JP"])
    assert str(caught.value) == f"{PAGE} has the wrong shape: {message}"


def test_page_of_another_country_is_refused() -> None:
    # The page asked for is 213032; an answer holding only Afghanistan's must not become Japan's.
    with pytest.raises(FeedError, match="no entry for id '213032'"):
        de.parse_page(fixture_bytes("de/page-afghanistan.json"), index()["JP"])


# -- noise ---------------------------------------------------------------------------------------


def test_noise_never_reaches_the_advisory() -> None:
    """Two answers that differ only in the feed's own stamp and key order give equal advisories."""
    first = fixture_json("page-mosambik.json")
    second = copy.deepcopy(first)
    second["response"]["lastModified"] = 1799999999  # the response's stamp moves on every build
    second["response"] = dict(reversed(list(second["response"].items())))
    entry = second["response"]["221782"]
    second["response"]["221782"] = dict(reversed(list(entry.items())))
    assert body(first) != body(second)
    a = de.parse_page(body(first), index()["MZ"])
    b = de.parse_page(body(second), index()["MZ"])
    assert isinstance(a, Item) and isinstance(b, Item)
    assert a.advisory == b.advisory
    assert a.advisory.fingerprint() == b.advisory.fingerprint()


def test_index_noise_never_reaches_the_entries() -> None:
    doc = fixture_json("index.json")
    doc["response"]["lastModified"] = 1799999999
    assert index_of(doc) == index()


# -- the real capture ----------------------------------------------------------------------------


def real_list() -> Any:
    if not REAL_LIST.is_file():
        pytest.skip(f"real capture not available at {REAL_LIST}")
    return json.loads(REAL_LIST.read_bytes())


@pytest.mark.shared
def test_real_list() -> None:
    doc = real_list()
    entries, skipped = de.read_index(REAL_LIST.read_bytes(), BASE)
    assert skipped == []
    assert len(entries) == len(doc["response"]["contentList"]) == 17
    levels = {e.code: e.level for e in entries}
    assert {c for c, lvl in levels.items() if lvl == 4} == {"BY", "SD", "HT", "PS", "CF"}
    assert {c for c, lvl in levels.items() if lvl == 2} == {"MZ", "CI", "BJ", "GH"}
    assert set(levels.values()) == {1, 2, 4}
    names = {e.code: e.name for e in entries}
    assert (names["MO"], names["PS"]) == ("Macau", "Palästinensische Gebiete")
    for e in entries:
        cid = e.url.rpartition("/")[2]
        assert e.url == f"{API}/{cid}"
        assert e.updated == str(doc["response"][cid]["lastModified"])


@pytest.mark.shared
def test_real_entries_as_pages() -> None:
    """Each real list entry, given a content, reads as a page with the list's level."""
    doc = real_list()
    for entry in de.parse_index(REAL_LIST.read_bytes(), BASE):
        cid = entry.url.rpartition("/")[2]
        one = dict(doc["response"][cid])
        one["content"] = "<h2>Sicherheit</h2><p>Vor Reisen in das Grenzgebiet wird gewarnt.</p>"
        one["lastChanges"] = "<p>Sicherheit: aktualisiert</p>"
        result = de.parse_page(body({"response": {"contentList": [cid], cid: one}}), entry)
        assert isinstance(result, Item), result
        a = result.advisory
        assert (a.level, a.name, a.destination) == (entry.level, entry.name, entry.code)
        assert a.issued == datetime.fromtimestamp(one["effective"], de.BERLIN).date()
        assert a.url.startswith(f"{PUBLIC}/") and a.url.endswith(f"sicherheit/{cid}")
        assert a.change_note == "Sicherheit: aktualisiert"
        assert bool(a.regions) == (entry.level == 2)
