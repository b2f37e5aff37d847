"""The shapes of a State Department advisory's lines: guidance phrases, headings, region lines."""

from __future__ import annotations

import re

from advisor_cli.htmltext import Block, Run, is_bold, line_text
from advisor_cli.model import Region
from advisor_cli.sources.us_places import is_place_name

GUIDANCE_WORDS = (
    r"exercise normal precautions?|exercise increased caution|reconsider travel|do not travel"
)
GUIDANCE = re.compile(rf"^({GUIDANCE_WORDS})\b", re.I)
GUIDANCE_LEVEL = {
    "exercise normal precaution": 1,
    "exercise normal precautions": 1,
    "exercise increased caution": 2,
    "reconsider travel": 3,
    "do not travel": 4,
}
CHANGE_NOTE = re.compile(
    r"^(last update:|reissued|updated|the advisory level|advisory level|there (was|were|is|are) no"
    r"|this travel advisory (reflects|was)|the travel advisory|we (raised|lowered|updated))",
    re.I,
)
REGION_LEAD = re.compile(
    rf"^(?P<g>{GUIDANCE_WORDS})"
    r"( (to|in))?( these areas)?( for any reason)?\s*:?$",
    re.I,
)
# Region headings, in the three shapes seen in 2025-2026: "Cabo Delgado – Level 4: Do Not Travel"
# ("--" in Algeria's), "Level 4: Do Not Travel - Border with Armenia" and "Gaza - Do Not Travel".
REGION_HEADING = re.compile(
    r"^(?P<name>.+?)\s+[-–—]{1,2}\s+Level\s*:?\s*(?P<level>[1-4])\b.*$", re.I | re.S
)
LEVEL_FIRST = re.compile(
    rf"^Level\s*:?\s*(?P<level>[1-4])\s*[-–—:]*\s*(?:{GUIDANCE_WORDS})\s*[-–—:]+\s*(?P<name>\S.*)$",
    re.I | re.S,
)
NAME_GUIDANCE = re.compile(
    rf"^(?P<name>.+?)\s+[-–—]{{1,2}}\s+(?P<g>{GUIDANCE_WORDS})\s*(?:\(.*\))?\W*$", re.I | re.S
)
LEVEL_WORD = re.compile(r"\bLevel\s*:?\s*[1-4]\b", re.I)
# A level alone ("Level 4: Do Not Travel", "Level: 4 - Do not travel") heads the places after it;
# "Level 3: Reconsider Travel to the regions of …" names its places itself (Ukraine, 2024).
BARE_LEVEL = re.compile(
    rf"^Level\s*:?\s*(?P<level>[1-4])\s*[-–—:]*\s*(?P<g>{GUIDANCE_WORDS})\W*$", re.I
)
LEVEL_TO = re.compile(
    rf"^Level\s*:?\s*(?P<level>[1-4])\s*[-–—:]*\s*(?P<rest>(?:{GUIDANCE_WORDS})\s+(?:to|in)\s.+)$",
    re.I | re.S,
)
# A place on the line under "Level 4 - Do Not Travel" may run long ("Counties of Garissa, …").
MAX_PLACE = 250
# "State of Colima: Do not travel due to …" (Mexico, 2025): the place, then its guidance.
NAMED_REGION = re.compile(
    rf"^(?P<name>[^:]{{2,80}}?)\s*:\s*(?P<rest>(?P<g>{GUIDANCE_WORDS})"
    r"(?:\s*[.,;!].*|\s+(?:due to|for any reason)\b.*)?)$",
    re.I | re.S,
)
# What stands before "…: Do not travel" but names no place ("Advisory summary: …").
NOT_NAMED_PLACE = re.compile(r"summary|update|note\b|level\b", re.I)
# The place a guidance sentence names ends at "due to", "for any reason" or a sentence end
# (but not at the dot of "St. James Parish").
REGION_ITEM = re.compile(
    rf"^(?P<g>{GUIDANCE_WORDS})\s+(?:to|in)\s+(?P<name>.+?)"
    r"(?:\s+(?:due to|for any reason)\b.*|(?-i:(?<=[a-z]{2})\.\s+[A-Z]).*|[.;:]?)$",
    re.I | re.S,
)
ITEM_END = re.compile(r"\s+due to\b|(?<=[a-z]{2})\.\s|;\s")
# "the following areas", "these areas": a lead into a list, not a place.
GENERIC_PLACE = re.compile(r"^(?:the\s+)?(?:following|these|this|those|below)\b", re.I)
SECTION_LEAD = re.compile(r"^(if you (decide to )?travel|for u\.s\. citizens)", re.I)
LEAD_LABEL = re.compile(r"^(?P<label>[^:]{2,60}):\s*(?P<rest>.*)$", re.S)
# A heading is short and one sentence at most; longer bold or <h4> text is a paragraph (the
# Venezuela item had a 329-character <h4>, 2026).
MAX_TITLE = 120
SENTENCE_BREAK = re.compile(r"[a-z]{2}[.!?]\s+[A-Z]")


def is_lead(block: Block) -> bool:
    """True for "Do Not Travel To:" and the like, which introduce a list of regions."""
    return block.text.endswith(":") and bool(REGION_LEAD.match(block.text))


def is_change_note(block: Block) -> bool:
    text = block.text
    if GUIDANCE.match(text) or block.kind != "p":
        return False
    return bool(CHANGE_NOTE.match(text)) or (
        block.first_line_bold() and len(block.lines) == 1 and len(text.split()) > 4
    )


def is_title(text: str) -> bool:
    """True when text is short enough to be a heading: one sentence at most."""
    return len(text) <= MAX_TITLE and not SENTENCE_BREAK.search(text)


def split_heading(block: Block, has_headings: bool) -> tuple[str | None, Block | None]:
    """The heading a block starts with, if any, and the rest of the block as its own text."""
    text = block.text
    if block.kind == "h":
        if is_title(text) or region_heading(text):
            return clean_title(text), None
        return None, None
    if block.kind != "p":
        return None, None
    first = line_text(block.lines[0])
    rest = Block("p", block.lines[1:]) if len(block.lines) > 1 else None
    # Region headings run past 120 characters ("Cabo Delgado Province, … – Level 4: …", 2026).
    if is_bold(block.lines[0]) and (is_title(first) or region_heading(first)):
        # Under <h5> headings, a bold line ending in ":" introduces a list; it is not a heading.
        if has_headings and first.endswith(":") and rest is None and not SECTION_LEAD.match(first):
            return None, None
        return clean_title(first), rest
    if REGION_LEAD.match(text) or (
        SECTION_LEAD.match(text) and text.endswith(":") and is_title(text)
    ):
        return clean_title(text), None
    lead = block.lines[0][0] if block.lines[0] else None
    if lead is not None and lead.bold and lead.text.rstrip().endswith(":"):
        m = LEAD_LABEL.match(first)
        if m and len(m["label"].split()) <= 5 and m["rest"].strip():
            rest_lines = ((Run(m["rest"].strip(), False),), *block.lines[1:])
            return clean_title(m["label"]), Block("p", rest_lines)
    return None, None


def clean_title(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(":").strip()


def region_heading(text: str) -> tuple[str, int] | None:
    """The place and level of a region heading, in any of its shapes."""
    if m := LEVEL_FIRST.match(text):
        return clean_title(m["name"]).strip(" -–—"), int(m["level"])
    if m := REGION_HEADING.match(text):
        return m["name"].strip(" -–—"), int(m["level"])
    m = NAME_GUIDANCE.match(text)
    if m and not LEVEL_WORD.search(m["name"]):
        return m["name"].strip(" -–—"), GUIDANCE_LEVEL[m["g"].lower()]
    return None


def bare_level(text: str) -> int:
    """The level of a heading that is a level alone ("Level 4: Do Not Travel"), else 0."""
    m = BARE_LEVEL.match(text) if text[:5].lower() == "level" else None
    level = int(m["level"]) if m else 0
    return level if m and GUIDANCE_LEVEL[m["g"].lower()] == level else 0


def region_from_item(text: str, level: int) -> Region:
    name = ITEM_END.split(text, maxsplit=1)[0].strip(" .:;")
    return Region(name or text, level, text)


def bold_region_item(block: Block) -> Region | None:
    """ "<li><b>Do Not Travel</b> to <b>…</b> due to …</li>" (the 2026 rendering) → a region."""
    first = block.lines[0]
    if not first or not first[0].bold:
        return None
    m = REGION_ITEM.match(block.text)
    if not m:
        return None
    return Region(m["name"].strip(" .:;"), GUIDANCE_LEVEL[m["g"].lower()], block.text)


def level_region(text: str) -> tuple[str, int] | None:
    """ "Level 3: Reconsider Travel to the regions of …" → the place and its level."""
    m = LEVEL_TO.match(text) if text[:5].lower() == "level" else None
    item = REGION_ITEM.match(m["rest"]) if m else None
    if not m or not item or GUIDANCE_LEVEL[item["g"].lower()] != int(m["level"]):
        return None
    name = item["name"].strip(" .:;")
    return None if GENERIC_PLACE.match(name) else (name, int(m["level"]))


def heading_place(title: str, level: int, long: bool = False) -> str | None:
    """The place a heading under a bare level heading names; None when it may not be one."""
    if m := REGION_ITEM.match(title):  # "Do Not Travel to areas of northern border region"
        if GUIDANCE_LEVEL[m["g"].lower()] != level:
            return None
        title = m["name"].strip(" .:;")
        if GENERIC_PLACE.match(title):
            return None
    elif GUIDANCE.match(title):
        return None
    if len(title) > (MAX_PLACE if long else MAX_TITLE) or SENTENCE_BREAK.search(title):
        return None
    return title if is_place_name(title) else None
