"""Set-up → Escalation: what happens when a ticket's SLA target becomes at risk or is
breached, per service and priority; who leads each team (told of its breaches); and which
workstation runs the alert job now. The twin of ``desk escalation …``.

The rule shown in the editor is the one that applies to the chosen scope (a service, a
priority, both, or neither), so a supervisor starts from what tickets get today; saving
writes a rule for exactly that scope.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.escalation.rules import DEFAULT, Rule
from desk.escalation.service import Overview
from desk.rules.permissions import may
from ui import combos
from ui.context import DeskContext
from ui.errors import describe
from ui.wheel_guard import ComboBox

SWITCHES = (
    ("at_risk_notify_assignee", "Tell the assignee"),
    ("at_risk_notify_team", "Tell everyone in the ticket's team"),
    ("breach_notify_assignee", "Tell the assignee"),
    ("breach_notify_lead", "Tell the team lead (a team without one: its supervisors)"),
    ("breach_raise_urgency", "Raise the urgency one step (the priority follows the matrix)"),
    ("by_mail", "Also send each notification by e-mail"),
)
ANY = ""
JOB_REFRESH_MS = 15_000    # who holds the job changes when a workstation closes


class EscalationSection(QWidget):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.esc = ctx.services.escalation
        self.overview: Overview | None = None
        self.may_edit = may(ctx.actor, "sla.manage")
        self.may_lead = may(ctx.actor, "staff.manage")

        intro = QLabel("When 75 % of a ticket's response or resolution target is used, and when the target is "
                       "breached, Desk records it at that instant and tells the people below. The most specific "
                       "rule applies: service and priority, then service, then priority, then the default.")
        intro.setWordWrap(True)
        self.job = QLabel("Reading…")
        self.job.setObjectName("escalation_job")
        self.job.setWordWrap(True)

        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("escalation_rules")
        self.table.setHorizontalHeaderLabels(["Applies to", "What happens"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_row)

        # The editor: scope, then what happens at risk and on breach.
        self.service = ComboBox(self)
        self.service.setObjectName("escalation_service")
        self.service.setAccessibleName("Service")
        self.priority = ComboBox(self)
        self.priority.setObjectName("escalation_priority")
        self.priority.setAccessibleName("Priority")
        combos.fill(self.priority, [("Any priority", ANY), *[(f"P{n}", f"P{n}") for n in range(1, 6)]])
        self.boxes: dict[str, QCheckBox] = {}
        for key, words in SWITCHES:
            box = QCheckBox(words, self)
            box.setObjectName(f"escalation_{key}")
            self.boxes[key] = box
        self.reassign = ComboBox(self)
        self.reassign.setObjectName("escalation_reassign")
        self.reassign.setAccessibleName("On breach, reassign to")
        self.applies = QLabel("")
        self.applies.setObjectName("escalation_applies")
        self.applies.setWordWrap(True)
        self.save = QPushButton("&Save rule for this scope", self)
        self.save.setObjectName("escalation_save")
        self.remove = QPushButton("&Remove this scope's rule", self)
        self.remove.setObjectName("escalation_remove")
        self.message = QLabel("")
        self.message.setObjectName("escalation_message")
        self.message.setWordWrap(True)

        scope = QFormLayout()
        scope.addRow("Service:", self.service)
        scope.addRow("Priority:", self.priority)
        scope.addRow("", self.applies)
        risk = QGroupBox("At risk (75 % of the target used)", self)
        rl = QVBoxLayout(risk)
        for key in ("at_risk_notify_assignee", "at_risk_notify_team"):
            rl.addWidget(self.boxes[key])
        breach = QGroupBox("Breached (the target ran out)", self)
        bl = QVBoxLayout(breach)
        for key in ("breach_notify_assignee", "breach_notify_lead", "breach_raise_urgency"):
            bl.addWidget(self.boxes[key])
        row = QHBoxLayout()
        row.addWidget(QLabel("Reassign to:"))
        row.addWidget(self.reassign, 1)
        bl.addLayout(row)
        editor = QGroupBox("Rule", self)
        el = QVBoxLayout(editor)
        el.addLayout(scope)
        el.addWidget(risk)
        el.addWidget(breach)
        el.addWidget(self.boxes["by_mail"])
        buttons = QHBoxLayout()
        buttons.addWidget(self.save)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        el.addLayout(buttons)
        el.addWidget(self.message)
        el.addStretch(1)      # the groups sit together at the top, not spread over the height

        # Team leads (admins: teams are theirs, on the server too).
        self.lead_team = ComboBox(self)
        self.lead_team.setObjectName("lead_team")
        self.lead_who = ComboBox(self)
        self.lead_who.setObjectName("lead_who")
        self.lead_set = QPushButton("Set &lead", self)
        self.lead_set.setObjectName("lead_set")
        leads = QGroupBox("Team leads (told of their team's breaches)", self)
        ll = QHBoxLayout(leads)
        ll.addWidget(QLabel("Team:"))
        ll.addWidget(self.lead_team, 1)
        ll.addWidget(QLabel("Lead:"))
        ll.addWidget(self.lead_who, 1)
        ll.addWidget(self.lead_set)
        leads.setVisible(self.may_lead)

        top = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addWidget(leads)
        top.addLayout(left, 3)
        top.addWidget(editor, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.job)
        layout.addLayout(top, 1)

        for w in (*self.boxes.values(), self.reassign):
            w.setEnabled(self.may_edit)
        # Until the rules are read the boxes say nothing (all unticked): saving then would
        # write a rule that tells no one. Save waits for the read (_on_overview).
        self.save.setEnabled(False)
        self.remove.setEnabled(False)
        self.lead_set.setEnabled(False)
        if not self.may_edit:
            self.message.setText("Only supervisors change escalation rules; this shows what applies.")
        self.service.currentIndexChanged.connect(self._on_scope)
        self.priority.currentIndexChanged.connect(self._on_scope)
        self.save.clicked.connect(self._save)
        self.remove.clicked.connect(self._remove)
        self.lead_team.currentIndexChanged.connect(self._fill_lead_choices)
        self.lead_set.clicked.connect(self._set_lead)
        self._loading = False
        self._job_timer = QTimer(self)
        self._job_timer.setInterval(JOB_REFRESH_MS)
        self._job_timer.timeout.connect(self._refresh_job)
        self._job_timer.start()
        self.reload()

    # -- reading ---------------------------------------------------------------------------
    def reload(self, *, keep_editor: bool = False) -> None:
        """``keep_editor``: the rule being edited stays as it is (a lead was set, not it)."""
        kept = self._settings() if keep_editor and self.overview is not None else None

        def shown(o: Overview) -> None:
            self._on_overview(o)
            if kept is not None:
                for key, box in self.boxes.items():
                    box.setChecked(bool(kept[key]))
                combos.select(self.reassign, kept["breach_reassign_team"] or ANY)

        self.ctx.runner.read(self.esc.overview, shown, self._on_failed, owner=self)

    def _on_failed(self, exc: BaseException) -> None:
        self.message.setText(describe(exc))

    def _on_overview(self, o: Overview) -> None:
        self.overview = o
        self.save.setEnabled(self.may_edit)
        self.lead_set.setEnabled(self.may_lead)
        self._loading = True
        keep = (combos.value(self.service), combos.value(self.priority))
        combos.fill(self.service, [("Any service", ANY), *[(n, n) for n in o.services]])
        combos.select(self.service, keep[0] or ANY)
        combos.select(self.priority, keep[1] or ANY)
        combos.fill(self.reassign, [("— stays with its team —", ANY), *[(t, t) for t in o.teams]])
        lead_team = combos.value(self.lead_team)
        combos.fill(self.lead_team, [(t, t) for t in o.teams], lead_team or (o.teams[0] if o.teams else None))
        self._loading = False
        self._fill_lead_choices()
        self._show_job((o.holder, o.next_crossing))
        rows: list[tuple[str, Rule, str | None, str | None]] = []
        if not o.rules or o.rules[0].service or o.rules[0].priority:
            rows.append(("Any service, any priority (built in)", DEFAULT, None, None))
        rows += [(r.scope[:1].upper() + r.scope[1:], r.rule, r.service, r.priority) for r in o.rules]
        self.table.setRowCount(len(rows))
        for i, (scope, rule, service, priority) in enumerate(rows):
            a = QTableWidgetItem(scope)
            a.setData(Qt.ItemDataRole.UserRole, (service or ANY, priority or ANY))
            self.table.setItem(i, 0, a)
            self.table.setItem(i, 1, QTableWidgetItem(rule.describe()[:1].upper() + rule.describe()[1:]))
        self.table.resizeRowsToContents()
        self._on_scope()

    def _refresh_job(self) -> None:
        """The job line only (the editor keeps what is being typed)."""
        if self.isVisible():
            self.ctx.runner.read(self.esc.job_status, self._show_job, lambda _e: None, owner=self)

    def _show_job(self, status: tuple[tuple[str, dt.datetime] | None, dt.datetime | None]) -> None:
        holder, nxt = status
        site = self.ctx.site
        if holder:
            job = f"The alert job runs on {holder[0]} since {site.local(holder[1]):%a %d %b %H:%M}."
        else:
            job = "No workstation runs the alert job now: cron's “desk sla sweep” records the alerts."
        job += (f" Next crossing: {site.local(nxt):%a %d %b %H:%M}." if nxt
                else " No open ticket is heading for a crossing.")
        self.job.setText(job)

    def _on_row(self) -> None:
        items = self.table.selectedItems()
        if not items:
            return
        cell = self.table.item(items[0].row(), 0)
        if cell is None:
            return
        service, priority = cell.data(Qt.ItemDataRole.UserRole)
        self._loading = True
        combos.select(self.service, service)
        combos.select(self.priority, priority)
        self._loading = False
        self._on_scope()

    def _scope(self) -> tuple[str | None, str | None]:
        return combos.value(self.service), combos.value(self.priority)

    def _on_scope(self) -> None:
        """Show the rule a ticket of the chosen scope gets today."""
        if self._loading or self.overview is None:
            return
        service, priority = self._scope()
        exact = next((r for r in self.overview.rules if r.service == service and r.priority == priority), None)
        if exact is not None:
            self._show(exact.rule, "This scope has its own rule.", removable=True)
            return
        # The most specific rule covering the scope, as desk.escalation.rules looks it up.
        covering = [r for r in self.overview.rules if r.service in (None, service) and r.priority in (None, priority)]
        if covering:
            best = max(covering, key=lambda r: (r.service is not None, r.priority is not None))
            self._show(best.rule, f"No rule of its own: tickets here get the rule for {best.scope}. "
                                  "Saving gives this scope its own.", removable=False)
        else:
            self._show(DEFAULT, "No rule of its own: tickets here get the built-in default. "
                                "Saving gives this scope its own.", removable=False)

    def _show(self, rule: Rule, words: str, *, removable: bool) -> None:
        for key, box in self.boxes.items():
            box.setChecked(bool(getattr(rule, key)))
        combos.select(self.reassign, rule.breach_reassign_team or ANY)
        self.applies.setText(words)
        self.remove.setEnabled(self.may_edit and removable)

    def _fill_lead_choices(self) -> None:
        if self._loading or self.overview is None:
            return
        team = combos.value(self.lead_team)
        members = self.overview.members.get(team or "", ())
        combos.fill(self.lead_who, [("— none (its supervisors) —", ANY), *[(name, user) for user, name in members]],
                    self.overview.leads.get(team or "") or ANY)

    # -- writing ---------------------------------------------------------------------------
    def _settings(self) -> dict[str, Any]:
        out: dict[str, Any] = {key: box.isChecked() for key, box in self.boxes.items()}
        out["breach_reassign_team"] = combos.value(self.reassign)
        return out

    def _save(self) -> None:
        if self.overview is None or not self.may_edit:
            return
        service, priority = self._scope()
        settings = self._settings()
        actor = self.ctx.actor

        def done(_row: object) -> None:
            self.message.setText(f"Saved the rule for {service or 'any service'}, {priority or 'any priority'}.")
            self.reload()

        self.ctx.runner.write(lambda: self.esc.set_rule(actor, service=service, priority=priority, **settings),
                              done, self._on_failed, owner=self)

    def _remove(self) -> None:
        service, priority = self._scope()
        scope = f"{service or 'any service'}, {priority or 'any priority'}"
        if not self.ctx.dialogs.confirm(self, "Remove rule", f"Remove the escalation rule for {scope}? Tickets "
                                        "there then get the next more general rule."):
            return
        actor = self.ctx.actor

        def done(_r: object) -> None:
            self.message.setText(f"Removed the rule for {scope}.")
            self.reload()

        self.ctx.runner.write(lambda: self.esc.clear_rule(actor, service=service, priority=priority),
                              done, self._on_failed, owner=self)

    def _set_lead(self) -> None:
        team = combos.value(self.lead_team)
        if team is None:
            return
        who = combos.value(self.lead_who)
        actor = self.ctx.actor

        def done(_r: object) -> None:
            self.message.setText(f"{team}'s lead saved.")
            self.reload(keep_editor=True)

        self.ctx.runner.write(lambda: self.esc.set_team_lead(actor, team, who), done, self._on_failed, owner=self)


def make(ctx: DeskContext, parent: QWidget) -> QWidget:
    return EscalationSection(ctx, parent)
