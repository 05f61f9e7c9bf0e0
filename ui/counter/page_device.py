"""Page 2 — Device: scan the asset tag or serial; a known device fills in and shows its repairs."""
from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desk.counter.views import DeviceView
from ui.counter.context import CounterContext
from ui.counter.page_base import IntakePage
from ui.counter.state import IntakeState
from ui.errors import describe

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
        self.os = QComboBox()
        self.os.setEditable(True)
        self.os.addItems(OS_CHOICES)
        self.os.setCurrentText("")
        self.has_warranty = QCheckBox("Under warranty until")
        self.warranty = QDateEdit()
        self.warranty.setCalendarPopup(True)
        self.warranty.setDisplayFormat("yyyy-MM-dd")
        self.warranty.setDate(QDate.currentDate().addYears(1))
        self.warranty.setEnabled(False)
        self.has_warranty.toggled.connect(self.warranty.setEnabled)
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
        row.addStretch(1)
        form.addRow("Warranty", row)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.history)
        lay.addStretch(1)
        lay.addWidget(self.message)
        self.setFocusProxy(self.asset_tag)
        self._looked_up: tuple[str, str] = ("", "")
        self.pending = False  # a scan's look-up is running: Enter must not validate half-filled fields

    def lookup(self) -> None:
        key = (self.asset_tag.text().strip(), self.serial.text().strip())
        if key == self._looked_up or not any(key):
            return
        self._looked_up = key
        self.pending = True

        def failed(exc: BaseException) -> None:
            self.pending = False
            self.show_message(describe(exc))

        self.cc.runner.read(lambda: self.cc.counter.intake.find_device(*key), self._on_found, failed, owner=self)

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
        lines += [f"• {escape(r.number)} ({escape(r.status)}, {r.intake_at:%Y-%m-%d}): {escape(r.title)}"
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
        if not s.asset_tag and not s.serial:
            return "Scan or type the asset tag or the serial number.", self.asset_tag
        if not s.make:
            return "Type the make (e.g. Dell, Apple, Lenovo).", self.make
        if not s.model:
            return "Type the model (e.g. Latitude 7440, MacBook Air M2).", self.model
        return None
