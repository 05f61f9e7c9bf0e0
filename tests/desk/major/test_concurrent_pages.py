"""Pages for one service arriving at the same moment open one major incident, not two."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from db.models import Incident
from desk.bootstrap import Services
from desk.major.service import MajorIncidentService
from desk.major.views import PageOutcome
from tests.desk.major.conftest import Crew


def test_simultaneous_pages_open_one_major(services: Services, crew: Crew, major: MajorIncidentService) -> None:
    barrier = threading.Barrier(4)
    results: list[PageOutcome] = []
    errors: list[BaseException] = []

    def page(i: int) -> None:
        try:
            barrier.wait()
            results.append(major.page(crew.supervisor, service="Printing", summary=f"Spooler down ({i})",
                                      source=f"probe-{i}"))
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)

    threads = [threading.Thread(target=page, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(r.created for r in results) == [False, False, False, True]
    assert len({r.major.number for r in results}) == 1
    with services.db.reading() as s:
        assert s.execute(select(func.count()).where(Incident.is_major.is_(True))).scalar_one() == 1
    comms = major.get(results[0].major.number).comms
    assert sum(e.body.startswith("Page again from probe-") for e in comms) == 3
