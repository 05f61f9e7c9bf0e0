"""build_sla_report(report, out): the SLA report as a PDF (ReportLab platypus).

The breach appendix can run to hundreds of pages: it is set as one small table per
page of plain (pre-fitted) strings, which ReportLab lays out without splitting or
re-measuring, so it prints at a steady page rate.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from desk.pdf.faces import BASE, BASE_BOLD, NARROW, NARROW_BOLD
from desk.pdf.fonts import register_fonts
from desk.pdf.text import draw_text, fit, markup, plain, runs
from desk.reports.charts import compliance_chart, opened_resolved_chart
from desk.reports.errors import ReportCancelled
from desk.reports.params import GroupBy
from desk.reports.sla_data import AGEING_BUCKETS, BreachRow, ComplianceRow, SlaReport, printed_breaches
from desk.reports.styles import (
    ACCENT,
    BAD,
    INK,
    MARGIN,
    MUTED,
    PAGE,
    RULE,
    STRIPE,
    fmt_duration,
    fmt_int,
    fmt_local,
    fmt_pct,
    fmt_target,
    page_decorator,
    styles,
)
from desk.rules import labels

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]

APPENDIX_ROWS_PER_PAGE = 44
APPENDIX_FIRST_PAGE_ROWS = 40  # the first page also carries the appendix heading
CELL = 7.5
DEFINITIONS = (
    "Opened / resolved: tickets opened / resolved in the period. A target counts once, in the "
    "period its outcome became known: at its recorded breach, otherwise at the response or "
    "resolution; met = no breach recorded. Backlog at an instant: opened before it, not "
    "cancelled, not yet resolved or closed. Times are business time (each service's calendar, "
    "Pending states excluded) of tickets responded / resolved in the period; median and 90th "
    "percentile interpolate linearly between neighbouring tickets. Ageing counts calendar time "
    "open at the end of the period."
)


def build_sla_report(report: SlaReport, out: Path, *, progress: Progress | None = None,
                     cancelled: Cancelled | None = None) -> int:
    """Write the report to ``out`` (atomically); returns the number of pages."""
    register_fonts()
    st = styles()
    zone = report.params.zone
    prov = report.provenance
    title = f"SLA compliance report · {report.params.date_from} to {report.params.date_to}"
    footer = (f"Generated {fmt_local(prov.generated_at, zone, True)} by {prov.generated_by} · "
              f"{prov.database}")
    story: list[Flowable] = []
    story += _summary(report, st)
    story += [PageBreak()] + _compliance(report, st)
    story += [PageBreak()] + _trends(report, st)
    story += _ageing(report, st)
    story += _satisfaction(report, st)
    printed = printed_breaches(report.breaches)
    story += [PageBreak()] + _appendix(report.breaches, printed, st, zone)

    est_pages = 4 + appendix_pages(len(printed))
    state = {"pages": 0}

    class Doc(BaseDocTemplate):
        def afterPage(self) -> None:
            state["pages"] += 1
            if progress:
                progress(min(1.0, state["pages"] / est_pages), f"Page {state['pages']} of ~{est_pages}")

        def afterFlowable(self, flowable: Flowable) -> None:
            if cancelled and cancelled():
                raise ReportCancelled()

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".desk-report-", suffix=".pdf", dir=out.parent)
    os.close(fd)
    try:
        doc = Doc(tmp, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                  bottomMargin=MARGIN, title="SLA compliance report", author=prov.generated_by,
                  subject=title, creator=f"Desk {prov.desk_version}",
                  initialFontName=BASE)  # no unembedded Helvetica in the file
        frame = Frame(MARGIN, MARGIN, PAGE[0] - 2 * MARGIN, PAGE[1] - 2 * MARGIN, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        doc.addPageTemplates([PageTemplate("page", [frame], onPage=page_decorator(title, footer))])
        doc.build(story)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    if progress:
        progress(1.0, "Done")
    return state["pages"]


# -- sections ------------------------------------------------------------------------------

def appendix_pages(breaches: int) -> int:
    if breaches <= APPENDIX_FIRST_PAGE_ROWS:
        return 1
    return 1 + -(-(breaches - APPENDIX_FIRST_PAGE_ROWS) // APPENDIX_ROWS_PER_PAGE)


def _p(text: str, style: Any) -> Paragraph:
    return Paragraph(markup(text), style)


def _grid(data: list[list[Any]], widths: Sequence[float], *, header_rows: int = 1,
          extra: Sequence[tuple[Any, ...]] = (), font: str = NARROW, size: float = CELL) -> Table:
    t = Table(data, colWidths=list(widths), repeatRows=header_rows, hAlign="LEFT")
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, size),
        ("FONT", (0, 0), (-1, header_rows - 1), NARROW_BOLD, size),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, ACCENT),
        ("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [None, STRIPE]),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        *extra,
    ]))
    return t


def _kv(rows: list[tuple[str, str]], st: dict[str, Any], widths: tuple[float, float]) -> Table:
    data = [[Paragraph(markup(k), st["small"]), Paragraph(markup(v), st["body"])] for k, v in rows]
    t = Table(data, colWidths=list(widths))
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), BASE, 9),  # a Table sets its cells' font, Helvetica unless told
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return t


def _summary(r: SlaReport, st: dict[str, Any]) -> list[Flowable]:
    s, c, zone, prov = r.summary, r.summary.counts, r.params.zone, r.provenance
    head = r.params.label or f"{r.params.date_from:%d %B %Y} – {r.params.date_to:%d %B %Y}"
    figures = [
        ["Tickets opened", fmt_int(c.opened), "Response met",
         f"{fmt_pct(c.response_pct)}  ({fmt_int(c.response_met)} of {fmt_int(c.response_measured)})"],
        ["Tickets resolved", fmt_int(c.resolved), "Resolution met",
         f"{fmt_pct(c.resolution_pct)}  ({fmt_int(c.resolution_met)} of {fmt_int(c.resolution_measured)})"],
        ["Backlog at start", fmt_int(s.backlog_start), "Time to respond (median / 90th pct.)",
         f"{fmt_duration(s.response_time.median_s)} / {fmt_duration(s.response_time.p90_s)}"],
        ["Backlog at end", fmt_int(s.backlog_end), "Time to resolve (median / 90th pct.)",
         f"{fmt_duration(s.resolution_time.median_s)} / {fmt_duration(s.resolution_time.p90_s)}"],
        ["Breaches", (f"{fmt_int(c.breaches)}  ({fmt_int(c.response_breaches)} response, "
                      f"{fmt_int(c.resolution_breaches)} resolution)"),
         "Major incidents opened", fmt_int(len(s.majors))],
    ]
    ft = Table(figures, colWidths=[38 * mm, 78 * mm, 68 * mm, 71 * mm], hAlign="LEFT")
    ft.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), BASE, 10), ("FONT", (1, 0), (1, -1), BASE_BOLD, 10),
        ("FONT", (3, 0), (3, -1), BASE_BOLD, 10), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("TEXTCOLOR", (0, 0), (0, -1), MUTED), ("TEXTCOLOR", (2, 0), (2, -1), MUTED),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE), ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4), ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    vip = r.vip
    if vip.in_force_version is None:
        vip_text = "No VIP policy was published before the end of the period."
    else:
        per = ", ".join(f"v{v}: {fmt_int(n)}" for v, n in vip.tickets_by_version) or "none"
        vip_text = (f"VIP policy v{vip.in_force_version} (published "
                    f"{fmt_local(vip.in_force_published_at, zone)}) was in force at the end of the "
                    f"period. Tickets opened in the period whose urgency it raised: "
                    f"{fmt_int(vip.tickets)} ({per}).")
    provenance = [
        *r.params.describe(),
        ("Generated", f"{fmt_local(prov.generated_at, zone, True)} by {prov.generated_by}"),
        ("Database", prov.database),
        ("SLA versions", "; ".join(prov.sla_versions) or "not recorded"),
        ("Calendar versions", "; ".join(prov.calendar_versions) or "not recorded by the SLA engine"),
        ("Desk", prov.desk_version),
        ("Audit chain head", prov.audit_head or "not recorded"),
    ]
    out: list[Flowable] = [
        Paragraph("SLA compliance report", st["title"]), _p(head, st["subtitle"]),
        ft, Spacer(1, 4 * mm), _p(vip_text, st["body"]),
    ]
    if s.majors:
        rows = [["Major incident", "Title", "Service", "Status", "Opened"]]
        rows += [[m.number, _cell(m.title, 110 * mm), _cell(m.service, 50 * mm), labels.status(m.status),
                  fmt_local(m.opened_at, zone)] for m in s.majors]
        out += [Paragraph("Major incidents opened in the period", st["h2"]),
                _grid(rows, [28 * mm, 115 * mm, 55 * mm, 25 * mm, 30 * mm])]
    out += [Paragraph("Parameters and provenance", st["h2"]),
            _kv(provenance, st, (35 * mm, PAGE[0] - 2 * MARGIN - 35 * mm)),
            Spacer(1, 3 * mm), _p(DEFINITIONS, st["small"])]
    return out


def _satisfaction(r: SlaReport, st: dict[str, Any]) -> list[Flowable]:
    """Walk-up satisfaction: the customers' own taps at the end of the period's pickups."""
    sat = r.satisfaction
    out: list[Flowable] = [Paragraph("Walk-up satisfaction at pickup", st["h2"])]
    if sat is None or not sat.total.pickups:
        return [*out, _p("No laptop was picked up at the counter in the period.", st["body"])]
    rows: list[list[Any]] = [["", "Pickups", "Answered", "Response rate", "Score (0–100)", "Happy", "Neutral",
                              "Unhappy"]]
    groups = [("All pickups", sat.total), *((f"Counter: {t.label}", t) for t in sat.by_counter),
              *((f"Technician: {t.label}", t) for t in sat.by_technician),
              *((t.label.capitalize(), t) for t in sat.by_week)]
    for label, t in groups:
        rows.append([_cell(label, 80 * mm), fmt_int(t.pickups), fmt_int(t.answered),
                     f"{t.response_rate:.0%}" if t.response_rate is not None else "—",
                     f"{t.score:.0f}" if t.score is not None else "—", fmt_int(t.happy), fmt_int(t.neutral),
                     fmt_int(t.unhappy)])
    out += [_grid(rows, [80 * mm, 22 * mm, 22 * mm, 27 * mm, 27 * mm, 20 * mm, 20 * mm, 20 * mm]),
            Spacer(1, 2 * mm),
            _p("Score: unhappy 0, neutral 50, happy 100, averaged over those who answered; response rate: "
               "answered of pickups (a customer who skips, or a pickup where nobody asked, counts as not "
               "answered).", st["small"])]
    if sat.comments:
        out.append(Paragraph("What customers wrote", st["h2"]))
        face = {1: "Unhappy", 2: "Neutral", 3: "Happy", None: "No face"}
        for _at, number, score, text in sat.comments[:10]:
            out.append(_p(f"{number} · {face.get(score, '')}: {text}", st["body"]))
    return out


def _cell(text: str, width: float, font: str = NARROW, size: float = CELL) -> Any:
    """A plain table cell for user text: fitted to width, in fonts that have its glyphs."""
    fitted = fit(text, width - 6, font, size)
    if plain(fitted, font):
        return fitted
    return _Plain(fitted, font, size)


class _Plain(Flowable):
    """One line of user text set per script (for the rare cell the table's font cannot set)."""

    def __init__(self, text: str, font: str, size: float) -> None:
        super().__init__()
        self.text, self.font, self.size = text, font, size

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return aw, self.size * 1.2

    def draw(self) -> None:
        self.canv.setFillColor(INK)
        draw_text(self.canv, 0, self.size * 0.25, self.text, self.font, self.size)


def _compliance(r: SlaReport, st: dict[str, Any]) -> list[Flowable]:
    g = r.params.group_by
    label_heads = {GroupBy.SERVICE_PRIORITY: ["Service", "Priority"], GroupBy.TEAM: ["Team"],
                   GroupBy.ASSIGNEE: ["Assignee"], GroupBy.WEEK: ["Week"]}[g]
    label_w = [44 * mm, 12 * mm] if g is GroupBy.SERVICE_PRIORITY else [56 * mm]
    nums = ["Opened", "Resolved", "Target", "Met", "Met %", "Median", "90th pct.",
            "Target", "Met", "Met %", "Median", "90th pct."]
    num_w = [14 * mm, 15 * mm] + [22 * mm, 16 * mm, 13 * mm, 17 * mm, 17 * mm] * 2
    nl = len(label_heads)
    top = [""] * nl + ["", "", "Response", "", "", "", "", "Resolution", "", "", "", ""]
    data: list[list[Any]] = [top, label_heads + nums]
    label_width = label_w[0]
    for row in r.compliance:
        data.append([_cell(row.label[0], label_width), *row.label[1:], *_numbers(row)])
    tot = r.summary
    data.append(["All"] + [""] * (nl - 1) + [
        fmt_int(tot.counts.opened), fmt_int(tot.counts.resolved), "",
        f"{fmt_int(tot.counts.response_met)}/{fmt_int(tot.counts.response_measured)}",
        fmt_pct(tot.counts.response_pct), fmt_duration(tot.response_time.median_s),
        fmt_duration(tot.response_time.p90_s), "",
        f"{fmt_int(tot.counts.resolution_met)}/{fmt_int(tot.counts.resolution_measured)}",
        fmt_pct(tot.counts.resolution_pct), fmt_duration(tot.resolution_time.median_s),
        fmt_duration(tot.resolution_time.p90_s)])
    extra = [
        ("SPAN", (nl + 2, 0), (nl + 6, 0)), ("SPAN", (nl + 7, 0), (nl + 11, 0)),
        ("ALIGN", (nl, 1), (-1, -1), "RIGHT"), ("ALIGN", (nl, 0), (-1, 0), "CENTER"),
        ("LINEBELOW", (nl + 2, 0), (-1, 0), 0.3, RULE),
        ("FONT", (0, -1), (-1, -1), NARROW_BOLD, CELL), ("LINEABOVE", (0, -1), (-1, -1), 0.6, ACCENT),
        ("TEXTCOLOR", (nl + 2, 2), (nl + 2, -1), MUTED), ("TEXTCOLOR", (nl + 7, 2), (nl + 7, -1), MUTED),
    ]
    heading = {GroupBy.SERVICE_PRIORITY: "service and priority", GroupBy.TEAM: "team",
               GroupBy.ASSIGNEE: "assignee", GroupBy.WEEK: "week"}[g]
    return [Paragraph(f"Compliance by {heading}", st["h2"]),
            _p("Targets beside results: the target(s) in force for the group's tickets, "
               "targets met of those measured, and the business time taken.", st["small"]),
            Spacer(1, 2 * mm), _grid(data, label_w + num_w, header_rows=2, extra=extra)]


def _numbers(row: ComplianceRow) -> list[str]:
    c = row.counts
    return [
        fmt_int(c.opened), fmt_int(c.resolved),
        fmt_target(row.response_target.low_s, row.response_target.high_s),
        f"{fmt_int(c.response_met)}/{fmt_int(c.response_measured)}", fmt_pct(c.response_pct),
        fmt_duration(row.response_time.median_s), fmt_duration(row.response_time.p90_s),
        fmt_target(row.resolution_target.low_s, row.resolution_target.high_s),
        f"{fmt_int(c.resolution_met)}/{fmt_int(c.resolution_measured)}", fmt_pct(c.resolution_pct),
        fmt_duration(row.resolution_time.median_s), fmt_duration(row.resolution_time.p90_s),
    ]


def _trends(r: SlaReport, st: dict[str, Any]) -> list[Flowable]:
    w = (PAGE[0] - 2 * MARGIN - 8 * mm) / 2
    charts = Table([[opened_resolved_chart(r.weeks, w, 70 * mm), compliance_chart(r.weeks, w, 70 * mm)]],
                   colWidths=[w + 4 * mm, w + 4 * mm])
    charts.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), BASE, 9), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    rows: list[list[Any]] = [["Week from", "Opened", "Resolved", "Response met", "Response met %",
                              "Resolution met", "Resolution met %", "Breaches"]]
    for wk in r.weeks:
        c = wk.counts
        rows.append([wk.week_start.isoformat(), fmt_int(c.opened), fmt_int(c.resolved),
                     f"{fmt_int(c.response_met)}/{fmt_int(c.response_measured)}", fmt_pct(c.response_pct),
                     f"{fmt_int(c.resolution_met)}/{fmt_int(c.resolution_measured)}",
                     fmt_pct(c.resolution_pct), fmt_int(c.breaches)])
    table = _grid(rows, [26 * mm, 20 * mm, 20 * mm, 26 * mm, 26 * mm, 26 * mm, 28 * mm, 20 * mm],
                  extra=[("ALIGN", (1, 0), (-1, -1), "RIGHT")])
    return [Paragraph("Weekly trend", st["h2"]), charts, Spacer(1, 3 * mm), table]


def _ageing(r: SlaReport, st: dict[str, Any]) -> list[Flowable]:
    head = ["Priority", *[label for label, _ in AGEING_BUCKETS], "Total"]
    rows: list[list[Any]] = [head]
    totals = [0] * len(AGEING_BUCKETS)
    for a in r.ageing:
        rows.append([a.priority, *[fmt_int(n) for n in a.buckets], fmt_int(a.total)])
        totals = [t + n for t, n in zip(totals, a.buckets)]
    rows.append(["All", *[fmt_int(n) for n in totals], fmt_int(sum(totals))])
    table = _grid(rows, [22 * mm] + [24 * mm] * (len(AGEING_BUCKETS) + 1),
                  extra=[("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                         ("FONT", (0, -1), (-1, -1), NARROW_BOLD, CELL),
                         ("LINEABOVE", (0, -1), (-1, -1), 0.6, ACCENT)])
    return [CondPageBreak(60 * mm), KeepTogether([
        Paragraph("Backlog ageing at the end of the period", st["h2"]),
        _p("Tickets still open at the end of the period by priority and time since opening.", st["small"]),
        Spacer(1, 2 * mm), table])]


APPENDIX_COLS = [  # (heading, width)
    ("Ticket", 22 * mm), ("Title", 78 * mm), ("Service", 40 * mm), ("Prio.", 11 * mm),
    ("Kind", 16 * mm), ("Breached at", 27 * mm), ("Target time", 20 * mm), ("Actual", 20 * mm),
    ("Over by", 20 * mm),
]


def _over(b: BreachRow) -> str:
    if b.over_s is None:
        return "—"
    # A breach stays recorded when a later priority change gives a longer target.
    return "re-targeted" if b.over_s <= 0 else fmt_duration(b.over_s)


class _TextOps:
    """PDF text operators and widths of cell strings, cached per document.

    ReportLab's text object splits every string into font subsets and escapes it on each
    call; appendix cells repeat (services, priorities, durations, dates), so each
    (font, string) is encoded once: its width and its "/F+subset size Tf (..) Tj"
    operators, with runs in the fallback font where the main font lacks glyphs. Only
    ReportLab's TrueType subset API is used to encode.
    """

    def __init__(self) -> None:
        self.doc: object | None = None
        self.cache: dict[tuple[str, str], tuple[float, str]] = {}
        self.fonts: set[str] = set()  # every face the cached operators name

    def cell(self, canv: Any, font_name: str, text: str) -> tuple[float, str]:
        if canv._doc is not self.doc:  # a new document: subsets start afresh
            self.doc, self.cache, self.fonts = canv._doc, {}, set()
        key = (font_name, text)
        got = self.cache.get(key)
        if got is None:
            width, ops = 0.0, []
            for f, piece in runs(text, font_name):
                self.fonts.add(f)
                font = getFont(f)
                width += stringWidth(piece, f, CELL)
                ops += [f"{font.getSubsetInternalName(subset, canv._doc)} {fp_str(CELL)} Tf "
                        f"({canv._escape(part)}) Tj" for subset, part in font.splitString(piece, canv._doc)]
            got = self.cache[key] = (width, " ".join(ops))
        return got


class BreachSheet(Flowable):
    """One page of the breach appendix drawn straight onto the canvas: pre-fitted strings
    as cached text operators, stripes as rectangles. ReportLab's Table measures and styles
    every cell, which at hundreds of pages was most of the report's time."""

    ROW_H = CELL * 1.2 + 2.4
    PAD = 3.0
    RIGHT = frozenset({6, 7, 8})

    def __init__(self, rows: Sequence[tuple[str, ...]], widths: Sequence[float], ops: _TextOps) -> None:
        super().__init__()
        self.rows, self.widths, self.ops = rows, list(widths), ops
        self.xs = [sum(self.widths[:i]) for i in range(len(self.widths) + 1)]

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = self.xs[-1], self.ROW_H * (len(self.rows) + 1)
        return self.width, self.height

    def draw(self) -> None:
        c, rh, h, w = self.canv, self.ROW_H, self.height, self.xs[-1]
        c.setFillColor(STRIPE)
        for i in range(1, len(self.rows), 2):
            c.rect(0, h - (i + 2) * rh, w, rh, stroke=0, fill=1)
        c.setStrokeColor(ACCENT)
        c.setLineWidth(0.6)
        c.line(0, h - rh, w, h - rh)
        out = ["BT", _INK_RG]
        self._row(out, [h for h, _ in APPENDIX_COLS], h - rh, NARROW_BOLD)
        for r, row in enumerate(self.rows):
            self._row(out, row, h - (r + 2) * rh, NARROW)
        out.append("ET")
        # Fonts used through raw operators must still be registered with the canvas's
        # document; setting each once through the public API does that.
        for f in sorted(self.ops.fonts):
            c.setFont(f, CELL)
        c._code.append("\n".join(out))

    def _row(self, out: list[str], cells: Sequence[str], top: float, font: str) -> None:
        base = fp_str(top + (self.ROW_H - CELL) / 2 + CELL * 0.18)
        last = len(cells) - 1
        for col, value in enumerate(cells):
            width, ops = self.ops.cell(self.canv, font, value)
            x = self.xs[col + 1] - self.PAD - width if col in self.RIGHT else self.xs[col] + self.PAD
            if col == last and font == NARROW:
                out.append(f"{_BAD_RG} 1 0 0 1 {fp_str(x)} {base} Tm {ops} {_INK_RG}")
            else:
                out.append(f"1 0 0 1 {fp_str(x)} {base} Tm {ops}")


_INK_RG = f"{fp_str(INK.red, INK.green, INK.blue)} rg"
_BAD_RG = f"{fp_str(BAD.red, BAD.green, BAD.blue)} rg"

def _appendix(every: Sequence[BreachRow], breaches: Sequence[BreachRow], st: dict[str, Any],
              zone: Any) -> list[Flowable]:
    """``every`` breach of the period; ``breaches``: those printed (desk.reports.sla_data.printed_breaches)."""
    if len(breaches) == len(every):
        which = "Every response and resolution breach recorded in the period, oldest first. "
    else:
        which = (f"The period has {fmt_int(len(every))} response and resolution breaches; these are the "
                 f"{fmt_int(len(breaches))} most severe: still open first (oldest breach first), then "
                 "furthest over the target. Every breach is in the CSV export (breaches.csv). ")
    out: list[Flowable] = [Paragraph(f"Appendix: breaches in the period ({fmt_int(len(every))})", st["h2"]),
                           _p(which + "“open” means the ticket is not yet answered / resolved: its actual "
                              "time is still running; “re-targeted”: breached, then a priority change gave "
                              "it a target it met (the breach stays recorded).", st["small"]), Spacer(1, 2 * mm)]
    if not breaches:
        out.append(_p("No breaches were recorded in the period.", st["body"]))
        return out
    widths = [w for _, w in APPENDIX_COLS]
    fitted: dict[tuple[str, int], str] = {}  # titles and service names repeat a lot

    def fit_cached(text: str, col: int) -> str:
        key = (text, col)
        if key not in fitted:
            fitted[key] = fit(text, widths[col] - 2 * BreachSheet.PAD, NARROW, CELL)
        return fitted[key]

    ops = _TextOps()
    starts = [0, *range(APPENDIX_FIRST_PAGE_ROWS, len(breaches), APPENDIX_ROWS_PER_PAGE)]
    for n, (i, j) in enumerate(zip(starts, [*starts[1:], len(breaches)])):
        rows = [(b.number, fit_cached(b.title, 1), fit_cached(b.service, 2), b.priority, b.kind,
                 fmt_local(b.breached_at, zone), fmt_duration(b.target_s),
                 "open" if b.elapsed_s is None else fmt_duration(b.elapsed_s), _over(b))
                for b in breaches[i:j]]
        if n:
            out.append(PageBreak())
        out.append(BreachSheet(rows, widths, ops))
    return out
