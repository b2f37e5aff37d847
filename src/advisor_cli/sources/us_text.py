"""The text of a State Department advisory: its blocks → summary, change note, sections, regions."""

from __future__ import annotations

import re
from typing import Any

from advisor_cli import destinations
from advisor_cli.htmltext import Block, Run, is_bold, join_blocks, line_text
from advisor_cli.model import Region, Section
from advisor_cli.sources.us_places import merge, place_key, same_place
from advisor_cli.sources.us_shapes import (
    GENERIC_PLACE,
    GUIDANCE,
    GUIDANCE_LEVEL,
    NAMED_REGION,
    NOT_NAMED_PLACE,
    REGION_ITEM,
    REGION_LEAD,
    bare_level,
    bold_region_item,
    clean_title,
    heading_place,
    is_change_note,
    is_lead,
    level_region,
    region_from_item,
    region_heading,
    split_heading,
)


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
        self.under_level = 0  # the level of a bare level heading: the headings after it are places
        self.awaiting = False  # right after that heading: a place heading must come first

    def read(self) -> dict[str, Any]:
        parts = self.parts
        change_note = ""
        i = 0
        if parts and is_change_note(parts[0]):
            change_note = re.sub(r"^last update:\s*", "", parts[0].text, flags=re.I)
            i = 1
        # "Reconsider Travel To:" after the change note leads a list of regions (Israel, 2026).
        if i < len(parts) and GUIDANCE.match(parts[i].text) and not is_lead(parts[i]):
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
        leads = ((n, m) for n, t in enumerate(lines) if n and (m := REGION_LEAD.match(t)))
        cut, lead = next(leads, (0, None))
        if lead is None:
            self.set_summary(block.text)
            return i + 1
        self.set_summary("\n".join(lines[:cut]))
        self.lead_level = GUIDANCE_LEVEL[lead["g"].lower()]
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
            self.lead_level = self.under_level = 0
            self.open_region(*named)
            return
        heading, rest = split_heading(block, self.has_headings)
        if heading is not None:
            self.take_heading(block, heading, rest)
            return
        if self.awaiting:  # text under "Level 4: Do Not Travel": that heading heads no places
            self.under_level, self.awaiting = 0, False
        if block.kind == "p" and (region := self._level_paragraph(block)):
            self.close_region()
            self.lead_level = self.under_level = 0
            self.found.append((region, True))
            return
        if block.kind == "li" and self.lead_level:
            self.found.append((region_from_item(block.text, self.lead_level), False))
            return
        self.lead_level = 0
        item = bold_region_item(block) if block.kind == "li" else None
        # "<li><b>Do not travel</b> to the <b>Tigray Region</b> …</li>" under "Tigray Region":
        # the open region's own text (Ethiopia, 2026).
        if item is not None and self.region is not None and same_place(item, self.region):
            item = None
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
        if not self.summary and GUIDANCE.match(heading) and not is_lead(block):
            self.set_summary(block.text)  # Mexico's summary sits in an <h2> (seen 2025-08)
            return
        if rest is not None and bare_level(line_text(rest.lines[0])) and rest.first_line_bold():
            # "<b>Risks in specific areas<br>Level 4 - Do not travel</b>" (Azerbaijan, 2026)
            self.take_heading(block, heading, None)
            self.take(rest)
            return
        self.close_region()
        self.awaiting = False
        if lead := REGION_LEAD.match(heading):
            self.lead_level = GUIDANCE_LEVEL[lead["g"].lower()]
            self.under_level = 0
            return
        self.lead_level = 0
        if region := region_heading(heading) or self.level_region(heading):
            self.under_level = 0
            self.open_region(*region, [rest] if rest else [])
            return
        if level := bare_level(heading):
            self.close_section()
            self.title, self.under_level, self.awaiting = heading, level, True
            if rest is not None:
                self.take_level_rest(rest)
            return
        if self.under_level and (place := self.place(heading)):
            self.open_place(place, [rest] if rest else [])
            return
        self.under_level = 0
        self.close_section()
        self.title = heading
        if rest:
            self.body.append(rest)

    def take_level_rest(self, rest: Block) -> None:
        """The lines after "Level 4 - Do Not Travel" in its block: a place and its text, or text."""
        # "<b>Level 4 - Do Not Travel<br>Nairobi neighborhoods of Eastleigh and Kibera</b>"
        first = rest.lines[0]
        place = self.place(clean_title(line_text(first)), long=True) if is_bold(first) else None
        if place is None:
            self.take(rest)
            return
        self.open_place(place, [Block("p", rest.lines[1:])] if len(rest.lines) > 1 else [])

    def open_place(self, name: str, body: list[Block]) -> None:
        """A place under a bare level heading: a region at that level; the heading holds no text."""
        self.close_section()
        self.title = ""
        self.awaiting = False
        self.open_region(name, self.under_level, body)

    def place(self, title: str, long: bool = False) -> str | None:
        """The place a heading under a bare level heading names; None when it may not be one."""
        place = heading_place(title, self.under_level, long)
        return None if place is None or self.is_country(place) else place

    def level_region(self, text: str) -> tuple[str, int] | None:
        found = level_region(text)
        return None if found is None or self.is_country(found[0]) else found

    def is_country(self, place: str) -> bool:
        """The destination itself or another one ("Libya" in Tunisia's item): not a region."""
        return self.is_destination(place) or destinations.lookup(place) is not None

    def _level_paragraph(self, block: Block) -> Region | None:
        """A bold "Level 3: Reconsider Travel to …" line too long for a heading, and its text."""
        if block.text[:5].lower() != "level" or not block.first_line_bold():
            return None
        found = self.level_region(line_text(block.lines[0]))
        if found is None:
            return None
        return Region(
            *found, join_blocks([Block("p", block.lines[1:])]) if len(block.lines) > 1 else ""
        )

    def _took_guidance(self, block: Block) -> bool:
        """True when a paragraph that opens with a guidance phrase is a region."""
        if not GUIDANCE.match(block.text) or block.text.endswith(":"):
            return False
        item = bold_region_item(block)
        m = REGION_ITEM.match(block.text) if item is None else None
        place = item.name if item else m["name"] if m else None
        if place is not None and not self.is_destination(place):
            if item is None or GENERIC_PLACE.match(place):
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
        m = NAMED_REGION.match(first)
        if not m or NOT_NAMED_PLACE.search(m["name"]) or self.is_destination(m["name"]):
            return None
        rest = Block("p", ((Run(m["rest"].strip(), False),), *block.lines[1:]))
        return m["name"].strip(), GUIDANCE_LEVEL[m["g"].lower()], [rest]

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
