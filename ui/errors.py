"""Expected failures shown in words through one function (qutebrowser's habit)."""
from __future__ import annotations

import logging

from desk.errors import ConflictError, DeskError, InvalidInput, RuleRefused

log = logging.getLogger(__name__)


def describe(exc: BaseException) -> str:
    """The sentence to show for ``exc``; database errors in plain words."""
    if isinstance(exc, DeskError):
        return str(exc)
    if isinstance(exc, RuleRefused):
        return f"The database server refused this: {exc}"
    name = type(exc).__name__
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = text[0] if text else name
    low = first.lower()
    if "database is locked" in low:
        return "The database is busy (another workstation is writing). Try again in a moment."
    if "disk" in low and "full" in low:
        return "The disk holding the database is full; nothing was saved."
    if name in {"OperationalError", "InterfaceError"} or "connection" in low:
        return f"The database server cannot be reached: {first}"
    return f"Unexpected error ({name}): {first}"


def is_expected(exc: BaseException) -> bool:
    if isinstance(exc, DeskError):
        return True
    return isinstance(exc, RuleRefused) or type(exc).__name__ in {"OperationalError", "InterfaceError",
                                                                  "DatabaseError"}


__all__ = ["ConflictError", "InvalidInput", "describe", "is_expected"]
