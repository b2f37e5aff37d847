"""Email: one message for a run's changes (plain text and HTML), and its delivery over SMTP."""

from __future__ import annotations

import contextlib
import html
import re
import smtplib
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import TYPE_CHECKING, Any

from advisor_cli import sources
from advisor_cli.config import EmailConfig, PasswordError
from advisor_cli.errors import AdvisorError, UsageError
from advisor_cli.render import change_plain, safe

if TYPE_CHECKING:
    from advisor_cli.diff import Change, TextChange
    from advisor_cli.monitor import Report

SUBJECT_LIMIT = 150
BADGES = {1: "#1f6feb", 2: "#d4a72c", 3: "#e8590c", 4: "#d1242f"}  # level: background
BADGE_TEXT = {2: "#1f2328"}  # dark text on yellow; white on the others
RED, GREEN, GREY = "#d1242f", "#1a7f37", "#59636e"
DEL = f"color:{RED};background:#ffebe9;text-decoration:line-through"
INS = f"color:{GREEN};background:#dafbe1;text-decoration:none"
CONTEXT = 160  # characters of unchanged text kept on each side of a change in the HTML


class NotifyError(AdvisorError):
    """The email could not be sent; the message says why, never with the password."""


@dataclass(frozen=True)
class SourceEvent:
    """A source started failing, or works again, as of `since`."""

    source: str
    kind: str  # "failure" or "recovery"
    message: str  # the failure's message; "" for a recovery
    since: datetime


def _line(text: str, limit: int = 80) -> str:
    """Text fit for a header: control characters, line breaks and runs of spaces folded."""
    text = " ".join(safe(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _title(source: str) -> str:
    try:
        return str(sources.get(source).TITLE)
    except UsageError:
        return source


def _event_title(event: SourceEvent) -> str:
    state = "failing" if event.kind == "failure" else "recovered"
    return f"{_title(event.source)} feed {state}"


def _changed(reports: Sequence[Report]) -> list[tuple[Report, Change]]:
    return [(r, r.change) for r in reports if r.change is not None and r.change.changed]


def subject(reports: Sequence[Report], events: Sequence[SourceEvent]) -> str:
    """Level moves first: "Travel advisories: Mali raised to Level 4; Niger updated"."""
    changed = _changed(reports)
    moved = [(r, c) for r, c in changed if c.level_moved]
    moved.sort(key=lambda rc: (-rc[1].new.level, _line(rc[0].name)))
    items = [f"{_line(r.name)} {c.direction.lower()} to Level {c.new.level}" for r, c in moved]
    updated = [_line(r.name) for r, c in changed if not c.level_moved]
    items += [*updated, *(_event_title(e) for e in events)]
    first_event = len(items) - len(events)
    for shown in range(len(items), 0, -1):
        parts = items[:shown]
        names = parts[len(moved) : first_event]
        if names:  # the updated destinations share one "updated"
            parts[len(moved) : first_event] = [f"{', '.join(names)} updated"]
        if shown < len(items):
            parts.append(f"and {len(items) - shown} more")
        text = "Travel advisories: " + "; ".join(parts)
        if len(text) <= SUBJECT_LIMIT:
            return text
    return _line(text, SUBJECT_LIMIT) if items else "Travel advisories: no changes"


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
    # The default policy refuses CR and LF in header values; _line() has removed them already.
    message = EmailMessage()
    message["Subject"] = _line(subject_text, 998)
    message["From"] = cfg.sender
    message["To"] = ", ".join(cfg.to)
    when = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    message["Date"] = format_datetime(when)
    domain = parseaddr(cfg.sender)[1].rpartition("@")[2] or "advisor.invalid"
    message["Message-ID"] = make_msgid("advisor", domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    return message


def _when(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _event_text(event: SourceEvent) -> str:
    if event.kind == "failure":
        return f"{_event_title(event)} since {_when(event.since)}: {safe(event.message)}"
    return f"{_event_title(event)}: working again since {_when(event.since)}."


def plain(reports: Sequence[Report], events: Sequence[SourceEvent]) -> str:
    """The text/plain part: each change as `advisor diff` prints it, then a link."""
    blocks = [f"{change_plain(c)}\nLink: {safe(c.new.url)}" for _, c in _changed(reports)]
    blocks += [_event_text(e) for e in events]
    return "\n\n".join([*blocks, "-- \nSent by advisor."]) + "\n"


# -- HTML: inline styles only, since mail clients drop style sheets; all source text escaped --


def _esc(text: str) -> str:
    return html.escape(safe(text))


def _badge(level: int) -> str:
    style = (
        f"background:{BADGES.get(level, GREY)};color:{BADGE_TEXT.get(level, '#ffffff')};"
        "border-radius:4px;padding:1px 6px;font-size:12px;font-weight:bold;white-space:nowrap"
    )
    return f'<span style="{style}">LEVEL {level}</span>'


def _link(url: str, text: str) -> str:
    if not re.match(r"https?://", url, re.IGNORECASE):
        return _esc(text)
    return f'<a href="{html.escape(safe(url), quote=True)}" style="color:#0969da">{_esc(text)}</a>'


def _elide(text: str, keep_start: bool, keep_end: bool) -> str:
    """Unchanged text between changes, shortened to the context around them."""
    if len(text) <= 2 * CONTEXT + 20:
        return text
    start = text[:CONTEXT].rsplit(" ", 1)[0] + " " if keep_start else ""
    end = " " + text[-CONTEXT:].split(" ", 1)[-1] if keep_end else ""
    return f"{start}…{end}"


def _words(change: TextChange) -> str:
    runs = change.words()
    out = []
    for i, (op, text) in enumerate(runs):
        if op == "=":
            out.append(_esc(_elide(text, keep_start=i > 0, keep_end=i < len(runs) - 1)))
        else:
            out.append(f'<{"del" if op == "-" else "ins"} style="{DEL if op == "-" else INS}">')
            out.append(f"{_esc(text)}</{'del' if op == '-' else 'ins'}>")
    return f'<p style="white-space:pre-wrap;margin:4px 0 12px">{"".join(out)}</p>'


def _heading(title: str, note: str = "", colour: str = GREY) -> str:
    extra = f' <span style="color:{colour};font-weight:normal">({note})</span>' if note else ""
    return f'<h3 style="font-size:15px;margin:16px 0 4px">{title}{extra}</h3>'


def _change_html(change: Change) -> str:
    old, new = change.old, change.new
    parts = [f'<h2 style="font-size:18px;margin:28px 0 6px">{_link(new.url, new.name)}</h2>']
    if change.level_moved:
        colour = RED if change.direction == "RAISED" else GREEN
        parts.append(
            f"<p>{_badge(old.level)} &rarr; {_badge(new.level)} "
            f'<strong style="color:{colour}">{change.direction}</strong> '
            f'<span style="color:{GREY}">{_esc(old.label)} &rarr; {_esc(new.label)}</span></p>'
        )
    else:
        parts.append(
            f'<p>{_badge(new.level)} <span style="color:{GREY}">level unchanged</span></p>'
        )
    if change.issued_moved:
        dates = " &rarr; ".join(str(d or "undated") for d in (old.issued, new.issued))
        parts.append(f'<p style="color:{GREY}">Issued {dates}</p>')
    if change.change_note:
        parts.append(f"<p><em>{_esc(change.change_note)}</em></p>")
    regions = [
        f'<ins style="{INS}">+</ins> {_badge(r.level)} {_esc(r.name)}' for r in change.regions_added
    ]
    regions += [
        f'<del style="{DEL}">{_esc(r.name)}</del> (level {r.level})' for r in change.regions_removed
    ]
    for r in change.regions_changed:
        move = f"{_badge(r.old)} &rarr; {_badge(r.new)}" if r.level_moved else _badge(r.new)
        text = f"<br>{_words(r.text)}" if r.text else ""
        regions.append(f"{_esc(r.name)}: {move}{text}")
    if regions:
        parts.append(
            _heading("Regions") + "<ul>" + "".join(f"<li>{r}</li>" for r in regions) + "</ul>"
        )
    for s in change.sections_added:
        parts.append(_heading(_esc(s.title), "added", GREEN))
        parts.append(f'<p style="white-space:pre-wrap"><ins style="{INS}">{_esc(s.text)}</ins></p>')
    for s in change.sections_removed:
        parts.append(_heading(f'<del style="{DEL}">{_esc(s.title)}</del>', "removed", RED))
    for c in change.sections_changed:
        parts += [_heading(_esc(c.title), "changed"), _words(c)]
    if n := change.sections_unchanged:
        parts.append(f'<p style="color:{GREY}">{n} section{"s" if n != 1 else ""} unchanged</p>')
    parts.append(f"<p>{_link(new.url, 'Read the full advisory')}</p>")
    return "\n".join(parts)


def html_body(reports: Sequence[Report], events: Sequence[SourceEvent]) -> str:
    """The text/html part."""
    blocks = [_change_html(c) for _, c in _changed(reports)]
    for e in events:
        colour = RED if e.kind == "failure" else GREEN
        box = f"border-left:4px solid {colour};padding:4px 12px;margin:16px 0"
        blocks.append(f'<p style="{box}">{_esc(_event_text(e))}</p>')
    font = "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif"
    body = f"{font};font-size:14px;line-height:1.5;color:#1f2328;max-width:720px"
    footer = f'<p style="color:{GREY};font-size:12px;margin-top:32px">Sent by advisor.</p>'
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n'
        f'<body style="{body}">\n' + "\n".join([*blocks, footer]) + "\n</body></html>\n"
    )


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
    answer = f"{code} {_line(reply.decode('utf-8', 'replace'), 200)}"
    for address, (rcode, rtext) in refused.items():
        answer += f"; refused {address}: {rcode} {_line(rtext.decode('utf-8', 'replace'))}"
    return answer


def _reply(exc: smtplib.SMTPResponseException) -> str:
    said: Any = exc.smtp_error
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
    return _line(f"{exc.smtp_code} {text}", 200)


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
            f"{a}: {c} {_line(t.decode('utf-8', 'replace'))}"
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
        return f"Sending by {where} failed: {_line(str(exc), 200)}"
    return f"Could not connect to {where}: {exc.strerror or exc}."
