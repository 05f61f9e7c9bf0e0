"""A half-done intake kept on disk, so a crash or an accidental close loses nothing.

One JSON file per workstation user in the data directory, replaced atomically on
every save. Passwords are never part of an intake, so nothing secret is written.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from desk import paths

log = logging.getLogger(__name__)


class DraftStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or (paths.data_dir() / "drafts" / "intake.json")

    def save(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(self.path)

    def load(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            log.warning("unreadable intake draft %s set aside", self.path, exc_info=True)
            self.path.replace(self.path.with_suffix(".broken"))
            return None
        return data if isinstance(data, dict) else None

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
