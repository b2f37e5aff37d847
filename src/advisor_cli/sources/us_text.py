"""The text of a State Department advisory: its blocks → summary, change note, sections, regions."""

from __future__ import annotations

import re
from typing import Any

from advisor_cli import destinations
from advisor_cli.htmltext import Block, Run, is_bold, join_blocks, line_text
from advisor_cli.model import Region, Section
from advisor_cli.sources.us_places import merge, place_key

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
# Region headings, in the three shapes seen in 2025-2026: "Cabo Delgado – Level 4: Do Not Travel"
# ("--" in Algeria's), "Level 4: Do Not Travel - Border with Armenia" and "Gaza - Do Not Travel".
_REGION_HEADING = re.compile(
    r"^(?P<name>.+?)\s+[-–—]{1,2}\s+Level\s*:?\s*(?P<level>[1-4])\b.*$", re.I | re.S
)
_LEVEL_FIRST = re.compile(
    rf"^Level\s*:?\s*(?P<level>[1-4])\s*[-–—:]*\s*(?:{_GUIDANCE_WORDS})\s*[-–—:]+\s*(?P<name>\S.*)$",
    re.I | re.S,
)
_NAME_GUIDANCE = re.compile(
    rf"^(?P<name>.+?)\s+[-–—]{{1,2}}\s+(?P<g>{_GUIDANCE_WORDS})\s*(?:\(.*\))?\W*$", re.I | re.S
)
_LEVEL_WORD = re.compile(r"\bLevel\s*:?\s*[1-4]\b", re.I)
# "State of Colima: Do not travel due to …" (Mexico, 2025): the place, then its guidance.
_NAMED_REGION = re.compile(
    rf"^(?P<name>[^:]{{2,80}}?)\s*:\s*(?P<rest>(?P<g>{_GUIDANCE_WORDS})"
    r"(?:\s*[.,;!].*|\s+(?:due to|for any reason)\b.*)?)$",
    re.I | re.S,
)
_NOT_A_PLACE = re.compile(r"summary|update|note\b|level\b", re.I)
# The place a guidance sentence names ends at "due to", "for any reason" or a sentence end
# (but not at the dot of "St. James Parish").
_REGION_ITEM = re.compile(
    rf"^(?P<g>{_GUIDANCE_WORDS})\s+(?:to|in)\s+(?P<name>.+?)"
    r"(?:\s+(?:due to|for any reason)\b.*|(?-i:(?<=[a-z]{2})\.\s+[A-Z]).*|[.;:]?)$",
    re.I | re.S,
)
_ITEM_END = re.compile(r"\s+due to\b|(?<=[a-z]{2})\.\s|;\s")
# "the following areas", "these areas": a lead into a list, not a place.
_GENERIC_PLACE = re.compile(r"^(?:the\s+)?(?:following|these|this|those|below)\b", re.I)
_SECTION_LEAD = re.compile(r"^(if you (decide to )?travel|for u\.s\. citizens)", re.I)
_LEAD_LABEL = re.compile(r"^(?P<label>[^:]{2,60}):\s*(?P<rest>.*)$", re.S)
# A heading is short and one sentence at most; longer bold or <h4> text is a paragraph (the
# Venezuela item had a 329-character <h4>, 2026).
MAX_TITLE = 120
_SENTENCE_BREAK = re.compile(r"[a-z]{2}[.!?]\s+[A-Z]")


def describe(parts: list[Block], name: str = "", code: str = "") -> dict[str, Any]:
    """Split a description's blocks into summary, change note, regions and sections."""
    # `name` and `code` are the destination's own: a "region" named so is the whole country.
    return _Reader(parts, name, code).read()


class _Reader:
    """Reads blocks in order; a region or section stays open until the next heading."""

    def __init__(self, parts: list[Block], name: str, code: str) -> None:
        self.parts = parts
        self.name_key = place_key(name)
        self.code = code
        self.has_headings = any(b.kind == "h" for b in parts)
        self.summary = ""
        self.summary_items: list[Block] = []
        self.summary_open = False  # a summary ending in ":" takes the list that follows it
        self.sections: list[Section] = []
        self.title = ""
        self.body: list[Block] = []
        self.found: list[tuple[Region, bool]] = []  # each region, and whether it was a heading
        self.region: Region | None = None
        self.region_body: list[Block] = []
        self.lead_level = 0

    def read(self) -> dict[str, Any]:
        parts = self.parts
        change_note = ""
        i = 0
        if parts and _is_change_note(parts[0]):
            change_note = re.sub(r"^last update:\s*", "", parts[0].text, flags=re.I)
            i = 1
        # "Reconsider Travel To:" after the change note leads a list of regions (Israel, 2026).
        if i < len(parts) and _GUIDANCE.match(parts[i].text) and not _is_lead(parts[i]):
            i = self._summary_at(i)
        for block in parts[i:]:
            self.take(block)
        self.close_region()
        self.close_section()
        summary = self.summary
        if summary and self.summary_items:
            summary = f"{summary}\n\n{join_blocks(self.summary_items)}"
        if not summary:
            summary = next((s.text.split("\n\n")[0] for s in self.sections), "")
        return {
            "summary": summary,
            "change_note": change_note,
            "sections": tuple(self.sections),
            "regions": merge(self.found),
        }

    def _summary_at(self, i: int) -> int:
        """Take the summary that starts at block i; return the index of the first block after it."""
        block = self.parts[i]
        # New rendering: a bare guidance phrase, then "<p>to <b>Mali</b> …</p>".
        bare = len(block.text.split()) <= 4
        if bare and i + 1 < len(self.parts) and self.parts[i + 1].kind == "p":
            self.set_summary(f"{block.text} {self.parts[i + 1].text}")
            return i + 2
        # "Exercise normal precautions in Malaysia.<br>Exercise Increased Caution in:" (2024):
        # the region lead and the list after it are not part of the summary.
        lines = [line_text(line) for line in block.lines]
        leads = ((n, m) for n, t in enumerate(lines) if n and (m := _REGION_LEAD.match(t)))
        cut, lead = next(leads, (0, None))
        if lead is None:
            self.set_summary(block.text)
            return i + 1
        self.set_summary("\n".join(lines[:cut]))
        self.lead_level = _GUIDANCE_LEVEL[lead["g"].lower()]
        if cut + 1 < len(block.lines):
            self.body.append(Block("p", block.lines[cut + 1 :]))
        return i + 1

    def set_summary(self, text: str) -> None:
        self.summary = text
        self.summary_open = text.endswith(":")

    def take(self, block: Block) -> None:
        if self.summary_open:
            if block.kind == "li":
                self.summary_items.append(block)
                return
            self.summary_open = False
        if named := self._named_region(block):
            self.close_region()
            self.lead_level = 0
            self.open_region(*named)
            return
        heading, rest = _heading(block, self.has_headings)
        if heading is not None:
            self.take_heading(block, heading, rest)
            return
        if block.kind == "li" and self.lead_level:
            self.found.append((_region_from_item(block.text, self.lead_level), False))
            return
        self.lead_level = 0
        item = _bold_region_item(block) if block.kind == "li" else None
        if item is not None and not self.is_destination(item.name):
            self.found.append((item, False))
            return
        if self.region is not None:
            self.region_body.append(block)
            return
        if block.kind == "p" and self._took_guidance(block):
            return
        self.body.append(block)

    def take_heading(self, block: Block, heading: str, rest: Block | None) -> None:
        if not self.summary and _GUIDANCE.match(heading) and not _is_lead(block):
            self.set_summary(block.text)  # Mexico's summary sits in an <h2> (seen 2025-08)
            return
        self.close_region()
        if lead := _REGION_LEAD.match(heading):
            self.lead_level = _GUIDANCE_LEVEL[lead["g"].lower()]
            return
        self.lead_level = 0
        if region := _region_heading(heading):
            self.open_region(*region, [rest] if rest else [])
            return
        self.close_section()
        self.title = heading
        if rest:
            self.body.append(rest)

    def _took_guidance(self, block: Block) -> bool:
        """True when a paragraph that opens with a guidance phrase is a region."""
        if not _GUIDANCE.match(block.text) or block.text.endswith(":"):
            return False
        item = _bold_region_item(block)
        m = _REGION_ITEM.match(block.text) if item is None else None
        place = item.name if item else m["name"] if m else None
        if place is not None and not self.is_destination(place):
            if item is None or _GENERIC_PLACE.match(place):
                return False
            # "<p><b>Do Not Travel</b> to the Yemen border …</p>" (Saudi Arabia, 2026)
            self.found.append((item, False))
            return True
        # "Exercise normal precautions in Argentina …" after other news (2026-05): the summary,
        # and still the text of its section, as a first paragraph taken for a summary is.
        if not self.summary and place is not None:
            self.set_summary(block.text)
        return False

    def _named_region(self, block: Block) -> tuple[str, int, list[Block]] | None:
        """ "State of Colima: Do not travel due to …" → the place, its level, and the rest."""
        first = block.text.partition("\n")[0]
        if block.kind == "li" or ":" not in first:
            return None
        m = _NAMED_REGION.match(first)
        if not m or _NOT_A_PLACE.search(m["name"]) or self.is_destination(m["name"]):
            return None
        rest = Block("p", ((Run(m["rest"].strip(), False),), *block.lines[1:]))
        return m["name"].strip(), _GUIDANCE_LEVEL[m["g"].lower()], [rest]

    def is_destination(self, place: str) -> bool:
        """True when `place` is the item's own destination ("in Cambodia" in Cambodia's item)."""
        place = re.sub(r"\s*\([^)]*\)", "", place).strip()
        if not place:
            return False
        if self.name_key and place_key(place) == self.name_key:
            return True
        found = destinations.lookup(place)
        return found is not None and found.code == self.code

    def open_region(self, name: str, level: int, body: list[Block]) -> None:
        self.region = Region(name, level, "")
        self.region_body = body

    def close_section(self) -> None:
        text = join_blocks(self.body)
        if text:
            self.sections.append(Section(self.title or "Overview", text))
        self.body = []

    def close_region(self) -> None:
        if self.region is not None:
            text = join_blocks(self.region_body)
            self.found.append((Region(self.region.name, self.region.level, text), True))
        self.region, self.region_body = None, []


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


def _is_title(text: str) -> bool:
    """True when text is short enough to be a heading: one sentence at most."""
    return len(text) <= MAX_TITLE and not _SENTENCE_BREAK.search(text)


def _heading(block: Block, has_headings: bool) -> tuple[str | None, Block | None]:
    """The heading a block starts with, if any, and the rest of the block as its own text."""
    text = block.text
    if block.kind == "h":
        if _is_title(text) or _region_heading(text):
            return _title(text), None
        return None, None
    if block.kind != "p":
        return None, None
    first = line_text(block.lines[0])
    rest = Block("p", block.lines[1:]) if len(block.lines) > 1 else None
    # Region headings run past 120 characters ("Cabo Delgado Province, … – Level 4: …", 2026).
    if is_bold(block.lines[0]) and (_is_title(first) or _region_heading(first)):
        # Under <h5> headings, a bold line ending in ":" introduces a list; it is not a heading.
        if has_headings and first.endswith(":") and rest is None:
            return None, None
        return _title(first), rest
    if _REGION_LEAD.match(text) or (
        _SECTION_LEAD.match(text) and text.endswith(":") and _is_title(text)
    ):
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


def _region_heading(text: str) -> tuple[str, int] | None:
    """The place and level of a region heading, in any of its shapes."""
    if m := _LEVEL_FIRST.match(text):
        return _title(m["name"]).strip(" -–—"), int(m["level"])
    if m := _REGION_HEADING.match(text):
        return m["name"].strip(" -–—"), int(m["level"])
    m = _NAME_GUIDANCE.match(text)
    if m and not _LEVEL_WORD.search(m["name"]):
        return m["name"].strip(" -–—"), _GUIDANCE_LEVEL[m["g"].lower()]
    return None


def _region_from_item(text: str, level: int) -> Region:
    name = _ITEM_END.split(text, maxsplit=1)[0].strip(" .:;")
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
