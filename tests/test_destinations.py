from __future__ import annotations

import functools
import gzip
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from advisor_cli import destinations
from advisor_cli.destinations import (
    Destination,
    all_destinations,
    by_code,
    complete,
    key,
    lookup,
    resolve,
    suggest,
)
from advisor_cli.errors import UnknownDestination

SHARED_US = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "us"

RESOLVES = [
    # what people type
    ("mali", "ML"),
    ("Mali", "ML"),
    ("ML", "ML"),
    ("ml", "ML"),
    ("MLI", "ML"),
    ("mli", "ML"),
    ("  mali ", "ML"),
    ("côte d'ivoire", "CI"),
    ("Côte d’Ivoire", "CI"),
    ("Cote d Ivoire", "CI"),
    ("cote-d-ivoire", "CI"),
    ("cote_d_ivoire", "CI"),
    ("COTE D`IVOIRE", "CI"),
    ("ivory coast", "CI"),
    ("burma", "MM"),
    ("Burma (Myanmar)", "MM"),
    ("myanmar", "MM"),
    ("drc", "CD"),
    ("DR Congo", "CD"),
    ("congo kinshasa", "CD"),
    ("Democratic Republic of the Congo", "CD"),
    ("Republic of the Congo", "CG"),
    ("congo-brazzaville", "CG"),
    ("the gambia", "GM"),
    ("The Gambia", "GM"),
    ("gambia", "GM"),
    ("The Bahamas", "BS"),
    ("bahamas", "BS"),
    ("denmark", "DK"),
    ("Kingdom of Denmark", "DK"),
    ("Greenland", "GL"),
    ("hong kong", "HK"),
    ("hong-kong", "HK"),
    ("Macau", "MO"),
    ("macao", "MO"),
    ("Mainland China, Hong Kong & Macau", "CN"),
    ("mainland china hong kong and macau", "CN"),
    ("china", "CN"),
    ("Israel, The West Bank and Gaza", "IL"),
    ("israel", "IL"),
    ("gaza", "PS"),
    ("west bank", "PS"),
    ("west bank and gaza", "PS"),
    ("palestine", "PS"),
    ("palestinian territories", "PS"),
    ("The Kyrgyz Republic", "KG"),
    ("Kyrgyzstan", "KG"),
    ("Timor-Leste", "TL"),
    ("east timor", "TL"),
    ("Timor", "TL"),
    ("Federated States of Micronesia", "FM"),
    ("micronesia", "FM"),
    ("Turkey", "TR"),
    ("Türkiye", "TR"),
    ("turkiye", "TR"),
    ("Czechia", "CZ"),
    ("czech republic", "CZ"),
    ("Eswatini", "SZ"),
    ("swaziland", "SZ"),
    ("Cabo Verde", "CV"),
    ("cape verde", "CV"),
    ("São Tomé and Príncipe", "ST"),
    ("Sao Tome and Principe", "ST"),
    ("sao tome & principe", "ST"),
    ("North Macedonia", "MK"),
    ("macedonia", "MK"),
    ("uk", "GB"),
    ("U.K.", "GB"),
    ("great britain", "GB"),
    ("britain", "GB"),
    ("england", "GB"),
    ("united kingdom", "GB"),
    ("usa", "US"),
    ("america", "US"),
    ("united states of america", "US"),
    ("uae", "AE"),
    ("holland", "NL"),
    ("the netherlands", "NL"),
    ("vatican", "VA"),
    ("holy see", "VA"),
    ("south korea", "KR"),
    ("korea", "KR"),
    ("north korea", "KP"),
    ("dprk", "KP"),
    ("laos", "LA"),
    ("bolivia", "BO"),
    ("Russia", "RU"),
    ("Brunei", "BN"),
    ("Saint Barthelemy", "BL"),
    ("Saint Barthélemy", "BL"),
    ("French Saint Martin", "MF"),
    ("Sint Maarten", "SX"),
    ("Curaçao", "CW"),
    ("curacao", "CW"),
    ("Åland Islands", "AX"),
    ("st lucia", "LC"),
    # places without an ISO 3166-1 code of their own
    ("Kosovo", "XK"),
    ("xk", "XK"),
    ("Bonaire", "BQ-BO"),
    ("bq", "BQ-BO"),
    ("caribbean netherlands", "BQ-BO"),
    ("Sint Eustatius", "BQ-SE"),
    ("Saba", "BQ-SA"),
    ("French West Indies", "X-FWI"),
    ("french-west-indies", "X-FWI"),
    ("Antarctica", "AQ"),
    # codes and exact names win over near misses and aliases
    ("georgia", "GE"),
    ("south georgia", None),
    ("guinea", "GN"),
    ("guinea-bissau", "GW"),
    ("equatorial guinea", "GQ"),
    ("papua new guinea", "PG"),
    ("niger", "NE"),
    ("nigeria", "NG"),
    ("congo", "CG"),
    ("sudan", "SD"),
    ("south sudan", "SS"),
    ("dominica", "DM"),
    ("dominican republic", "DO"),
    ("samoa", "WS"),
    ("american samoa", "AS"),
    ("ireland", "IE"),
    ("northern ireland", "GB"),
    ("virgin islands", None),
    ("", None),
    ("the", None),
    ("mlai", None),
]


@pytest.mark.parametrize(("query", "code"), RESOLVES)
def test_lookup(query: str, code: str | None) -> None:
    found = lookup(query)
    assert (found.code if found else None) == code


@pytest.mark.parametrize(("query", "code"), [(q, c) for q, c in RESOLVES if c])
def test_resolve(query: str, code: str) -> None:
    assert resolve(query).code == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Côte d’Ivoire", "cote d ivoire"),
        ("cote-d-ivoire", "cote d ivoire"),
        ("Cote_d_Ivoire", "cote d ivoire"),
        ("The Gambia", "gambia"),
        ("the", "the"),
        ("Theta", "theta"),
        ("Mainland China, Hong Kong & Macau", "mainland china hong kong and macau"),
        ("Burma (Myanmar)", "burma myanmar"),
        ("Switzerland\xa0 ", "switzerland"),
        ("  São   Tomé  ", "sao tome"),
        ("U.S.A.", "u s a"),
        ("Bosnia/Herzegovina", "bosnia herzegovina"),
        ("STRASSE", "strasse"),
        ("", ""),
    ],
)
def test_key(text: str, expected: str) -> None:
    assert key(text) == expected


@pytest.mark.parametrize(
    ("code", "name", "slug"),
    [
        ("ML", "Mali", "mali"),
        ("CI", "Côte d'Ivoire", "cote-d-ivoire"),
        ("MM", "Burma (Myanmar)", "burma-myanmar"),
        ("GB", "United Kingdom", "united-kingdom"),
        ("US", "United States", "united-states"),
        ("BO", "Bolivia", "bolivia"),
        ("IR", "Iran", "iran"),
        ("VE", "Venezuela", "venezuela"),
        ("TZ", "Tanzania", "tanzania"),
        ("MD", "Moldova", "moldova"),
        ("RU", "Russia", "russia"),
        ("SY", "Syria", "syria"),
        ("LA", "Laos", "laos"),
        ("VN", "Vietnam", "vietnam"),
        ("KR", "South Korea", "south-korea"),
        ("KP", "North Korea", "north-korea"),
        ("TW", "Taiwan", "taiwan"),
        ("BN", "Brunei", "brunei"),
        ("FM", "Micronesia", "micronesia"),
        ("CD", "Democratic Republic of the Congo", "democratic-republic-of-the-congo"),
        ("CG", "Republic of the Congo", "republic-of-the-congo"),
        ("TR", "Türkiye", "turkiye"),
        ("CZ", "Czechia", "czechia"),
        ("SZ", "Eswatini", "eswatini"),
        ("CV", "Cabo Verde", "cabo-verde"),
        ("GM", "The Gambia", "gambia"),
        ("BS", "The Bahamas", "bahamas"),
        ("PS", "Palestinian Territories", "palestinian-territories"),
        ("MO", "Macau", "macau"),
        ("XK", "Kosovo", "kosovo"),
        ("BQ-BO", "Bonaire", "bonaire"),
        ("BQ-SE", "Sint Eustatius", "sint-eustatius"),
        ("BQ-SA", "Saba", "saba"),
        ("X-FWI", "French West Indies", "french-west-indies"),
    ],
)
def test_by_code(code: str, name: str, slug: str) -> None:
    assert by_code(code) == Destination(code, name, slug)
    assert by_code(code.lower()) == by_code(code)


@pytest.mark.parametrize("code", ["BQ", "ZZ", "MLI", ""])
def test_by_code_unknown(code: str) -> None:
    with pytest.raises(KeyError):
        by_code(code)


def test_unknown_destination_message() -> None:
    with pytest.raises(UnknownDestination) as caught:
        resolve("mlai")
    assert str(caught.value) == "Unknown destination 'mlai'. Did you mean: Mali, Malta, Malawi?"
    assert caught.value.query == "mlai"
    assert caught.value.suggestions == ["Mali", "Malta", "Malawi"]


def test_unknown_destination_without_suggestions() -> None:
    with pytest.raises(UnknownDestination, match=r"^Unknown destination 'xyzzy'\.$"):
        resolve("xyzzy")


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("mlai", "Mali"),
        ("frnace", "France"),
        ("germny", "Germany"),
        ("untied kingdom", "United Kingdom"),
        ("swizerland", "Switzerland"),
        ("phillipines", "Philippines"),
        ("columbia", "Colombia"),
        ("portgual", "Portugal"),
        ("new zeland", "New Zealand"),
        ("ivory cost", "Côte d'Ivoire"),
        ("mynamar", "Burma (Myanmar)"),
        ("guinae", "Guinea"),
        ("kingdom", "United Kingdom"),
        ("lanka", "Sri Lanka"),
    ],
)
def test_suggest_first(query: str, first: str) -> None:
    assert suggest(query)[0] == first


def test_suggest() -> None:
    assert suggest("mlai") == ["Mali", "Malta", "Malawi"]
    assert suggest("mlai", limit=1) == ["Mali"]
    assert suggest("frnace", limit=10)[0] == "France"
    assert len(suggest("guinae", limit=10)) > 3
    assert suggest("xyzzy") == []
    assert suggest("") == []
    assert suggest("--") == []


def test_suggest_one_per_destination() -> None:
    # Côte d'Ivoire has several spellings; it must not fill the list on its own.
    names = suggest("cote divoir", limit=5)
    assert names[0] == "Côte d'Ivoire"
    assert len(names) == len(set(names))


def test_complete() -> None:
    slugs = {d.slug for d in all_destinations()}
    found = complete("ma")
    assert {"mali", "malta", "malawi"} <= set(found)
    assert set(found) <= slugs
    assert found == sorted(found)
    assert "north-macedonia" in found  # by its alias "Macedonia"
    assert complete("cote") == ["cote-d-ivoire"]
    assert complete("Côte d’") == ["cote-d-ivoire"]
    assert complete("ivory") == ["cote-d-ivoire"]
    assert complete("united-k") == ["united-kingdom"]
    assert "gambia" in complete("the gam")
    assert complete("xyzzy") == []
    assert complete("") == sorted(slugs)


def test_destinations_unique_and_consistent() -> None:
    everything = all_destinations()
    assert len({d.code for d in everything}) == len(everything)
    assert len({d.slug for d in everything}) == len(everything)
    assert everything == sorted(everything, key=lambda d: key(d.name))
    assert len(everything) > 250
    for d in everything:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", d.slug), d
        assert by_code(d.code) is d
        assert lookup(d.code) is d
        assert lookup(d.name) is d
        assert lookup(d.slug) is d


def test_every_alias_resolves_to_its_destination() -> None:
    # An alias that a code or another place's name shadows would silently be dead.
    for alias, code in destinations._ALIASES.items():
        found = lookup(alias)
        assert found is not None and found.code == code, alias


def test_pycountry_fallback_matches_its_data_file(monkeypatch: pytest.MonkeyPatch) -> None:
    fields = ("alpha_2", "alpha_3", "name", "official_name", "common_name")
    from_file = [{f: r[f] for f in fields if f in r} for r in destinations._iso_records()]
    monkeypatch.setattr(destinations, "find_spec", lambda name: None)
    assert destinations._iso_records() == from_file


def test_import_is_lazy() -> None:
    code = (
        "import sys, advisor_cli.destinations as d\n"
        "assert 'pycountry' not in sys.modules\n"
        "d.resolve('mali')\n"
        "assert 'pycountry' not in sys.modules\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


# The real State Department feed, as captured by others (read in place, never copied).


def feed_name(title: str) -> str:
    """The destination part of a feed item title, as the U.S. source reads it."""
    name = re.split(r" - Level \d:", " ".join(title.split()))[0]
    return name.removesuffix(" - See Summaries").removesuffix(" Travel Advisory")


@functools.cache
def feed_days() -> dict[str, list[tuple[str, str]]]:
    """Capture day -> (destination name, link) of every item the feed held that day."""
    if not SHARED_US.is_dir():
        pytest.skip(f"no captures at {SHARED_US}")
    days: dict[str, list[tuple[str, str]]] = defaultdict(list)
    index = json.loads((SHARED_US / "feed-index-derived-2026-08-22.json").read_text("utf-8"))
    days["index 2026-08-22"] = [(feed_name(i["full_title"]), i["remote_link"]) for i in index]
    archive_path = SHARED_US / "feed-archive-2025-12-12--2026-08-22.json.gz"
    with gzip.open(archive_path, "rt", encoding="utf-8") as f:
        archive = json.load(f)
    for entry in archive["countries"].values():
        for day, n in entry["timeline"].items():
            version = entry["versions"][n]
            days[day].append((feed_name(version["title"]), version["link"]))
    return days


NOT_A_NAME = "See Individual Summaries"  # the Israel item's title; the source reads its link

# Names the feed carried side by side for one destination.
SAME_PLACE = [
    {"China", "Mainland China, Hong Kong & Macau"},
    {"Burma", "Burma (Myanmar)"},
    {"Cote d Ivoire", "Côte d’Ivoire"},
    {"Sao Tome and Principe", "São Tomé and Príncipe"},
    {"Kyrgyzstan", "The Kyrgyz Republic"},
]


@pytest.mark.shared
def test_every_feed_name_resolves() -> None:
    names = {name for items in feed_days().values() for name, _ in items} - {NOT_A_NAME}
    assert len(names) > 200
    unknown = sorted(name for name in names if lookup(name) is None)
    assert unknown == []


@pytest.mark.shared
def test_feed_names_agree_with_their_links() -> None:
    # New-style links name the destination by its ISO alpha-3 code ("destination.mli.html").
    checked = set()
    for items in feed_days().values():
        for name, link in items:
            m = re.search(r"destination\.([a-z]+)\.html", link)
            if m and (name, m[1]) not in checked:
                checked.add((name, m[1]))
                assert resolve(name) == resolve(m[1]), (name, link)
    assert len(checked) > 100


@pytest.mark.shared
def test_feed_names_on_one_day_are_different_places() -> None:
    for day, items in feed_days().items():
        by_place: dict[str, set[str]] = defaultdict(set)
        for name, _ in items:
            if name != NOT_A_NAME:
                by_place[resolve(name).code].add(name)
        for code, names in by_place.items():
            if len(names) > 1:
                assert any(names <= same for same in SAME_PLACE), (day, code, names)
