"""CSV export: one UTF-8 file per table (or a zip), header rows, formulas neutralised."""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from db.engine import Database
from desk.actor import Actor
from desk.bootstrap import Services
from desk.reports.csv_export import neutralise, write_csv
from desk.reports.params import GroupBy, ReportParams
from tests.desk.reports import sla_dataset

FILES = {"parameters.csv", "summary.csv", "compliance.csv", "weekly.csv", "backlog_ageing.csv",
         "major_incidents.csv", "breaches.csv"}


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-rf", "'-rf"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("plain", "plain"), ("", ""), (-5, -5), (3.5, 3.5), ("a=b", "a=b"),
    ("\u202e=1+1", "'=1+1"), ("\u200b@SUM(A1)", "'@SUM(A1)"),  # a hidden lead still starts a formula
])
def test_neutralise(value: object, expected: object) -> None:
    assert neutralise(value) == expected


def _read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_folder_and_zip_hold_the_same_tables(sqlite_loaded: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = sqlite_loaded
    report = Services.over(db).reports.sla_report(
        actor, ReportParams(sla_dataset.PERIOD_FROM, sla_dataset.PERIOD_TO, group_by=GroupBy.SERVICE_PRIORITY))
    files = write_csv(report, tmp_path / "csv")
    assert {f.name for f in files} == FILES
    texts = {f.name: f.read_bytes().decode("utf-8") for f in files}  # strict UTF-8
    [zipped] = write_csv(report, tmp_path / "out" / "sla.zip")
    with zipfile.ZipFile(zipped) as z:
        assert set(z.namelist()) == FILES
        for name in FILES:
            assert z.read(name).decode("utf-8") == texts[name]

    breaches = _read(texts["breaches.csv"])
    assert len(breaches) == len(report.breaches)
    assert list(breaches[0]) == ["number", "title", "service", "priority", "kind", "breached_at_local",
                                 "target_business_s", "actual_business_s", "over_by_business_s"]
    titles = {b["title"] for b in breaches}
    assert not any(t.startswith(("=", "+", "-", "@")) for t in titles)
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in titles or "'-rf wiped?" in titles
    assert any("断线" in t or "Ошибка" in t for t in titles)
    for row, b in zip(breaches, report.breaches):
        assert row["number"] == b.number and row["kind"] == b.kind
        assert row["actual_business_s"] == ("" if b.elapsed_s is None else str(b.elapsed_s))

    summary = {r["figure"]: r["value"] for r in _read(texts["summary.csv"])}
    c = report.summary.counts
    assert summary["tickets_opened"] == str(c.opened)
    assert summary["backlog_end"] == str(report.summary.backlog_end)
    assert float(summary["response_met_pct"]) == round(c.response_pct or 0, 2)

    comp = _read(texts["compliance.csv"])
    assert len(comp) == len(report.compliance)
    assert sum(int(r["opened"]) for r in comp) == c.opened
    params = {r["parameter"]: r["value"] for r in _read(texts["parameters.csv"])}
    assert params["Database"] == db.description and "standard v1" in params["SLA versions"]
