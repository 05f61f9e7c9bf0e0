"""Page 6 — Review and sign: everything on one page, the terms, the customer's signature, staff initials."""
from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from desk.counter.common import check_signature
from desk.counter.errors import DeviceConflict
from desk.counter.intake import IntakeResult, clean_initials
from desk.counter.terms import current_terms
from desk.errors import InvalidInput
from desk.rules import labels
from ui.counter import operations as ops
from ui.counter.context import CounterContext
from ui.counter.page_base import IntakePage
from ui.counter.signature_pad import SignaturePad
from ui.counter.state import IntakeState
from ui.errors import describe

YES_NO = {True: "Yes", False: "No", None: "—"}


def summary_html(s: IntakeState, today: dt.date) -> str:
    """What the customer signs for; ``today`` is the desk's date (a warranty that ended
    before it reads as expired)."""
    def row(label: str, value: str) -> str:
        return f"<tr><td style='color:#44506a;padding-right:10px'><b>{escape(label)}</b></td><td>{value}</td></tr>"

    e = escape
    rows = [
        row("Customer", f"{e(s.person_label)} ({e(s.person_uid)})"),
        row("Acting as", e(" / ".join(x for x in (s.acting_status and labels.acting_status(s.acting_status),
                                                   s.acting_department) if x) or "—")),
        row("Device", e(" ".join(x for x in (s.make, s.model) if x)) + f" · tag {e(s.asset_tag or '—')} · "
            f"S/N {e(s.serial or '—')} · {e(s.os or 'OS ?')}"
            + (f" · warranty until {e(s.warranty_until)}"
               + (" <b style='color:#b00020'>(expired)</b>" if dt.date.fromisoformat(s.warranty_until) < today
                  else "") if s.warranty_until else "")),
        row("Problem", e(s.symptoms).replace("\n", "<br>")),
        row("Category", e(s.category)),
        row("Condition", e(", ".join(s.condition) or "no visible damage")
            + (f"<br><i>{e(s.damage_notes)}</i>" if s.damage_notes else "")),
        row("Accessories", e(", ".join(s.accessories) or "none")),
        row("Backup", YES_NO[s.backup_wanted]), row("Wipe allowed", YES_NO[s.wipe_allowed]),
        row("Login needed", YES_NO[s.login_needed]),
        row("Loaner", e(f"{s.loaner_label}, due {s.loan_due}") if s.loaner else "none"),
    ]
    return "<table cellspacing='2'>" + "".join(rows) + "</table>"


class ReviewPage(IntakePage):
    def __init__(self, cc: CounterContext, state: IntakeState) -> None:
        super().__init__(cc, state, "6 · Review and sign",
                         "Read it back to the customer. They sign to accept the terms; you add your initials.")
        self.outcome: IntakeResult | None = None
        self.busy = False
        self.summary = QTextBrowser()
        self.summary.setAccessibleName("Intake summary")
        self.summary.setMinimumHeight(170)
        terms = current_terms()
        self.terms = QTextBrowser()
        self.terms.setAccessibleName("Terms of repair")
        self.terms.setPlainText(f"Terms of repair (version {terms.version})\n\n{terms.text}")
        self.terms.setMaximumHeight(90)
        self.accept_box = QCheckBox("The customer has read and accepts the &terms")
        self.pad = SignaturePad()
        self.clear_btn = QPushButton("C&lear signature")
        self.clear_btn.clicked.connect(self.pad.clear)
        self.initials = QLineEdit()
        self.initials.setMaxLength(8)
        self.initials.setMaximumWidth(80)
        self.initials.setAccessibleName("Staff initials")
        self.pad.changed.connect(self.completeChanged.emit)
        row = QHBoxLayout()
        row.addWidget(QLabel("Staff initials:"))
        row.addWidget(self.initials)
        row.addStretch(1)
        row.addWidget(self.clear_btn)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary, 1)
        lay.addWidget(self.terms)
        lay.addWidget(self.accept_box)
        lay.addWidget(QLabel("Customer signature:"))
        lay.addWidget(self.pad)
        lay.addLayout(row)
        lay.addWidget(self.message)
        self.setFocusProxy(self.accept_box)
        self.setCommitPage(False)
        self.setButtonText(self.wizard_button(), "&Finish and print")

    @staticmethod
    def wizard_button() -> QWizard.WizardButton:
        return QWizard.WizardButton.FinishButton

    def initializePage(self) -> None:
        self.summary.setHtml(summary_html(self.state, self.cc.counter.site.today(self.cc.clock())))
        if not self.initials.text():
            self.initials.setText(self.state.staff_initials or self.cc.initials)

    def load_state(self) -> None:
        self.accept_box.setChecked(self.state.terms_accepted)
        if self.state.signature:
            self.pad.set_strokes(self.state.signature)
        if self.state.staff_initials:
            self.initials.setText(self.state.staff_initials)

    def store_state(self) -> None:
        self.state.terms_accepted = self.accept_box.isChecked()
        self.state.signature = [list(s) for s in self.pad.strokes]
        self.state.staff_initials = self.initials.text().strip().upper()

    def check(self) -> tuple[str, QWidget | None] | None:
        if not self.accept_box.isChecked():
            return "Tick that the customer has read and accepts the terms.", self.accept_box
        # The intake's own rules, asked before the write so each shows beside its field.
        for check, widget in ((lambda: check_signature(self.pad.to_png()), self.pad),
                              (lambda: clean_initials(self.state.staff_initials), self.initials)):
            try:
                check()
            except InvalidInput as exc:
                return str(exc), widget
        return None

    def validatePage(self) -> bool:
        if self.outcome is not None:
            return True
        if self.busy or not super().validatePage():
            return False
        request = self.state.request(self.pad.to_png())
        self.busy = True
        self.setEnabled(False)
        self.show_message("")

        def done(result: IntakeResult) -> None:
            self.busy = False
            self.setEnabled(True)
            self.outcome = result
            self.wizard_().finish_with(result)

        def failed(exc: BaseException) -> None:
            self.busy = False
            self.setEnabled(True)
            if isinstance(exc, DeviceConflict):
                # Which device it is is decided on the Device page: everything typed stays as it is.
                self.wizard_().show_device_conflict(exc)
                return
            field = getattr(exc, "field", None) if isinstance(exc, InvalidInput) else None
            self.show_message(describe(exc) + (" Go Back to fix it." if field not in (None, "signature",
                                                                                        "staff_initials") else ""))

        ops.intake(self.cc, request).run(self, done=done, failed=failed)
        return self.outcome is not None


__all__ = ["Qt", "ReviewPage", "summary_html"]
