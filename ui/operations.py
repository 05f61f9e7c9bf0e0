"""A user action that writes, as one value: what it does, and what changed when it is done.

Modelled on Anki's ``CollectionOp``: a feature's ``operations`` module (``ui/incidents/
operations.py``, ``ui/problems/operations.py``, ``ui/queue/operations.py``) has one
function per action (assign, transition, comment, link…) that returns a ``WriteOp``;
the widget, the menu action or the shortcut that wants it done runs it::

    ops.assign_to_me(ctx, number, base_version=v).run(self, done=self._on_written,
                                                       failed=self._on_write_failed)

``run`` sends the work to the task runner's write thread (never the GUI thread), and
when it has been stored publishes one ``Change`` on the context's change hub *before*
the caller's ``done``, so the queue, the counts, other tabs and feature panels hear of
it at once, whether or not a live-update watcher is running. The change names the
record and the version the write returned; the hub drops the watcher's echo of it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QObject

from desk.live.watcher import INCIDENT, Change

if TYPE_CHECKING:
    from ui.changes import ChangeHub
    from ui.tasks import SyncRunner, TaskRunner

T = TypeVar("T")


class Runs(Protocol):
    """What an operation needs of the context it is given (the desk's or the counter's)."""

    runner: TaskRunner | SyncRunner
    changes: ChangeHub


def versioned(result: Any, kind: str = INCIDENT) -> Change:
    """The change a write that returns the record's view (``id`` and ``version``) made."""
    return Change(ids=((int(result.id), int(result.version)),), kind=kind)


def of_record(record_id: int | None, kind: str = INCIDENT) -> Callable[[Any], Change]:
    """For writes that return something else (a task, an attachment): the record they
    belong to, version unknown, so listeners re-read it."""
    def change(_result: Any) -> Change:
        if record_id is None:
            return Change(refresh=True, kind=kind)
        return Change(ids=((record_id, -1),), kind=kind)
    return change


def nothing(_result: Any) -> None:
    """For writes no other view shows (a saved view, a preference)."""
    return None


@dataclass(frozen=True)
class WriteOp(Generic[T]):
    ctx: Runs
    label: str                                   # "Assign INC-000123 to me": for logs and status text
    work: Callable[[], T]                        # runs on the write thread; calls one desk service
    change: Callable[[T], Change | None] = field(default=versioned)

    def run(self, owner: QObject, *, done: Callable[[T], None] | None = None,
            failed: Callable[[BaseException], None] | None = None) -> None:
        """Run on the write thread; ``done``/``failed`` on the GUI thread, dropped with ``owner``."""
        ctx, change_of = self.ctx, self.change

        def stored(result: T) -> None:
            change = change_of(result)
            if change is not None:
                ctx.changes.publish(change)
            if done is not None:
                done(result)

        ctx.runner.write(self.work, stored, failed, owner=owner)
