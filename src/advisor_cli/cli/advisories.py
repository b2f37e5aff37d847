"""`show`, `list` and `paths`: the current advisories and where advisor keeps them."""

from __future__ import annotations

import click

from advisor_cli import destinations, monitor, render, sources
from advisor_cli.cli.base import (
    cli,
    destination_args,
    json_option,
    offline_option,
    refresh,
    source_option,
)
from advisor_cli.errors import NotStored, UsageError
from advisor_cli.paths import paths as advisor_paths


@cli.command()
@destination_args
@source_option
@click.option("--section", metavar="NAME", help="Print only the section(s) whose title starts so.")
@json_option
@offline_option
@click.option(
    "--raw", is_flag=True, help="Print the item as the source sent it (for reporting a problem)."
)
def show(
    destination_names: tuple[str, ...],
    source: str,
    section: str | None,
    as_json: bool,
    offline: bool,
    raw: bool,
) -> None:
    """Show the current advisory for one or more destinations.

    \b
    advisor show mali
    advisor show "côte d'ivoire" --section crime
    advisor show ML niger --json
    advisor show mali --raw --offline
    """
    wanted = [destinations.resolve(name) for name in destination_names]
    names = sources.expand(source)
    found: dict[tuple[int, int], render.Shown] = {}
    originals: dict[tuple[int, int], bytes] = {}
    with monitor.open_store() as store:
        for n, name in enumerate(names):
            several = len(names) > 1
            refresh(store, name, offline, codes=[d.code for d in wanted], lenient=several)
            title = sources.get(name).TITLE
            for i, d in enumerate(wanted):
                try:
                    (v,) = monitor.load(store, name, [d.code])
                except NotStored as exc:
                    if not several:
                        raise
                    render.note(str(exc))
                    continue
                found[(i, n)] = render.Shown(v.advisory, d.name, title, v.last_seen)
                if raw:
                    originals[(i, n)] = store.raw_item(v.id) or b""
    if not found:
        raise NotStored(f"No source has an advisory for {', '.join(d.name for d in wanted)}.")
    shown = [found[key] for key in sorted(found)]
    if raw:
        for key in sorted(originals):
            render.raw(originals[key])
        return
    if section is not None:
        for s in shown:
            if not render.pick_sections(s.advisory, section):
                titles = ", ".join(x.title for x in s.advisory.sections) or "none"
                raise UsageError(
                    f"{s.advisory.name} has no section starting with {section!r}; "
                    f"its sections: {titles}."
                )
    if as_json:
        data = [render.advisory_json(s) for s in shown]
        if section is not None:
            for item, s in zip(data, shown):
                item["sections"] = [
                    {"title": x.title, "text": x.text}
                    for x in render.pick_sections(s.advisory, section)
                ]
        render.print_json(data[0] if len(data) == 1 else data)
    else:
        render.show(shown, section)


@cli.command(name="list")
@source_option
@click.option("--level", type=click.IntRange(1, 4), help="Only destinations at this level.")
@click.option(
    "--min-level", type=click.IntRange(1, 4), help="Only destinations at this level or above."
)
@json_option
@offline_option
def list_(
    source: str, level: int | None, min_level: int | None, as_json: bool, offline: bool
) -> None:
    """List every destination, highest level first.

    \b
    advisor list
    advisor list --min-level 3 --json
    """
    names = sources.expand(source)
    with monitor.open_store() as store:
        versions = []
        for name in names:
            refresh(store, name, offline, lenient=len(names) > 1)
            versions += store.all_current(name)
        if not versions:
            raise NotStored("Nothing is stored yet; run without --offline once to fetch it.")
    advisories = [v.advisory for v in versions]
    if level is not None:
        advisories = [a for a in advisories if a.level == level]
    if min_level is not None:
        advisories = [a for a in advisories if a.level >= min_level]
    advisories.sort(key=lambda a: (-a.level, destinations.key(a.name), a.source))
    if as_json:
        render.print_json(
            [
                {
                    "source": a.source,
                    "destination": a.name,
                    "code": a.destination,
                    "level": a.level,
                    "label": a.label,
                    "issued": render.iso_date(a.issued),
                    "url": a.url,
                }
                for a in advisories
            ]
        )
        return
    rows = [render.Row(a.level, a.label, a.name, a.issued, a.source) for a in advisories]
    render.listing(rows, with_source=len(names) > 1)


@cli.command()
@json_option
def paths(as_json: bool) -> None:
    """Print where advisor keeps its database, cache and configuration.

    \b
    advisor paths
    ADVISOR_HOME=/tmp/advisor advisor paths --json
    """
    p = advisor_paths()
    places = {
        "data": str(p.data),
        "database": str(p.database),
        "cache": str(p.cache),
        "config": str(p.config_file),
    }
    if as_json:
        render.print_json(places)
    else:
        render.echo("\n".join(f"{k:<9} {v}" for k, v in places.items()))
