"""On the shared server the outbox is guarded as Desk guards it: a staff login in psql can
queue mail only for a ticket's own people, queued content never changes, and a sent
message stays sent. Through Desk, the same login queues and delivers as usual."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select, update

from db.enums import Role
from db.models import Loan, OutboxMessage
from tests import dbtools, factories
from tests.desk.mail.conftest import DESK_ADDRESS, MemoryKeyring, SmtpServer
from tests.pg_logins import Login, refused, staff_logins

pytestmark = pytest.mark.postgres

INSERT = ("INSERT INTO mail_outbox(event, incident_id, dedupe_key, recipient, recipient_name, subject, body_text, "
          "body_html, message_id, thread_refs, status, attempts, next_attempt_at, created_at) "
          "VALUES ('opened', %s, %s, %s, '', 'Hello', 'Buy now', '', %s, '', %s, 0, now(), now())")


@pytest.fixture
def counter(db_templates: dbtools.Templates, postgres_url: str, smtp: SmtpServer,
            memory_keyring: MemoryKeyring) -> Iterator[tuple[Login, int, str]]:
    with staff_logins(db_templates, postgres_url, [("counter", Role.COUNTER)]) as (owner, admin, logins):
        owner.mail.setup(admin, smtp=smtp.url, security="none", from_address=DESK_ADDRESS, enabled=True)
        uid = factories.person(owner.db, given="Ada", family="Lovelace", email="ada@example.edu")
        login = logins["counter"]
        db, services = login.services()
        try:
            # Through Desk, as the counter member's own login: queued with the ticket...
            inc = factories.incident(services, login.actor, "Printer jam", caller=uid)
            # ...and delivered by the same login (any workstation sends).
            assert services.mail.send().sent == 1 and len(smtp.messages) == 1
            with db.reading() as s:
                incident_id = s.execute(select(OutboxMessage.incident_id)).scalar_one()
        finally:
            db.dispose()
        yield login, int(incident_id or 0), inc.number


def test_a_login_cannot_mail_anyone_it_likes_from_the_desks_address(counter: tuple[Login, int, str]) -> None:
    login, incident_id, _number = counter
    with login.sql() as c:
        message = refused(c, INSERT, (incident_id, "spam-1", "victim@example.com", "<a@x>", "queued"))
        assert "mails a ticket's caller" in message and "victim@example.com" in message
        assert "enters the outbox queued" in refused(c, INSERT, (incident_id, "spam-2", "ada@example.edu", "<b@x>",
                                                                 "sent"))
        # Another ticket's future message cannot be pre-empted by taking its key.
        assert "names its event and ticket" in refused(
            c, INSERT, (incident_id, f"opened:{incident_id + 1}:opened:{incident_id + 1}", "ada@example.edu", "<d@x>",
                        "queued"))
        c.execute(INSERT, (incident_id, f"opened:{incident_id}:by-hand", "ada@example.edu", "<c@x>", "queued"))


def test_queued_content_is_fixed_and_sent_stays_sent(counter: tuple[Login, int, str]) -> None:
    login, incident_id, _number = counter
    with login.sql() as c:
        assert "only its delivery changes" in refused(
            c, "UPDATE mail_outbox SET recipient = 'victim@example.com' WHERE incident_id = %s", (incident_id,))
        assert "only its delivery changes" in refused(
            c, "UPDATE mail_outbox SET body_text = 'Click here' WHERE incident_id = %s", (incident_id,))
        assert "stays sent" in refused(c, "UPDATE mail_outbox SET status = 'queued' WHERE status = 'sent'")
        assert "permission denied" in refused(c, "DELETE FROM mail_outbox")
        assert "permission denied" in refused(c, "UPDATE mail_settings SET from_address = 'ceo@example.edu'")


def test_a_loan_reminder_reaches_the_loans_holder_when_the_ticket_has_another_caller(
        db_templates: dbtools.Templates, postgres_url: str, smtp: SmtpServer, memory_keyring: MemoryKeyring) -> None:
    # The loan is the person's who took the laptop; the ticket's caller was corrected
    # afterwards. The rule allowed only the caller, so `desk mail send --remind-loans` as a
    # staff login was refused outright, and then sent nothing at all.
    with staff_logins(db_templates, postgres_url, [("sup", Role.SUPERVISOR)]) as (owner, admin, logins):
        owner.mail.setup(admin, smtp=smtp.url, security="none", from_address=DESK_ADDRESS, enabled=True)
        owner.counter.loaners.add(admin, "LN-1", "Dell loaner")
        number = factories.repair(owner.db, owner.counter, admin, loaner="LN-1",
                                  loan_due=dt.date.today() + dt.timedelta(days=7)).number
        other = factories.person(owner.db, given="Grace", family="Hopper", email="grace@example.edu")
        version = owner.incidents.get(number).version
        owner.incidents.update(admin, number, version, {"caller_university_id": other})
        with owner.db.writing() as s:
            s.execute(update(Loan).values(due_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1)))
        db, services = logins["sup"].services()
        try:
            assert services.mail.remind_overdue_loans() == 1
            with db.reading() as s:
                to = s.execute(select(OutboxMessage.recipient).where(
                    OutboxMessage.event == "loaner_overdue")).scalar_one()
            assert to != "grace@example.edu"
        finally:
            db.dispose()
