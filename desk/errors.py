"""Typed errors for expected failures; the UI and CLI show their message as it is."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# The database layer's expected errors, re-exported so the UI can name them without
# reaching into db.
from db.errors import (
    DatabaseBusy,
    DatabaseSetupError,
    DatabaseUnavailable,
    DiskFull,
    ExpectedError,
    RuleRefused,
    SchemaMismatch,
    classify,
)

# The root of the tree lives in db (its setup and driver errors are expected failures
# too); here it is called by the name the core and the UI use.
DeskError = ExpectedError


class InvalidInput(DeskError):
    """Input that breaks a rule; ``field`` names what is wrong."""

    exit_code = 2

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(DeskError):
    exit_code = 2


class PermissionDenied(DeskError):
    exit_code = 2


class IllegalTransition(InvalidInput):
    def __init__(self, current: str, target: str, allowed: Sequence[str]) -> None:
        allowed_text = ", ".join(allowed) if allowed else "none (the record is final)"
        super().__init__(
            f"Cannot move from {current} to {target}. Allowed from {current}: {allowed_text}.",
            field="status",
        )
        self.current = current
        self.target = target
        self.allowed = tuple(allowed)


class ConflictError(DeskError):
    """Someone saved the record after it was read; nothing was overwritten.

    Carries the version the user started from, what they tried to save, and the
    record as it is now in the database, so the UI can offer a merge.
    """

    def __init__(
        self, entity: str, number: str, base_version: int, current_version: int,
        mine: Mapping[str, Any], theirs: Mapping[str, Any],
    ) -> None:
        changed = sorted(k for k in mine if mine.get(k) != theirs.get(k))
        super().__init__(
            f"{number} was changed by someone else (version {base_version} → {current_version}) "
            f"since you opened it; nothing was overwritten. Fields that differ: "
            f"{', '.join(changed) or 'none'}."
        )
        self.entity = entity
        self.number = number
        self.base_version = base_version
        self.current_version = current_version
        self.mine = dict(mine)
        self.theirs = dict(theirs)


__all__ = [
    "ConflictError",
    "DatabaseBusy",
    "DatabaseSetupError",
    "DatabaseUnavailable",
    "DeskError",
    "DiskFull",
    "IllegalTransition",
    "InvalidInput",
    "NotFound",
    "PermissionDenied",
    "RuleRefused",
    "SchemaMismatch",
    "classify",
]
