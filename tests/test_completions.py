"""The shell completion scripts in completions/ are click's, current, and complete destinations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REGENERATE = (
    "for sh in bash zsh fish; do"
    " _ADVISOR_COMPLETE=${sh}_source advisor > completions/advisor.$sh; done"
)


def _advisor(env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "advisor_cli"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_script_is_current(shell: str) -> None:
    committed = (ROOT / "completions" / f"advisor.{shell}").read_text()
    generated = _advisor({"_ADVISOR_COMPLETE": f"{shell}_source"})
    assert committed == generated, f"completions/advisor.{shell} is stale; run: {REGENERATE}"


def test_destination_argument_completes_names() -> None:
    out = _advisor(
        {"_ADVISOR_COMPLETE": "bash_complete", "COMP_WORDS": "advisor show mal", "COMP_CWORD": "2"}
    )
    values = [line.split(",", 1)[1] for line in out.splitlines()]
    assert {"mali", "malta", "malawi", "malaysia"} <= set(values)
    assert all(v.startswith("mal") for v in values)


def test_history_argument_completes_names() -> None:
    out = _advisor(
        {
            "_ADVISOR_COMPLETE": "bash_complete",
            "COMP_WORDS": "advisor history cote",
            "COMP_CWORD": "2",
        }
    )
    assert "plain,cote-d-ivoire" in out.splitlines()
