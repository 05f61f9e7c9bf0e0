"""What a user can do to a major incident, one function per action (see ``ui.operations``).

A major incident is an incident: a change to it alone names it (the queue re-reads that
row); a change that also moves its children (linking, resolving with them, a surge
proposal confirmed) asks every view to re-read, since the children's ids are not in
the outcome.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from desk.live.watcher import PROBLEM, Change
from desk.major.service import MajorIncidentService
from desk.major.views import LinkOutcome, MajorView, Proposal, ResolveOutcome
from ui.context import DeskContext
from ui.operations import WriteOp, versioned


def _svc(ctx: DeskContext) -> MajorIncidentService:
    return ctx.services.major


def _major(ctx: DeskContext) -> Callable[[MajorView], Change]:
    """The major incident's row as it stands after the write (read on the write thread)."""
    return lambda view: versioned(ctx.services.incidents.get(view.number))


def _children_too(_result: Any) -> Change:
    return Change(refresh=True)


def promote(ctx: DeskContext, number: str, *, reason: str, manager: str | None = None) -> WriteOp[MajorView]:
    return WriteOp(ctx, f"Promote {number} to a major incident", lambda: _svc(ctx).promote(
        ctx.actor, number, reason=reason, manager=manager), change=_major(ctx))


def set_manager(ctx: DeskContext, number: str, username: str) -> WriteOp[MajorView]:
    return WriteOp(ctx, f"Make {username} manager of {number}", lambda: _svc(ctx).set_manager(
        ctx.actor, number, username), change=_major(ctx))


def add_member(ctx: DeskContext, number: str, username: str, role: str) -> WriteOp[MajorView]:
    return WriteOp(ctx, f"Add {username} to {number}'s team", lambda: _svc(ctx).add_member(
        ctx.actor, number, username, role), change=_major(ctx))


def remove_member(ctx: DeskContext, number: str, username: str) -> WriteOp[MajorView]:
    return WriteOp(ctx, f"Remove {username} from {number}'s team", lambda: _svc(ctx).remove_member(
        ctx.actor, number, username), change=_major(ctx))


def post_update(ctx: DeskContext, number: str, text: str, *, next_in_minutes: int | None) -> WriteOp[MajorView]:
    return WriteOp(ctx, f"Post an update on {number}", lambda: _svc(ctx).post_update(
        ctx.actor, number, text, next_update_in_minutes=next_in_minutes), change=_major(ctx))


def link_children(ctx: DeskContext, number: str, children: Iterable[str]) -> WriteOp[LinkOutcome]:
    numbers = tuple(children)
    return WriteOp(ctx, f"Link {len(numbers)} incident(s) to {number}", lambda: _svc(ctx).link_children(
        ctx.actor, number, numbers), change=_children_too)


def unlink_child(ctx: DeskContext, number: str, child: str) -> WriteOp[MajorView]:
    return WriteOp(ctx, f"Unlink {child} from {number}", lambda: _svc(ctx).unlink_child(
        ctx.actor, number, child), change=_children_too)


def resolve(ctx: DeskContext, number: str, *, code: str, note: str,
            with_children: bool) -> WriteOp[ResolveOutcome]:
    return WriteOp(ctx, f"Resolve {number}", lambda: _svc(ctx).resolve(
        ctx.actor, number, code=code, note=note, resolve_children=with_children),
        change=_children_too if with_children else (lambda outcome: _major(ctx)(outcome.major)))


def open_problem(ctx: DeskContext, number: str, title: str) -> WriteOp[str]:
    """A problem record for the major incident's cause; returns its number."""
    return WriteOp(ctx, f"Open a problem from {number}", lambda: _svc(ctx).open_problem(
        ctx.actor, number, title=title), change=lambda _number: Change(refresh=True, kind=PROBLEM))


def confirm_proposal(ctx: DeskContext, service: str) -> WriteOp[LinkOutcome]:
    return WriteOp(ctx, f"Confirm the surge on {service}", lambda: _svc(ctx).confirm_proposal(
        ctx.actor, service), change=_children_too)


def dismiss_proposal(ctx: DeskContext, service: str, reason: str) -> WriteOp[Proposal]:
    return WriteOp(ctx, f"Dismiss the surge on {service}", lambda: _svc(ctx).dismiss_proposal(
        ctx.actor, service, reason=reason), change=lambda _p: None)
