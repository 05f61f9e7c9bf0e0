"""Questions to the user go through this seam, so tests can answer them.

Widgets call ``ctx.dialogs.ask_text(...)`` etc. instead of ``exec()``-ing dialogs
inline; tests install a ``ScriptedDialogs`` with the answers.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox, QWidget

# A plain string, or (words shown, value returned).
Choice = str | tuple[str, str]

# The answer to "unsaved changes: save, discard or cancel?".
SaveAnswer = Literal["save", "discard", "cancel"]


class Dialogs:
    def ask_text(self, parent: QWidget | None, title: str, label: str, text: str = "",
                 multiline: bool = False) -> str | None:
        if multiline:
            value, ok = QInputDialog.getMultiLineText(parent, title, label, text)
        else:
            value, ok = QInputDialog.getText(parent, title, label, text=text)
        return value if ok else None

    def ask_choice(self, parent: QWidget | None, title: str, label: str,
                   choices: Sequence[Choice]) -> str | None:
        """The chosen value, or None. A choice is a plain string, or a (words, value) pair
        whose words are shown and whose value is returned (``desk.rules.labels.options``)."""
        pairs = [c if isinstance(c, tuple) else (c, c) for c in choices]
        words, ok = QInputDialog.getItem(parent, title, label, [w for w, _v in pairs], 0, False)
        if not ok:
            return None
        return next((v for w, v in pairs if w == words), words)

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes

    def save_discard_cancel(self, parent: QWidget | None, title: str, text: str) -> SaveAnswer:
        """Unsaved edits are about to go: save them first, throw them away, or stay.
        Escape (and closing the box) is Cancel: nothing is lost by accident."""
        B = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, B.Save | B.Discard | B.Cancel, parent)
        box.setDefaultButton(B.Save)
        box.setEscapeButton(B.Cancel)
        box.exec()
        answer = box.standardButton(box.clickedButton()) if box.clickedButton() is not None else B.Cancel
        return "save" if answer == B.Save else "discard" if answer == B.Discard else "cancel"

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)

    def ask_open_file(self, parent: QWidget | None, title: str, filter: str) -> str | None:
        """A file to read (an .ics feed…), or None."""
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(parent, title, "", filter)
        return path or None

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    def merge_conflict(self, parent: QWidget | None, number: str,
                       fields: list[tuple[str, Any, Any, Any]]) -> dict[str, Any] | str | None:
        """Merged values to save, "theirs" to reload, or None to go back to the form."""
        from ui.incidents.conflict import ConflictDialog

        dialog = ConflictDialog(parent, number, fields)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return "theirs" if dialog.keep_theirs else dialog.merged


class ScriptedDialogs(Dialogs):
    """Answers from a list (tests); records every message shown."""

    def __init__(self, answers: Sequence[object] = ()) -> None:
        self.answers = list(answers)
        self.shown: list[tuple[str, str]] = []

    def _next(self) -> object:
        return self.answers.pop(0) if self.answers else None

    def ask_text(self, parent: QWidget | None, title: str, label: str, text: str = "",
                 multiline: bool = False) -> str | None:
        return self._next()  # type: ignore[return-value]

    def ask_choice(self, parent: QWidget | None, title: str, label: str,
                   choices: Sequence[Choice]) -> str | None:
        """An answer is the value (or, for a (words, value) choice, the words shown)."""
        self.choices_offered = getattr(self, "choices_offered", []) + [list(choices)]
        answer = self._next()
        for c in choices:
            if isinstance(c, tuple) and answer == c[0]:
                return c[1]
        return answer  # type: ignore[return-value]

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        return bool(self._next())

    def save_discard_cancel(self, parent: QWidget | None, title: str, text: str) -> SaveAnswer:
        """An answer is "save", "discard" or "cancel"; none left (or anything else) is Cancel."""
        self.asked = getattr(self, "asked", []) + [(title, text)]
        answer = self._next()
        return "save" if answer == "save" else "discard" if answer == "discard" else "cancel"

    def ask_open_file(self, parent: QWidget | None, title: str, filter: str) -> str | None:
        return self._next()  # type: ignore[return-value]

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append((title, text))

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append((title, text))

    def merge_conflict(self, parent: QWidget | None, number: str,
                       fields: list[tuple[str, Any, Any, Any]]) -> dict[str, Any] | str | None:
        self.conflicts = getattr(self, "conflicts", []) + [(number, fields)]
        return self._next()  # type: ignore[return-value]
