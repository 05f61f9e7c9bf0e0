"""desk profile add | list | use: saved connections (the password goes to the keyring)."""
from __future__ import annotations

import argparse
import re
import sys

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from desk import credentials, profiles
from desk.cli.context import CliContext
from desk.errors import DeskError, InvalidInput

NAME = re.compile(r"^[\w.@-]{1,64}$")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("profile", help="saved database connections")
    s = p.add_subparsers(dest="profile_command", required=True, metavar="ACTION")
    add = s.add_parser("add", help="save a connection (becomes the default if none is set)")
    add.add_argument("name", help="a name for the connection")
    add.add_argument("--url", required=True, help="postgresql://user@host[:port]/database (no password)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from standard input and keep it in the system keyring")
    add.add_argument("--default", action="store_true", help="make it the default connection")
    add.set_defaults(func=add_cmd)
    ls = s.add_parser("list", help="saved connections; * marks the default")
    ls.set_defaults(func=list_cmd)
    use = s.add_parser("use", help="make a saved connection the default")
    use.add_argument("name", help="the saved connection's name")
    use.set_defaults(func=use_cmd)


def _key(url: str) -> str | None:
    u = make_url(url)
    if u.get_backend_name() != "postgresql" or not u.username:
        return None
    return credentials.key_for(u.username, u.host or "localhost", u.port, u.database or "")


def add_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    if not NAME.match(args.name):
        raise InvalidInput(f"Profile name {args.name!r}: use letters, digits, '.', '-', '_' or '@'.", "name")
    try:
        url = make_url(args.url)
    except ArgumentError:
        raise InvalidInput(f"{args.url!r} is not a database URL (postgresql://user@host/db).", "url") from None
    if url.get_backend_name() not in ("postgresql", "sqlite"):
        raise InvalidInput(f"Desk connects to PostgreSQL or SQLite, not {url.get_backend_name()!r}.", "url")
    if url.password:
        raise InvalidInput("Leave the password out of the URL; use --password-stdin to keep it in the "
                           "system keyring.", "url")
    password = None
    if args.password_stdin:
        key = _key(args.url)
        if key is None:
            raise InvalidInput("--password-stdin needs a PostgreSQL URL with a user name.", "url")
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InvalidInput("No password on standard input.", "password")
        try:
            credentials.set_password(key, password)
        except Exception as exc:  # noqa: BLE001 - keyring backends raise types of their own
            raise DeskError(f"The system keyring refused the password ({exc}); the profile was not "
                            "saved.") from None
    profile = profiles.save_profile(args.name, args.url, make_default=args.default)
    stored = " (password in the system keyring)" if password else ""
    print(f"saved {profile.name}: {profile.url}{stored}")
    return 0


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    default = profiles.default_profile()
    saved = profiles.list_profiles()
    if not saved:
        print("no saved connections (add one: desk profile add NAME --url postgresql://user@host/db)")
        return 0
    for p in saved:
        mark = "*" if default and p.name == default.name else " "
        key = _key(p.url)
        secret = ""
        if key is not None:
            secret = "  [password in keyring]" if credentials.get_password(key) else "  [no password saved]"
        print(f"{mark} {p.name:<20} {p.url}{secret}")
    return 0


def use_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    p = profiles.use_profile(args.name)
    print(f"default connection: {p.name} ({p.url})")
    return 0
