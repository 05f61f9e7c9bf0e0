"""The features that hook themselves into the main window, imported directly: a feature
that fails to import or install stops the start with its error, never disappears
quietly. Each installer takes the window and the DeskContext."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ui.context import DeskContext
from ui.counter.install import install as install_counter
from ui.major.install import install as install_major
from ui.reports.install import install as install_reports

INSTALLERS: tuple[Callable[[Any, DeskContext], object], ...] = (install_reports, install_counter, install_major)


def install_features(window: Any, ctx: DeskContext) -> None:
    for install in INSTALLERS:
        install(window, ctx)
