"""Staff accounts and who is acting (OS user on SQLite, database login on PostgreSQL)."""
from __future__ import annotations

import builtins
import os
import pwd
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from db.engine import Database
from db.enums import Role
from db.errors import REFUSED, server_message
from db.models import Incident, StaffAccount, StaffRole, Team, TeamMember
from desk.actor import Actor
from desk.clock import Clock, utc_now
from desk.common import audit
from desk.common.text import clean_text
from desk.errors import ConflictError, DeskError, InvalidInput, NotFound
from desk.rules.lifecycle import OPEN_STATUSES
from desk.rules.permissions import require


class NoStaffAccount(DeskError):
    exit_code = 2


@dataclass(frozen=True)
class StaffView:
    """A staff account as the Set-up page and ``desk staff list`` show it."""

    username: str
    display_name: str
    email: str | None
    os_user: str | None
    db_login: str | None
    roles: tuple[Role, ...]
    teams: tuple[str, ...]
    active: bool
    version: int


@dataclass(frozen=True)
class TeamView:
    name: str
    email: str | None
    members: int


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

    def accounts(self) -> builtins.list[StaffView]:  # `list` is the method above
        """Every staff account, deactivated ones included (their history stays theirs)."""
        with self.db.reading() as s:
            teams: dict[int, builtins.list[str]] = {}
            for staff_id, team in s.execute(select(TeamMember.staff_id, Team.name).join(Team)
                                            .order_by(Team.name)).all():
                teams.setdefault(staff_id, []).append(team)
            rows = s.execute(select(StaffAccount).order_by(StaffAccount.username)).scalars().all()
            return [_view(a, teams.get(a.id, [])) for a in rows]

    def account(self, username: str) -> StaffView:
        with self.db.reading() as s:
            return self._view_in(s, _account(s, username))

    def teams(self) -> builtins.list[TeamView]:
        with self.db.reading() as s:
            rows = s.execute(select(Team.name, Team.email, func.count(TeamMember.staff_id))
                             .outerjoin(TeamMember, TeamMember.team_id == Team.id)
                             .where(Team.active.is_(True)).group_by(Team.id, Team.name, Team.email)
                             .order_by(Team.name)).all()
            return [TeamView(name, email, n) for name, email, n in rows]

    def update(self, actor: Actor, username: str, *, display_name: str | None = None, email: str | None = None,
               os_username: str | None = None, base_version: int | None = None) -> StaffView:
        """Change an account's name, e-mail or operating-system user (None: leave it; ""
        clears e-mail and OS user). ``base_version``: the version the form was loaded at."""
        require(actor, "staff.manage")
        changes: dict[str, str | None] = {}
        if display_name is not None:
            changes["display_name"] = clean_text(display_name, "name", required=True, single_line=True,
                                                 max_length=200)
        if email is not None:
            mail = clean_text(email, "e-mail", single_line=True, max_length=320) or None
            if mail and not _EMAIL.match(mail):
                raise InvalidInput(f"E-mail {mail!r} is not a valid address.", "email")
            changes["email"] = mail
        if os_username is not None:
            changes["os_user"] = clean_text(os_username, "operating-system user", single_line=True,
                                            max_length=120) or None
        now = self.clock()
        with self.db.writing() as s:
            acc = _account(s, username)
            if base_version is not None and acc.version != base_version:
                raise ConflictError("staff", username, base_version, acc.version, changes,
                                    {c: getattr(acc, c) for c in changes})
            if changes.get("os_user"):
                taken = s.execute(select(StaffAccount.username).where(
                    StaffAccount.os_user == changes["os_user"], StaffAccount.id != acc.id)).scalar()
                if taken:
                    raise InvalidInput(f"The operating-system user {changes['os_user']!r} already belongs to "
                                       f"the staff account {taken!r}.", "os_user")
            for column, value in changes.items():
                if getattr(acc, column) != value:
                    audit.record(s, actor, now, "staff", acc.id, column, getattr(acc, column), value)
                    setattr(acc, column, value)
            s.flush()
            return self._view_in(s, acc)

    def set_active(self, actor: Actor, username: str, active: bool, *, reason: str) -> StaffView:
        """Deactivate (or bring back) an account instead of deleting it: a deactivated
        account cannot sign in or be assigned, and everything it did stays on record under
        its name. On PostgreSQL the server follows: the login leaves the Desk groups and
        is set NOLOGIN (db.security.functions, desk_staff_account_sync)."""
        require(actor, "staff.manage")
        why = clean_text(reason, "reason", required=True, max_length=2000)
        now = self.clock()
        with self.db.writing() as s:
            acc = _account(s, username)
            if acc.active == active:
                raise InvalidInput(f"{username} is {'active' if active else 'deactivated'} already.", "active")
            if not active and acc.id == actor.staff_id:
                raise InvalidInput("You cannot deactivate your own account; ask another admin.", "active")
            audit.record(s, actor, now, "staff", acc.id, "active", acc.active, active, why)
            acc.active = active
            _flush_refused(s, "active")
            return self._view_in(s, acc)

    def open_assigned(self, username: str) -> int:
        """Open incidents still assigned to the account (after a deactivation: work to hand on)."""
        with self.db.reading() as s:
            acc = _account(s, username)
            return int(s.execute(select(func.count(Incident.id)).where(
                Incident.assignee_id == acc.id, Incident.status.in_(OPEN_STATUSES))).scalar_one())

    def set_teams(self, actor: Actor, username: str, *, join: Sequence[str] = (),
                  leave: Sequence[str] = ()) -> StaffView:
        require(actor, "staff.manage")
        if set(join) & set(leave):
            raise InvalidInput(f"Cannot both join and leave {', '.join(sorted(set(join) & set(leave)))}.", "team")
        now = self.clock()
        with self.db.writing() as s:
            acc = _account(s, username)
            have = set(s.execute(select(TeamMember.team_id).where(TeamMember.staff_id == acc.id)).scalars())
            for name in join:
                tid = _team_id(s, name)
                if tid not in have:
                    s.add(TeamMember(team_id=tid, staff_id=acc.id))
                    audit.record(s, actor, now, "staff", acc.id, "team_id", None, tid)
            for name in leave:
                tid = _team_id(s, name)
                if tid in have:
                    s.execute(delete(TeamMember).where(TeamMember.team_id == tid, TeamMember.staff_id == acc.id))
                    audit.record(s, actor, now, "staff", acc.id, "team_id", tid, None)
            s.flush()
            return self._view_in(s, acc)

    def create_team(self, actor: Actor, name: str, *, email: str | None = None) -> TeamView:
        require(actor, "staff.manage")
        team = clean_text(name, "team name", required=True, single_line=True, max_length=120)
        mail = clean_text(email, "team e-mail", single_line=True, max_length=320) or None
        if mail and not _EMAIL.match(mail):
            raise InvalidInput(f"E-mail {mail!r} is not a valid address.", "team_email")
        now = self.clock()
        with self.db.writing() as s:
            if s.execute(select(Team.id).where(func.lower(Team.name) == team.lower())).scalar() is not None:
                raise InvalidInput(f"A team called {team!r} already exists.", "team_name")
            row = Team(name=team, email=mail, active=True)
            s.add(row)
            s.flush()
            audit.record(s, actor, now, "team", row.id, "created", None, team)
            return TeamView(team, mail, 0)

    @staticmethod
    def _view_in(s: Session, acc: StaffAccount) -> StaffView:
        names = s.execute(select(Team.name).join(TeamMember).where(TeamMember.staff_id == acc.id)
                          .order_by(Team.name)).scalars().all()
        return _view(acc, list(names))


_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


def _view(a: StaffAccount, teams: list[str]) -> StaffView:
    order = list(Role)
    return StaffView(a.username, a.display_name, a.email, a.os_user, a.db_login,
                     tuple(sorted((r.role for r in a.roles), key=order.index)), tuple(teams), a.active, a.version)


def _account(s: Session, username: str) -> StaffAccount:
    acc = s.execute(select(StaffAccount).where(StaffAccount.username == username)).scalar_one_or_none()
    if acc is None:
        raise NotFound(f"No staff account {username!r}.")
    return acc


def _team_id(s: Session, name: str) -> int:
    tid = s.execute(select(Team.id).where(Team.name == name, Team.active.is_(True))).scalar()
    if tid is None:
        raise InvalidInput(f"No team called {name!r}.", "team")
    return int(tid)


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
