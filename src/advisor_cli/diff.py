"""Pure: two versions of an advisory → what changed, section by section."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

from advisor_cli.model import Advisory, Region, Section, normalise

SUMMARY_TITLE = "Summary"


@dataclass(frozen=True)
class TextChange:
    title: str
    old: str
    new: str

    def unified(self, context: int = 2) -> str:
        """A unified diff of the lines, without file headers."""
        lines = list(
            difflib.unified_diff(
                self.old.splitlines(), self.new.splitlines(), n=context, lineterm=""
            )
        )
        # Only the first two lines are file headers: a removed line of text may start with "--".
        return "\n".join(lines[2:])

    def words(self) -> list[tuple[str, str]]:
        """(op, text) runs of a word-level diff: op is "=", "-" or "+"."""
        return word_diff(self.old, self.new)


@dataclass(frozen=True)
class RegionChange:
    """A region kept under the same name whose level or text (or both) changed."""

    name: str
    old: int
    new: int
    text: TextChange | None = None  # set when the region's own text changed

    @property
    def level_moved(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class Change:
    destination: str
    name: str
    old: Advisory
    new: Advisory
    regions_added: tuple[Region, ...] = ()
    regions_removed: tuple[Region, ...] = ()
    regions_changed: tuple[RegionChange, ...] = ()
    sections_added: tuple[Section, ...] = ()
    sections_removed: tuple[Section, ...] = ()
    sections_changed: tuple[TextChange, ...] = ()
    sections_unchanged: int = 0

    @property
    def level_moved(self) -> bool:
        return self.old.level != self.new.level

    @property
    def direction(self) -> str:
        if self.new.level > self.old.level:
            return "RAISED"
        if self.new.level < self.old.level:
            return "LOWERED"
        return "unchanged"

    @property
    def issued_moved(self) -> bool:
        return self.old.issued != self.new.issued

    @property
    def change_note(self) -> str:
        """The source's own note on this change, when it gave a new one."""
        if normalise(self.new.change_note) != normalise(self.old.change_note):
            return self.new.change_note
        return self.new.change_note if self.issued_moved else ""

    @property
    def changed(self) -> bool:
        return bool(
            self.level_moved
            or self.issued_moved
            or self.regions_added
            or self.regions_removed
            or self.regions_changed
            or self.sections_added
            or self.sections_removed
            or self.sections_changed
        )

    def headline(self) -> str:
        """One line: "Level 3 → 4; Terrorism, Kidnapping changed; Health added"."""
        parts: list[str] = []
        if self.level_moved:
            parts.append(f"Level {self.old.level} → {self.new.level}")
        if self.regions_added or self.regions_removed or self.regions_changed:
            n = len(self.regions_added) + len(self.regions_removed) + len(self.regions_changed)
            parts.append(f"{n} region{'s' if n != 1 else ''} changed")
        for label, items in (
            ("changed", [c.title for c in self.sections_changed]),
            ("added", [s.title for s in self.sections_added]),
            ("removed", [s.title for s in self.sections_removed]),
        ):
            if items:
                parts.append(f"{_names(items)} {label}")
        if not parts and self.issued_moved:
            parts.append(f"reissued {_date(self.new.issued)}")
        return "; ".join(parts) or "no change"


def _names(titles: list[str], limit: int = 3) -> str:
    if len(titles) <= limit:
        return ", ".join(titles)
    return f"{', '.join(titles[:limit])} and {len(titles) - limit} more"


def _date(d: date | None) -> str:
    return d.isoformat() if d else "undated"


def _key(title: str) -> str:
    return re.sub(r"[^\w ]", "", normalise(title)).strip()


def compare(old: Advisory, new: Advisory) -> Change:
    """What changed from `old` to `new`; the summary counts as a section named "Summary"."""
    old_sections = [Section(SUMMARY_TITLE, old.summary), *old.sections]
    new_sections = [Section(SUMMARY_TITLE, new.summary), *new.sections]
    added, removed, changed, unchanged = _match_sections(old_sections, new_sections)
    r_added, r_removed, r_changed = _match_regions(old.regions, new.regions)
    return Change(
        destination=new.destination,
        name=new.name,
        old=old,
        new=new,
        regions_added=tuple(r_added),
        regions_removed=tuple(r_removed),
        regions_changed=tuple(r_changed),
        sections_added=tuple(s for s in added if s.text),
        sections_removed=tuple(s for s in removed if s.text),
        sections_changed=tuple(changed),
        sections_unchanged=unchanged,
    )


def _match_sections(
    old: list[Section], new: list[Section]
) -> tuple[list[Section], list[Section], list[TextChange], int]:
    """Pair sections by normalised title (the n-th "Terrorism" with the n-th), then compare."""
    pool: dict[str, list[Section]] = {}
    for s in old:
        pool.setdefault(_key(s.title), []).append(s)
    added: list[Section] = []
    changed: list[TextChange] = []
    unchanged = 0
    for s in new:
        matches = pool.get(_key(s.title))
        if not matches:
            added.append(s)
            continue
        before = matches.pop(0)
        if normalise(before.text) == normalise(s.text):
            unchanged += 1
        else:
            changed.append(TextChange(s.title, before.text, s.text))
    removed = [s for rest in pool.values() for s in rest]
    return added, removed, changed, unchanged


def _match_regions(
    old: tuple[Region, ...], new: tuple[Region, ...]
) -> tuple[list[Region], list[Region], list[RegionChange]]:
    before = {_key(r.name): r for r in old}
    after = {_key(r.name): r for r in new}
    added = [r for k, r in after.items() if k not in before]
    removed = [r for k, r in before.items() if k not in after]
    changed = []
    for k, r in after.items():
        if k not in before:
            continue
        was = before[k]
        text = None
        if normalise(was.text) != normalise(r.text):
            text = TextChange(r.name, was.text, r.text)
        if was.level != r.level or text is not None:
            changed.append(RegionChange(r.name, was.level, r.level, text))
    return added, removed, changed


_TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Runs of equal, deleted and inserted words, whitespace kept, adjacent runs merged."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    runs: list[tuple[str, str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if runs and runs[-1][0] == op:
            runs[-1] = (op, runs[-1][1] + text)
        else:
            runs.append((op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("=", "".join(a[i1:i2]))
        else:
            add("-", "".join(a[i1:i2]))
            add("+", "".join(b[j1:j2]))
    return runs
