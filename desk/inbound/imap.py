"""Reading the desk's mailbox over IMAP: new (unseen) messages, each marked seen only once
Desk has stored what came of it, so a fetch cut short loses nothing and the next one
takes up the rest (and a message seen twice is still handled once: its Message-ID)."""
from __future__ import annotations

import imaplib
import logging
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from desk.errors import InvalidInput
from desk.mail.credentials import Login
from desk.mail.network import describe_connection

log = logging.getLogger(__name__)
TIMEOUT_S = 30
BATCH = 200


@dataclass(frozen=True)
class ImapTarget:
    host: str
    port: int
    security: str     # tls, starttls (upgrade where offered) or none
    user: str
    mailbox: str

    @property
    def key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"


def parse_imap_url(url: str) -> ImapTarget:
    """``imaps://USER@HOST[:PORT]/MAILBOX`` (TLS) or ``imap://…`` (STARTTLS where offered)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise InvalidInput(f"{url!r} is not an IMAP address; write imaps://USER@HOST[:PORT]/MAILBOX.", "imap")
    if parts.password:
        raise InvalidInput("Put no password in the IMAP address; give --imap-password-stdin instead "
                           "(it goes to the keyring, never the database).", "imap")
    if not parts.username:
        raise InvalidInput("The IMAP address needs the mailbox's login: imaps://USER@HOST/MAILBOX.", "imap")
    try:
        port = parts.port or (993 if parts.scheme == "imaps" else 143)
    except ValueError:
        raise InvalidInput(f"The port in {url!r} is not a number from 1 to 65535.", "imap") from None
    mailbox = unquote(parts.path.lstrip("/")) or "INBOX"
    return ImapTarget(parts.hostname, port, "tls" if parts.scheme == "imaps" else "starttls",
                      unquote(parts.username), mailbox)


def describe_imap(exc: BaseException) -> str:
    if isinstance(exc, imaplib.IMAP4.error):
        return f"the server said: {exc}"
    return describe_connection(exc, TIMEOUT_S)


class ImapError(Exception):
    pass


@contextmanager
def mailbox(target: ImapTarget, login: Login, *, context: ssl.SSLContext | None = None) -> Iterator[imaplib.IMAP4]:
    ctx = context or ssl.create_default_context()
    try:
        if target.security == "tls":
            conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(target.host, target.port, ssl_context=ctx, timeout=TIMEOUT_S)
        else:
            conn = imaplib.IMAP4(target.host, target.port, timeout=TIMEOUT_S)
            if "STARTTLS" in conn.capabilities:
                conn.starttls(ssl_context=ctx)
            elif target.security == "starttls" and target.host not in ("127.0.0.1", "localhost", "::1"):
                log.warning("%s offers no STARTTLS: the mailbox password goes in clear text", target.host)
        conn.login(login.user, login.password)
        typ, _ = conn.select(_quote(target.mailbox))
        if typ != "OK":
            raise ImapError(f"no mailbox {target.mailbox!r} on {target.host}")
    except (imaplib.IMAP4.error, OSError) as exc:
        raise ImapError(describe_imap(exc)) from None
    except UnicodeEncodeError:
        # imaplib sends LOGIN in ASCII only; uncaught, a traceback (and a crashed round).
        raise ImapError("the mailbox login name or password has characters other than ASCII, which the "
                        "IMAP login cannot send") from None
    try:
        yield conn
    finally:
        with suppress(imaplib.IMAP4.error, OSError):
            conn.logout()


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unseen(conn: imaplib.IMAP4, limit: int = BATCH) -> list[str]:
    typ, data = conn.uid("SEARCH", "UNSEEN")
    if typ != "OK":
        raise ImapError(f"the server refused SEARCH: {data!r}")
    return [u.decode() for u in (data[0] or b"").split()[:limit]]


def fetch_raw(conn: imaplib.IMAP4, uid: str) -> bytes | None:
    # BODY.PEEK: reading does not mark it seen; that waits until Desk has stored the outcome.
    typ, data = conn.uid("FETCH", uid, "(BODY.PEEK[])")
    if typ != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def mark_seen(conn: imaplib.IMAP4, uid: str) -> None:
    conn.uid("STORE", uid, "+FLAGS", "(\\Seen)")


def each_new(target: ImapTarget, login: Login, handle: Callable[[bytes], object], limit: int = BATCH) -> int:
    """Call ``handle(raw)`` for each unseen message, marking it seen after; returns how many."""
    done = 0
    with mailbox(target, login) as conn:
        try:
            for uid in unseen(conn, limit):
                raw = fetch_raw(conn, uid)
                if raw is None:
                    continue
                handle(raw)           # raises: not marked seen, taken again next time
                mark_seen(conn, uid)
                done += 1
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ImapError(describe_imap(exc)) from None
    return done
