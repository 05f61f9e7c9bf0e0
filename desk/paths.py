"""Per-user directories (data, config, logs) from platformdirs; overridable for tests."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "desk"


def _override(var: str) -> Path | None:
    value = os.environ.get(var)
    return Path(value) if value else None


def data_dir() -> Path:
    return _override("DESK_DATA_DIR") or Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    return _override("DESK_CONFIG_DIR") or Path(platformdirs.user_config_dir(APP, appauthor=False))


def log_dir() -> Path:
    return _override("DESK_LOG_DIR") or Path(platformdirs.user_log_dir(APP, appauthor=False))


def default_sqlite_path() -> Path:
    return data_dir() / "desk.sqlite3"
