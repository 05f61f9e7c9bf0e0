"""Page 2 — Device: scan the asset tag or serial; a known device fills in and shows its repairs.

When the tag and serial do not name one device (a serial shared by two customers'
laptops, a tag and a serial of different devices), the page says so in words and
offers the choice: one of the devices on record, or a new device. Nothing typed is
changed by it, and the intake will not go on until staff have chosen."""
from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.counter.errors import DeviceConflict
from desk.counter.intake import clean_device
from desk.counter.views import DeviceInfo, DeviceView
from desk.errors import InvalidInput
from desk.rules import labels
from ui.counter.context import CounterContext
from ui.counter.page_base import IntakePage
from ui.counter.state import IntakeState
from ui.errors import describe
from ui.wheel_guard import ComboBox, DateEdit

OS_CHOICES = ("Windows 11", "Windows 10", "macOS", "Ubuntu", "ChromeOS", "Other Linux")


class DevicePage(IntakePage):
    def __init__(self, cc: CounterContext, state: IntakeState) -> None:
        super().__init__(cc, state, "2 · Device",
                         "Scan the asset tag or the serial number (Enter looks it up); check make, model and OS.")
        self.known: DeviceView | None = None
        self.asset_tag = QLineEdit()
        self.serial = QLineEdit()
        self.make = QLineEdit()
        self.model = QLineEdit()
        self.os = ComboBox()
        self.os.setEditable(True)
        self.os.addItems(OS_CHOICES)
        self.os.setCurrentText("")
        # A warranty on record, with its end date; whether it still runs is said beside it
        # (a warranty that ended in August must not read "under warranty" today).
        self.has_warranty = QCheckBox("Warranty until")
        self.warranty = DateEdit()
        self.warranty.setCalendarPopup(True)
        self.warranty.setDisplayFormat("yyyy-MM-dd")
        self.warranty.setDate(QDate.currentDate().addYears(1))
        self.warranty.setEnabled(False)
        self.has_warranty.toggled.connect(self.warranty.setEnabled)
        self.warranty_state = QLabel("")
        self.warranty_state.setAccessibleName("Warranty state")
        self.has_warranty.toggled.connect(self._show_warranty_state)
        self.warranty.dateChanged.connect(self._show_warranty_state)
        self.history = QLabel("")
        self.history.setWordWrap(True)
        self.history.setTextFormat(Qt.TextFormat.RichText)
        self.history.setAccessibleName("Earlier repairs of this device")
        for w, name in ((self.asset_tag, "Asset tag"), (self.serial, "Serial number"), (self.make, "Make"),
                        (self.model, "Model"), (self.os, "Operating system"), (self.warranty, "Warranty until")):
            w.setAccessibleName(name)
        self.asset_tag.setPlaceholderText("e.g. NU-104233 (university devices)")
        self.serial.setPlaceholderText("from the label underneath")
        self.asset_tag.returnPressed.connect(self.lookup)
        self.serial.returnPressed.connect(self.lookup)
        self.asset_tag.editingFinished.connect(self.lookup)
        self.serial.editingFinished.connect(self.lookup)
        form = QFormLayout()
        form.addRow("Asset tag", self.asset_tag)
        form.addRow("Serial number", self.serial)
        form.addRow("Make", self.make)
        form.addRow("Model", self.model)
        form.addRow("Operating system", self.os)
        row = QHBoxLayout()
        row.addWidget(self.has_warranty)
        row.addWidget(self.warranty)
        row.addWidget(self.warranty_state)
        row.addStretch(1)
        form.addRow("Warranty", row)
        # Which device is this? Shown when the tag and serial do not name one (DeviceConflict).
        self.conflict: DeviceConflict | None = None
        self.choices = QWidget()
        self.choices.setAccessibleName("Which device is this?")
        self.choice_buttons: list[QPushButton] = []
        QVBoxLayout(self.choices).setContentsMargins(0, 0, 0, 0)
        self.choices.hide()
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.history)
        lay.addStretch(1)
        lay.addWidget(self.message)
        lay.addWidget(self.choices)
        self.setFocusProxy(self.asset_tag)
        self._looked_up: tuple[str, str, str] = ("", "", "")
        self.pending = False  # a scan's look-up is running: Enter must not validate half-filled fields
        self.asset_tag.textEdited.connect(self._on_identity_edited)
        self.serial.textEdited.connect(self._on_identity_edited)


    def _show_warranty_state(self, *_: object) -> None:
        if not self.has_warranty.isChecked():
            self.warranty_state.setText("")
            return
        today = self.cc.counter.site.today(self.cc.clock())
        ends = self.warranty.date().toPython()
        if isinstance(ends, dt.date) and ends < today:
            self.warranty_state.setText(f"expired {ends:%d %b %Y}: not under warranty")
            self.warranty_state.setStyleSheet("color:#b00020; font-weight:bold;")
        else:
            self.warranty_state.setText("under warranty")
            self.warranty_state.setStyleSheet("color:#0a6b2a;")
    def initializePage(self) -> None:
        if self._looked_up[0] and self._looked_up[0] != self.state.person_uid:  # another customer: ask again
            self._forget_choice()

    def lookup(self) -> None:
        tag, serial = self.asset_tag.text().strip(), self.serial.text().strip()
        key = (self.state.person_uid, tag, serial)
        if key == self._looked_up or not (tag or serial):
            return
        self._looked_up = key
        self.pending = True
        info = DeviceInfo(asset_tag=tag or None, serial=serial or None)
        uid, chosen, new = self.state.person_uid, self.state.device_id, self.state.new_device

        def failed(exc: BaseException) -> None:
            self.pending = False
            if isinstance(exc, DeviceConflict):
                self.show_conflict(exc)
            else:
                self.show_message(describe(exc))

        self.cc.runner.read(lambda: self.cc.counter.intake.identify(uid, info, device_id=chosen, new_device=new),
                            self._on_found, failed, owner=self)

    # -- a tag and serial that name no single device ----------------------------------
    def show_conflict(self, exc: DeviceConflict) -> None:
        """Say what does not fit and offer the choice; also used when the intake itself refuses."""
        self._forget_choice(keep_lookup=True)
        self.conflict = exc
        self.known = None
        self.history.setText("")
        layout = self.choices.layout()
        assert layout is not None
        for b in self.choice_buttons:
            layout.removeWidget(b)
            b.deleteLater()
        self.choice_buttons = []
        for d in exc.candidates:
            owner = f" — {d.owner_name}" if d.owner_name else ""
            b = QPushButton(f"It is this device: {d.label}{owner}")
            b.clicked.connect(lambda _=False, d=d: self._on_choice_clicked(d))
            self.choice_buttons.append(b)
        if exc.can_register_new:
            b = QPushButton("It is another laptop: register a new device")
            b.clicked.connect(lambda _=False: self._on_choice_clicked(None))
            self.choice_buttons.append(b)
        for b in self.choice_buttons:
            layout.addWidget(b)
        self.choices.show()
        self.show_message(self._conflict_text(exc), self.choice_buttons[0] if self.choice_buttons else self.asset_tag)

    @staticmethod
    def _conflict_text(exc: DeviceConflict) -> str:
        # The devices on record are on the buttons below, so the words say what does not fit.
        rest = "or register a new one" if exc.can_register_new else "or correct the asset tag"
        return f"{exc.problem} Which device is this? Choose it below, {rest}."

    def _on_choice_clicked(self, d: DeviceView | None) -> None:
        self.conflict = None
        self.choices.hide()
        self.show_message("")
        if d is None:
            self.state.device_id, self.state.new_device = None, True
            self.known = None
            self.history.setText("<i>A new device, registered apart from the device(s) on record with this "
                                 "serial.</i>")
            return
        self.state.device_id, self.state.new_device = d.id, False
        self._on_found(d)

    def _on_identity_edited(self, _text: str) -> None:
        self._forget_choice()

    def _forget_choice(self, *, keep_lookup: bool = False) -> None:
        self.state.device_id, self.state.new_device = None, False
        if self.conflict is not None:
            self.conflict = None
            self.choices.hide()
            self.show_message("")
        if not keep_lookup:
            self._looked_up = ("", "", "")

    def _on_found(self, d: DeviceView | None) -> None:
        self.pending = False
        self.known = d
        if d is None:
            self.history.setText("<i>New device: no earlier repairs on record.</i>")
            self.make.setFocus() if not self.make.text() else None
            return
        for w, value in ((self.asset_tag, d.asset_tag), (self.serial, d.serial), (self.make, d.make),
                         (self.model, d.model)):
            if value and not w.text().strip():
                w.setText(value)
        if d.os and not self.os.currentText().strip():
            self.os.setCurrentText(d.os)
        if d.warranty_until:
            self.has_warranty.setChecked(True)
            self.warranty.setDate(QDate(d.warranty_until.year, d.warranty_until.month, d.warranty_until.day))
        lines = [f"<b>Known device</b> — owner {escape(d.owner_name or 'unknown')}. Earlier repairs:"]
        if d.owner_university_id and self.state.person_uid and d.owner_university_id != self.state.person_uid:
            # Someone else's laptop (a department's, a friend's): fine, but on purpose.
            lines.insert(0, f"<b style='color:#b00020'>⚠ This device is on record as "
                            f"{escape(d.owner_name or d.owner_university_id)}'s, not "
                            f"{escape(self.state.person_label or self.state.person_uid)}'s.</b> "
                            "Check it is theirs to hand in.")
        site = self.cc.counter.site
        lines += [f"• {escape(r.number)} ({escape(labels.status(r.status))}, {site.local(r.intake_at):%Y-%m-%d}): "
                  f"{escape(r.title)}"
                  for r in d.repairs[:8]] or ["• none"]
        self.history.setText("<br>".join(lines))

    def load_state(self) -> None:
        s = self.state
        self.asset_tag.setText(s.asset_tag)
        self.serial.setText(s.serial)
        self.make.setText(s.make)
        self.model.setText(s.model)
        self.os.setCurrentText(s.os)
        self.has_warranty.setChecked(bool(s.warranty_until))
        if s.warranty_until:
            d = dt.date.fromisoformat(s.warranty_until)
            self.warranty.setDate(QDate(d.year, d.month, d.day))

    def store_state(self) -> None:
        s = self.state
        s.asset_tag, s.serial = self.asset_tag.text().strip(), self.serial.text().strip()
        s.make, s.model, s.os = self.make.text().strip(), self.model.text().strip(), self.os.currentText().strip()
        s.warranty_until = self.warranty.date().toString("yyyy-MM-dd") if self.has_warranty.isChecked() else ""

    def validatePage(self) -> bool:
        self.lookup()
        if self.pending:
            return False  # the scanner's Enter arrived before the look-up answered; wait for it
        return super().validatePage()

    def check(self) -> tuple[str, QWidget | None] | None:
        s = self.state
        try:
            clean_device(s.device())  # the intake's own rule: a tag or a serial, of sane length
        except InvalidInput as exc:
            return str(exc), self.serial if exc.field == "serial number" else self.asset_tag
        if self.conflict is not None:
            focus = self.choice_buttons[0] if self.choice_buttons else self.asset_tag
            return self._conflict_text(self.conflict), focus
        if not s.make:
            return "Type the make (e.g. Dell, Apple, Lenovo).", self.make
        if not s.model:
            return "Type the model (e.g. Latitude 7440, MacBook Air M2).", self.model
        return None
