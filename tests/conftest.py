"""Shared test setup: a private ADVISOR_HOME per test, a loopback feed server, a CLI runner."""

from __future__ import annotations

import email
import ipaddress
import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from advisor_cli.cli import cli
from advisor_cli.sources import us

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Real captures shared between projects (see ../shared/data/README.md); absent in a fresh clone.
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FEED_PATH = us.FEED_PATH
LOOPBACK = "127.0.0.1"


def fixture_path(name: str) -> Path:
    """The path of a fixture file: "us/full.xml" → tests/fixtures/us/full.xml."""
    path = FIXTURES / name
    if not path.exists():
        raise FileNotFoundError(f"no fixture {name!r} under {FIXTURES}")
    return path


def fixture_bytes(name: str) -> bytes:
    return fixture_path(name).read_bytes()


@pytest.fixture
def shared_data() -> Path:
    """The folder of real captures; the test is skipped when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"real captures not available at {SHARED}")
    return SHARED


@pytest.fixture(autouse=True)
def advisor_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own ADVISOR_HOME and none of the caller's settings."""
    for name in list(os.environ):
        if name.startswith("ADVISOR_") or name.upper() in {
            "NO_COLOR",
            "FORCE_COLOR",
            "CLICOLOR_FORCE",
            "TERM",
            "COLUMNS",
            "LINES",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "NO_PROXY",
            "REQUESTS_CA_BUNDLE",
        }:
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "advisor-home"
    monkeypatch.setenv("ADVISOR_HOME", str(home))
    monkeypatch.setenv("ADVISOR_HTTP_BACKOFF", "0")
    monkeypatch.setenv("ADVISOR_HTTP_TIMEOUT", "2")
    monkeypatch.setenv("NO_PROXY", "*")
    return home


def _is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse name lookups and connections that would leave this machine (127.0.0.1 only)."""
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            raise OSError(f"test isolation: no connection to {address!r}, loopback only")
        return real_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_loopback(host):
            raise socket.gaierror(socket.EAI_NONAME, f"test isolation: no lookup of {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver listens on 127.0.0.1 (not "localhost") on a free port."""
    return (LOOPBACK, 0)


@dataclass
class FeedServer:
    """The loopback stand-in for travel.state.gov; ADVISOR_US_URL points at it."""

    server: HTTPServer

    @property
    def base_url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def serve(
        self,
        body: bytes | str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_type: str = "text/xml",
        once: bool = False,
        ordered: bool = False,
    ) -> None:
        """Answer the feed URL with `body` (bytes, or the name of a fixture under us/)."""
        data = fixture_bytes(f"us/{body}") if isinstance(body, str) else body
        if ordered:
            handler = self.server.expect_ordered_request(FEED_PATH, method="GET")
        elif once:
            handler = self.server.expect_oneshot_request(FEED_PATH, method="GET")
        else:
            self.server.clear_all_handlers()
            handler = self.server.expect_request(FEED_PATH, method="GET")
        handler.respond_with_response(
            Response(data, status=status, headers=headers or {}, content_type=content_type)
        )

    @property
    def requests(self) -> list[Request]:
        """Every request the server saw for the feed, oldest first."""
        return [req for req, _ in self.server.log if req.path == FEED_PATH]


@pytest.fixture
def feed_server(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    monkeypatch.setenv(us.BASE_ENV, httpserver.url_for("/").rstrip("/"))
    yield FeedServer(httpserver)
    try:
        httpserver.check_assertions()  # no request the test did not provide for (a DTD, say)
    finally:
        httpserver.clear()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


Run = Callable[..., Result]


@pytest.fixture
def run() -> Run:
    """Invoke the advisor command in-process; stdout and stderr come back separately."""
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False, prog_name="advisor")

    return invoke


# -- a real SMTP server on loopback --------------------------------------------------------------


@dataclass
class Collector:
    """An aiosmtpd handler that keeps every message, and refuses recipients it is told to."""

    envelopes: list[Envelope] = field(default_factory=list)
    refuse: tuple[str, ...] = ()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 2.0.0 Ok: queued as 4F2A"

    def messages(self) -> list[EmailMessage]:
        found = []
        for e in self.envelopes:
            assert isinstance(e.content, bytes)
            found.append(email.message_from_bytes(e.content, policy=default))
        return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    port: int
    handler: Collector


Start = Callable[..., Server]


@pytest.fixture
def smtp_server() -> Iterator[Start]:
    """Start aiosmtpd on 127.0.0.1 with the given options; every server stops after the test."""
    running: list[Controller] = []

    def start(refuse: tuple[str, ...] = (), **options: Any) -> Server:
        handler = Collector(refuse=refuse)
        port = free_port()
        controller = Controller(handler, hostname=LOOPBACK, port=port, **options)
        controller.start()
        running.append(controller)
        return Server(port, handler)

    yield start
    for controller in running:
        controller.stop()
