"""A user action that writes, as one value: what it does, and what changed when it is done.

Modelled on Anki's ``CollectionOp``: a feature's ``operations`` module (``ui/incidents/
operations.py``, ``ui/problems/operations.py``, ``ui/queue/operations.py``) has one
function per action (assign, transition, comment, link…) that returns a ``WriteOp``;
the widget, the menu action or the shortcut that wants it done runs it::

    ops.assign_to_me(ctx, number, base_version=v).run(self, done=self._on_written,
                                                       failed=self._on_write_failed)

``run`` sends the work to the task runner's write thread (never the GUI thread), and
when it has been stored publishes its ``Change`` (or changes) on the context's change hub
*before* the caller's ``done``, so the queue, the counts, other tabs and feature panels
hear of it at once, whether or not a live-update watcher is running, and even when the
widget that asked has closed meanwhile. The change names the record and the version
the write left it at; the hub drops the watcher's echo of it.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import QObject

from desk.live.watcher import INCIDENT, Change

if TYPE_CHECKING:
    from ui.changes import ChangeHub
    from ui.tasks import SyncRunner, TaskRunner

T = TypeVar("T")
log = logging.getLogger(__name__)


class Runs(Protocol):
    """What an operation needs of the context it is given (the desk's or the counter's)."""

    runner: TaskRunner | SyncRunner
    changes: ChangeHub


Changes = Change | tuple[Change, ...] | None


def versioned(result: Any, kind: str = INCIDENT) -> Change:
    """The change a write that returns the record's view (``id`` and ``version``) made."""
    return Change(ids=((int(result.id), int(result.version)),), kind=kind)


def incident(incidents: IncidentReader, number: str) -> Callable[[Any], Change]:
    """For writes that return something else (a task, an attachment, a repair, a problem
    linked): the incident ``number`` as it stands right after the write. It runs on the
    write thread, so it may read; whatever version it finds, listeners re-read at least
    that, so the watcher's echo of it can be dropped."""
    def change(_result: Any) -> Change:
        return versioned(incidents.get(number))
    return change


def nothing(_result: Any) -> None:
    """For writes no other view shows (a saved view, a preference)."""
    return None


class IncidentReader(Protocol):
    def get(self, number: str) -> Any: ...


@dataclass(frozen=True)
class WriteOp(Generic[T]):
    ctx: Runs
    label: str                                   # "Assign INC-000123 to me": for logs and status text
    work: Callable[[], T]                        # runs on the write thread; calls one desk service
    # What the write changed, worked out on the write thread right after it (it may read).
    change: Callable[[T], Changes] = field(default=versioned)

    def run(self, owner: QObject, *, done: Callable[[T], None] | None = None,
            failed: Callable[[BaseException], None] | None = None) -> None:
        """Run on the write thread; ``done``/``failed`` on the GUI thread, unless ``owner``
        has gone by then. The change is published either way: a tab closed while its save
        was under way has still saved, and the queue must hear of it."""
        ctx, work, change_of = self.ctx, self.work, self.change

        def job() -> tuple[T, Changes]:
            result = work()
            try:
                return result, change_of(result)
            except Exception:
                log.exception("%s: stored, but what changed could not be read", self.label)
                return result, Change(refresh=True)

        def stored(outcome: tuple[T, Changes]) -> None:
            result, changes = outcome
            for change in (changes if isinstance(changes, tuple) else (changes,)):
                if change is not None:
                    ctx.changes.publish(change)
            if done is not None and shiboken6.isValid(owner):
                done(result)

        def refused(exc: BaseException) -> None:
            if not shiboken6.isValid(owner):
                log.warning("%s failed after its window closed: %s", self.label, exc)
            elif failed is not None:
                failed(exc)
            else:
                raise exc

        ctx.runner.write(job, stored, refused, owner=None)
