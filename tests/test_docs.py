"""Every command has help text with an example, and the README documents it."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from advisor_cli.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_with_example(name: str) -> None:
    command = cli.commands[name]
    assert command.help and command.help.strip(), f"{name} has no help text"
    assert f"advisor {name}" in command.help, f"{name}'s help has no example"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_readme(name: str) -> None:
    assert f"`advisor {name}" in README, f"README does not document `advisor {name}`"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_has_help(name: str) -> None:
    for param in cli.commands[name].params:
        if isinstance(param, click.Option):
            assert param.help, f"advisor {name} {param.opts[0]} has no help"


def test_readme_has_the_two_setup_commands_and_the_test_command() -> None:
    assert "$ pip install .\n$ advisor show mali\n" in README
    assert '$ python -m pip install -e ".[test]" && python -m pytest' in README
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert 'python -m pip install -e ".[test]" && python -m pytest' in ci
