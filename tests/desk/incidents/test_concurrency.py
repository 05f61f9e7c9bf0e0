"""Several workstations at once: unique numbers, and stale saves become conflicts."""
from __future__ import annotations

import threading

import pytest

from db.engine import Database
from desk.actor import Actor
from desk.bootstrap import Services
from desk.errors import ConflictError
from desk.incidents.service import NewIncident

WORKERS = 6
EACH = 15


def _hammer(url: str, actor: Actor, prefix: str, out: list[str], errors: list[BaseException],
            start: threading.Barrier) -> None:
    db = Database.connect(url)  # its own engine: its own connections, like another workstation
    try:
        services = Services.over(db)
        start.wait()
        for i in range(EACH):
            if prefix == "INC":
                out.append(services.incidents.open(actor, NewIncident(title=f"load {i}")).number)
            else:
                out.append(services.problems.open(actor, title=f"cause {i}").number)
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)
    finally:
        db.dispose()


@pytest.mark.parametrize("prefix", ["INC", "PRB"])
def test_concurrent_creators_get_unique_gapless_numbers(db_url: str, admin: Actor, prefix: str) -> None:
    numbers: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(WORKERS)
    threads = [threading.Thread(target=_hammer, args=(db_url, admin, prefix, numbers, errors, barrier))
               for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert len(numbers) == WORKERS * EACH
    assert len(set(numbers)) == len(numbers)
    assert sorted(numbers) == [f"{prefix}-{n:06d}" for n in range(1, WORKERS * EACH + 1)]


def test_two_workstations_editing_the_same_ticket(db_url: str, admin: Actor) -> None:
    a, b = Database.connect(db_url), Database.connect(db_url)
    try:
        sa, sb = Services.over(a), Services.over(b)
        v = sa.incidents.open(admin, NewIncident(title="Shared printer offline"))
        seen_a = sa.incidents.get(v.number)
        seen_b = sb.incidents.get(v.number)
        sa.incidents.update(admin, v.number, seen_a.version, {"description": "Checked the cable"})
        with pytest.raises(ConflictError) as e:
            sb.incidents.update(admin, v.number, seen_b.version, {"description": "Rebooted it"})
        assert e.value.theirs["description"] == "Checked the cable"
        assert e.value.mine["description"] == "Rebooted it"
        assert sb.incidents.get(v.number).description == "Checked the cable"
    finally:
        a.dispose()
        b.dispose()
