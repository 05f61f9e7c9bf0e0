"""What a report can end with besides a file (reachable from every report module)."""
from __future__ import annotations

from desk.errors import DeskError


class ReportCancelled(DeskError):
    """The person who asked for the report cancelled it; nothing was written."""

    def __init__(self) -> None:
        super().__init__("Report cancelled.")
