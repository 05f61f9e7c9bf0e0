"""Weekly trend charts drawn with ReportLab's own graphics (vector, no images)."""
from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker

from desk.pdf.faces import BASE, BASE_BOLD
from desk.reports.sla_data import WeekRow
from desk.reports.styles import ACCENT, ACCENT_2, INK, MUTED, RULE


def _category_labels(weeks: Sequence[WeekRow]) -> list[str]:
    # Label at most ~13 weeks so a year stays legible; the rest stay blank.
    step = max(1, -(-len(weeks) // 13))
    return [w.week_start.strftime("%d %b") if i % step == 0 else "" for i, w in enumerate(weeks)]


def _frame(width: float, height: float, title: str) -> Drawing:
    d = Drawing(width, height)
    d.add(String(0, height - 12, title, fontName=BASE_BOLD, fontSize=10, fillColor=INK))
    return d


def _legend(d: Drawing, x: float, y: float, items: list[tuple[object, str]]) -> None:
    lg = Legend()
    lg.x, lg.y = x, y
    lg.fontName, lg.fontSize = BASE, 7.5
    lg.alignment = "right"
    lg.columnMaximum = 1
    lg.dx = lg.dy = 7
    lg.deltax = 80
    lg.colorNamePairs = items
    d.add(lg)


def opened_resolved_chart(weeks: Sequence[WeekRow], width: float, height: float) -> Drawing:
    d = _frame(width, height, "Opened and resolved per week")
    c = VerticalBarChart()
    c.x, c.y, c.width, c.height = 34, 30, width - 44, height - 62
    c.data = [[w.counts.opened for w in weeks] or [0], [w.counts.resolved for w in weeks] or [0]]
    c.bars[0].fillColor, c.bars[1].fillColor = ACCENT, ACCENT_2
    c.bars.strokeColor = None
    c.groupSpacing = 2 if len(weeks) > 20 else 6
    c.barSpacing = 0.5
    c.valueAxis.valueMin = 0
    c.valueAxis.labels.fontName, c.valueAxis.labels.fontSize = BASE, 7
    c.valueAxis.gridStrokeColor, c.valueAxis.visibleGrid = RULE, True
    c.valueAxis.strokeColor = MUTED
    c.categoryAxis.categoryNames = _category_labels(weeks) or [""]
    c.categoryAxis.labels.fontName, c.categoryAxis.labels.fontSize = BASE, 6.5
    c.categoryAxis.labels.angle, c.categoryAxis.labels.boxAnchor = 30, "ne"
    c.categoryAxis.strokeColor = MUTED
    d.add(c)
    _legend(d, width - 170, height - 8, [(ACCENT, "opened"), (ACCENT_2, "resolved")])
    return d


def compliance_chart(weeks: Sequence[WeekRow], width: float, height: float) -> Drawing:
    d = _frame(width, height, "Targets met per week (%)")
    c = HorizontalLineChart()
    c.x, c.y, c.width, c.height = 34, 30, width - 44, height - 62
    # A week without outcomes has no percentage; ReportLab skips None points.
    c.data = [[w.counts.response_pct for w in weeks] or [None],
              [w.counts.resolution_pct for w in weeks] or [None]]
    # ReportLab cannot draw a line through fewer than two points: show markers only then.
    c.joinedLines = 0 if any(_has_lone_point(s) for s in c.data) else 1
    for i, colour in enumerate((ACCENT, ACCENT_2)):
        c.lines[i].strokeColor = colour
        c.lines[i].strokeWidth = 1.5
        c.lines[i].symbol = makeMarker("FilledCircle", size=2.5, fillColor=colour, strokeColor=colour)
    c.valueAxis.valueMin, c.valueAxis.valueMax, c.valueAxis.valueStep = 0, 100, 20
    c.valueAxis.labels.fontName, c.valueAxis.labels.fontSize = BASE, 7
    c.valueAxis.gridStrokeColor, c.valueAxis.visibleGrid = RULE, True
    c.valueAxis.strokeColor = MUTED
    c.categoryAxis.categoryNames = _category_labels(weeks) or [""]
    c.categoryAxis.labels.fontName, c.categoryAxis.labels.fontSize = BASE, 6.5
    c.categoryAxis.labels.angle, c.categoryAxis.labels.boxAnchor = 30, "ne"
    c.categoryAxis.strokeColor = MUTED
    d.add(c)
    _legend(d, width - 170, height - 8, [(ACCENT, "response met"), (ACCENT_2, "resolution met")])
    return d


def _has_lone_point(series: Sequence[float | None]) -> bool:
    """ReportLab joins a series' points across gaps; under two points there is no line."""
    return sum(v is not None for v in series) < 2
