"""Two counters lending the same loaner at the same moment: exactly one gets it."""
from __future__ import annotations

import datetime as dt
import threading

from db.engine import Database
from desk.actor import Actor
from desk.counter.bundle import CounterServices
from desk.counter.views import DeviceInfo
from desk.errors import InvalidInput
from tests import factories
from tests.factories import intake_request


def test_one_loaner_cannot_be_lent_twice(database: Database, counter: CounterServices, admin: Actor) -> None:
    counter.loaners.add(admin, "LN-RACE", "Contested loaner")
    uids = [factories.person(database, given=f"P{i}") for i in range(4)]
    barrier = threading.Barrier(len(uids))
    outcomes: list[str] = []

    def attempt(i: int, uid: str) -> None:
        req = intake_request(uid, device=DeviceInfo(serial=f"RACE-{i}", make="Dell", model="x"),
                             loaner_asset_tag="LN-RACE", loan_due=dt.date(2026, 11, 9))
        barrier.wait()
        try:
            counter.intake.intake(admin, req)
            outcomes.append("lent")
        except InvalidInput as exc:
            outcomes.append("refused" if "already lent out" in str(exc) else str(exc))

    threads = [threading.Thread(target=attempt, args=(i, u)) for i, u in enumerate(uids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["lent", "refused", "refused", "refused"]
    assert len(counter.loaners.open_loans()) == 1
