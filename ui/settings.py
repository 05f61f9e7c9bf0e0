"""Settings declared once with type and default (Picard's habit).

User preferences live apart from window state; QSettings stores strings in INI
files, so every read passes ``type=``. Secrets never go here (keyring does that).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

from desk import paths

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    default: T
    kind: type


# Preferences
SLA_TICK_SECONDS = Setting("queue/sla_tick_seconds", 5, int)
PAGE_SIZE = Setting("queue/page_size", 200, int)
LAST_VIEW = Setting("queue/last_view", "my_open", str)
# Window state
GEOMETRY = Setting("window/geometry", QByteArray(), QByteArray)
WINDOW_STATE = Setting("window/state", QByteArray(), QByteArray)
SPLITTER = Setting("window/splitter", QByteArray(), QByteArray)
# Open records beside the queue (a split) rather than as full pages in its place.
SPLIT_VIEW = Setting("window/split_view", False, bool)
QUEUE_HEADER = Setting("queue/header_state", QByteArray(), QByteArray)


class Settings:
    def __init__(self, path: Path | None = None) -> None:
        target = path or (paths.config_dir() / "desk.ini")
        target.parent.mkdir(parents=True, exist_ok=True)
        self.q = QSettings(str(target), QSettings.Format.IniFormat)

    def get(self, setting: Setting[T]) -> T:
        value: Any = self.q.value(setting.key, setting.default, type=setting.kind)
        return value if value is not None else setting.default

    def set(self, setting: Setting[T], value: T) -> None:
        self.q.setValue(setting.key, value)

    def sync(self) -> None:
        self.q.sync()


def save_geometry(settings: Settings, window: QWidget) -> None:
    settings.set(GEOMETRY, window.saveGeometry())
    save_state = getattr(window, "saveState", None)
    if save_state is not None:
        settings.set(WINDOW_STATE, save_state())


def restore_geometry(settings: Settings, window: QWidget) -> None:
    geometry = settings.get(GEOMETRY)
    if geometry and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    restore_state = getattr(window, "restoreState", None)
    state = settings.get(WINDOW_STATE)
    if restore_state is not None and state and not state.isEmpty():
        restore_state(state)
