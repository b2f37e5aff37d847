"""Faults: the network, the SMTP server and the disk failing under advisor, and kill -9.

Every case ends the same way: one clear "Error: …" line, exit 3, no traceback, and nothing good
lost: what was stored stays, and what was queued for email is delivered later, once. The cases
already covered elsewhere (connection refused, timeouts, 403, 500s then success, truncated XML,
XXE, SMTP refusing a recipient...) are listed in the README's "Reliability" section with their
tests; this file holds the rest.
"""

from __future__ import annotations

import contextlib
import email
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword
from conftest import LOOPBACK, FeedServer, Run, Start, fixture_bytes, free_port
from feeds import NIGER, RAISED, Item, feed
from werkzeug import Request, Response

from advisor_cli import monitor
from advisor_cli.errors import FetchError
from advisor_cli.http import Http
from advisor_cli.paths import paths
from advisor_cli.sources import us
from advisor_cli.store import Store
from advisor_cli.store import base as store_base

MALI_CRIME = "Armed robbery and carjacking happen in every region, in daylight too."


@pytest.fixture(autouse=True)
def pinned_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_NOW", "2026-11-20T14:00:00Z")


def one_error_line(stderr: str) -> str:
    """stderr must be exactly one "Error: …" line, without a traceback."""
    assert stderr.startswith("Error: "), stderr
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr and "unexpected" not in stderr, stderr
    return stderr


def advisor(*args: str, prefix: tuple[str, ...] = ()) -> subprocess.Popen[str]:
    """`advisor ARGS` as a real process, with this test's environment."""
    return subprocess.Popen(
        [*prefix, sys.executable, "-m", "advisor_cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


def integrity(database: Path) -> str:
    with contextlib.closing(sqlite3.connect(database)) as db:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def stored_mali_is_intact(run: Run) -> None:
    offline = run("show", "mali", "--offline")
    assert (offline.exit_code, offline.stderr) == (0, ""), offline.stderr
    assert MALI_CRIME in offline.stdout
    assert integrity(paths().database) == "ok"


@pytest.fixture
def fetched(feed_server: FeedServer, run: Run) -> FeedServer:
    """A good fetch of the 12-item feed is stored (and `diff` is watching Mali)."""
    feed_server.serve("full.xml")
    result = run("diff", "mali")
    assert result.exit_code == 0, result.stderr
    return feed_server


# -- HTTP: a loopback server that says exactly what a test tells it to ------------------------


@dataclass
class RawServer:
    """Answers each request for the feed by calling `answer(connection, request_number)`."""

    answer: Callable[[socket.socket, int], None]
    listener: socket.socket = field(default_factory=socket.socket)
    seen: list[float] = field(default_factory=list)  # when each request arrived (monotonic)

    def start(self) -> str:
        self.listener.bind((LOOPBACK, 0))
        self.listener.listen()
        threading.Thread(target=self._serve, daemon=True).start()
        return f"http://{LOOPBACK}:{self.listener.getsockname()[1]}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # closed: the test is over
            with conn:
                head = b""
                while b"\r\n\r\n" not in head:
                    data = conn.recv(65536)
                    if not data:
                        break
                    head += data
                self.seen.append(time.monotonic())
                with contextlib.suppress(OSError):  # the client hung up, as some tests want
                    self.answer(conn, len(self.seen))


@pytest.fixture
def raw_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., RawServer]]:
    started: list[RawServer] = []

    def start(answer: Callable[[socket.socket, int], None]) -> RawServer:
        server = RawServer(answer)
        monkeypatch.setenv(us.BASE_ENV, server.start())
        started.append(server)
        return server

    yield start
    for server in started:
        server.listener.close()


def padded_feed(size: int) -> bytes:
    """The 12-item feed, grown past `size` bytes by an XML comment: valid, just too big."""
    body = fixture_bytes("us/full.xml")
    return body + b"<!--" + b"x" * (size - len(body) + 1) + b"-->\n"


def answer_with_length(body: bytes) -> Callable[[socket.socket, int], None]:
    def answer(conn: socket.socket, _: int) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {len(body)}\r\n"
        conn.sendall(head.encode() + b"Connection: close\r\n\r\n" + body)

    return answer


def answer_chunked(body: bytes, chunk: int = 64 * 1024) -> Callable[[socket.socket, int], None]:
    def answer(conn: socket.socket, _: int) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n")
        conn.sendall(b"Connection: close\r\n\r\n")
        for start in range(0, len(body), chunk):
            part = body[start : start + chunk]
            conn.sendall(b"%x\r\n%s\r\n" % (len(part), part))
        conn.sendall(b"0\r\n\r\n")

    return answer


CAP = 64 * 1024


@pytest.mark.parametrize(
    ("framing", "message"),
    [
        pytest.param(
            "length", r"sent 65,\d{3} bytes, over the 0\.0625 MB cap\.", id="content-length"
        ),
        pytest.param(
            "chunked", r"sent more than the 0\.0625 MB cap; stopped reading\.", id="chunked"
        ),
    ],
)
def test_an_answer_over_the_size_cap_is_refused(
    fetched: FeedServer, raw_server: Callable[..., RawServer], framing: str, message: str
) -> None:
    body = padded_feed(CAP)
    raw_server(answer_with_length(body) if framing == "length" else answer_chunked(body, 4096))
    with Store(paths().database) as store:
        before = store.current("us", "ML")
        with pytest.raises(FetchError, match=rf"^127\.0\.0\.1:\d+ {message}$"):
            monitor.refresh(store, "us", http=Http(max_bytes=CAP, backoff=0))
        assert store.current("us", "ML") == before
        info = store.fetch_info("us")
        assert info is not None and info.last_error and "cap" in info.last_error
    # The padded feed is a good one: under the cap, the same answer is taken.
    with Store(paths().database) as store:
        monitor.refresh(store, "us", http=Http(max_bytes=2 * CAP, backoff=0))


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_the_real_20_mb_cap_through_the_command(
    fetched: FeedServer, run: Run, raw_server: Callable[..., RawServer], framing: str
) -> None:
    body = padded_feed(20 * 1024 * 1024)
    raw_server(answer_with_length(body) if framing == "length" else answer_chunked(body))
    result = run("diff", "mali")
    assert result.exit_code == 3
    assert "20 MB cap" in one_error_line(result.stderr)
    stored_mali_is_intact(run)


@pytest.mark.parametrize(
    ("framing", "chunked"),
    [("a Content-Length larger than the body", False), ("a chunk cut short", True)],
    ids=["content-length", "chunked"],
)
def test_a_connection_closed_mid_body(
    fetched: FeedServer, run: Run, raw_server: Callable[..., RawServer], framing: str, chunked: bool
) -> None:
    body = fixture_bytes("us/full.xml")

    def answer(conn: socket.socket, _: int) -> None:
        if chunked:
            head = b"Transfer-Encoding: chunked\r\n\r\n%x\r\n" % len(body)
        else:
            head = b"Content-Length: %d\r\n\r\n" % (len(body) + 5000)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n" + head + body[:5000])
        conn.shutdown(socket.SHUT_RDWR)

    server = raw_server(answer)
    result = run("diff", "mali")
    assert result.exit_code == 3, framing
    assert "closed the connection before the whole answer arrived" in one_error_line(result.stderr)
    assert len(server.seen) == 1  # a broken answer is not retried: the server did answer
    stored_mali_is_intact(run)


WRONG_TYPES = [
    pytest.param(
        b'{"advisories": [{"country": "Mali", "level": 4}]}',
        "application/json",
        "The feed is not valid XML (Start tag expected, '<' not found, line 1, column 1",
        id="json",
    ),
    pytest.param(
        b"<!DOCTYPE html>\n<html><head><title>Travel</title></head><body>Hi</body></html>",
        "text/html; charset=utf-8",
        "The source sent an HTML page, not the RSS feed.",
        id="html",
    ),
    pytest.param(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "image/png",
        "The feed is not valid XML (Start tag expected, '<' not found, line 1, column 1",
        id="binary",
    ),
]


@pytest.mark.parametrize(("body", "content_type", "message"), WRONG_TYPES)
def test_the_wrong_content_type_keeps_what_is_stored(
    fetched: FeedServer, run: Run, body: bytes, content_type: str, message: str
) -> None:
    fetched.serve(body, content_type=content_type)
    for command in (("diff", "mali"), ("check", "mali", "--no-email")):
        result = run(*command)
        assert result.exit_code == 3, command
        assert result.stdout == ""
        assert message in result.stderr
    assert one_error_line(run("diff", "mali").stderr).startswith(f"Error: {message}")
    stored_mali_is_intact(run)


def serve_rate_limit(feed_server: FeedServer, retry_after: str) -> list[float]:
    """429 with Retry-After, then the feed; returns when each request arrived."""
    seen: list[float] = []
    answers = [
        Response(b"slow down", status=429, headers={"Retry-After": retry_after}),
        Response(fixture_bytes("us/full.xml"), content_type="text/xml"),
    ]

    def handler(request: Request) -> Response:
        seen.append(time.monotonic())
        return answers[min(len(seen), len(answers)) - 1]

    feed_server.server.clear_all_handlers()
    feed_server.server.expect_request(us.FEED_PATH).respond_with_handler(handler)
    return seen


def http_date(seconds_from_now: float) -> str:
    return format_datetime(datetime.now(timezone.utc) + timedelta(seconds=seconds_from_now), True)


@pytest.mark.parametrize(
    ("retry_after", "least", "most"),
    [
        pytest.param(lambda: "1", 0.95, 1.9, id="seconds"),
        # An HTTP date has whole seconds: "2 s from now" is a wait of 1 to 2 s.
        pytest.param(lambda: http_date(2), 0.95, 2.9, id="http-date"),
    ],
)
def test_retry_after_is_honoured(
    feed_server: FeedServer, run: Run, retry_after: Callable[[], str], least: float, most: float
) -> None:
    seen = serve_rate_limit(feed_server, retry_after())
    result = run("show", "mali")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert len(seen) == 2
    assert least <= seen[1] - seen[0] <= most


@pytest.mark.parametrize(
    "retry_after", [lambda: "3600", lambda: http_date(86400)], ids=["seconds", "http-date"]
)
def test_a_retry_after_beyond_reason_fails_at_once(
    fetched: FeedServer, run: Run, retry_after: Callable[[], str]
) -> None:
    # Before the fix, urllib3 slept as long as asked (up to 6 hours), before each of 3 retries.
    seen = serve_rate_limit(fetched, retry_after())
    started = time.monotonic()
    result = run("diff", "mali")
    assert time.monotonic() - started < 5
    assert result.exit_code == 3
    assert "rate-limiting requests (HTTP 429); try again later" in one_error_line(result.stderr)
    assert len(seen) == 1
    stored_mali_is_intact(run)


# -- the store: unwritable, full, locked -------------------------------------------------------


def test_advisor_home_is_a_file(run: Run, advisor_env: Path, feed_server: FeedServer) -> None:
    feed_server.serve("full.xml")
    advisor_env.parent.mkdir(parents=True, exist_ok=True)
    advisor_env.write_text("not a folder\n")
    result = run("show", "mali")
    assert result.exit_code == 3
    assert one_error_line(result.stderr) == (
        f"Error: Could not create {advisor_env}: a file is in the way.\n"
    )
    assert advisor_env.read_text() == "not a folder\n"


def test_the_database_is_a_folder(run: Run, advisor_env: Path, feed_server: FeedServer) -> None:
    feed_server.serve("full.xml")
    (advisor_env / "advisor.sqlite3").mkdir(parents=True)
    for args in (("show", "mali"), ("show", "mali", "--offline"), ("check", "mali")):
        result = run(*args)
        assert result.exit_code == 3, args
        assert one_error_line(result.stderr) == (
            f"Error: Could not open the database at {advisor_env / 'advisor.sqlite3'}: "
            "unable to open database file.\n"
        )


def _mount(target: Path, options: str) -> None:
    """Mount a tmpfs on `target`, or skip: only root with CAP_SYS_ADMIN may."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")


def _unmount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], check=False, capture_output=True)


@pytest.fixture
def tiny_disk(advisor_env: Path) -> Iterator[Path]:
    """ADVISOR_HOME on a real 1 MB file system of its own (a tmpfs), to fill up."""
    _mount(advisor_env, "size=1m,mode=0755")
    try:
        yield advisor_env
    finally:
        _unmount(advisor_env)


@dataclass
class ReadOnly:
    how: str
    on: Callable[[], None]
    off: Callable[[], None]


@pytest.fixture
def read_only_home(advisor_env: Path) -> Iterator[ReadOnly]:
    """A way to make ADVISOR_HOME read-only for real: chmod for a user; for root (whom chmod
    does not stop), a tmpfs remounted read-only."""
    if os.geteuid() != 0:
        yield ReadOnly(
            "chmod 0500", lambda: advisor_env.chmod(0o500), lambda: advisor_env.chmod(0o700)
        )
        advisor_env.chmod(0o700)
        return
    _mount(advisor_env, "size=1m,mode=0755")

    def remount(mode: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{mode}", str(advisor_env)], check=True)

    try:
        yield ReadOnly("read-only tmpfs", lambda: remount("ro"), lambda: remount("rw"))
    finally:
        _unmount(advisor_env)


def test_a_read_only_store(
    read_only_home: ReadOnly, feed_server: FeedServer, run: Run, advisor_env: Path
) -> None:
    feed_server.serve(feed(Item(), NIGER))
    assert run("diff", "mali").exit_code == 0
    feed_server.serve(feed(RAISED, NIGER))
    read_only_home.on()
    database = re.escape(f"Could not open the database at {advisor_env / 'advisor.sqlite3'}")
    expected = {
        "diff": rf"{database}: {re.escape(str(advisor_env))} is read-only\.",
        "show": rf"{database}: {re.escape(str(advisor_env))} is read-only\.",
        # check takes its lock first (the file system says why: EROFS, or EACCES for chmod).
        "check": rf"Could not create the lock file {re.escape(str(advisor_env))}/check\.lock: "
        r"(Read-only file system|Permission denied)\.",
    }
    try:
        for command, message in expected.items():
            result = run(command, "mali")
            assert result.exit_code == 3, (read_only_home.how, command)
            assert re.fullmatch(f"Error: {message}\n", one_error_line(result.stderr))
    finally:
        read_only_home.off()
    assert integrity(paths().database) == "ok"
    after = run("diff", "mali")  # writable again: the change is there to be seen
    assert after.exit_code == 1, after.stderr
    assert "Level 3 → 4 RAISED" in after.stdout


def big_change() -> bytes:
    """Mali rewritten at length, in text that does not compress: a write of about 300 KB."""
    rng = random.Random(7)
    words = " ".join(
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
        for _ in range(40_000)
    )
    return feed(Item(level=4, date="Fri, 20 Nov 2026", body=f"Do not travel<p>{words}</p>"), NIGER)


def test_a_full_disk(tiny_disk: Path, feed_server: FeedServer, run: Run) -> None:
    feed_server.serve(feed(Item(), NIGER))
    assert run("diff", "mali").exit_code == 0
    stats = os.statvfs(tiny_disk)
    filler = tiny_disk / "filler"
    filler.write_bytes(b"\0" * (stats.f_bavail * stats.f_frsize - 64 * 1024))  # 64 KB left
    feed_server.serve(big_change())
    for args in (("diff", "mali"), ("check", "mali", "--no-email")):
        result = run(*args)
        assert result.exit_code == 3, args
        assert one_error_line(result.stderr) == (
            f"Error: Could not write to the database at {tiny_disk / 'advisor.sqlite3'}: "
            "database or disk is full.\n"
        )
    assert integrity(paths().database) == "ok"
    filler.unlink()
    after = run("diff", "mali")
    assert after.exit_code == 1, after.stderr
    assert "Level 3 → 4 RAISED" in after.stdout


def test_a_file_size_limit(feed_server: FeedServer, run: Run) -> None:
    """The closest to a full disk that needs no privilege: RLIMIT_FSIZE makes writes past a size
    fail with EFBIG, a real error from the kernel (Python ignores SIGXFSZ, so it is not killed)."""
    feed_server.serve(feed(Item(), NIGER))
    assert run("diff", "mali").exit_code == 0
    database = paths().database
    limit = database.stat().st_size + 32 * 1024
    feed_server.serve(big_change())
    set_limit = (
        sys.executable,
        "-c",
        "import os, resource, sys; "
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); "
        "os.execv(sys.argv[1], sys.argv[1:])",
    )
    for args in (("diff", "mali"), ("check", "mali", "--no-email")):
        proc = advisor(*args, prefix=set_limit)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 3, err
        assert out == ""
        assert one_error_line(err) == (
            f"Error: Could not write to the database at {database}: disk I/O error.\n"
        )
    assert integrity(database) == "ok"
    after = run("diff", "mali")
    assert after.exit_code == 1, after.stderr
    assert "Level 3 → 4 RAISED" in after.stdout


LOCKER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
"""


@pytest.fixture
def locker() -> Iterator[Callable[[], subprocess.Popen[str]]]:
    """Another process that takes the database's write lock and holds it until its stdin closes."""
    procs: list[subprocess.Popen[str]] = []

    def lock() -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(paths().database)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        procs.append(proc)
        assert proc.stdout is not None and proc.stdout.readline() == "locked\n"
        return proc

    yield lock
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()


def release(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(timeout=30)


def test_a_database_locked_longer_than_advisor_waits(
    feed_server: FeedServer,
    run: Run,
    locker: Callable[[], subprocess.Popen[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    feed_server.serve(feed(Item(), NIGER))
    assert run("diff", "mali").exit_code == 0
    feed_server.serve(feed(RAISED, NIGER))
    with Store(paths().database) as store:  # what users get: 15 s
        assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == 15_000
    # A shorter wait takes the same path without making CI wait 15 s.
    monkeypatch.setattr(store_base, "BUSY_TIMEOUT", 0.5)
    held = locker()
    started = time.monotonic()
    result = run("diff", "mali")
    waited = time.monotonic() - started
    assert result.exit_code == 3
    assert one_error_line(result.stderr) == (
        f"Error: The database at {paths().database} is busy or unwritable: database is locked.\n"
    )
    assert 0.4 <= waited < 5
    offline = run("show", "mali", "--offline")  # readers are not blocked (WAL)
    assert offline.exit_code == 0 and "Level 3" in offline.stdout
    release(held)
    after = run("diff", "mali")
    assert after.exit_code == 1, after.stderr
    assert "Level 3 → 4 RAISED" in after.stdout
    assert integrity(paths().database) == "ok"


def test_a_database_locked_briefly_is_waited_for(
    feed_server: FeedServer, run: Run, locker: Callable[[], subprocess.Popen[str]]
) -> None:
    feed_server.serve(feed(Item(), NIGER))
    assert run("diff", "mali").exit_code == 0
    feed_server.serve(feed(RAISED, NIGER))
    held = locker()
    threading.Timer(0.7, release, (held,)).start()
    started = time.monotonic()
    result = run("diff", "mali")
    assert result.exit_code == 1, result.stderr
    assert "Level 3 → 4 RAISED" in result.stdout
    assert time.monotonic() - started >= 0.6  # it waited for the lock, then went on


# -- SMTP: refusing, timing out, failing authentication, through `advisor check` ----------------


PASSWORD = "right-Pa55word"


@dataclass
class Refusing:
    """An SMTP handler that refuses every message at the end of DATA."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        return "554 5.7.1 Message rejected as spam"


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    good = isinstance(data, LoginPassword) and data == LoginPassword(b"me", PASSWORD.encode())
    return AuthResult(success=good, handled=False)


def email_settings(home: Path, port: int, extra: str = "") -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        'watch = ["mali", "niger"]\n\n[email]\nto = "me@example.com"\n'
        f'from = "advisor@example.com"\nhost = "{LOOPBACK}"\nport = {port}\n'
        f'security = "none"\ntimeout = 0.5\n{extra}'
    )


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with socket.socket() as listener:
        listener.bind((LOOPBACK, 0))
        listener.listen()
        yield int(listener.getsockname()[1])


SMTP_FAULTS = ["refused", "authentication", "timeout"]


@pytest.mark.parametrize("fault", SMTP_FAULTS)
def test_an_email_that_cannot_be_sent_stays_queued(
    fault: str,
    feed_server: FeedServer,
    run: Run,
    smtp_server: Start,
    silent_port: int,
    advisor_env: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if fault == "refused":
        controller = Controller(Refusing(), hostname=LOOPBACK, port=free_port())
        controller.start()
        port = controller.port
        email_settings(advisor_env, port)
        expected = f"127.0.0.1:{port} refused the message (554 5.7.1 Message rejected as spam)."
    elif fault == "authentication":
        port = smtp_server(authenticator=authenticator, auth_require_tls=False).port
        monkeypatch.setenv("ADVISOR_SMTP_PASSWORD", "wrong-Pa55word")
        email_settings(advisor_env, port, 'username = "me"\n')
        expected = (
            f"SMTP authentication failed at 127.0.0.1:{port} "
            "(535 5.7.8 Authentication credentials invalid)."
        )
    else:
        port = silent_port
        email_settings(advisor_env, port)
        expected = f"127.0.0.1:{port} did not answer within 0.5 s."
    try:
        feed_server.serve(feed(Item(), NIGER))
        assert run("check").exit_code == 0
        feed_server.serve(feed(RAISED, NIGER))
        failed = run("check", "--quiet")
        assert failed.exit_code == 3
        assert failed.stderr == f"Error: the email was not sent: {expected} It stays queued.\n"
        again = run("check", "--quiet")  # still queued, still failing: still exit 3
        assert again.exit_code == 3
    finally:
        if fault == "refused":
            controller.stop()
    good = smtp_server()
    email_settings(advisor_env, good.port)
    delivered = run("check")
    assert delivered.exit_code == 1, delivered.stderr
    (message,) = good.handler.messages()
    assert message["Subject"] == "Travel advisories: Mali raised to Level 4"
    assert run("check").exit_code == 0
    assert len(good.handler.messages()) == 1


# -- header injection through a destination's name, end to end ---------------------------------


def test_a_destination_name_cannot_inject_an_email_header(
    feed_server: FeedServer, run: Run, smtp_server: Start, advisor_env: Path
) -> None:
    server = smtp_server()
    email_settings(advisor_env, server.port)
    feed_server.serve(feed(Item(), NIGER))
    assert run("check").exit_code == 0
    evil = "Mali&#13;&#10;Bcc: evil@example.com&#13;&#10;X-Evil: 1"
    raised = Item(name=evil, level=4, date=RAISED.date, body=RAISED.body)
    body = feed(raised, NIGER)
    assert b"Mali&#13;&#10;Bcc:" in body  # the feed carries CR LF into the title
    feed_server.serve(body)
    result = run("check")
    assert result.exit_code == 1, result.stderr
    [envelope] = server.handler.envelopes
    assert envelope.rcpt_tos == ["me@example.com"]
    assert isinstance(envelope.content, bytes)
    head = envelope.content.split(b"\r\n\r\n", 1)[0].decode()
    assert not re.search(r"^(Bcc|X-Evil):", head, re.M | re.I), head
    [message] = server.handler.messages()
    headers = ["Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted", "MIME-Version"]
    assert sorted(message.keys()) == sorted([*headers, "Content-Type"])
    assert message["To"] == "me@example.com"
    plain = message.get_body(("plain",))
    assert plain is not None
    # The name reaches the text only as text, on one line.
    assert "Mali Bcc: evil@example.com X-Evil: 1 — Level 3 → 4 RAISED" in plain.get_content()


# -- kill -9 at random points ---------------------------------------------------------------

KILL_RUNS = 30
KILL_SEED = 20261120
FIRST_ISSUED = date(2026, 7, 1)


def revision(n: int) -> Item:
    """Mali's advisory as of revision n: issued n days after 1 July, and saying so."""
    issued = FIRST_ISSUED + timedelta(days=n)
    return Item(
        date=issued.strftime("%a, %d %b %Y"),
        body=(
            f"Reconsider travel<p>to <b>Mali</b> (revision {n}).</p>"
            "<h5><b>Crime</b></h5><p>Violent crime is common.</p>"
        ),
    )


@dataclass
class Delivery:
    mail_at: float  # when the server answered MAIL FROM (the client was alive then)
    message: EmailMessage  # accepted: the client had sent all of it, up to the final dot


@dataclass
class Recording:
    """An SMTP handler that keeps each message it accepts, and when its transaction began."""

    deliveries: list[Delivery] = field(default_factory=list)
    mail_at: dict[int, float] = field(default_factory=dict)

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Envelope, address: str, options: Any
    ) -> str:
        self.mail_at[id(session)] = time.monotonic()
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        message = email.message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        self.deliveries.append(Delivery(self.mail_at.pop(id(session)), message))
        return "250 2.0.0 Ok: queued"


@dataclass
class Attempt:
    started: float
    ended: float
    killed_at: float | None  # None: the run finished before its kill came


@pytest.fixture
def recording_smtp(advisor_env: Path) -> Iterator[Recording]:
    handler = Recording()
    controller = Controller(handler, hostname=LOOPBACK, port=free_port())
    controller.start()
    email_settings(advisor_env, controller.port)
    try:
        yield handler
    finally:
        controller.stop()


def span(message: EmailMessage) -> tuple[int, int]:
    """The revisions an email reports a change between, from its "Issued: A → B" line."""
    plain = message.get_body(("plain",))
    assert plain is not None
    m = re.search(r"^Issued: (\S+) → (\S+)\r?$", plain.get_content(), re.M)
    assert m, plain.get_content()
    a, b = (date.fromisoformat(d) for d in m.groups())
    return (a - FIRST_ISSUED).days, (b - FIRST_ISSUED).days


def test_kill_9_at_random_points_loses_nothing_and_sends_nothing_twice(
    feed_server: FeedServer, run: Run, recording_smtp: Recording
) -> None:
    rng = random.Random(KILL_SEED)
    fetched_at: list[float] = []

    def serve(n: int) -> None:
        def answer(request: Request) -> Response:
            fetched_at.append(time.monotonic())
            return Response(feed(revision(n), NIGER), content_type="text/xml")

        feed_server.server.clear_all_handlers()
        feed_server.server.expect_request(us.FEED_PATH).respond_with_handler(answer)

    serve(0)
    assert run("check").exit_code == 0  # the first sight: watching, nothing to send
    attempts: list[Attempt] = []

    def attempt(n: int, delay: float | None) -> Attempt:
        serve(n)
        started = time.monotonic()
        proc = advisor("check", "--quiet")
        killed_at = None
        if delay is not None:
            time.sleep(delay)
            if proc.poll() is None:
                killed_at = time.monotonic()
                proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        if proc.returncode != -signal.SIGKILL:
            killed_at = None  # it finished just before the signal came
            assert proc.returncode in (0, 1)
        done = Attempt(started, time.monotonic(), killed_at)
        attempts.append(done)
        return done

    # A whole run, the time the kills must cover: start, fetch, record, email, acknowledge.
    measured = attempt(1, None)
    duration = measured.ended - measured.started
    assert len(recording_smtp.deliveries) == 1
    # Random, seeded, and spread over the whole run: one delay in each of KILL_RUNS equal slices
    # of it, in random order, so that the short phases late in a run are hit too.
    delays = [rng.uniform(i, i + 1) * duration / KILL_RUNS for i in range(KILL_RUNS)]
    rng.shuffle(delays)
    for n, delay in enumerate(delays, start=2):
        attempt(n, delay)
    last = KILL_RUNS + 1
    attempt(last, None)  # a clean run delivers whatever the kills left queued
    attempt(last, None)  # and then there is nothing left
    killed = [a for a in attempts if a.killed_at is not None]
    assert len(killed) >= 20
    # Some kills fell after the fetch, in recording or sending: not all in Python's start-up.
    assert any(a.killed_at and a.started < t < a.killed_at for a in killed for t in fetched_at)

    database = paths().database
    assert integrity(database) == "ok"
    with contextlib.closing(sqlite3.connect(database)) as db:
        pending = db.execute("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL")
        assert pending.fetchone()[0] == 0
        rows = db.execute(
            "SELECT v.issued FROM current_log l JOIN versions v ON v.id = l.version_id"
            " WHERE l.source = 'us' AND l.destination = 'ML' AND NOT l.silent ORDER BY l.id"
        ).fetchall()
    became_current = [(date.fromisoformat(r[0]) - FIRST_ISSUED).days for r in rows][1:]
    assert became_current and became_current[-1] == last

    def sender(d: Delivery) -> Attempt:
        (found,) = [a for a in attempts if a.started <= d.mail_at <= a.ended]
        return found

    spans = [span(d.message) for d in recording_smtp.deliveries]
    assert {b for _, b in spans} <= set(became_current), spans  # nothing made up
    for n in became_current:  # every change the database knows of was delivered...
        covering = [d for d, (a, b) in zip(recording_smtp.deliveries, spans) if a < n <= b]
        assert covering, f"revision {n} was never delivered; spans {spans}"
        # ...once, unless the run that sent it was killed between the server's acceptance and
        # the record of it; then the next run sends it again (at least once, by design). A
        # message is accepted only once its sender has sent all of it, so a kill that came
        # after its MAIL FROM, in a run that still got it accepted, came after its DATA.
        for earlier in covering[:-1]:
            by = sender(earlier)
            assert by.killed_at is not None and by.killed_at >= earlier.mail_at, (n, spans)
    assert spans[-1][1] == last
