"""Set-up → E-mail: which events send mail, per service, and what each message says (its
subject and text, edited from the shipped template and checked before it is kept). The
twin of ``desk mail events | switch | template``.

The server, sender and passwords stay with ``desk mail setup``: the passwords go to the
keyring of the machine that sends, which is that machine's business, not every
workstation's; this section says how mail is set up and where to change it.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.mail.config import MailConfig
from desk.mail.events import PLACEHOLDERS, MailEvent
from desk.mail.service import EventSetting
from desk.mail.templates import Template
from ui import combos
from ui.context import DeskContext
from ui.errors import describe
from ui.wheel_guard import ComboBox


class MailSection(QWidget):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.mail = ctx.services.mail
        self.settings: list[EventSetting] = []
        self.chosen: MailEvent | None = None
        self.loaded: Template | None = None

        self.status = QLabel("Reading…")
        self.status.setObjectName("mail_status")
        self.status.setWordWrap(True)
        self.service = ComboBox(self)
        self.service.setObjectName("mail_service")
        self.service.setAccessibleName("Service")
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("mail_events")
        self.table.setHorizontalHeaderLabels(["Event", "Sends for this service", "Message"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.toggle = QPushButton("Switch &off for this service", self)
        self.toggle.setObjectName("mail_toggle")

        self.subject = QLineEdit(self)
        self.subject.setObjectName("mail_subject")
        self.body = QPlainTextEdit(self)
        self.body.setObjectName("mail_body")
        self.html = QPlainTextEdit(self)
        self.html.setObjectName("mail_html")
        self.html.setPlaceholderText("Optional: the same message as HTML (a plain-text reader gets the text above)")
        self.placeholders = QLabel("")
        self.placeholders.setWordWrap(True)
        self.placeholders.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save = QPushButton("&Save message", self)
        self.save.setObjectName("mail_save")
        self.reset = QPushButton("Back to the &shipped message", self)
        self.reset.setObjectName("mail_reset")
        self.message = QLabel("")
        self.message.setObjectName("mail_message")
        self.message.setWordWrap(True)

        left = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(QLabel("Service:"))
        row.addWidget(self.service, 1)
        left.addLayout(row)
        left.addWidget(self.table, 1)
        left.addWidget(self.toggle)
        editor = QGroupBox("Message", self)
        form = QFormLayout(editor)
        form.addRow("Subject:", self.subject)
        form.addRow("Text:", self.body)
        form.addRow("HTML:", self.html)
        form.addRow("", self.placeholders)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save)
        buttons.addWidget(self.reset)
        buttons.addStretch(1)
        form.addRow("", buttons)
        form.addRow("", self.message)
        top = QHBoxLayout()
        top.addLayout(left, 2)
        top.addWidget(editor, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(top, 1)

        self.service.currentIndexChanged.connect(lambda _i: self._read_events())
        self.table.itemSelectionChanged.connect(self._on_row)
        self.toggle.clicked.connect(self._toggle)
        self.save.clicked.connect(self._save)
        self.reset.clicked.connect(self._reset)
        for w in (self.toggle, self.save, self.reset):
            w.setEnabled(False)
        ctx.runner.read(lambda: (self.mail.config(), ctx.services.details.service_names()), self._on_start,
                        self._on_failed, owner=self)

    # -- reading ---------------------------------------------------------------------------
    def _on_failed(self, exc: BaseException) -> None:
        self.message.setText(describe(exc))

    def _on_start(self, result: tuple[MailConfig, tuple[str, ...]]) -> None:
        config, services = result
        if not config.configured:
            self.status.setText("Mail is not set up yet: nothing is sent until it is (desk mail setup --smtp … "
                                "--from …, on the machine that sends). The messages and switches below can be "
                                "prepared already.")
        else:
            state = "on" if config.enabled else "switched off (desk mail setup --enable turns it on)"
            self.status.setText(f"Mail is {state}: it goes as {config.from_name} <{config.from_address}> through "
                                f"{config.smtp_host}:{config.smtp_port}. Server and passwords: desk mail setup.")
        combos.fill(self.service, [(name, name) for name in services], services[0] if services else None)

    def _read_events(self) -> None:
        service = combos.value(self.service)
        if service is None:
            return
        self.ctx.runner.read(lambda: self.mail.events(service), self._on_events, self._on_failed, owner=self)

    def _on_events(self, settings: list[EventSetting]) -> None:
        keep = self.chosen
        self.settings = settings
        self.table.setRowCount(len(settings))
        for i, e in enumerate(settings):
            name = QTableWidgetItem(e.words)
            name.setData(Qt.ItemDataRole.UserRole, e.event.value)
            self.table.setItem(i, 0, name)
            self.table.setItem(i, 1, QTableWidgetItem("yes" if e.enabled else "no — switched off"))
            self.table.setItem(i, 2, QTableWidgetItem("edited here" if e.customised else "as shipped"))
        row = next((i for i, e in enumerate(settings) if e.event == keep), 0)
        if settings:
            self.table.selectRow(row)
        self._on_row()

    def _current(self) -> EventSetting | None:
        rows = {i.row() for i in self.table.selectedItems()}
        return self.settings[min(rows)] if rows and min(rows) < len(self.settings) else None

    def _on_row(self) -> None:
        current = self._current()
        self.toggle.setEnabled(current is not None)
        if current is None:
            return
        self.toggle.setText("Switch &off for this service" if current.enabled else "Switch &on for this service")
        if current.event != self.chosen:
            self.chosen = current.event
            self.placeholders.setText("Placeholders: " + ", ".join("{" + p + "}" for p in PLACEHOLDERS[current.event]))
            event = current.event
            self.ctx.runner.read(lambda: self.mail.template(event), self._on_template, self._on_failed, owner=self)

    def _on_template(self, t: Template) -> None:
        if t.event != self.chosen:
            return       # another event was chosen meanwhile
        self.loaded = t
        self.subject.setText(t.subject)
        self.body.setPlainText(t.body_text)
        self.html.setPlainText(t.body_html)
        self.save.setEnabled(True)
        self.reset.setEnabled(t.customised)

    # -- writing ---------------------------------------------------------------------------
    def _toggle(self) -> None:
        current, service = self._current(), combos.value(self.service)
        if current is None or service is None:
            return
        actor, on = self.ctx.actor, not current.enabled

        def done(_r: object) -> None:
            self.message.setText(f"{current.words}: {'on' if on else 'off'} for {service}.")
            self._read_events()

        self.ctx.runner.write(lambda: self.mail.switch(actor, service, current.event, on), done, self._on_failed,
                              owner=self)

    def _save(self) -> None:
        event = self.chosen
        if event is None:
            return
        subject, body, html = self.subject.text(), self.body.toPlainText(), self.html.toPlainText()
        actor = self.ctx.actor

        def done(t: Template) -> None:
            self.message.setText("Saved: every workstation sends this message from now on.")
            self._on_template(t)
            self._read_events()

        # A wrong placeholder or an empty subject comes back as the message; the text stays.
        self.ctx.runner.write(lambda: self.mail.set_template(actor, event, subject=subject, body_text=body,
                                                             body_html=html), done, self._on_failed, owner=self)

    def _reset(self) -> None:
        event = self.chosen
        if event is None or not self.ctx.dialogs.confirm(
                self, "E-mail", "Throw away this desk's version of the message and send the shipped one again?"):
            return
        actor = self.ctx.actor

        def done(t: Template) -> None:
            self.message.setText("Back to the shipped message.")
            self._on_template(t)
            self._read_events()

        self.ctx.runner.write(lambda: self.mail.reset_template(actor, event), done, self._on_failed, owner=self)


def make(ctx: DeskContext, parent: QWidget) -> QWidget:
    return MailSection(ctx, parent)
