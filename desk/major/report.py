"""The post-incident report of a major incident as a PDF (ReportLab, the counter's styles
and embedded fonts; every piece of user text escaped through ``markup``)."""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from desk.major.report_data import ReportData
from desk.pdf.faces import BASE
from desk.pdf.text import markup
from desk.printing import styles as st
from desk.printing.branding import load_branding
from desk.printing.builders import when
from desk.rules import labels

Out = str | Path | BinaryIO


def span(seconds: int) -> str:
    """4 h 05 min, 2 d 3 h 10 min (wall clock) — days only when there are any."""
    minutes = max(0, seconds) // 60
    d, rem = divmod(minutes, 24 * 60)
    h, m = divmod(rem, 60)
    return (f"{d} d " if d else "") + f"{h} h {m:02d} min"


def _kv(s: st.Styles, rows: list[tuple[str, str]]) -> Table:
    """Label/value rows; values are already safe markup."""
    data = [[Paragraph(label, s.label), Paragraph(value, s.body)] for label, value in rows]
    t = Table(data, colWidths=[42 * mm, None], hAlign="LEFT")
    t.setStyle(st.table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                               ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    return t


def build_post_incident_report(data: ReportData, out: Out, *, paper: str = "letter") -> None:
    s = st.Styles()
    b = load_branding()
    zone = ZoneInfo(data.time_zone)
    m = data.major
    pagesize = st.paper(paper)
    width = pagesize[0] - 2 * st.MARGIN
    target = str(out) if isinstance(out, Path) else out
    doc = SimpleDocTemplate(target, pagesize=pagesize, leftMargin=st.MARGIN, rightMargin=st.MARGIN,
                            topMargin=14 * mm, bottomMargin=22 * mm, title=f"Post-incident report {m.number}",
                            author="Desk", subject=m.number, creator="Desk (ReportLab)", initialFontName=BASE)
    story: list = [
        Paragraph(f"{markup(b.institution)} · {markup(b.desk)}", s.small),
        Paragraph(f"Post-incident report {markup(m.number)}", s.title),
        Paragraph(markup(m.title), s.section),
        Spacer(1, 2 * mm),
    ]
    children = ", ".join(f"{n} {markup(label)}" for label, n in data.children_by_status) or "none"
    ended = "Resolved" if m.resolved_at else "Still open at"
    story.append(_kv(s, [
        ("Service", markup(m.service or "—")),
        ("Status / priority", f"{markup(m.status_label)} / {markup(m.priority)}"),
        ("Manager", markup(m.manager or "—")),
        ("Opened", markup(when(m.opened_at, zone))),
        (ended, markup(when(data.ended_at, zone))),
        ("Duration", (f"{span(data.wall_seconds)} elapsed; {span(data.business_seconds)} business time "
                     f"(calendar {markup(data.calendar)})")),
        ("Child incidents", f"{len(m.children)} ({children})"),
        ("Communications", f"{len(m.comms)} updates in the log"),
    ]))
    story.append(Paragraph("Resolution", s.section))
    story.append(Paragraph(
        f"<b>{markup(labels.resolution_code(data.resolution_code))}</b>: {markup(data.resolution_note)}"
        if data.resolution_code
        else "Not resolved yet.", s.body))
    story.append(Paragraph("Root cause", s.section))
    if data.root_causes:
        for rc in data.root_causes:
            story.append(Paragraph(f"<b>{markup(rc.problem)}</b> {markup(rc.title)} ({markup(rc.status)})", s.body))
            story.append(_kv(s, [("Root cause", markup(rc.root_cause or "not yet known")),
                                 ("Workaround", markup(rc.workaround or "—"))]))
    else:
        story.append(Paragraph("No problem linked yet (open one from the major incident).", s.body))
    if m.team:
        story.append(Paragraph("Team", s.section))
        rows = [[Paragraph("<b>Name</b>", s.small), Paragraph("<b>Role</b>", s.small)]]
        rows += [[Paragraph(markup(t.name), s.body), Paragraph(markup(t.role), s.body)] for t in m.team]
        team = Table(rows, colWidths=[width * 0.5, width * 0.5], hAlign="LEFT", repeatRows=1)
        team.setStyle(st.table_style([("LINEBELOW", (0, 0), (-1, 0), 0.6, st.RULE)]))
        story.append(team)
    story.append(Paragraph("Timeline", s.section))
    rows = [[Paragraph("<b>When</b>", s.small), Paragraph("<b>Who</b>", s.small), Paragraph("<b>What</b>", s.small)]]
    shaded: list[tuple] = []
    for i, e in enumerate(data.timeline, start=1):
        what = ("<b>Update:</b> " if e.comms else "") + markup(e.what, max_chars=4000)
        rows.append([Paragraph(markup(when(e.at, zone)), s.small), Paragraph(markup(e.who), s.small),
                     Paragraph(what, s.body)])
        if e.comms:
            shaded.append(("BACKGROUND", (0, i), (-1, i), st.SHADE))
    timeline = Table(rows, colWidths=[40 * mm, 30 * mm, width - 70 * mm], hAlign="LEFT", repeatRows=1)
    timeline.setStyle(st.table_style([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                      ("LINEBELOW", (0, 0), (-1, 0), 0.6, st.RULE),
                                      ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d5dae3")),
                                      *shaded]))
    story.append(timeline)
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(f"Generated {markup(when(data.generated_at, zone))} by {markup(data.generated_by)}. "
                           "Times in the desk time zone; business time from the SLA engine's calendar.", s.small))
    footer = st.footer(b, f"Post-incident report {m.number}")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
