"""`advisor diff`, `history` and `gc` through the CLI, against a loopback feed server."""

from __future__ import annotations

import json
import re
import time

import pytest
from conftest import FeedServer, Run
from feeds import MALI_CLASSIC, NIGER, RAISED, Item, feed


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setenv("ADVISOR_NOW", "2026-11-20T14:00:00Z")


def diff(run: Run, feed_server: FeedServer, *items: Item, args: tuple[str, ...] = ("mali",)):
    feed_server.serve(feed(*items, NIGER))
    return run("diff", *args)


def test_first_run_starts_watching(run: Run, feed_server: FeedServer) -> None:
    result = diff(run, feed_server, Item())
    assert result.exit_code == 0
    assert result.stdout == "Mali: first check, now watching Level 3 (issued 2026-06-08).\n"


def test_no_change_is_one_line_and_exit_0(run: Run, feed_server: FeedServer) -> None:
    diff(run, feed_server, Item())
    result = diff(run, feed_server, Item())
    assert result.exit_code == 0
    assert result.stdout == "Mali: no change since 2026-06-08 (last checked 2026-11-20 14:00)\n"


def test_quiet_prints_nothing(run: Run, feed_server: FeedServer) -> None:
    diff(run, feed_server, Item())
    result = diff(run, feed_server, RAISED, args=("mali", "--quiet"))
    assert (result.exit_code, result.stdout) == (1, "")


def test_change_is_shown_section_by_section_and_exits_1(run: Run, feed_server: FeedServer) -> None:
    diff(run, feed_server, Item())
    result = diff(run, feed_server, RAISED)
    assert result.exit_code == 1
    out = result.stdout
    assert out.startswith(
        "Mali — Level 3 → 4 RAISED (Reconsider Travel → Do Not Travel)\n"
        "Issued: 2026-06-08 → 2026-11-20\n"
        "Change note: The advisory level was increased to 4.\n"
    )
    assert "Section added: Health\n  + Clinics are scarce.\n" in out
    assert "Section changed: Crime\n" in out
    assert "  -Violent crime is common.\n  +Violent crime is very common.\n" in out
    assert out.endswith("1 section unchanged\n")  # Terrorism
    # Reported once: the next run has nothing to say.
    again = diff(run, feed_server, RAISED)
    assert again.exit_code == 0
    assert again.stdout.startswith("Mali: no change since 2026-11-20")


def test_lowered(run: Run, feed_server: FeedServer) -> None:
    diff(run, feed_server, Item())
    lowered = Item(level=2, date="Fri, 20 Nov 2026")
    result = diff(run, feed_server, lowered)
    assert result.exit_code == 1
    assert "Level 3 → 2 LOWERED" in result.stdout


def test_json(run: Run, feed_server: FeedServer) -> None:
    diff(run, feed_server, Item())
    result = diff(run, feed_server, RAISED, args=("mali", "--json"))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["destination"] == "Mali" and data["source"] == "us" and data["changed"] is True
    assert data["level"] == {"old": 3, "new": 4}
    assert data["issued"] == {"old": "2026-06-08", "new": "2026-11-20"}
    assert data["change_note"] == "The advisory level was increased to 4."
    assert data["regions"] == {"added": [], "removed": [], "changed": []}
    assert data["sections"]["added"] == ["Health"]
    assert data["sections"]["removed"] == []
    assert [c["title"] for c in data["sections"]["changed"]] == ["Summary", "Crime"]
    assert "+Violent crime is very common." in data["sections"]["changed"][1]["diff"]
    assert data["from"]["version"] == 1 and data["to"]["version"] == 2
    assert data["from"]["first_seen"] == "2026-11-20T14:00:00Z"


def test_json_for_several_is_an_array(run: Run, feed_server: FeedServer) -> None:
    result = diff(run, feed_server, Item(), args=("mali", "niger", "--json"))
    data = json.loads(result.stdout)
    assert [d["destination"] for d in data] == ["Mali", "Niger"]
    assert all(d["changed"] is False for d in data)


@pytest.mark.parametrize(
    ("label", "second"),
    [
        pytest.param(
            "flip-flop",
            Item(
                link=MALI_CLASSIC,
                body=(
                    "<p><b>Reissued after periodic review.</b></p>"
                    "<p>Reconsider travel to Mali due to crime.</p>"
                    "<p><b>Country Summary:</b> Violent crime is common.</p>"
                ),
            ),
            id="other-rendering",
        ),
        pytest.param(
            "stale", Item(date="Tue, 20 May 2025", body="Reconsider<p>old</p>"), id="stale-copy"
        ),
        pytest.param(
            "placeholder",
            Item(
                level=1,
                date="Fri, 20 Nov 2026",
                body="Exercise normal precaution<p>Summary not available</p>",
            ),
            id="placeholder",
        ),
        pytest.param("future", Item(date="Sun, 15 Sep 2030"), id="future-date"),
        pytest.param("empty", Item(body=""), id="empty-description"),
    ],
)
def test_noise_is_not_a_change(run: Run, feed_server: FeedServer, label: str, second: Item) -> None:
    diff(run, feed_server, Item())
    for _ in range(2):  # and the original coming back is not a change either
        assert diff(run, feed_server, second).exit_code == 0, label
        assert diff(run, feed_server, Item()).exit_code == 0, label


def test_anomaly_is_reported_once_on_stderr_and_in_json(run: Run, feed_server: FeedServer) -> None:
    diff(run, feed_server, Item())
    placeholder = Item(
        level=1,
        date="Fri, 20 Nov 2026",
        body="Exercise normal precaution<p>Summary not available</p>",
    )
    first = diff(run, feed_server, placeholder, args=("mali", "--json"))
    assert first.exit_code == 0
    assert "placeholder text instead of an advisory" in first.stderr
    assert json.loads(first.stdout)["anomalies"] == [
        {"title": "Mali", "reason": "placeholder text instead of an advisory"}
    ]
    second = diff(run, feed_server, placeholder, args=("mali", "--json"))
    assert second.stderr == ""
    assert json.loads(second.stdout)["anomalies"] == []


def test_level_change_with_the_same_text_is_reported(run: Run, feed_server: FeedServer) -> None:
    diff(run, feed_server, Item())
    result = diff(run, feed_server, Item(level=4))
    assert result.exit_code == 1
    assert "Level 3 → 4 RAISED" in result.stdout


def test_offline_compares_the_two_latest_versions(
    run: Run, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    diff(run, feed_server, Item())
    diff(run, feed_server, RAISED)
    monkeypatch.setenv("ADVISOR_US_URL", f"http://127.0.0.1:{closed_port}")
    result = run("diff", "mali", "--offline")
    assert result.exit_code == 1
    assert "Level 3 → 4 RAISED" in result.stdout


def test_from_and_to(run: Run, feed_server: FeedServer) -> None:
    diff(run, feed_server, Item())
    diff(run, feed_server, RAISED)
    assert run("diff", "mali", "--from", "1", "--to", "2").exit_code == 1
    assert run("diff", "mali", "--from", "2").exit_code == 0
    by_date = run("diff", "mali", "--from", "2026-11-20", "--to", "1", "--json")
    assert json.loads(by_date.stdout)["level"] == {"old": 4, "new": 3}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "9"), "Error: There is no version 9; history has versions 1 to 2.\n"),
        (
            ("--from", "yesterday"),
            "Error: 'yesterday' is neither a version number nor a date (YYYY-MM-DD).\n",
        ),
        (("--from", "2020-01-01"), "Error: No version was stored yet on 2020-01-01.\n"),
        (("--to", "1"), "Error: --to needs --from.\n"),
    ],
)
def test_bad_refs_are_usage_errors(
    run: Run, feed_server: FeedServer, args: tuple[str, ...], message: str
) -> None:
    diff(run, feed_server, Item())
    diff(run, feed_server, RAISED)
    result = run("diff", "mali", *args)
    assert (result.exit_code, result.stderr) == (2, message)


def test_unknown_destination_is_exit_2(run: Run) -> None:
    result = run("diff", "mlai")
    assert result.exit_code == 2
    assert (
        result.stderr == "Error: Unknown destination 'mlai'. Did you mean: Mali, Malta, Malawi?\n"
    )


def test_fetch_failure_is_exit_3_even_with_data_stored(
    run: Run, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    diff(run, feed_server, Item())
    monkeypatch.setenv("ADVISOR_US_URL", f"http://127.0.0.1:{closed_port}")
    result = run("diff", "mali")
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: Could not connect to 127.0.0.1:")
    assert "Traceback" not in result.stderr


def test_history(run: Run, feed_server: FeedServer) -> None:
    diff(run, feed_server, Item())
    diff(run, feed_server, RAISED)
    result = run("history", "mali")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Mali (U.S. Department of State): 2 version(s)"
    assert lines[1].startswith("Level █")
    assert lines[-2].split()[:4] == ["1", "2026-11-20", "14:00", "2026-11-20"]
    assert lines[-2].endswith("first version")
    assert lines[-1].endswith("Level 3 → 4; Summary, Crime changed; Health added")
    data = json.loads(run("history", "mali", "--json").stdout)
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert [v["level"] for v in data["versions"]] == [3, 4]
    assert [v["current"] for v in data["versions"]] == [False, True]
    assert data["versions"][1]["changes"] == "Level 3 → 4; Summary, Crime changed; Health added"


def test_history_without_data_is_exit_3(run: Run) -> None:
    result = run("history", "mali")
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: Nothing is stored for Mali yet")


def test_gc_keeps_the_current_version(run: Run, feed_server: FeedServer) -> None:
    diff(run, feed_server, Item())
    diff(run, feed_server, Item(date="Tue, 09 Jun 2026", body="Reconsider<p>to Mali, two.</p>"))
    diff(run, feed_server, RAISED)
    result = run("gc", "--keep", "1")
    assert result.exit_code == 0
    assert result.stderr.startswith("Removed 2 old version(s)")
    data = json.loads(run("history", "mali", "--json").stdout)
    assert [v["version"] for v in data["versions"]] == [3]
    assert run("show", "mali", "--offline").exit_code == 0


def test_on_a_terminal_long_unchanged_text_shrinks_around_the_change(
    run: Run, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    paragraphs = "".join(f"<p>Unchanged paragraph {n}.</p>" for n in range(12))
    before = Item(body=f"Reconsider<p>to Mali.</p><h5><b>Crime</b></h5>{paragraphs}<p>Old end.</p>")
    after = Item(body=before.body.replace("Old end.", "New end."))
    diff(run, feed_server, before)
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = diff(run, feed_server, after)
    assert result.exit_code == 1
    text = re.sub(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\", "", result.stdout)
    assert "…\nUnchanged paragraph 11.\n\nOldNew end." in text  # "Old" struck, "New" inserted
    assert "Unchanged paragraph 3." not in text
