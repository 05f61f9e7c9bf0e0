"""Combo boxes of choices: the words are shown, the raw value rides along as item data.

Fill with ``desk.rules.labels.options(...)`` pairs and read back ``currentData()``, so a
label can change without the stored value changing with it."""
from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QComboBox


def fill(box: QComboBox, options: Iterable[tuple[str, str]], current: str | None = None) -> None:
    """Replace the items with (words, value) pairs and select ``current`` if given."""
    box.clear()
    for words, value in options:
        box.addItem(words, value)
    if current is not None:
        select(box, current)


def select(box: QComboBox, value: str | None) -> None:
    """Select the item carrying ``value`` (None or an unknown value selects nothing)."""
    box.setCurrentIndex(box.findData(value) if value is not None else -1)


def value(box: QComboBox) -> str | None:
    """The raw value of the selected item; None when nothing (or an empty choice) is selected."""
    data = box.currentData()
    return str(data) if data not in (None, "") else None
