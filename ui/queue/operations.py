"""What a user can do to the queue's saved views (see ``ui.operations``). A saved view is
private to its owner, so no other view needs to hear of it: the views list re-reads."""
from __future__ import annotations

from desk.queue.saved_views import SavedViewInfo
from desk.queue.spec import QueueSpec
from ui.context import DeskContext
from ui.operations import WriteOp, nothing


def save_view(ctx: DeskContext, name: str, spec: QueueSpec) -> WriteOp[SavedViewInfo]:
    return WriteOp(ctx, f"Save the view {name!r}", lambda: ctx.saved_views.save(ctx.actor, name, spec),
                   change=nothing)


def delete_view(ctx: DeskContext, view_id: int, name: str) -> WriteOp[None]:
    return WriteOp(ctx, f"Delete the view {name!r}", lambda: ctx.saved_views.delete(ctx.actor, view_id),
                   change=nothing)
