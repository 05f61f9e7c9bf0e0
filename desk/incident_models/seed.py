"""Seeding the shipped incident models from resources/incident_models/*.json.

Only missing models are added: a supervisor's later edits are never overwritten.
"""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import IncidentModel
from desk import resources
from desk.incident_models.views import ModelSpec


def shipped_models() -> list[ModelSpec]:
    folder = resources.path("incident_models")
    return [ModelSpec.from_json(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))]


def seed_incident_models(s: Session) -> None:
    from desk.incident_models.service import write_model

    have = set(s.execute(select(IncidentModel.name)).scalars())
    for spec in shipped_models():
        if spec.name not in have:
            write_model(s, spec)
