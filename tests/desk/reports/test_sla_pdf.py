"""The PDF says what the figures say: parsed back with pypdf and checked."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from db import audit_chain
from db.engine import Database
from desk.actor import Actor
from desk.bootstrap import Services
from desk.reports.errors import ReportCancelled
from desk.reports.params import GroupBy, ReportParams
from desk.reports.styles import fmt_duration, fmt_int, fmt_pct
from tests.desk.reports import sla_dataset


def _text(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages]


def test_pdf_prints_the_figures(sqlite_loaded: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = sqlite_loaded
    out = tmp_path / "sla.pdf"
    steps: list[float] = []
    report, pages = Services.over(db).reports.write_sla_pdf(
        actor, ReportParams(sla_dataset.PERIOD_FROM, sla_dataset.PERIOD_TO, group_by=GroupBy.TEAM),
        out, progress=lambda f, _m: steps.append(f))
    text = _text(out)
    assert len(text) == pages >= 5
    assert steps == sorted(steps) and steps[-1] == 1.0

    s, c = report.summary, report.summary.counts
    first = text[0]
    assert "SLA compliance report" in first
    for needle in (
        f"Tickets opened {fmt_int(c.opened)}", f"Tickets resolved {fmt_int(c.resolved)}",
        f"Backlog at start {fmt_int(s.backlog_start)}", f"Backlog at end {fmt_int(s.backlog_end)}",
        f"{fmt_pct(c.response_pct)} ({fmt_int(c.response_met)} of {fmt_int(c.response_measured)})",
        f"{fmt_pct(c.resolution_pct)} ({fmt_int(c.resolution_met)} of {fmt_int(c.resolution_measured)})",
        f"{fmt_duration(s.response_time.median_s)} / {fmt_duration(s.response_time.p90_s)}",
        f"{fmt_duration(s.resolution_time.median_s)} / {fmt_duration(s.resolution_time.p90_s)}",
        f"Breaches {fmt_int(c.breaches)}", f"VIP policy v{report.vip.in_force_version}",
        f"urgency it raised: {fmt_int(report.vip.tickets)}",
        "2026-10-05 to 2026-11-29", "Grouped by Team", "standard v1", "service-desk v1", "24x7 v1",
        f"by {actor.display_name}", db.description,
    ):
        assert needle in first, needle
    for m in s.majors:
        assert m.number in first
    # The head of the audit chain anchors the log: the printed entry is the one verify ends on.
    with db.reading() as ses:
        seq, digest = audit_chain.head(ses.connection())
    assert seq > 0 and f"Audit chain head entry {seq:,} sha256 {digest}" in first
    assert report.provenance.audit_head == f"entry {seq:,} sha256 {digest}"

    body = " ".join(text)
    for row in report.compliance:
        assert f"{row.label[0]} {fmt_int(row.counts.opened)} {fmt_int(row.counts.resolved)}" in body, row.label
    assert "Backlog ageing" in body and "Opened and resolved per week" in body

    start = next(i for i, t in enumerate(text) if "Appendix: breaches" in t)
    appendix = " ".join(text[start:])
    assert re.findall(r"INC-\d{6}", appendix) == [b.number for b in report.breaches]
    assert pages == start + 1 + (len(report.breaches) - 40 + 43) // 44
    # User text is printed as typed: markup is not interpreted, other scripts survive.
    assert "Projector <b>dead</b> & fan noisy" in appendix
    assert "Wi-Fi 断线 in 图书馆" in body or "断线" in body


def test_cancel_leaves_no_file(sqlite_loaded: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = sqlite_loaded
    out = tmp_path / "reports" / "sla.pdf"
    calls = iter(range(10**6))
    with pytest.raises(ReportCancelled):
        Services.over(db).reports.write_sla_pdf(actor, ReportParams(sla_dataset.PERIOD_FROM, sla_dataset.PERIOD_TO),
                                        out, cancelled=lambda: next(calls) > 20)
    assert not out.exists() and list(out.parent.iterdir()) == []  # no half-written temp file either


def test_empty_period_still_makes_a_report(sqlite_loaded: tuple[Database, Actor], tmp_path: Path) -> None:
    import datetime as dt

    db, actor = sqlite_loaded
    out = tmp_path / "empty.pdf"
    _, pages = Services.over(db).reports.write_sla_pdf(actor, ReportParams(dt.date(2025, 1, 6), dt.date(2025, 1, 6)), out)
    text = " ".join(_text(out))
    assert pages >= 4 and "No breaches were recorded" in text and "Tickets opened 0" in text


RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Invoice \u202egnp.exe" shows as "Invoice exe.png"


def test_bidi_controls_are_dropped_from_pdf_and_csv_like_on_slips(sqlite_loaded: tuple[Database, Actor],
                                                                  tmp_path: Path) -> None:
    from sqlalchemy import select, update

    from db.models import Incident, StaffAccount
    from desk.pdf.text import markup
    from desk.reports.csv_export import write_csv

    db, actor = sqlite_loaded
    params = ReportParams(sla_dataset.PERIOD_FROM, sla_dataset.PERIOD_TO, group_by=GroupBy.ASSIGNEE)
    before = Services.over(db).reports.sla_report(actor, params)
    breached, major = before.breaches[0].number, before.summary.majors[0].number
    with db.writing() as s:
        s.execute(update(Incident).where(Incident.number == breached).values(title=f"Invoice {RLO}gnp.exe"))
        s.execute(update(Incident).where(Incident.number == major)
                  .values(title=f"Outage\u2066{RLO}\u2069 in \u200fHUM\u061c 101\u200b"))
        s.execute(update(StaffAccount).where(StaffAccount.display_name == "Ana Souza")
                  .values(display_name=f"Ana {RLO}azuoS"))
    assert RLO not in markup(f"Invoice {RLO}gnp.exe")  # what slips have always done

    out = tmp_path / "sla.pdf"
    report, _ = Services.over(db).reports.write_sla_pdf(actor, params, out)
    body = "\n".join(p.extract_text() or "" for p in PdfReader(out).pages)
    assert "Invoice gnp.exe" in body and "Outage in HUM 101" in body and "Ana azuoS" in body
    for ch in (RLO, "\u2066", "\u2069", "\u200f", "\u061c", "\u200b"):
        assert ch not in body, f"U+{ord(ch):04X} printed"

    write_csv(report, tmp_path / "csv")
    texts = {f.name: f.read_text(encoding="utf-8") for f in (tmp_path / "csv").iterdir()}
    assert "Invoice gnp.exe" in texts["breaches.csv"] and "Outage in HUM 101" in texts["major_incidents.csv"]
    assert "Ana azuoS" in texts["compliance.csv"]
    assert not any(RLO in t or "\u2066" in t or "\u200f" in t for t in texts.values())
    with db.reading() as s:  # stored as typed; only what is shown is cleaned
        assert s.execute(select(Incident.title).where(Incident.number == breached)).scalar() == \
            f"Invoice {RLO}gnp.exe"


def test_typeset_in_a_process_of_its_own(sqlite_loaded: tuple[Database, Actor], tmp_path: Path) -> None:
    """What the window asks for: the same PDF, typeset in a child process (the fonts and
    pages stay out of the window's memory); cancelling ends the child and leaves no file."""
    db, actor = sqlite_loaded
    params = ReportParams(sla_dataset.PERIOD_FROM, sla_dataset.PERIOD_TO, group_by=GroupBy.TEAM)
    here, there = tmp_path / "here.pdf", tmp_path / "there.pdf"
    reports = Services.over(db).reports
    _, pages_here = reports.write_sla_pdf(actor, params, here)
    steps: list[float] = []
    _, pages_there = reports.write_sla_pdf(actor, params, there, progress=lambda f, _m: steps.append(f),
                                           own_process=True)
    assert pages_there == pages_here and _text(there)[1:] == _text(here)[1:]
    assert steps and steps[-1] == 1.0 and steps == sorted(steps)
    # Cancelled as soon as typesetting has begun: nothing is written, no temporary file stays.
    gone = tmp_path / "gone.pdf"
    began: list[float] = []
    with pytest.raises(ReportCancelled):
        reports.write_sla_pdf(actor, params, gone, progress=lambda f, _m: began.append(f),
                              cancelled=lambda: any(f > 0.3 for f in began), own_process=True)
    assert not gone.exists() and not list(tmp_path.glob(".desk-report-*"))
    # A failure in the child comes back as an error naming it, not as a hang.
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(Exception, match="a-file"):
        reports.write_sla_pdf(actor, params, tmp_path / "a-file" / "x.pdf", own_process=True)


def test_a_long_appendix_prints_the_most_severe_breaches_and_points_to_the_csv(
        sqlite_loaded: tuple[Database, Actor], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desk.reports import sla_data

    db, actor = sqlite_loaded
    params = ReportParams(sla_dataset.PERIOD_FROM, sla_dataset.PERIOD_TO)
    report = Services.over(db).reports.sla_report(actor, params)
    every = report.breaches
    assert len(every) > 4
    monkeypatch.setattr(sla_data, "APPENDIX_LIMIT", 4)
    printed = sla_data.printed_breaches(every)
    # Brute force: still running first by breach time, then the furthest over.
    running = sorted((b for b in every if b.over_s is None), key=lambda b: b.breached_at)
    done = sorted((b for b in every if b.over_s is not None), key=lambda b: (-(b.over_s or 0), b.breached_at))
    assert list(printed) == (running + done)[:4]

    from desk.reports.sla_pdf import build_sla_report

    out = tmp_path / "sla.pdf"
    build_sla_report(report, out)
    text = _text(out)
    start = next(i for i, t in enumerate(text) if "Appendix: breaches" in t)
    appendix = " ".join(text[start:])
    assert re.findall(r"INC-\d{6}", appendix) == [b.number for b in printed]
    assert f"The period has {fmt_int(len(every))} response and resolution breaches" in appendix
    assert "Every breach is in the CSV export (breaches.csv)" in appendix
    assert sla_data.printed_breaches(every, limit=len(every)) is every   # all fit: all, oldest first
