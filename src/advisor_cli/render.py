"""Output: rich on a terminal, plain text when piped or NO_COLOR, JSON on request.

The only module that imports rich, and only when stdout is a terminal. Text from a source is
untrusted: it is stripped of control characters and always passed to rich as Text, never markup.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from advisor_cli.model import Advisory, Section

LEVEL_COLOURS = {1: "blue", 2: "yellow", 3: "dark_orange", 4: "red"}
LEVEL_TEXT = {1: "white", 2: "black", 3: "black", 4: "white"}
_UNSAFE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def safe(text: str) -> str:
    """Text fit for a terminal: escape sequences and control characters removed."""
    return _UNSAFE.sub("", text)


def use_rich() -> bool:
    """Rich output only on a terminal; NO_COLOR and pipes get plain text."""
    return (
        sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    )


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, emoji=False, markup=False)


def echo(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def warn(message: str) -> None:
    sys.stderr.write(f"Warning: {safe(message)}\n")


def note(message: str) -> None:
    sys.stderr.write(f"{safe(message)}\n")


def print_json(data: Any) -> None:
    echo(json.dumps(data, ensure_ascii=False, indent=2))


def age(since: datetime, now: datetime | None = None) -> str:
    """'3 hours', '2 days': how long ago something happened, in words."""
    seconds = int(((now or datetime.now(timezone.utc)) - since).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "moments"


@dataclass(frozen=True)
class Shown:
    """An advisory with what the page around it needs."""

    advisory: Advisory
    display_name: str
    source_title: str
    fetched_at: datetime


def advisory_json(shown: Shown) -> dict[str, Any]:
    full = shown.advisory.to_dict()
    data = {"source": full["source"], "destination": full["name"], "code": full["destination"]}
    for key in ("level", "label", "issued", "url", "summary", "change_note", "sections", "regions"):
        data[key] = full[key]
    data["fetched_at"] = shown.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return data


def pick_sections(adv: Advisory, prefix: str) -> list[Section]:
    wanted = prefix.casefold().strip()
    return [s for s in adv.sections if s.title.casefold().startswith(wanted)]


def show(items: Sequence[Shown], section: str | None = None) -> None:
    if use_rich():
        console = _console()
        for n, shown in enumerate(items):
            if n:
                console.print()
            console.print(_rich_advisory(shown, section))
        return
    echo("\n\n".join(_plain_advisory(s, section) for s in items))


def _plain_advisory(shown: Shown, section: str | None) -> str:
    adv = shown.advisory
    if section is not None:
        head = f"{safe(adv.name)} — Level {adv.level}: {safe(adv.label)}"
        parts = [head]
        for s in pick_sections(adv, section):
            parts.append(f"{safe(s.title)}\n{'-' * len(s.title)}\n{safe(s.text)}")
        return "\n\n".join(parts)
    lines = [
        f"{safe(adv.name)} — Level {adv.level}: {safe(adv.label)}",
        f"Issued:  {_date(adv.issued)}",
        f"Source:  {shown.source_title}",
        f"Link:    {safe(adv.url)}",
    ]
    parts = ["\n".join(lines)]
    if adv.summary:
        parts.append(safe(adv.summary))
    if adv.change_note:
        parts.append(f"Change note: {safe(adv.change_note)}")
    if adv.regions:
        regions = "\n".join(f"- Level {r.level}: {safe(r.name)}" for r in adv.regions)
        parts.append(f"Regions with their own level\n{regions}")
    for s in adv.sections:
        parts.append(f"{safe(s.title)}\n{'-' * len(s.title)}\n{safe(s.text)}")
    return "\n\n".join(parts)


def badge(level: int) -> Any:
    from rich.text import Text

    colour = LEVEL_COLOURS.get(level, "grey50")
    return Text(f" LEVEL {level} ", style=f"bold {LEVEL_TEXT.get(level, 'white')} on {colour}")


def _rich_advisory(shown: Shown, section: str | None) -> Any:
    from rich.console import Group
    from rich.padding import Padding
    from rich.rule import Rule
    from rich.text import Text

    adv = shown.advisory
    head = Text.assemble(badge(adv.level), " ", (safe(adv.label), "bold"))
    title = Text(safe(adv.name), style="bold underline")
    parts: list[Any] = [title, head]
    if section is None:
        meta = Text.assemble(
            ("Issued ", "dim"), _date(adv.issued), ("  ·  ", "dim"), shown.source_title
        )
        parts += [meta, Text(safe(adv.url), style="dim link " + safe(adv.url))]
        if adv.summary:
            parts += [Text(), Text(safe(adv.summary), style="bold")]
        if adv.change_note:
            parts += [
                Text(),
                Text.assemble(("Change note: ", "dim"), (safe(adv.change_note), "italic")),
            ]
        if adv.regions:
            parts += [Text(), Text("Regions with their own level", style="bold")]
            for r in adv.regions:
                parts.append(Text.assemble("  ", badge(r.level), " ", safe(r.name)))
        sections = list(adv.sections)
    else:
        sections = pick_sections(adv, section)
    for s in sections:
        parts += [Text(), Rule(Text(safe(s.title), style="bold"), align="left", style="dim")]
        parts.append(Padding(Text(safe(s.text)), (0, 0, 0, 1)))
    return Group(*parts)


def _date(d: date | None) -> str:
    return d.isoformat() if d else "unknown"


@dataclass(frozen=True)
class Row:
    level: int
    label: str
    name: str
    issued: date | None


def listing(rows: Sequence[Row]) -> None:
    if use_rich():
        from rich.table import Table
        from rich.text import Text

        table = Table(box=None, header_style="bold", pad_edge=False)
        for col in ("Level", "Destination", "Advice", "Issued"):
            table.add_column(col)
        for r in rows:
            table.add_row(badge(r.level), Text(safe(r.name)), Text(safe(r.label)), _date(r.issued))
        _console().print(table)
        return
    width = max((len(r.name) for r in rows), default=11)
    out = [f"{'Level':<6} {'Destination':<{width}}  {'Issued':<10}  Advice"]
    for r in rows:
        out.append(f"{r.level:<6} {safe(r.name):<{width}}  {_date(r.issued):<10}  {safe(r.label)}")
    echo("\n".join(out))


# -- diff and history -------------------------------------------------------------------------


def local_time(when: datetime) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def report_json(report: Any) -> dict[str, Any]:
    """A monitor.Report as the stable JSON of `diff --json`."""
    change = report.change
    new = report.new.advisory
    old = report.old.advisory if report.old else None

    def ref(version: Any) -> dict[str, Any] | None:
        if version is None:
            return None
        return {
            "version": version.seq,
            "first_seen": version.first_seen.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    data: dict[str, Any] = {
        "destination": new.name,
        "code": new.destination,
        "source": report.source,
        "changed": report.changed,
        "level": {"old": old.level if old else None, "new": new.level},
        "direction": change.direction if change else "unchanged",
        "issued": {"old": _iso(old.issued) if old else None, "new": _iso(new.issued)},
        "change_note": change.change_note if change else "",
        "regions": {"added": [], "removed": [], "changed": []},
        "sections": {"added": [], "removed": [], "changed": [], "unchanged": 0},
        "from": ref(report.old),
        "to": ref(report.new),
        "anomalies": [{"title": a.title, "reason": a.reason} for a in report.anomalies],
    }
    if change:
        data["regions"] = {
            "added": [{"name": r.name, "level": r.level} for r in change.regions_added],
            "removed": [{"name": r.name, "level": r.level} for r in change.regions_removed],
            "changed": [
                {"name": r.name, "old": r.old, "new": r.new} for r in change.regions_changed
            ],
        }
        data["sections"] = {
            "added": [s.title for s in change.sections_added],
            "removed": [s.title for s in change.sections_removed],
            "changed": [{"title": c.title, "diff": c.unified()} for c in change.sections_changed],
            "unchanged": change.sections_unchanged,
        }
    return data


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def no_change_line(report: Any) -> str:
    adv = report.new.advisory
    if report.old is None:
        return (
            f"{safe(adv.name)}: first check, now watching Level {adv.level} "
            f"(issued {_date(adv.issued)})."
        )
    checked = f" (last checked {local_time(report.last_checked)})" if report.last_checked else ""
    return f"{safe(adv.name)}: no change since {_date(adv.issued)}{checked}"


def change_plain(change: Any) -> str:
    """A change as plain text: what pipes, NO_COLOR and email get."""
    old, new = change.old, change.new
    lines = [f"{safe(new.name)} — {_level_move(change)}"]
    if change.issued_moved:
        lines.append(f"Issued: {_date(old.issued)} → {_date(new.issued)}")
    if change.change_note:
        lines.append(f"Change note: {safe(change.change_note)}")
    if change.regions_added or change.regions_removed or change.regions_changed:
        lines.append("Regions:")
        lines += [f"  + Level {r.level}: {safe(r.name)}" for r in change.regions_added]
        lines += [f"  - Level {r.level}: {safe(r.name)}" for r in change.regions_removed]
        lines += [f"  ~ {safe(r.name)}: Level {r.old} → {r.new}" for r in change.regions_changed]
    for s in change.sections_added:
        lines.append(f"Section added: {safe(s.title)}")
        lines += [f"  + {line}" for line in safe(s.text).splitlines() if line]
    for s in change.sections_removed:
        lines.append(f"Section removed: {safe(s.title)}")
    for c in change.sections_changed:
        lines.append(f"Section changed: {safe(c.title)}")
        lines += [f"  {line}" for line in safe(c.unified()).splitlines()]
    if change.sections_unchanged:
        n = change.sections_unchanged
        lines.append(f"{n} section{'s' if n != 1 else ''} unchanged")
    return "\n".join(lines)


def _level_move(change: Any) -> str:
    old, new = change.old, change.new
    if change.level_moved:
        return (
            f"Level {old.level} → {new.level} {change.direction} "
            f"({safe(old.label)} → {safe(new.label)})"
        )
    return f"Level {new.level} unchanged ({safe(new.label)})"


def _rich_change(change: Any) -> Any:
    from rich.console import Group
    from rich.rule import Rule
    from rich.text import Text

    old, new = change.old, change.new
    head = Text.assemble((safe(new.name), "bold underline"), "  ")
    if change.level_moved:
        style = "bold red" if change.direction == "RAISED" else "bold green"
        head.append_text(
            Text.assemble(badge(old.level), " → ", badge(new.level), " ", (change.direction, style))
        )
    else:
        head.append_text(Text.assemble(badge(new.level), (" level unchanged", "dim")))
    parts: list[Any] = [head]
    if change.issued_moved:
        parts.append(Text.assemble(("Issued ", "dim"), _date(old.issued), " → ", _date(new.issued)))
    if change.change_note:
        parts.append(Text.assemble(("Change note: ", "dim"), (safe(change.change_note), "italic")))
    for r in change.regions_added:
        parts.append(Text.assemble(("  + ", "green"), badge(r.level), " ", safe(r.name)))
    for r in change.regions_removed:
        parts.append(Text.assemble(("  - ", "red"), badge(r.level), " ", (safe(r.name), "strike")))
    for r in change.regions_changed:
        parts.append(Text.assemble("  ~ ", safe(r.name), " ", badge(r.old), " → ", badge(r.new)))
    for s in change.sections_added:
        parts += [
            Rule(Text(f"{safe(s.title)} (added)", style="bold green"), align="left", style="dim"),
            Text(safe(s.text), style="green"),
        ]
    for s in change.sections_removed:
        parts.append(
            Rule(Text(f"{safe(s.title)} (removed)", style="bold red"), align="left", style="dim")
        )
    for c in change.sections_changed:
        parts.append(
            Rule(Text(f"{safe(c.title)} (changed)", style="bold"), align="left", style="dim")
        )
        words = Text()
        for op, text in c.words():
            words.append(safe(text), {"=": "", "-": "red strike", "+": "bold green"}[op])
        parts.append(words)
    if change.sections_unchanged:
        n = change.sections_unchanged
        parts.append(Text(f"{n} section{'s' if n != 1 else ''} unchanged", style="dim"))
    return Group(*parts)


def reports(items: Sequence[Any]) -> None:
    """Print diff reports: changes in full, the rest as one line each."""
    rich = use_rich()
    console = _console() if rich else None
    for n, report in enumerate(items):
        for a in report.anomalies:
            note(f"{report.new.advisory.name}: ignored a broken item ({a.reason}).")
        if report.changed:
            if console is not None:
                if n:
                    console.print()
                console.print(_rich_change(report.change))
            else:
                echo(("\n" if n else "") + change_plain(report.change))
        else:
            echo(no_change_line(report))


LEVEL_CHARS = {1: "▁", 2: "▃", 3: "▅", 4: "█"}


def level_strip(timeline: Sequence[tuple[datetime, int]], until: datetime, width: int = 48) -> str:
    """The level over time as one line of blocks, first record to `until`."""
    if not timeline:
        return ""
    start = timeline[0][0]
    span = max((until - start).total_seconds(), 1.0)
    out = []
    for col in range(width):
        at = start.timestamp() + span * (col + 0.5) / width
        level = timeline[0][1]
        for when, lvl in timeline:
            if when.timestamp() <= at:
                level = lvl
        out.append(LEVEL_CHARS.get(level, "?"))
    return "".join(out)


def history(
    name: str,
    versions: Sequence[Any],
    headlines: Sequence[str],
    timeline: Sequence[tuple[datetime, int]],
    until: datetime,
) -> None:
    strip = level_strip(timeline, until)
    first = timeline[0][0] if timeline else until
    span = f"{first.astimezone().date().isoformat()} … {until.astimezone().date().isoformat()}"
    rows = [
        (
            str(v.seq),
            local_time(v.first_seen),
            local_time(v.last_seen),
            v.advisory.level,
            _date(v.advisory.issued),
            h,
        )
        for v, h in zip(versions, headlines)
    ]
    if use_rich():
        from rich.table import Table
        from rich.text import Text

        console = _console()
        console.print(Text(f"{safe(name)}: {len(versions)} version(s)", style="bold"))
        chart = Text("Level ")
        for ch in strip:
            level = next(k for k, v in LEVEL_CHARS.items() if v == ch)
            chart.append(ch, LEVEL_COLOURS[level])
        console.print(chart, Text(f"  {span}", style="dim"))
        table = Table(box=None, header_style="bold", pad_edge=False)
        for col in ("#", "First seen", "Last seen", "Level", "Issued", "What changed"):
            table.add_column(col)
        for seq, first_seen, last_seen, level, issued, headline in rows:
            table.add_row(seq, first_seen, last_seen, badge(level), issued, Text(safe(headline)))
        console.print(table)
        return
    out = [f"{safe(name)}: {len(versions)} version(s)", f"Level {strip}  {span}", ""]
    out.append(
        f"{'#':>3}  {'First seen':<16}  {'Last seen':<16}  Level  {'Issued':<10}  What changed"
    )
    for seq, first_seen, last_seen, level, issued, headline in rows:
        dates = f"{first_seen:<16}  {last_seen:<16}"
        out.append(f"{seq:>3}  {dates}  {level:<5}  {issued:<10}  {safe(headline)}")
    echo("\n".join(out))
