"""The published VIP policy and VIP list as a one-page notice for staff and users: the
desk's header, the policy in force (its version, when and by whom it was published, what
it does to urgency), then who holds VIP status and in which office. Every piece of user
text is escaped and set per script; a long list is scaled down to fit the page, never cut."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, Spacer, Table

from desk.pdf.text import markup
from desk.people.service import VipEntry, VipPolicyView
from desk.printing import styles as st
from desk.printing.branding import Branding, load_branding
from desk.printing.builders import Out, _doc, _logo


def levels_words(levels: int) -> str:
    """What a policy does to the urgency of a VIP caller's incident, in words."""
    return {0: "does not change urgency", 1: "raises urgency by one level"}.get(
        levels, f"raises urgency by {levels} levels")


def _day(value: dt.datetime, zone: ZoneInfo) -> str:
    return f"{value.astimezone(zone):%d %b %Y}"


def build_vip_sheet(policy: VipPolicyView | None, entries: list[VipEntry], out: Out, *, zone: ZoneInfo,
                    paper: str = "letter", branding: Branding | None = None) -> None:
    b = branding or load_branding()
    s = st.Styles()
    size = st.paper(paper)
    width = size[0] - 2 * st.MARGIN
    version = f"v{policy.version}" if policy else "not published"
    doc = _doc(out, size, "VIP policy", version)
    names = Paragraph(f"{markup(b.institution)}<br/><font size='9.5'>{markup(b.desk)}</font>", s.institution)
    head = Table([[_logo(b, 16 * mm), names, Paragraph(f"VIP policy {markup(version)}", s.center_small)]],
                 colWidths=[19 * mm, width - 19 * mm - 30 * mm, 30 * mm])
    head.setStyle(st.table_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("LINEBELOW", (0, 0), (-1, 0), 0.8, st.INK), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    body: list[Flowable] = [Paragraph("VIP policy and VIP list", s.title)]
    if policy is None:
        body.append(Paragraph("No VIP policy has been published: VIP status changes no ticket.", s.body))
    else:
        by = f" by {markup(policy.published_by)}" if policy.published_by else ""
        body.append(Paragraph(f"Version {policy.version}, published {_day(policy.published_at, zone)}{by}. "
                              f"For a VIP caller the policy {levels_words(policy.urgency_levels_raised)}; "
                              "impact is never changed.", s.small))
        body.append(Spacer(1, 3 * mm))
        for para in (p.strip() for p in policy.text.split("\n\n")):
            if para:
                body += [Paragraph(markup(para).replace("\n", "<br/>"), s.body), Spacer(1, 1.5 * mm)]
    body += [Spacer(1, 3 * mm), Paragraph(f"Who holds VIP status ({len(entries)})", s.section)]
    if not entries:
        body.append(Paragraph("Nobody holds VIP status.", s.body))
    else:
        rows: list[list[Flowable]] = [[Paragraph(h, s.label) for h in ("Name", "Office", "Since")]]
        rows += [[Paragraph(markup(e.name), s.body), Paragraph(markup(e.office or "—"), s.body),
                  Paragraph(_day(e.since, zone), s.body)] for e in entries]
        table = Table(rows, colWidths=[width * 0.42, width * 0.40, width * 0.18], repeatRows=1)
        table.setStyle(st.table_style([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                       ("LINEBELOW", (0, 0), (-1, 0), 0.6, st.RULE),
                                       ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, st.SHADE]),
                                       ("LEFTPADDING", (0, 0), (-1, -1), 3)]))
        body.append(table)
    body += [Spacer(1, 4 * mm),
             Paragraph("Every ticket the policy touches says so, with the version that raised it. "
                       "Every change to this list and to this policy is recorded.", s.small)]
    top, bottom = 14 * mm, 22 * mm
    frame_height = size[1] - top - bottom - 26 * mm
    story: list[Flowable] = [head, Spacer(1, 4 * mm), KeepInFrame(width, frame_height, body, mode="shrink")]
    doc.build(story, onFirstPage=st.footer(b, f"VIP policy {version}"))
