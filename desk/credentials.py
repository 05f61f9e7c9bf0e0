"""Database passwords live in the system keyring, never in a config file."""
from __future__ import annotations

import contextlib
import logging

import keyring
from keyring.errors import KeyringError

log = logging.getLogger(__name__)
SERVICE = "desk-database"


def key_for(user: str, host: str, port: int | None, database: str) -> str:
    return f"{user}@{host}:{port or 5432}/{database}"


def get_password(key: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, key)
    except KeyringError as exc:  # no usable backend on this machine
        log.warning("keyring unavailable: %s", exc)
        return None


def set_password(key: str, password: str) -> None:
    keyring.set_password(SERVICE, key, password)


def remember_password(key: str, password: str) -> None:
    """Save a password that worked; a keyring that refuses only means Desk asks again next time."""
    try:
        keyring.set_password(SERVICE, key, password)
    except KeyringError as exc:
        log.warning("keyring unavailable, the password was not saved: %s", exc)


def delete_password(key: str) -> None:
    with contextlib.suppress(KeyringError):
        keyring.delete_password(SERVICE, key)
