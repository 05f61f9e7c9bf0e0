"""Expected failures shown in words through one function (qutebrowser's habit).

What counts as expected is decided once, in the core's error tree: typed Desk errors,
and driver errors classified by their codes (db.errors.classify, re-exported as
desk.errors.classify). Anything else is a bug and goes to the crash handler.
"""
from __future__ import annotations

import logging

from desk.errors import ConflictError, DeskError, InvalidInput, classify

log = logging.getLogger(__name__)


def describe(exc: BaseException) -> str:
    """The sentence to show for ``exc``."""
    if isinstance(exc, DeskError):
        return str(exc)
    typed = classify(exc)
    if typed is not None:
        return str(typed)
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"Unexpected error ({type(exc).__name__}): {lines[0] if lines else ''}"


def is_expected(exc: BaseException) -> bool:
    return isinstance(exc, DeskError) or classify(exc) is not None


__all__ = ["ConflictError", "InvalidInput", "describe", "is_expected"]
