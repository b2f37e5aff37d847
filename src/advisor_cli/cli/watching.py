"""`check` for cron, the watchlist, the configuration, and email."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from advisor_cli import destinations, monitor, render, sources
from advisor_cli.cli.base import cli, complete_destination, json_option
from advisor_cli.errors import ExitStatus, UsageError
from advisor_cli.paths import paths

if TYPE_CHECKING:
    from advisor_cli import check as checking

# config (tomlkit), check and email load only for the commands that use them: `show` stays fast.


@cli.command()
@click.argument(
    "destination_names", metavar="[DESTINATION]...", nargs=-1, shell_complete=complete_destination
)
@click.option("--all", "check_all", is_flag=True, help="Check every destination of the source.")
@click.option(
    "--source",
    "source_names",
    type=click.Choice(sources.NAMES),
    multiple=True,
    help="Source to check (repeatable); default: `sources` in the config, else us.",
)
@click.option(
    "--email/--no-email",
    default=None,
    help="Send (or not) the email; default: send when [email] is configured.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing; the exit code and email tell.")
@json_option
@click.pass_context
def check(
    ctx: click.Context,
    destination_names: tuple[str, ...],
    check_all: bool,
    source_names: tuple[str, ...],
    email: bool | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Check the watchlist (or the destinations given) and report new changes once.

    Prints nothing and exits 0 when nothing changed; exit 1 when changes were reported.

    \b
    advisor check
    advisor check mali niger --no-email
    advisor check --all --json
    """
    from advisor_cli import check as checking
    from advisor_cli import config as configuration

    config = configuration.load()
    if destination_names and check_all:
        raise UsageError("Give destinations or --all, not both.")
    if destination_names:
        codes: list[str] | None = [destinations.resolve(n).code for n in destination_names]
    elif check_all:
        codes = None
    elif config.watch:
        codes = [destinations.resolve(n).code for n in config.watch]
    else:
        raise UsageError(
            "Nothing to check: name destinations, add some with `advisor watch add`, or use --all."
        )
    if email and config.email is None:
        raise UsageError(
            "--email needs an [email] table in the configuration (or ADVISOR_EMAIL_*)."
        )
    mail = config.email if email is not False else None
    chosen = list(source_names or config.sources or ("us",))
    with checking.lock(checking.lock_path()), monitor.open_store() as store:
        result = checking.run(store, {name: codes for name in chosen}, mail)
    _print(result, quiet, as_json)
    if result.failed:
        ctx.exit(ExitStatus.FAILURE)
    ctx.exit(ExitStatus.CHANGED if result.reports else ExitStatus.OK)


def _print(result: checking.Result, quiet: bool, as_json: bool) -> None:
    if as_json:
        render.print_json(
            {
                "changes": [render.report_json(r) for r in result.reports],
                "events": [
                    {
                        "source": e.source,
                        "kind": e.kind,
                        "message": e.message,
                        "since": e.since.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    }
                    for e in result.events
                ],
                "failures": list(result.failures),
                "missing": list(result.missing),
                "email": {
                    "sent": result.emailed is not None,
                    "answer": result.emailed,
                    "error": result.email_error,
                },
            }
        )
    elif not quiet and result.reports:
        render.reports(result.reports)
    for event in result.events:
        title = sources.get(event.source).TITLE
        if event.kind == "failure":
            render.warn(f"{title} is failing: {event.message}")
        else:
            render.note(f"{title} works again.")
    for name in result.missing:
        render.warn(f"The watched destination {name} has no advisory in this source.")
    if result.email_error:
        render.note(f"Error: the email was not sent: {result.email_error} It stays queued.")


@cli.group()
def watch() -> None:
    """Edit and show the watchlist that `advisor check` uses.

    \b
    advisor watch add mali niger
    advisor watch list
    advisor watch remove niger
    """


@watch.command(name="add")
@click.argument(
    "names", metavar="DESTINATION...", nargs=-1, required=True, shell_complete=complete_destination
)
def watch_add(names: tuple[str, ...]) -> None:
    """Add destinations to the watchlist.

    \b
    advisor watch add mali "côte d'ivoire"
    """
    from advisor_cli import watchlist

    added = watchlist.watch_add(names)
    render.note(f"Watching: {', '.join(added)}." if added else "Already watched.")


@watch.command(name="remove")
@click.argument(
    "names", metavar="DESTINATION...", nargs=-1, required=True, shell_complete=complete_destination
)
def watch_remove(names: tuple[str, ...]) -> None:
    """Remove destinations from the watchlist.

    \b
    advisor watch remove niger
    """
    from advisor_cli import watchlist

    removed = watchlist.watch_remove(names)
    render.note(f"No longer watching: {', '.join(removed)}.")


@watch.command(name="list")
@json_option
def watch_list(as_json: bool) -> None:
    """Show the watchlist.

    \b
    advisor watch list --json
    """
    from advisor_cli import watchlist

    watched = watchlist.watch_list()
    if as_json:
        render.print_json([{"destination": d.name, "code": d.code} for d in watched])
    elif watched:
        render.echo("\n".join(d.name for d in watched))
    else:
        render.note("The watchlist is empty; add to it with `advisor watch add DESTINATION`.")


@cli.group(name="config")
def config_group() -> None:
    """Show or validate the configuration file.

    \b
    advisor config show
    advisor config check
    """


@config_group.command(name="show")
def config_show() -> None:
    """Print the effective configuration, secrets masked.

    \b
    advisor config show
    """
    from advisor_cli import config as configuration

    render.print_json(configuration.effective(configuration.load()))


@config_group.command(name="check")
@click.pass_context
def config_check(ctx: click.Context) -> None:
    """Validate the configuration file; name every bad key or value with its line.

    \b
    advisor config check
    """
    from advisor_cli import config as configuration

    path = paths().config_file
    problems = configuration.problems(path)
    for problem in problems:
        render.note(f"{path.name}, {problem}")
    if problems:
        ctx.exit(ExitStatus.USAGE)
    render.note(f"{path}: OK" if path.exists() else f"{path} does not exist (defaults apply).")


@cli.group()
def notify() -> None:
    """Email delivery.

    \b
    advisor notify test
    """


@notify.command(name="test")
def notify_test() -> None:
    """Send a test message with the [email] settings and print the server's answer.

    \b
    advisor notify test
    """
    from advisor_cli import config as configuration
    from advisor_cli import notify as mail

    config = configuration.load()
    if config.email is None:
        raise UsageError("No [email] table in the configuration (or ADVISOR_EMAIL_* variables).")
    answer = mail.send(mail.test_message(config.email, monitor.now()), config.email)
    render.note(f"Sent to {', '.join(config.email.to)}: {answer}")
