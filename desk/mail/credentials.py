"""The SMTP login, kept in each machine's keyring (never in the database, never in a file
Desk writes); a cron host without a keyring reads the password from a file only its
owner can read, which the administrator writes."""
from __future__ import annotations

import json
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import keyring
from keyring.errors import KeyringError

from desk.errors import InvalidInput

log = logging.getLogger(__name__)
SERVICE = "desk-smtp"
IMAP_SERVICE = "desk-imap"


@dataclass(frozen=True)
class Login:
    user: str
    password: str

    def __repr__(self) -> str:        # never the password, in a traceback or a log
        return f"Login(user={self.user!r}, password=***)"


def save(server: str, login: Login, *, service: str = SERVICE) -> None:
    try:
        keyring.set_password(service, server, json.dumps({"user": login.user, "password": login.password}))
    except KeyringError as exc:
        raise InvalidInput(f"The system keyring refused the SMTP login ({exc.__class__.__name__}); on a "
                           "machine without one, give send --user NAME --password-file FILE.", "password") from None


def load(server: str, *, service: str = SERVICE) -> Login | None:
    try:
        stored = keyring.get_password(service, server)
    except KeyringError as exc:
        log.warning("keyring unavailable: %s", exc.__class__.__name__)
        return None
    if not stored:
        return None
    try:
        data = json.loads(stored)
        return Login(str(data["user"]), str(data["password"]))
    except (ValueError, KeyError, TypeError):
        log.warning("the keyring's SMTP login for %s is unreadable; set it again with desk mail setup", server)
        return None


def from_file(path: Path, user: str) -> Login:
    """The password in ``path`` (its first line), for ``user``. The file must be its
    owner's alone: a password others can read is refused, not used."""
    try:
        info = path.stat()
    except OSError as exc:
        raise InvalidInput(f"Cannot read the password file {path}: {exc.strerror}.", "password_file") from None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidInput(f"The password file {path} can be read by others (mode {stat.filemode(info.st_mode)}); "
                           f"make it the owner's alone: chmod 600 {path}", "password_file")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise InvalidInput(f"The password file {path} belongs to another user.", "password_file")
    try:
        first = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"Cannot read the password file {path} ({exc.__class__.__name__}).",
                           "password_file") from None
    if not first or not first[0]:
        raise InvalidInput(f"The password file {path} is empty.", "password_file")
    return Login(user, first[0])
