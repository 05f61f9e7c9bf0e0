"""Small helpers shared by the major-incident widgets."""
from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desk.common.site import Site


def local(value: dt.datetime | None, site: Site) -> str:
    """An instant on the desk's clock, short: "Mon 02 Mar 09:15"."""
    if value is None:
        return "—"
    return f"{site.local(value):%a %d %b %H:%M}"


def table(parent: QWidget, headers: list[str], name: str) -> QTableWidget:
    t = QTableWidget(0, len(headers), parent)
    t.setHorizontalHeaderLabels(headers)
    t.setAccessibleName(name)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    t.setWordWrap(True)
    return t


def fill(t: QTableWidget, rows: list[list[str]]) -> None:
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            t.setItem(r, c, QTableWidgetItem(text))


def cell(t: QTableWidget, row: int, column: int) -> str:
    item = t.item(row, column)
    return item.text() if item is not None else ""


def selected_column(t: QTableWidget, column: int = 0) -> list[str]:
    rows = sorted({i.row() for i in t.selectedIndexes()})
    return [text for r in rows if (text := cell(t, r, column))]
