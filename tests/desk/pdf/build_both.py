"""Run in a fresh process: build a device tag and the SLA report in the order given.

    python -m tests.desk.pdf.build_both TAG_DB_URL NUMBER REPORT_DB_URL OUT_DIR tag-first|report-first

ReportLab's font registry lives as long as the process, so only a new process shows
whether the first PDF built decides the fonts of the second.
"""
from __future__ import annotations

import sys
from pathlib import Path

from db.engine import Database
from desk.bootstrap import Services
from desk.printing import build_device_tag
from desk.reports.params import ReportParams
from tests.desk.reports import sla_dataset


def main(tag_url: str, number: str, report_url: str, out: str, order: str) -> None:
    counter_db, report_db = Database.connect(tag_url), Database.connect(report_url)
    actor = Services.over(report_db).staff.resolve_actor()

    def tag() -> None:
        build_device_tag(Services.over(counter_db).counter.intake.repair(number), Path(out, "tag.pdf"))

    def report() -> None:
        Services.over(report_db).reports.write_sla_pdf(
            actor, ReportParams(sla_dataset.PERIOD_FROM, sla_dataset.PERIOD_TO), Path(out, "sla.pdf"))

    for step in (tag, report) if order == "tag-first" else (report, tag):
        step()
    counter_db.dispose()
    report_db.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:])
