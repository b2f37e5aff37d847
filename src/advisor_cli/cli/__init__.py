"""The advisor command: options in, core calls, output out; errors become exit codes here only."""

from __future__ import annotations

from advisor_cli.cli import advisories, changes, governments, watching  # noqa: F401 - they register commands
from advisor_cli.cli.base import cli

__all__ = ["cli", "main"]


def main() -> None:
    cli(prog_name="advisor")
