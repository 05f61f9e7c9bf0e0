"""Staff for the major-incident tests: a supervisor, two technicians, a counter clerk."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from db.enums import Role
from desk.actor import Actor
from desk.bootstrap import Services
from desk.incidents.service import NewIncident
from desk.major.service import MajorIncidentService
from tests import factories


@dataclass
class Crew:
    supervisor: Actor
    tech: Actor
    tech2: Actor
    clerk: Actor


@pytest.fixture
def crew(services: Services, admin: Actor) -> Crew:
    return Crew(
        factories.staff(services, admin, "sam", Role.SUPERVISOR, teams=("Service Desk",)),
        factories.staff(services, admin, "tina", Role.TECHNICIAN, teams=("Network",)),
        factories.staff(services, admin, "theo", Role.TECHNICIAN, teams=("Network",)),
        factories.staff(services, admin, "cora", Role.COUNTER, teams=("Service Desk",)),
    )


@pytest.fixture
def major(services: Services, clock) -> MajorIncidentService:  # type: ignore[no-untyped-def]
    return services.major


def open_incident(services: Services, actor: Actor, title: str, service: str = "Wi-Fi & Network") -> str:
    return services.incidents.open(actor, NewIncident(title=title, service=service, impact="medium",
                                                      urgency="medium")).number
