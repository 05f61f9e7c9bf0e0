"""The one runner: results, progress and cancel reach the GUI thread by one set of rules,
on the real TaskRunner and inline on SyncRunner alike."""
from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import shiboken6
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from desk.reports.errors import ReportCancelled
from ui.tasks import SyncRunner, TaskRunner, in_job

GUI = threading.main_thread().ident


def _count_to(n: int) -> Callable[[Callable[[float, str], None], Callable[[], bool]], int]:
    def job(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> int:
        assert in_job()
        for i in range(n):
            if cancelled():
                raise ReportCancelled()
            progress((i + 1) / n, f"step {i + 1}")
        return n
    return job


@pytest.mark.parametrize("runner_class", [TaskRunner, SyncRunner])
def test_progress_then_the_result_on_the_gui_thread(runner_class: type, qtbot: QtBot) -> None:
    runner = runner_class()
    seen: list[tuple[float, str, int | None]] = []
    done: list[tuple[int, int | None]] = []
    task = runner.read_with_progress(_count_to(4), lambda n: done.append((n, threading.get_ident())),
                                     on_progress=lambda f, w: seen.append((f, w, threading.get_ident())))
    qtbot.waitUntil(lambda: not task.running, timeout=5000)
    assert seen == [(0.25, "step 1", GUI), (0.5, "step 2", GUI), (0.75, "step 3", GUI), (1.0, "step 4", GUI)]
    assert done == [(4, GUI)] and not in_job()
    assert runner.wait()


def test_cancel_while_it_runs_and_before_it_starts(qtbot: QtBot) -> None:
    runner = TaskRunner(readers=1)
    gate = threading.Event()
    outcomes: list[str] = []

    def blocking(_progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> str:
        gate.wait(5)
        if cancelled():
            raise ReportCancelled()
        return "finished"

    running = runner.read_with_progress(blocking, outcomes.append, on_cancelled=lambda: outcomes.append("stopped"))
    queued = runner.read(lambda: outcomes.append("ran anyway"), on_error=lambda e: outcomes.append(f"failed {e}"))
    running.cancel()
    queued.cancel()      # still waiting for the one reader: it never starts
    gate.set()
    qtbot.waitUntil(lambda: not running.running and not queued.running, timeout=5000)
    # A plain read has no on_cancelled: its on_error hears the ReportCancelled.
    assert outcomes == ["stopped", "failed Report cancelled."]
    assert runner.wait()


def _boom() -> None:
    raise ValueError("nobody is listening")


def test_nothing_reaches_a_widget_that_has_gone(qtbot: QtBot) -> None:
    runner, owner, heard = TaskRunner(), QObject(), []
    answered = runner.read(lambda: 1, heard.append, heard.append, owner=owner)
    failed = runner.read(_boom, heard.append, heard.append, owner=owner)
    shiboken6.delete(owner)   # closed before the answers, which are queued to this thread, arrive
    qtbot.waitUntil(lambda: not answered.running and not failed.running, timeout=5000)
    assert heard == []
    assert runner.wait()


def test_nothing_reaches_a_widget_that_went_while_sync_work_ran() -> None:
    heard: list[object] = []
    for job in (lambda: 1, _boom):
        owner = QObject()

        def closing_then(job: Callable[[], object] = job, owner: QObject = owner) -> object:
            shiboken6.delete(owner)
            return job()

        task = SyncRunner().read(closing_then, heard.append, heard.append, owner=owner)
        assert not task.running
    assert heard == []


def test_sync_runner_raises_what_nobody_handles() -> None:
    def broken() -> None:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        SyncRunner().read(broken)


class _Figures:
    """Stands for what a job reads and what its window holds (a report's breaches)."""


def test_a_finished_job_keeps_nothing_alive(qtbot: QtBot) -> None:
    # PySide keeps the pool's last runnable referenced after it ran; the job and its task
    # must then reach neither what the job's function closed over nor the callbacks' owner.
    import gc
    import weakref

    runner = TaskRunner(readers=1)
    read_by_job, window_state, results = _Figures(), _Figures(), []
    gone = [weakref.ref(read_by_job), weakref.ref(window_state)]

    def job(figures: _Figures = read_by_job) -> _Figures:
        return figures

    def on_done(result: _Figures, state: _Figures = window_state) -> None:
        results.append(type(result).__name__)

    task = runner.read(job, on_done)
    progress_task = runner.read_with_progress(lambda progress, cancelled, f=read_by_job: f, on_done)
    del read_by_job, window_state, job, on_done
    qtbot.waitUntil(lambda: not task.running and not progress_task.running, timeout=5000)
    assert results == ["_Figures", "_Figures"]
    gc.collect()
    assert [ref() for ref in gone] == [None, None]
    assert runner.wait()
