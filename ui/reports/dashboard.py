"""The supervisor dashboard: charts of SLA compliance by week, the open tickets by age
and what is at risk per team (ui/reports/charts.py), then open / at-risk / breached per
team right now, compliance this week against last, the oldest open tickets and the open
major incidents.

Refreshed live: on every change, here or on another workstation (the change hub), and
once a minute, because tickets cross their at-risk point with time alone. A burst of
changes makes one refresh (the first arms a short timer, the rest wait for it; one that
arrives during a read makes one more read after it). While the page is hidden nothing is
read: a change only marks it stale, and showing it refreshes. Reads run on the task
runner, never on the GUI thread.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.counter.satisfaction import SatisfactionSummary
from desk.reports.dashboard import SATISFACTION_WEEKS, Dashboard, OpenTicket
from desk.reports.sla_data import Counts
from desk.rules import labels
from ui.context import DeskContext
from ui.errors import describe

REFRESH_MS = 60_000
DEBOUNCE_MS = 1_500
BAD = QColor("#b3261e")
WARN = QColor("#b26a00")


def _table(parent: QWidget, name: str, headers: list[str], stretch: int | None = None) -> QTableWidget:
    """A read-only table; column ``stretch`` (default the last) takes the spare width."""
    t = QTableWidget(0, len(headers), parent)
    t.setAccessibleName(name)
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setSectionResizeMode(len(headers) - 1 if stretch is None else stretch,
                                              QHeaderView.ResizeMode.Stretch)
    t.setAlternatingRowColors(True)
    return t


def _item(text: str, number: bool = False, colour: QColor | None = None) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    if number:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if colour is not None:
        it.setForeground(colour)
    return it


def _pct(c: Counts, which: str) -> str:
    p = c.response_pct if which == "response" else c.resolution_pct
    met, n = ((c.response_met, c.response_measured) if which == "response"
              else (c.resolution_met, c.resolution_measured))
    return "—" if p is None else f"{p:.1f} % ({met:,} of {n:,})"


class SupervisorDashboard(QWidget):
    refreshed = Signal()
    ticket_opened = Signal(str)

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None,
                 live_source: Callable[[Callable[[object], None]], object] | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Supervisor dashboard")
        self.service = ctx.services.dashboard
        self.zone = ctx.site.zone  # the desk's clock, as the service counts its weeks
        self.data: Dashboard | None = None
        self._loading = False
        self._again = False   # a change came in while a read ran: read once more after it
        self._stale = False   # a change came in while hidden: refresh when shown

        # Imported here, not at the top: QtCharts is large, and this module is imported when
        # the window starts (ui/reports/install.py), the charts only when the page is made.
        from ui.reports.charts import DashboardCharts

        self.charts = DashboardCharts(self)

        self.as_of = QLabel("Loading…", self)
        self.as_of.setAccessibleName("Dashboard time")
        self.refresh_btn = QPushButton("Refresh", self)
        self.refresh_btn.clicked.connect(self.refresh)
        head = QHBoxLayout()
        head.addWidget(self.as_of, 1)
        head.addWidget(self.refresh_btn)

        self.teams = _table(self, "Teams today", ["Team", "Open", "At risk", "Breached"], stretch=0)
        self.teams.verticalHeader().setDefaultSectionSize(22)
        self.compliance = QGridLayout()
        self.labels: dict[str, QLabel] = {}
        for col, title in enumerate(("", "This week", "Last week")):
            self.compliance.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
        for row, (key, title) in enumerate((("response", "Response met"), ("resolution", "Resolution met"),
                                            ("opened", "Opened"), ("resolved", "Resolved")), start=1):
            self.compliance.addWidget(QLabel(title), row, 0)
            for col, week in enumerate(("this", "last"), start=1):
                lbl = QLabel("—", self)
                lbl.setAccessibleName(f"{title} {week} week")
                self.labels[f"{key}.{week}"] = lbl
                self.compliance.addWidget(lbl, row, col)
        comp_box = QGroupBox("Compliance: this week against last", self)
        comp_box.setLayout(self.compliance)
        team_box = QGroupBox("Today per team", self)
        QVBoxLayout(team_box).addWidget(self.teams)
        self.oldest = _table(self, "Oldest open tickets", ["Ticket", "Opened", "Prio.", "Status", "Team",
                                                           "Assignee", "Title"])
        self.majors = _table(self, "Open major incidents", ["Ticket", "Opened", "Status", "Team", "Title"])
        for t in (self.oldest, self.majors):
            t.cellDoubleClicked.connect(lambda row, _col, t=t: self._open_row(t, row))
        old_box = QGroupBox("Oldest open tickets", self)
        QVBoxLayout(old_box).addWidget(self.oldest)
        major_box = QGroupBox("Major incidents open", self)
        QVBoxLayout(major_box).addWidget(self.majors)
        self.satisfaction = _table(self, "Walk-up satisfaction", ["", "Pickups", "Answered", "Score",
                                                                  "Happy", "Neutral", "Unhappy"], stretch=0)
        sat_box = QGroupBox(f"Walk-up satisfaction at pickup (last {SATISFACTION_WEEKS} weeks)", self)
        QVBoxLayout(sat_box).addWidget(self.satisfaction)

        # The charts on top, the tables under them, all in one column that scrolls: with the
        # charts above them the tables would otherwise be squeezed to a row or two each.
        self.teams.setMinimumHeight(200)
        self.oldest.setMinimumHeight(250)
        self.majors.setMinimumHeight(110)
        self.satisfaction.setMinimumHeight(170)
        body = QWidget(self)
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.charts, 0)
        column.addWidget(team_box, 3)
        column.addWidget(comp_box, 0)
        column.addWidget(old_box, 3)
        column.addWidget(major_box, 1)
        column.addWidget(sat_box, 2)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addWidget(scroll, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self._on_debounce_timeout)
        self.timer.start()
        self.refresh()

    # -- refreshing ----------------------------------------------------------------------
    def on_changed_elsewhere(self, _change: object = None) -> None:
        """A ticket changed (here or on another workstation): refresh soon, once."""
        if not self.isVisible():
            self._stale = True
            return
        # Not restarted by the changes that follow: a steady stream of them still refreshes
        # every DEBOUNCE_MS instead of never.
        if not self.debounce.isActive():
            self.debounce.start()

    def _on_debounce_timeout(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def refresh(self) -> None:
        if self._loading:
            self._again = True
            return
        self._stale = False
        self._loading = True
        actor = self.ctx.actor
        self.ctx.runner.read(lambda: self.service.snapshot(actor), self._on_loaded, self._on_failed, owner=self)

    def _on_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.as_of.setText(f"Could not refresh: {describe(exc)}")
        self._read_again()

    def _on_loaded(self, d: Dashboard) -> None:
        self._loading = False
        self.data = d
        self.charts.show_dashboard(d)
        self.as_of.setText(f"As of {d.as_of.astimezone(self.zone):%a %d %b %Y, %H:%M} · refreshes by itself")
        rows = [*d.teams, d.totals]
        self.teams.setRowCount(len(rows))
        for r, t in enumerate(rows):
            self.teams.setItem(r, 0, _item(t.team))
            self.teams.setItem(r, 1, _item(f"{t.open:,}", True))
            self.teams.setItem(r, 2, _item(f"{t.at_risk:,}", True, WARN if t.at_risk else None))
            self.teams.setItem(r, 3, _item(f"{t.breached:,}", True, BAD if t.breached else None))
        for week, c in (("this", d.this_week), ("last", d.last_week)):
            self.labels[f"response.{week}"].setText(_pct(c, "response"))
            self.labels[f"resolution.{week}"].setText(_pct(c, "resolution"))
            self.labels[f"opened.{week}"].setText(f"{c.opened:,}")
            self.labels[f"resolved.{week}"].setText(f"{c.resolved:,}")
        self._fill(self.oldest, d.oldest, lambda o: [o.number, self._age(o), o.priority, labels.status(o.status),
                                                     o.team, o.assignee, o.title])
        self._fill(self.majors, d.majors, lambda o: [o.number, self._age(o), labels.status(o.status), o.team,
                                                     o.title])
        self._fill_satisfaction(d.satisfaction)
        self.refreshed.emit()
        self._read_again()

    def _read_again(self) -> None:
        """What changed during the read it may not have seen: one more, after the pause."""
        if self._again:
            self._again = False
            self.on_changed_elsewhere()

    def _fill_satisfaction(self, sat: SatisfactionSummary | None) -> None:
        rows = [] if sat is None or not sat.total.pickups else [
            ("All pickups", sat.total), *((f"Counter: {t.label}", t) for t in sat.by_counter),
            *((f"Technician: {t.label}", t) for t in sat.by_technician),
            *((t.label.capitalize(), t) for t in sat.by_week)]
        self.satisfaction.setRowCount(len(rows))
        for r, (label, t) in enumerate(rows):
            rate = f"{t.answered:,} ({t.response_rate:.0%})" if t.response_rate is not None else "—"
            score = f"{t.score:.0f} / 100" if t.score is not None else "—"
            for c, text in enumerate((label, f"{t.pickups:,}", rate, score, f"{t.happy:,}", f"{t.neutral:,}",
                                      f"{t.unhappy:,}")):
                self.satisfaction.setItem(r, c, _item(text, number=c > 0,
                                                      colour=BAD if c == 3 and t.score is not None and t.score < 50
                                                      else None))

    def _age(self, o: OpenTicket) -> str:
        assert self.data is not None
        days = (self.data.as_of - o.opened_at).total_seconds() / 86400
        when = o.opened_at.astimezone(self.zone)
        return f"{when:%Y-%m-%d %H:%M} ({days:.0f} d)" if days >= 1 else f"{when:%Y-%m-%d %H:%M} (today)"

    @staticmethod
    def _fill(table: QTableWidget, rows: tuple[OpenTicket, ...], cells: Callable[[OpenTicket], list[str]]) -> None:
        table.setRowCount(len(rows))
        for r, o in enumerate(rows):
            for c, text in enumerate(cells(o)):
                table.setItem(r, c, _item(text))

    def _open_row(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is not None:
            self.ticket_opened.emit(item.text())

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        if not self.timer.isActive() or self._stale:
            self.timer.start()
            self.refresh()
        super().showEvent(event)
