"""Reading a customer's e-mail: who wrote, about which ticket, what they said (without the
quoted history), what they attached, and whether a machine wrote it.

Everything here copes with mail as it comes: missing or broken headers, a charset Python
does not know (read as Latin-1, and said so), HTML without a plain part (turned into
text), attachments too big to keep (named, not kept). What could not be read is in
``problems``; the raw message is kept by the caller whatever happens.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import email
import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.errors import MessageError
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

ATTACHMENT_MAX = 10 * 1024 * 1024     # each; what is larger is named on the ticket, not kept
ATTACHMENTS_MAX = 25 * 1024 * 1024    # all of one message's
TICKET_TAG = re.compile(r"\[(INC-\d{6,})\]", re.IGNORECASE)
_MACHINE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)([+@.-]|$)",
                              re.IGNORECASE)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    message_id: str
    from_address: str
    from_name: str
    subject: str
    sent_at: dt.datetime | None
    references: str                 # In-Reply-To and References, as one string
    body: str                       # what the customer wrote, without the quoted history
    attachments: list[Attachment] = field(default_factory=list)
    automatic: str | None = None    # why a machine wrote it (auto-reply, bounce, list), or None
    problems: list[str] = field(default_factory=list)

    @property
    def ticket_tag(self) -> str | None:
        m = TICKET_TAG.search(self.subject)
        return m.group(1).upper() if m else None


class _Text(HTMLParser):
    """HTML to plain text: paragraphs and breaks kept, scripts and styles dropped."""

    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "blockquote", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            # </head> may be left out (HTML allows it): the body starts the text whatever
            # was open, or a whole message would be read as its head.
            self.skip = 0
        elif tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in self.BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self.skip = max(self.skip - 1, 0)
        elif tag in self.BLOCK:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.out).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_QUOTE_HEADERS = re.compile(
    r"^(On .{4,200}wrote:|Le .{4,200}a écrit ?:|Am .{4,200}schrieb .{1,100}:|El .{4,200}escribió:|"
    r"-{2,} ?Original Message ?-{2,}|-{2,} ?Forwarded message ?-{2,}|From: .+|_{10,})\s*$",
    re.IGNORECASE)


def _wrapped_attribution(lines: list[str]) -> bool:
    """An "On … wrote:" line the mail program wrapped (Gmail does at 78 characters) onto
    the next line or two: it starts here, ends there, with no blank line in between."""
    if not lines or not lines[0].strip().startswith(("On ", "Le ", "Am ", "El ")):
        return False
    for n in (2, 3):
        part = lines[:n]
        if len(part) == n and all(x.strip() for x in part) and _QUOTE_HEADERS.match(
                " ".join(x.strip() for x in part)):
            return True
    return False


def strip_quoted(text: str) -> str:
    """The new part of a reply: up to the first "On … wrote:" (or a client's equivalent),
    without trailing '>' quoted lines and the signature separator's tail."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        if _QUOTE_HEADERS.match(line.strip()) or _wrapped_attribution(lines[i:i + 3]):
            break
        if line.rstrip() == "-- ":
            break
        kept.append(line)
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    body = "\n".join(line for line in kept if not line.lstrip().startswith(">")).strip()
    return body or text.strip()


def safe_filename(filename: str | None) -> str:
    """The sender's file name without any folders (as an attachment added by hand): it is
    used as a path when staff open or save the file, so "../../x" or "/etc/x" must not
    reach outside where it is put."""
    name = " ".join(_no_nul(filename or "").replace("\\", "/").rsplit("/", 1)[-1].split())[:200]
    return "attachment" if name in ("", ".", "..") else name


def _decode(part: Message, problems: list[str]) -> str:
    """A text part's content; an unknown or lying charset is read as Latin-1, not lost."""
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        return content if isinstance(content, str) else content.decode("utf-8", "replace")
    except (LookupError, UnicodeDecodeError) as exc:
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "unknown"
        problems.append(f"text in an unreadable charset ({charset}: {exc.__class__.__name__}), read as Latin-1")
        return bytes(payload).decode("latin-1", "replace") if isinstance(payload, bytes) else str(payload)


def _automatic(msg: Message, from_address: str, own_address: str) -> str | None:
    auto = (msg.get("Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return f"an automatic message (Auto-Submitted: {auto})"
    precedence = (msg.get("Precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"bulk or list mail (Precedence: {precedence})"
    if msg.get("X-Autoreply") or msg.get("X-Autorespond") or (msg.get("X-Auto-Response-Suppress") or "").lower() in (
            "all", "oof"):
        return "an auto-reply (X-Autoreply / X-Autorespond)"
    if msg.get("List-Id") or msg.get("List-Unsubscribe"):
        return "mailing-list mail (List-Id)"
    if (msg.get("Return-Path") or "").strip() == "<>":
        return "a bounce (empty Return-Path)"
    if from_address and _MACHINE_SENDERS.match(from_address):
        return f"a machine's address ({from_address})"
    if own_address and from_address.lower() == own_address.lower():
        return "from Desk's own address (a loop)"
    return None


def _one_line(value: str) -> str:
    with contextlib.suppress(ValueError, LookupError, UnicodeError):   # undecodable: as sent
        value = str(make_header(decode_header(value)))
    return " ".join(value.split())


def _sender(msg: Message, raw: bytes, problems: list[str]) -> tuple[str, str]:
    """(name, address) of the From header. The address is read from the header as sent,
    before any encoded word is decoded: a name that decodes to "Bcc: someone@…" stays a
    name and never becomes the address."""
    try:
        header = msg.get("From")
        addresses = getattr(header, "addresses", ())
        if addresses and "@" in str(addresses[0].addr_spec):
            return " ".join(str(addresses[0].display_name).split()), str(addresses[0].addr_spec).strip().lower()
    # The modern parser also fails with its own bugs (AttributeError on "Foo <a@[b>"):
    # anyone can send that, so it is read the old way rather than stopping the fetch.
    except (ValueError, IndexError, TypeError, AttributeError, MessageError) as exc:
        problems.append(f"odd From header ({exc.__class__.__name__}), read as sent")
    legacy = email.message_from_bytes(raw, policy=policy.compat32)
    pairs = getaddresses([str(legacy.get("From") or "")])
    if not pairs:
        return "", ""
    name, address = pairs[0]
    return _one_line(name), (address.strip().lower() if "@" in address else "")


def parse(raw: bytes, own_address: str = "") -> ParsedMail:
    problems: list[str] = []
    msg = email.message_from_bytes(raw, policy=policy.default)
    for defect in getattr(msg, "defects", [])[:5]:
        problems.append(f"malformed message: {defect.__class__.__name__}")

    legacy: Message | None = None

    def header(name: str) -> str:
        nonlocal legacy
        try:
            value = msg.get(name)
        except (ValueError, IndexError, TypeError, AttributeError, MessageError) as exc:
            # A header the modern parser refuses (a line break encoded into a name, say):
            # read it the old way, decoded and on one line, so nothing is added by it.
            problems.append(f"odd {name} header ({exc.__class__.__name__}), read on one line")
            if legacy is None:
                legacy = email.message_from_bytes(raw, policy=policy.compat32)
            value = _one_line(str(legacy.get(name) or ""))
        return " ".join(str(value).split()) if value is not None else ""

    from_name, from_address = _sender(msg, raw, problems)
    message_id = header("Message-ID") or f"<sha256.{hashlib.sha256(raw).hexdigest()}@desk.invalid>"
    try:
        sent_at = parsedate_to_datetime(header("Date")) if header("Date") else None
        if sent_at is not None and sent_at.tzinfo is None:
            sent_at = sent_at.replace(tzinfo=dt.UTC)
    except (TypeError, ValueError, IndexError):
        sent_at = None
    references = " ".join(x for x in (header("In-Reply-To"), header("References")) if x)

    plain: str | None = None
    html: str | None = None
    attachments: list[Attachment] = []
    total = 0
    walk = msg.walk() if msg.is_multipart() else iter([msg])
    for part in walk:
        if part.is_multipart():
            continue
        disposition = (part.get_content_disposition() or "").lower()
        ctype = part.get_content_type()
        filename = part.get_filename()
        if disposition != "attachment" and not filename and ctype == "text/plain" and plain is None:
            plain = _decode(part, problems)
        elif disposition != "attachment" and not filename and ctype == "text/html" and html is None:
            html = _decode(part, problems)
        elif filename or disposition in ("attachment", "inline"):
            data = part.get_payload(decode=True)
            if not isinstance(data, bytes):
                continue
            name = safe_filename(filename)
            if len(data) > ATTACHMENT_MAX or total + len(data) > ATTACHMENTS_MAX:
                problems.append(f"attachment {name!r} ({len(data) / 1024 / 1024:.1f} MB) not kept: over "
                                f"{ATTACHMENT_MAX // 1024 // 1024} MB (the raw message has it)")
                continue
            total += len(data)
            attachments.append(Attachment(name, ctype[:120], data))
    if plain is None and html is not None:
        plain = html_to_text(html)
        problems.append("HTML only: turned into text")
    if plain is None:
        problems.append("no text in the message")
        plain = ""
    body = strip_quoted(plain)
    auto = _automatic(msg, from_address, own_address)
    if not from_address:
        problems.append("no sender address")
    # A NUL is easy to encode (a header's encoded word, a base64 body) and can be stored
    # nowhere (PostgreSQL text; the ticket form refuses it): it goes, or the message would
    # stop every fetch.
    return ParsedMail(_no_nul(message_id)[:500], _no_nul(from_address)[:320],
                      " ".join(_no_nul(from_name).split())[:300], _no_nul(header("Subject"))[:500], sent_at,
                      _no_nul(references), _no_nul(body), attachments, auto, problems)


def _no_nul(value: str) -> str:
    return value.replace("\x00", "")
