"""Incident models are data: seeded, listed, edited by supervisors, used by one service call and the CLI."""
from __future__ import annotations

import pytest

from db.enums import Role
from desk.actor import Actor
from desk.bootstrap import Services
from desk.errors import InvalidInput, NotFound, PermissionDenied
from desk.incident_models import ModelSpec, TaskTemplate
from tests import factories

SHIPPED = {"laptop-repair", "password-reset", "wifi", "printer", "account-lockout"}


def test_shipped_models_are_seeded(services: Services) -> None:
    models = {m.name: m for m in services.incident_models.list()}
    assert set(models) >= SHIPPED
    laptop = models["laptop-repair"]
    assert laptop.priority == "P4 Low" and laptop.service == "Laptop Repair"
    assert [t.title for t in laptop.tasks][:2] == ["Intake check", "Diagnose"]


def test_open_from_model(services: Services, admin: Actor) -> None:
    uid = factories.person(services.db)
    svc = services.incident_models
    v = svc.open(admin, "password-reset", title="Forgot password", caller=uid)
    assert (v.model, v.service, v.category, v.priority) == ("password-reset", "Accounts & Passwords", "Access", "P3")
    with pytest.raises(InvalidInput, match="needs: caller"):
        svc.open(admin, "password-reset", title="Forgot password")
    with pytest.raises(NotFound, match="Known: account-lockout"):
        svc.open(admin, "no-such", title="x")
    v = svc.open(admin, "printer", title="Jam", description="Tray 2 jams", urgency="high")
    assert v.urgency == "high" and v.priority == "P2"


def test_supervisor_creates_and_edits_models(services: Services, admin: Actor) -> None:
    svc = services.incident_models
    spec = ModelSpec(name="projector", label="Projector fault", service="Classroom Technology",
                     category="Hardware", impact="medium", urgency="high", required_fields=("description",),
                     tasks=(TaskTemplate("Check input"), TaskTemplate("Swap lamp", "if lamp hours > 3000")))
    created = svc.save(admin, spec)
    assert created.priority == "P2 High" and len(created.tasks) == 2
    with pytest.raises(InvalidInput, match="already exists"):
        svc.save(admin, spec)
    edited = svc.save(admin, ModelSpec(**{**spec.__dict__, "urgency": "low"}), base_version=created.version)
    assert edited.urgency == "low" and edited.version == created.version + 1
    counter = factories.staff(services, admin, "cora", Role.COUNTER)
    with pytest.raises(PermissionDenied):
        svc.save(counter, ModelSpec(**{**spec.__dict__, "name": "x-y"}))
    with pytest.raises(InvalidInput, match="only a–z"):
        svc.save(admin, ModelSpec(**{**spec.__dict__, "name": "Bad Name!"}))
