"""Set-up → Staff and roles (admins): accounts, their roles and teams, deactivation.

An account is never deleted: deactivating it stops it signing in and being assigned while
everything it did stays on record under its name (desk.people.staff). On PostgreSQL the
server follows a role change with the login's group membership and a deactivation with
NOLOGIN; this page only asks the staff service and shows its answers."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.errors import ConflictError, InvalidInput
from desk.people.staff import StaffView, TeamView
from desk.rules import choices, labels
from ui.context import DeskContext
from ui.errors import describe
from ui.field_errors import FieldErrors


def make(ctx: DeskContext, parent: QWidget) -> QWidget:
    return StaffSection(ctx, parent)


@dataclass(frozen=True)
class AccountForm:
    """What the form holds when Save is pressed (kept, so a refusal loses nothing)."""

    username: str
    display_name: str
    email: str
    os_user: str
    db_login: str
    roles: frozenset[str]
    teams: frozenset[str]


class StaffSection(QWidget):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.staff = ctx.services.staff
        self.accounts: list[StaffView] = []
        self.teams: list[TeamView] = []
        self.current: StaffView | None = None

        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Username", "Name", "Status", "Roles", "Teams"])
        self.table.setAccessibleName("Staff accounts")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(self._on_table_current_cell_changed)
        self.new_btn = QPushButton("&New account")
        self.new_btn.clicked.connect(self.new_account)
        self.new_team_btn = QPushButton("New &team…")
        self.new_team_btn.clicked.connect(self.new_team)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.table, 1)
        lb = QHBoxLayout()
        lb.addWidget(self.new_btn)
        lb.addWidget(self.new_team_btn)
        lb.addStretch(1)
        ll.addLayout(lb)

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.email = QLineEdit()
        self.os_user = QLineEdit()
        self.os_user.setPlaceholderText("operating-system account (SQLite)")
        self.os_user.setToolTip("The operating-system account this person signs in with on a local SQLite desk")
        self.db_login = QLineEdit()
        self.db_login.setPlaceholderText("PostgreSQL login")
        self.db_login.setToolTip("The PostgreSQL login this account signs in with; the DBA creates it first")
        self.role_boxes = {r: QCheckBox(labels.role(r)) for r in choices.ROLES}
        roles_row = QWidget()
        rl = QGridLayout(roles_row)   # two by two: the form stays narrow beside the table
        rl.setContentsMargins(0, 0, 0, 0)
        for i, box in enumerate(self.role_boxes.values()):
            rl.addWidget(box, i // 2, i % 2)
        self.team_list = QListWidget()
        self.team_list.setAccessibleName("Teams")
        self.team_list.setMaximumHeight(170)
        self.message = QLabel()
        self.message.setWordWrap(True)
        form = QFormLayout()
        self.errors = FieldErrors(form, self.message)
        self.errors.add_row("username", "Username", self.username)
        self.errors.add_row("name", "Name", self.display_name)
        self.errors.add_row("email", "E-mail", self.email)
        self.errors.add_row("os_user", "OS user", self.os_user)
        self.errors.add_row("db_login", "Database login", self.db_login)
        self.errors.add_row("role", "Roles", roles_row)
        self.errors.add_row("team", "Teams", self.team_list)
        self.save_btn = QPushButton("&Save")
        self.save_btn.clicked.connect(self.save)
        self.active_btn = QPushButton("&Deactivate…")
        self.active_btn.clicked.connect(self.toggle_active)
        self.state = QLabel()
        self.state.setWordWrap(True)
        account_box = QGroupBox("Account")
        bl = QVBoxLayout(account_box)
        bl.addWidget(self.heading)
        bl.addLayout(form)
        bl.addWidget(self.state)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.active_btn)
        buttons.addWidget(self.save_btn)
        bl.addLayout(buttons)
        bl.addStretch(1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(account_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([760, 440])   # the table's five columns need the width; the form fits in less
        lay = QVBoxLayout(self)
        lay.addWidget(split)
        self._set_enabled(False)
        self.reload()

    # -- reading -----------------------------------------------------------------------
    def reload(self, select: str | None = None, message: str = "") -> None:
        staff = self.staff
        self.ctx.runner.read(lambda: (staff.accounts(), staff.teams()),
                             lambda got: self._fill(got, select, message),
                             lambda exc: self.message.setText(describe(exc)), owner=self)

    def _fill(self, got: tuple[list[StaffView], list[TeamView]], select: str | None, message: str) -> None:
        self.accounts, self.teams = got
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.accounts))
        for r, a in enumerate(self.accounts):
            values = (a.username, a.display_name, "Active" if a.active else "Deactivated",
                      ", ".join(labels.role(x) for x in a.roles), ", ".join(a.teams) or "—")
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if not a.active:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        for c in range(self.table.columnCount() - 1):
            # An admin's four roles or a long name must not push the teams off the page
            # (each cell's tooltip has it all).
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), 210))
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.blockSignals(False)
        names = [a.username for a in self.accounts]
        wanted = select or (self.current.username if self.current else None)
        if wanted in names:
            self.table.setCurrentCell(names.index(wanted), 0)
            self._show(self.accounts[names.index(wanted)])
        elif self.current is None and self.accounts:
            self.table.setCurrentCell(0, 0)
            self._show(self.accounts[0])
        self.message.setText(message)

    def _on_table_current_cell_changed(self, row: int, _col: int, _prev_row: int, _prev_col: int) -> None:
        if 0 <= row < len(self.accounts):
            self._show(self.accounts[row])

    def _set_enabled(self, on: bool) -> None:
        for w in (self.display_name, self.email, self.os_user, self.team_list, self.save_btn,
                  *self.role_boxes.values()):
            w.setEnabled(on)

    def _teams_checked(self, chosen: tuple[str, ...] | frozenset[str]) -> None:
        self.team_list.clear()
        for t in self.teams:
            item = QListWidgetItem(t.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if t.name in chosen else Qt.CheckState.Unchecked)
            self.team_list.addItem(item)

    def _show(self, a: StaffView | None) -> None:
        self.current = a
        self.errors.clear()
        self._set_enabled(True)
        self.username.setText(a.username if a else "")
        self.username.setReadOnly(a is not None)
        self.db_login.setText((a.db_login or "") if a else "")
        # The login is mapped once, when the account is made (the server checks it exists).
        self.db_login.setReadOnly(a is not None)
        self.display_name.setText(a.display_name if a else "")
        self.email.setText((a.email or "") if a else "")
        self.os_user.setText((a.os_user or "") if a else "")
        have = {r.value for r in a.roles} if a else {choices.FIRST_ROLE}
        for value, box in self.role_boxes.items():
            box.setChecked(value in have)
        self._teams_checked(a.teams if a else ())
        if a is None:
            self.heading.setText("A new staff account. Username and at least one role are needed.")
            self.state.setText("")
            self.active_btn.setVisible(False)
            self.save_btn.setText("&Create account")
            self.username.setFocus()
            return
        self.heading.setText(f"{a.display_name} ({a.username})")
        self.save_btn.setText("&Save")
        self.active_btn.setVisible(True)
        self.active_btn.setText("&Deactivate…" if a.active else "&Reactivate…")
        self.state.setText("" if a.active else
                           "Deactivated: cannot sign in or be assigned; everything it did stays on record.")

    def form(self) -> AccountForm:
        checked = frozenset(self.team_list.item(i).text() for i in range(self.team_list.count())
                            if self.team_list.item(i).checkState() == Qt.CheckState.Checked)
        return AccountForm(self.username.text().strip(), self.display_name.text(), self.email.text(),
                           self.os_user.text(), self.db_login.text(),
                           frozenset(v for v, b in self.role_boxes.items() if b.isChecked()), checked)

    # -- writing -----------------------------------------------------------------------
    def new_account(self) -> None:
        self.table.clearSelection()
        self._show(None)

    def save(self) -> None:
        f, current, actor, staff = self.form(), self.current, self.ctx.actor, self.staff
        self.errors.clear()
        self.save_btn.setEnabled(False)

        def go() -> StaffView:
            if current is None:
                if not f.roles:
                    raise InvalidInput("A staff account needs at least one role.", "role")
                staff.add(actor, f.username, display_name=f.display_name, roles=sorted(f.roles),
                          email=f.email or None, db_login=f.db_login or None, os_username=f.os_user or None,
                          teams=sorted(f.teams))
                return staff.account(f.username)
            # Three units of work in order; each one the service checks on its own, and the
            # form keeps everything typed if one is refused.
            view = staff.update(actor, current.username, display_name=f.display_name, email=f.email,
                                os_username=f.os_user, base_version=current.version)
            have = {r.value for r in current.roles}
            if f.roles != have:
                staff.set_roles(actor, current.username, add=sorted(f.roles - have), remove=sorted(have - f.roles))
            if f.teams != set(current.teams):
                view = staff.set_teams(actor, current.username, join=sorted(f.teams - set(current.teams)),
                                       leave=sorted(set(current.teams) - f.teams))
            return staff.account(view.username)

        def done(a: StaffView) -> None:
            self.save_btn.setEnabled(True)
            self.current = a
            self.reload(a.username, f"Saved {a.username}.")

        def failed(exc: BaseException) -> None:
            self.save_btn.setEnabled(True)
            if isinstance(exc, ConflictError) and current is not None:
                self.reload(current.username, "Someone else changed this account meanwhile; it has been "
                                              "reloaded. Make your change again.")
                return
            self.errors.show(exc)

        self.ctx.runner.write(go, done, failed, owner=self)

    def toggle_active(self) -> None:
        a = self.current
        if a is None:
            return
        verb = "Deactivate" if a.active else "Reactivate"
        reason = self.ctx.dialogs.ask_text(self, f"{verb} {a.username}",
                                           f"Why {verb.lower()} {a.display_name}? (recorded in the audit log)")
        if reason is None:
            return
        actor, staff = self.ctx.actor, self.staff

        def go() -> tuple[StaffView, int]:
            v = staff.set_active(actor, a.username, not a.active, reason=reason)
            return v, 0 if v.active else staff.open_assigned(v.username)

        def done(got: tuple[StaffView, int]) -> None:
            v, left = got
            words = f"{v.username} {'reactivated' if v.active else 'deactivated'}."
            if left:
                words += f" {labels.count(left, 'open incident')} still assigned to them: reassign them."
            self.reload(v.username, words)

        self.ctx.runner.write(go, done, self.errors.show, owner=self)

    def new_team(self) -> None:
        name = self.ctx.dialogs.ask_text(self, "New team", "Name of the new team (assignment group):")
        if not name:
            return
        actor, staff = self.ctx.actor, self.staff
        checked = self.form().teams

        def done(got: tuple[TeamView, list[TeamView]]) -> None:
            # Only the team list is refilled: a half-typed account stays as it is.
            team, self.teams = got
            self._teams_checked(checked)
            self.message.setText(f"Team {team.name} created; tick it to put this account in it.")

        self.ctx.runner.write(lambda: (staff.create_team(actor, name), staff.teams()), done,
                              self.errors.show, owner=self)
