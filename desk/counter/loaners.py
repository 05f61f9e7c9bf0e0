"""The loaner pool: add and retire loaner laptops, lend and take back, see who has which."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Loan, Loaner
from desk.actor import Actor
from desk.clock import Clock, utc_now
from desk.common import audit
from desk.common.text import clean_text
from desk.counter.read import load_loaner, loans
from desk.counter.views import LoanerView, LoanView
from desk.errors import InvalidInput, NotFound
from desk.rules.permissions import require

# Counter staff run the pool; the action they need is the one for working the counter.
POOL_ACTION = "incident.open"


def loaner_by_tag(s: Session, asset_tag: str, *, for_update: bool = False) -> Loaner:
    stmt = select(Loaner).where(func.upper(Loaner.asset_tag) == asset_tag.strip().upper())
    if for_update and s.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = s.execute(stmt).scalar_one_or_none()
    if row is None:
        raise NotFound(f"No loaner laptop with asset tag {asset_tag!r}.")
    return row


def lend_in(s: Session, actor: Actor, asset_tag: str, person_id: int, repair_id: int | None,
            due: dt.datetime, now: dt.datetime) -> Loan:
    """Lend inside the caller's unit of work; refuses a retired or already-lent loaner."""
    loaner = loaner_by_tag(s, asset_tag, for_update=True)
    if loaner.retired_at is not None:
        raise InvalidInput(f"Loaner {loaner.asset_tag} is retired and cannot be lent.", "loaner")
    out = s.execute(select(Loan.id).where(Loan.loaner_id == loaner.id, Loan.returned_at.is_(None))).scalar()
    if out is not None:
        raise InvalidInput(f"Loaner {loaner.asset_tag} is already lent out; choose another.", "loaner")
    if due <= now:
        raise InvalidInput("The loaner's due date must be in the future.", "loan_due")
    s.flush()
    loan = Loan(loaner_id=loaner.id, person_id=person_id, repair_id=repair_id, lent_at=now, due_at=due,
                lent_by_id=actor.staff_id)
    s.add(loan)
    s.flush()
    audit.record(s, actor, now, "loaner", loaner.id, "lent", None, f"loan {loan.id} due {due.isoformat()}")
    return loan


def return_in(s: Session, actor: Actor, loan: Loan, now: dt.datetime, note: str | None = None) -> None:
    if loan.returned_at is not None:
        raise InvalidInput("That loaner has already been returned.", "loaner")
    loan.returned_at, loan.returned_to_id = now, actor.staff_id
    loan.return_note = clean_text(note, "return note", max_length=4000) or None
    audit.record(s, actor, now, "loaner", loan.loaner_id, "returned", f"loan {loan.id}", None, loan.return_note)


class LoanerService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def pool(self, *, include_retired: bool = False) -> list[LoanerView]:
        with self.db.reading() as s:
            stmt = select(Loaner).order_by(Loaner.asset_tag)
            if not include_retired:
                stmt = stmt.where(Loaner.retired_at.is_(None))
            return [load_loaner(s, x) for x in s.execute(stmt).scalars()]

    def available(self) -> list[LoanerView]:
        return [x for x in self.pool() if x.available]

    def open_loans(self) -> list[LoanView]:
        with self.db.reading() as s:
            return loans(s, open_only=True)

    def overdue(self) -> list[LoanView]:
        now = self.clock()
        return [x for x in self.open_loans() if x.overdue(now)]

    def add(self, actor: Actor, asset_tag: str, description: str, *, serial: str | None = None,
            notes: str = "") -> LoanerView:
        require(actor, POOL_ACTION)
        tag = clean_text(asset_tag, "asset tag", required=True, single_line=True, max_length=64)
        desc = clean_text(description, "description", required=True, single_line=True, max_length=200)
        now = self.clock()
        with self.db.writing() as s:
            if s.execute(select(Loaner.id).where(func.upper(Loaner.asset_tag) == tag.upper())).scalar():
                raise InvalidInput(f"A loaner with asset tag {tag} already exists.", "asset_tag")
            row = Loaner(asset_tag=tag, description=desc,
                         serial=clean_text(serial, "serial", single_line=True, max_length=64) or None,
                         notes=clean_text(notes, "notes", max_length=4000), added_at=now)
            s.add(row)
            s.flush()
            audit.record(s, actor, now, "loaner", row.id, "created", None, tag)
            return load_loaner(s, row)

    def retire(self, actor: Actor, asset_tag: str, reason: str) -> LoanerView:
        require(actor, POOL_ACTION)
        why = clean_text(reason, "reason", required=True, max_length=2000)
        now = self.clock()
        with self.db.writing() as s:
            row = loaner_by_tag(s, asset_tag, for_update=True)
            if row.retired_at is not None:
                raise InvalidInput(f"Loaner {row.asset_tag} is already retired.", "asset_tag")
            if loans(s, open_only=True, loaner_id=row.id):
                raise InvalidInput(f"Loaner {row.asset_tag} is lent out; take it back before retiring it.",
                                   "asset_tag")
            row.retired_at, row.retire_reason = now, why
            audit.record(s, actor, now, "loaner", row.id, "retired", None, row.asset_tag, why)
            s.flush()
            return load_loaner(s, row)

    def take_back(self, actor: Actor, asset_tag: str, note: str | None = None) -> LoanerView:
        """A loaner returned on its own (not at a repair pickup)."""
        require(actor, POOL_ACTION)
        now = self.clock()
        with self.db.writing() as s:
            row = loaner_by_tag(s, asset_tag, for_update=True)
            loan = s.execute(select(Loan).where(Loan.loaner_id == row.id, Loan.returned_at.is_(None))).scalar()
            if loan is None:
                raise InvalidInput(f"Loaner {row.asset_tag} is not lent out.", "asset_tag")
            return_in(s, actor, loan, now, note)
            s.flush()
            return load_loaner(s, row)
