"""The processes of the fleet benchmark (tests/benchmarks/test_fleet.py): a workstation
without a window and a writer. Each runs in a process of its own (multiprocessing,
spawn), signs in with its own database login, and writes what it measured to a JSON
file the benchmark reads afterwards. Times are ``time.time()`` (one clock for every
process on the machine), so a commit in one process and a model update in another
can be compared.
"""
from __future__ import annotations

import json
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VIEW = "all_open"                       # what every workstation's queue shows
TIMING_VIEWS = ("all_open", "my_team", "unassigned", "all_newest")
PAGE = 200
SURE = 150            # the top rows of the first page the check at the end insists on
# A workstation switches its second view this often (seconds): a user changing views,
# not a load generator.
SWITCH_S = 10


@dataclass(frozen=True)
class Plan:
    url: str                 # this process's database URL (its own staff login on PostgreSQL)
    out: str                 # the JSON file to write
    ready: str               # a file to create once set up
    go: str                  # the benchmark creates this file: start (writers) / finish (workstations)
    stop: str                # workstations: verify, write results and quit
    seconds: float = 0.0     # writers: how long to write
    interval: float = 1.0    # writers: mean pause between two changes
    seed: int = 0


def _wait_for(path: str, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if os.path.exists(path):
            return True
        time.sleep(0.05)
    return False


def _spec(name: str) -> Any:
    from desk.queue.spec import QueueFilter, QueueSpec, builtin

    if name == "all_newest":
        return QueueSpec(QueueFilter(), "updated", True)
    return builtin(name).spec


def workstation(plan: Plan) -> None:
    """Services for a staff login, the live-update watcher and a QueueModel on a Qt event
    loop, offscreen. Records when the model has applied each (ticket, version) it heard,
    and how long a view takes to show its first rows; at the end compares its rows with
    the database's."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication

    from db.engine import Database
    from desk.bootstrap import Services
    from ui.changes import ChangeHub
    from ui.context import build_context
    from ui.dialogs import ScriptedDialogs
    from ui.live import LiveBridge
    from ui.queue.model import QueueModel
    from ui.settings import Settings
    from ui.tasks import TaskRunner

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    db = Database.connect(plan.url)
    services = Services.over(db)
    actor = services.staff.resolve_actor()
    runner = TaskRunner()
    ctx = build_context(services, actor, runner, Settings(Path(plan.out).with_suffix(".ini")),
                        ScriptedDialogs(), db.description, services.site)
    hub: ChangeHub = ctx.changes
    bridge = LiveBridge(services)
    bridge.changed.connect(hub.publish)
    states: list[str] = []
    bridge.state_changed.connect(states.append)

    model = QueueModel(ctx, page_size=PAGE)
    applied: dict[int, list[tuple[int, float]]] = {}   # ticket -> [(version, when applied)]

    def on_applied(asked: dict[int, int]) -> None:
        now = time.time()
        for iid, version in asked.items():
            applied.setdefault(iid, []).append((version, now))

    model.changes_applied.connect(on_applied)
    timing = QueueModel(ctx, page_size=PAGE)   # a second view, switched now and then: first rows
    hub.changed.disconnect(timing._on_hub_change)   # one live queue per workstation, as in the window
    first_rows: list[float] = []
    asked_at: list[float] = []
    timing.loaded.connect(lambda _n: first_rows.append((time.perf_counter() - asked_at[-1]) * 1000)
                          if asked_at and len(first_rows) < len(asked_at) else None)
    rng = random.Random(plan.seed)

    def switch_view() -> None:
        if len(first_rows) < len(asked_at):
            return            # the previous one has not shown yet
        asked_at.append(time.perf_counter())
        timing.set_spec(_spec(rng.choice(TIMING_VIEWS)))

    loaded: list[int] = []
    model.loaded.connect(loaded.append)

    def show_first_page(_total: int) -> None:
        # What a window showing the queue reads: the model's first read is a screenful,
        # the rest of the page comes as the view asks for it (as a tall window or a
        # scroll would); the check at the end compares the whole page.
        for r in range(min(PAGE, model.rowCount())):   # held rows answer at once
            model.data(model.index(r, 0))

    model.loaded.connect(show_first_page)
    # A view repaints after rows are inserted, and reads the placeholders it paints.
    repaint = QTimer()
    repaint.setSingleShot(True)
    repaint.setInterval(0)
    repaint.timeout.connect(lambda: show_first_page(model.rowCount()))
    model.rowsInserted.connect(lambda *_a: repaint.start())
    model.set_spec(_spec(VIEW))
    bridge.start()
    switcher = QTimer()
    switcher.timeout.connect(switch_view)
    result: dict[str, Any] = {"pid": os.getpid()}

    def check() -> None:
        if not (loaded and any(s.startswith("live") for s in states)):
            return
        if not os.path.exists(plan.ready):
            Path(plan.ready).touch()
        if os.path.exists(plan.go) and not switcher.isActive():
            switcher.start(int(SWITCH_S * 1000 * rng.uniform(0.7, 1.3)))
        if os.path.exists(plan.stop):
            poll.stop()
            switcher.stop()
            runner.wait(10000)
            show_first_page(model.rowCount())
            runner.wait(10000)
            app.processEvents()
            result.update(_verify(services, actor, model))
            app.quit()

    poll = QTimer()
    poll.timeout.connect(check)
    poll.start(200)   # the benchmark's own signals: cheap enough not to weigh on idle CPU
    app.exec()
    bridge.stop()
    result["applied"] = {str(k): v for k, v in applied.items()}
    result["first_rows_ms"] = first_rows
    result["states"] = states
    Path(plan.out).write_text(json.dumps(result))
    db.dispose()


def _verify(services: Any, actor: Any, model: Any) -> dict[str, Any]:
    """The model's rows against the database's, once the writers have stopped.

    wrong: rows the model holds whose version is not the current one, or that left the
    view. missing: rows of the database's first page (its top ``SURE`` rows: a row
    edited in place stays where it was, so the page's last rows may differ) that the
    model does not hold anywhere."""
    held = [model.row_data(r) for r in range(model.rowCount())]
    held = [r for r in held if r is not None]
    now = {row.id: (row.version, in_view) for row, in_view in
           services.queue.live_rows(_spec(VIEW), actor, [r.id for r in held])}
    wrong = sum(1 for r in held if now.get(r.id) != (r.version, True))
    fresh = services.queue.first_page(_spec(VIEW), actor, PAGE)[:SURE]
    mine = {(r.id, r.version) for r in held}
    missing = sum(1 for r in fresh if (r.id, r.version) not in mine)
    return {"rows_wrong": wrong, "rows_missing": missing, "rows_held": len(held),
            "total_model": model.rowCount(), "total_db": services.queue.count(_spec(VIEW), actor),
            "count_exact": model.count_exact}


def writer(plan: Plan) -> None:
    """A staff member at work: comments, edits, opens and resolves tickets through the
    services, mostly on tickets near the top of the queue (the ones workstations show)."""
    from sqlalchemy import event

    from db.engine import Database
    from desk.bootstrap import Services
    from desk.errors import DeskError
    from desk.incidents.service import NewIncident

    db = Database.connect(plan.url)
    # The commit's instant: when the driver is asked to commit (the change is visible a
    # moment later), so the latencies measured from it are, if anything, too long.
    committing = [0.0]
    event.listen(db.engine, "commit", lambda _conn: committing.__setitem__(0, time.time()))
    services = Services.over(db)
    actor = services.staff.resolve_actor()
    inc = services.incidents
    rng = random.Random(plan.seed)
    spec = _spec(VIEW)
    top: list[str] = []
    commits: list[tuple[int, int, float]] = []
    errors: dict[str, int] = {}
    Path(plan.ready).touch()
    if not _wait_for(plan.go, 600):
        raise SystemExit("the benchmark never said go")
    end = time.monotonic() + plan.seconds
    refreshed = 0.0
    while time.monotonic() < end:
        time.sleep(rng.uniform(0.5, 1.5) * plan.interval)
        if time.monotonic() - refreshed > 5 or not top:
            top = [r.number for r in services.queue.first_page(spec, actor, PAGE)]
            refreshed = time.monotonic()
        number = rng.choice(top[:PAGE]) if top and rng.random() < 0.8 else None
        roll = rng.random()
        before = 0
        try:
            if number is None or roll < 0.08:
                view = inc.open(actor, NewIncident(title=f"Fleet benchmark {rng.randrange(10**6)}",
                                                    impact="low", urgency="low"))
            elif roll < 0.55:
                view = inc.comment(actor, number, "Looking at it.", internal=True)
            elif roll < 0.85:
                current = inc.get(number)
                before = current.version
                view = inc.update(actor, number, current.version,
                                  {"title": f"{current.title.split(' #')[0]} #{rng.randrange(1000)}"})
            elif roll < 0.93:
                current = inc.get(number)
                before = current.version
                urgency = rng.choice(["low", "medium", "high"])
                view = inc.update(actor, number, current.version, {"urgency": urgency})
            else:
                view = inc.transition(actor, number, "resolved", resolution_code="fixed",
                                      resolution_note="Fixed by the fleet benchmark.")
        except DeskError as exc:        # a conflict with another writer, a refused move
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            continue
        if view.version == before:   # nothing changed (the urgency it had already): nothing to hear
            errors["unchanged"] = errors.get("unchanged", 0) + 1
            continue
        commits.append((view.id, view.version, committing[0]))
    Path(plan.out).write_text(json.dumps({"commits": commits, "errors": errors}))
    db.dispose()
