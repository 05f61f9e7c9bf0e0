"""What the counter can do, one function per action (see ``ui.operations``).

A repair taken in or picked up is a ticket: its change goes to the desk's hub, so the
queue and the views' counts show it at once. Loaners are the counter's own records; the
loaner pool re-reads itself.
"""
from __future__ import annotations

from desk.counter.intake import IntakeResult
from desk.counter.views import IntakeRequest, LoanerView, PickupRequest, RepairView
from ui.counter.context import CounterContext
from ui.operations import WriteOp, incident, nothing


def intake(cc: CounterContext, request: IntakeRequest) -> WriteOp[IntakeResult]:
    return WriteOp(cc, "Take in a repair", lambda: cc.counter.intake.intake(cc.actor, request),
                   change=lambda result: incident(cc.counter.incidents, result.number)(result))


def pickup(cc: CounterContext, request: PickupRequest) -> WriteOp[RepairView]:
    return WriteOp(cc, "Hand back a repair", lambda: cc.counter.pickup.pickup(cc.actor, request),
                   change=lambda repair: incident(cc.counter.incidents, repair.number)(repair))


def add_loaner(cc: CounterContext, asset_tag: str, description: str) -> WriteOp[LoanerView]:
    return WriteOp(cc, f"Add loaner {asset_tag}", lambda: cc.counter.loaners.add(cc.actor, asset_tag, description),
                   change=nothing)


def take_back_loaner(cc: CounterContext, asset_tag: str) -> WriteOp[LoanerView]:
    return WriteOp(cc, f"Take back loaner {asset_tag}", lambda: cc.counter.loaners.take_back(cc.actor, asset_tag),
                   change=nothing)


def retire_loaner(cc: CounterContext, asset_tag: str, reason: str) -> WriteOp[LoanerView]:
    return WriteOp(cc, f"Retire loaner {asset_tag}", lambda: cc.counter.loaners.retire(cc.actor, asset_tag, reason),
                   change=nothing)
