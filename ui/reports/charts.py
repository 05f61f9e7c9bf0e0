"""The supervisor dashboard's charts: SLA compliance by week, the open tickets by age
(stacked by priority), and what is at risk or breached now per team.

Drawn with QtCharts, Qt's own charting module (PySide6-Addons, pinned to the same release
as PySide6-Essentials). It renders on the offscreen platform the tests use as under X,
takes the palette's colours, and has hover signals and value labels built in, so three
small charts need no further dependency (pyqtgraph is built for plots of many thousand
points, and brings its own look). QtCharts is a large library: this module is imported
by the dashboard when its page is first built, never at start-up.

The numbers are desk's (``desk.reports.dashboard.Dashboard``); this module only draws
them. Each chart, its series and axes are made once; a refresh puts the new values into
the same objects (points replaced, bar values set), so a live update repaints without
building anything.
"""
from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCharts import (
    QAbstractAxis,
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QCursor, QFont, QPainter, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QStackedWidget, QToolTip, QWidget

from desk.reports.dashboard import TREND_WEEKS, Dashboard, TeamLoad
from desk.reports.sla_data import AGEING_BUCKETS, Counts, WeekRow
from desk.rules import labels
from ui.theme import chart_colour

NO_TICKETS = "No tickets yet"
PANE_WIDTH = 300   # the narrowest a chart stays legible; under three of these they stack
# The report's buckets, shortened to fit six under a chart a third of the page wide.
# Axis labels are rich text ("< 1 d" vanished as a broken tag): every name is escaped.
AGE_NAMES = tuple(escape(label.replace(" days", " d").replace(" day", " d")) for label, _d in AGEING_BUCKETS)
PRIORITIES = tuple(p.value for p in labels.PRIORITY)


class ChartPane(QStackedWidget):
    """One chart, or in its place the words saying why there is nothing to draw."""

    def __init__(self, chart: QChart, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.view = QChartView(chart, self)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setAccessibleName(name)
        self.view.setMinimumSize(PANE_WIDTH, 300)
        self.empty = QLabel(self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName(f"{name}: nothing to show")
        self.title = name
        self.addWidget(self.view)
        self.addWidget(self.empty)

    def show_chart(self) -> None:
        self.setCurrentWidget(self.view)

    def show_empty(self, words: str) -> None:
        # The title stays, so the supervisor knows which chart has nothing yet.
        self.empty.setText(f"<b>{self.title}</b><br><br>{words}")
        self.setCurrentWidget(self.empty)

    @property
    def is_empty(self) -> bool:
        return self.currentWidget() is self.empty

    def empty_text(self) -> str:
        return self.empty.text() if self.is_empty else ""


def _chart(title: str) -> QChart:
    c = QChart()
    c.setTitle(title)
    c.setAnimationOptions(QChart.AnimationOption.NoAnimation)  # a refresh a minute: no motion
    c.setBackgroundRoundness(0)
    c.setMargins(QMargins(4, 4, 4, 4))
    c.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return c


def _set_values(bars: QBarSet, values: Sequence[float]) -> None:
    """Put ``values`` into the same bar set: replaced one by one when the count holds."""
    if bars.count() == len(values):
        for i, v in enumerate(values):
            if bars.at(i) != v:
                bars.replace(i, v)
    else:
        bars.remove(0, bars.count())
        bars.append(list(values))


def _scale(axis: QValueAxis, n: int) -> None:
    """A count axis from 0 to a round number above ``n``: the tallest bar never touches
    the frame, and the ticks fall on whole numbers."""
    if n < 4:
        axis.setRange(0, 4)
        axis.setTickCount(5)
    else:
        axis.setRange(0, n * 1.08)
        axis.applyNiceNumbers()


def _pct_words(met: int, measured: int) -> str:
    return f"{100 * met / measured:.1f} % ({met:,} of {measured:,})" if measured else "nothing measured"


class DashboardCharts(QWidget):
    """The three charts side by side; ``show_dashboard`` puts a snapshot's numbers in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Dashboard charts")
        self._weeks: tuple[WeekRow, ...] = ()
        self._ageing_totals: list[int] = [0] * len(AGEING_BUCKETS)
        self._teams: list[TeamLoad] = []

        # -- SLA compliance by week: two lines over the weeks, 0–100 %.
        self.compliance = _chart(f"SLA targets met, last {TREND_WEEKS} weeks")
        self.response = QLineSeries()
        self.response.setName("Response met")
        self.resolution = QLineSeries()
        self.resolution.setName("Resolution met")
        self.week_axis = QBarCategoryAxis()
        self.week_axis.setTitleText("Week from Monday")
        self.week_axis.setLabelsAngle(-90)   # twelve dates side by side do not fit level
        self.week_axis.setTruncateLabels(False)
        self.pct_axis = QValueAxis()
        self.pct_axis.setRange(0, 100)
        self.pct_axis.setTickCount(6)
        self.pct_axis.setLabelFormat("%d %%")
        self.pct_axis.setTitleText("Met")
        self._attach(self.compliance, (self.response, self.resolution), self.week_axis, self.pct_axis)
        for line in (self.response, self.resolution):
            line.setPointsVisible(True)
            line.hovered.connect(lambda point, state, line=line: self._on_week_hovered(line, point, state))

        # -- Backlog by age: one stacked bar per age bucket, a segment per priority.
        self.ageing = _chart("Open tickets by age")
        self.ageing_series = QStackedBarSeries()
        self.priority_sets: dict[str, QBarSet] = {}
        for p in PRIORITIES:
            bars = QBarSet(labels.priority(p))
            bars.append([0.0] * len(AGEING_BUCKETS))
            self.priority_sets[p] = bars
            self.ageing_series.append(bars)
        self.age_axis = QBarCategoryAxis()
        self.age_axis.setTitleText("Time since opened")
        self.age_axis.append(list(AGE_NAMES))
        self.age_axis.setTruncateLabels(False)
        self.count_axis = QValueAxis()
        self.count_axis.setLabelFormat("%d")
        self.count_axis.setTitleText("Open tickets")
        self._attach(self.ageing, (self.ageing_series,), self.age_axis, self.count_axis)
        self.ageing_series.hovered.connect(self._on_age_hovered)

        # -- At risk now by team: horizontal bars, at risk and breached stacked.
        self.risk = _chart("At risk and breached now, per team")
        self.risk_series = QHorizontalStackedBarSeries()
        self.at_risk = QBarSet("At risk")
        self.breached = QBarSet("Breached")
        for bars in (self.at_risk, self.breached):
            self.risk_series.append(bars)
        self.risk_series.setLabelsVisible(True)
        self.risk_series.setLabelsFormat("@value")
        self.team_axis = QBarCategoryAxis()
        self.team_axis.setTruncateLabels(False)   # a team's name is the point; the bars give way
        self.risk_axis = QValueAxis()
        self.risk_axis.setLabelFormat("%d")
        self.risk_axis.setTitleText("Tickets")
        self._attach(self.risk, (self.risk_series,), self.risk_axis, self.team_axis)
        self.risk_series.hovered.connect(self._on_team_hovered)

        self.panes = [ChartPane(self.compliance, "SLA compliance by week", self),
                      ChartPane(self.ageing, "Backlog by age", self),
                      ChartPane(self.risk, "At risk now by team", self)]
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        # Our own minimum, so the row of three does not hold a narrow page at three widths.
        self.setMinimumWidth(PANE_WIDTH + 12)
        self.columns = 0
        self._arrange(3)
        self._style()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(3 if event.size().width() >= 3 * (PANE_WIDTH + 12) else 1)
        super().resizeEvent(event)

    def _arrange(self, columns: int) -> None:
        """Side by side on a wide page, one under another on a narrow one (a side tab)."""
        if columns == self.columns:
            return
        self.columns = columns
        for i, pane in enumerate(self.panes):
            self.grid.removeWidget(pane)
            self.grid.addWidget(pane, i // columns, i % columns)
        for c in range(3):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)

    @staticmethod
    def _attach(chart: QChart, series: Sequence[QLineSeries | QStackedBarSeries | QHorizontalStackedBarSeries],
                x: QAbstractAxis, y: QAbstractAxis) -> None:
        for s in series:
            chart.addSeries(s)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for s in series:
            s.attachAxis(x)
            s.attachAxis(y)

    # -- the numbers ------------------------------------------------------------------------
    def show_dashboard(self, d: Dashboard) -> None:
        nothing = not d.teams and not any(_any(w.counts) for w in d.weeks)
        self._show_weeks(d.weeks, nothing)
        self._show_ageing(d, nothing)
        self._show_teams(d.teams, nothing)

    def _show_weeks(self, weeks: tuple[WeekRow, ...], nothing: bool) -> None:
        self._weeks = weeks
        names = [w.week_start.strftime("%d %b").lstrip("0") for w in weeks]
        if self.week_axis.categories() != names:
            self.week_axis.setCategories(names)
        # A week without an outcome has no percentage: no point (the line joins its neighbours).
        for line, pct in ((self.response, lambda c: c.response_pct), (self.resolution, lambda c: c.resolution_pct)):
            line.replace([QPointF(i, round(p, 1)) for i, w in enumerate(weeks)
                          if (p := pct(w.counts)) is not None])
        measured = any(w.counts.response_measured or w.counts.resolution_measured for w in weeks)
        pane = self.panes[0]
        if nothing:
            pane.show_empty(NO_TICKETS)
        elif not measured:
            pane.show_empty(f"No response or resolution in the last {TREND_WEEKS} weeks")
        else:
            pane.show_chart()

    def _show_ageing(self, d: Dashboard, nothing: bool) -> None:
        by_priority = {a.priority: a.buckets for a in d.ageing}
        zero = (0,) * len(AGEING_BUCKETS)
        for p, bars in self.priority_sets.items():
            _set_values(bars, [float(v) for v in by_priority.get(p, zero)])
        totals = [sum(col) for col in zip(*by_priority.values())] if by_priority else list(zero)
        self._ageing_totals = totals
        self.ageing.setTitle(f"Open tickets by age ({sum(totals):,})")
        _scale(self.count_axis, max(totals))
        pane = self.panes[1]
        if nothing:
            pane.show_empty(NO_TICKETS)
        elif not any(totals):
            pane.show_empty("No open tickets")
        else:
            pane.show_chart()

    def _show_teams(self, teams: tuple[TeamLoad, ...], nothing: bool) -> None:
        # The first team alphabetically at the top: a horizontal chart draws its first category lowest.
        rows = list(reversed(teams))
        self._teams = rows
        names = [escape(t.team) for t in rows]
        if self.team_axis.categories() != names:
            self.team_axis.setCategories(names)
        _set_values(self.at_risk, [float(t.at_risk) for t in rows])
        _set_values(self.breached, [float(t.breached) for t in rows])
        _scale(self.risk_axis, max((t.at_risk + t.breached for t in rows), default=0))
        pane = self.panes[2]
        if nothing:
            pane.show_empty(NO_TICKETS)
        elif not any(t.at_risk or t.breached for t in rows):
            pane.show_empty("Nothing at risk or breached now")
        else:
            pane.show_chart()

    # -- hover: the exact numbers ----------------------------------------------------------
    def _on_week_hovered(self, line: QLineSeries, point: QPointF, state: bool) -> None:
        i = round(point.x())
        if not state or not 0 <= i < len(self._weeks):
            QToolTip.hideText()
            return
        w = self._weeks[i]
        c = w.counts
        QToolTip.showText(QCursor.pos(), (
            f"<b>Week from {w.week_start:%a %d %b %Y}</b><br>"
            f"Response met: {_pct_words(c.response_met, c.response_measured)}<br>"
            f"Resolution met: {_pct_words(c.resolution_met, c.resolution_measured)}"), self)

    def _on_age_hovered(self, state: bool, index: int, bars: QBarSet) -> None:
        if not state or not 0 <= index < len(AGEING_BUCKETS):
            QToolTip.hideText()
            return
        QToolTip.showText(QCursor.pos(), (
            f"<b>{bars.label()}, {escape(AGEING_BUCKETS[index][0])}</b><br>"
            f"{int(bars.at(index)):,} of the {labels.count(self._ageing_totals[index], 'open ticket')} that old"),
            self)

    def _on_team_hovered(self, state: bool, index: int, _bars: QBarSet) -> None:
        if not state or not 0 <= index < len(self._teams):
            QToolTip.hideText()
            return
        t = self._teams[index]
        QToolTip.showText(QCursor.pos(), (
            f"<b>{escape(t.team)}</b><br>{t.at_risk:,} at risk, {t.breached:,} breached, "
            f"{labels.count(t.open, 'open ticket')}"), self)

    # -- the palette's colours ----------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._style()   # light ↔ dark: the charts follow the window
        super().changeEvent(event)

    def _style(self) -> None:
        pal = self.palette()
        text, back = pal.color(QPalette.ColorRole.WindowText), pal.color(QPalette.ColorRole.Base)
        grid = pal.color(QPalette.ColorRole.Mid)
        title_font = QFont(self.font())
        title_font.setBold(True)
        for chart in (self.compliance, self.ageing, self.risk):
            chart.setBackgroundBrush(QBrush(back))
            chart.setPlotAreaBackgroundVisible(False)
            chart.setTitleBrush(QBrush(text))
            chart.setTitleFont(title_font)
            chart.legend().setLabelColor(text)
            for axis in chart.axes():
                axis.setLabelsBrush(QBrush(text))
                axis.setTitleBrush(QBrush(text))
                axis.setLinePenColor(grid)
                axis.setGridLineColor(grid)
        for line, role in ((self.response, "response"), (self.resolution, "resolution")):
            line.setPen(QPen(chart_colour(role, pal), 2.5))
            line.setColor(chart_colour(role, pal))
        for p, bars in self.priority_sets.items():
            bars.setColor(chart_colour(p, pal))
            bars.setBorderColor(back)   # a hairline between segments, in the background's colour
        for bars, role in ((self.at_risk, "at_risk"), (self.breached, "breached")):
            bars.setColor(chart_colour(role, pal))
            bars.setBorderColor(back)
            bars.setLabelColor(_ink_on(chart_colour(role, pal)))


def _ink_on(colour: QColor) -> QColor:
    """Black or white, whichever contrasts more with a bar of ``colour`` (WCAG's relative
    luminance: orange takes black, at about 10:1; white on it would be 2:1)."""
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(colour.redF()) + 0.7152 * lin(colour.greenF()) + 0.0722 * lin(colour.blueF())
    # Contrast with black (lum + .05) / .05 against white 1.05 / (lum + .05): equal at lum ≈ 0.18.
    return QColor(0, 0, 0) if lum > 0.179 else QColor(255, 255, 255)


def _any(c: Counts) -> bool:
    return bool(c.opened or c.resolved or c.response_measured or c.resolution_measured)
