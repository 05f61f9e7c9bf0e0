"""The navigation list at start-up: focus on it is not a choice."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desk.actor import Actor
from desk.bootstrap import Services
from ui.context import build_context
from ui.dialogs import ScriptedDialogs
from ui.settings import Settings
from ui.tasks import SyncRunner, Task

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


class HeldRunner(SyncRunner):
    """Reads wait until released, as they do on a busy worker: the views are still being read."""

    def __init__(self) -> None:
        self.held: list[Callable[[], object]] = []

    def read(self, fn: Callable[[], Any], on_done: Any = None, on_error: Any = None,
             owner: Any = None) -> Task:
        task = Task(on_done, on_error, owner)
        self.held.append(lambda: self._run(fn, task))
        return task

    def release(self) -> None:
        held, self.held = self.held, []
        for run in held:
            run()


def test_focus_on_the_list_before_the_views_are_read_opens_no_page(
        services: Services, admin: Actor, qtbot: Any, tmp_path: Path) -> None:
    from ui.queue.views_panel import ViewsPanel

    runner = HeldRunner()
    ctx = build_context(services, admin, runner, Settings(tmp_path / "desk.ini"), ScriptedDialogs(),
                        services.db.description, services.site)
    panel = ViewsPanel(ctx, initial="unassigned")
    qtbot.addWidget(panel)
    pages: list[str] = []
    panel.page_chosen.connect(pages.append)
    panel.add_page("dashboard", "Dashboard")     # features list their pages before the views are in
    panel.show()
    panel.list.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(panel.list.hasFocus)
    assert pages == [] and panel.current_key() is None
    runner.release()
    assert panel.current_key() == "unassigned"   # the view the user left, as if focus had not moved
    assert pages == []
    # Once the list is filled, keyboard focus keeps what is current.
    panel.list.clearFocus()
    panel.list.setFocus(Qt.FocusReason.TabFocusReason)
    assert panel.current_key() == "unassigned"
