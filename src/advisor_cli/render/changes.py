"""What changed: diff reports (rich, plain, JSON) and the history of an advisory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from advisor_cli.render.base import (
    LEVEL_COLOURS,
    badge,
    echo,
    fmt_date,
    iso_date,
    note,
    safe,
    terminal,
    use_rich,
)


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
        "issued": {"old": iso_date(old.issued) if old else None, "new": iso_date(new.issued)},
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
                {
                    "name": r.name,
                    "old": r.old,
                    "new": r.new,
                    "diff": r.text.unified() if r.text else "",
                }
                for r in change.regions_changed
            ],
        }
        data["sections"] = {
            "added": [s.title for s in change.sections_added],
            "removed": [s.title for s in change.sections_removed],
            "changed": [{"title": c.title, "diff": c.unified()} for c in change.sections_changed],
            "unchanged": change.sections_unchanged,
        }
    return data


def no_change_line(report: Any) -> str:
    adv = report.new.advisory
    if report.old is None:
        return (
            f"{safe(adv.name)}: first check, now watching Level {adv.level} "
            f"(issued {fmt_date(adv.issued)})."
        )
    checked = f" (last checked {local_time(report.last_checked)})" if report.last_checked else ""
    return f"{safe(adv.name)}: no change since {fmt_date(adv.issued)}{checked}"


def change_plain(change: Any) -> str:
    """A change as plain text: what pipes, NO_COLOR and email get."""
    old, new = change.old, change.new
    lines = [f"{safe(new.name)} — {_level_move(change)}"]
    if change.issued_moved:
        lines.append(f"Issued: {fmt_date(old.issued)} → {fmt_date(new.issued)}")
    if change.change_note:
        lines.append(f"Change note: {safe(change.change_note)}")
    if change.regions_added or change.regions_removed or change.regions_changed:
        lines.append("Regions:")
        lines += [f"  + Level {r.level}: {safe(r.name)}" for r in change.regions_added]
        lines += [f"  - Level {r.level}: {safe(r.name)}" for r in change.regions_removed]
        for r in change.regions_changed:
            what = f"Level {r.old} → {r.new}" if r.level_moved else f"Level {r.new}, text changed"
            lines.append(f"  ~ {safe(r.name)}: {what}")
            if r.text:
                lines += [f"    {line}" for line in safe(r.text.unified()).splitlines()]
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
        parts.append(
            Text.assemble(("Issued ", "dim"), fmt_date(old.issued), " → ", fmt_date(new.issued))
        )
    if change.change_note:
        parts.append(Text.assemble(("Change note: ", "dim"), (safe(change.change_note), "italic")))
    for r in change.regions_added:
        parts.append(Text.assemble(("  + ", "green"), badge(r.level), " ", safe(r.name)))
    for r in change.regions_removed:
        parts.append(Text.assemble(("  - ", "red"), badge(r.level), " ", (safe(r.name), "strike")))
    for r in change.regions_changed:
        if r.level_moved:
            parts.append(
                Text.assemble("  ~ ", safe(r.name), " ", badge(r.old), " → ", badge(r.new))
            )
        else:
            parts.append(Text.assemble("  ~ ", safe(r.name), " ", badge(r.new), " text changed"))
        if r.text:
            parts.append(_words(r.text))
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
        parts.append(_words(c))
    if change.sections_unchanged:
        n = change.sections_unchanged
        parts.append(Text(f"{n} section{'s' if n != 1 else ''} unchanged", style="dim"))
    return Group(*parts)


def reports(items: Sequence[Any]) -> None:
    """Print diff reports: changes in full, the rest as one line each."""
    rich = use_rich()
    console = terminal() if rich else None
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
            fmt_date(v.advisory.issued),
            h,
        )
        for v, h in zip(versions, headlines)
    ]
    if use_rich():
        from rich.table import Table
        from rich.text import Text

        console = terminal()
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


def _words(change: Any, context: int = 2) -> Any:
    """A TextChange as one rich Text: deleted words struck out in red, inserted ones green.

    Long unchanged stretches shrink to "…", keeping the changed lines whole and `context`
    lines around them (a blank line and a paragraph, as the sources write).
    """
    from rich.text import Text

    words = Text()
    runs = change.words()
    for n, (op, text) in enumerate(runs):
        lines = text.split("\n")
        at_start = 0 if n == 0 else 1 + context
        at_end = 0 if n == len(runs) - 1 else 1 + context
        if op != "=" or len(lines) <= at_start + at_end + 1:
            words.append(safe(text), {"=": "", "-": "red strike", "+": "bold green"}[op])
            continue
        head, tail = lines[:at_start], lines[len(lines) - at_end :]
        if head:
            words.append(safe("\n".join(head)) + "\n")
        words.append("…", "dim")
        if tail:
            words.append("\n" + safe("\n".join(tail)))
    return words
