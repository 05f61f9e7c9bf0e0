"""SLA alerts: recorded at the instant they happen, once, with the rule's notifications and
escalations — on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from db.enums import Role
from db.models import Incident, JournalEntry, SlaAlert, StaffNotification
from desk.actor import Actor
from desk.bootstrap import Services
from desk.errors import PermissionDenied
from desk.escalation.service import EscalationService
from desk.incidents.service import NewIncident
from desk.mail.events import MailEvent
from tests import factories
from tests.desk.mail.conftest import SmtpServer, mail_on, memory_keyring, smtp  # noqa: F401  (fixtures)

NY = ZoneInfo("America/New_York")
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NY).astimezone(dt.UTC)


@pytest.fixture
def desk(services: Services, admin: Actor, clock):  # type: ignore[no-untyped-def]
    """A P2 printing ticket (response 30 min, resolution 8 business hours) opened Monday
    09:00, held by Tina of Desktop Support; Uma is in the team too, Lee leads it."""
    clock.set(ny(2026, 11, 2, 9, 0))
    tina = factories.staff(services, admin, "tina", Role.TECHNICIAN, teams=("Desktop Support",))
    uma = factories.staff(services, admin, "uma", Role.TECHNICIAN, teams=("Desktop Support",))
    lee = factories.staff(services, admin, "lee", Role.SUPERVISOR, teams=("Desktop Support",))
    esc: EscalationService = services.escalation
    esc.set_team_lead(admin, "Desktop Support", "lee")
    number = services.incidents.open(admin, NewIncident(
        title="Lab printer offline", service="Printing", impact="medium", urgency="high",
        team="Desktop Support", assignee="tina")).number
    return {"tina": tina, "uma": uma, "lee": lee, "number": number, "esc": esc}


def alerts(services: Services) -> list[tuple[str, str, dt.datetime, str]]:
    with services.db.reading() as s:
        rows = s.execute(select(SlaAlert.target, SlaAlert.level, SlaAlert.reached_at, SlaAlert.actions)
                         .order_by(SlaAlert.id)).all()
    return [(r[0], r[1], r[2] if r[2].tzinfo else r[2].replace(tzinfo=dt.UTC), r[3]) for r in rows]


def test_at_risk_and_breach_are_recorded_at_their_instant_and_told_once(services: Services, admin: Actor,
                                                                          desk) -> None:  # type: ignore[no-untyped-def]
    esc: EscalationService = desk["esc"]
    assert esc.run(admin, holder="test", now=ny(2026, 11, 2, 9, 10)).recorded == 0
    # 75 % of the 30-minute response target: 09:22:30.
    assert esc.next_crossing(ny(2026, 11, 2, 9, 10)) == ny(2026, 11, 2, 9, 22, 30)
    report = esc.run(admin, holder="test", now=ny(2026, 11, 2, 9, 25))
    assert (report.recorded, report.notified) == (1, 3)      # Tina (assignee), Uma and Lee (team)
    assert alerts(services)[0][:3] == ("response", "at_risk", ny(2026, 11, 2, 9, 22, 30))
    assert "Tina (assigned to you)" in alerts(services)[0][3]
    assert esc.run(admin, holder="again", now=ny(2026, 11, 2, 9, 26)).recorded == 0

    # Looked at only at 09:45: the breach is stored with its own instant, not 09:45.
    report = esc.run(admin, holder="test", now=ny(2026, 11, 2, 9, 45))
    assert report.recorded == 1
    target, level, reached, actions = alerts(services)[1]
    assert (target, level) == ("response", "breach")
    assert ny(2026, 11, 2, 9, 30) <= reached <= ny(2026, 11, 2, 9, 30, 1)
    with services.db.reading() as s:
        inc = s.execute(select(Incident).where(Incident.number == desk["number"])).scalar_one()
        stored = inc.response_breached_at if inc.response_breached_at.tzinfo else \
            inc.response_breached_at.replace(tzinfo=dt.UTC)
    assert stored == reached
    assert "Tina (assigned to you)" in actions and "Lee (you lead the team)" in actions
    assert "Uma" not in actions          # a breach goes to the assignee and the lead

    tina_sees = esc.notifications(desk["tina"])
    assert [n.title for n in tina_sees] == [f"{desk['number']} response target breached",
                                            f"{desk['number']} response at risk"]
    assert "75 % or more of the 30m response target" in tina_sees[1].body
    # One workstation shows each notification once; reading it clears it.
    assert len(esc.claim_unshown(desk["tina"])) == 2
    assert esc.claim_unshown(desk["tina"]) == []
    assert esc.mark_read(desk["tina"]) == 2
    assert esc.unread_count(desk["tina"]) == 0
    assert esc.unread_count(desk["uma"]) == 1


def test_a_paused_resolution_clock_raises_nothing_and_a_response_stops_its_alerts(
        services: Services, admin: Actor, desk) -> None:  # type: ignore[no-untyped-def]
    esc: EscalationService = desk["esc"]
    services.incidents.transition(desk["tina"], desk["number"], "in_progress")      # responded 09:00
    services.incidents.transition(desk["tina"], desk["number"], "pending_vendor", reason="Waiting on HP.")
    esc.run(admin, holder="test", now=ny(2026, 11, 9, 9, 0))
    assert alerts(services) == []
    assert esc.next_crossing(ny(2026, 11, 9, 9, 0)) is None


@SQLITE_ONLY
def test_a_crossing_noticed_a_day_late_is_recorded_but_tells_no_one(services: Services, admin: Actor,
                                                                    desk) -> None:  # type: ignore[no-untyped-def]
    esc: EscalationService = desk["esc"]
    report = esc.run(admin, holder="test", now=ny(2026, 11, 5, 9, 0))
    assert report.recorded == 4 and report.notified == 0 and report.silent == 4
    assert all("no one told" in a[3] for a in alerts(services))


@SQLITE_ONLY
def test_the_rule_of_the_service_reassigns_and_raises_urgency_with_the_reason_on_the_ticket(
        services: Services, admin: Actor, desk) -> None:  # type: ignore[no-untyped-def]
    esc: EscalationService = desk["esc"]
    esc.set_rule(admin, service="Printing", priority="P2", breach_reassign_team="Service Desk",
                 breach_raise_urgency=True)
    assert esc.rule_for("Printing", "P2")[1] == "Printing, P2"
    assert esc.rule_for("Printing", "P3")[1] == "the built-in default"
    esc.run(admin, holder="test", now=ny(2026, 11, 2, 9, 25))
    report = esc.run(admin, holder="test", now=ny(2026, 11, 2, 9, 31))
    assert report.escalations == (f"{desk['number']}: reassigned to Service Desk",)   # urgency already high
    with services.db.reading() as s:
        inc = s.execute(select(Incident).where(Incident.number == desk["number"])).scalar_one()
        assert inc.team_id is not None and inc.assignee_id is None
        notes = s.execute(select(JournalEntry.body).where(JournalEntry.incident_id == inc.id)).scalars().all()
    assert any(n.startswith("SLA escalation: response target breached (P2): reassigned to Service Desk")
               for n in notes)


@SQLITE_ONLY
def test_raising_urgency_moves_the_priority_through_the_matrix(services: Services, admin: Actor,
                                                               clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(ny(2026, 11, 2, 9, 0))
    esc: EscalationService = services.escalation
    esc.set_rule(admin, service=None, priority=None, breach_raise_urgency=True)
    number = services.incidents.open(admin, NewIncident(title="Slow VPN", service="Wi-Fi & Network",
                                                        impact="medium", urgency="medium")).number
    before = services.incidents.get(number).priority
    report = esc.run(admin, holder="test", now=ny(2026, 11, 3, 12, 0))
    after = services.incidents.get(number)
    assert after.urgency == "high" and after.priority < before
    assert any("urgency raised to High" in e for e in report.escalations)


def test_two_callers_at_once_record_each_alert_once(services: Services, admin: Actor,
                                                   desk) -> None:  # type: ignore[no-untyped-def]
    other = EscalationService(services.db, services.clock, services.incidents, services.site)
    desk["esc"].run(admin, holder="a", now=ny(2026, 11, 2, 9, 25))
    other.run(admin, holder="b", now=ny(2026, 11, 2, 9, 25))
    with services.db.reading() as s:
        assert s.execute(select(func.count(SlaAlert.id))).scalar_one() == 1
        assert s.execute(select(func.count(StaffNotification.id))).scalar_one() == 3


@SQLITE_ONLY
def test_counter_staff_do_not_run_the_job_and_technicians_do_not_set_rules(services: Services, admin: Actor,
                                                                            desk) -> None:  # type: ignore[no-untyped-def]
    counter = factories.staff(services, admin, "cara", Role.COUNTER)
    with pytest.raises(PermissionDenied):
        desk["esc"].run(counter, holder="x")
    with pytest.raises(PermissionDenied):
        desk["esc"].set_rule(desk["tina"], service=None, priority=None, by_mail=True)


@SQLITE_ONLY
def test_a_rule_with_mail_on_mails_the_people_it_tells(mail_on: Services, admin: Actor, clock,  # type: ignore[no-untyped-def]  # noqa: F811
                                                       smtp: SmtpServer) -> None:  # noqa: F811
    clock.set(ny(2026, 11, 2, 9, 0))
    mail_on.staff.add(admin, "tina", display_name="Tina Novak", roles=["technician"], email="tina@example.edu",
                      teams=["Desktop Support"])
    esc: EscalationService = mail_on.escalation
    esc.set_rule(admin, service="Printing", priority=None, by_mail=True, at_risk_notify_team=False)
    number = mail_on.incidents.open(admin, NewIncident(
        title="Lab printer offline", service="Printing", impact="medium", urgency="high",
        team="Desktop Support", assignee="tina")).number
    esc.run(admin, holder="test", now=ny(2026, 11, 2, 9, 25))
    assert "1 by e-mail" in alerts(mail_on)[0][3]
    clock.set(ny(2026, 11, 2, 9, 26))
    mail_on.mail.send()
    (got,) = [m for m in smtp.messages if m.envelope_to == ["tina@example.edu"]]
    assert got.message["Subject"] == f"[{number}] Response at risk: Lab printer offline"
    body = got.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Hello Tina Novak" in body and "30m response target" in body
    # Mail switched off for the service: the notification still comes, the mail does not.
    mail_on.mail.switch(admin, "Printing", MailEvent.SLA_ALERT, False)
    esc.run(admin, holder="test", now=ny(2026, 11, 2, 9, 31))
    assert "by e-mail" not in alerts(mail_on)[1][3]


@SQLITE_ONLY
def test_a_breach_goes_to_the_supervisors_when_the_lead_has_left(services: Services, admin: Actor,
                                                                  desk) -> None:  # type: ignore[no-untyped-def]
    """A lead deactivated (or taken out of the team) leads no one: the breach goes to the
    team's supervisors as for a team without a lead, not to nobody."""
    esc: EscalationService = desk["esc"]
    sam = factories.staff(services, admin, "sam", Role.SUPERVISOR, teams=("Desktop Support",))
    services.staff.set_active(admin, "lee", False, reason="left the university")
    esc.run(admin, holder="test", now=ny(2026, 11, 2, 9, 25))
    esc.run(admin, holder="test", now=ny(2026, 11, 2, 9, 45))
    assert [n.title for n in esc.notifications(sam) if "breached" in n.title] == [
        f"{desk['number']} response target breached"]
    breach = next(a for a in alerts(services) if a[1] == "breach")
    assert "Sam" in breach[3] and "Lee" not in breach[3]


@SQLITE_ONLY
def test_a_lead_taken_out_of_the_team_no_longer_hears_of_its_breaches(services: Services, admin: Actor,
                                                                      desk) -> None:  # type: ignore[no-untyped-def]
    esc: EscalationService = desk["esc"]
    sam = factories.staff(services, admin, "sam", Role.SUPERVISOR, teams=("Desktop Support",))
    services.staff.set_teams(admin, "lee", leave=("Desktop Support",))
    esc.run(admin, holder="test", now=ny(2026, 11, 2, 9, 45))
    assert [n.title for n in esc.notifications(sam)] == [f"{desk['number']} response target breached"]
    assert not [n for n in esc.notifications(desk["lee"]) if "breached" in n.title]


@SQLITE_ONLY
def test_a_new_rule_starts_from_the_rule_above_it_not_from_another_prioritys(services: Services,
                                                                             admin: Actor) -> None:
    """A new (service, any priority) row starts from (any, any) — what such tickets got so
    far — not from the (any, P3) row, which never applied to the service's P1 tickets."""
    esc: EscalationService = services.escalation
    esc.set_rule(admin, service=None, priority="P3", by_mail=True, breach_notify_lead=False)
    row = esc.set_rule(admin, service="Printing", priority=None, breach_raise_urgency=True)
    assert row.rule.breach_raise_urgency
    assert not row.rule.by_mail and row.rule.breach_notify_lead
    rule, scope = esc.rule_for("Printing", "P1")
    assert scope == "Printing, any priority" and not rule.by_mail
    # A (service, priority) row starts from (service, any) when there is one.
    row = esc.set_rule(admin, service="Printing", priority="P3", at_risk_notify_team=False)
    assert row.rule.breach_raise_urgency and not row.rule.at_risk_notify_team and not row.rule.by_mail


@SQLITE_ONLY
def test_a_full_batch_of_crossings_that_no_longer_hold_ends_the_run(services: Services, admin: Actor,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Crossings that turn out not to hold (an event moved the target; the stored columns
    behind the catalogue) are not recorded and so are found again: a full batch of them
    must end the run, not loop on it for ever while holding the write lock."""
    from desk.escalation import detect
    from desk.escalation import service as service_module

    esc: EscalationService = services.escalation
    now = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)
    calls = []

    def crossings(_s: object, _now: dt.datetime, *, limit: int = 500) -> list[detect.Crossing]:
        calls.append(1)
        if len(calls) > 5:
            raise AssertionError("the run keeps asking for the same crossings")
        return [detect.Crossing(i, "resolution", "breach", now) for i in range(1, limit + 1)]

    monkeypatch.setattr(service_module.detect, "crossings", crossings)
    monkeypatch.setattr(EscalationService, "_record", lambda *_a, **_k: None)
    report = esc.run(admin, holder="test", now=now)
    assert report.recorded == 0 and len(calls) == 1


@SQLITE_ONLY
def test_a_crossing_found_before_the_response_was_given_tells_no_one_after_it(
        services: Services, admin: Actor, desk, clock, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL another workstation's event commits between the job's search and its
    insert (read committed): the crossing is checked against the ticket as it is now."""
    from desk.escalation import detect
    from desk.escalation import service as service_module

    esc: EscalationService = desk["esc"]
    found_before = detect.crossings
    seen: list[detect.Crossing] = []

    with services.db.reading() as s:
        early = found_before(s, ny(2026, 11, 2, 9, 25))
    assert [(c.target, c.level) for c in early] == [("response", "at_risk")]
    clock.set(ny(2026, 11, 2, 9, 24))
    services.incidents.transition(desk["tina"], desk["number"], "in_progress")      # responded 09:24
    monkeypatch.setattr(service_module.detect, "crossings",
                        lambda s, now, *, limit=500: early if not seen and not seen.append(early[0]) else [])
    report = esc.run(admin, holder="test", now=ny(2026, 11, 2, 9, 25))
    assert report.recorded == 0 and report.notified == 0
    assert esc.notifications(desk["tina"]) == []
