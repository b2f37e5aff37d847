"""Destinations: what a user types mapped to a place, close names for typos, shell completion."""

from __future__ import annotations

import functools
import json
import os
import unicodedata
from dataclasses import dataclass
from importlib.util import find_spec

from advisor_cli.errors import UnknownDestination


@dataclass(frozen=True)
class Destination:
    """A place advisories are about."""

    code: str  # ISO 3166-1 alpha-2 where one exists, else one of advisor's own (see _EXTRA)
    name: str  # short English display name
    slug: str  # completion and URL form: "cote-d-ivoire"


# Display names where ISO 3166's (or pycountry's common_name) reads badly in a list.
_DISPLAY = {
    "BN": "Brunei",
    "BS": "The Bahamas",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "FK": "Falkland Islands",
    "FM": "Micronesia",
    "GM": "The Gambia",
    "MF": "Saint Martin",
    "MM": "Burma (Myanmar)",
    "MO": "Macau",
    "PS": "Palestinian Territories",
    "RU": "Russia",
    "SX": "Sint Maarten",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "United States Virgin Islands",
}

# Places the State Department lists on their own that have no ISO 3166-1 code of their own.
# BQ is split into its three islands (ISO 3166-2 codes), so "BQ" itself is only an alias.
_EXTRA = {
    "XK": "Kosovo",
    "BQ-BO": "Bonaire",
    "BQ-SE": "Sint Eustatius",
    "BQ-SA": "Saba",
    "X-FWI": "French West Indies",
}
_SPLIT = frozenset({"BQ"})

# Other names, matched after key(); codes and ISO or display names win over these.
_ALIASES = {
    # The State Department's names, from its feed titles, where ISO 3166's short names differ.
    "Burma": "MM",
    "Burma (Myanmar)": "MM",
    "Brunei": "BN",
    "Democratic Republic of the Congo": "CD",
    "Republic of the Congo": "CG",
    "French Saint Martin": "MF",
    "Israel, The West Bank and Gaza": "IL",
    "Kingdom of Denmark": "DK",
    "Macau": "MO",
    "Mainland China, Hong Kong & Macau": "CN",
    "Russia": "RU",
    "Sint Maarten": "SX",
    "The Kyrgyz Republic": "KG",
    "Timor": "TL",  # a public archive of the feed cuts "Timor-Leste" to this
    "Federated States of Micronesia": "FM",
    "Turkey": "TR",
    # "Congo" alone is ISO's short name for CG, and the State Department's "Republic of the
    # Congo" is CG too; the DRC is "drc", "dr congo" or its full name.
    "Congo": "CG",
    "Congo Brazzaville": "CG",
    "Republic of Congo": "CG",
    "Congo Kinshasa": "CD",
    "Democratic Republic of Congo": "CD",
    "DR Congo": "CD",
    "DRC": "CD",
    "DROC": "CD",
    "Zaire": "CD",
    "Ivory Coast": "CI",
    "Gaza": "PS",
    "Gaza Strip": "PS",
    "West Bank": "PS",
    "West Bank and Gaza": "PS",
    "Palestine": "PS",
    "Palestinian Territory": "PS",
    "Mainland China": "CN",
    "PRC": "CN",
    "UK": "GB",
    "U.K.": "GB",
    "Great Britain": "GB",
    "Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "America": "US",
    "U.S.A.": "US",
    "U.S.": "US",
    "UAE": "AE",
    "U.A.E.": "AE",
    "Emirates": "AE",
    "Holland": "NL",
    "Vatican": "VA",
    "Holy See": "VA",
    "Korea": "KR",
    "Republic of Korea": "KR",
    "DPRK": "KP",
    "East Timor": "TL",
    "Czech": "CZ",
    "Swaziland": "SZ",
    "Cape Verde": "CV",
    "Macedonia": "MK",
    "Bosnia": "BA",
    "Trinidad": "TT",
    "Turks and Caicos": "TC",
    "BVI": "VG",
    "US Virgin Islands": "VI",
    "USVI": "VI",
    "Falklands": "FK",
    "Saint Barts": "BL",
    "St Barts": "BL",
    "St Barths": "BL",
    "St Barthelemy": "BL",
    "St Martin": "MF",
    "St Maarten": "SX",
    "St Kitts and Nevis": "KN",
    "St Kitts": "KN",
    "Saint Kitts": "KN",
    "St Lucia": "LC",
    "St Vincent and the Grenadines": "VC",
    "St Vincent": "VC",
    "Saint Vincent": "VC",
    "St Pierre and Miquelon": "PM",
    "Saint Helena": "SH",
    "St Helena": "SH",
    "BQ": "BQ-BO",
    "BES": "BQ-BO",
    "Bonaire, Sint Eustatius and Saba": "BQ-BO",
    "Caribbean Netherlands": "BQ-BO",
    "Statia": "BQ-SE",
    "XKX": "XK",
}

# Apostrophes, punctuation and joiners all separate words; "&" is spelt out.
_SEPARATORS = str.maketrans(dict.fromkeys("'’‘ʼ`´.,()-_/", " ") | {"&": " and "})


def key(text: str) -> str:
    """Return text normalised for lookup: no accents, case or punctuation, no leading "the"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = plain.casefold().translate(_SEPARATORS).split()
    if len(words) > 1 and words[0] == "the":
        del words[0]
    return " ".join(words)


@dataclass(frozen=True)
class _Catalogue:
    """Every destination and the tables to find one."""

    by_code: dict[str, Destination]
    index: dict[str, Destination]  # key of a code, name or alias -> its destination
    searchable: tuple[tuple[str, Destination], ...]  # keys of names and aliases (not codes)
    ordered: tuple[Destination, ...]


def _iso_records() -> list[dict[str, str]]:
    """Return pycountry's ISO 3166-1 records (alpha_2, alpha_3, name, ...) as plain dicts."""
    # Importing pycountry costs ~40 ms (it imports importlib.metadata), most of our budget for
    # a first lookup, so read its data file directly and fall back to the module if it moved.
    spec = find_spec("pycountry")
    if spec is not None and spec.origin is not None:
        data = os.path.join(os.path.dirname(spec.origin), "databases", "iso3166-1.json")
        if os.path.isfile(data):
            with open(data, encoding="utf-8") as f:
                records: list[dict[str, str]] = json.load(f)["3166-1"]
            return records
    import pycountry

    fields = ("alpha_2", "alpha_3", "name", "official_name", "common_name")
    return [{f: getattr(c, f) for f in fields if getattr(c, f, None)} for c in pycountry.countries]


def _destination(code: str, name: str) -> Destination:
    """Return a destination with its slug made from its name."""
    return Destination(code, name, key(name).replace(" ", "-"))


@functools.cache
def _catalogue() -> _Catalogue:
    """Return every destination with its lookup tables, built once on first use."""
    by_code: dict[str, Destination] = {}
    codes: list[tuple[str, str]] = []
    names: list[tuple[str, str]] = []
    for r in _iso_records():
        code = r["alpha_2"]
        if code in _SPLIT:
            continue
        display = _DISPLAY.get(code) or r.get("common_name") or r["name"]
        by_code[code] = _destination(code, display)
        codes += [(code, code), (r["alpha_3"], code)]
        names += [(display, code), (r["name"], code)]
        names += [(r[f], code) for f in ("official_name", "common_name") if f in r]
    for code, display in _EXTRA.items():
        by_code[code] = _destination(code, display)
        codes.append((code, code))
        names.append((display, code))

    # Earlier tiers win: codes, then names, then aliases.
    index: dict[str, Destination] = {}
    searchable: dict[str, Destination] = {}
    for tier, search in ((codes, False), (names, True), (list(_ALIASES.items()), True)):
        for text, code in tier:
            k = key(text)
            if k not in index:
                index[k] = by_code[code]
                if search:
                    searchable[k] = by_code[code]
    ordered = sorted(by_code.values(), key=lambda d: (key(d.name), d.name))
    return _Catalogue(by_code, index, tuple(searchable.items()), tuple(ordered))


def lookup(query: str) -> Destination | None:
    """Return the destination a code, name or alias stands for, or None."""
    return _catalogue().index.get(key(query))


def resolve(query: str) -> Destination:
    """Return the destination for query; raise UnknownDestination with suggestions if none."""
    found = lookup(query)
    if found is None:
        raise UnknownDestination(query, suggest(query))
    return found


def by_code(code: str) -> Destination:
    """Return the destination with this advisor code (case-insensitive); KeyError if none."""
    return _catalogue().by_code[code.upper()]


def all_destinations() -> list[Destination]:
    """Return every destination, sorted by name (ignoring case, accents and a leading "The")."""
    return list(_catalogue().ordered)


_CUTOFF = 0.7  # below this a suggestion is more noise than help

# Words too common in names to suggest a destination on their own.
_GENERIC = frozenset(
    {"island", "islands", "republic", "saint", "north", "south", "east", "west", "united", "states"}
)


def _score(typed: str, known: str) -> float:
    """Return how alike a typed key and a known key are: difflib's ratio, adjusted."""
    from difflib import SequenceMatcher  # only a failed lookup needs it: keep it out of start-up

    score = SequenceMatcher(None, typed, known).ratio()
    if typed[:1] == known[:1]:
        score += 0.1
    if sorted(typed) == sorted(known):
        score += 0.1  # the same letters in another order: a transposition
    # A typo seldom changes a name's length by more than a letter, so "mlai" is nearer Malta
    # than Malawi although Malawi holds more of its letters.
    excess = max(0, abs(len(typed) - len(known)) - 1)
    return score - excess / max(len(typed), len(known))


def _candidates() -> list[tuple[str, Destination, float]]:
    """Return (key, destination, handicap) for every name and alias, and for name words."""
    found = [(known, dest, 0.0) for known, dest in _catalogue().searchable]
    # A single word of a name ("lanka", "kingdom") is worth suggesting, just less so.
    for dest in _catalogue().ordered:
        words = set(key(dest.name).split())
        found += [(w, dest, 0.1) for w in words - _GENERIC if len(words) > 1 and len(w) > 3]
    return found


def suggest(query: str, limit: int = 3) -> list[str]:
    """Return display names of up to limit destinations closest to query, best first."""
    typed = key(query)
    if not typed:
        return []
    best: dict[str, tuple[float, Destination]] = {}
    for known, dest, handicap in _candidates():
        score = _score(typed, known) - handicap
        if score > best.get(dest.code, (0.0, dest))[0]:
            best[dest.code] = (score, dest)
    ranked = sorted(best.values(), key=lambda s: (-s[0], s[1].name))
    return [dest.name for score, dest in ranked[:limit] if score >= _CUTOFF]


def complete(incomplete: str) -> list[str]:
    """Return slugs of destinations whose slug, name or alias starts with what was typed."""
    typed = key(incomplete)
    found = {dest.slug for known, dest in _catalogue().searchable if known.startswith(typed)}
    found.update(d.slug for d in _catalogue().ordered if d.slug.startswith(typed.replace(" ", "-")))
    return sorted(found)
