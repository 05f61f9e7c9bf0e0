"""The post-incident report: built from the audit and comms logs, read back with pypdf."""
from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from desk.bootstrap import Services
from desk.errors import InvalidInput, PermissionDenied
from desk.major.report import build_post_incident_report, span
from desk.major.service import MajorIncidentService
from tests.desk.major.conftest import Crew, open_incident


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_span() -> None:
    assert span(0) == "0 h 00 min" and span(3_900) == "1 h 05 min" and span(2 * 86_400 + 60) == "2 d 0 h 01 min"


def test_post_incident_report(services: Services, crew: Crew, major: MajorIncidentService, clock,
                              tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Monday 2 Nov 2026 14:00 UTC = 09:00 in New York, inside the desk's business hours.
    m = open_incident(services, crew.tech, "Wi-Fi outage <script>alert(1)</script> in Gödel Hall")
    major.promote(crew.supervisor, m, reason="All access points down", manager="tina",
                  team=[("theo", "technical lead")])
    kids = [open_incident(services, crew.clerk, f"No Wi-Fi in room {i}") for i in range(3)]
    major.link_children(crew.tech, m, kids)
    for k in kids[:2]:
        services.incidents.transition(crew.tech, k, "in_progress")
    clock.advance(minutes=20)
    major.post_update(crew.tech, m, "Controller rebooting; users told to use wired ports. 東京 مرحبا")
    services.incidents.transition(crew.tech, m, "in_progress")
    clock.advance(hours=2)
    major.resolve(crew.tech, m, code="fixed", note="Controller firmware rolled back")
    problem = major.open_problem(crew.tech, m)
    services.problems.transition(crew.tech, problem, "investigating")
    services.problems.transition(crew.tech, problem, "known_error", root_cause="Firmware 8.2 bug in the controller",
                                 workaround="Stay on 8.1")

    data = major.report_data(crew.tech, m)
    assert data.wall_seconds == 2 * 3600 + 20 * 60
    assert data.calendar in ("24x7", "service-desk") and data.business_seconds == data.wall_seconds
    assert dict(data.children_by_status) == {"Resolved": 2, "New": 1}
    whats = [e.what for e in data.timeline]
    assert "Declared a major incident — All access points down" in whats
    assert f"Linked child {kids[0]}" in whats and "Team: added theo (technical lead)" in whats
    assert any(e.comms and e.what.startswith("Controller rebooting") for e in data.timeline)
    assert [e.at for e in data.timeline] == sorted(e.at for e in data.timeline)

    out = tmp_path / "pir.pdf"
    assert major.write_report(crew.tech, m, out) == out and not (tmp_path / "pir.pdf.part").exists()
    text = pdf_text(out.read_bytes())
    assert f"Post-incident report {m}" in text
    assert "<script>alert(1)</script>" in text and "Gödel" in text     # escaped, not swallowed as markup
    assert "Firmware 8.2 bug in the controller" in text and problem in text
    assert "2 h 20 min elapsed" in text
    assert "3 (1 New, 2 Resolved)" in text.replace("\n", " ")
    assert "Controller firmware rolled back" in text and "Manager: Tina" in text.replace("\n", " ")
    assert "Declared a major incident" in text

    with pytest.raises(PermissionDenied):
        major.report_data(crew.clerk, m)
    ordinary = open_incident(services, crew.tech, "Mouse broken")
    with pytest.raises(InvalidInput, match="not a major incident"):
        major.report_data(crew.tech, ordinary)
    buf = io.BytesIO()
    build_post_incident_report(data, buf, paper="a4")
    assert pypdf.PdfReader(io.BytesIO(buf.getvalue())).pages[0].mediabox.width == pytest.approx(595.27, abs=0.1)
