"""Email: the subject, the message, and delivery to a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import email
import re
import shutil
import socket
import ssl
import subprocess
from dataclasses import replace
from datetime import date, datetime, timezone
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from conftest import LOOPBACK, Start, free_port

from advisor_cli import notify
from advisor_cli.config import EmailConfig
from advisor_cli.diff import compare
from advisor_cli.errors import ExitStatus
from advisor_cli.model import LEVEL_LABELS, Advisory, Region, Section
from advisor_cli.monitor import Report
from advisor_cli.notify import NotifyError, SourceEvent, compose, send, subject
from advisor_cli.render import change_plain
from advisor_cli.store import Version

NOW = datetime(2026, 6, 8, 9, 30, tzinfo=timezone.utc)
PASSWORD = "s3cret-Pa55word"
INJECTION = "\r\nBcc: evil@example.com"


def advisory(
    name: str = "Mali",
    level: int = 3,
    *,
    code: str = "ML",
    issued: date = date(2026, 5, 1),
    crime: str = "Violent crime is common.",
    sections: tuple[Section, ...] = (),
    regions: tuple[Region, ...] = (),
    url: str = "",
) -> Advisory:
    return Advisory(
        source="us",
        destination=code,
        name=name,
        level=level,
        label=LEVEL_LABELS[level],
        issued=issued,
        url=url or f"https://travel.state.gov/{code.lower()}.html",
        summary=f"Reconsider travel to {name}.",
        sections=(Section("Crime", crime), *sections),
        regions=regions,
    )


def report(old: Advisory, new: Advisory, name: str | None = None) -> Report:
    when = datetime(2026, 6, 1, tzinfo=timezone.utc)
    before, after = Version(1, 1, old, when, when), Version(2, 2, new, NOW, NOW)
    return Report("us", name or new.name, before, after, compare(old, new), last_checked=None)


def raised(name: str, code: str, old: int, new: int) -> Report:
    return report(
        advisory(name, old, code=code),
        advisory(name, new, code=code, issued=date(2026, 6, 8)),
    )


def updated(name: str, code: str) -> Report:
    return report(
        advisory(name, 2, code=code),
        advisory(name, 2, code=code, crime="Violent crime is very common."),
    )


MALI = raised("Mali", "ML", 3, 4)
NIGER = updated("Niger", "NE")
FAILING = SourceEvent("us", "failure", "Could not connect to travel.state.gov.", NOW)
RECOVERED = SourceEvent("us", "recovery", "", NOW)


def cfg(port: int = 25, **changes: Any) -> EmailConfig:
    base = EmailConfig(
        to=("me@example.com",),
        sender="Advisor <advisor@example.com>",
        host=LOOPBACK,
        port=port,
        security="none",
        timeout=5.0,
    )
    return replace(base, **changes)


# -- the subject --------------------------------------------------------------------------------


def test_subject_puts_level_moves_first() -> None:
    chad = raised("Chad", "TD", 3, 4)
    cyprus = raised("Cyprus", "CY", 3, 1)
    togo = raised("Togo", "TG", 1, 2)
    reports = [NIGER, togo, cyprus, chad, MALI, updated("Benin", "BJ")]
    assert subject(reports, []) == (
        "Travel advisories: Chad raised to Level 4; Mali raised to Level 4; "
        "Togo raised to Level 2; Cyprus lowered to Level 1; Niger, Benin updated"
    )


def test_subject_with_source_events() -> None:
    assert subject([MALI, NIGER], [FAILING]) == (
        "Travel advisories: Mali raised to Level 4; Niger updated; "
        "U.S. Department of State feed failing"
    )
    assert subject([], [RECOVERED]) == "Travel advisories: U.S. Department of State feed recovered"
    assert subject([], []) == "Travel advisories: no changes"


def test_subject_skips_reports_without_a_change() -> None:
    same = advisory("Peru", 2, code="PE")
    unchanged = report(same, same)
    first = Report("us", "Peru", None, unchanged.new, None, None)
    assert subject([unchanged, first, NIGER], []) == "Travel advisories: Niger updated"


def test_a_long_subject_ends_with_how_many_more() -> None:
    names = ["Burkina Faso", "Central African Republic", "Democratic Republic of the Congo"]
    names += ["Papua New Guinea", "Bosnia and Herzegovina", "Trinidad and Tobago", "Uzbekistan"]
    reports = [updated(name, f"X{i}") for i, name in enumerate(names)]
    text = subject([MALI, *reports], [FAILING])
    assert len(text) <= 150
    assert text == (
        "Travel advisories: Mali raised to Level 4; Burkina Faso, Central African Republic, "
        "Democratic Republic of the Congo updated; and 5 more"
    )


def test_subject_parts_cannot_carry_line_breaks_or_controls() -> None:
    evil = raised(f"Mali{INJECTION}\x1b[31m\x00", "ML", 3, 4)
    text = subject([evil], [])
    assert text == "Travel advisories: Mali Bcc: evil@example.com raised to Level 4"
    assert not re.search(r"[\x00-\x1f\x7f]", text)


# -- the message --------------------------------------------------------------------------------


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def test_compose_builds_multipart_alternative() -> None:
    message = compose([MALI, NIGER], [FAILING], cfg(), NOW)
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == subject([MALI, NIGER], [FAILING])
    assert message["From"] == "Advisor <advisor@example.com>"
    assert message["To"] == "me@example.com"
    assert message["Date"] == "Mon, 08 Jun 2026 09:30:00 +0000"
    assert re.fullmatch(r"<[^@<>\s]+@example\.com>", message["Message-ID"])
    assert message["Auto-Submitted"] == "auto-generated"
    plain, _ = parts(message)
    assert plain == (
        f"{change_plain(MALI.change)}\nLink: https://travel.state.gov/ml.html\n\n"
        f"{change_plain(NIGER.change)}\nLink: https://travel.state.gov/ne.html\n\n"
        "U.S. Department of State feed failing since 2026-06-08 09:30 UTC: "
        "Could not connect to travel.state.gov.\n\n-- \nSent by advisor.\n"
    )


def test_the_html_part() -> None:
    mali = report(
        advisory("Mali", 3, crime="Crime <script>alert(1)</script> is common.", url="javascript:x"),
        advisory(
            "Mali",
            4,
            issued=date(2026, 6, 8),
            crime="Crime <script>alert(1)</script> is very common.",
            sections=(Section("Health", "Clinics are scarce."),),
            regions=(Region("Kidal", 4, "Do not travel."),),
        ),
    )
    _, html = parts(compose([mali, NIGER], [RECOVERED], cfg(), NOW))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert re.search(r"background:#e8590c;[^>]*>LEVEL 3</span> &rarr; <span[^>]*#d1242f", html)
    assert re.search(r"background:#d4a72c;color:#1f2328;[^>]*>LEVEL 2<", html)  # Niger
    assert '<strong style="color:#d1242f">RAISED</strong>' in html
    assert re.search(r"is <ins style=\"color:#1a7f37;[^\"]*\">very </ins>common", html)
    assert re.search(r"<ins [^>]*>\+</ins> <span[^>]*>LEVEL 4</span> Kidal", html)
    assert "Health <span" in html and ">(added)<" in html and "Clinics are scarce." in html
    assert 'href="javascript' not in html  # only http(s) links
    assert '<a href="https://travel.state.gov/ne.html" style="color:#0969da">Niger</a>' in html
    assert "U.S. Department of State feed recovered: working again since 2026-06-08" in html
    lowered = raised("Cyprus", "CY", 3, 1)
    _, html = parts(compose([lowered], [], cfg(), NOW))
    assert '<strong style="color:#1a7f37">LOWERED</strong>' in html


def test_long_unchanged_text_is_elided_around_changes() -> None:
    filler = "Crime is common in the capital. " * 40
    change = report(
        advisory(crime=f"{filler}Kidnapping happens. {filler}"),
        advisory(crime=f"{filler}Kidnapping is frequent. {filler}"),
    )
    _, html = parts(compose([change], [], cfg(), NOW))
    words = re.search(r"<p style=\"white-space:pre-wrap;margin:4px 0 12px\">(.*?)</p>", html)
    assert words is not None
    assert words.group(1).startswith("…") and words.group(1).endswith("…")
    assert len(words.group(1)) < 1000


def test_source_text_cannot_inject_headers() -> None:
    evil = report(
        advisory(f"Mali{INJECTION}", 3, crime=f"Crime.{INJECTION}"),
        advisory(f"Mali{INJECTION}", 4, crime=f"More crime.{INJECTION}"),
        name=f"Mali{INJECTION}",
    )
    event = SourceEvent("us", "failure", f"Bad{INJECTION}", NOW)
    message = compose([evil], [event], cfg(), NOW)
    raw = message.as_bytes()
    parsed = email.message_from_bytes(raw, policy=default)
    assert "Bcc" not in parsed
    assert "\r\nBcc:" not in raw.decode().split("\n\n", 1)[0]
    assert parsed["Subject"].startswith("Travel advisories: Mali Bcc: evil@example.com raised")


def test_the_test_message() -> None:
    message = notify.test_message(cfg(2525, security="starttls"), NOW)
    assert message["Subject"] == "advisor: test message"
    assert message["Date"] and message["Message-ID"]
    assert "through 127.0.0.1:2525 (starttls)" in message.get_content()


# -- delivery -----------------------------------------------------------------------------------


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    good = isinstance(data, LoginPassword) and data == LoginPassword(b"me", PASSWORD.encode())
    return AuthResult(success=good, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, made with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a certificate for the TLS tests")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """The server's TLS context; the client trusts the certificate through SSL_CERT_FILE."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    return context


def test_plain_delivery(smtp_server: Start) -> None:
    server = smtp_server()
    settings = cfg(server.port, to=("me@example.com", "You <you@example.com>"))
    answer = send(compose([MALI, NIGER], [FAILING], settings, NOW), settings)
    assert answer == "250 2.0.0 Ok: queued as 4F2A"
    [envelope] = server.handler.envelopes
    assert envelope.mail_from == "advisor@example.com"
    assert envelope.rcpt_tos == ["me@example.com", "you@example.com"]
    [message] = server.handler.messages()
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == (
        "Travel advisories: Mali raised to Level 4; Niger updated; "
        "U.S. Department of State feed failing"
    )
    assert message["Date"] == "Mon, 08 Jun 2026 09:30:00 +0000"
    assert message["Message-ID"].endswith("@example.com>")
    plain, html = parts(message)
    assert (
        "Mali — Level 3 → 4 RAISED" in plain and "Link: https://travel.state.gov/ml.html" in plain
    )
    assert "LEVEL 4</span>" in html


def test_injected_text_adds_no_header_or_recipient(smtp_server: Start) -> None:
    server = smtp_server()
    evil = report(
        advisory(f"Mali{INJECTION}", 3),
        advisory(f"Mali{INJECTION}", 4, crime=f"Crime.{INJECTION}"),
        name=f"Mali{INJECTION}",
    )
    settings = cfg(server.port)
    send(compose([evil], [], settings, NOW), settings)
    [envelope] = server.handler.envelopes
    assert envelope.rcpt_tos == ["me@example.com"]
    [message] = server.handler.messages()
    assert "Bcc" not in message
    headers = ["Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted", "MIME-Version"]
    assert sorted(message.keys()) == sorted([*headers, "Content-Type"])


def test_login(smtp_server: Start, monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtp_server(authenticator=authenticator, auth_require_tls=False)
    monkeypatch.setenv("ADVISOR_SMTP_PASSWORD", PASSWORD)
    settings = cfg(server.port, username="me")
    assert send(notify.test_message(settings, NOW), settings).startswith("250 ")
    [envelope] = server.handler.envelopes
    assert isinstance(envelope.content, bytes) and PASSWORD.encode() not in envelope.content


def test_a_wrong_password(smtp_server: Start, monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtp_server(authenticator=authenticator, auth_require_tls=False)
    monkeypatch.setenv("MY_PASSWORD", "wrong-Pa55word")
    settings = cfg(server.port, username="me", password_env="MY_PASSWORD")
    with pytest.raises(NotifyError) as caught:
        send(notify.test_message(settings, NOW), settings)
    assert str(caught.value) == (
        f"SMTP authentication failed at 127.0.0.1:{server.port} "
        "(535 5.7.8 Authentication credentials invalid)."
    )
    assert caught.value.exit_status == ExitStatus.FAILURE
    assert server.handler.envelopes == []


def test_a_password_that_cannot_be_read() -> None:
    settings = cfg(free_port(), username="me", password_env="MY_PASSWORD")
    with pytest.raises(NotifyError, match=r"^email\.password_env: MY_PASSWORD is unset\.$"):
        send(notify.test_message(settings, NOW), settings)


def test_a_user_name_without_a_password() -> None:
    settings = cfg(free_port(), username="me")
    with pytest.raises(NotifyError, match=r"^email\.username is set but no password is: set ADV"):
        send(notify.test_message(settings, NOW), settings)


def test_login_needs_the_server_to_offer_it(smtp_server: Start) -> None:
    server = smtp_server()
    settings = cfg(server.port, username="me", password_command="echo x")
    with pytest.raises(NotifyError) as caught:
        send(notify.test_message(settings, NOW), settings)
    assert str(caught.value) == (
        f"127.0.0.1:{server.port} offers no login (AUTH) here; remove email.username or use TLS."
    )


def test_starttls_with_login(smtp_server: Start, tls: ssl.SSLContext) -> None:
    server = smtp_server(tls_context=tls, require_starttls=True, authenticator=authenticator)
    settings = cfg(
        server.port, security="starttls", username="me", password_command=f"echo {PASSWORD}"
    )
    assert send(compose([MALI], [], settings, NOW), settings) == "250 2.0.0 Ok: queued as 4F2A"
    assert len(server.handler.envelopes) == 1


def test_implicit_tls(smtp_server: Start, tls: ssl.SSLContext) -> None:
    server = smtp_server(ssl_context=tls)
    settings = cfg(server.port, security="ssl")
    assert send(compose([MALI], [], settings, NOW), settings).startswith("250 ")
    assert len(server.handler.envelopes) == 1


def test_an_untrusted_certificate(
    smtp_server: Start, tls: ssl.SSLContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = smtp_server(tls_context=tls)
    monkeypatch.delenv("SSL_CERT_FILE")
    settings = cfg(server.port, security="starttls")
    with pytest.raises(NotifyError) as caught:
        send(notify.test_message(settings, NOW), settings)
    assert re.fullmatch(
        rf"TLS failed with 127\.0\.0\.1:{server.port}: its certificate was refused "
        r"\(self.signed certificate\)\.",
        str(caught.value),
    )
    assert server.handler.envelopes == []


def test_tls_to_a_plain_server(smtp_server: Start) -> None:
    server = smtp_server()
    settings = cfg(server.port, security="ssl")
    with pytest.raises(NotifyError) as caught:
        send(notify.test_message(settings, NOW), settings)
    assert str(caught.value) == (
        f"TLS failed with 127.0.0.1:{server.port}: wrong version number "
        '(is email.security right? 465 is "ssl", 587 "starttls").'
    )


def test_starttls_not_offered(smtp_server: Start) -> None:
    server = smtp_server()
    settings = cfg(server.port, security="starttls")
    with pytest.raises(NotifyError) as caught:
        send(notify.test_message(settings, NOW), settings)
    assert str(caught.value) == (
        f'127.0.0.1:{server.port} does not offer STARTTLS; set email.security to "ssl" or "none".'
    )


def test_a_refused_recipient(smtp_server: Start) -> None:
    server = smtp_server(refuse=("gone@example.com",))
    settings = cfg(server.port, to=("gone@example.com",))
    with pytest.raises(NotifyError) as caught:
        send(notify.test_message(settings, NOW), settings)
    assert str(caught.value) == (
        f"127.0.0.1:{server.port} refused the recipients "
        "(gone@example.com: 550 5.1.1 No such user)."
    )
    settings = cfg(server.port, to=("gone@example.com", "me@example.com"))
    answer = send(notify.test_message(settings, NOW), settings)
    assert answer == (
        "250 2.0.0 Ok: queued as 4F2A; refused gone@example.com: 550 5.1.1 No such user"
    )


def test_connection_refused(closed_port: int) -> None:
    with pytest.raises(NotifyError) as caught:
        send(notify.test_message(cfg(closed_port), NOW), cfg(closed_port))
    assert str(caught.value) == f"Could not connect to 127.0.0.1:{closed_port}: connection refused."


def test_a_server_that_never_answers() -> None:
    with socket.socket() as silent:  # connections queue in the backlog; nothing ever speaks
        silent.bind((LOOPBACK, 0))
        silent.listen()
        port = silent.getsockname()[1]
        settings = cfg(port, timeout=0.5)
        with pytest.raises(NotifyError) as caught:
            send(notify.test_message(settings, NOW), settings)
    assert str(caught.value) == f"127.0.0.1:{port} did not answer within 0.5 s."
