"""Builders: plain functions from a RepairView to a PDF file (path or binary stream).

Every piece of user text goes through ``markup`` (escaped, per-script fonts) before it
reaches a Paragraph. Build off the GUI thread: a slip takes a few hundred milliseconds.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    KeepInFrame,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from desk.counter.views import RepairView
from desk.pdf.faces import BASE
from desk.pdf.text import markup
from desk.printing import styles as st
from desk.printing.barcodes import code128_flowable, fit_code128, qr_drawing
from desk.printing.branding import Branding, load_branding

Out = str | Path | BinaryIO
YES_NO = {True: "Yes", False: "No"}


def when(value: dt.datetime | None, zone: ZoneInfo) -> str:
    """An instant as the desk's wall clock shows it, zone named."""
    if value is None:
        return "—"
    t = value.astimezone(zone)
    return f"{t:%a %d %b %Y, %H:%M} {t.tzname()}"


def _doc(out: Out, pagesize: tuple[float, float], title: str, number: str) -> SimpleDocTemplate:
    target = str(out) if isinstance(out, Path) else out
    return SimpleDocTemplate(target, pagesize=pagesize, leftMargin=st.MARGIN, rightMargin=st.MARGIN,
                             topMargin=14 * mm, bottomMargin=22 * mm, title=f"{title} {number}",
                             author="Desk", subject=number, creator="Desk (ReportLab)",
                             initialFontName=BASE)  # no unembedded Helvetica in the file


def _logo(b: Branding, size: float) -> Flowable:
    if b.logo is None:
        return Spacer(size, size)
    return Image(str(b.logo), width=size, height=size)


def _header(s: st.Styles, b: Branding, r: RepairView, title: str, width: float) -> list[Flowable]:
    names = Paragraph(f"{markup(b.institution)}<br/><font size='9.5'>{markup(b.desk)}</font>", s.institution)
    barcode = fit_code128(r.number, 62 * mm, 12 * mm)
    code = Table([[barcode], [Paragraph(markup(r.number), s.center_small)]], colWidths=[64 * mm])
    code.setStyle(st.table_style([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    head = Table([[_logo(b, 18 * mm), names, code]], colWidths=[21 * mm, width - 21 * mm - 66 * mm, 66 * mm])
    head.setStyle(st.table_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("LINEBELOW", (0, 0), (-1, 0), 0.8, st.INK), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    ident = Table([[Paragraph(markup(title), s.title), qr_drawing(r.number, 24 * mm)],
                   [Paragraph(markup(r.number), s.number), ""]],
                  colWidths=[width - 28 * mm, 28 * mm])
    ident.setStyle(st.table_style([("SPAN", (1, 0), (1, 1)), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [head, Spacer(1, 4 * mm), ident]


def _line(s: st.Styles, label: str, value: str | None, *, max_chars: int | None = None) -> Paragraph:
    return Paragraph(st.para_text(label, value, max_chars=max_chars), s.body)


def _columns(left: list[Flowable], right: list[Flowable], width: float) -> Table:
    """Two short blocks side by side (customer | device); long free text never goes here."""
    t = Table([[left, right]], colWidths=[width / 2, width / 2], hAlign="LEFT")
    t.setStyle(st.table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (0, -1), 4 * mm), ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    return t


def _customer(s: st.Styles, r: RepairView) -> list[Flowable]:
    acting = " / ".join(x for x in (r.acting_status, r.acting_department) if x)
    return [
        Paragraph("Customer", s.section),
        _line(s, "Name", r.caller_name), _line(s, "University ID", r.caller_university_id),
        _line(s, "Contact", " · ".join(x for x in (r.caller_email, r.caller_phone) if x)),
        _line(s, "Acting as", acting or None),
    ]


def _device(s: st.Styles, r: RepairView) -> list[Flowable]:
    d = r.device
    return [
        Paragraph("Device", s.section),
        _line(s, "Make and model", " ".join(x for x in (d.make, d.model) if x) or None),
        _line(s, "Asset tag", d.asset_tag), _line(s, "Serial number", d.serial),
        _line(s, "Operating system", d.os or None),
        _line(s, "Warranty until", d.warranty_until.isoformat() if d.warranty_until else "unknown / none"),
    ]


def _signature(s: st.Styles, png: bytes | None, caption: str, max_w: float = 70 * mm,
               max_h: float = 24 * mm) -> list[Flowable]:
    if not png:
        return [Paragraph(markup(f"{caption}: not signed"), s.body)]
    img = Image(io.BytesIO(png))
    scale = min(max_w / img.imageWidth, max_h / img.imageHeight)
    img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
    img.hAlign = "LEFT"
    box = Table([[img]], colWidths=[max_w + 4 * mm])
    box.setStyle(st.table_style([("LINEBELOW", (0, 0), (-1, -1), 0.6, st.RULE), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    box.hAlign = "LEFT"
    return [box, Paragraph(markup(caption), s.small)]


def build_intake_slip(r: RepairView, out: Out, *, paper: str = "letter", branding: Branding | None = None) -> None:
    """The customer's copy of the intake: what was handed in, in what state, on what terms."""
    s, b = st.Styles(), branding or load_branding()
    zone = ZoneInfo(r.time_zone)  # the desk's, as the repair was read
    size = st.paper(paper)
    width = size[0] - 2 * st.MARGIN - 12  # the frame pads 6 pt on each side
    doc = _doc(out, size, "Intake slip", r.number)
    story: list[Flowable] = _header(s, b, r, "Laptop repair — intake slip (customer copy)", width)
    story += [_line(s, "Received", when(r.intake_at, zone))]
    story.append(_columns(_customer(s, r), _device(s, r), width))
    story += [
        Paragraph("Reported problem", s.section), Paragraph(markup(r.symptoms), s.body),
        Paragraph("Condition at intake", s.section),
        _line(s, "Checked", ", ".join(r.condition) if r.condition else "no visible damage noted"),
        _line(s, "Damage notes", r.damage_notes or None),
        _line(s, "Accessories received", ", ".join(a.name for a in r.accessories) or "none"),
    ]
    data = [
        Paragraph("Data and access", s.section),
        _line(s, "Back up data before repair", YES_NO[r.backup_wanted]),
        _line(s, "Disk may be wiped", YES_NO[r.wipe_allowed]),
        _line(s, "Login needed", YES_NO[r.login_needed] + (" (password never written down or stored)"
                                                           if r.login_needed else "")),
    ]
    loaner: list[Flowable] = [Paragraph("Loaner laptop", s.section)]
    loan = r.loan
    if loan:
        loaner += [_line(s, "Lent", f"{loan.loaner_asset_tag} — {loan.loaner_description}"),
                   _line(s, "Due back", when(loan.due_at, zone))]
    else:
        loaner.append(Paragraph("None lent.", s.body))
    story.append(_columns(data, loaner, width))
    terms = [Paragraph(f"Terms of repair (version {markup(b.terms.version)})", s.section)]
    terms += [Paragraph(markup(p), s.terms) for p in b.terms.text.split("\n") if p.strip()]
    sig = r.signature("intake")
    terms += [Spacer(1, 3 * mm)] + _signature(
        s, sig.png if sig else None,
        f"Customer signature accepting these terms — {r.caller_name}, {when(sig.signed_at if sig else None, zone)}")
    terms += [Spacer(1, 2 * mm), _line(s, "Received by (staff initials)", r.staff_initials)]
    story.append(KeepTogether(terms))
    story += [Spacer(1, 3 * mm), Paragraph(markup(
        f"Bring this slip and photo ID to collect your laptop. Questions: {b.contact}. Hours: {b.hours}."), s.small)]
    doc.build(story, onFirstPage=st.footer(b, f"Intake slip {r.number}"),
              onLaterPages=st.footer(b, f"Intake slip {r.number}"))


def build_device_tag(r: RepairView, out: Out, *, label: st.LabelSize = st.DEFAULT_LABEL) -> None:
    """A small label for the laptop lid: barcode, number, customer name and date."""
    s = st.Styles()
    w, h = label.points
    pad = 1.8 * mm
    doc = SimpleDocTemplate(str(out) if isinstance(out, Path) else out, pagesize=(w, h), leftMargin=pad,
                            rightMargin=pad, topMargin=pad, bottomMargin=pad, title=f"Device tag {r.number}",
                            author="Desk", subject=r.number, initialFontName=BASE)
    inner_w, inner_h = w - 2 * pad, h - 2 * pad
    bar_h = max(inner_h * 0.42, 6 * mm)
    barcode = fit_code128(r.number, inner_w, bar_h)
    barcode.hAlign = "CENTER"
    text = [
        barcode,
        Paragraph(f"<b>{markup(r.number)}</b> · {markup(f'{r.local(r.intake_at):%Y-%m-%d}')}", s.tag_small),
        Paragraph(markup(r.caller_name, max_chars=60), s.tag_name),
        Paragraph(markup(r.device.asset_tag or r.device.serial, max_chars=40), s.tag_small),
    ]
    # Shrink rather than spill onto a second label when a name is long.
    doc.build([KeepInFrame(inner_w, inner_h, text, mode="shrink")])


def build_pickup_receipt(r: RepairView, out: Out, *, paper: str = "letter", branding: Branding | None = None) -> None:
    """What was done, what was handed back, and the customer's signature at pickup."""
    s, b = st.Styles(), branding or load_branding()
    zone = ZoneInfo(r.time_zone)  # the desk's, as the repair was read
    size = st.paper(paper)
    width = size[0] - 2 * st.MARGIN - 12  # the frame pads 6 pt on each side
    doc = _doc(out, size, "Pickup receipt", r.number)
    story: list[Flowable] = _header(s, b, r, "Laptop repair — pickup receipt", width)
    story += [_line(s, "Received", when(r.intake_at, zone)), _line(s, "Picked up", when(r.picked_up_at, zone)),
              _line(s, "Identification checked", r.pickup_id_checked)]
    story.append(_columns(_customer(s, r), _device(s, r), width))
    story += [Paragraph("Work done", s.section), Paragraph(markup(r.work_done or r.resolution_note or "—"), s.body),
              _line(s, "Parts", ", ".join(r.parts) if r.parts else "none")]
    rows = [[Paragraph("<b>Accessory</b>", s.body), Paragraph("<b>Handed back</b>", s.body)]]
    rows += [[Paragraph(markup(a.name), s.body), Paragraph(markup("✓ yes" if a.returned else "✗ NO"), s.body)]
             for a in r.accessories]
    story.append(Paragraph("Accessories", s.section))
    if r.accessories:
        t = Table(rows, colWidths=[width * 0.6, width * 0.3], hAlign="LEFT")
        t.setStyle(st.table_style([("GRID", (0, 0), (-1, -1), 0.4, st.RULE), ("BACKGROUND", (0, 0), (-1, 0), st.SHADE)]))
        story.append(t)
    else:
        story.append(Paragraph("None were handed in.", s.body))
    if r.resolution_note and "Not handed back" in r.resolution_note:
        story.append(Paragraph(markup(r.resolution_note.split("\n", 1)[-1]), s.body))
    story.append(Paragraph("Loaner laptop", s.section))
    loan = r.loan
    if loan:
        story.append(_line(s, loan.loaner_asset_tag, f"returned {when(loan.returned_at, zone)}" if loan.returned_at
                           else f"NOT returned — due {when(loan.due_at, zone)}"))
    else:
        story.append(Paragraph("None lent.", s.body))
    sig = r.signature("pickup")
    story.append(KeepTogether([Spacer(1, 4 * mm)] + _signature(
        s, sig.png if sig else None,
        f"Customer signature: laptop and the items above received — {r.caller_name}, "
        f"{when(sig.signed_at if sig else None, zone)}") + [_line(s, "Handed over by", r.pickup_by)]))
    doc.build(story, onFirstPage=st.footer(b, f"Pickup receipt {r.number}"),
              onLaterPages=st.footer(b, f"Pickup receipt {r.number}"))


__all__ = ["build_device_tag", "build_intake_slip", "build_pickup_receipt", "code128_flowable"]
