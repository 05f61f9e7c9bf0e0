"""Plain, immutable descriptions of an incident model."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TaskTemplate:
    title: str
    # Why the task may not apply ("if backup consented"); None for tasks always needed.
    condition: str | None = None


@dataclass(frozen=True)
class ModelSpec:
    """What a supervisor edits; also the shape of the seed files in resources/incident_models/."""

    name: str
    label: str
    service: str | None
    category: str | None
    impact: str
    urgency: str
    description: str = ""
    channel: str | None = None
    required_fields: tuple[str, ...] = ()
    sla_override: str | None = None
    tasks: tuple[TaskTemplate, ...] = field(default_factory=tuple)
    active: bool = True

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModelSpec:
        return cls(
            name=data["name"], label=data.get("label") or data["name"], service=data.get("service"),
            category=data.get("category"), impact=data["impact"], urgency=data["urgency"],
            description=data.get("description", ""), channel=data.get("channel"),
            required_fields=tuple(data.get("required_fields", ())), sla_override=data.get("sla_override"),
            tasks=tuple(TaskTemplate(t["title"], t.get("condition")) for t in data.get("tasks", ())),
            active=bool(data.get("active", True)),
        )


@dataclass(frozen=True)
class ModelView(ModelSpec):
    id: int = 0
    version: int = 1
    priority: str = ""
