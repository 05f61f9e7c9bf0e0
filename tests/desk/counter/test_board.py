"""The counter's home lists: ready for pickup, in the workshop, loaners overdue (both engines)."""
from __future__ import annotations

import datetime as dt

from db.engine import Database
from desk.actor import Actor
from desk.counter.bundle import CounterServices
from desk.counter.views import PickupRequest
from tests.conftest import FakeClock
from tests.factories import repair, signature_png


def _ready(counter: CounterServices, actor: Actor, number: str) -> None:
    task = next(t.id for t in counter.checklist.state(number).tasks if t.title.startswith("Notify customer"))
    counter.checklist.set_done(actor, number, task, True)


def test_the_board_lists_what_is_still_at_the_desk(database: Database, counter: CounterServices, admin: Actor,
                                                   clock: FakeClock) -> None:
    counter.loaners.add(admin, "LN-1", "Dell loaner")
    numbers = []
    for i, name in enumerate(("Ada", "Grace", "Alan", "Edsger", "Barbara")):
        clock.advance(minutes=10)
        numbers.append(repair(database, counter, admin, given=name, family=f"Test{i}",
                              **({"loaner": "LN-1", "loan_due": dt.date(2026, 11, 3)} if i == 2 else {})).number)
    ada, grace, alan, edsger, barbara = numbers
    clock.advance(minutes=10)
    _ready(counter, admin, grace)
    clock.advance(minutes=10)
    _ready(counter, admin, ada)                       # ready after Grace: listed after her
    _ready(counter, admin, edsger)
    counter.pickup.pickup(admin, PickupRequest(edsger, "University card", ("Charger", "Bag"), signature_png(), "Keyboard replaced"))
    counter.incidents.transition(admin, barbara, "cancelled", reason="Customer bought a new laptop")
    clock.advance(days=3)                             # the loan was due on the 3rd

    board = counter.board.board()
    assert [r.number for r in board.ready] == [grace, ada] and board.ready_total == 2
    # Picked up (Edsger) and cancelled (Barbara) are no longer at the desk.
    assert [r.number for r in board.workshop] == [alan] and board.workshop_total == 1
    waiting = board.workshop[0]
    assert waiting.customer == "Alan Test2" and waiting.status == "new" and "tag" not in waiting.device
    assert board.overdue_loan(waiting) and not board.overdue_loan(board.ready[0]) and board.loans_overdue == 1

    shown = counter.board.board(limit=1)              # the lists stay short; the totals say how many
    assert len(shown.ready) == 1 and shown.ready_total == 2
