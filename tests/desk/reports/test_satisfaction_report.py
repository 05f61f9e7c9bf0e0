"""The SLA report has walk-up satisfaction as its own section: the period's pickups, the
response rate and the score per counter member, technician and week, and what customers
wrote, escaped like all user text. Parsed back from the PDF."""
from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from desk.actor import Actor
from desk.bootstrap import Services
from desk.reports.params import ReportParams
from tests.conftest import FakeClock
from tests.desk.counter.test_satisfaction import picked_up


def test_the_sla_report_has_a_satisfaction_section(services: Services, admin: Actor, clock: FakeClock,
                                                   tmp_path: Path) -> None:
    happy, unhappy, silent = (picked_up(services, admin, g) for g in ("Ada", "Grace", "Alan"))
    sat = services.counter.satisfaction
    sat.record(admin, happy, 3, "<b>Great</b> & fast — merci")
    sat.record(admin, unhappy, 1, "Waited 40 minutes")
    sat.record(admin, silent, None)
    day = services.site.today(clock())
    out = tmp_path / "sla.pdf"
    report, _pages = services.reports.write_sla_pdf(admin, ReportParams(day, day), out)
    assert report.satisfaction is not None and report.satisfaction.total.pickups == 3
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(out).pages)
    assert "Walk-up satisfaction at pickup" in text
    assert "All pickups 3 2 67% 50 1 0 1" in text          # pickups, answered, rate, score, faces
    assert f"{happy} · Happy: <b>Great</b> & fast — merci" in text   # escaped: shown as typed
    assert "Waited 40 minutes" in text
