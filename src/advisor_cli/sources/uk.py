"""UK FCDO foreign travel advice: the GOV.UK Content API index, then one document per destination.

The index carries each destination's `public_updated_at`, but a minor edit moves only the page's
`details.updated_at`, so the destinations being checked are refetched rather than trusted to the
index alone (conditional requests keep that cheap).

Levels are advisor's reading of the FCDO's `alert_status` flags; the FCDO has no numbered scale:
against all travel to the whole country → 4; against all but essential travel to the whole
country → 3; against (all or all but essential) travel to parts only → 2, with those parts as
regions (4 for "all travel", 3 for "all but essential travel"); no alert → 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from advisor_cli import destinations
from advisor_cli.errors import FeedError
from advisor_cli.htmltext import Block, blocks, clean, join_blocks
from advisor_cli.model import Advisory, BrokenItem, IndexEntry, Item, Region, Section, normalise
from advisor_cli.sources.jsondoc import field, load

NAME = "uk"
TITLE = "UK Foreign, Commonwealth & Development Office"
SHORT = "UK FCDO"  # for tables
BASE_URL = "https://www.gov.uk"
BASE_ENV = "ADVISOR_UK_URL"
LICENCE = "Open Government Licence v3.0 (Crown copyright)"
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(FCDO foreign travel advice, GOV.UK)"
)
KIND = "per-destination"
INDEX_PATH = "/api/content/foreign-travel-advice"
PAGE_PATH = INDEX_PATH + "/{slug}"
PUBLIC_URL = "https://www.gov.uk"

# advisor's reading of each alert_status flag (the four GOV.UK's frontend knows, 2026); a page
# takes the highest of its flags, and no flag at all is NO_ALERT.
LEVELS: dict[str, int] = {
    "avoid_all_travel_to_whole_country": 4,
    "avoid_all_but_essential_travel_to_whole_country": 3,
    "avoid_all_travel_to_parts": 2,
    "avoid_all_but_essential_travel_to_parts": 2,
}
NO_ALERT = 1
# A region's level, from the statement that names it ("FCDO advises against all travel to: …").
REGION_LEVELS: dict[str, int] = {"all": 4, "all but essential": 3}
NO_ALERT_LABEL = "No FCDO advice against travel"
# Index names neither destinations.lookup nor the slug resolves (seen 2026-09).
SLUGS = {
    "bonaire-st-eustatius-saba": "BQ-BO",
    "pitcairn-island": "PN",
    "st-helena-ascension-and-tristan-da-cunha": "SH",
}
# One FCDO page speaks for all three islands, which advisor keeps apart (as the US does).
COVERS = {"BQ-BO": ("BQ-SE", "BQ-SA")}

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_STATEMENT = re.compile(
    r"(?:^|(?<=[.!?]\s))(?:The\s+)?(?:FCDO\s+(?:also\s+|now\s+|continues\s+to\s+)?"
    r"advises?\s+against\s+(?P<kind>all\s+but\s+essential|all)\s+travel\s+"
    r"(?:(?:to|in|on)\b\s*|(?=within\b)))"
    r"(?P<target>.*?)\s*(?P<end>:\s*$|\.(?=\s|$)|$)",
    re.I,
)
_REASON = re.compile(r"[\s,]+(?:due\s+to|because)\b.*$", re.I | re.S)
_WHOLE_OF = re.compile(r"^(?:the\s+)?(?:whole|all)\s+of\s+", re.I)
_REST_OF = re.compile(r"^(?:the\s+)?rest\s+of\s+", re.I)


def index_url(base: str) -> str:
    return base.rstrip("/") + INDEX_PATH


def parse_index(body: bytes, base: str) -> list[IndexEntry]:
    """Every destination of the index that advisor knows; see index_entries for the others."""
    return index_entries(body, base)[0]


def index_entries(body: bytes, base: str) -> tuple[list[IndexEntry], list[BrokenItem]]:
    """The index's destinations, and the entries skipped (unknown, withdrawn or unreadable)."""
    what = "travel advice index"
    doc = load(body, what)
    _check_schema(doc, "travel_advice_index", what)
    children = field(field(doc, "links", dict, what), "children", list, what)
    if not children:
        raise FeedError(f"The {what} lists no destinations.")
    entries: list[IndexEntry] = []
    skipped: list[BrokenItem] = []
    seen: dict[str, str] = {}
    for child in children:
        name, slug = _country(child)
        shown = name or slug or "(unnamed entry)"
        code = _code(name, slug) if slug else None
        if not slug:
            reason = "could not be read (no country slug)"
        elif child.get("withdrawn") is True:
            reason = "withdrawn from GOV.UK"
        elif code is None:
            reason = "destination not recognised"
        elif code in seen:
            reason = f"same destination as {seen[code]}"
        else:
            reason = ""
        if reason or code is None:
            skipped.append(BrokenItem(NAME, shown, reason, code or ""))
            continue
        seen[code] = shown
        updated = child.get("public_updated_at")
        entries.append(
            IndexEntry(
                code=code,
                name=name or destinations.by_code(code).name,
                url=f"{base.rstrip('/')}{INDEX_PATH}/{slug}",
                updated=updated if isinstance(updated, str) else "",
            )
        )
    if not entries:
        raise FeedError(f"The {what} lists no destination advisor knows.")
    return entries, skipped


def _check_schema(doc: Any, expected: str, what: str) -> None:
    schema = doc.get("schema_name") if isinstance(doc, dict) else None
    if isinstance(schema, str) and schema != expected:
        raise FeedError(f"The {what} is a {schema!r} document, not {expected!r}.")


def _country(child: Any) -> tuple[str, str]:
    """The name and slug of an index child; ("", "") when it has none that can be used."""
    if not isinstance(child, dict):
        return "", ""
    details = child.get("details")
    country = details.get("country") if isinstance(details, dict) else None
    country = country if isinstance(country, dict) else {}
    name = country.get("name")
    name = clean(name).strip() if isinstance(name, str) else ""
    slug = country.get("slug")
    if not isinstance(slug, str):
        base_path = child.get("base_path")
        slug = base_path.rpartition("/")[2] if isinstance(base_path, str) else ""
    # The slug becomes part of a URL: nothing but the lower-case words GOV.UK uses.
    return name, slug if _SLUG.match(slug) else ""


def _code(name: str, slug: str) -> str | None:
    """advisor's code for an index entry: its name, then its slug, then SLUGS."""
    # The synonyms are search terms ("Puerto Rico" for the USA), never other names: not used.
    for query in (name, slug):
        if query and (found := destinations.lookup(query)):
            return found.code
    return SLUGS.get(slug)


def parse_page(body: bytes, entry: IndexEntry) -> Item | BrokenItem:
    """One destination's document → an Item, or a BrokenItem when it holds no usable advice."""
    what = "travel advice page"
    doc = load(body, what)
    _check_schema(doc, "travel_advice", what)
    details = field(doc, "details", dict, what)
    country = details.get("country")
    name = country.get("name") if isinstance(country, dict) else None
    name = clean(name).strip() if isinstance(name, str) and name.strip() else entry.name
    parts = _parts(details, what)
    statuses = details.get("alert_status")
    if statuses is not None and not (
        isinstance(statuses, list) and all(isinstance(s, str) for s in statuses)
    ):
        raise FeedError(f"The {what} has the wrong shape: 'alert_status' should be a list of text.")

    def broken(reason: str) -> BrokenItem:
        return BrokenItem(NAME, name, reason, entry.code)

    if isinstance(doc.get("withdrawn_notice"), dict) and doc["withdrawn_notice"]:
        return broken("withdrawn from GOV.UK")
    sections = tuple(Section(title, join_blocks(html)) for title, html, _ in parts)
    sections = tuple(s for s in sections if s.text)
    if not sections:
        return broken("no advice text")
    if statuses is None:
        return broken("no alert_status")
    unknown = sorted(set(statuses) - set(LEVELS))
    if unknown:
        # A flag advisor cannot read may be the strongest: better no level than a wrong one.
        return broken(f"unknown alert_status {', '.join(unknown)}")
    issued = _issued(doc, details)
    if isinstance(issued, str):
        return broken(issued)

    level = max((LEVELS[s] for s in statuses), default=NO_ALERT)
    names = _own_names(name, entry, doc)
    found = _statements(_warnings(parts))
    whole = [s for s in found if _is_whole(s.target, names, rest=level >= 3)]
    label = _label(level, statuses, whole, name)
    said = [s for s in found if not s.heading] or found
    # The advice for the whole country leads, in built wording when the page has no statement
    # of it; a page without any alert has no advice to sum up.
    lead = [f"{label}."] if (level >= 3 and not whole) or (level == 2 and not found) else []
    summary = " ".join(dict.fromkeys(t for t in [*lead, *(s.summary for s in said)] if t))
    change = details.get("change_description")
    advisory = Advisory(
        source=NAME,
        destination=entry.code,
        name=name,
        level=level,
        label=label,
        issued=issued,
        url=PUBLIC_URL + _base_path(doc, entry),
        summary=summary,
        change_note=clean(change).strip() if isinstance(change, str) else "",
        sections=sections,
        regions=_regions([s for s in found if s not in whole]),
    )
    return Item(advisory, body)


def _parts(details: dict[str, Any], what: str) -> list[tuple[str, list[Block], str]]:
    """(title, blocks, slug) of each part, in the page's order."""
    parts = details.get("parts")
    if parts is None:
        return []
    if not isinstance(parts, list):
        raise FeedError(f"The {what} has the wrong shape: 'parts' should be list.")
    found = []
    for part in parts:
        title = clean(field(part, "title", str, what)).strip()
        body = field(part, "body", str, what)
        slug = part.get("slug")
        found.append((title, blocks(body), slug if isinstance(slug, str) else ""))
    return found


def _warnings(parts: list[tuple[str, list[Block], str]]) -> list[Block]:
    """The part that carries the advice: "Warnings and insurance" (since 2023), else the first."""
    for title, html, slug in parts:
        if slug == "warnings-and-insurance" or title.casefold() == "warnings and insurance":
            return html
    # The 2017 layout put the statements in its first part, "Summary".
    return parts[0][1] if parts else []


def _issued(doc: dict[str, Any], details: dict[str, Any]) -> date | str | None:
    """The date of this version of the advice, or a reason it cannot be read."""
    # public_updated_at, not details.updated_at: a minor edit (a typo, a link) moves only the
    # latter, and its text shows as a change anyway; public_updated_at is the date GOV.UK gives
    # readers and the one the change note belongs to. updated_at only when it is missing.
    for key, value in (
        ("public_updated_at", doc.get("public_updated_at")),
        ("details.updated_at", details.get("updated_at")),
    ):
        if value is None:
            continue
        try:
            # The date as written: page dates carry London's offset ("+01:00" in summer, 2026).
            return datetime.fromisoformat(str(value).strip().replace("Z", "+00:00")).date()
        except ValueError:
            return f"unreadable {key} {value!r}"
    return None


def _base_path(doc: dict[str, Any], entry: IndexEntry) -> str:
    base_path = doc.get("base_path")
    if isinstance(base_path, str) and base_path.startswith("/foreign-travel-advice/"):
        return base_path
    return "/foreign-travel-advice/" + entry.url.rstrip("/").rpartition("/")[2]


def _own_names(name: str, entry: IndexEntry, doc: dict[str, Any]) -> set[str]:
    """Keys of every name the destination goes by on its own page."""
    names = {name, entry.name, entry.url.rstrip("/").rpartition("/")[2]}
    title = doc.get("title")
    if isinstance(title, str):
        names.add(re.sub(r"\s+travel advice\s*$", "", title, flags=re.I))
    if code := destinations.lookup(entry.code):
        names.add(code.name)
    return {destinations.key(n) for n in names if n}


@dataclass(frozen=True)
class _Statement:
    """One "FCDO advises against … travel to …" statement and what it covers."""

    level: int
    said: str  # as written, up to the place: "FCDO advises against all travel to"
    target: str  # the place, its reason cut off: "Haiti"; "" when a list follows
    sentence: str  # the whole sentence as written
    heading: bool
    items: tuple[str, ...]  # the list a "… travel to:" statement leads into
    text: str  # the paragraph it stands in
    position: int  # its block's place on the page

    @property
    def summary(self) -> str:
        if not self.items:
            # A lead-in whose list did not follow as a list says nothing on its own.
            return "" if self.sentence.endswith(":") else self.sentence
        return f"{self.sentence} {'; '.join(_item_name(i) for i in self.items)}."


def _statements(found: list[Block]) -> list[_Statement]:
    """Every advice statement in the blocks, in their order, with the lists they lead into."""
    out = []
    for i, block in enumerate(found):
        if block.kind not in ("p", "h"):
            continue
        lines = block.text.split("\n")
        for n, line in enumerate(lines):
            for m in _STATEMENT.finditer(line):
                items: list[str] = []
                lead = m["end"].startswith(":")
                if lead and n == len(lines) - 1:
                    for after in found[i + 1 :]:
                        if after.kind != "li":
                            break
                        items.append(after.text)
                sentence = line[m.start() : m.end()].strip()
                out.append(
                    _Statement(
                        level=REGION_LEVELS[" ".join(m["kind"].lower().split())],
                        said=line[m.start() : m.start("target")].strip(),
                        # "… travel to the following areas:" names no place itself.
                        target="" if lead else _REASON.sub("", m["target"]).strip(" ,;"),
                        sentence=sentence,
                        heading=block.kind == "h",
                        items=tuple(items),
                        text=block.text,
                        position=i,
                    )
                )
    return out


def _is_whole(target: str, names: set[str], *, rest: bool) -> bool:
    """True when a statement is about the destination itself, not a part of it."""
    place = _WHOLE_OF.sub("", target)
    # "… to the rest of Lebanon" is the advice for the country when a whole_country flag is set;
    # under a parts-only flag it is one more part, with its own level (Ukraine, 2026-09).
    if rest:
        place = _REST_OF.sub("", place)
    return bool(place) and destinations.key(place) in names


def _label(level: int, statuses: list[str], whole: list[_Statement], name: str) -> str:
    """The FCDO's own statement for the whole country, else a wording built from alert_status."""
    if level >= 3:
        for s in whole:
            if s.level == level:
                return f"{s.said} {s.target}"
        kind = "all" if level == 4 else "all but essential"
        return f"FCDO advises against {kind} travel to {name}"
    if level == 2:
        every = "avoid_all_travel_to_parts" in statuses
        if every and "avoid_all_but_essential_travel_to_parts" in statuses:
            return (
                f"FCDO advises against all travel to parts of {name} "
                "and all but essential travel to other parts"
            )
        kind = "all" if every else "all but essential"
        return f"FCDO advises against {kind} travel to parts of {name}"
    return NO_ALERT_LABEL


def _item_name(text: str) -> str:
    first = text.partition("\n")[0]
    return re.sub(r"^and\s+", "", first.strip(" .;,:"), flags=re.I)


def _regions(found: list[_Statement]) -> tuple[Region, ...]:
    """The parts of the destination with their own advice, each once, in the page's order."""
    regions: dict[str, tuple[int, Region]] = {}
    # A heading that is itself a statement names a region only when no paragraph does.
    for s in sorted(found, key=lambda s: s.heading):
        named = [Region(_item_name(i), s.level, i) for i in s.items] or [
            Region(s.target.rstrip(" ."), s.level, s.text)
        ]
        for region in named:
            if region.name:
                regions.setdefault(normalise(region.name), (s.position, region))
    return tuple(r for _, r in sorted(regions.values(), key=lambda pr: pr[0]))
