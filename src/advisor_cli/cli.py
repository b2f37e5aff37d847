"""The advisor command: options in, core calls, output out; errors become exit codes here only."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import click

from advisor_cli import __version__, destinations, monitor, render, sources
from advisor_cli.diff import compare
from advisor_cli.errors import AdvisorError, ExitStatus, NotStored, UsageError
from advisor_cli.paths import paths as advisor_paths
from advisor_cli.store import stamp as store_stamp


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
    "destination_names",
    metavar="DESTINATION...",
    nargs=-1,
    required=True,
    shell_complete=_complete_destination,
)
source_option = click.option(
    "--source",
    type=click.Choice(sources.NAMES),
    default="us",
    show_default=True,
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


def _refresh(store: Any, source: str, offline: bool, strict: bool = False) -> monitor.Update:
    if offline:
        return monitor.Update()
    update = monitor.update(store, source, strict=strict)
    for warning in update.warnings:
        render.warn(warning)
    return update


@cli.command()
@destination_args
@source_option
@click.option("--section", metavar="NAME", help="Print only the section(s) whose title starts so.")
@json_option
@offline_option
def show(
    destination_names: tuple[str, ...],
    source: str,
    section: str | None,
    as_json: bool,
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
    shown = [render.Shown(v.advisory, d.name, title, v.last_seen) for d, v in zip(wanted, versions)]
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
                    "source": a.source,
                    "destination": a.name,
                    "code": a.destination,
                    "level": a.level,
                    "label": a.label,
                    "issued": a.issued.isoformat() if a.issued else None,
                    "url": a.url,
                }
                for a in advisories
            ]
        )
        return
    render.listing([render.Row(a.level, a.label, a.name, a.issued) for a in advisories])


@cli.command()
@destination_args
@source_option
@click.option("--offline", is_flag=True, help="Compare the two latest stored versions; no fetch.")
@click.option(
    "--from", "ref_from", metavar="REF", help="Compare from this version (number or date)."
)
@click.option(
    "--to", "ref_to", metavar="REF", help="Compare up to this version (default: current)."
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing; only the exit code tells.")
@json_option
@click.pass_context
def diff(
    ctx: click.Context,
    destination_names: tuple[str, ...],
    source: str,
    offline: bool,
    ref_from: str | None,
    ref_to: str | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Show what changed since the last run; exit 1 when something did.

    \b
    advisor diff mali niger
    advisor diff mali --offline
    advisor diff mali --from 2 --to 4
    advisor diff mali --from 2026-01-01 --json
    """
    if ref_to and not ref_from:
        raise UsageError("--to needs --from.")
    wanted = [destinations.resolve(name) for name in destination_names]
    with monitor.open_store() as store:
        # Without fresh data "nothing changed" would be a guess: a failed fetch fails the diff.
        update = _refresh(store, source, offline or ref_from is not None, strict=True)
        if ref_from:
            found = [monitor.between(store, source, d.code, ref_from, ref_to) for d in wanted]
        elif offline:
            found = [monitor.latest_two(store, source, d.code) for d in wanted]
        else:
            found = [
                monitor.since_last(store, "diff", source, d.code, update.anomalies) for d in wanted
            ]
    if as_json:
        data = [render.report_json(r) for r in found]
        render.print_json(data[0] if len(data) == 1 else data)
    elif not quiet:
        render.reports(found)
    ctx.exit(ExitStatus.CHANGED if any(r.changed for r in found) else ExitStatus.OK)


@cli.command()
@click.argument("destination_name", metavar="DESTINATION", shell_complete=_complete_destination)
@source_option
@json_option
def history(destination_name: str, source: str, as_json: bool) -> None:
    """List the stored versions of an advisory, with the level over time.

    \b
    advisor history mali
    advisor history mali --json
    """
    wanted = destinations.resolve(destination_name)
    with monitor.open_store() as store:
        current = monitor.load(store, source, [wanted.code])[0]
        code = current.advisory.destination
        versions = store.history(source, code)
        timeline = store.timeline(source, code)
    headlines = ["first version"] + [
        compare(a.advisory, b.advisory).headline() for a, b in pairwise(versions)
    ]
    if as_json:
        render.print_json(
            {
                "destination": current.advisory.name,
                "code": code,
                "source": source,
                "versions": [
                    {
                        "version": v.seq,
                        "first_seen": store_stamp(v.first_seen),
                        "last_seen": store_stamp(v.last_seen),
                        "level": v.advisory.level,
                        "issued": v.advisory.issued.isoformat() if v.advisory.issued else None,
                        "current": v.id == current.id,
                        "changes": h,
                    }
                    for v, h in zip(versions, headlines)
                ],
            }
        )
        return
    render.history(current.advisory.name, versions, headlines, timeline, monitor.now())


@cli.command()
@click.option(
    "--keep",
    type=click.IntRange(1),
    default=20,
    show_default=True,
    help="Versions to keep per destination (the current one is always kept).",
)
def gc(keep: int) -> None:
    """Prune old versions from the database, never the current one.

    \b
    advisor gc --keep 5
    """
    with monitor.open_store() as store:
        removed, freed = store.gc(keep)
    render.note(f"Removed {removed} old version(s); freed {freed / 1024:,.0f} KiB.")


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
    main()
