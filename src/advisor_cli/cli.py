"""The advisor command: options in, core calls, output out; errors become exit codes here only."""

from __future__ import annotations

import sys
from typing import Any

import click

from advisor_cli import __version__, destinations, monitor, render, sources
from advisor_cli.errors import AdvisorError, ExitStatus, NotStored, UsageError
from advisor_cli.paths import paths as advisor_paths


class AdvisorGroup(click.Group):
    """Turns AdvisorError into one 'Error: …' line and its exit code (--debug: the traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AdvisorError as exc:
            if ctx.params.get("debug"):
                raise
            click.echo(f"Error: {render.safe(str(exc))}", err=True)
            ctx.exit(exc.exit_status)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            click.echo(
                f"Error: unexpected {type(exc).__name__}: {render.safe(str(exc))} "
                "(run with --debug for the traceback).",
                err=True,
            )
            ctx.exit(ExitStatus.FAILURE)


def _complete_destination(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    from click.shell_completion import CompletionItem

    return [CompletionItem(slug) for slug in destinations.complete(incomplete)]


destination_args = click.argument(
    "destination_names", metavar="DESTINATION...", nargs=-1, required=True,
    shell_complete=_complete_destination,
)
source_option = click.option(
    "--source", type=click.Choice(sources.NAMES), default="us", show_default=True,
    help="Which government's advisories to use.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
offline_option = click.option(
    "--offline", is_flag=True, help="Use what is stored; never touch the network."
)


@click.group(cls=AdvisorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="advisor")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
def cli(debug: bool) -> None:
    """Monitor official travel advisories: show them, and see what changed.

    \b
    advisor show mali
    advisor list --min-level 3
    """


def _refresh(store: Any, source: str, offline: bool) -> None:
    if offline:
        return
    for warning in monitor.update(store, source):
        render.warn(warning)


@cli.command()
@destination_args
@source_option
@click.option("--section", metavar="NAME", help="Print only the section(s) whose title starts so.")
@json_option
@offline_option
def show(
    destination_names: tuple[str, ...], source: str, section: str | None, as_json: bool,
    offline: bool,
) -> None:
    """Show the current advisory for one or more destinations.

    \b
    advisor show mali
    advisor show "côte d'ivoire" --section crime
    advisor show ML niger --json
    """
    wanted = [destinations.resolve(name) for name in destination_names]
    with monitor.open_store() as store:
        _refresh(store, source, offline)
        versions = monitor.load(store, source, [d.code for d in wanted])
    title = sources.get(source).TITLE
    shown = [
        render.Shown(v.advisory, d.name, title, v.last_seen) for d, v in zip(wanted, versions)
    ]
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
            for d, s in zip(data, shown):
                d["sections"] = [
                    {"title": x.title, "text": x.text}
                    for x in render.pick_sections(s.advisory, section)
                ]
        render.print_json(data[0] if len(data) == 1 else data)
    else:
        render.show(shown, section)


@cli.command(name="list")
@source_option
@click.option("--level", type=click.IntRange(1, 4), help="Only destinations at this level.")
@click.option("--min-level", type=click.IntRange(1, 4), help="Only destinations at this level or above.")
@json_option
@offline_option
def list_(source: str, level: int | None, min_level: int | None, as_json: bool, offline: bool) -> None:
    """List every destination, highest level first.

    \b
    advisor list
    advisor list --min-level 3 --json
    """
    with monitor.open_store() as store:
        _refresh(store, source, offline)
        versions = store.all_current(source)
        if not versions:
            raise NotStored("Nothing is stored yet; run without --offline once to fetch it.")
    advisories = [v.advisory for v in versions]
    if level is not None:
        advisories = [a for a in advisories if a.level == level]
    if min_level is not None:
        advisories = [a for a in advisories if a.level >= min_level]
    advisories.sort(key=lambda a: (-a.level, destinations.key(a.name)))
    if as_json:
        render.print_json(
            [
                {
                    "source": a.source, "destination": a.name, "code": a.destination,
                    "level": a.level, "label": a.label,
                    "issued": a.issued.isoformat() if a.issued else None, "url": a.url,
                }
                for a in advisories
            ]
        )
        return
    render.listing([render.Row(a.level, a.label, a.name, a.issued) for a in advisories])


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


def main() -> None:
    cli(prog_name="advisor")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
