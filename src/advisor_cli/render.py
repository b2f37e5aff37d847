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
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


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
        regions = "\n".join(
            f"- Level {r.level}: {safe(r.name)}" for r in adv.regions
        )
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
            parts += [Text(), Text.assemble(("Change note: ", "dim"), (safe(adv.change_note), "italic"))]
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
