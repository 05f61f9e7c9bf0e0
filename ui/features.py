"""The features that hook themselves into the main window, imported directly: a feature
that fails to import stops the start with its error, and one that fails to install
reports it (``ui.crash``) while the others are installed; none disappears quietly. Each installer takes the window and the DeskContext and returns its feature's
tools, which the window keeps (alive, and reachable from tests)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ui.context import DeskContext
from ui.counter.install import install as install_counter
from ui.major.install import install as install_major
from ui.notifications import install as install_notifications
from ui.reports.install import install as install_reports
from ui.setup.install import install as install_setup

if TYPE_CHECKING:
    from ui.main_window import MainWindow

INSTALLERS: tuple[Callable[[MainWindow, DeskContext], object], ...] = (install_reports, install_counter,
                                                                      install_major, install_setup,
                                                                      install_notifications)


def install_features(window: MainWindow, ctx: DeskContext) -> list[object]:
    window.features = [install(window, ctx) for install in INSTALLERS]
    return window.features
