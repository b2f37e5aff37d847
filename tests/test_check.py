"""`advisor check`: the watchlist, one email per change, nothing lost, nothing twice."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LOOPBACK, FeedServer, Run, Server, Start, free_port
from feeds import NIGER, RAISED, Item, feed

from advisor_cli import check as checking
from advisor_cli.paths import paths


@pytest.fixture
def smtp(smtp_server: Start, monkeypatch: pytest.MonkeyPatch) -> Server:
    """A real SMTP server on 127.0.0.1, and advisor's email settings pointing at it."""
    server = smtp_server()
    email_to_server(monkeypatch, server.port)
    return server


def email_to_server(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setenv("ADVISOR_SMTP_HOST", LOOPBACK)
    monkeypatch.setenv("ADVISOR_SMTP_PORT", str(port))
    monkeypatch.setenv("ADVISOR_SMTP_SECURITY", "none")
    monkeypatch.setenv("ADVISOR_EMAIL_TO", "me@example.com")
    monkeypatch.setenv("ADVISOR_EMAIL_FROM", "advisor@example.com")


@pytest.fixture(autouse=True)
def watching(advisor_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_NOW", "2026-11-20T14:00:00Z")
    advisor_env.mkdir(parents=True, exist_ok=True)
    (advisor_env / "config.toml").write_text('# mine\nwatch = ["mali", "niger"]\n')


def serve(feed_server: FeedServer, *items: Item) -> None:
    feed_server.serve(feed(*items))


def test_nothing_to_check_is_a_usage_error(run: Run, advisor_env: Path) -> None:
    (advisor_env / "config.toml").write_text("")
    result = run("check")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Nothing to check: name destinations")


def test_first_and_unchanged_runs_are_silent(
    run: Run, feed_server: FeedServer, smtp: Server
) -> None:
    serve(feed_server, Item(), NIGER)
    for _ in range(2):
        result = run("check")
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert smtp.handler.messages() == []


def test_a_change_is_one_email_and_reported_once(
    run: Run, feed_server: FeedServer, smtp: Server
) -> None:
    serve(feed_server, Item(), NIGER)
    run("check")
    serve(feed_server, RAISED, NIGER)
    result = run("check")
    assert result.exit_code == 1, result.stderr
    assert "Mali — Level 3 → 4 RAISED" in result.stdout
    (message,) = smtp.handler.messages()
    assert message["Subject"] == "Travel advisories: Mali raised to Level 4"
    assert message.get_content_type() == "multipart/alternative"
    assert message["Date"] and message["Message-ID"]
    again = run("check")
    assert (again.exit_code, again.stdout) == (0, "")
    assert len(smtp.handler.messages()) == 1


def test_quiet_and_json(run: Run, feed_server: FeedServer, smtp: Server) -> None:
    serve(feed_server, Item(), NIGER)
    run("check")
    serve(feed_server, RAISED, NIGER)
    result = run("check", "--quiet")
    assert (result.exit_code, result.stdout) == (1, "")
    serve(feed_server, Item(level=2, date="Sat, 21 Nov 2026"), NIGER)
    data = json.loads(run("check", "--json").stdout)
    assert [c["destination"] for c in data["changes"]] == ["Mali"]
    assert data["changes"][0]["level"] == {"old": 4, "new": 2}
    assert data["email"]["sent"] is True and data["email"]["answer"].startswith("250")


def test_no_email_prints_and_counts_as_delivered(
    run: Run, feed_server: FeedServer, smtp: Server
) -> None:
    serve(feed_server, Item(), NIGER)
    run("check")
    serve(feed_server, RAISED, NIGER)
    assert run("check", "--no-email").exit_code == 1
    assert smtp.handler.messages() == []
    assert run("check").exit_code == 0


def test_email_flag_without_settings_is_a_usage_error(run: Run) -> None:
    result = run("check", "--email")
    assert result.exit_code == 2
    assert "--email needs an [email] table" in result.stderr


def test_server_down_then_up_delivers_once(
    run: Run, feed_server: FeedServer, smtp_server: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()  # nothing listens yet
    email_to_server(monkeypatch, port)
    serve(feed_server, Item(), NIGER)
    run("check")
    serve(feed_server, RAISED, NIGER)
    down = run("check")
    assert down.exit_code == 3
    assert "Could not connect" in down.stderr and "It stays queued" in down.stderr
    server = smtp_server()
    email_to_server(monkeypatch, server.port)
    niger_raised = Item(
        name="Niger",
        level=4,
        date="Sat, 21 Nov 2026",
        link=NIGER.link,
        body="Do not travel<p>to <b>Niger</b>, now for any reason.</p>",
    )
    serve(feed_server, RAISED, niger_raised)
    up = run("check")
    assert up.exit_code == 1, up.stderr
    (message,) = server.handler.messages()
    assert message["Subject"] == "Travel advisories: Mali raised to Level 4; Niger updated"
    assert run("check").exit_code == 0
    assert len(server.handler.messages()) == 1


def test_source_failure_is_reported_once_and_so_is_recovery(
    run: Run, feed_server: FeedServer, smtp: Server
) -> None:
    serve(feed_server, Item(), NIGER)
    run("check")
    feed_server.serve(b"<html>maintenance</html>", status=503)
    first = run("check")
    assert first.exit_code == 3
    assert "U.S. Department of State is failing" in first.stderr
    second = run("check")
    assert (second.exit_code, second.stdout, second.stderr) == (3, "", "")
    serve(feed_server, Item(), NIGER)
    recovered = run("check")
    assert recovered.exit_code == 0
    assert "works again" in recovered.stderr
    subjects = [m["Subject"] for m in smtp.handler.messages()]
    assert subjects == [
        "Travel advisories: U.S. Department of State feed failing",
        "Travel advisories: U.S. Department of State feed recovered",
    ]
    assert run("show", "mali", "--offline").exit_code == 0  # the good version stayed


def test_a_second_run_waits_for_the_lock_then_gives_up(
    run: Run, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(feed_server, Item(), NIGER)
    monkeypatch.setenv("ADVISOR_LOCK_WAIT", "0.3")
    with checking.lock(paths().data / "check.lock"):
        result = run("check")
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: Another advisor check is still running")


# -- real processes: overlapping runs and kill -9 -------------------------------------------------


def advisor(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "advisor_cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


def test_two_concurrent_runs_send_one_message(
    run: Run, feed_server: FeedServer, smtp: Server
) -> None:
    serve(feed_server, Item(), NIGER)
    run("check")
    serve(feed_server, RAISED, NIGER)
    procs = [advisor("check", "--quiet") for _ in range(2)]
    codes = sorted(p.wait(timeout=60) for p in procs)
    for p in procs:
        p.communicate()
    assert codes == [0, 1]  # one reported the change, the other found nothing new
    assert len(smtp.handler.messages()) == 1


@pytest.fixture
def stalling_smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """An SMTP server that greets, then never answers: a send in progress, forever."""
    listener = socket.socket()
    listener.bind((LOOPBACK, 0))
    listener.listen()
    email_to_server(monkeypatch, listener.getsockname()[1])
    connected = threading.Event()
    clients: list[socket.socket] = []

    def serve() -> None:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        clients.append(client)
        client.sendall(b"220 stalling ESMTP\r\n")
        connected.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield connected
    listener.close()
    for client in clients:
        client.close()
    thread.join(timeout=5)


def test_kill_during_send_loses_nothing(
    run: Run,
    feed_server: FeedServer,
    stalling_smtp: threading.Event,
    smtp_server: Start,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve(feed_server, Item(), NIGER)
    run("check")
    serve(feed_server, RAISED, NIGER)
    proc = advisor("check")
    assert stalling_smtp.wait(timeout=30), "check never reached the SMTP server"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    server = smtp_server()
    email_to_server(monkeypatch, server.port)
    result = run("check")
    assert result.exit_code == 1, result.stderr
    (message,) = server.handler.messages()
    assert message["Subject"] == "Travel advisories: Mali raised to Level 4"
    assert run("check").exit_code == 0
    assert len(server.handler.messages()) == 1


# -- watchlist and configuration ----------------------------------------------------------------


def test_watch_add_list_remove_keep_comments(run: Run, advisor_env: Path) -> None:
    assert run("watch", "add", "côte d'ivoire", "ML").exit_code == 0
    text = (advisor_env / "config.toml").read_text()
    assert text.startswith("# mine\n")
    assert run("watch", "list").stdout == "Mali\nNiger\nCôte d'Ivoire\n"
    assert run("watch", "remove", "niger").exit_code == 0
    data = json.loads(run("watch", "list", "--json").stdout)
    assert [d["code"] for d in data] == ["ML", "CI"]
    unknown = run("watch", "add", "mlai")
    assert unknown.exit_code == 2
    assert "Did you mean: Mali, Malta, Malawi?" in unknown.stderr


def test_config_check_names_the_line(run: Run, advisor_env: Path) -> None:
    (advisor_env / "config.toml").write_text('watch = ["mali"]\n\n[email]\nport = "abc"\n')
    result = run("config", "check")
    assert result.exit_code == 2
    assert "line 4: email.port must be a whole number from 1 to 65535" in result.stderr
    broken = run("check")
    assert broken.exit_code == 2
    assert "Traceback" not in broken.stderr


def test_config_show_masks_the_password(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    email_to_server(monkeypatch, 2525)
    monkeypatch.setenv("ADVISOR_SMTP_PASSWORD", "s3cret-value")
    result = run("config", "show")
    assert result.exit_code == 0
    assert "s3cret-value" not in result.stdout
    assert "********" in result.stdout


def test_notify_test(run: Run, smtp: Server) -> None:
    result = run("notify", "test")
    assert result.exit_code == 0, result.stderr
    assert "250" in result.stderr
    assert len(smtp.handler.messages()) == 1


def test_notify_test_connection_refused(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    email_to_server(monkeypatch, free_port())
    result = run("notify", "test")
    assert result.exit_code == 3
    assert "Could not connect" in result.stderr and "refused" in result.stderr


def test_kill_during_fetch_or_record_leaves_a_consistent_database(
    run: Run, feed_server: FeedServer, smtp: Server
) -> None:
    serve(feed_server, Item(), NIGER)
    run("check")
    serve(feed_server, RAISED, NIGER)
    for delay in (0.05, 0.15, 0.3):
        proc = advisor("check")
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    result = run("check")
    assert result.exit_code in (0, 1)
    # Delivered by whichever run got there; twice only if a kill fell between the server's
    # acceptance and the record of it.
    delivered = len(smtp.handler.messages())
    assert 1 <= delivered <= 2
    assert run("check").exit_code == 0
    assert len(smtp.handler.messages()) == delivered
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("
            "'PRAGMA integrity_check').fetchone()[0])",
            str(paths().database),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.strip() == "ok"
