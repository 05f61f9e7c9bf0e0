"""Set-up → VIP policy: edit and publish the policy (each version kept and listed), see,
export and print the VIP list, grant and revoke VIP status with a reason.

The rules are desk.people.service's (who may, what levels, what a reason is); this page
asks it through the runner and shows its answers. A refused publish or grant keeps
everything typed, with the service's message under the field it names."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.common.records import PersonView
from desk.people.service import POLICY_LEVELS, VipEntry, VipPolicyView
from desk.printing.vip_sheet import levels_words
from ui.context import DeskContext
from ui.errors import describe
from ui.field_errors import FieldErrors
from ui.screen_fit import in_documents
from ui.wheel_guard import ComboBox

LEVEL_WORDS = {n: levels_words(n).capitalize() for n in POLICY_LEVELS}


def make(ctx: DeskContext, parent: QWidget) -> QWidget:
    return VipSection(ctx, parent)


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setStretchLastSection(True)
    t.setWordWrap(False)
    return t


class VipSection(QWidget):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.people = ctx.services.people
        self.policies: list[VipPolicyView] = []
        self.entries: list[VipEntry] = []
        self.found: list[PersonView] = []
        self._search_ticket = 0

        # -- the policy ----------------------------------------------------------------
        self.in_force = QLabel("Loading…")
        self.in_force.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Policy text")
        self.text.setPlaceholderText("The policy as staff and users will read it.")
        self.levels = ComboBox()
        self.levels.setAccessibleName("Urgency levels raised")
        for n in POLICY_LEVELS:
            self.levels.addItem(LEVEL_WORDS[n], n)
        self.publish_btn = QPushButton("&Publish as a new version")
        self.publish_btn.clicked.connect(self.publish)
        self.policy_message = QLabel()
        self.policy_message.setWordWrap(True)
        policy_form = QFormLayout()
        self.policy_errors = FieldErrors(policy_form, self.policy_message)
        self.policy_errors.add_row("policy text", "Policy text", self.text)
        self.policy_errors.add_row("urgency_levels_raised", "For a VIP caller", self.levels)
        self.history = _table(["Version", "Published", "By", "For a VIP caller"])
        self.history.setAccessibleName("Policy versions")
        self.history.setMaximumHeight(150)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.copy_btn = QPushButton("Copy the chosen version into the editor")
        self.copy_btn.clicked.connect(self._on_copy_clicked)
        policy_box = QGroupBox("VIP policy")
        pl = QVBoxLayout(policy_box)
        pl.addWidget(self.in_force)
        pl.addLayout(policy_form)
        row = QHBoxLayout()
        row.addWidget(self.policy_message, 1)
        row.addWidget(self.publish_btn)
        pl.addLayout(row)
        pl.addWidget(QLabel("Every published version (tickets name the version that raised them):"))
        pl.addWidget(self.history)
        pl.addWidget(self.copy_btn, 0, Qt.AlignmentFlag.AlignRight)

        # -- the list ------------------------------------------------------------------
        self.list = _table(["Name", "University ID", "Office", "VIP since", "Granted by", "Reason"])
        self.list.setAccessibleName("VIP list")
        self.list.setWordWrap(True)
        self.count = QLabel("")
        self.export_btn = QPushButton("Export CSV…")
        self.export_btn.clicked.connect(self.export_csv)
        self.print_btn = QPushButton("Print policy and list (PDF)…")
        self.print_btn.clicked.connect(self.print_sheet)
        self.revoke_btn = QPushButton("&Remove VIP status…")
        self.revoke_btn.setEnabled(False)
        self.revoke_btn.clicked.connect(self.revoke_selected)
        self.list.itemSelectionChanged.connect(
            lambda: self.revoke_btn.setEnabled(bool(self.list.selectedItems())))
        self.list_message = QLabel()
        self.list_message.setWordWrap(True)
        list_box = QGroupBox("Who holds VIP status")
        ll = QVBoxLayout(list_box)
        ll.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count, 1)
        for b in (self.export_btn, self.print_btn, self.revoke_btn):
            buttons.addWidget(b)
        ll.addLayout(buttons)
        ll.addWidget(self.list_message)

        # -- granting ------------------------------------------------------------------
        self.search = QLineEdit()
        self.search.setAccessibleName("Person search")
        self.search.setPlaceholderText("Search: name, e-mail or university ID")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setAccessibleName("People found")
        self.results.setMaximumHeight(110)
        self.office = QLineEdit()
        self.office.setPlaceholderText("e.g. Office of the Provost")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. Provost (published VIP list 2026)")
        self.grant_btn = QPushButton("&Grant VIP status")
        self.grant_btn.clicked.connect(self.grant)
        self.grant_message = QLabel()
        self.grant_message.setWordWrap(True)
        grant_form = QFormLayout()
        self.grant_errors = FieldErrors(grant_form, self.grant_message)
        self.grant_errors.add_row("person", "Person", self.search)
        grant_form.addRow("", self.results)
        self.grant_errors.add_row("office", "Office", self.office)
        self.grant_errors.add_row("reason", "Reason", self.reason)
        grant_box = QGroupBox("Grant VIP status")
        gl = QVBoxLayout(grant_box)
        gl.addLayout(grant_form)
        grow = QHBoxLayout()
        grow.addWidget(self.grant_message, 1)
        grow.addWidget(self.grant_btn)
        gl.addLayout(grow)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._run_search)
        self.search.textEdited.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._run_search)   # a scanned card ends with Enter

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(list_box, 1)
        rl.addWidget(grant_box)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(policy_box)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([460, 940])   # the list's six columns need the width; the policy text wraps
        lay = QVBoxLayout(self)
        lay.addWidget(split)
        self.reload()

    # -- reading -----------------------------------------------------------------------
    def reload(self, policy_message: str = "", list_message: str = "") -> None:
        people = self.people
        self.ctx.runner.read(lambda: (people.vip_policies(), people.vip_entries()),
                             lambda got: self._on_loaded(got, policy_message, list_message),
                             lambda exc: self.in_force.setText(describe(exc)), owner=self)

    def _on_loaded(self, got: tuple[list[VipPolicyView], list[VipEntry]], policy_message: str,
                   list_message: str) -> None:
        self.policies, self.entries = got
        site = self.ctx.site
        if self.policies:
            p = self.policies[0]
            by = f" by {p.published_by}" if p.published_by else ""
            self.in_force.setText(f"In force: version {p.version}, published "
                                  f"{site.local(p.published_at):%Y-%m-%d %H:%M %Z}{by}. "
                                  f"For a VIP caller it {levels_words(p.urgency_levels_raised)}; "
                                  "impact is never changed.")
            if not self.text.toPlainText().strip():   # never over what a supervisor is typing
                self.text.setPlainText(p.text)
                self.levels.setCurrentIndex(self.levels.findData(p.urgency_levels_raised))
        else:
            self.in_force.setText("No VIP policy has been published: VIP status changes no ticket yet.")
        self.history.setRowCount(len(self.policies))
        for r, p in enumerate(self.policies):
            for c, value in enumerate((f"v{p.version}", f"{site.local(p.published_at):%Y-%m-%d %H:%M}",
                                       p.published_by or "—", LEVEL_WORDS.get(p.urgency_levels_raised, ""))):
                item = QTableWidgetItem(value)
                item.setToolTip(p.text[:600])   # the version's words; Copy… brings the whole text back
                self.history.setItem(r, c, item)
        self.history.resizeColumnsToContents()
        self.history.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.list.setRowCount(len(self.entries))
        for r, e in enumerate(self.entries):
            for c, value in enumerate((e.name, e.university_id, e.office or "—",
                                       f"{site.local(e.since):%Y-%m-%d}", e.granted_by or "—", e.reason)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.list.setItem(r, c, item)
        self.list.resizeColumnsToContents()
        # The reason wraps in its column rather than be cut off: it is what the list is for.
        self.list.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.list.resizeRowsToContents()
        self.count.setText("Nobody holds VIP status." if not self.entries else
                           f"{len(self.entries)} {'person holds' if len(self.entries) == 1 else 'people hold'} "
                           "VIP status.")
        self.policy_message.setText(policy_message)
        self.list_message.setText(list_message)

    def _on_copy_clicked(self) -> None:
        row = self.history.currentRow()
        if 0 <= row < len(self.policies):
            p = self.policies[row]
            self.text.setPlainText(p.text)
            self.levels.setCurrentIndex(self.levels.findData(p.urgency_levels_raised))

    # -- the policy --------------------------------------------------------------------
    def publish(self) -> None:
        text, levels = self.text.toPlainText(), int(self.levels.currentData())
        actor, people = self.ctx.actor, self.people
        self.policy_errors.clear()
        self.publish_btn.setEnabled(False)

        def done(version: int) -> None:
            self.publish_btn.setEnabled(True)
            self.reload(policy_message=f"Published version {version}. Tickets it raises from now on name it.")

        def failed(exc: BaseException) -> None:
            self.publish_btn.setEnabled(True)
            self.policy_errors.show(exc)   # the text stays as typed

        self.ctx.runner.write(lambda: people.publish_vip_policy(actor, text, levels), done, failed, owner=self)

    # -- the list ----------------------------------------------------------------------
    def _run_search(self) -> None:
        self._timer.stop()
        text = self.search.text().strip()
        self._search_ticket += 1
        ticket = self._search_ticket
        if len(text) < 2:
            self.results.clear()
            return
        self.ctx.runner.read(lambda: self.people.search(text, limit=12),
                             lambda rows: self._on_results(ticket, rows),
                             lambda exc: self.grant_message.setText(describe(exc)), owner=self)

    def _on_results(self, ticket: int, rows: list[PersonView]) -> None:
        if ticket != self._search_ticket:
            return   # an older search answered late
        self.found = rows
        self.results.clear()
        for p in rows:
            vip = "  — VIP already" if p.vip else ""
            item = QListWidgetItem(f"{p.display_name} ({p.university_id}){' · ' + p.email if p.email else ''}{vip}")
            item.setData(Qt.ItemDataRole.UserRole, p.university_id)
            self.results.addItem(item)
        if rows:
            self.results.setCurrentRow(0)

    def chosen_person(self) -> str | None:
        item = self.results.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def grant(self) -> None:
        self.grant_errors.clear()
        uid = self.chosen_person()
        if uid is None:
            self.grant_errors.labels["person"].setText("Search for the person and choose them in the list.")
            self.grant_errors.labels["person"].setVisible(True)
            self.search.setFocus()
            return
        office, reason = self.office.text().strip() or None, self.reason.text()
        actor, people = self.ctx.actor, self.people
        self.grant_btn.setEnabled(False)

        def done(p: PersonView) -> None:
            self.grant_btn.setEnabled(True)
            for w in (self.search, self.office, self.reason):
                w.clear()
            self.results.clear()
            self._tickets_changed()
            self.reload(list_message=f"{p.display_name} now holds VIP status; their open tickets were re-derived.")

        def failed(exc: BaseException) -> None:
            self.grant_btn.setEnabled(True)
            self.grant_errors.show(exc)   # person, office and reason stay as typed

        self.ctx.runner.write(lambda: people.grant_vip(actor, uid, reason=reason, office=office), done, failed,
                              owner=self)

    def revoke_selected(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.entries):
            return
        e = self.entries[row]
        reason = self.ctx.dialogs.ask_text(self, "Remove VIP status",
                                           f"Why does {e.name} no longer hold VIP status? (recorded)")
        if reason is None:
            return
        actor, people = self.ctx.actor, self.people

        def done(p: PersonView) -> None:
            self._tickets_changed()
            self.reload(list_message=f"{p.display_name} no longer holds VIP status; their open tickets "
                                     "were re-derived.")

        self.ctx.runner.write(lambda: people.revoke_vip(actor, e.university_id, reason=reason), done,
                              lambda exc: self.list_message.setText(describe(exc)), owner=self)

    def _tickets_changed(self) -> None:
        # The person's open tickets were re-derived (priority, the policy they name):
        # views showing tickets re-read.
        self.ctx.changes.record_written(None, None)

    # -- outputs (file choice goes through this seam; tests replace it) ----------------
    def ask_save_path(self, title: str, suggested: str, filters: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, title, in_documents(suggested), filters)
        return Path(path) if path else None

    def export_csv(self) -> None:
        dest = self.ask_save_path("Export the VIP list", "vip-list.csv", "CSV (*.csv)")
        if dest is None:
            return
        people, site = self.people, self.ctx.site

        def write() -> Path:
            from desk.people.vip_export import vip_csv

            dest.write_text(vip_csv(people.vip_entries(), site), encoding="utf-8-sig")  # Excel reads the BOM
            return dest

        self.ctx.runner.read(write, lambda p: self.list_message.setText(f"Exported the VIP list to {p}."),
                             lambda exc: self.list_message.setText(describe(exc)), owner=self)

    def print_sheet(self) -> None:
        dest = self.ask_save_path("Save the VIP policy and list", "vip-policy.pdf", "PDF (*.pdf)")
        if dest is None:
            return
        people, zone = self.people, self.ctx.site.zone

        def write() -> Path:
            from desk.printing.vip_sheet import build_vip_sheet

            build_vip_sheet(people.vip_policy(), people.vip_entries(), dest, zone=zone)
            return dest

        self.ctx.runner.read(write, lambda p: self.list_message.setText(f"Saved the policy and list to {p}."),
                             lambda exc: self.list_message.setText(describe(exc)), owner=self)
