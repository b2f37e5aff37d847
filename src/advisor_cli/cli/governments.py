"""`compare` (every government's advice side by side) and `sources` (where it comes from)."""

from __future__ import annotations

import click

from advisor_cli import destinations, monitor, render, sources
from advisor_cli.cli.base import cli, complete_destination, json_option, offline_option, refresh
from advisor_cli.errors import AdvisorError, ExitStatus, NotStored


@cli.command()
@click.argument("destination_name", metavar="DESTINATION", shell_complete=complete_destination)
@json_option
@offline_option
@click.pass_context
def compare(ctx: click.Context, destination_name: str, as_json: bool, offline: bool) -> None:
    """Put every government's advice on a destination side by side.

    \b
    advisor compare mali
    advisor compare "côte d'ivoire" --json
    """
    wanted = destinations.resolve(destination_name)
    opinions: list[render.Opinion] = []
    with monitor.open_store() as store:
        for name in sources.NAMES:
            title = sources.get(name).SHORT
            refresh(store, name, offline, codes=[wanted.code], lenient=True)
            try:
                (version,) = monitor.load(store, name, [wanted.code])
            except NotStored:
                opinions.append(
                    render.Opinion(name, title, None, "no advisory for this destination")
                )
                continue
            except AdvisorError as exc:
                opinions.append(render.Opinion(name, title, None, str(exc)))
                continue
            opinions.append(render.Opinion(name, title, version.advisory))
    if as_json:
        render.print_json(
            {
                "destination": wanted.name,
                "code": wanted.code,
                "sources": [
                    {"source": o.source, "title": sources.get(o.source).TITLE, "error": o.problem}
                    if o.advisory is None
                    else {
                        "source": o.source,
                        "title": sources.get(o.source).TITLE,
                        "advice": o.advisory.label,
                        "level": o.advisory.level,
                        "issued": render.iso_date(o.advisory.issued),
                        "regions": [{"name": r.name, "level": r.level} for r in o.advisory.regions],
                        "change_note": o.advisory.change_note,
                        "url": o.advisory.url,
                    }
                    for o in opinions
                ],
            }
        )
    else:
        render.comparison(wanted.name, opinions)
    if all(o.advisory is None for o in opinions):
        ctx.exit(ExitStatus.FAILURE)


@cli.command(name="sources")
@json_option
def sources_(as_json: bool) -> None:
    """List the governments advisor reads: endpoints, licence, attribution, last fetch.

    \b
    advisor sources
    advisor sources --json
    """
    items = []
    with monitor.open_store() as store:
        for name in sources.NAMES:
            module = sources.get(name)
            info = store.fetch_info(name)
            items.append(
                render.SourceInfo(
                    name,
                    module.TITLE,
                    tuple(sources.endpoints(module)),
                    module.LICENCE,
                    module.ATTRIBUTION,
                    render.local_time(info.last_success) if info and info.last_success else "",
                    info.last_error or "" if info else "",
                )
            )
    if as_json:
        render.print_json(
            [
                {
                    "source": s.name,
                    "title": s.title,
                    "endpoints": list(s.endpoints),
                    "licence": s.licence,
                    "attribution": s.attribution,
                    "last_fetched": s.last_fetched or None,
                    "last_error": s.last_error or None,
                }
                for s in items
            ]
        )
    else:
        render.source_list(items)
