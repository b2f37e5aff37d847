"""U.S. Department of State: one RSS feed carries every advisory, with its full text."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from advisor_cli import destinations
from advisor_cli.errors import FeedError
from advisor_cli.htmltext import blocks as html_blocks
from advisor_cli.htmltext import clean
from advisor_cli.model import LEVEL_LABELS, Advisory, BrokenItem, FeedResult, Item
from advisor_cli.sources.us_text import describe

NAME = "us"
TITLE = "U.S. Department of State"
SHORT = "U.S. State Dept"  # for tables
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
        try:
            result = parse_item(el)
        except Exception as exc:  # one odd item must not cost the others
            title = clean(_child_text(el, "title")).strip() or "(untitled item)"
            broken.append(BrokenItem(NAME, title, f"could not be read: {exc}"))
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
    name = name or destinations.by_code(code).name
    advisory = Advisory(
        source=NAME,
        destination=code,
        name=name,
        level=level,
        label=label or LEVEL_LABELS[level],
        issued=issued,
        url=link,
        rendering="new" if _NEW_LINK.search(link) or "/tsg_aem/" in link else "classic",
        **describe(parts, name, code),
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
