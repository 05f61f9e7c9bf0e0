"""The dashboard's charts: the snapshot's numbers read back from the series, updated in
place by a change through the change hub, one refresh for a burst of changes, none while
hidden, the words instead of an empty frame, the palette's colours, and QtCharts loaded
only when the dashboard is made. (Every test here runs under tests/ui/gui_thread.py's
guard: a query on the GUI thread outside a runner job fails it.)"""
from __future__ import annotations

import html
import subprocess
import sys

import pytest
import shiboken6
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QToolTip
from sqlalchemy import insert, select

from db.models import Incident, Team
from desk.live.watcher import Change
from desk.reports.sla_data import AGEING_BUCKETS
from tests.desk.reports.test_dashboard import NOW, H, ticket
from tests.desk.reports.test_dashboard import build as build_dashboard_data
from ui import theme
from ui.context import DeskContext
from ui.reports.dashboard import SupervisorDashboard
from ui.reports.install import _follow_live_changes

# Showing a window (or a tooltip: raise()) on the offscreen platform says these; not faults of ours.
pytestmark = [pytest.mark.usefixtures("qapp"),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")]


def _shown(ctx: DeskContext, qtbot) -> SupervisorDashboard:  # type: ignore[no-untyped-def]
    dash = SupervisorDashboard(ctx)
    qtbot.addWidget(dash)
    _follow_live_changes(ctx, dash)   # the hub's wiring, as Reports → Supervisor dashboard makes it
    dash.debounce.setInterval(50)   # the pause that gathers a burst; short, for the test
    dash.resize(1300, 900)
    dash.show()
    qtbot.waitExposed(dash)
    return dash


def _points(line) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def]
    return [(p.x(), p.y()) for p in line.points()]


def _values(bars) -> list[float]:  # type: ignore[no-untyped-def]
    return [bars.at(i) for i in range(bars.count())]


def _cpp(obj: object) -> int:
    return shiboken6.getCppPointer(obj)[0]


def test_the_charts_show_the_snapshot_and_a_change_updates_them_in_place(ctx: DeskContext, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOW)
    net, _desk = build_dashboard_data(ctx.services.db)
    dash = _shown(ctx, qtbot)
    ch = dash.charts
    assert not any(p.is_empty for p in ch.panes)

    # Compliance (tests/desk/reports/test_dashboard.build): this week 2 of 3 responses met,
    # last week 1 of 2; one resolution each week, both in time. Weeks without one: no point.
    assert _points(ch.response) == [(10.0, 50.0), (11.0, 66.7)]
    assert _points(ch.resolution) == [(10.0, 100.0), (11.0, 100.0)]
    assert ch.week_axis.categories()[-2:] == ["26 Oct", "2 Nov"] and len(ch.week_axis.categories()) == 12
    # By age: INC-1…5 two hours old, INC-8 300 h (7–14 days), INC-7 400 h (14–30 days); all P3.
    assert _values(ch.priority_sets["P3"]) == [5, 0, 0, 1, 1, 0]
    assert all(_values(ch.priority_sets[p]) == [0] * 6 for p in ("P1", "P2", "P4", "P5"))
    assert ch.age_axis.categories() == [html.escape(label.replace(" days", " d").replace(" day", " d"))
                                        for label, _d in AGEING_BUCKETS]
    assert ch.ageing.title() == "Open tickets by age (7)"
    # Per team, the first alphabetically at the top (a horizontal chart draws its first category lowest).
    assert ch.team_axis.categories() == ["(no team)", "Service Desk", net]
    assert (_values(ch.at_risk), _values(ch.breached)) == ([0, 0, 1], [0, 0, 2])

    objects = [_cpp(o) for o in (ch.panes[0].view, ch.compliance, ch.response, ch.resolution,
                                 ch.ageing_series, ch.priority_sets["P2"], ch.risk_series, ch.breached)]
    series_before = [_cpp(s) for c in (ch.compliance, ch.ageing, ch.risk) for s in c.series()]

    # Another workstation opens a P2 ticket four days ago for Network, already breached,
    # and a ticket for a new team; the watcher's change arrives through the hub.
    with ctx.services.db.writing() as s:
        teams = dict(s.execute(select(Team.name, Team.id)).all())
        s.execute(insert(Incident.__table__), [
            ticket(11, teams[net], priority="P2", impact="high", urgency="medium", opened_at=NOW - 96 * H,
                   response_breached_at=NOW - 90 * H, response_due_at=NOW - 90 * H),
            ticket(12, teams["Identity & Access"], opened_at=NOW - H, response_at_risk_at=NOW - 0.5 * H,
                   response_due_at=NOW + H),
        ])
    with qtbot.waitSignal(dash.refreshed, timeout=5000):
        ctx.changes.publish(Change(refresh=True))

    assert _values(ch.priority_sets["P2"]) == [0, 0, 1, 0, 0, 0]
    assert _values(ch.priority_sets["P3"]) == [6, 0, 0, 1, 1, 0]
    assert ch.team_axis.categories() == ["(no team)", "Service Desk", net, html.escape("Identity & Access")]
    assert (_values(ch.at_risk), _values(ch.breached)) == ([0, 0, 1, 1], [0, 0, 3, 0])
    # INC-11's breach was recorded 90 hours ago, last week: one more measured there, not met.
    assert _points(ch.response) == [(10.0, 33.3), (11.0, 66.7)]
    # The same chart views, charts, series and bar sets: the values went into them.
    assert [_cpp(o) for o in (ch.panes[0].view, ch.compliance, ch.response, ch.resolution,
                              ch.ageing_series, ch.priority_sets["P2"], ch.risk_series, ch.breached)] == objects
    assert [_cpp(s) for c in (ch.compliance, ch.ageing, ch.risk) for s in c.series()] == series_before

    # Hovering a point or a bar tells its exact numbers.
    ch._on_week_hovered(ch.response, QPointF(10, 33.3), True)
    assert "Week from Mon 26 Oct 2026" in QToolTip.text() and "33.3 % (1 of 3)" in QToolTip.text()
    ch._on_age_hovered(True, 0, ch.priority_sets["P3"])
    assert "P3 Medium, &lt; 1 day" in QToolTip.text() and "6 of the 6 open tickets" in QToolTip.text()
    ch._on_team_hovered(True, 2, ch.breached)
    assert f"<b>{net}</b><br>1 at risk, 3 breached, 6 open tickets" in QToolTip.text()


def test_a_burst_of_changes_reads_once_and_a_hidden_dashboard_not_at_all(ctx: DeskContext, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOW)
    build_dashboard_data(ctx.services.db)
    dash = _shown(ctx, qtbot)
    reads: list[object] = []
    snapshot = dash.service.snapshot
    dash.service = type("Counting", (), {"snapshot": lambda _self, actor: reads.append(actor) or snapshot(actor)})()

    for _ in range(20):
        ctx.changes.publish(Change(refresh=True))
    qtbot.waitUntil(lambda: len(reads) == 1, timeout=3000)
    qtbot.wait(300)
    assert len(reads) == 1

    dash.hide()
    for _ in range(5):
        ctx.changes.publish(Change(refresh=True))
    qtbot.wait(300)
    assert len(reads) == 1            # hidden: nothing read, only marked stale
    with qtbot.waitSignal(dash.refreshed, timeout=3000):
        dash.show()
    assert len(reads) == 2            # shown again: one read
    qtbot.wait(300)
    assert len(reads) == 2


def test_a_change_during_a_read_reads_once_more_after_it(ctx: DeskContext, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOW)
    dash = _shown(ctx, qtbot)
    reads: list[object] = []
    snapshot = dash.service.snapshot

    def read(actor: object) -> object:
        reads.append(actor)
        if len(reads) == 1:
            dash._on_debounce_timeout()   # a change's pause ends while this read runs
        return snapshot(actor)  # type: ignore[arg-type]

    dash.service = type("During", (), {"snapshot": lambda _self, actor: read(actor)})()
    dash.refresh()
    qtbot.waitUntil(lambda: len(reads) == 2, timeout=3000)
    qtbot.wait(300)
    assert len(reads) == 2


def test_no_tickets_says_so_instead_of_empty_frames(ctx: DeskContext, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOW)
    dash = _shown(ctx, qtbot)
    assert all(p.is_empty and "No tickets yet" in p.empty_text() for p in dash.charts.panes)
    assert dash.charts.panes[0].empty.isVisible() and not dash.charts.panes[0].view.isVisible()

    # One open ticket, not yet answered and not at risk: the age chart draws; the others say why not.
    with ctx.services.db.writing() as s:
        team = s.execute(select(Team.id).where(Team.name == "Network")).scalar_one()
        s.execute(insert(Incident.__table__), [ticket(1, team)])
    with qtbot.waitSignal(dash.refreshed, timeout=5000):
        ctx.changes.publish(Change(refresh=True))
    compliance, ageing, risk = dash.charts.panes
    assert not ageing.is_empty
    assert "No response or resolution" in compliance.empty_text()
    assert "Nothing at risk or breached" in risk.empty_text()


def test_the_charts_take_the_palettes_colours(ctx: DeskContext, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOW)
    build_dashboard_data(ctx.services.db)
    dash = _shown(ctx, qtbot)
    ch = dash.charts
    light = ch.response.color()
    assert all(_contrast(b.labelColor(), b.color()) >= 4.5 for b in (ch.at_risk, ch.breached))
    dark = theme.dark_palette()
    dash.setPalette(dark)   # reaches the charts as a PaletteChange, as the app's switch does
    assert ch.compliance.backgroundBrush().color() == dark.color(QPalette.ColorRole.Base)
    assert ch.compliance.titleBrush().color() == dark.color(QPalette.ColorRole.WindowText)
    assert ch.week_axis.labelsBrush().color() == dark.color(QPalette.ColorRole.WindowText)
    assert ch.response.color() == theme.chart_colour("response", dark) != light
    # Each bar's number reads on its bar, on either palette (WCAG AA: 4.5:1).
    assert all(_contrast(b.labelColor(), b.color()) >= 4.5 for b in (ch.at_risk, ch.breached))


def _contrast(a: QColor, b: QColor) -> float:
    def lum(c: QColor) -> float:
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in (c.redF(), c.greenF(), c.blueF())]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_qtcharts_is_loaded_when_the_dashboard_is_made_not_at_start() -> None:
    code = ("import sys\n"
            "import ui.app, ui.features, ui.main_window, ui.reports.install, ui.reports.dashboard\n"
            "assert 'PySide6.QtCharts' not in sys.modules, 'QtCharts at start-up'\n"
            "import ui.reports.charts\n"
            "assert 'PySide6.QtCharts' in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_charts_stand_side_by_side_on_a_wide_page_and_stack_on_a_narrow_one(ctx: DeskContext, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(NOW)
    build_dashboard_data(ctx.services.db)
    dash = _shown(ctx, qtbot)
    panes = dash.charts.panes
    qtbot.waitUntil(lambda: len({p.geometry().top() for p in panes}) == 1)      # 1300 px: one row
    assert panes[0].geometry().right() < panes[1].geometry().left()
    dash.resize(560, 900)
    qtbot.waitUntil(lambda: len({p.geometry().left() for p in panes}) == 1)     # a side tab: one column
    assert panes[0].geometry().bottom() < panes[1].geometry().top() < panes[2].geometry().top()
    # Nothing wider than the page: no sideways scrolling.
    assert dash.charts.width() <= dash.width()
