"""Errors the database layer raises for conditions a user can act on.

``ExpectedError`` is the root of Desk's error tree (``desk.errors.DeskError`` is this
class): an expected failure whose message is meant for the person at the keyboard, shown
as it is by the window and the command line. Driver errors are classified here, once,
by their codes (SQLite's extended result codes, PostgreSQL's SQLSTATE), never guessed
from message text.
"""
from __future__ import annotations

import sqlite3
from typing import Any


class ExpectedError(Exception):
    """An expected failure with a message meant for the person at the keyboard."""

    exit_code = 1


class DatabaseSetupError(ExpectedError):
    """The database cannot be used as configured; the message says what to do."""


class RuleRefused(ExpectedError):
    """The shared server refused a write by one of its rules (db.security): the same
    rule the core applies, so this means Desk and the server disagree or a client other
    than Desk tried. The message is the server's, naming the rule."""

    exit_code = 2


class DatabaseBusy(ExpectedError):
    """Another writer holds the database (SQLite's lock, a PostgreSQL lock or deadlock);
    nothing was saved and trying again shortly will work."""


class DiskFull(ExpectedError):
    """The disk (or the server's) holding the database is full; nothing was saved."""


class DatabaseUnavailable(ExpectedError):
    """The database server went away or the file cannot be opened; nothing was saved."""


class SchemaMismatch(ExpectedError):
    """The database's tables are not the ones this Desk knows (an upgrade is missing)."""


# SQLSTATEs the server's own rules raise (db.security.functions): insufficient_privilege
# for a refused action, invalid_parameter_value for a bad staff login.
REFUSED = "42501"
BAD_VALUE = "22023"

# SQLite primary result codes (the low byte of the extended code).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 5, 6, 10, 11, 13, 14
_SQLITE_NOTADB = 26


def server_message(exc: BaseException) -> str | None:
    """The message of a rule the server refused with, or None for any other error."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) not in (REFUSED, BAD_VALUE):
        return None
    diag = getattr(orig, "diag", None)
    primary = getattr(diag, "message_primary", None)
    return str(primary or orig).strip()


def _first_line(orig: Any) -> str:
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(orig).__name__


def classify(exc: BaseException) -> ExpectedError | None:
    """The typed error a driver error stands for, or None when it is a bug (shown as such)."""
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, sqlite3.Error):
        code = (getattr(orig, "sqlite_errorcode", 0) or 0) & 0xFF
        if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return DatabaseBusy("The database is busy (another workstation is writing). Nothing was saved; "
                                "try again in a moment.")
        if code == _SQLITE_FULL:
            return DiskFull("The disk holding the database is full; nothing was saved. Free some space "
                            "and try again.")
        if code in (_SQLITE_CANTOPEN, _SQLITE_IOERR):
            return DatabaseUnavailable(f"The database file cannot be read or written ({_first_line(orig)}); "
                                       "nothing was saved.")
        if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            return DatabaseUnavailable(f"The database file is damaged ({_first_line(orig)}). Restore it from "
                                       "a backup.")
        return None
    state = getattr(orig, "sqlstate", None)
    if state in (REFUSED, BAD_VALUE):
        return RuleRefused(server_message(exc) or _first_line(orig))
    if state in ("40001", "40P01", "55P03"):
        return DatabaseBusy("The database server could not save this now (another workstation was changing "
                            "the same records). Nothing was saved; try again.")
    if state == "53100":
        return DiskFull("The database server's disk is full; nothing was saved. Tell the administrator.")
    if state in ("42P01", "42703"):
        return SchemaMismatch(f"The database's tables do not match this Desk ({_first_line(orig)}). "
                              "Ask an administrator to run: desk db upgrade")
    if (state or "").startswith("08") or state in ("57P01", "57P02", "57P03") or (
            state is None and type(orig).__name__ in ("OperationalError", "InterfaceError")
            and type(orig).__module__.startswith("psycopg")):
        return DatabaseUnavailable(f"The database server cannot be reached ({_first_line(orig)}); nothing "
                                   "was saved.")
    return None
