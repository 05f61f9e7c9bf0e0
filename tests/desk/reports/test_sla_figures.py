"""Every figure of the SLA report equals an independent recomputation from the raw rows,
on SQLite and PostgreSQL, for every grouping and with filters."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from db.engine import Database
from db.enums import Channel, Priority, Role
from desk.actor import Actor
from desk.bootstrap import Services
from desk.errors import InvalidInput, PermissionDenied
from desk.reports.params import GroupBy, ReportParams
from desk.reports.sla_data import SlaReport
from tests import factories
from tests.desk.reports import independent, sla_dataset

APPROX = 1e-6


@pytest.fixture
def loaded(services: Services, admin: Actor) -> tuple[Database, Actor]:
    sla_dataset.build(services.db)
    return services.db, admin


def _names(r: dict[str, Any]) -> dict[str, dict[int, str]]:
    return r["_names"]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= APPROX * max(1.0, abs(b))


def _check_tally(got_counts: Any, got_rt: Any, got_st: Any, got_resp: Any, got_res: Any,
                 exp: independent.Tally, what: str) -> None:
    assert (got_counts.opened, got_counts.resolved, got_counts.response_measured, got_counts.response_met,
            got_counts.resolution_measured, got_counts.resolution_met) == (
        exp.opened, exp.resolved, exp.response_measured, exp.response_met,
        exp.resolution_measured, exp.resolution_met), what
    if got_rt is not None:
        assert (got_rt.low_s, got_rt.high_s) == (min(exp.resp_targets, default=None),
                                                 max(exp.resp_targets, default=None)), what
        assert (got_st.low_s, got_st.high_s) == (min(exp.res_targets, default=None),
                                                 max(exp.res_targets, default=None)), what
    for got, values in ((got_resp, exp.resp_times), (got_res, exp.res_times)):
        assert got.n == len(values), what
        assert _close(got.median_s, independent.percentile(values, 0.5)), (what, got, values)
        assert _close(got.p90_s, independent.percentile(values, 0.9)), (what, got)


def _check(report: SlaReport, exp: independent.Expected, rows: list[dict[str, Any]]) -> None:
    s = report.summary
    _check_tally(s.counts, None, None, s.response_time, s.resolution_time, exp.total, "summary")
    assert (s.backlog_start, s.backlog_end) == (exp.backlog_start, exp.backlog_end)
    assert sorted(m.number for m in s.majors) == exp.majors
    assert dict(report.vip.tickets_by_version) == exp.vip_by_version

    g = report.params.group_by
    expected_groups = exp.groups[g.value]
    nonempty = {k: t for k, t in expected_groups.items()
                if t.opened or t.resolved or t.response_measured or t.resolution_measured
                or t.resp_times or t.res_times}
    if g is GroupBy.WEEK:
        got = {(dt.date.fromisoformat(r.label[0].removeprefix("Week from ")),): r for r in report.compliance}
    else:
        got = {r.key if g is not GroupBy.SERVICE_PRIORITY else (r.key[0], getattr(r.key[1], "value", r.key[1])): r
               for r in report.compliance}
    assert set(got) == set(nonempty)
    for k, t in nonempty.items():
        r = got[k]
        _check_tally(r.counts, r.response_target, r.resolution_target, r.response_time, r.resolution_time,
                     t, f"{g.value} {k}")
    # Group labels are the names, or say plainly what is missing.
    names = _names(rows[0])
    for k, r in got.items():
        if g is GroupBy.TEAM:
            assert r.label[0] == (names["team"][k[0]] if k[0] is not None else "(no team)")
        if g is GroupBy.ASSIGNEE:
            assert r.label[0] == (names["staff"][k[0]] if k[0] is not None else "(unassigned)")

    weeks = {w.week_start: w.counts for w in report.weeks}
    for monday, t in exp.weeks.items():
        c = weeks[monday]
        assert (c.opened, c.resolved, c.response_measured, c.response_met, c.resolution_measured,
                c.resolution_met) == (t.opened, t.resolved, t.response_measured, t.response_met,
                                      t.resolution_measured, t.resolution_met), monday
    assert all(not any((c.opened, c.resolved, c.response_measured, c.resolution_measured))
               for m, c in weeks.items() if m not in exp.weeks)

    assert {a.priority: list(a.buckets) for a in report.ageing} == exp.ageing
    got_breaches = [(b.breached_at, b.number, b.kind, b.title, b.service, b.priority, b.target_s, b.elapsed_s)
                    for b in report.breaches]
    assert got_breaches == exp.breaches
    assert s.counts.breaches == len(exp.breaches)


@pytest.mark.parametrize("group_by", list(GroupBy))
def test_figures_match_independent_computation(loaded: tuple[Database, Actor], group_by: GroupBy) -> None:
    db, admin = loaded
    params = ReportParams(sla_dataset.PERIOD_FROM, sla_dataset.PERIOD_TO, group_by=group_by)
    report = Services.over(db).reports.sla_report(admin, params)
    rows = independent.raw_rows(db)
    exp = independent.compute(rows, sla_dataset.PERIOD_FROM, sla_dataset.PERIOD_TO)
    assert exp.total.opened > 300 and len(exp.breaches) > 200  # the data set exercises the figures
    assert exp.backlog_start > 0 and exp.majors and exp.vip_by_version
    _check(report, exp, rows)


def test_filters_match_independent_computation(loaded: tuple[Database, Actor]) -> None:
    db, admin = loaded
    rows = independent.raw_rows(db)
    names = _names(rows[0])
    services = ["Printing", "Laptop Repair", "Wi-Fi & Network"]
    teams = sorted(names["team"].values())[:5]
    service_ids = {i for i, n in names["service"].items() if n in services}
    team_ids = {i for i, n in names["team"].items() if n in teams}
    prios = {"P1", "P3", "P4"}
    chans = {"phone", "email", "walk_in"}
    params = ReportParams(dt.date(2026, 10, 1), dt.date(2026, 11, 15), services=tuple(services),
                          teams=tuple(teams), priorities=tuple(Priority(p) for p in sorted(prios)),
                          channels=tuple(Channel(c) for c in sorted(chans)), group_by=GroupBy.TEAM)
    report = Services.over(db).reports.sla_report(admin, params)
    exp = independent.compute(
        rows, params.date_from, params.date_to,
        keep=lambda r: r["service_id"] in service_ids and r["team_id"] in team_ids
        and r["priority"] in prios and r["channel"] in chans)
    assert exp.total.opened > 10
    _check(report, exp, rows)


def test_period_edges_and_empty_period(loaded: tuple[Database, Actor]) -> None:
    """Opened at exactly local midnight counts; a microsecond earlier does not."""
    db, admin = loaded
    day = sla_dataset.PERIOD_FROM
    svc = Services.over(db).reports
    r = svc.sla_report(admin, ReportParams(day, day))
    exp = independent.compute(independent.raw_rows(db), day, day)
    assert r.summary.counts.opened == exp.total.opened >= 2
    before = svc.sla_report(admin, ReportParams(day - dt.timedelta(days=1), day - dt.timedelta(days=1)))
    exp_before = independent.compute(independent.raw_rows(db), day - dt.timedelta(days=1), day - dt.timedelta(days=1))
    assert before.summary.counts.opened == exp_before.total.opened
    empty = svc.sla_report(admin, ReportParams(dt.date(2024, 1, 1), dt.date(2024, 1, 7)))
    assert empty.summary.counts.opened == 0 and empty.breaches == () and empty.summary.response_time.n == 0
    assert empty.summary.counts.response_pct is None


def test_only_supervisors_run_reports(loaded: tuple[Database, Actor], services: Services) -> None:
    db, admin = loaded
    tech = factories.staff(services, admin, "tech-report", Role.TECHNICIAN)
    with pytest.raises(PermissionDenied, match="supervisor"):
        Services.over(db).reports.sla_report(tech, ReportParams(sla_dataset.PERIOD_FROM, sla_dataset.PERIOD_TO))
    sup = factories.staff(services, admin, "sup-report", Role.SUPERVISOR)
    assert Services.over(db).reports.sla_report(sup, ReportParams(sla_dataset.PERIOD_FROM, sla_dataset.PERIOD_TO))


def test_unknown_filter_names_say_what_exists(loaded: tuple[Database, Actor]) -> None:
    db, admin = loaded
    with pytest.raises(InvalidInput, match="Unknown service 'Nope'.*Printing"):
        Services.over(db).reports.sla_report(admin, ReportParams(sla_dataset.PERIOD_FROM, sla_dataset.PERIOD_TO,
                                                         services=("Nope",)))
