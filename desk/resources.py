"""Where the shipped resources live (icons, reference data, incident models; fonts come from the system: desk.pdf)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent / "resources"


def path(*parts: str) -> Path:
    return ROOT.joinpath(*parts)


def load_json(*parts: str) -> Any:
    return json.loads(path(*parts).read_text(encoding="utf-8"))
