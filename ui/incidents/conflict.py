"""Both versions of the fields that collided, side by side: keep mine, take theirs, per field."""
from __future__ import annotations

import textwrap
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desk.rules import labels
from ui.screen_fit import Dialog

ConflictField = tuple[str, Any, Any, Any]  # field, as loaded, mine, theirs

# A value is shown wrapped at this many characters, up to SHOWN_LINES lines (the whole of it in
# the tooltip), so two long descriptions side by side still fit a laptop's screen.
WRAP_AT = 50
SHOWN_LINES = 8


def _choice(words: str) -> QRadioButton:
    """A radio button showing ``words`` wrapped (a radio button's text does not wrap itself)."""
    lines = [line for paragraph in words.splitlines() or [""]
             for line in (textwrap.wrap(paragraph, WRAP_AT, break_long_words=True) or [""])]
    shown = "\n".join(lines[:SHOWN_LINES]) + (" …" if len(lines) > SHOWN_LINES else "")
    button = QRadioButton(shown)
    if shown != words:
        button.setToolTip(words)
    return button


class ConflictDialog(Dialog):
    """Result: ``merged`` (dict of chosen values), or ``keep_theirs`` True, or rejected."""

    def __init__(self, parent: QWidget | None, number: str, fields: list[ConflictField]) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{number} was changed by someone else")
        self.setAccessibleName("Edit conflict")
        self.keep_theirs = False
        self.merged: dict[str, Any] = {}
        self._groups: dict[str, tuple[QButtonGroup, Any, Any]] = {}
        lay = QVBoxLayout(self)
        intro = QLabel("Another workstation saved this ticket after you opened it. Nothing was "
                       "overwritten. Choose, field by field, which value to keep.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        grid = QGridLayout()
        for col, text in enumerate(("Field", "Yours", "Theirs (saved)")):
            grid.addWidget(QLabel(f"<b>{text}</b>"), 0, col)
        for row, (name, _base, mine, theirs) in enumerate(fields, start=1):
            # Words for the field and its values; the raw values are what gets merged.
            title = labels.field(name)
            group = QButtonGroup(self)
            a = _choice(labels.value(name, mine))
            b = _choice(labels.value(name, theirs))
            a.setAccessibleName(f"{title}: keep yours")
            b.setAccessibleName(f"{title}: take theirs")
            a.setChecked(True)
            group.addButton(a, 0)
            group.addButton(b, 1)
            grid.addWidget(QLabel(title), row, 0)
            grid.addWidget(a, row, 1)
            grid.addWidget(b, row, 2)
            self._groups[name] = (group, mine, theirs)
        lay.addLayout(grid)
        buttons = QDialogButtonBox()
        merge = QPushButton("Save merged")
        theirs_btn = QPushButton("Keep theirs (discard mine)")
        buttons.addButton(merge, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(theirs_btn, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        merge.clicked.connect(self._merge)
        theirs_btn.clicked.connect(self._theirs)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _merge(self) -> None:
        self.merged = {name: (mine if g.checkedId() == 0 else theirs)
                       for name, (g, mine, theirs) in self._groups.items()}
        self.accept()

    def _theirs(self) -> None:
        self.keep_theirs = True
        self.accept()
