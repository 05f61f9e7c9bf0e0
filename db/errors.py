"""Errors the database layer raises for conditions a user can act on."""
from __future__ import annotations


class DatabaseSetupError(Exception):
    """The database cannot be used as configured; the message says what to do."""
