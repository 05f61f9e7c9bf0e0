"""Page 1 — Customer: scan the card or search as you type; create a person inline if not found."""
from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.common.records import PersonView
from desk.errors import DeskError
from desk.rules import labels
from ui.counter.context import CounterContext
from ui.counter.page_base import IntakePage
from ui.counter.state import IntakeState
from ui.errors import describe
from ui.wheel_guard import ComboBox

NO_DEPARTMENT = "— none —"


def person_card(p: PersonView, today: dt.date) -> str:
    active = [labels.acting_status(s.kind) for s in p.statuses if s.active_on(today)]
    ended = [f"{labels.acting_status(s.kind)} (ended {s.end_date})" for s in p.statuses if not s.active_on(today)]
    depts = [f"{a.department}{' — ' + a.title if a.title else ''}{' (primary)' if a.is_primary else ''}"
             for a in p.affiliations]
    html = [f"<b style='font-size:13pt'>{escape(p.display_name)}</b> &nbsp; ID {escape(p.university_id)}"]
    if p.email or p.phone:
        html.append(escape(" · ".join(x for x in (p.email, p.phone) if x)))
    html.append(f"Statuses: {escape(', '.join(active) or 'none current')}"
                + (f" <span style='color:#666'>· history: {escape(', '.join(ended))}</span>" if ended else ""))
    html.append(f"Departments: {escape('; '.join(depts) or 'none')}")
    if p.vip:
        html.append(f"<span style='color:#8a5a00'><b>VIP</b> — {escape(p.vip.office or 'VIP list')}. Policy "
                    f"v{p.vip.policy_version}: {escape(p.vip.policy_text)}</span>")
    return "<br>".join(html)


class CustomerPage(IntakePage):
    def __init__(self, cc: CounterContext, state: IntakeState) -> None:
        super().__init__(cc, state, "1 · Customer",
                         "Scan the university card, or type a name, e-mail or ID. Enter picks the first match.")
        self._request = 0
        self._restoring: str | None = None  # the draft's customer ID while it is looked up
        self.search = QLineEdit()
        self.search.setPlaceholderText("Scan card or search: name, e-mail, university ID")
        self.search.setAccessibleName("Customer search")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setAccessibleName("Matching people")
        self.results.setMaximumHeight(150)
        self.card = QLabel("No customer chosen yet.")
        self.card.setWordWrap(True)
        self.card.setTextFormat(Qt.TextFormat.RichText)
        self.card.setAccessibleName("Chosen customer")
        self.status = ComboBox()
        self.status.setAccessibleName("Acting as status")
        self.department = ComboBox()
        self.department.setAccessibleName("Acting for department")
        self.new_btn = QPushButton("&New person…")
        self.new_box = self._new_person_box()
        self.new_box.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(180)
        self._timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.results.itemActivated.connect(self._on_results_item_activated)
        self.results.currentItemChanged.connect(
            lambda cur, _prev: self._choose(cur.data(Qt.ItemDataRole.UserRole)) if cur is not None else None)
        self.new_btn.clicked.connect(self._on_new_clicked)
        form = QFormLayout()
        form.addRow("Acting as", self.status)
        form.addRow("Department", self.department)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_btn)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.results)
        lay.addWidget(self.new_box)
        lay.addWidget(self.card)
        lay.addLayout(form)
        lay.addStretch(1)
        lay.addWidget(self.message)
        self.setFocusProxy(self.search)

    def _new_person_box(self) -> QGroupBox:
        box = QGroupBox("New person (not in the directory yet)")
        self.new_uid = QLineEdit()
        self.new_given = QLineEdit()
        self.new_family = QLineEdit()
        self.new_email = QLineEdit()
        self.new_phone = QLineEdit()
        for w, name in ((self.new_uid, "University ID"), (self.new_given, "Given name"),
                        (self.new_family, "Family name"), (self.new_email, "E-mail"), (self.new_phone, "Phone")):
            w.setAccessibleName(name)
        self.create_btn = QPushButton("&Create person")
        self.create_btn.clicked.connect(self._on_create_clicked)
        f = QFormLayout(box)
        f.addRow("University ID", self.new_uid)
        f.addRow("Given name", self.new_given)
        f.addRow("Family name", self.new_family)
        f.addRow("E-mail", self.new_email)
        f.addRow("Phone", self.new_phone)
        f.addRow("", self.create_btn)
        return box

    # -- searching -------------------------------------------------------------------
    def _run_search(self) -> None:
        text = self.search.text().strip()
        self._request += 1
        ticket = self._request
        if not text:
            self.results.clear()
            return
        self.cc.runner.read(lambda: self.cc.people.search(text, limit=15),
                            lambda rows: self._on_results(ticket, rows), self._on_error, owner=self)

    def _on_results(self, ticket: int, rows: list[PersonView]) -> None:
        if ticket != self._request:
            return  # an older search answered late
        self.results.clear()
        for p in rows:
            item = QListWidgetItem(f"{p.display_name}  ·  {p.university_id}  ·  {p.email or ''}")
            item.setData(Qt.ItemDataRole.UserRole, p)
            self.results.addItem(item)
        if not rows:
            self.results.addItem(QListWidgetItem("No match — use New person… to add them."))

    def _on_search_return_pressed(self) -> None:
        """A card scanner types the ID and Enter: take the exact match at once."""
        text = self.search.text().strip()
        if not text:
            return
        self._timer.stop()

        def lookup() -> PersonView | list[PersonView]:
            try:
                return self.cc.people.get(text)
            except DeskError:
                return self.cc.people.search(text, limit=15)

        self._request += 1
        ticket = self._request

        def done(found: PersonView | list[PersonView]) -> None:
            if isinstance(found, PersonView):
                self._choose(found)
                self.wizard_().next() if self.isComplete() else None
            else:
                self._on_results(ticket, found)
                if len(found) >= 1:
                    self.results.setCurrentRow(0)
                    self.results.setFocus()

        self.cc.runner.read(lookup, done, self._on_error, owner=self)

    def _on_results_item_activated(self, item: QListWidgetItem) -> None:
        p = item.data(Qt.ItemDataRole.UserRole)
        if p is not None:
            self._choose(p)
            self.status.setFocus()

    def _on_error(self, exc: BaseException) -> None:
        self.show_message(describe(exc))

    # -- creating --------------------------------------------------------------------
    def _on_new_clicked(self) -> None:
        self.new_box.setVisible(not self.new_box.isVisible())
        text = self.search.text().strip()
        if self.new_box.isVisible():
            if text.isdigit():
                self.new_uid.setText(text)
            elif "@" in text:
                self.new_email.setText(text)
            elif text:
                given, _, family = text.partition(" ")
                self.new_given.setText(given)
                self.new_family.setText(family)
            self.new_uid.setFocus()

    def _on_create_clicked(self) -> None:
        uid, given, family = self.new_uid.text(), self.new_given.text(), self.new_family.text()
        email, phone = self.new_email.text() or None, self.new_phone.text() or None

        def created(p: PersonView) -> None:
            self.new_box.hide()
            self.search.setText(p.university_id)
            self._choose(p)

        self.cc.runner.write(lambda: self.cc.people.create(
            self.cc.actor, university_id=uid, given_name=given, family_name=family, email=email, phone=phone), created,
                             self._on_error, owner=self)

    # -- choosing ----------------------------------------------------------------------
    def _choose(self, p: PersonView | None) -> None:
        if p is None:
            return
        self._restoring = None  # a customer chosen by hand wins over a draft's late look-up
        self.state.person = p
        self.state.person_uid, self.state.person_label = p.university_id, p.display_name
        today = self.cc.clock().date()
        self.card.setText(person_card(p, today))
        self.status.clear()
        active = [s.kind for s in p.statuses if s.active_on(today)]
        for kind in active or ["guest"]:
            self.status.addItem(labels.acting_status(kind), kind)   # words shown, the value kept
        self.department.clear()
        self.department.addItems([a.department for a in p.affiliations] + [NO_DEPARTMENT])
        self.show_message("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.state.person_uid)

    def load_state(self) -> None:
        if self.state.person_uid and self.state.person is None:
            self._restore_person(self.state.person_uid)
            return
        if self.state.person is not None:
            self._choose(self.state.person)
        self._show_acting(self.state.acting_status, self.state.acting_department)

    def _show_acting(self, status: str, department: str) -> None:
        if status and (i := self.status.findData(status)) >= 0:
            self.status.setCurrentIndex(i)
        if department:
            self.department.setCurrentText(department)

    def _restore_person(self, uid: str) -> None:
        """A draft names its customer by ID: look them up off the GUI thread (the card says
        so meanwhile), then show their acting status and department as the draft had them."""
        if self._restoring == uid:
            return  # already on its way (the wizard loads every page, then walks to the draft's)
        self._restoring = uid
        acting = (self.state.acting_status, self.state.acting_department)
        label = self.state.person_label or uid
        self.card.setText(f"Looking up {escape(label)}…")

        def still_wanted() -> bool:
            # Someone else may have been chosen (or the draft dropped) while it was looked up.
            return self._restoring == uid and self.state.person_uid == uid and self.state.person is None

        def found(p: PersonView) -> None:
            if not still_wanted():
                return
            self._restoring = None
            self._choose(p)
            self._show_acting(*acting)
            self.store_state()

        def failed(exc: BaseException) -> None:
            if not still_wanted():
                return
            self._restoring = None
            self.state.person_uid = ""
            # On the card as well: the wizard clears a page's message line when it walks on.
            self.card.setText(f"{escape(label)} could not be looked up: {escape(describe(exc))}<br>"
                              "Scan the card or search again.")
            self.show_message(describe(exc))
            self.completeChanged.emit()

        self.cc.runner.read(lambda: self.cc.people.get(uid), found, failed, owner=self)

    def store_state(self) -> None:
        if self._restoring is not None:
            return  # the status and department lists fill when the customer arrives
        self.state.acting_status = self.status.currentData() or ""
        dept = self.department.currentText()
        self.state.acting_department = "" if dept == NO_DEPARTMENT else dept

    def check(self) -> tuple[str, QWidget | None] | None:
        if not self.state.person_uid:
            return "Choose the customer: scan their card or pick them from the search results.", self.search
        return None
