"""Governments side by side (`compare`), and the list of sources (`sources`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from advisor_cli.model import Advisory
from advisor_cli.render.base import badge, echo, fmt_date, safe, terminal, use_rich


@dataclass(frozen=True)
class Opinion:
    """One government's advice on a destination, or why it is missing."""

    source: str
    title: str
    advisory: Advisory | None
    problem: str = ""


def _regions(adv: Advisory) -> str:
    if not adv.regions:
        return "none"
    names = [f"{r.name} (L{r.level})" for r in adv.regions[:3]]
    more = f" and {len(adv.regions) - 3} more" if len(adv.regions) > 3 else ""
    return "; ".join(names) + more


def _short(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def comparison(name: str, opinions: Sequence[Opinion]) -> None:
    """One row per government: its advice, common level, date, regions, change note, link."""
    if not use_rich():
        echo(_comparison_plain(name, opinions))
        return
    from rich.table import Table
    from rich.text import Text

    # The link is the government's name (clickable where the terminal allows); the full
    # addresses follow the table, since they do not fit in a column.
    table = Table(title=safe(name), show_lines=True, header_style="bold", expand=True)
    table.add_column("Government", ratio=2, min_width=10)
    table.add_column("Advice", ratio=3)
    table.add_column("Level", no_wrap=True)
    table.add_column("Issued", no_wrap=True)
    table.add_column("Regional advice", ratio=3)
    table.add_column("Change note", ratio=3)
    for o in opinions:
        if o.advisory is None:
            table.add_row(o.title, Text(safe(o.problem), style="dim"), "", "", "", "")
            continue
        a = o.advisory
        url = safe(a.url)
        table.add_row(
            Text(o.title, style=f"link {url}"),
            Text(safe(a.label)),
            badge(a.level),
            fmt_date(a.issued),
            Text(safe(_regions(a))),
            Text(safe(_short(a.change_note))),
        )
    console = terminal()
    console.print(table)
    for o in opinions:
        if o.advisory is not None:
            link = Text.assemble((f"{o.title}: ", "dim"), safe(o.advisory.url))
            console.print(link, soft_wrap=True)  # a broken address cannot be clicked or copied


def _comparison_plain(name: str, opinions: Sequence[Opinion]) -> str:
    blocks = [safe(name)]
    for o in opinions:
        if o.advisory is None:
            blocks.append(f"{o.title}\n  {safe(o.problem)}")
            continue
        a = o.advisory
        rows = [
            ("Advice", safe(a.label)),
            ("Level", str(a.level)),
            ("Issued", fmt_date(a.issued)),
            ("Regions", safe(_regions(a))),
            ("Change", safe(_short(a.change_note)) or "none given"),
            ("Link", safe(a.url)),
        ]
        blocks.append("\n".join([o.title, *(f"  {k + ':':<9} {v}" for k, v in rows)]))
    return "\n\n".join(blocks)


@dataclass(frozen=True)
class SourceInfo:
    name: str
    title: str
    endpoints: tuple[str, ...]
    licence: str
    attribution: str
    last_fetched: str
    last_error: str


def source_list(items: Sequence[SourceInfo]) -> None:
    blocks = []
    for s in items:
        lines = [f"{s.name}  {s.title}"]
        lines += [f"  endpoint:     {e}" for e in s.endpoints]
        lines += [
            f"  licence:      {s.licence}",
            f"  attribution:  {s.attribution}",
            f"  last fetched: {s.last_fetched or 'never'}",
        ]
        if s.last_error:
            lines.append(f"  last error:   {safe(s.last_error)}")
        blocks.append("\n".join(lines))
    echo("\n\n".join(blocks))
