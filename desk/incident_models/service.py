"""Reading, editing and using incident models: one call opens a ticket from a model."""
from __future__ import annotations

import builtins
import datetime as dt
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.engine import Database
from db.enums import Channel, Impact, Urgency
from db.models import Category, Incident, IncidentModel, IncidentModelTask, Service
from desk.actor import Actor
from desk.clock import Clock
from desk.common import audit, lookups
from desk.common.records import IncidentView
from desk.common.text import clean_text
from desk.errors import ConflictError, InvalidInput, NotFound
from desk.incident_models.views import ModelSpec, ModelView, TaskTemplate
from desk.incidents.service import IncidentService, NewIncident
from desk.rules import choices, labels
from desk.rules.permissions import require
from desk.rules.priority import matrix_priority

# Fields a model may require, and the NewIncident attribute each one checks.
REQUIRABLE = {
    "caller": "caller_university_id", "description": "description", "acting_status": "acting_status",
    "acting_department": "acting_department", "category": "category",
}
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


def _view(s: Session, m: IncidentModel) -> ModelView:
    service = s.get_one(Service, m.service_id).name if m.service_id else None
    category = s.get_one(Category, m.category_id).name if m.category_id else None
    return ModelView(
        name=m.name, label=m.label, service=service, category=category, impact=m.impact.value,
        urgency=m.urgency.value, description=m.description, channel=m.channel.value if m.channel else None,
        required_fields=tuple(m.required_fields or ()), sla_override=m.sla_override,
        tasks=tuple(TaskTemplate(t.title, t.condition) for t in m.tasks), active=m.active,
        id=m.id, version=m.version, priority=labels.priority(matrix_priority(m.impact, m.urgency)),
    )


class IncidentModelService:
    def __init__(self, db: Database, clock: Clock, incidents: IncidentService) -> None:
        self.db = db
        self.clock = clock
        self.incidents = incidents

    # -- reading -------------------------------------------------------------
    def list(self, *, include_inactive: bool = False) -> list[ModelView]:
        with self.db.reading() as s:
            stmt = select(IncidentModel).order_by(IncidentModel.name)
            if not include_inactive:
                stmt = stmt.where(IncidentModel.active.is_(True))
            return [_view(s, m) for m in s.execute(stmt).scalars()]

    def get(self, name: str) -> ModelView:
        with self.db.reading() as s:
            return _view(s, self._row(s, name))

    def choices(self) -> tuple[builtins.list[str], builtins.list[str]]:  # `list` is the method above
        """Service and category names a model may use (for the editor's drop-downs)."""
        with self.db.reading() as s:
            services = list(s.execute(select(Service.name).where(Service.active.is_(True))
                                      .order_by(Service.name)).scalars())
            categories = list(s.execute(select(Category.name).order_by(Category.name)).scalars())
            return services, categories

    @staticmethod
    def _row(s: Session, name: str) -> IncidentModel:
        row = s.execute(select(IncidentModel).where(IncidentModel.name == name.strip().lower())).scalar()
        if row is None:
            known = ", ".join(s.execute(select(IncidentModel.name).order_by(IncidentModel.name)).scalars())
            raise NotFound(f"No incident model called {name!r}. Known: {known or 'none'}.")
        return row

    # -- editing (supervisors) -----------------------------------------------
    def save(self, actor: Actor, spec: ModelSpec, *, base_version: int | None = None) -> ModelView:
        """Create a model (``base_version`` None) or update the one named ``spec.name``."""
        require(actor, "model.manage")
        now = self.clock()
        try:
            with self.db.writing() as s:
                row, created = write_model(s, spec, base_version=base_version)
                audit.record(s, actor, now, "incident_model", row.id, "created" if created else "saved",
                             None, row.name)
                return _view(s, row)
        except StaleDataError:
            raise ConflictError("incident model", spec.name, base_version or 0, -1, {}, {}) from None

    # -- using ---------------------------------------------------------------
    def new_incident(self, name: str, *, title: str, caller: str | None = None, **fields: Any) -> NewIncident:
        """The NewIncident a model produces; ``fields`` override the model's defaults."""
        model = self.get(name)
        if not model.active:
            raise InvalidInput(f"Incident model {name!r} is retired.", "model")
        return build_new_incident(model, title=title, caller=caller, **fields)

    def open(self, actor: Actor, name: str, *, title: str, caller: str | None = None,
             **fields: Any) -> IncidentView:
        """Open a ticket from a model: its service, category, impact, urgency and tasks."""
        new = self.new_incident(name, title=title, caller=caller, **fields)
        return self.incidents.open(actor, new)

    def open_in(self, s: Session, actor: Actor, name: str, now: dt.datetime, *, title: str,
                caller: str | None = None, **fields: Any) -> Incident:
        """The same inside a larger unit of work (the counter intake)."""
        model = _view(s, self._row(s, name))
        if not model.active:
            raise InvalidInput(f"Incident model {name!r} is retired.", "model")
        return self.incidents.open_in(s, actor, build_new_incident(model, title=title, caller=caller, **fields), now)


def build_new_incident(model: ModelView, *, title: str, caller: str | None = None, **fields: Any) -> NewIncident:
    base = NewIncident(
        title=title, caller_university_id=caller, service=model.service, category=model.category,
        impact=model.impact, urgency=model.urgency,
        channel=model.channel or Channel.PHONE.value, model=model.name,
        tasks=tuple((t.title, t.condition) for t in model.tasks),
    )
    allowed = set(NewIncident.__dataclass_fields__) - {"title", "model", "tasks"}
    bad = set(fields) - allowed
    if bad:
        raise InvalidInput(f"Unknown field(s) for a new incident: {', '.join(sorted(bad))}.")
    new = replace(base, **{k: v for k, v in fields.items() if v is not None})
    missing = [f for f in model.required_fields if not str(getattr(new, REQUIRABLE[f]) or "").strip()]
    if missing:
        raise InvalidInput(f"The {model.name} model needs: {', '.join(missing)}.", missing[0])
    return new


def write_model(s: Session, spec: ModelSpec, *, base_version: int | None = None) -> tuple[IncidentModel, bool]:
    """Validate and write a model; returns the row and whether it was created."""
    name = clean_text(spec.name, "name", required=True, single_line=True, max_length=80).lower()
    if not set(name) <= NAME_CHARS:
        raise InvalidInput(f"Model name {name!r} may hold only a–z, 0–9 and dashes.", "name")
    label = clean_text(spec.label, "label", required=True, single_line=True, max_length=200)
    unknown = set(spec.required_fields) - set(REQUIRABLE)
    if unknown:
        raise InvalidInput(f"Unknown required field(s): {', '.join(sorted(unknown))}. "
                           f"Allowed: {', '.join(REQUIRABLE)}.", "required_fields")
    tasks = [TaskTemplate(clean_text(t.title, "task", required=True, single_line=True, max_length=200),
                          clean_text(t.condition, "condition", single_line=True, max_length=200) or None)
             for t in spec.tasks]
    existing = s.execute(select(IncidentModel).where(IncidentModel.name == name)).scalar()
    if base_version is None and existing is not None:
        raise InvalidInput(f"An incident model called {name!r} already exists.", "name")
    if base_version is not None:
        if existing is None:
            raise NotFound(f"No incident model called {name!r}.")
        if existing.version != base_version:
            raise ConflictError("incident model", name, base_version, existing.version, {}, {})
    row = existing or IncidentModel(name=name, version=1)
    row.label = label
    row.description = clean_text(spec.description, "description", max_length=20_000)
    row.service_id = lookups.service_id(s, spec.service) if spec.service else None
    row.category_id = lookups.category_id(s, spec.category, create=True) if spec.category else None
    row.impact = choices.parse(Impact, spec.impact, "impact")
    row.urgency = choices.parse(Urgency, spec.urgency, "urgency")
    row.channel = choices.parse(Channel, spec.channel, "channel") if spec.channel else None
    row.required_fields = list(spec.required_fields)
    row.sla_override = (spec.sla_override or "").strip() or None
    row.active = spec.active
    row.tasks = [IncidentModelTask(position=i, title=t.title, condition=t.condition)
                 for i, t in enumerate(tasks, start=1)]
    if existing is None:
        s.add(row)
    s.flush()
    return row, existing is None


def priority_preview(impact: str, urgency: str) -> str:
    """"P4 Low" for an impact and urgency typed in the editor (the matrix is the only rule)."""
    return labels.priority(matrix_priority(choices.parse(Impact, impact, "impact"),
                                           choices.parse(Urgency, urgency, "urgency")))
