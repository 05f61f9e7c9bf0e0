"""Pages 3–5 — Problem and condition; Data and access; Loaner."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desk.counter.intake import ACCESSORY_CHOICES, CONDITION_ITEMS
from desk.counter.views import LoanerView
from desk.errors import InvalidInput
from ui.counter.context import CounterContext
from ui.counter.page_base import IntakePage
from ui.counter.settings import LOAN_DAYS
from ui.counter.state import IntakeState
from ui.errors import describe
from ui.wheel_guard import ComboBox, DateEdit

CATEGORIES = ("Hardware", "Software", "Damage", "Performance", "Data", "Connectivity")


class ProblemPage(IntakePage):
    def __init__(self, cc: CounterContext, state: IntakeState) -> None:
        super().__init__(cc, state, "3 · Problem and condition",
                         "What the customer reports, the laptop's physical condition, and what they hand in.")
        self.symptoms = QPlainTextEdit()
        self.symptoms.setTabChangesFocus(True)
        self.symptoms.setPlaceholderText("In the customer's words: what happens, since when, what they tried.")
        self.symptoms.setAccessibleName("Reported problem")
        self.symptoms.setMaximumHeight(110)
        self.category = ComboBox()
        self.category.addItems(CATEGORIES)
        self.category.setAccessibleName("Category")
        self.conditions = {name: QCheckBox(name) for name in CONDITION_ITEMS}
        grid = QGridLayout()
        for i, box in enumerate(self.conditions.values()):
            grid.addWidget(box, i // 3, i % 3)
        cond = QGroupBox("Physical condition (tick what you see)")
        cond.setLayout(grid)
        self.damage = QPlainTextEdit()
        self.damage.setTabChangesFocus(True)
        self.damage.setPlaceholderText("Where and how big: e.g. 3 cm crack, lower left of the screen.")
        self.damage.setAccessibleName("Damage notes")
        self.damage.setMaximumHeight(60)
        self.accessories = {name: QCheckBox(name) for name in ACCESSORY_CHOICES}
        self.other = QLineEdit()
        self.other.setPlaceholderText("Other items, comma-separated (e.g. USB-C dock, stylus)")
        self.other.setAccessibleName("Other accessories")
        acc = QHBoxLayout()
        for box in self.accessories.values():
            acc.addWidget(box)
        acc.addWidget(QLabel("Other:"))
        acc.addWidget(self.other, 1)
        form = QFormLayout()
        form.addRow("Reported problem", self.symptoms)
        form.addRow("Category", self.category)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(cond)
        lay.addWidget(QLabel("Damage notes"))
        lay.addWidget(self.damage)
        lay.addWidget(QLabel("Accessories received"))
        lay.addLayout(acc)
        lay.addWidget(self.message)
        self.setFocusProxy(self.symptoms)

    def load_state(self) -> None:
        s = self.state
        self.symptoms.setPlainText(s.symptoms)
        self.category.setCurrentText(s.category or "Hardware")
        for name, box in self.conditions.items():
            box.setChecked(name in s.condition)
        self.damage.setPlainText(s.damage_notes)
        for name, box in self.accessories.items():
            box.setChecked(name in s.accessories)
        self.other.setText(", ".join(a for a in s.accessories if a not in self.accessories))

    def store_state(self) -> None:
        s = self.state
        s.symptoms = self.symptoms.toPlainText().strip()
        s.category = self.category.currentText()
        s.condition = [n for n, b in self.conditions.items() if b.isChecked()]
        s.damage_notes = self.damage.toPlainText().strip()
        others = [x.strip() for x in self.other.text().split(",") if x.strip()]
        s.accessories = [n for n, b in self.accessories.items() if b.isChecked()] + others

    def check(self) -> tuple[str, QWidget | None] | None:
        s = self.state
        if len(s.symptoms) < 5:
            return "Describe the reported problem (a few words at least).", self.symptoms
        if s.condition and not s.damage_notes:
            return "You ticked damage: add a damage note saying where and how big.", self.damage
        return None


def _yes_no(label: str, help_text: str) -> tuple[QGroupBox, QButtonGroup, QRadioButton, QRadioButton]:
    box = QGroupBox(label)
    yes, no = QRadioButton("&Yes" if "Back" in label else "Yes"), QRadioButton("No")
    group = QButtonGroup(box)
    group.addButton(yes)
    group.addButton(no)
    row = QHBoxLayout(box)
    row.addWidget(yes)
    row.addWidget(no)
    hint = QLabel(help_text)
    hint.setWordWrap(True)
    hint.setStyleSheet("color: #555;")
    row.addWidget(hint, 1)
    yes.setAccessibleName(f"{label} yes")
    no.setAccessibleName(f"{label} no")
    return box, group, yes, no


class DataPage(IntakePage):
    def __init__(self, cc: CounterContext, state: IntakeState) -> None:
        super().__init__(cc, state, "4 · Data and access",
                         "Ask each question; the customer must answer. Never type or write down a password.")
        b1, _, self.backup_yes, self.backup_no = _yes_no("Back up data before repair?", "We copy the user folders.")
        b2, _, self.wipe_yes, self.wipe_no = _yes_no("May the disk be wiped?",
                                                     "Only if a reinstall is the only fix.")
        b3, _, self.login_yes, self.login_no = _yes_no(
            "Is a login needed?", "The customer types it in themselves at the bench, or a temporary one is set. "
                                  "The password is never stored.")
        self.warning = QLabel("")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #8a5a00;")
        for b in (self.backup_no, self.wipe_yes):
            b.toggled.connect(self._warn)
        lay = QVBoxLayout(self)
        for group in (b1, b2, b3):
            lay.addWidget(group)
        lay.addWidget(self.warning)
        lay.addStretch(1)
        lay.addWidget(self.message)
        self.setFocusProxy(self.backup_yes)

    def _warn(self) -> None:
        risky = self.backup_no.isChecked() and self.wipe_yes.isChecked()
        self.warning.setText("No backup and wiping allowed: tell the customer that data on the disk may be lost."
                             if risky else "")

    @staticmethod
    def _set(yes: QRadioButton, no: QRadioButton, value: bool | None) -> None:
        if value is True:
            yes.setChecked(True)
        elif value is False:
            no.setChecked(True)

    @staticmethod
    def _get(yes: QRadioButton, no: QRadioButton) -> bool | None:
        return True if yes.isChecked() else False if no.isChecked() else None

    def load_state(self) -> None:
        self._set(self.backup_yes, self.backup_no, self.state.backup_wanted)
        self._set(self.wipe_yes, self.wipe_no, self.state.wipe_allowed)
        self._set(self.login_yes, self.login_no, self.state.login_needed)

    def store_state(self) -> None:
        self.state.backup_wanted = self._get(self.backup_yes, self.backup_no)
        self.state.wipe_allowed = self._get(self.wipe_yes, self.wipe_no)
        self.state.login_needed = self._get(self.login_yes, self.login_no)

    def check(self) -> tuple[str, QWidget | None] | None:
        if self.state.backup_wanted is None:
            return "Answer: does the customer want a backup before the repair?", self.backup_yes
        if self.state.wipe_allowed is None:
            return "Answer: may the disk be wiped?", self.wipe_yes
        if self.state.login_needed is None:
            return "Answer: is a login needed for the repair?", self.login_yes
        return None


class LoanerPage(IntakePage):
    def __init__(self, cc: CounterContext, state: IntakeState) -> None:
        super().__init__(cc, state, "5 · Loaner", "Lend a laptop from the loaner pool while this one is repaired.")
        self.none = QRadioButton("&No loaner")
        self.lend = QRadioButton("&Lend a loaner:")
        self.none.setChecked(True)
        self.loaners = ComboBox()
        self.loaners.setAccessibleName("Available loaner")
        self.due = DateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("ddd yyyy-MM-dd")
        self.due.setAccessibleName("Loaner due back")
        self.pool_note = QLabel("")
        self.lend.toggled.connect(self._on_lend_toggled)
        form = QFormLayout()
        form.addRow(self.none)
        form.addRow(self.lend, self.loaners)
        form.addRow("Due back (by closing time)", self.due)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.pool_note)
        lay.addStretch(1)
        lay.addWidget(self.message)
        self._on_lend_toggled(False)
        self.available: list[LoanerView] = []

    def _on_lend_toggled(self, on: bool) -> None:
        self.loaners.setEnabled(on)
        self.due.setEnabled(on)

    def initializePage(self) -> None:
        # The desk's today; whether a loan may still fall due today is the intake's rule (check()).
        today = self.cc.counter.site.today(self.cc.clock())
        self.due.setMinimumDate(QDate(today.year, today.month, today.day))
        if not self.state.loan_due:
            d = today + dt.timedelta(days=self.cc.settings.get(LOAN_DAYS))
            self.due.setDate(QDate(d.year, d.month, d.day))
        self.cc.runner.read(self.cc.counter.loaners.available, self._on_pool,
                            lambda e: self.show_message(describe(e)), owner=self)

    def _on_pool(self, pool: list[LoanerView]) -> None:
        self.available = pool
        self.loaners.clear()
        for x in pool:
            self.loaners.addItem(f"{x.asset_tag} — {x.description}", x.asset_tag)
        self.pool_note.setText(f"{len(pool)} loaner(s) available." if pool else "The loaner pool is empty: "
                               "no laptop can be lent right now.")
        self.lend.setEnabled(bool(pool))
        if self.state.loaner:
            i = self.loaners.findData(self.state.loaner)
            if i >= 0:
                self.loaners.setCurrentIndex(i)
                self.lend.setChecked(True)

    def load_state(self) -> None:
        if self.state.loan_due:
            d = dt.date.fromisoformat(self.state.loan_due)
            self.due.setDate(QDate(d.year, d.month, d.day))
        (self.lend if self.state.loaner else self.none).setChecked(True)

    def store_state(self) -> None:
        lending = self.lend.isChecked() and self.loaners.currentIndex() >= 0
        self.state.loaner = self.loaners.currentData() if lending else ""
        self.state.loaner_label = self.loaners.currentText() if lending else ""
        self.state.loan_due = self.due.date().toString("yyyy-MM-dd") if lending else ""

    def check(self) -> tuple[str, QWidget | None] | None:
        if self.lend.isChecked() and not self.state.loaner:
            return "Choose which loaner laptop to lend, or pick No loaner.", self.loaners
        if self.state.loaner:
            try:  # the intake's rule: due back at the desk's closing time, still ahead
                self.cc.counter.intake.check_loan_due(dt.date.fromisoformat(self.state.loan_due))
            except InvalidInput as exc:
                return str(exc), self.due
        return None
