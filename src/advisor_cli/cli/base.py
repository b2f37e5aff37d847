"""The click group, shared options, and the one place where errors become exit codes."""

from __future__ import annotations

from typing import Any

import click

from advisor_cli import __version__, destinations, monitor, render, sources
from advisor_cli.errors import AdvisorError, ExitStatus


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


def complete_destination(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    from click.shell_completion import CompletionItem

    return [CompletionItem(slug) for slug in destinations.complete(incomplete)]


destination_args = click.argument(
    "destination_names",
    metavar="DESTINATION...",
    nargs=-1,
    required=True,
    shell_complete=complete_destination,
)
source_option = click.option(
    "--source",
    type=click.Choice([*sources.NAMES, "all"]),
    default="us",
    show_default=True,
    help="Which government's advisories to use (all: every one).",
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


def refresh(
    store: Any,
    source: str,
    offline: bool,
    strict: bool = False,
    codes: list[str] | None = None,
    lenient: bool = False,
) -> monitor.Update:
    """Update a source unless offline, printing its warnings; `lenient` turns failure into one."""
    if offline:
        return monitor.Update()
    try:
        update = monitor.update(store, source, strict=strict, codes=codes)
    except AdvisorError as exc:
        if not lenient:
            raise
        update = monitor.Update((f"{sources.get(source).TITLE}: {exc}",))
    for warning in update.warnings:
        render.warn(warning)
    return update
