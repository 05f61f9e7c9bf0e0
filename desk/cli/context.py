"""What a CLI command needs: the chosen database, the services, the acting staff member."""
from __future__ import annotations

import argparse
import getpass
import sys
from functools import cached_property

from sqlalchemy import Engine

from db.engine import Database
from desk.actor import Actor
from desk.bootstrap import Services
from desk.connection import Target, choose, connect, open_database


def _prompt(key: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"Password for {key}: ")


class CliContext:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._engines: list[Engine] = []

    @cached_property
    def target(self) -> Target:
        return choose(getattr(self.args, "database", None))

    @cached_property
    def db(self) -> Database:
        return open_database(self.target, prompt=_prompt)

    def admin_engine(self) -> Engine:
        """An engine on the chosen database without the schema check (desk db …); closed with the context."""
        engine = connect(self.target, _prompt)
        self._engines.append(engine)
        return engine

    @cached_property
    def services(self) -> Services:
        return Services.over(self.db)

    @cached_property
    def actor(self) -> Actor:
        return self.services.staff.resolve_actor()

    def require_staff(self) -> Actor:
        """Before reading ticket data: who is acting, or NoStaffAccount (exit 2) for
        someone without a staff account. Writes check their role in the services."""
        return self.actor

    def secrets(self) -> list[str | None]:
        """The passwords this command holds, so no message can show them (desk.redaction)."""
        urls = [e.url for e in self._engines]
        if "db" in self.__dict__:
            urls.append(self.db.engine.url)
        if "target" in self.__dict__:
            urls.append(self.target.url)
        return [u.password for u in urls if u.password]

    def close(self) -> None:
        for engine in self._engines:
            engine.dispose()
        if "db" in self.__dict__:
            self.db.dispose()
