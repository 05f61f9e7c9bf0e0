"""Window first (issue 14): the main window's frame before the desk is open, the desk
opened off the GUI thread, a failure told in the window with a retry that works, and the
password prompt asked on the GUI thread for the opening thread."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from desk.queue.spec import BUILTIN_VIEWS
from ui.actions import MENUS
from ui.context import DeskContext
from ui.frame import NavigationPlaceholder, OpeningPage
from ui.main_window import MainWindow
from ui.opener import DeskOpener
from ui.settings import Settings
from ui.start import Start

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")   # the offscreen platform's


def test_the_frame_shows_opening_then_takes_the_desk_s_parts_in_place(ctx: DeskContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(settings=ctx.settings)
    qtbot.addWidget(window)
    window.show()
    assert not window.attached and window.windowTitle() == "Desk"
    assert isinstance(window.centre.currentWidget(), OpeningPage)
    assert window.opening.status.text() == "Opening the desk…" and not window.opening.controls.isVisibleTo(window)
    nav = window.splitter.widget(0)
    assert isinstance(nav, NavigationPlaceholder) and not nav.isEnabled()
    assert [nav.item(i).text() for i in range(nav.count())] == [v.name for v in BUILTIN_VIEWS]
    assert [a.text() for a in window.menuBar().actions()] == list(MENUS)   # their actions come with the desk

    window.attach(ctx)
    assert window.attached and window.windowTitle() == f"Desk — {ctx.actor.display_name}"
    assert window.splitter.widget(0) is window.views and window.splitter.widget(2) is window.tabs
    assert window.centre.currentWidget() is window.area and window.splitter.count() == 3
    qtbot.waitUntil(lambda: window.views.current_key() is not None)
    qtbot.waitUntil(lambda: not window.action("search").icon().isNull())   # drawn a round later


def test_closing_the_frame_before_the_desk_opens_keeps_the_geometry(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui import settings as S

    settings = Settings(tmp_path / "desk.ini")
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.resize(640, 480)
    qtbot.waitUntil(lambda: window.width() == 640)
    assert window.close()
    again = MainWindow(settings=Settings(tmp_path / "desk.ini"))
    qtbot.addWidget(again)
    assert not settings.get(S.GEOMETRY).isEmpty() and again.size().width() == 640


@pytest.mark.gui_db_allowed("the SLA job's lease is given back at quit, after the window closed, as ui.app "
                            "always did", where="ui/sla_watch.py:stop")
def test_a_desk_that_cannot_be_opened_is_told_in_the_window_and_a_retry_opens_another(  # type: ignore[no-untyped-def]
        sqlite_url: str, tmp_path: Path, qtbot) -> None:
    window = MainWindow(settings=Settings(tmp_path / "desk.ini"))
    qtbot.addWidget(window)
    window.show()
    secrets: list[str] = []
    asked: list[str] = []
    opener = DeskOpener(lambda key: asked.append(key) or None, secrets, window)  # type: ignore[func-returns-value]
    start = Start(window, opener, "postgresql://nobody:s3cret-pw@127.0.0.1:1/desk", secrets)
    started: list[bool] = []
    start.started.connect(lambda: started.append(True))
    try:
        start.begin()
        qtbot.waitUntil(lambda: window.opening.controls.isVisibleTo(window), timeout=20000)
        shown = window.opening.status.text()
        assert "Cannot connect" in shown and "127.0.0.1" in shown, shown
        offered = [window.opening.database.itemText(i) for i in range(window.opening.database.count())]
        assert "s3cret-pw" not in shown and not any("s3cret-pw" in o for o in offered), (shown, offered)
        assert not window.attached and window.isVisible() and asked == []   # the server refused, no prompt

        window.opening.database.setEditText(sqlite_url)
        window.opening.try_again.click()
        assert window.opening.status.text() == "Opening the desk…"
        qtbot.waitUntil(lambda: window.attached, timeout=20000)
        assert start.opened and window.centre.currentWidget() is window.area
        qtbot.waitUntil(lambda: window.views.current_key() is not None, timeout=10000)
        qtbot.waitUntil(lambda: len(window.features) == 5, timeout=10000)   # installed in later rounds
        qtbot.waitUntil(lambda: started == [True], timeout=10000)            # and the parts beside it
        assert start.running is not None and len(start.running.stops) == 3  # live, mail, the SLA job
    finally:
        window.close()
        start.stop()


def test_the_opening_thread_s_password_question_is_asked_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    where: list[threading.Thread] = []

    def ask(key: str) -> str | None:
        where.append(threading.current_thread())
        return f"pw-for-{key}"

    opener = DeskOpener(ask, [])
    answers: list[str | None] = []
    worker = threading.Thread(target=lambda: answers.append(opener._prompt("desk@db")))
    worker.start()
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    worker.join(5)
    assert answers == ["pw-for-desk@db"] and where == [threading.main_thread()]


def test_the_start_s_steps_take_a_round_each_and_one_failing_stops_none(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QObject, QTimer

    from ui.start import in_turns

    owner = QObject()
    done: list[str] = []

    def first() -> None:
        done.append("first")
        # Queued now with a zero delay: delivered before the next step, so the loop went round.
        QTimer.singleShot(0, lambda: done.append("between"))

    def failing() -> None:
        done.append("failing")
        raise RuntimeError("a feature that cannot install")

    with qtbot.capture_exceptions() as raised:
        in_turns(owner, [first, failing, lambda: done.append("last")])
        assert done == []                                   # nothing in the caller's turn
        qtbot.waitUntil(lambda: "last" in done, timeout=3000)
    assert done == ["first", "between", "failing", "last"]
    assert [str(e[1]) for e in raised] == ["a feature that cannot install"]


def test_the_start_s_steps_not_yet_run_are_dropped_once_stopped(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QObject

    from ui.start import in_turns

    owner = QObject()
    done: list[int] = []
    stopped = [False]

    def step(n: int) -> None:
        done.append(n)
        if n == 1:
            stopped[0] = True                               # as Running.stop() does

    in_turns(owner, [lambda: step(1), lambda: step(2), lambda: step(3)], until=lambda: stopped[0])
    qtbot.waitUntil(lambda: done == [1], timeout=3000)
    qtbot.wait(50)
    assert done == [1]


def test_a_start_whose_attach_fails_turns_the_collector_back_on(tmp_path: Path, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import gc

    import ui.start

    window = MainWindow(settings=Settings(tmp_path / "desk.ini"))
    qtbot.addWidget(window)
    window.show()
    start = Start(window, DeskOpener(lambda _key: None, [], window), None, [])

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the window could not be attached")

    monkeypatch.setattr(ui.start, "attach", broken)
    gc.disable()                                       # as ui.launch leaves it for the start
    try:
        with pytest.raises(RuntimeError):
            start._on_opener_opened(object())          # type: ignore[arg-type]
        assert gc.isenabled()
    finally:
        gc.enable()
