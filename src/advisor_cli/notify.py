"""Email: one message for a run's changes (plain text and HTML), and its delivery over SMTP."""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import TYPE_CHECKING, Any

from advisor_cli.config import EmailConfig, PasswordError
from advisor_cli.errors import AdvisorError
from advisor_cli.model import SourceEvent
from advisor_cli.render.base import one_line
from advisor_cli.render.email import html_body, plain, subject

if TYPE_CHECKING:
    from advisor_cli.monitor import Report

__all__ = [
    "NotifyError",
    "SourceEvent",
    "compose",
    "html_body",
    "plain",
    "send",
    "subject",
    "test_message",
]


class NotifyError(AdvisorError):
    """The email could not be sent; the message says why, never with the password."""


def compose(
    reports: Sequence[Report], events: Sequence[SourceEvent], cfg: EmailConfig, now: datetime
) -> EmailMessage:
    """The run's one message: multipart/alternative, plain text and HTML."""
    message = _message(cfg, subject(reports, events), now)
    message.set_content(plain(reports, events))
    message.add_alternative(html_body(reports, events), subtype="html")
    return message


def test_message(cfg: EmailConfig, now: datetime) -> EmailMessage:
    """What `advisor notify test` sends."""
    message = _message(cfg, "advisor: test message", now)
    message.set_content(
        "This is a test message from advisor.\n\n"
        f"It went from {cfg.sender} to {', '.join(cfg.to)} through {cfg.host}:{cfg.port} "
        f"({cfg.security}). Changes to the advisories you watch will come the same way.\n"
    )
    return message


def _message(cfg: EmailConfig, subject_text: str, now: datetime) -> EmailMessage:
    # The default policy refuses CR and LF in header values; one_line() has removed them already.
    message = EmailMessage()
    message["Subject"] = one_line(subject_text, 998)
    message["From"] = cfg.sender
    message["To"] = ", ".join(cfg.to)
    when = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    message["Date"] = format_datetime(when)
    domain = parseaddr(cfg.sender)[1].rpartition("@")[2] or "advisor.invalid"
    message["Message-ID"] = make_msgid("advisor", domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    return message


# -- delivery -------------------------------------------------------------------------------------


class _SMTP(smtplib.SMTP):
    """Keeps the server's answer to the message, which send_message() drops."""

    answer: tuple[int, bytes] = (0, b"")

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.answer = super().data(msg)
        return self.answer


class _SMTPSSL(smtplib.SMTP_SSL):
    answer: tuple[int, bytes] = (0, b"")

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.answer = super().data(msg)
        return self.answer


def send(
    message: EmailMessage, cfg: EmailConfig, accepted: Callable[[], None] | None = None
) -> str:
    """Deliver the message; the server's answer ("250 OK …"), or NotifyError saying why not.

    `accepted` runs as soon as the server has taken the message, before the goodbye: the
    shorter the time between the two, the smaller the chance that a kill sends it twice.
    """
    where = f"{cfg.host}:{cfg.port}"
    try:
        password = cfg.password() if cfg.username else None
    except PasswordError as exc:
        raise NotifyError(str(exc)) from None
    if cfg.username and password is None:
        raise NotifyError(
            "email.username is set but no password is: set ADVISOR_SMTP_PASSWORD, or one of "
            "email.password_env, password_file or password_command."
        )
    smtp: _SMTP | _SMTPSSL | None = None
    stage = "connect"
    try:
        context = ssl.create_default_context()
        if cfg.security == "ssl":
            smtp = _SMTPSSL(cfg.host, cfg.port, timeout=cfg.timeout, context=context)
        else:
            smtp = _SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        if cfg.security == "starttls":
            stage = "starttls"
            smtp.starttls(context=context)
        if cfg.username:
            stage = "login"
            smtp.login(cfg.username, password or "")  # never "": checked above
        stage = "send"
        refused = smtp.send_message(message)
        code, reply = smtp.answer
        if accepted is not None:
            accepted()
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.quit()  # the message was accepted; a rude goodbye does not matter
    except (smtplib.SMTPException, OSError) as exc:
        text = _explain(exc, cfg, where, stage)
        raise NotifyError(text.replace(password, "********") if password else text) from None
    finally:
        if smtp is not None:
            smtp.close()
    answer = f"{code} {one_line(reply.decode('utf-8', 'replace'), 200)}"
    for address, (rcode, rtext) in refused.items():
        answer += f"; refused {address}: {rcode} {one_line(rtext.decode('utf-8', 'replace'))}"
    return answer


def _reply(exc: smtplib.SMTPResponseException) -> str:
    said: Any = exc.smtp_error
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
    return one_line(f"{exc.smtp_code} {text}", 200)


def _explain(exc: OSError, cfg: EmailConfig, where: str, stage: str) -> str:
    """A user's reading of what smtplib, ssl or the socket raised."""
    cause = exc.__context__ if isinstance(exc, smtplib.SMTPServerDisconnected) else exc
    if isinstance(cause, (TimeoutError, socket.timeout)):
        return f"{where} did not answer within {cfg.timeout:g} s."
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"SMTP authentication failed at {where} ({_reply(exc)})."
    if isinstance(exc, smtplib.SMTPNotSupportedError) and stage == "starttls":
        return f'{where} does not offer STARTTLS; set email.security to "ssl" or "none".'
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"{where} offers no login (AUTH) here; remove email.username or use TLS."
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{a}: {c} {one_line(t.decode('utf-8', 'replace'))}"
            for a, (c, t) in exc.recipients.items()
        )
        return f"{where} refused the recipients ({refused})."
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"{where} refused the sender {cfg.sender} ({_reply(exc)})."
    if isinstance(exc, smtplib.SMTPResponseException):
        what = {"connect": "the connection", "send": "the message"}.get(stage, f"the {stage}")
        return f"{where} refused {what} ({_reply(exc)})."
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"{where} closed the connection during the {stage}."
    if isinstance(exc, ssl.SSLCertVerificationError):
        why = exc.verify_message or "not trusted"
        return f"TLS failed with {where}: its certificate was refused ({why})."
    if isinstance(exc, ssl.SSLError):
        why = (exc.reason or str(exc)).replace("_", " ").lower()
        hint = '465 is "ssl", 587 "starttls"'
        return f"TLS failed with {where}: {why} (is email.security right? {hint})."
    if isinstance(exc, ConnectionRefusedError):
        return f"Could not connect to {where}: connection refused."
    if isinstance(exc, socket.gaierror):
        return f"Could not find the SMTP server {cfg.host!r} ({exc.strerror})."
    if isinstance(exc, smtplib.SMTPException):
        return f"Sending by {where} failed: {one_line(str(exc), 200)}"
    return f"Could not connect to {where}: {exc.strerror or exc}."
