"""What a user can do to a problem record, one function per action (see ``ui.operations``).

Linking and unlinking change the incident's row as well: both changes are published, so
the queue and the incident's open tab hear of it too.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from desk.common.records import ProblemView
from desk.live.watcher import PROBLEM, Change
from ui.context import DeskContext
from ui.operations import WriteOp, incident, versioned


def _problem(result: ProblemView) -> Change:
    return versioned(result, PROBLEM)


def open_problem(ctx: DeskContext, title: str) -> WriteOp[ProblemView]:
    return WriteOp(ctx, "Open a problem", lambda: ctx.services.problems.open(ctx.actor, title=title),
                   change=_problem)


def update(ctx: DeskContext, number: str, base_version: int, changes: Mapping[str, Any]) -> WriteOp[ProblemView]:
    edits = dict(changes)
    return WriteOp(ctx, f"Save {number}", lambda: ctx.services.problems.update(ctx.actor, number, base_version, edits),
                   change=_problem)


def transition(ctx: DeskContext, number: str, status: str, *, base_version: int, root_cause: str | None = None,
               workaround: str | None = None) -> WriteOp[ProblemView]:
    return WriteOp(ctx, f"Move {number} to {status}", lambda: ctx.services.problems.transition(
        ctx.actor, number, status, base_version=base_version, root_cause=root_cause, workaround=workaround),
        change=_problem)


def link(ctx: DeskContext, number: str, incident_number: str) -> WriteOp[ProblemView]:
    both = _and_incident(ctx, incident_number)
    return WriteOp(ctx, f"Link {incident_number} to {number}", lambda: ctx.services.problems.link(
        ctx.actor, number, incident_number), change=both)


def unlink(ctx: DeskContext, number: str, incident_number: str) -> WriteOp[ProblemView]:
    both = _and_incident(ctx, incident_number)
    return WriteOp(ctx, f"Unlink {incident_number} from {number}", lambda: ctx.services.problems.unlink(
        ctx.actor, number, incident_number), change=both)


def _and_incident(ctx: DeskContext, incident_number: str) -> Callable[[ProblemView], tuple[Change, Change]]:
    """A link is on the incident's row: the problem changed, and so did the incident."""
    linked = incident(ctx.services.incidents, incident_number)
    return lambda problem: (_problem(problem), linked(problem))
