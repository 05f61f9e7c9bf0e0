"""Staff accounts and who is acting (OS user on SQLite, database login on PostgreSQL)."""
from __future__ import annotations

import os
import pwd
from collections.abc import Sequence

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from db.engine import Database
from db.enums import Role
from db.errors import REFUSED, server_message
from db.models import StaffAccount, StaffRole, Team, TeamMember
from desk.actor import Actor
from desk.clock import Clock, utc_now
from desk.common import audit
from desk.common.text import clean_text
from desk.errors import DeskError, InvalidInput, NotFound
from desk.rules.permissions import require


class NoStaffAccount(DeskError):
    exit_code = 2


def _actor(s: Session, account: StaffAccount, db_user: str | None) -> Actor:
    return Actor(account.id, account.username, account.display_name,
                 frozenset(r.role for r in account.roles), db_user)


def os_user() -> str:
    """The operating-system account of this process's real uid.

    Never an environment variable: ``getpass.getuser()`` reads LOGNAME/USER first, so
    ``LOGNAME=root desk ...`` would act as root. A uid without a passwd entry
    (containers) is named by its number, e.g. ``uid-1234``.
    """
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid-{uid}"


class StaffService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def resolve_actor(self, *, os_username: str | None = None) -> Actor:
        """Who is at this workstation. The first account ever created becomes admin.

        On PostgreSQL the identity is ``session_user``, the login the server checked the
        password of; nothing the client says can change it.
        """
        with self.db.writing() as s:
            if self.db.dialect == "postgresql":
                login = s.execute(text("select session_user")).scalar_one()
                account = _account_of_login(s, login)
                key = {"db_login": login, "username": login}
            else:
                login = None
                user = os_username or os_user()
                account = s.execute(select(StaffAccount).where(StaffAccount.os_user == user)).scalar_one_or_none()
                key = {"os_user": user, "username": user}
            if account is None:
                # On the shared server only the schema owner can start the staff list.
                if not audit.server_writes_audit(s) and s.execute(select(func.count(StaffAccount.id))).scalar_one() == 0:
                    account = self._create_admin(s, key)
                else:
                    who = f"database login {login!r}" if login else f"operating-system user {key['username']!r}"
                    raise NoStaffAccount(
                        f"The {who} has no Desk staff account. Ask an administrator to run: "
                        f"desk staff add {key['username']} --name \"Full Name\" --role technician"
                        + (f" --db-login {login}" if login else f" --os-user {key['username']}")
                    )
            if not account.active:
                raise NoStaffAccount(f"The staff account {account.username} is disabled.")
            return _actor(s, account, login)

    def _create_admin(self, s: Session, key: dict[str, str]) -> StaffAccount:
        now = self.clock()
        username = key["username"]
        account = StaffAccount(username=username, display_name=username, created_at=now,
                               os_user=key.get("os_user"), db_login=key.get("db_login"))
        account.roles = [StaffRole(role=r) for r in Role]
        s.add(account)
        s.flush()
        me = Actor(account.id, username, username, frozenset(Role), key.get("db_login"))
        audit.record(s, me, now, "staff", account.id, "created", None, "first account (admin)",
                     "first start on this database")
        return account

    def add(self, actor: Actor, username: str, *, display_name: str, roles: list[str],
            email: str | None = None, db_login: str | None = None, os_username: str | None = None,
            teams: list[str] | None = None) -> Actor:
        require(actor, "staff.manage")
        name = clean_text(username, "username", required=True, single_line=True, max_length=120)
        display = clean_text(display_name, "name", required=True, single_line=True, max_length=200)
        login = clean_text(db_login, "database login", single_line=True, max_length=63) or None
        os_name = clean_text(os_username, "operating-system user", single_line=True, max_length=120) or None
        role_set = _roles(roles)
        if not role_set:
            raise InvalidInput("A staff account needs at least one role.", "role")
        now = self.clock()
        with self.db.writing() as s:
            if s.execute(select(StaffAccount.id).where(StaffAccount.username == name)).scalar():
                raise InvalidInput(f"A staff account {name!r} already exists.", "username")
            for column, value, what in ((StaffAccount.db_login, login, "database login"),
                                        (StaffAccount.os_user, os_name, "operating-system user")):
                taken = value and s.execute(select(StaffAccount.username).where(column == value)).scalar()
                if taken:
                    raise InvalidInput(f"The {what} {value!r} already belongs to the staff account {taken!r}.",
                                       "db_login" if column is StaffAccount.db_login else "os_user")
            acc = StaffAccount(username=name, display_name=display, email=email, db_login=login,
                               os_user=os_name, created_at=now)
            acc.roles = [StaffRole(role=r) for r in sorted(role_set, key=lambda r: r.value)]
            s.add(acc)
            _flush_refused(s, "db_login")
            for team in teams or []:
                tid = s.execute(select(Team.id).where(Team.name == team)).scalar()
                if tid is None:
                    raise InvalidInput(f"No team called {team!r}.", "team")
                s.add(TeamMember(team_id=tid, staff_id=acc.id))
            audit.record(s, actor, now, "staff", acc.id, "created", None, name)
            for r in sorted(role_set, key=lambda r: r.value):
                audit.record(s, actor, now, "staff", acc.id, "role", None, r)
            return _actor(s, acc, login)

    def set_roles(self, actor: Actor, username: str, *, add: Sequence[str] = (),
                  remove: Sequence[str] = ()) -> Actor:
        """Grant and take away Desk roles; on PostgreSQL the server follows with the
        login's group membership (only an admin's login may write staff_roles)."""
        require(actor, "staff.manage")
        plus, minus = _roles(add), _roles(remove)
        if plus & minus:
            raise InvalidInput(f"Cannot both add and remove {', '.join(sorted(r.value for r in plus & minus))}.",
                               "role")
        now = self.clock()
        with self.db.writing() as s:
            acc = s.execute(select(StaffAccount).where(StaffAccount.username == username)).scalar_one_or_none()
            if acc is None:
                raise NotFound(f"No staff account {username!r}.")
            have = {r.role for r in acc.roles}
            after = (have | plus) - minus
            if not after:
                raise InvalidInput(f"{username} would have no role left; deactivate the account instead.", "role")
            if acc.id == actor.staff_id and Role.ADMIN in have and Role.ADMIN not in after:
                raise InvalidInput("You cannot take the admin role from yourself; ask another admin.", "role")
            for r in sorted(plus - have, key=lambda r: r.value):
                acc.roles.append(StaffRole(role=r))
                audit.record(s, actor, now, "staff", acc.id, "role", None, r)
            for link in [x for x in acc.roles if x.role in minus]:
                acc.roles.remove(link)
                audit.record(s, actor, now, "staff", acc.id, "role", link.role, None)
            s.flush()
            return _actor(s, acc, acc.db_login)

    def list(self) -> list[Actor]:
        with self.db.reading() as s:
            rows = s.execute(select(StaffAccount).order_by(StaffAccount.username)).scalars().all()
            return [_actor(s, a, a.db_login) for a in rows]


def _account_of_login(s: Session, login: str) -> StaffAccount | None:
    """The staff account of a login; a login in none of this database's Desk groups may
    not even read the staff list, which is the same answer: no account here."""
    try:
        with s.begin_nested():
            return s.execute(select(StaffAccount).where(StaffAccount.db_login == login)).scalar_one_or_none()
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != REFUSED:
            raise
        return None


def _roles(values: Sequence[str]) -> set[Role]:
    try:
        return {Role(r) for r in values}
    except ValueError:
        raise InvalidInput(f"Roles must be among: {', '.join(r.value for r in Role)}.", "role") from None


def _flush_refused(s: Session, field: str) -> None:
    """Flush, turning a rule the server refused (e.g. no such login) into bad input."""
    try:
        s.flush()
    except DBAPIError as exc:
        message = server_message(exc)
        if message is None:
            raise
        raise InvalidInput(message, field) from None
