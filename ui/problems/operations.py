"""What a user can do to a problem record, one function per action (see ``ui.operations``).

Linking and unlinking change the incident as well; the problem's change is published
here, and the problem tab re-reads its incidents list.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desk.common.records import ProblemView
from desk.live.watcher import PROBLEM, Change
from ui.context import DeskContext
from ui.operations import WriteOp, versioned


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
    return WriteOp(ctx, f"Link {incident_number} to {number}", lambda: ctx.services.problems.link(
        ctx.actor, number, incident_number), change=_problem)


def unlink(ctx: DeskContext, number: str, incident_number: str) -> WriteOp[ProblemView]:
    return WriteOp(ctx, f"Unlink {incident_number} from {number}", lambda: ctx.services.problems.unlink(
        ctx.actor, number, incident_number), change=_problem)
