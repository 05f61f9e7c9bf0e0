"""The dialog seam's choice question shows words and hands back values."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QInputDialog

from desk.rules import choices, labels
from ui.dialogs import Dialogs


def test_ask_choice_shows_the_words_and_returns_the_value(qapp, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    shown: list[list[str]] = []

    def get_item(_parent, _title, _label, items, _current, _editable):  # type: ignore[no-untyped-def]
        shown.append(list(items))
        return "No fault found", True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))
    options = labels.options(choices.RESOLUTION_CODES, labels.resolution_code)
    assert Dialogs().ask_choice(None, "Resolve", "Resolution code:", options) == "no_fault_found"
    assert shown[-1][:2] == ["Fixed", "Workaround"] and "no_fault_found" not in shown[-1]
    # Plain strings are shown and returned as they are.
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a: ("a4", True)))
    assert Dialogs().ask_choice(None, "Paper", "Paper:", ["letter", "a4"]) == "a4"
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a: ("", False)))
    assert Dialogs().ask_choice(None, "Paper", "Paper:", ["letter", "a4"]) is None


def test_merge_dialog_names_fields_and_values_in_words_and_merges_values(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel, QRadioButton

    from ui.incidents.conflict import ConflictDialog

    d = ConflictDialog(None, "INC-000001", [("channel", "phone", "walk_in", "email"),
                                            ("impact", "low", "high", "medium")])
    texts = {w.text() for w in d.findChildren(QLabel)} | {w.text() for w in d.findChildren(QRadioButton)}
    assert {"Channel", "Impact", "Walk-in", "Email", "High", "Medium"} <= texts
    assert not {"walk_in", "channel"} & texts
    theirs = next(b for b in d.findChildren(QRadioButton) if b.accessibleName() == "Impact: take theirs")
    theirs.setChecked(True)
    d._merge()
    assert d.merged == {"channel": "walk_in", "impact": "medium"}


@pytest.mark.parametrize("button, answer", [("Save", "save"), ("Discard", "discard"), ("Cancel", "cancel"),
                                            (None, "cancel")])
def test_save_discard_cancel_answers_with_the_button_pressed(qapp, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                             button: str | None, answer: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    def press(box: QMessageBox) -> int:
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.Save)
        if button is not None:
            box.button(getattr(QMessageBox.StandardButton, button)).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", press)
    assert Dialogs().save_discard_cancel(None, "Unsaved changes", "INC-000001 has unsaved changes.") == answer
