"""Keeping database passwords out of messages, tracebacks and logs.

Errors from SQLAlchemy, psycopg or Alembic may quote a connection URL or a libpq
conninfo string; a password typed once (``--database``, the keyring, a prompt) must
never come back on the screen or in a log file. ``redact`` masks both shapes and any
password Desk knows in the forms it can appear in (as typed, URL-encoded, with ``%``
doubled for a ConfigParser).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from urllib.parse import quote, quote_plus

MASK = "***"
# scheme://user:password@  (the password ends at the last '@' before the host)
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.\-]*://[^\s:/@]*:)[^\s/]*@", re.IGNORECASE)
# password=secret or password='sec ret' in a libpq conninfo
_CONNINFO_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?:'(?:[^'\\]|\\.)*'|[^\s]+)", re.IGNORECASE)

Secrets = Callable[[], Iterable[str | None]]


def _forms(secret: str) -> set[str]:
    forms = {secret, quote(secret, safe=""), quote_plus(secret), quote(secret, safe=" +")}
    return forms | {f.replace("%", "%%") for f in forms}


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every known password and every password inside a URL or conninfo masked."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        for form in sorted(_forms(secret), key=len, reverse=True):
            text = text.replace(form, MASK)
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}{MASK}@", text)
    return _CONNINFO_PASSWORD.sub(lambda m: f"{m['head']}{MASK}", text)


class RedactingFilter(logging.Filter):
    """A handler filter that masks passwords in each record's message and traceback."""

    def __init__(self, secrets: Secrets = lambda: ()) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        known = list(self.secrets())
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's to report, not ours
            return True
        record.msg, record.args = redact(message, known), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, known)
        return True
