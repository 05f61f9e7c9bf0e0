"""Staff accounts and who is acting (OS user on SQLite, database login on PostgreSQL)."""
from __future__ import annotations

import os
import pwd

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db.engine import Database
from db.enums import Role
from db.models import StaffAccount, StaffRole, Team, TeamMember
from desk.actor import Actor
from desk.clock import Clock, utc_now
from desk.errors import DeskError, InvalidInput
from desk.rules.permissions import require
from desk.services import audit
from desk.services.text import clean_text


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
        """Who is at this workstation. The first account ever created becomes admin."""
        with self.db.writing() as s:
            if self.db.dialect == "postgresql":
                login = s.execute(text("select current_user")).scalar_one()
                account = s.execute(select(StaffAccount).where(StaffAccount.db_login == login)).scalar_one_or_none()
                key = {"db_login": login, "username": login}
            else:
                login = None
                user = os_username or os_user()
                account = s.execute(select(StaffAccount).where(StaffAccount.os_user == user)).scalar_one_or_none()
                key = {"os_user": user, "username": user}
            if account is None:
                if s.execute(select(func.count(StaffAccount.id))).scalar_one() == 0:
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
        s.add(audit_entry_for_bootstrap(account.id, now))
        return account

    def add(self, actor: Actor, username: str, *, display_name: str, roles: list[str],
            email: str | None = None, db_login: str | None = None, os_username: str | None = None,
            teams: list[str] | None = None) -> Actor:
        require(actor, "staff.manage")
        name = clean_text(username, "username", required=True, single_line=True, max_length=120)
        display = clean_text(display_name, "name", required=True, single_line=True, max_length=200)
        try:
            role_set = {Role(r) for r in roles}
        except ValueError:
            raise InvalidInput(f"Roles must be among: {', '.join(r.value for r in Role)}.", "role") from None
        if not role_set:
            raise InvalidInput("A staff account needs at least one role.", "role")
        now = self.clock()
        with self.db.writing() as s:
            if s.execute(select(StaffAccount.id).where(StaffAccount.username == name)).scalar():
                raise InvalidInput(f"A staff account {name!r} already exists.", "username")
            acc = StaffAccount(username=name, display_name=display, email=email, db_login=db_login,
                               os_user=os_username, created_at=now)
            acc.roles = [StaffRole(role=r) for r in sorted(role_set, key=lambda r: r.value)]
            s.add(acc)
            s.flush()
            for team in teams or []:
                tid = s.execute(select(Team.id).where(Team.name == team)).scalar()
                if tid is None:
                    raise InvalidInput(f"No team called {team!r}.", "team")
                s.add(TeamMember(team_id=tid, staff_id=acc.id))
            audit.record(s, actor, now, "staff", acc.id, "created", None, name)
            return _actor(s, acc, db_login)

    def list(self) -> list[Actor]:
        with self.db.reading() as s:
            rows = s.execute(select(StaffAccount).order_by(StaffAccount.username)).scalars().all()
            return [_actor(s, a, a.db_login) for a in rows]


def audit_entry_for_bootstrap(staff_id: int, now):
    from db.models import AuditEntry

    return AuditEntry(at=now, actor_id=staff_id, entity="staff", entity_id=staff_id,
                      field="created", old_value=None, new_value="first account (admin)",
                      reason="first start on this database")
