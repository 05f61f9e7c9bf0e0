"""On PostgreSQL the server holds the SLA alerts to the truth, as real staff logins find
with their own connections: a technician's workstation may run the job, but nobody can
forge an alert, a notification, or someone else's "read"."""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select, update

from db.enums import Role
from db.models import OutboxMessage, SlaAlert, StaffAccount, StaffNotification
from desk.bootstrap import Services
from desk.incidents.service import NewIncident
from tests import dbtools
from tests.desk.mail.conftest import memory_keyring  # noqa: F401  (fixture)
from tests.pg_logins import Login, refused, staff_logins

pytestmark = pytest.mark.postgres


@pytest.fixture
def desk(db_templates: dbtools.Templates, postgres_url: str) -> Iterator[tuple[Services, dict[str, Login], str]]:
    with staff_logins(db_templates, postgres_url, [("tom", Role.TECHNICIAN), ("cat", Role.COUNTER),
                                                   ("sue", Role.SUPERVISOR)]) as (owner, admin, logins):
        # P1 tickets (15-minute response, round the clock) opened 20 and 12 minutes ago by
        # the owner (whose clock is trusted), held by Tom in the Service Desk team.
        numbers = []
        for minutes in (20, 12):
            past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)
            then = Services.over(owner.db, clock=lambda past=past: past)  # type: ignore[misc]
            numbers.append(then.incidents.open(admin, NewIncident(
                title="Core switch down", service="Wi-Fi & Network", impact="high", urgency="high",
                team="Service Desk", assignee=logins["tom"].actor.username)).number)
        yield owner, logins, numbers


def test_a_technicians_workstation_records_the_alerts_and_tells_the_team(desk) -> None:  # type: ignore[no-untyped-def]
    _owner, logins, (old, new) = desk
    db, tom = logins["tom"].services()
    try:
        report = tom.escalation.run(logins["tom"].actor, holder="tom's workstation")
        # The older one: at risk at 11:15 and breached at 15:00 before anyone looked (the
        # breach tells); the newer one: at risk.
        assert (report.recorded, report.silent) == (3, 1)
        told = tom.escalation.claim_unshown(logins["tom"].actor)
        assert {n.title for n in told} == {f"{old} response target breached", f"{new} response at risk"}
        assert tom.escalation.mark_read(logins["tom"].actor) == 2
        for key, expected in (("cat", 1), ("sue", 2)):   # the team; Sue also as its supervisor
            db2, other = logins[key].services()
            try:
                assert other.escalation.unread_count(logins[key].actor) == expected, key
            finally:
                db2.dispose()
    finally:
        db.dispose()


def test_nobody_forges_an_alert_or_a_notification_in_psql(desk) -> None:  # type: ignore[no-untyped-def]
    owner, logins, _numbers = desk
    db, tom = logins["tom"].services()
    try:
        tom.escalation.run(logins["tom"].actor, holder="tom's workstation")
    finally:
        db.dispose()
    with owner.db.reading() as s:
        alert = s.execute(select(SlaAlert).where(SlaAlert.level == "at_risk").order_by(SlaAlert.id)).scalars().first()
        assert alert is not None
        cats = s.execute(select(StaffNotification.id).where(
            StaffNotification.staff_id == logins["cat"].actor.staff_id)).scalars().all()
        iid = alert.incident_id
    with logins["tom"].sql() as c:
        msg = refused(c, "INSERT INTO sla_alerts (incident_id, target, level, reached_at, priority, recorded_at, "
                         "recorded_by, actions) VALUES (%s, 'resolution', 'breach', now(), 'P1', now(), 'me', '')",
                      (iid,))
        assert "records what the ticket's SLA says happened" in msg
        assert "stays as it was recorded" in refused(
            c, "UPDATE sla_alerts SET actions = 'told nobody' WHERE id = %s", (alert.id,))
        assert "comes with the SLA alert" in refused(
            c, "INSERT INTO staff_notifications (staff_id, incident_id, alert_id, reason, title, body, created_at) "
               "VALUES (%s, %s, %s, 'team', 'Fake', '', now())",
            (logins["sue"].actor.staff_id, iid + 1000, alert.id))
        assert "only its recipient" in refused(
            c, "UPDATE staff_notifications SET read_at = now() WHERE id = %s", (cats[0],))
        refused(c, "INSERT INTO escalation_rules (at_risk_notify_assignee, at_risk_notify_team, "
                   "breach_notify_assignee, breach_notify_lead, breach_raise_urgency, by_mail, updated_at) "
                   "VALUES (false, false, false, false, false, false, now())")
    with logins["cat"].sql() as c:
        refused(c, "INSERT INTO job_leases (name, holder, acquired_at, expires_at, generation) "
                   "VALUES ('x', 'cat', now(), now(), 1)")
        refused(c, "UPDATE sla_alerts SET recorded_by = 'cat' WHERE id = %s", (alert.id,))
    db, sue = logins["sue"].services()
    try:
        row = sue.escalation.set_rule(logins["sue"].actor, service="Wi-Fi & Network", priority=None,
                                      breach_raise_urgency=True)
        assert row.rule.breach_raise_urgency and row.service == "Wi-Fi & Network"
    finally:
        db.dispose()


def test_a_technicians_workstation_mails_the_alert_to_staff_and_no_one_else(desk, memory_keyring) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    owner, logins, _numbers = desk
    admin = owner.staff.resolve_actor()
    owner.mail.setup(admin, smtp="smtp://127.0.0.1:1", security="none", from_address="servicedesk@example.edu",
                     enabled=True)
    with owner.db.writing() as s:
        s.execute(update(StaffAccount).where(StaffAccount.id == logins["tom"].actor.staff_id)
                  .values(email="tom@example.edu"))
    owner.escalation.set_rule(admin, service=None, priority=None, by_mail=True)
    db, tom = logins["tom"].services()
    try:
        tom.escalation.run(logins["tom"].actor, holder="tom's workstation")
    finally:
        db.dispose()
    with owner.db.reading() as s:
        sent = s.execute(select(OutboxMessage.recipient).where(OutboxMessage.event == "sla_alert")).scalars().all()
        iid = s.execute(select(SlaAlert.incident_id).order_by(SlaAlert.id)).scalars().first()
    assert "tom@example.edu" in sent
    with logins["tom"].sql() as c:
        assert "not outsider@example.com" in refused(
            c, "INSERT INTO mail_outbox (event, incident_id, dedupe_key, recipient, recipient_name, subject, "
               "body_text, body_html, message_id, thread_refs, status, attempts, next_attempt_at, created_at) "
               "VALUES ('sla_alert', %s, %s, 'outsider@example.com', '', 'x', 'x', '', %s, '', 'queued', 0, "
               "now(), now())", (iid, f"sla_alert:{iid}:x", f"<x{iid}@example.edu>"))


def test_the_advisory_lock_decides_and_a_dead_holder_frees_it(desk) -> None:  # type: ignore[no-untyped-def]
    """Two technicians' workstations: one holds the job; when its process dies (its
    connection gone, no unlock, no clean exit) the server frees the lock and the other
    takes over at its next try — no waiting for a lease to lapse."""
    from desk.escalation.lease import AdvisoryLease, current_holder

    _owner, logins, _numbers = desk
    db_a, _svc_a = logins["tom"].services()
    db_b, _svc_b = logins["sue"].services()
    try:
        a, b = AdvisoryLease(db_a, "workstation A"), AdvisoryLease(db_b, "workstation B")
        assert a.hold() and not b.hold()
        assert a.hold() and not b.hold()         # renewing keeps it; the other still stands by
        held = current_holder(db_b, dt.datetime.now(dt.UTC))
        assert held is not None and held[0] == "workstation A"
        assert a._conn is not None
        a._conn.invalidate()                     # the process died: the server ends its session
        a._conn = None
        # The server frees the lock when A's backend notices the closed socket and exits,
        # a moment after the close (longer on a loaded machine); B's timer would simply
        # try again. No lease has to lapse: far less than the lease's length is waited.
        deadline = time.monotonic() + 10
        while not b.hold():
            assert time.monotonic() < deadline, "the dead holder's lock was never freed"
            time.sleep(0.05)
        held = current_holder(db_b, dt.datetime.now(dt.UTC))
        assert held is not None and held[0] == "workstation B"
        b.release()
        assert a.hold()                          # a clean exit hands it on at once
        a.release()
    finally:
        db_a.dispose()
        db_b.dispose()


def test_a_technician_cannot_add_a_forged_notification_or_mail_to_a_recorded_alert(desk, memory_keyring) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Once an alert is recorded (its actions written), no one adds another notification of
    their own words to it, nor mails one: the server allowed both for ten minutes, to any
    staff member, with any title and body (a phishing channel from the desk's address)."""
    owner, logins, _numbers = desk
    admin = owner.staff.resolve_actor()
    owner.mail.setup(admin, smtp="smtp://127.0.0.1:1", security="none", from_address="servicedesk@example.edu",
                     enabled=True)
    with owner.db.writing() as s:
        s.execute(update(StaffAccount).where(StaffAccount.id == logins["sue"].actor.staff_id)
                  .values(email="sue@example.edu"))
    db, tom = logins["tom"].services()
    try:
        tom.escalation.run(logins["tom"].actor, holder="tom's workstation")
    finally:
        db.dispose()
    with owner.db.reading() as s:
        alert = s.execute(select(SlaAlert).where(SlaAlert.level == "breach").order_by(SlaAlert.id)).scalars().first()
        assert alert is not None and alert.actions
        iid = alert.incident_id
    with logins["tom"].sql() as c:
        assert "comes with the SLA alert" in refused(
            c, "INSERT INTO staff_notifications (staff_id, incident_id, alert_id, reason, title, body, created_at) "
               "VALUES (%s, %s, %s, 'lead', 'Password expired', 'Sign in at http://evil.example', now())",
            (admin.staff_id, iid, alert.id))
        refused(c, "INSERT INTO mail_outbox (event, incident_id, dedupe_key, recipient, recipient_name, subject, "
                   "body_text, body_html, message_id, thread_refs, status, attempts, next_attempt_at, created_at) "
                   "VALUES ('sla_alert', %s, %s, 'sue@example.edu', '', 'Password expired', "
                   "'Sign in at http://evil.example', '', %s, '', 'queued', 0, now(), now())",
                (iid, f"sla_alert:{iid}:forged", f"<forged{iid}@example.edu>"))


def test_a_technicians_workstation_carries_out_a_reassigning_rule_on_the_server(desk) -> None:  # type: ignore[no-untyped-def]
    """The breach hands the ticket to another team and raises its urgency, through the
    server's incident rules, from a technician's own connection."""
    from db.models import Incident

    owner, logins, (old, _new) = desk
    admin = owner.staff.resolve_actor()
    owner.escalation.set_rule(admin, service="Wi-Fi & Network", priority=None, breach_reassign_team="Network",
                              breach_raise_urgency=True)
    db, tom = logins["tom"].services()
    try:
        report = tom.escalation.run(logins["tom"].actor, holder="tom's workstation")
    finally:
        db.dispose()
    assert report.recorded == 3
    with owner.db.reading() as s:
        inc = s.execute(select(Incident).where(Incident.number == old)).scalar_one()
        alerts = s.execute(select(SlaAlert.level, SlaAlert.actions).where(SlaAlert.incident_id == inc.id)).all()
    assert any(level == "breach" for level, _a in alerts)
    assert inc.assignee_id is None and inc.team_id is not None


def test_signed_in_twice_each_notification_is_put_up_once_even_at_the_same_moment(  # type: ignore[no-untyped-def]
        desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workstations of the same person ask at the same moment (read committed: both
    read the unshown ones before either marks them): each notification is claimed by one."""
    import threading

    from desk.escalation.service import EscalationService

    _owner, logins, _numbers = desk
    db, tom = logins["tom"].services()
    db2, tom2 = logins["tom"].services()
    try:
        tom.escalation.run(logins["tom"].actor, holder="tom's workstation")
        both_read = threading.Barrier(2, timeout=10)
        views = EscalationService._views

        def read_then_wait(self, s, actor, **kw):  # type: ignore[no-untyped-def]
            got = views(self, s, actor, **kw)
            if kw.get("unshown_only"):
                both_read.wait()
            return got

        monkeypatch.setattr(EscalationService, "_views", read_then_wait)
        claimed: list[list[int]] = []
        threads = [threading.Thread(target=lambda svc=svc: claimed.append(
            [n.id for n in svc.escalation.claim_unshown(logins["tom"].actor)])) for svc in (tom, tom2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        ids = [i for got in claimed for i in got]
        assert len(claimed) == 2 and ids and len(ids) == len(set(ids))
    finally:
        db.dispose()
        db2.dispose()


def test_a_workstation_whose_account_is_deactivated_gives_the_job_up(desk) -> None:  # type: ignore[no-untyped-def]
    """Its open connection keeps the advisory lock when the login is set NOLOGIN and its
    groups taken: the job fails there, and the lock goes back so another takes over."""
    from desk.escalation.lease import AdvisoryLease
    from desk.escalation.watch import AlertWatch

    owner, logins, _numbers = desk
    admin = owner.staff.resolve_actor()
    db_a, tom = logins["tom"].services()
    db_b, sue = logins["sue"].services()
    try:
        a = AlertWatch(tom.escalation, logins["tom"].actor, AdvisoryLease(db_a, "tom's workstation"))
        b = AlertWatch(sue.escalation, logins["sue"].actor, AdvisoryLease(db_b, "sue's workstation"))
        assert a.lease.hold() and not b.lease.hold()
        owner.staff.set_active(admin, logins["tom"].actor.username, False, reason="Left")
        with pytest.raises(Exception):  # noqa: B017 - whatever the server says
            a.tick()
        tick = b.tick()
        assert tick.holding and tick.report is not None and tick.report.recorded == 3
        b.stop()
    finally:
        db_a.dispose()
        db_b.dispose()


def test_a_session_sitting_on_the_lock_does_not_stop_the_job(desk) -> None:  # type: ignore[no-untyped-def]
    """A technician's psql session takes the advisory lock and does nothing: once the lease
    row has lapsed a workstation runs the job all the same, and gives way when a real
    holder (one that keeps the row) comes back."""
    from sqlalchemy import update as sa_update

    from db.models import JobLease
    from desk.escalation.lease import ADVISORY_KEY, TTL, AdvisoryLease, current_holder

    owner, logins, _numbers = desk
    db_b, _svc_b = logins["sue"].services()
    try:
        with logins["tom"].sql() as squatter:
            assert squatter.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,)).fetchone()[0]
            b = AdvisoryLease(db_b, "workstation B")
            assert b.hold()                         # no row kept by anyone: B covers the job
            assert b.hold()                         # and keeps it while renewing the row
            held = current_holder(db_b, dt.datetime.now(dt.UTC))
            assert held is not None and held[0] == "workstation B"
            c = AdvisoryLease(db_b, "workstation C")
            assert not c.hold()                     # B's row is fresh: C stands by
            # B goes away without a word; its row lapses; C covers.
            with owner.db.writing() as s:
                s.execute(sa_update(JobLease).values(expires_at=dt.datetime.now(dt.UTC) - TTL))
            assert c.hold()
    finally:
        db_b.dispose()
