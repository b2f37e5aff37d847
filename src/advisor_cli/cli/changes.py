"""`diff`, `history` and `gc`: what changed, the versions kept, and pruning them."""

from __future__ import annotations

from itertools import pairwise

import click

from advisor_cli import destinations, monitor, render, sources
from advisor_cli.cli.base import (
    cli,
    complete_destination,
    destination_args,
    json_option,
    refresh,
    source_option,
)
from advisor_cli.diff import compare
from advisor_cli.errors import AdvisorError, ExitStatus, NotStored, UsageError
from advisor_cli.store import Store
from advisor_cli.store import stamp as store_stamp


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
    names = sources.expand(source)
    found: list[monitor.Report] = []
    failed = False
    with monitor.open_store() as store:
        for name in names:
            codes = [d.code for d in wanted]
            try:
                # Without fresh data "nothing changed" would be a guess: a failed fetch fails.
                update = refresh(store, name, offline or ref_from is not None, True, codes)
                found += [
                    _report(store, name, d.code, update, ref_from, ref_to, offline) for d in wanted
                ]
            except AdvisorError as exc:
                if len(names) == 1:
                    raise
                render.warn(f"{sources.get(name).TITLE}: {exc}")
                failed = True
    if as_json:
        data = [render.report_json(r) for r in found]
        render.print_json(data[0] if len(data) == 1 else data)
    elif not quiet:
        render.reports(found)
    if failed:
        ctx.exit(ExitStatus.FAILURE)
    ctx.exit(ExitStatus.CHANGED if any(r.changed for r in found) else ExitStatus.OK)


def _report(
    store: Store,
    source: str,
    code: str,
    update: monitor.Update,
    ref_from: str | None,
    ref_to: str | None,
    offline: bool,
) -> monitor.Report:
    if ref_from:
        return monitor.between(store, source, code, ref_from, ref_to)
    if offline:
        return monitor.latest_two(store, source, code)
    return monitor.since_last(store, "diff", source, code, update.anomalies)


@cli.command()
@click.argument("destination_name", metavar="DESTINATION", shell_complete=complete_destination)
@source_option
@json_option
def history(destination_name: str, source: str, as_json: bool) -> None:
    """List the stored versions of an advisory, with the level over time.

    \b
    advisor history mali
    advisor history mali --json
    """
    wanted = destinations.resolve(destination_name)
    names = sources.expand(source)
    histories = []
    with monitor.open_store() as store:
        for name in names:
            try:
                (current,) = monitor.load(store, name, [wanted.code])
            except NotStored as exc:
                if len(names) == 1:
                    raise
                render.note(str(exc))
                continue
            code = current.advisory.destination
            histories.append((name, current, store.history(name, code), store.timeline(name, code)))
    data = []
    for name, current, versions, timeline in histories:
        headlines = ["first version"] + [
            compare(a.advisory, b.advisory).headline() for a, b in pairwise(versions)
        ]
        if not as_json:
            title = f"{current.advisory.name} ({sources.get(name).TITLE})"
            render.history(title, versions, headlines, timeline, monitor.now())
            continue
        data.append(
            {
                "destination": current.advisory.name,
                "code": current.advisory.destination,
                "source": name,
                "versions": [
                    {
                        "version": v.seq,
                        "first_seen": store_stamp(v.first_seen),
                        "last_seen": store_stamp(v.last_seen),
                        "level": v.advisory.level,
                        "issued": render.iso_date(v.advisory.issued),
                        "current": v.id == current.id,
                        "changes": h,
                    }
                    for v, h in zip(versions, headlines)
                ],
            }
        )
    if as_json:
        render.print_json(data[0] if len(data) == 1 else data)


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
