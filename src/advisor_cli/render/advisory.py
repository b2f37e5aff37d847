"""One advisory as a page (`show`), and the table of every destination (`list`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from advisor_cli.model import Advisory, Section
from advisor_cli.render.base import badge, echo, fmt_date, safe, terminal, use_rich


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
        console = terminal()
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
        f"Issued:  {fmt_date(adv.issued)}",
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
            ("Issued ", "dim"), fmt_date(adv.issued), ("  ·  ", "dim"), shown.source_title
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


@dataclass(frozen=True)
class Row:
    level: int
    label: str
    name: str
    issued: date | None
    source: str = ""


def listing(rows: Sequence[Row], with_source: bool = False) -> None:
    """The table of `list`: level, destination, issued date, advice (and source, for several)."""
    if use_rich():
        from rich.table import Table
        from rich.text import Text

        table = Table(box=None, header_style="bold", pad_edge=False)
        columns = ["Level", "Destination", "Advice", "Issued"] + (["Source"] if with_source else [])
        for col in columns:
            table.add_column(col)
        for r in rows:
            cells = [badge(r.level), Text(safe(r.name)), Text(safe(r.label)), fmt_date(r.issued)]
            table.add_row(*cells, *([r.source] if with_source else []))
        terminal().print(table)
        return
    width = max((len(r.name) for r in rows), default=11)
    extra = "Source  " if with_source else ""
    out = [f"{'Level':<6} {extra}{'Destination':<{width}}  {'Issued':<10}  Advice"]
    for r in rows:
        issued = fmt_date(r.issued)
        src = f"{r.source:<6}  " if with_source else ""
        out.append(f"{r.level:<6} {src}{safe(r.name):<{width}}  {issued:<10}  {safe(r.label)}")
    echo("\n".join(out))
