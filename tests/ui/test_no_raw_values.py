"""Nobody sees an internal name: every page of the window is walked, widget by widget, and a
value of the rules (``walk_in``, ``user_education``, ``pending_customer``, ``assignee_id``,
``staff``) where its words belong fails the test. The words come from desk.rules.labels."""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from desk.actor import Actor
from desk.bootstrap import Services
from desk.rules import labels
from tests import factories
from ui.counter.install import Counter
from ui.counter.wizard import IntakeWizard
from ui.features import install_features

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

# The values whose words differ from them. Priorities are left out: "P2" is both the value
# and the start of its words ("P2 High"), and says the same thing.
_TABLES = (labels.STATUS, labels.PROBLEM_STATUS, labels.CHANNEL, labels.IMPACT, labels.URGENCY,
           labels.RESOLUTION_CODE, labels.ACTING_STATUS, labels.FIELD)
RAW = {str(getattr(v, "value", v)) for table in _TABLES for v, words in table.items()
       if str(getattr(v, "value", v)) != words}
# A value with an underscore is never English: anywhere in a text it is a leak.
_SNAKE = re.compile(r"\b(" + "|".join(sorted((re.escape(v) for v in RAW if "_" in v), key=len, reverse=True))
                    + r")\b")
# One-word values standing alone ("staff" as a cell) are leaks too; field names are left
# to the underscore rule ("title" and "caller" are English as well).
RAW_WORDS = {v for v in RAW if "_" not in v and v not in labels.FIELD}
_PIECES = re.compile(r"\s*[,;·|/:()\n\u2014]\s*")


def plain(text: str) -> str:
    if "<" in text and ">" in text:
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def leaks(text: str) -> list[str]:
    """The raw values in ``text``: snake_case ones anywhere, one-word ones ("staff", "new")
    standing alone as a cell, an item, or one entry of a list."""
    text = plain(text)
    found = _SNAKE.findall(text)
    found += [piece for piece in _PIECES.split(text.strip()) if piece in RAW_WORDS]
    return list(dict.fromkeys(found))


def texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every text a person can see in ``root``'s widgets, including the
    cells of item views (the first rows) and the items of combo boxes."""
    for w in [root, *root.findChildren(QWidget)]:
        where = f"{type(w).__name__} {w.objectName() or w.accessibleName()}".strip()
        if isinstance(w, QLineEdit) and w.echoMode() == QLineEdit.EchoMode.Normal:
            if w.isReadOnly():
                yield where, w.text()
            # What the user typed is theirs; only read-only fields are Desk's words.
        elif isinstance(w, QLabel | QAbstractButton):
            yield where, w.text()
            yield where + " (tip)", w.toolTip()
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                yield f"{where} item {i}", w.itemText(i)
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                yield f"{where} tab {i}", w.tabText(i)
        elif isinstance(w, QTextEdit | QPlainTextEdit) and w.isReadOnly():
            yield where, w.toPlainText()
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            root_index = QModelIndex()
            try:
                columns = model.columnCount(root_index)
            except TypeError:       # a list widget's own model keeps it private: one column
                columns = 1
            for c in range(columns):
                yield f"{where} header {c}", str(model.headerData(c, Qt.Orientation.Horizontal) or "")
            for r in range(min(model.rowCount(root_index), 60)):
                for c in range(columns):
                    value = model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole)
                    if isinstance(value, str):
                        yield f"{where} cell {r},{c}", value


def assert_no_leaks(root: QWidget, page: str) -> int:
    seen = 0
    bad = []
    for where, text in texts(root):
        seen += 1
        for value in leaks(text or ""):
            bad.append(f"{page}: {where}: {value!r} in {text[:120]!r}")
    assert not bad, "internal names shown:\n" + "\n".join(bad)
    return seen


def test_the_detector_finds_what_it_should() -> None:
    assert leaks("Channel walk_in → phone") == ["walk_in"]
    assert leaks("Statuses: staff, student") == ["staff", "student"]
    assert leaks("<b>resolution_code</b> — → fixed") == ["resolution_code"]
    assert not leaks("Statuses: Staff, Student") and not leaks("Counter staff take in laptops")
    assert not leaks("Walk-in · User education · Pending (customer)")


def test_no_page_shows_an_internal_name(qtbot, window, services: Services, admin: Actor, clock) -> None:  # type: ignore[no-untyped-def]
    uid = factories.person(services.db, given="Wen", family="Staffer", statuses=("staff", "student"),
                           departments=("Mathematics",))
    walk_in = factories.incident(services, admin, "Laptop hinge broken", caller=uid, channel="walk_in")
    services.incidents.transition(admin, walk_in.number, "in_progress")
    services.incidents.transition(admin, walk_in.number, "resolved", resolution_code="user_education",
                                  resolution_note="Showed how to open the lid gently")
    pending = factories.incident(services, admin, "VPN asks twice", status="in_progress")
    services.incidents.transition(admin, pending.number, "pending_customer", reason="Waiting for the user's reply")
    factories.repair(services.db, services.counter, admin, given="Rae", family="Counter")
    install_features(window, window.ctx)
    seen = 0

    window.views.select("all_open")
    seen += assert_no_leaks(window, "queue, all open")
    for number in (walk_in.number, pending.number):
        window.open_ticket(number)
        seen += assert_no_leaks(window, f"ticket {number}")
    window.views.select("problems")
    seen += assert_no_leaks(window, "problems")
    for key in ("counter", "loaner_pool", "dashboard", "major_board"):
        window.views.page_chosen.emit(key)
        seen += assert_no_leaks(window, key)

    counter = next(f for f in window.features if isinstance(f, Counter))
    wizard = counter.new_intake()
    assert isinstance(wizard, IntakeWizard)
    customer = wizard.pages[0]
    customer.search.setText(uid)
    customer.search.returnPressed.emit()
    qtbot.waitUntil(lambda: wizard.state.person_uid == uid)
    seen += assert_no_leaks(window, "intake, customer chosen")
    assert seen > 500          # the walk saw the pages, not an empty window
