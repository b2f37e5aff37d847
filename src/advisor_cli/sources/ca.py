"""Global Affairs Canada: an index of every destination, then one JSON page per destination."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any
from urllib.parse import quote

from advisor_cli import destinations
from advisor_cli.errors import FeedError
from advisor_cli.htmltext import Block, blocks, clean, join_blocks
from advisor_cli.model import Advisory, BrokenItem, IndexEntry, Item, Region, Section
from advisor_cli.sources import jsondoc

NAME = "ca"
TITLE = "Global Affairs Canada"
SHORT = "Canada (GAC)"  # for tables
BASE_URL = "https://data.international.gc.ca"
BASE_ENV = "ADVISOR_CA_URL"
LICENCE = "Open Government Licence – Canada"
ATTRIBUTION = (
    "Contains information licensed under the Open Government Licence – Canada "
    "(Global Affairs Canada travel advice, travel.gc.ca)"
)
KIND = "per-destination"
PAGE_PATH = "/travel-voyage/cta-cap-{iso2}.json"
PUBLIC_URL = "https://travel.gc.ca/destinations/"

# advisor's reading of Canada's four risk levels (advisory-state 0-3), not Canada's own numbering:
# each step is the one the other governments' 1-4 scales put at the same place.
LEVELS = {
    0: 1,  # Take normal security precautions
    1: 2,  # Exercise a high degree of caution
    2: 3,  # Avoid non-essential travel
    3: 4,  # Avoid all travel
}
# Canada's wording of each level; "Exercise normal security precautions" is the 2014 wording.
PHRASES = {
    "take normal security precautions": 1,
    "exercise normal security precautions": 1,
    "exercise a high degree of caution": 2,
    "avoid non-essential travel": 3,
    "avoid non essential travel": 3,
    "avoid all travel": 4,
}
WORDING = {
    1: "Take normal security precautions",
    2: "Exercise a high degree of caution",
    3: "Avoid non-essential travel",
    4: "Avoid all travel",
}
# The page's HTML parts in the order travel.gc.ca shows them, with its own tab titles.
SECTIONS = (
    ("advisories", "Risk levels"),
    ("security", "Safety and security"),
    ("entry-exit", "Entry and exit requirements"),
    ("health", "Health"),
    ("laws-culture", "Laws and culture"),
    ("disasters-climate", "Natural disasters and climate"),
    ("offices-help-abroad", "Need help?"),
)

_KEY = re.compile(r"^[A-Za-z0-9]{2,3}(?:-[A-Za-z0-9]{1,3})?$")  # "AF", and "PT-20" (Azores, 2014)
_TAG = re.compile(r"<[A-Za-z/!]")
_PHRASE = re.compile("|".join(re.escape(p) for p in PHRASES), re.I)
# "Border with Liberia - Avoid non-essential travel": the advice follows the last spaced dash.
_HEADING = re.compile(r"^(?P<name>.+)\s[-–—]\s+(?P<advice>.+?)$")
# Regional advice given as prose: "Avoid all travel to the following provinces …:" and a list.
_PROSE = re.compile(rf"^(?P<advice>{_PHRASE.pattern})\s+(?:to|in)\s+(?P<rest>.+)$", re.I | re.S)
_PROSE_END = re.compile(r"\s+due to\s|[:;.,]")
# The 2014 index shouts its advice: "AVOID ALL TRAVEL; see also regional advisories."
_SHOUTED = re.compile(r"^[A-Z][A-Z' -]+[A-Z](?=;|$)")
_FRIENDLY = re.compile(r"\b([A-Z][a-z]+)\s+(\d{1,2}),\s*(\d{4})\b")
_MONTHS = {
    m: i
    for i, m in enumerate(
        "January February March April May June July "
        "August September October November December".split(),
        1,
    )
}


def index_url(base: str) -> str:
    return f"{base.rstrip('/')}/travel-voyage/index-alpha-eng.json"


def page_url(base: str, key: str) -> str:
    """The machine-readable page of an index key, in lower case as the server names it."""
    return f"{base.rstrip('/')}/travel-voyage/cta-cap-{key.lower()}.json"


def parse_index(body: bytes, base: str) -> list[IndexEntry]:
    """Every destination of the index that advisor can place (see read_index for the others)."""
    return read_index(body, base)[0]


def read_index(body: bytes, base: str) -> tuple[list[IndexEntry], list[tuple[str, str]]]:
    """The index's entries, and the (key, name) of those advisor cannot place or already has."""
    what = "Global Affairs Canada index"
    # metadata.generated changes on every request: only data is read.
    data = jsondoc.field(jsondoc.load(body, what), "data", dict, what)
    if not data:
        raise FeedError(f"The {what} lists no destinations.")
    entries: list[IndexEntry] = []
    skipped: list[tuple[str, str]] = []
    seen: set[str] = set()
    for key, obj in data.items():
        where = f"{what} entry {key!r}"
        eng = jsondoc.field(obj, "eng", dict, where)
        name = _plain(_text(eng, "name", where)) or _plain(_text(obj, "country-eng", where))
        state = _state(obj, where)
        iso = _text(obj, "country-iso", where) or key
        found = None
        if _KEY.match(key):
            found = destinations.lookup(iso) or (destinations.lookup(name) if name else None)
        if found is None or found.code in seen:
            skipped.append((key, name))
            continue
        seen.add(found.code)
        entries.append(
            IndexEntry(
                code=found.code,
                name=name or found.name,
                url=page_url(base, key),
                updated=_published(obj.get("date-published")),
                level=LEVELS.get(state) if state is not None else None,
            )
        )
    return entries, skipped


def parse_page(body: bytes, entry: IndexEntry) -> Item | BrokenItem:
    """One destination's page → an Item, or a BrokenItem when it carries no usable advice."""
    what = f"Global Affairs Canada page for {entry.name or entry.code}"
    # metadata.generated changes on every request: only data is read.
    data = jsondoc.field(jsondoc.load(body, what), "data", dict, what)
    eng = jsondoc.field(data, "eng", dict, what)
    iso = _text(data, "country-iso", what)
    about = destinations.lookup(iso) if iso else None
    if about is not None and about.code != entry.code:
        raise FeedError(f"The {what} is about {iso!r}, not {entry.code!r}.")
    name = _plain(_text(eng, "name", what)) or entry.name
    label = _label(_text(eng, "advisory-text", what))
    state = _state(data, what)
    level = LEVELS.get(state) if state is not None else None
    if level is None:
        level = _phrase_level(label)
    if level is None:
        reason = f"unknown advisory-state {state}" if state is not None else "no advisory level"
        return BrokenItem(NAME, name, reason, entry.code)
    advisories = _text(eng, "advisories", what)
    segments = _segments(advisories)
    if not label and not segments:
        return BrokenItem(NAME, name, "no advice on the page", entry.code)
    national = segments[0] if segments else []
    summary = next((b.text for b in national if b.kind == "p"), "")
    regions = _regions(segments[1:])
    if not regions and data.get("has-regional-advisory") == 1:
        regions = _prose_regions(national)
    slug = _plain(_text(eng, "url-slug", what))
    url = (
        PUBLIC_URL + quote(slug, safe="") if slug else "https://travel.gc.ca/travelling/advisories"
    )
    advisory = Advisory(
        source=NAME,
        destination=entry.code,
        name=name,
        level=level,
        label=label or WORDING[level],
        issued=_issued(data, eng, entry, what),
        url=url,
        summary=summary,
        change_note=_plain(_text(eng, "recent-updates", what)),
        sections=_sections(eng, what),
        regions=tuple(_unique(regions)),
    )
    return Item(advisory, raw=body)


def _text(obj: dict[str, Any], key: str, what: str) -> str:
    """obj[key] as a string: "" when absent or null, a FeedError when of another type."""
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FeedError(
            f"The {what} has the wrong shape: {key!r} should be str, not {type(value).__name__}."
        )
    return value


def _state(obj: dict[str, Any], what: str) -> int | None:
    value = obj.get("advisory-state")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise FeedError(
            f"The {what} has the wrong shape: 'advisory-state' should be int, "
            f"not {type(value).__name__}."
        )
    return value


def _plain(text: str) -> str:
    """A short text field as clean text: entities decoded once, tags (if any) dropped."""
    if _TAG.search(text):
        return " ".join(b.text for b in blocks(text)).strip()
    return clean(html.unescape(text)).strip()


def _label(text: str) -> str:
    label = _plain(text)
    return _SHOUTED.sub(lambda m: m[0].capitalize(), label)


def _phrase_level(text: str) -> int | None:
    m = _PHRASE.search(text)
    return PHRASES[m[0].lower()] if m else None


def _published(value: Any) -> str:
    """date-published as given: {"timestamp", "date": "2026-09-24 08:53:35", "asp"} or a string."""
    if isinstance(value, dict):
        value = value.get("date") or value.get("asp")
    return clean(value).strip() if isinstance(value, str) else ""


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _issued(data: dict[str, Any], eng: dict[str, Any], entry: IndexEntry, what: str) -> date | None:
    """The page's date-published; else its friendly-date (pages lack date-published, seen
    2026-09); else the index's date for the entry."""
    found = _iso_date(_published(data.get("date-published")))
    if found is None:
        m = _FRIENDLY.search(_plain(_text(eng, "friendly-date", what)))
        if m and m[1] in _MONTHS:
            try:
                found = date(int(m[3]), _MONTHS[m[1]], int(m[2]))
            except ValueError:
                found = None
    return found or _iso_date(entry.updated)


def _sections(eng: dict[str, Any], what: str) -> tuple[Section, ...]:
    out = []
    for key, title in SECTIONS:
        value = eng.get(key)
        if key == "offices-help-abroad" and isinstance(value, dict):
            # {"opening-text": html, "closing-text": html} around the list of offices.
            where = f"{what} ({key})"
            value = _text(value, "opening-text", where) + _text(value, "closing-text", where)
        else:
            value = _text(eng, key, what)
        text = join_blocks(blocks(value))
        if text:
            out.append(Section(title, text))
    return tuple(out)


def _segments(fragment: str) -> list[list[Block]]:
    """The advisories HTML as one list of blocks per advice: the national one first."""
    if not fragment.strip():
        return []
    from lxml import etree

    containers: list[str] = []
    try:
        root = etree.fromstring(f"<html><body>{fragment}</body></html>", etree.HTMLParser())
    except Exception:  # lxml raises XMLSyntaxError or ValueError on what it cannot read
        root = None
    if root is not None:
        for el in root.iter("div"):
            if "AdvisoryContainer" in (el.get("class") or "").split() and not any(
                "AdvisoryContainer" in (a.get("class") or "").split() for a in el.iterancestors()
            ):
                containers.append(etree.tostring(el, encoding="unicode", with_tail=False))
    if containers:  # one <div class="AdvisoryContainer …"> per advice (seen 2026)
        return [b for b in map(blocks, containers) if b]
    segments: list[list[Block]] = []
    for block in blocks(fragment):
        if block.kind == "h" or not segments:
            segments.append([])
        segments[-1].append(block)
    return segments


def _regions(segments: list[list[Block]]) -> list[Region]:
    """Regional advice headed "Borders with Mali and Burkina Faso - Avoid all travel"."""
    out = []
    for segment in segments:
        head, body = segment[0], segment[1:]
        if head.kind != "h":
            continue
        m = _HEADING.match(head.text.replace("\n", " "))
        level = _phrase_level(m["advice"]) if m else None
        name = m["name"].strip() if m and level else head.text
        if level is None and body and body[0].kind == "p" and (p := _PROSE.match(body[0].text)):
            level = PHRASES[p["advice"].lower()]
        if level is not None:
            out.append(Region(name, level, join_blocks(body)))
    return out


def _prose_regions(national: list[Block]) -> list[Region]:
    """Regional advice as paragraphs after the national one, each perhaps followed by a list."""
    out = []
    paragraphs = [i for i, b in enumerate(national) if b.kind == "p"]
    for i in paragraphs[1:]:
        m = _PROSE.match(national[i].text)
        if not m:
            continue
        items = []
        for block in national[i + 1 :]:
            if block.kind != "li":
                break
            items.append(block)
        name = _PROSE_END.split(m["rest"], maxsplit=1)[0].strip()
        if items and (not name or name.lower().startswith("the following")):
            name = ", ".join(b.text for b in items)
        out.append(Region(name, PHRASES[m["advice"].lower()], join_blocks([national[i], *items])))
    return out


def _unique(regions: list[Region]) -> list[Region]:
    """Regions with distinct names: two "Regional advisory" headings become "… (2)"."""
    seen: dict[str, int] = {}
    out = []
    for r in regions:
        seen[r.name] = seen.get(r.name, 0) + 1
        out.append(
            r if seen[r.name] == 1 else Region(f"{r.name} ({seen[r.name]})", r.level, r.text)
        )
    return out
