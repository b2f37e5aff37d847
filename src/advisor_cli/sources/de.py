"""Auswärtiges Amt OpenData: a list of travel warnings, then one JSON page per country."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, NamedTuple

from advisor_cli import destinations
from advisor_cli.errors import FeedError
from advisor_cli.htmltext import Block, blocks, clean, join_blocks
from advisor_cli.model import Advisory, BrokenItem, IndexEntry, Item, Region, Section
from advisor_cli.sources import jsondoc

NAME = "de"
TITLE = "Auswärtiges Amt (German Federal Foreign Office)"
SHORT = "Germany (AA)"  # for tables
BASE_URL = "https://www.auswaertiges-amt.de"
BASE_ENV = "ADVISOR_DE_URL"
LICENCE = "Auswärtiges Amt Open-Data terms of use (Nutzungsbedingungen), attribution required"
ATTRIBUTION = "Quelle: Auswärtiges Amt (www.auswaertiges-amt.de)"
KIND = "per-destination"
PAGE_PATH = "/opendata/travelwarning/{contentId}"
INDEX_PATH = "/opendata/travelwarning"
# The public country pages live under this folder, as <slug>-node/<slug>sicherheit/<contentId>
# (e.g. japan-node/japansicherheit/213032: the page id is the API's contentId).
PUBLIC_BASE = "https://www.auswaertiges-amt.de/de/service/laender"

# The four flags, strongest first. advisor's reading, not the AA's: a Reisewarnung (an urgent
# appeal not to travel: acute danger to life and limb) is 4. situationWarning stood for the
# COVID-19 Reisewarnung (2022), a warning against non-essential tourist travel because of the
# situation, not the classic "do not go": 3. The partial flags cover parts of the country only,
# so the country is 2 and the parts named are 4 (Teilreisewarnung) or 3 (the situational one).
FLAGS = ("warning", "situationWarning", "partialWarning", "situationPartWarning")
LEVELS: dict[str, int] = {
    "warning": 4,
    "situationWarning": 3,
    "partialWarning": 2,
    "situationPartWarning": 2,
    "none": 1,
}
REGION_LEVELS: dict[str, int] = {"partialWarning": 4, "situationPartWarning": 3}
# "Von Reisen in … wird abgeraten": advised against, short of a warning.
ADVISED_AGAINST = 3
# The AA's own words for warning and partialWarning; it has none for the situational two.
LABELS: dict[str, str] = {
    "warning": "Reisewarnung",
    "situationWarning": "Lagebedingte Reisewarnung",
    "partialWarning": "Teilreisewarnung",
    "situationPartWarning": "Lagebedingte Teilreisewarnung",
    "none": "Reise- und Sicherheitshinweise",
}
EMPTY = "The Auswärtiges Amt sent an empty answer (an outage, not an absence of warnings)."
INDEX_WHAT = "Auswärtiges Amt travel-warning list"

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„])")
_WARNED = re.compile(r"^Vor\s+(?P<obj>.+?)\s*,?\s+wird(?:\s+\w+){0,2}?\s+gewarnt\b", re.S)
_ADVISED = re.compile(r"^Von\s+(?P<obj>.+?)\s*,?\s+wird(?:\s+\w+){0,2}?\s+abgeraten\b", re.S)
# "Von der Einreise mit …" and "Von ihrer Nutzung …" are rules, not travel advice.
_TRAVEL = re.compile(r"\b(?:Reisen|Aufenthalten)\b")
_LEAD = re.compile(
    r"^(?:(?:nicht\s+)?(?:unbedingt\s+)?(?:notwendigen|erforderlichen|allen)\s+)?"
    r"(?:Reisen|Aufenthalten)\s+(?:in|nach|an|auf)\s+(?:(?:den|die|das|dem|der)\s+)?",
    re.I,
)
# A sentence left open before a list ("Vor Reisen in die"), the one that closes it, and one that
# names "folgende Regionen" before a list (the Philippines', seen 2026-09).
_OPEN = re.compile(r"^Vor\s+(?:\S+\s+){0,3}?(?:Reisen|Aufenthalten)\s+(?:in|nach)\b[^.]*$")
_CLOSE = re.compile(r"^,?\s*wird(?:\s+\w+){0,2}?\s+gewarnt\b")
_FOLLOWING = re.compile(r"^(?:die\s+)?folgenden?\b", re.I)
_TRAIL = re.compile(r"(?:\s+(?:und|sowie))?\s*[,;.:]*$")
_ADVICE = re.compile(r"\b(?:gewarnt|abgeraten|Reisewarnung|Teilreisewarnung)\b")
_WARNING_HEADING = re.compile(r"reisewarnung", re.I)
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _berlin() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Berlin")
    except Exception:  # no tz database (some Windows installs): CET is right most of the year
        return timezone(timedelta(hours=1))


BERLIN = _berlin()


def index_url(base: str) -> str:
    return base.rstrip("/") + INDEX_PATH


def page_url(base: str, content_id: str) -> str:
    return f"{index_url(base)}/{content_id}"


def parse_index(body: bytes, base: str) -> list[IndexEntry]:
    """Every destination the list names; entries advisor cannot place are left out."""
    return read_index(body, base)[0]


def read_index(body: bytes, base: str) -> tuple[list[IndexEntry], list[str]]:
    """The index entries, and a line for each entry left out (unknown place, second entry)."""
    resp = _response(body, INDEX_WHAT)
    ids = jsondoc.field(resp, "contentList", list, INDEX_WHAT)
    if not ids:
        raise FeedError(f"The {INDEX_WHAT} holds no destinations.")
    entries: list[IndexEntry] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for raw_id in ids:
        if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
            raise FeedError(f"The {INDEX_WHAT} has the wrong shape: contentList should hold ids.")
        cid = str(raw_id)
        obj = resp.get(cid)
        if not isinstance(obj, dict):
            raise FeedError(f"The {INDEX_WHAT} has the wrong shape: no entry for id {cid!r}.")
        name = _country_name(obj, INDEX_WHAT)
        code = _code(obj, name, INDEX_WHAT)
        flags = _flags(obj, INDEX_WHAT)
        if code is None:
            skipped.append(f"{name or cid} (id {cid}): destination not recognised")
            continue
        if code in seen:
            skipped.append(f"{name or cid} (id {cid}): a second entry for {code}")
            continue
        seen.add(code)
        entries.append(
            IndexEntry(
                code=code,
                name=name or destinations.by_code(code).name,
                url=page_url(base, cid),
                updated=_marker(obj),
                level=None if flags is None else _reading(flags)[0],
            )
        )
    return entries, skipped


def parse_page(body: bytes, entry: IndexEntry) -> Item | BrokenItem:
    """One country's page → an Item, or a BrokenItem when it carries no advice."""
    what = f"Auswärtiges Amt travel warning for {entry.name}"
    obj = _page_entry(_response(body, what), entry, what)
    name = _country_name(obj, what) or entry.name
    flags = _flags(obj, what)
    html = _text(obj, what, "content")
    title = clean(_text(obj, what, "title")).strip()
    # "effective" is "seit wann der Reisehinweis gilt" (OpenAPI 1.2.6): the date of this version
    # of the advice. lastModified also moves for edits that leave it in force (Palästinensische
    # Gebiete, 2026-09: effective 15 Sep, lastModified 21 Sep); it is only the fallback.
    issued = _date(obj, "effective", what) or _date(obj, "lastModified", what)
    change_note = _plain(_text(obj, what, "lastChanges"))
    if flags is None:
        return BrokenItem(NAME, name, "no warning flags on the page", entry.code)
    parts = blocks(html)
    if not parts:
        return BrokenItem(NAME, name, "no advice text (empty content)", entry.code)
    level, label, region_level = _reading(flags)
    units = _units(parts)
    summary = _summary(units)
    head = title.partition(":")[2].strip() if ":" in title else ""
    advisory = Advisory(
        source=NAME,
        destination=entry.code,
        name=name,
        level=level,
        label=label,
        issued=issued,
        url=public_url(title, name, _content_id(entry)) or entry.url,
        summary=summary,
        change_note=change_note,
        sections=_sections(parts, head or LABELS["none"]),
        regions=_regions(parts, units, region_level, label, summary) if region_level else (),
    )
    return Item(advisory, raw=body)


def public_url(title: str, name: str, content_id: str) -> str:
    """The AA's web page for the country, or "" when the data cannot name it."""
    place = title.partition(":")[0] if ":" in title else name
    # "USA/Vereinigte Staaten" is usa-node/usavereinigtestaatensicherheit (seen 2022).
    node, page = _slug(place.partition("/")[0]), _slug(place)
    if not node or not content_id.isdigit():
        return ""
    return f"{PUBLIC_BASE}/{node}-node/{page}sicherheit/{content_id}"


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold().translate(_UMLAUTS))
    return re.sub(r"[^a-z0-9]", "", text.encode("ascii", "ignore").decode())


# -- reading the JSON ----------------------------------------------------------------------------


def _response(body: bytes, what: str) -> dict[str, Any]:
    """The "response" object; {} and an empty response are the API's outage signal."""
    doc = jsondoc.load(body, what)
    if isinstance(doc, dict) and (not doc or (set(doc) == {"response"} and not doc["response"])):
        raise FeedError(EMPTY)
    resp = jsondoc.field(doc, "response", dict, what)
    if "contentList" not in resp and not any(isinstance(v, dict) for v in resp.values()):
        raise FeedError(EMPTY)
    return resp


def _content_id(entry: IndexEntry) -> str:
    return entry.url.rstrip("/").rpartition("/")[2]


def _page_entry(resp: dict[str, Any], entry: IndexEntry, what: str) -> dict[str, Any]:
    """The entry for the page asked for: never another country's, even when it is the only one."""
    cid = _content_id(entry)
    obj = resp.get(cid)
    if not isinstance(obj, dict):
        raise FeedError(f"The {what} has the wrong shape: no entry for id {cid!r}.")
    return obj


def _wrong(what: str, key: str, expected: str, value: Any) -> FeedError:
    return FeedError(
        f"The {what} has the wrong shape: {key!r} should be {expected}, not {type(value).__name__}."
    )


def _text(obj: dict[str, Any], what: str, *keys: str) -> str:
    """The first of `keys` present (the spec spells CountryCode, the API countryCode)."""
    for key in keys:
        value = obj.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise _wrong(what, key, "str", value)
        return value
    return ""


def _country_name(obj: dict[str, Any], what: str) -> str:
    # Some names carry a footnote star ("Macau*", "Palästinensische Gebiete*", seen 2026-09).
    name = clean(_text(obj, what, "countryName", "CountryName")).strip().rstrip("*").strip()
    return name or clean(_text(obj, what, "title")).partition(":")[0].strip()


def _code(obj: dict[str, Any], name: str, what: str) -> str | None:
    for query in (
        _text(obj, what, "countryCode", "CountryCode"),
        _text(obj, what, "iso3CountryCode", "Iso3CountryCode"),
        name,
    ):
        if query.strip() and (found := destinations.lookup(query.strip())):
            return found.code
    return None


def _flags(obj: dict[str, Any], what: str) -> dict[str, bool] | None:
    """The four flags (absent ones false), or None when the entry has none at all."""
    flags: dict[str, bool] = {}
    for flag in FLAGS:
        value = obj.get(flag)
        if value is None:
            continue
        if not isinstance(value, bool):
            raise _wrong(what, flag, "bool", value)
        flags[flag] = value
    return flags or None


def _reading(flags: dict[str, bool]) -> tuple[int, str, int | None]:
    """advisor's level, the AA's label, and the level of the parts named (when above it)."""
    top = next((f for f in FLAGS if flags.get(f)), "none")
    level = LEVELS[top]
    parts = [REGION_LEVELS[f] for f in REGION_LEVELS if flags.get(f)]
    region_level = max(parts) if parts and max(parts) > level else None
    return level, LABELS[top], region_level


def _seconds(obj: dict[str, Any], key: str, what: str) -> float | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _wrong(what, key, "a timestamp", value)
    if value <= 0:
        return None
    # The list sent seconds in 2026-09; the OpenAPI example is in milliseconds.
    return value / 1000 if value > 1e11 else float(value)


def _date(obj: dict[str, Any], key: str, what: str) -> date | None:
    seconds = _seconds(obj, key, what)
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, BERLIN).date()
    except (OverflowError, OSError, ValueError):
        return None


def _marker(obj: dict[str, Any]) -> str:
    value = obj.get("lastModified", obj.get("effective"))
    return "" if value is None else str(value)


# -- reading the text ----------------------------------------------------------------------------


def _plain(html: str) -> str:
    """An HTML fragment or plain text → clean text."""
    return join_blocks(blocks(html)) or clean(html).strip()


def _flat(text: str) -> str:
    return " ".join(text.split())


class _Unit(NamedTuple):
    """A paragraph or list item, or a sentence the AA split around a list."""

    text: str
    items: tuple[str, ...]  # the list items that follow it
    listed: bool  # the items are the places its sentence names ("Vor Reisen in die" <ul> …)


def _units(parts: list[Block]) -> list[_Unit]:
    # Mozambique's page (seen 2026-09) bullets the provinces mid-sentence: "Vor Reisen in die",
    # a <ul> of places, then "wird gewarnt."
    out: list[_Unit] = []
    i = 0
    while i < len(parts):
        block = parts[i]
        i += 1
        if block.kind == "h":
            continue
        items: list[str] = []
        while i + len(items) < len(parts) and parts[i + len(items)].kind == "li":
            items.append(_flat(parts[i + len(items)].text))
        text = _flat(block.text)
        after = i + len(items)
        if _OPEN.match(text) and items and after < len(parts) and _CLOSE.match(parts[after].text):
            out.append(_Unit(" ".join([text, *items, _flat(parts[after].text)]), (*items,), True))
            i = after + 1
        else:
            out.append(_Unit(text, (*items,) if block.kind != "li" else (), False))
    return out


def _advice(sentence: str) -> tuple[str, bool] | None:
    """The place a sentence in the AA's fixed wording names, and whether it is warned against."""
    m = _WARNED.match(sentence)
    if m:
        return _LEAD.sub("", m["obj"]), True
    m = _ADVISED.match(sentence)
    if m and _TRAVEL.search(m["obj"]):
        return _LEAD.sub("", m["obj"]), False
    return None


def _summary(units: list[_Unit]) -> str:
    """The first paragraph in the AA's wording of advice, else one mentioning it, else the first."""
    for unit in units:
        if any(_advice(s) for s in _SENTENCE.split(unit.text)):
            return unit.text
    return next((u.text for u in units if _ADVICE.search(u.text)), units[0].text if units else "")


def _sections(parts: list[Block], intro: str) -> tuple[Section, ...]:
    """The content split at its headings; a heading directly over another stays, empty."""
    out: list[Section] = []
    title, body = intro, list[Block]()
    heading = False
    for block in [*parts, Block("h", ())]:
        if block.kind == "h":
            if body or heading:
                out.append(Section(title, join_blocks(body)))
            title, body, heading = _flat(block.text), [], True
        else:
            body.append(block)
    while out and not out[-1].text:
        out.pop()
    return tuple(out)


def _regions(
    parts: list[Block], units: list[_Unit], warned: int, label: str, summary: str
) -> tuple[Region, ...]:
    """The places the page names in the AA's wording ("Vor Reisen in … wird gewarnt")."""
    found: dict[str, Region] = {}

    def add(name: str, level: int, text: str) -> None:
        name = _TRAIL.sub("", name.strip()).strip()
        key = name.casefold()
        if name and (key not in found or found[key].level < level):
            found[key] = Region(name, level, text)

    for unit in units:
        if unit.listed:
            for item in unit.items:
                add(item, warned, unit.text)
            continue
        for sentence in _SENTENCE.split(unit.text):
            advice = _advice(sentence)
            if advice is None:
                continue
            name, is_warning = advice
            level = warned if is_warning else min(ADVISED_AGAINST, warned)
            if _FOLLOWING.match(name) and unit.items:
                for item in unit.items:
                    add(item, level, f"{sentence} {item}")
            else:
                add(name, level, sentence)
    if found:
        return tuple(found.values())
    # No sentence in the AA's wording: one region named by the warning heading, with its text.
    for i, block in enumerate(parts):
        if block.kind == "h" and _WARNING_HEADING.search(block.text):
            rest = parts[i + 1 :]
            end = next((j for j, b in enumerate(rest) if b.kind == "h"), len(rest))
            return (Region(_flat(block.text), warned, join_blocks(rest[:end]) or summary),)
    return (Region(label, warned, summary),)
