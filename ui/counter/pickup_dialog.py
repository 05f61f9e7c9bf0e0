"""Pickup: scan the slip's barcode, check ID, hand back accessories against the intake list,
take the loaner back, the customer signs; the ticket resolves and closes and a receipt prints."""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.counter.pickup import ID_KINDS
from desk.counter.views import PickupRequest, RepairView
from desk.rules import labels
from ui.counter import operations as ops
from ui.counter.context import CounterContext
from ui.counter.signature_pad import SignaturePad
from ui.errors import describe
from ui.screen_fit import Dialog
from ui.wheel_guard import ComboBox


class PickupDialog(Dialog):
    picked_up = Signal(object)  # RepairView

    def __init__(self, cc: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cc = cc
        self.repair: RepairView | None = None
        self.setWindowTitle("Pickup")
        self.setObjectName("PickupDialog")
        self.scan = QLineEdit()
        self.scan.setPlaceholderText("Scan the slip's barcode or type the ticket number, then Enter")
        self.scan.setAccessibleName("Ticket number")
        self.scan.returnPressed.connect(self.look_up)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.id_kind = ComboBox()
        self.id_kind.addItems(["— choose —", *ID_KINDS])
        self.id_kind.setAccessibleName("Identification checked")
        self.accessories_box = QGroupBox("Accessories handed back (from the intake list)")
        self.accessories_lay = QVBoxLayout(self.accessories_box)
        self.accessory_checks: list[QCheckBox] = []
        self.missing_note = QLineEdit()
        self.missing_note.setPlaceholderText("Only if something is not handed back: why")
        self.missing_note.setAccessibleName("Note on missing accessories")
        self.loaner = QCheckBox("Loaner laptop returned")
        self.work = QPlainTextEdit()
        self.work.setTabChangesFocus(True)
        self.work.setPlaceholderText("What was done (printed on the receipt)")
        self.work.setAccessibleName("Work done")
        self.work.setMaximumHeight(80)
        self.pad = SignaturePad()
        clear = QPushButton("C&lear signature")
        clear.clicked.connect(self.pad.clear)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a3180e; font-weight: bold;")
        self.complete_btn = QPushButton("&Complete pickup and print receipt")
        self.complete_btn.clicked.connect(self.complete)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow("Identification checked", self.id_kind)
        form.addRow("Work done", self.work)
        buttons = QHBoxLayout()
        buttons.addWidget(clear)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.complete_btn)
        lay = QVBoxLayout(self)
        lay.addWidget(self.scan)
        lay.addWidget(self.info)
        lay.addLayout(form)
        lay.addWidget(self.accessories_box)
        lay.addWidget(self.missing_note)
        lay.addWidget(self.loaner)
        lay.addWidget(QLabel("Customer signature:"))
        lay.addWidget(self.pad)
        lay.addWidget(self.message)
        lay.addLayout(buttons)
        lay.addStretch(1)   # on the Counter page the form has the page's height: keep it together
        self.resize(640, 720)
        self._set_loaded(False)

    def _set_loaded(self, on: bool) -> None:
        for w in (self.id_kind, self.accessories_box, self.missing_note, self.work, self.pad, self.complete_btn):
            w.setEnabled(on)
        self.loaner.setEnabled(on and bool(self.repair and self.repair.loan and not self.repair.loan.returned_at))

    def look_up(self) -> None:
        text = self.scan.text().strip()
        if not text:
            return
        self.cc.runner.read(lambda: self.cc.counter.pickup.find(text), self._on_found, self._on_error, owner=self)

    def _on_found(self, r: RepairView) -> None:
        self.repair = r
        self.message.setText("")
        d = r.device
        state = "<b style='color:#0a6b2a'>ready for pickup</b>" if r.ready_at else \
            f"<b style='color:#8a5a00'>not marked ready (status {escape(labels.status(r.status))})</b>"
        done = " — <b>already picked up</b>" if r.picked_up_at else ""
        self.info.setText(
            f"<b>{escape(r.number)}</b> · {state}{done}<br>Customer: <b>{escape(r.caller_name)}</b> "
            f"(ID {escape(r.caller_university_id)}) — check their photo ID<br>"
            f"Device: {escape(d.label)}<br>Problem: {escape(r.symptoms[:200])}")
        for box in self.accessory_checks:
            box.deleteLater()
        self.accessory_checks = []
        for a in r.accessories:
            box = QCheckBox(a.name)
            box.setChecked(False)
            self.accessories_lay.addWidget(box)
            self.accessory_checks.append(box)
        if not r.accessories:
            none = QCheckBox("(none were handed in)")
            none.setEnabled(False)
            self.accessories_lay.addWidget(none)
            self.accessory_checks.append(none)
        loan = r.loan
        self.loaner.setText(f"Loaner {loan.loaner_asset_tag} returned (due {r.local(loan.due_at):%Y-%m-%d})"
                            if loan and not loan.returned_at else "No loaner to return")
        self.loaner.setChecked(False)
        self.work.setPlainText(r.work_done or r.resolution_note or "")
        self._set_loaded(r.picked_up_at is None)
        self.id_kind.setFocus()

    def _on_error(self, exc: BaseException) -> None:
        if getattr(exc, "field", None) == "unworked_reason":
            # Never worked on: handed back only on purpose, with the reason on record.
            reason = self.cc.dialogs.ask_text(self, "Hand back unworked?", f"{describe(exc)}\n\nReason:",
                                              multiline=True)
            if reason and reason.strip():
                self.complete(unworked_reason=reason)
                return
        self.message.setText(describe(exc))
        # The service names the field it refused: the cursor goes there.
        fields = {"id_checked": self.id_kind, "signature": self.pad, "accessories": self.missing_note}
        widget = fields.get(getattr(exc, "field", None) or "")
        if widget is not None:
            widget.setFocus()

    def complete(self, *, unworked_reason: str = "") -> None:
        r = self.repair
        if r is None:
            return
        loan_open = bool(r.loan and not r.loan.returned_at)
        req = PickupRequest(
            # The first entry is the prompt, not an ID: nothing chosen, which the service refuses.
            number=r.number, id_checked=self.id_kind.currentText() if self.id_kind.currentIndex() > 0 else "",
            accessories_returned=tuple(b.text() for b in self.accessory_checks if b.isEnabled() and b.isChecked()),
            signature_png=self.pad.to_png(), work_done=self.work.toPlainText().strip(),
            loaner_returned=self.loaner.isChecked() if loan_open else True,
            missing_note=self.missing_note.text().strip(), unworked_reason=unworked_reason,
        )

        def done(view: RepairView) -> None:
            self.repair = view
            self.picked_up.emit(view)
            self.accept()

        ops.pickup(self.cc, req).run(self, done=done, failed=self._on_error)
