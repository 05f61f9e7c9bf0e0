"""A second-by-second reference for SLA *outcomes*, written from the rule's words and
nothing of desk.sla.replay's: walk every second of a ticket's life, keep the business
time each clock has used, and look at each instant for

* breached: the first instant the clock is live (not stopped with an outcome; the
  stopping instant itself still is) and the time used exceeds the target of the
  priority in force at that instant, or of the one in force until it;
* due: the last instant at which the current target can still be met if the clock runs
  on (the start of the first business second beyond the target);
* at risk: the first instant at least the at-risk share of the current target is used;
* paused since: the first instant of the unbroken Pending run the ticket is in now.

Time is whole epoch seconds; a second ``s`` is working when ``works(s)`` (it covers
[s, s + 1)); the time used at instant ``t`` counts the working, running seconds before t.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

RUNNING = {"new", "assigned", "in_progress"}
PENDING = {"pending_customer", "pending_vendor", "pending_parts"}
STOPPED = {"resolved", "closed", "cancelled"}
DONE = {"resolved", "closed"}


@dataclass(frozen=True)
class Goal:
    response_s: int
    resolution_s: int
    works: Callable[[int], bool]   # that priority's calendar
    horizon: int                   # no working time at or after this instant


@dataclass(frozen=True)
class Expected:
    used: int
    breached_at: int | None
    breach_priority: str | None
    due: int | None
    at_risk_at: int | None
    done_at: int | None


@dataclass(frozen=True)
class ExpectedTicket:
    response: Expected
    resolution: Expected
    paused_since: int | None
    status: str
    priority: str


def _value_at(changes: Sequence[tuple[int, str]], t: int, first: str) -> str:
    value = first
    for at, v in changes:
        if at > t:
            break
        value = v
    return value


def expect(opened: int, as_of: int, statuses: Sequence[tuple[int, str]], priorities: Sequence[tuple[int, str]],
           goals: dict[str, Goal], at_risk_percent: int = 75) -> ExpectedTicket:
    """``statuses`` / ``priorities``: (instant, new value) in time order, the first at
    ``opened``; each instant's value is the last change at or before it."""
    status = lambda t: _value_at(statuses, t, statuses[0][1])  # noqa: E731
    prio = lambda t: _value_at(priorities, t, priorities[0][1])  # noqa: E731
    # The response stops at the first In progress (the acknowledgement) or when the ticket
    # is finished unanswered; only the former is an outcome.
    responded = next((t for t in range(opened, as_of + 1) if status(t) == "in_progress"), None)
    stop_r = responded if responded is not None else next(
        (t for t in range(opened, as_of + 1) if status(t) in STOPPED), None)

    def resp_running(s: int) -> bool:    # during second s
        return stop_r is None or s < stop_r

    def resp_live(t: int) -> bool:       # at instant t
        return stop_r is None or t <= stop_r

    def res_running(s: int) -> bool:
        return status(s) in RUNNING

    def res_live(t: int) -> bool:
        return status(t) not in STOPPED or (t > opened and status(t - 1) not in STOPPED)

    status_now, prio_now = status(as_of), prio(as_of)
    # Resolved: when the last Resolved status began (a reopened ticket resolves again).
    starts = [t for t in range(opened, as_of + 1)
              if status(t) == "resolved" and (t == opened or status(t - 1) != "resolved")]
    resolved = starts[-1] if status_now in DONE and starts else None
    kinds = {
        "response": (resp_running, resp_live, responded, lambda g: g.response_s, stop_r is None),
        "resolution": (res_running, res_live, resolved, lambda g: g.resolution_s, status_now in RUNNING),
    }
    out: dict[str, Expected] = {}
    for kind, (running, live, done_at, target_of, running_now) in kinds.items():
        used = dict.fromkeys(goals, 0)
        breach: tuple[int, str] | None = None
        for t in range(opened, as_of + 1):
            # At a priority change both targets count: the one that ran until this
            # instant (checked first) and the one in force from it.
            for p in ([prio(t - 1)] if t > opened else []) + [prio(t)]:
                if breach is None and live(t) and used[p] > target_of(goals[p]):
                    breach = (t, p)
            if t < as_of and running(t):
                for q, g in goals.items():
                    used[q] += g.works(t)
        g = goals[prio_now]
        target = target_of(g)
        need = max(1, -(-target * at_risk_percent // 100))
        # Walk the current target's clock again for the instants it reached (or will).
        u, due, risk = 0, None, None
        last_run_end = None
        for s in range(opened, as_of):
            if running(s):
                last_run_end = s + 1
                if g.works(s):
                    u += 1
                    if u == need and risk is None:
                        risk = s + 1
                    if u == target + 1 and due is None:
                        due = s
        # A paused clock has no due ahead (it may lie behind: exceeded before the pause).
        paused = kind == "resolution" and status_now in PENDING
        if due is None and not paused:
            # Project: run on from now (running) or from where the clock last ran.
            start = as_of if running_now else (last_run_end if last_run_end is not None else as_of)
            left, s = target + 1 - u, start
            while s < g.horizon:
                if g.works(s):
                    left -= 1
                    if left == 0:
                        due = s
                        break
                s += 1
        if risk is None and running_now:
            left, s = need - u, as_of
            while s < g.horizon:
                if g.works(s):
                    left -= 1
                    if left == 0:
                        risk = s + 1
                        break
                s += 1
        out[kind] = Expected(used=u, breached_at=breach[0] if breach else None,
                             breach_priority=breach[1] if breach else None,
                             due=due, at_risk_at=risk, done_at=done_at)
    paused_since = None
    if status_now in PENDING:
        t = as_of
        while t > opened and status(t - 1) in PENDING:
            t -= 1
        paused_since = t
    return ExpectedTicket(out["response"], out["resolution"], paused_since, status_now, prio_now)
