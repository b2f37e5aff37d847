"""U.S. Department of State: one RSS feed carries every advisory, with its full text."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from advisor_cli import destinations
from advisor_cli.errors import FeedError
from advisor_cli.htmltext import Block, Run, clean, is_bold, join_blocks, line_text
from advisor_cli.htmltext import blocks as html_blocks
from advisor_cli.model import LEVEL_LABELS, Advisory, BrokenItem, FeedResult, Item, Region, Section

NAME = "us"
TITLE = "U.S. Department of State"
BASE_URL = "https://travel.state.gov"
BASE_ENV = "ADVISOR_US_URL"
FEED_PATH = "/_res/rss/TAsTWs.xml"
LICENCE = "Public domain (U.S. Government work, 17 U.S.C. § 105)"
ATTRIBUTION = "Travel advisories: U.S. Department of State, travel.state.gov"
# Items that stand for more than one destination: when a destination has no item of its own,
# the item of the destination that covers it is shown.
COVERS = {"CN": ("HK", "MO"), "IL": ("PS",)}

_TITLE = re.compile(
    r"^(?P<name>.*?)\s*[-–—]?\s*Level\s*(?P<level>[1-4])\s*:?\s*(?P<label>.*)$", re.I
)
_THREAT = re.compile(r"Level\s*(?P<level>[1-4])\s*:?\s*(?P<label>.*)$", re.I)
# The Israel item is titled "See Individual Summaries - Level 4: …" (seen 2026): no name.
_NAME_NOISE = re.compile(
    r"\s*(?:(?:-\s*|^)See (?:Individual )?Summaries|Travel Advisory)\s*$", re.I
)
_NEW_LINK = re.compile(r"destination\.([a-z]{2,3})\.html", re.I)
_OLD_LINK = re.compile(r"/([a-z0-9-]+?)-travel-advisory\d*\.html", re.I)
_GUIDANCE_WORDS = (
    r"exercise normal precautions?|exercise increased caution|reconsider travel|do not travel"
)
_GUIDANCE = re.compile(rf"^({_GUIDANCE_WORDS})\b", re.I)
_GUIDANCE_LEVEL = {
    "exercise normal precaution": 1,
    "exercise normal precautions": 1,
    "exercise increased caution": 2,
    "reconsider travel": 3,
    "do not travel": 4,
}
_CHANGE_NOTE = re.compile(
    r"^(last update:|reissued|updated|the advisory level|advisory level|there (was|were|is|are) no"
    r"|this travel advisory (reflects|was)|the travel advisory|we (raised|lowered|updated))",
    re.I,
)
_REGION_LEAD = re.compile(
    rf"^(?P<g>{_GUIDANCE_WORDS})"
    r"( (to|in))?( these areas)?( for any reason)?\s*:?$",
    re.I,
)
_REGION_HEADING = re.compile(r"^(?P<name>.+?)\s+[-–—]\s+Level\s*(?P<level>[1-4])\b.*$", re.I)
_REGION_ITEM = re.compile(
    rf"^(?P<g>{_GUIDANCE_WORDS})"
    r"\s+(?:to|in)\s+(?P<name>.+?)(?:\s+due to\b.*|[.;:]?)$",
    re.I | re.S,
)
_SECTION_LEAD = re.compile(r"^(if you (decide to )?travel|for u\.s\. citizens)", re.I)
_LEAD_LABEL = re.compile(r"^(?P<label>[^:]{2,60}):\s*(?P<rest>.*)$", re.S)


def feed_url(base: str) -> str:
    return base.rstrip("/") + FEED_PATH


def parse_feed(body: bytes) -> FeedResult:
    """Parse the whole feed; items that cannot be used come back in `broken`, not as errors."""
    root = _parse_xml(body)
    items = root.findall("./channel/item") or root.findall(".//item")
    if not items:
        raise FeedError("The feed holds no advisories (no <item> elements).")
    good: list[Item] = []
    broken: list[BrokenItem] = []
    for el in items:
        title = clean(_child_text(el, "title")).strip()
        try:
            result = parse_item(el)
        except Exception as exc:  # one odd item must not cost the others
            broken.append(BrokenItem(NAME, title or "(untitled item)", f"could not be read: {exc}"))
            continue
        if isinstance(result, BrokenItem):
            broken.append(result)
        else:
            good.append(result)
    return FeedResult(tuple(good), tuple(broken))


def _parse_xml(body: bytes) -> Any:
    from lxml import etree

    if not body or not body.strip():
        raise FeedError("The source sent an empty response.")
    head = body[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise FeedError("The source sent an HTML page, not the RSS feed.")

    def parser(recover: bool) -> Any:
        return etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            recover=recover,
        )

    try:
        root = etree.fromstring(body, parser(False))
    except etree.XMLSyntaxError as exc:
        # Trimmed copies of the feed use the dc: prefix without declaring it (seen 2026-09).
        if "Namespace prefix" not in str(exc):
            raise FeedError(f"The feed is not valid XML ({_first_line(exc)}).") from None
        root = etree.fromstring(body, parser(True))
    if root is None:
        raise FeedError("The feed is not valid XML.")
    if root.getroottree().docinfo.internalDTD is not None:
        raise FeedError("The feed declares a DTD; refusing it (entity expansion is not allowed).")
    if root.tag != "rss":
        raise FeedError(f"Expected an RSS feed, got a <{root.tag}> document.")
    return root


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _child_text(el: Any, tag: str) -> str:
    child = el.find(tag)
    return "".join(child.itertext()) if child is not None else ""


def parse_item(el: Any) -> Item | BrokenItem:
    """One <item> → an Item, or a BrokenItem saying why it cannot be used."""
    from lxml import etree

    raw = etree.tostring(el, encoding="utf-8")
    title = clean(_child_text(el, "title")).strip()
    link = clean(_child_text(el, "link")).strip()
    name, level, label = _split_title(title)
    if level is None:
        for cat in el.findall("category"):
            if cat.get("domain") == "Threat-Level":
                m = _THREAT.search(clean("".join(cat.itertext())))
                if m:
                    level, label = int(m["level"]), m["label"].strip()
    code = destination_code(name, link)
    shown = name or title or "(untitled item)"
    if level is None:
        return BrokenItem(NAME, shown, "no advisory level in its title or category", code or "")
    if code is None:
        return BrokenItem(NAME, shown, "destination not recognised")
    description = _child_text(el, "description")
    parts = html_blocks(description)
    if not parts:
        return BrokenItem(NAME, shown, "empty description", code)
    pub_date = clean(_child_text(el, "pubDate")).strip()
    issued = parse_date(pub_date)
    if pub_date and issued is None:
        # "Wed, 15 Dec 20202" (Cabo Verde, one day of Dec 2025): an issued date cannot be guessed.
        return BrokenItem(NAME, shown, f"unreadable issued date {pub_date!r}", code)
    advisory = Advisory(
        source=NAME,
        destination=code,
        name=name or destinations.by_code(code).name,
        level=level,
        label=label or LEVEL_LABELS[level],
        issued=issued,
        url=link,
        rendering="new" if _NEW_LINK.search(link) or "/tsg_aem/" in link else "classic",
        **describe(parts),
    )
    return Item(advisory, raw)


def _split_title(title: str) -> tuple[str, int | None, str]:
    m = _TITLE.match(title)
    if not m:
        return _NAME_NOISE.sub("", title).strip(" -"), None, ""
    name = _NAME_NOISE.sub("", m["name"]).strip(" -")
    return name, int(m["level"]), m["label"].strip()


def destination_code(name: str, link: str) -> str | None:
    """The destination an item is about: from its link where that is unambiguous, else its name."""
    m = _NEW_LINK.search(link)
    if m and (d := destinations.lookup(m[1])):
        return d.code
    m = _OLD_LINK.search(link)
    if m:
        slug = m[1]
        # The Israel item is titled "See Individual Summaries"; its link names it.
        if slug.startswith("israel"):
            return "IL"
        if d := destinations.lookup(slug):
            return d.code
    if name and (d := destinations.lookup(name)):
        return d.code
    return None


def parse_date(text: str) -> date | None:
    """pubDate is a date without a time ("Mon, 08 Jun 2026"); accept a full RFC 822 date too."""
    text = clean(text).strip()
    if not text:
        return None
    for fmt in ("%a, %d %b %Y", "%d %b %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def describe(parts: list[Block]) -> dict[str, Any]:
    """Split a description's blocks into summary, change note, regions and sections."""
    has_headings = any(b.kind == "h" for b in parts)
    change_note = ""
    summary = ""
    i = 0
    if parts and _is_change_note(parts[0]):
        change_note = re.sub(r"^last update:\s*", "", parts[0].text, flags=re.I)
        i = 1
    # "Reconsider Travel To:" right after the change note leads a list of regions (Israel, 2026).
    guidance = i < len(parts) and _GUIDANCE.match(parts[i].text) and not _is_lead(parts[i])
    # New rendering: a bare guidance phrase, then "<p>to <b>Mali</b> …</p>".
    if guidance and len(parts[i].text.split()) <= 4:
        if i + 1 < len(parts) and parts[i + 1].kind == "p":
            summary = f"{parts[i].text} {parts[i + 1].text}"
            i += 2
        else:
            summary = parts[i].text
            i += 1
    elif guidance:
        summary = parts[i].text
        i += 1
    sections: list[Section] = []
    regions: list[Region] = []
    title = ""
    body: list[Block] = []
    region: Region | None = None
    region_body: list[Block] = []
    lead_level = 0

    def close_section() -> None:
        nonlocal body
        text = join_blocks(body)
        if text:
            sections.append(Section(title or "Overview", text))
        body = []

    def close_region() -> None:
        nonlocal region, region_body
        if region is not None:
            text = join_blocks(region_body) or region.text
            regions.append(Region(region.name, region.level, text))
        region, region_body = None, []

    for block in parts[i:]:
        heading, rest = _heading(block, has_headings)
        if heading is not None and not summary and _GUIDANCE.match(heading) and not _is_lead(block):
            summary = block.text  # Mexico's summary sits in an <h2> (seen 2025-08)
            continue
        if heading is not None:
            lead = _REGION_LEAD.match(heading)
            region_heading = _REGION_HEADING.match(heading)
            close_region()
            if lead:
                lead_level = _GUIDANCE_LEVEL[lead["g"].lower()]
                continue
            lead_level = 0
            if region_heading:
                region = Region(region_heading["name"].strip(), int(region_heading["level"]), "")
                if rest:
                    region_body.append(rest)
                continue
            close_section()
            title = heading
            if rest:
                body.append(rest)
            continue
        if block.kind == "li" and lead_level:
            regions.append(_region_from_item(block.text, lead_level))
            continue
        lead_level = 0
        if block.kind == "li" and (item := _bold_region_item(block)):
            regions.append(item)
            continue
        if region is not None:
            region_body.append(block)
        else:
            body.append(block)
    close_region()
    close_section()
    if not summary:
        summary = next((s.text.split("\n\n")[0] for s in sections), "")
    return {
        "summary": summary,
        "change_note": change_note,
        "sections": tuple(sections),
        "regions": tuple(regions),
    }


def _is_lead(block: Block) -> bool:
    """True for "Do Not Travel To:" and the like, which introduce a list of regions."""
    return block.text.endswith(":") and bool(_REGION_LEAD.match(block.text))


def _is_change_note(block: Block) -> bool:
    text = block.text
    if _GUIDANCE.match(text) or block.kind != "p":
        return False
    return bool(_CHANGE_NOTE.match(text)) or (
        block.first_line_bold() and len(block.lines) == 1 and len(text.split()) > 4
    )


def _heading(block: Block, has_headings: bool) -> tuple[str | None, Block | None]:
    """The heading a block starts with, if any, and the rest of the block as its own text."""
    text = block.text
    if block.kind == "h":
        return _title(text), None
    if block.kind != "p":
        return None, None
    first = line_text(block.lines[0])
    rest = Block("p", block.lines[1:]) if len(block.lines) > 1 else None
    # Region headings run past 120 characters ("Cabo Delgado Province, … – Level 4: …", 2026).
    if is_bold(block.lines[0]) and (len(first) <= 120 or _REGION_HEADING.match(first)):
        # Under <h5> headings, a bold line ending in ":" introduces a list; it is not a heading.
        if has_headings and first.endswith(":") and rest is None:
            return None, None
        return _title(first), rest
    if _REGION_LEAD.match(text) or (_SECTION_LEAD.match(text) and text.endswith(":")):
        return _title(text), None
    lead = block.lines[0][0] if block.lines[0] else None
    if lead is not None and lead.bold and lead.text.rstrip().endswith(":"):
        m = _LEAD_LABEL.match(first)
        if m and len(m["label"].split()) <= 5 and m["rest"].strip():
            rest_lines = ((Run(m["rest"].strip(), False),), *block.lines[1:])
            return _title(m["label"]), Block("p", rest_lines)
    return None, None


def _title(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(":").strip()


def _region_from_item(text: str, level: int) -> Region:
    name = re.split(r"\s+due to\b|[.;]\s", text, maxsplit=1)[0].strip(" .:;")
    return Region(name or text, level, text)


def _bold_region_item(block: Block) -> Region | None:
    """ "<li><b>Do Not Travel</b> to <b>…</b> due to …</li>" (the 2026 rendering) → a region."""
    first = block.lines[0]
    if not first or not first[0].bold:
        return None
    m = _REGION_ITEM.match(block.text)
    if not m:
        return None
    return Region(m["name"].strip(" .:;"), _GUIDANCE_LEVEL[m["g"].lower()], block.text)
