"""What a user can do to an incident, one function per action.

Each returns a ``ui.operations.WriteOp``: the ticket page's buttons, the main window's
menu actions and shortcuts, and the tests all run the same ones, so an action behaves the
same wherever it starts. The rules (who may, which status moves exist, what a reason
needs) stay in the desk services these call; nothing here decides.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desk.common.records import IncidentView, ProblemView, TaskView
from desk.incidents.service import NewIncident
from desk.live.watcher import PROBLEM
from desk.workstation.detail import AttachmentInfo
from ui.context import DeskContext
from ui.operations import WriteOp, incident, versioned


def open_incident(ctx: DeskContext, new: NewIncident) -> WriteOp[IncidentView]:
    return WriteOp(ctx, "Open an incident", lambda: ctx.services.incidents.open(ctx.actor, new))


def update(ctx: DeskContext, number: str, base_version: int, changes: Mapping[str, Any]) -> WriteOp[IncidentView]:
    """Save field edits made on top of ``base_version`` (a stale base is a ConflictError to merge)."""
    edits = dict(changes)
    return WriteOp(ctx, f"Save {number}", lambda: ctx.services.incidents.update(ctx.actor, number, base_version, edits))


def transition(ctx: DeskContext, number: str, status: str, *, base_version: int, reason: str | None = None,
               resolution_code: str | None = None, resolution_note: str | None = None) -> WriteOp[IncidentView]:
    return WriteOp(ctx, f"Move {number} to {status}", lambda: ctx.services.incidents.transition(
        ctx.actor, number, status, base_version=base_version, reason=reason,
        resolution_code=resolution_code, resolution_note=resolution_note))


def assign(ctx: DeskContext, number: str, *, base_version: int, team: str | None = None,
           assignee: str | None = None) -> WriteOp[IncidentView]:
    return WriteOp(ctx, f"Assign {number}", lambda: ctx.services.incidents.assign(
        ctx.actor, number, team=team, assignee=assignee, base_version=base_version))


def assign_to_me(ctx: DeskContext, number: str, *, base_version: int) -> WriteOp[IncidentView]:
    me = ctx.actor.username
    return WriteOp(ctx, f"Assign {number} to me", lambda: ctx.services.incidents.assign(
        ctx.actor, number, assignee=me, base_version=base_version))


def comment(ctx: DeskContext, number: str, text: str, *, internal: bool) -> WriteOp[IncidentView]:
    """A public comment (the caller sees it) or an internal work note (staff only)."""
    what = "work note" if internal else "comment"
    return WriteOp(ctx, f"Add a {what} to {number}", lambda: ctx.services.incidents.comment(
        ctx.actor, number, text, internal=internal))


def link_problem(ctx: DeskContext, number: str, problem_number: str | None) -> WriteOp[IncidentView]:
    return WriteOp(ctx, f"Link {number} to {problem_number}", lambda: ctx.services.incidents.link_problem(
        ctx.actor, number, problem_number))


def open_problem(ctx: DeskContext, number: str, title: str) -> WriteOp[ProblemView]:
    """A new problem record for this incident's cause, linked to it (same service, category,
    team): a new problem, and the incident now points at it."""
    linked = incident(ctx.services.incidents, number)
    return WriteOp(ctx, f"Open a problem from {number}", lambda: ctx.services.problems.open_from_incident(
        ctx.actor, number, title=title), change=lambda p: (versioned(p, PROBLEM), linked(p)))


def set_task(ctx: DeskContext, number: str, task_id: int, *, done: bool, base_version: int) -> WriteOp[TaskView]:
    return WriteOp(ctx, "Tick a task" if done else "Untick a task", lambda: ctx.details.set_task(
        ctx.actor, task_id, done=done, base_version=base_version), change=incident(ctx.services.incidents, number))


def attach(ctx: DeskContext, number: str, filename: str, data: bytes) -> WriteOp[AttachmentInfo]:
    return WriteOp(ctx, f"Attach {filename} to {number}", lambda: ctx.details.add_attachment(
        ctx.actor, number, filename, data), change=incident(ctx.services.incidents, number))
