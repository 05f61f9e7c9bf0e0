"""An outbox row as the message that goes out: headers built by the ``email`` package (a
name or subject cannot add a header), threaded on its ticket, marked as sent by a machine."""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from desk.mail.config import MailConfig

_HTML_PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>"
              "<body style=\"font-family: sans-serif; line-height: 1.4\">{body}</body></html>")


@dataclass(frozen=True)
class Outgoing:
    """What a sender needs of one outbox row."""

    id: int
    recipient: str
    recipient_name: str
    subject: str
    body_text: str
    body_html: str
    message_id: str
    thread_refs: str
    ticket: str
    incident_id: int | None = None


def one_line(value: str) -> str:
    """Header text on one line: every CR, LF and other control character becomes a space
    (the ``email`` package refuses them; a customer's name must not stop their mail)."""
    return " ".join("".join(" " if ord(c) < 32 or c == "\x7f" else c for c in value).split())


def build(item: Outgoing, config: MailConfig, now: dt.datetime) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = Address(display_name=one_line(config.from_name), addr_spec=config.from_address)
    msg["To"] = Address(display_name=one_line(item.recipient_name), addr_spec=item.recipient)
    msg["Subject"] = one_line(item.subject)
    msg["Date"] = format_datetime(now.astimezone(dt.UTC))
    msg["Message-ID"] = item.message_id
    if item.thread_refs:
        msg["In-Reply-To"] = item.thread_refs
        msg["References"] = item.thread_refs
    # RFC 3834: mail from a machine; auto-responders (and Exchange) must not answer it,
    # which is also how replies from Desk to Desk cannot loop.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    if item.ticket:
        msg["X-Desk-Ticket"] = item.ticket
    msg.set_content(item.body_text)
    if item.body_html:
        msg.add_alternative(_HTML_PAGE.format(title=html.escape(one_line(item.subject)), body=item.body_html),
                            subtype="html")
    return msg
