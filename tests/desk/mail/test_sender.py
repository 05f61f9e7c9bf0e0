"""Delivering the outbox to a real SMTP server (aiosmtpd): headers, threading, the server
down and back, 4xx and 5xx, two senders racing, header injection from a name."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from db.models import OutboxMessage, Person
from desk.actor import Actor
from desk.bootstrap import Services
from desk.mail.credentials import Login
from desk.mail.sender import MailSender
from tests import factories
from tests.conftest import FakeClock
from tests.desk.mail.conftest import DESK_ADDRESS, SmtpServer
from tests.desk.mail.test_cli import Authenticating
from tests.desk.mail.test_outbox import caller, outbox


def test_a_queued_message_arrives_threaded_and_marked_as_automatic(mail_on: Services, admin: Actor,
                                                                   smtp: SmtpServer) -> None:
    inc = factories.incident(mail_on, admin, "Café Wi-Fi: ça ne marche pas", caller=caller(mail_on))
    report = mail_on.mail.send()
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [got] = smtp.messages
    m = got.message
    assert got.envelope_to == ["ada.lovelace@example.edu"]
    assert m["Subject"] == f"[{inc.number}] We have your request: Café Wi-Fi: ça ne marche pas"
    assert m["From"].addresses[0].addr_spec == DESK_ADDRESS and m["To"].addresses[0].display_name == "Ada Lovelace"
    assert m["Auto-Submitted"] == "auto-generated" and m["X-Desk-Ticket"] == inc.number
    assert m["References"] == m["In-Reply-To"] == f"<{inc.number.lower()}@example.edu>"
    [row] = outbox(mail_on)
    assert m["Message-ID"] == row.message_id and row.status == "sent" and row.sent_at is not None
    text = m.get_body(preferencelist=("plain",)).get_content()
    html = m.get_body(preferencelist=("html",)).get_content()
    assert inc.number in text and f"<b>{inc.number}</b>" in html
    assert mail_on.mail.send().sent == 0                      # nothing twice


def test_a_day_long_outage_loses_nothing(mail_on: Services, admin: Actor, smtp: SmtpServer,
                                         clock: FakeClock) -> None:
    smtp.stop()
    numbers = [factories.incident(mail_on, admin, f"Ticket {i}", caller=caller(mail_on, f"P{i}", "Person")).number
               for i in range(3)]
    for hour in range(24):                                    # cron every hour, the server down all day
        report = mail_on.mail.send()
        assert report.sent == 0 and (report.retried == 3 or hour > 0)
        clock.advance(hours=1)
    rows = outbox(mail_on)
    assert {r.status for r in rows} == {"queued"} and all("cannot connect" in (r.last_error or "") for r in rows)
    assert all(r.attempts >= 6 for r in rows)
    smtp.start()
    assert mail_on.mail.send(include_waiting=True).sent == 3   # an administrator who just fixed the server
    assert sorted(str(m.message["X-Desk-Ticket"]) for m in smtp.messages) == sorted(numbers)
    assert {r.status for r in outbox(mail_on)} == {"sent"}


def test_a_retry_waits_for_its_back_off(mail_on: Services, admin: Actor, smtp: SmtpServer, clock: FakeClock) -> None:
    smtp.handler.data_reply = "451 4.3.0 Mailbox temporarily unavailable"
    factories.incident(mail_on, admin, "Printer jam", caller=caller(mail_on))
    report = mail_on.mail.send()
    assert report.retried == 1 and "451 4.3.0 Mailbox temporarily unavailable" in report.problems[0]
    [row] = outbox(mail_on)
    assert row.status == "queued" and row.next_attempt_at == clock() + dt.timedelta(minutes=1)
    smtp.handler.data_reply = "250 OK"
    assert mail_on.mail.send().sent == 0                      # not due yet
    clock.advance(minutes=1)
    assert mail_on.mail.send().sent == 1 and len(smtp.messages) == 1


def test_a_5xx_fails_with_the_servers_words_kept(mail_on: Services, admin: Actor, smtp: SmtpServer) -> None:
    smtp.handler.rcpt_reply = "550 5.1.1 <ada.lovelace@example.edu>: Recipient address rejected"
    factories.incident(mail_on, admin, "Printer jam", caller=caller(mail_on))
    report = mail_on.mail.send(include_waiting=True)
    assert (report.sent, report.failed) == (0, 1)
    [row] = outbox(mail_on)
    assert row.status == "failed" and "550" in (row.last_error or "") and "Recipient address rejected" in (
        row.last_error or "")
    smtp.handler.rcpt_reply = "250 OK"
    assert mail_on.mail.send(include_waiting=True).sent == 0  # failed stays failed


def test_undelivered_for_five_days_it_fails(mail_on: Services, admin: Actor, smtp: SmtpServer,
                                            clock: FakeClock) -> None:
    smtp.stop()
    factories.incident(mail_on, admin, "Printer jam", caller=caller(mail_on))
    mail_on.mail.send()
    clock.advance(days=5, minutes=1)
    report = mail_on.mail.send()
    assert report.failed == 1 and outbox(mail_on)[0].status == "failed"
    assert "gave up after 2 attempts" in (outbox(mail_on)[0].last_error or "")


def test_two_senders_racing_deliver_each_message_once(mail_on: Services, admin: Actor, smtp: SmtpServer) -> None:
    for i in range(60):
        factories.incident(mail_on, admin, f"Ticket {i}", caller=caller(mail_on, f"P{i}", "Racer"))
    senders = [MailSender(mail_on.db, mail_on.clock) for _ in range(2)]
    reports = []

    def run(sender: MailSender) -> None:
        reports.append(sender.send_due(None))

    threads = [threading.Thread(target=run, args=(s,)) for s in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ids = [str(m.message["Message-ID"]) for m in smtp.messages]
    assert len(ids) == 60 and len(set(ids)) == 60
    assert sum(r.sent for r in reports) == 60


def test_a_name_cannot_add_a_header(mail_on: Services, admin: Actor, smtp: SmtpServer) -> None:
    uid = caller(mail_on, "Eve", "Attacker")
    with mail_on.db.writing() as s:
        person = s.execute(select(Person).where(Person.university_id == uid)).scalar_one()
        person.given_name = "Eve\r\nBcc: victim@example.com\r\nX-Evil: 1"
    # (A title cannot hold a line break at all: the incident form refuses it.)
    factories.incident(mail_on, admin, "Printer jam", caller=uid)
    assert mail_on.mail.send().sent == 1
    [got] = smtp.messages
    assert got.envelope_to == ["eve.attacker@example.edu"]
    assert got.message["Bcc"] is None and got.message["X-Evil"] is None
    assert "\n" not in str(got.message["To"]) and "\n" not in str(got.message["Subject"])


def test_a_sender_that_died_leaves_its_claim_to_the_next(mail_on: Services, admin: Actor, smtp: SmtpServer,
                                                         clock: FakeClock) -> None:
    factories.incident(mail_on, admin, "Printer jam", caller=caller(mail_on))
    with mail_on.db.writing() as s:                           # claimed by a sender that then died
        row = s.execute(select(OutboxMessage)).scalar_one()
        row.status, row.claimed_by, row.claimed_until = "sending", "dead", clock() + dt.timedelta(minutes=5)
    assert mail_on.mail.send().sent == 0                      # still its claim
    clock.advance(minutes=6)
    assert mail_on.mail.send().sent == 1 and len(smtp.messages) == 1


def test_an_address_the_email_package_cannot_parse_fails_alone(mail_on: Services, admin: Actor,
                                                               smtp: SmtpServer) -> None:
    # "ada@example..edu" passes the person form's check, but the email package raises
    # HeaderParseError (not a ValueError) on it: that message fails, the batch goes on,
    # and the sender does not stop there on every run.
    bad = mail_on.people.create(admin, university_id="BAD-1", given_name="Ada", family_name="Typo",
                                email="ada@example..edu").university_id
    factories.incident(mail_on, admin, "Printer jam", caller=bad)
    factories.incident(mail_on, admin, "Wi-Fi drops", caller=caller(mail_on))
    report = mail_on.mail.send()
    assert (report.sent, report.failed) == (1, 1)
    assert [r.status for r in outbox(mail_on)] == ["failed", "sent"]
    assert "cannot be sent as written" in (outbox(mail_on)[0].last_error or "")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_password_smtplib_cannot_send_waits_with_words_not_a_crash(mail_on: Services, admin: Actor) -> None:
    # smtplib encodes the login as ASCII: "pässwort" raised UnicodeEncodeError out of
    # send_due, the batch stayed claimed and every run crashed the same way.
    srv = Authenticating("desk-relay", "pässwort")
    srv.controller.start()
    try:
        login = Login("desk-relay", "pässwort")
        mail_on.mail.setup(admin, smtp=f"smtp://127.0.0.1:{srv.port}", security="none", login=login)
        factories.incident(mail_on, admin, "Printer jam", caller=caller(mail_on))
        report = mail_on.mail.send(login)
        assert (report.sent, report.retried) == (0, 1)
        assert any("ASCII" in p for p in report.problems) and not any("pässwort" in p for p in report.problems)
        assert [r.status for r in outbox(mail_on)] == ["queued"]
    finally:
        srv.controller.stop()
