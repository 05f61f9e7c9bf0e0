"""A staff member's own queue views, stored in the database so they follow the person."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from db.engine import Database
from db.models import SavedView
from desk.actor import Actor
from desk.clock import Clock, utc_now
from desk.common.text import clean_text
from desk.errors import InvalidInput, NotFound
from desk.queue.spec import BUILTIN_VIEWS, QueueSpec


@dataclass(frozen=True)
class SavedViewInfo:
    id: int
    name: str
    spec: QueueSpec
    position: int
    updated_at: dt.datetime


class SavedViewService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def list(self, actor: Actor) -> list[SavedViewInfo]:
        with self.db.reading() as s:
            rows = s.execute(select(SavedView).where(SavedView.staff_id == actor.staff_id)
                             .order_by(SavedView.position, SavedView.name)).scalars().all()
            return [SavedViewInfo(r.id, r.name, QueueSpec.from_json(r.spec), r.position, r.updated_at)
                    for r in rows]

    def save(self, actor: Actor, name: str, spec: QueueSpec) -> SavedViewInfo:
        """Create the view, or replace the spec of the actor's view with that name."""
        clean = clean_text(name, "name", required=True, single_line=True, max_length=120)
        if clean.casefold() in {v.name.casefold() for v in BUILTIN_VIEWS}:
            raise InvalidInput(f"{clean!r} is the name of a built-in view; choose another name.", "name")
        now = self.clock()
        with self.db.writing() as s:
            row = s.execute(select(SavedView).where(SavedView.staff_id == actor.staff_id,
                                                    SavedView.name == clean)).scalar_one_or_none()
            if row is None:
                last = s.execute(select(func.max(SavedView.position))
                                 .where(SavedView.staff_id == actor.staff_id)).scalar()
                row = SavedView(staff_id=actor.staff_id, name=clean, spec=spec.to_json(),
                                position=(last or 0) + 1, created_at=now, updated_at=now)
                s.add(row)
            else:
                row.spec = spec.to_json()
                row.updated_at = now
            s.flush()
            return SavedViewInfo(row.id, row.name, spec, row.position, row.updated_at)

    def delete(self, actor: Actor, view_id: int) -> None:
        with self.db.writing() as s:
            row = s.get(SavedView, view_id)
            if row is None or row.staff_id != actor.staff_id:
                raise NotFound(f"No saved view {view_id} of {actor.display_name}.")
            s.delete(row)
