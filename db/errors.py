"""Errors the database layer raises for conditions a user can act on."""
from __future__ import annotations


class DatabaseSetupError(Exception):
    """The database cannot be used as configured; the message says what to do."""


class RuleRefused(Exception):
    """The shared server refused a write by one of its rules (db.security): the same
    rule the core applies, so this means Desk and the server disagree or a client other
    than Desk tried. The message is the server's, naming the rule."""

    exit_code = 2


# SQLSTATEs the server's own rules raise (db.security.functions): insufficient_privilege
# for a refused action, invalid_parameter_value for a bad staff login.
REFUSED = "42501"
BAD_VALUE = "22023"


def server_message(exc: BaseException) -> str | None:
    """The message of a rule the server refused with, or None for any other error."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) not in (REFUSED, BAD_VALUE):
        return None
    diag = getattr(orig, "diag", None)
    primary = getattr(diag, "message_primary", None)
    return str(primary or orig).strip()
