"""What goes into the outbox: in the event's own transaction, once per occurrence, only
when mail is on, the event is on for the service and the customer has an address."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.models import OutboxMessage
from desk.actor import Actor
from desk.bootstrap import Services
from desk.counter.views import PickupRequest
from desk.errors import InvalidInput
from desk.incidents.service import NewIncident
from desk.mail.events import MailEvent
from tests import factories
from tests.conftest import FakeClock


def outbox(services: Services) -> list[OutboxMessage]:
    with services.db.reading() as s:
        rows = list(s.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())
        s.expunge_all()
        return rows


def caller(services: Services, given: str = "Ada", family: str = "Lovelace", email: str | None = None) -> str:
    return factories.person(services.db, given=given, family=family,
                            email=email or f"{given.lower()}.{family.lower()}@example.edu")


def test_nothing_is_queued_until_mail_is_set_up_and_on(services: Services, admin: Actor) -> None:
    factories.incident(services, admin, "Printer jam", caller=caller(services))
    assert outbox(services) == []


def test_an_opened_ticket_queues_its_reference_number(mail_on: Services, admin: Actor) -> None:
    uid = caller(mail_on)
    inc = factories.incident(mail_on, admin, "Eduroam drops in the library", caller=uid)
    [msg] = outbox(mail_on)
    assert (msg.event, msg.recipient, msg.recipient_name, msg.status) == (
        "opened", "ada.lovelace@example.edu", "Ada Lovelace", "queued")
    assert msg.subject == f"[{inc.number}] We have your request: Eduroam drops in the library"
    assert inc.number in msg.body_text and "Hello Ada Lovelace" in msg.body_text
    assert msg.message_id.endswith(f".{inc.number.lower()}@example.edu>")
    assert msg.thread_refs == f"<{inc.number.lower()}@example.edu>"


def test_a_change_rolled_back_queues_nothing(mail_on: Services, admin: Actor, clock: FakeClock) -> None:
    uid = caller(mail_on)
    with pytest.raises(RuntimeError), mail_on.db.writing() as s:
        mail_on.incidents.open_in(s, admin, NewIncident(title="Never committed", caller_university_id=uid), clock())
        assert s.execute(select(func.count(OutboxMessage.id))).scalar_one() == 1   # queued in the transaction...
        raise RuntimeError("the rest of the action failed")
    assert outbox(mail_on) == []                                                   # ...and gone with it


def test_no_address_no_message_and_the_ticket_opens_all_the_same(mail_on: Services, admin: Actor) -> None:
    uid = factories.person(mail_on.db, given="No", family="Mail")
    with mail_on.db.writing() as s:
        from db.models import Person
        person = s.execute(select(Person).where(Person.university_id == uid)).scalar_one()
        person.email = None
    inc = factories.incident(mail_on, admin, "Phone call, no e-mail", caller=uid)
    assert mail_on.incidents.get(inc.number).title == "Phone call, no e-mail" and outbox(mail_on) == []


def test_each_event_queues_its_message_and_internal_notes_none(mail_on: Services, admin: Actor,
                                                              clock: FakeClock) -> None:
    inc = factories.incident(mail_on, admin, "VPN asks twice", caller=caller(mail_on), status="in_progress")
    mail_on.incidents.comment(admin, inc.number, "Checked the logs.", internal=True)
    mail_on.incidents.comment(admin, inc.number, "Could you send a screenshot of the error?")
    clock.advance(minutes=1)
    mail_on.incidents.transition(admin, inc.number, "pending_customer", reason="Waiting for the screenshot")
    clock.advance(minutes=1)
    mail_on.incidents.transition(admin, inc.number, "in_progress", reason="Screenshot received")
    clock.advance(minutes=1)
    mail_on.incidents.transition(admin, inc.number, "resolved", resolution_code="user_education",
                                 resolution_note="Re-enrolled the second factor.")
    events = [m.event for m in outbox(mail_on)]
    assert events == ["opened", "public_comment", "waiting_for_you", "resolved"]
    comment, waiting, resolved = outbox(mail_on)[1:]
    assert "Could you send a screenshot" in comment.body_text and "Checked the logs" not in comment.body_text
    assert "Waiting for the screenshot" in waiting.body_text
    # Words, not values; and how to reopen.
    assert "User education" in resolved.body_text and "within 5 working days" in resolved.body_text


def test_an_event_switched_off_for_a_service_sends_nothing_for_it(mail_on: Services, admin: Actor) -> None:
    mail_on.mail.switch(admin, "Printing", MailEvent.OPENED, False)
    factories.incident(mail_on, admin, "Printer jam", caller=caller(mail_on), service="Printing")
    factories.incident(mail_on, admin, "Wi-Fi slow", caller=caller(mail_on, "Grace", "Hopper"),
                       service="Wi-Fi & Network")
    assert [m.recipient for m in outbox(mail_on)] == ["grace.hopper@example.edu"]
    settings = {e.event: e.enabled for e in mail_on.mail.events("Printing")}
    assert settings[MailEvent.OPENED] is False and settings[MailEvent.RESOLVED] is True


def test_a_supervisors_template_is_used_and_values_never_become_markup(mail_on: Services, admin: Actor) -> None:
    mail_on.mail.set_template(admin, MailEvent.OPENED, subject="Ticket {number} logged",
                              body_text="Dear {caller_name}: {title}", body_html="<p>Dear {caller_name}: {title}</p>")
    factories.incident(mail_on, admin, "<script>alert(1)</script> & more", caller=caller(mail_on))
    [msg] = outbox(mail_on)
    assert msg.subject.startswith("[INC-") and "logged" in msg.subject      # the ticket's tag is always there
    assert msg.body_text.endswith("<script>alert(1)</script> & more")       # plain text as written
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in msg.body_html and "<script>" not in msg.body_html
    with pytest.raises(InvalidInput, match=r"\{password\} in the body text is not a placeholder"):
        mail_on.mail.set_template(admin, MailEvent.OPENED, subject="x", body_text="{password}")
    mail_on.mail.reset_template(admin, MailEvent.OPENED)
    assert not mail_on.mail.template(MailEvent.OPENED).customised


def test_the_counter_mails_when_the_laptop_is_ready_but_not_at_pickup(mail_on: Services, admin: Actor) -> None:
    counter = mail_on.counter
    number = factories.repair(mail_on.db, counter, admin).number
    notify = next(t.id for t in counter.checklist.state(number).tasks if t.title.startswith("Notify customer"))
    counter.checklist.set_done(admin, number, notify, True)
    counter.pickup.pickup(admin, PickupRequest(number, "University card", ("Charger", "Bag"),
                                               factories.signature_png(), "Keyboard replaced"))
    events = [m.event for m in outbox(mail_on)]
    # The customer is at the desk when it is resolved and closed: no "resolved" mail then.
    assert events == ["opened", "laptop_ready"]
    ready = outbox(mail_on)[1]
    assert "ready for pickup" in ready.subject and "Dell Latitude" in ready.body_text


def test_an_overdue_loaner_is_reminded_once_a_day_whoever_runs_it(mail_on: Services, admin: Actor,
                                                                  clock: FakeClock) -> None:
    counter = mail_on.counter
    counter.loaners.add(admin, "LN-1", "Dell loaner")
    factories.repair(mail_on.db, counter, admin, loaner="LN-1", loan_due=dt.date(2026, 11, 3))
    assert mail_on.mail.remind_overdue_loans() == 0          # not overdue yet
    clock.advance(days=4)
    assert mail_on.mail.remind_overdue_loans() == 1
    assert mail_on.mail.remind_overdue_loans() == 0          # the second cron run the same day
    clock.advance(days=1)
    assert mail_on.mail.remind_overdue_loans() == 1          # the next day, again
    reminders = [m for m in outbox(mail_on) if m.event == "loaner_overdue"]
    assert len(reminders) == 2 and "LN-1" in reminders[0].subject


def test_a_major_update_to_users_reaches_each_affected_caller_once(mail_on: Services, admin: Actor) -> None:
    ada, grace = caller(mail_on), caller(mail_on, "Grace", "Hopper")
    major = factories.incident(mail_on, admin, "Campus Wi-Fi down", status="in_progress")
    children = [factories.incident(mail_on, admin, f"No Wi-Fi {i}", caller=who).number
                for i, who in enumerate((ada, grace, ada))]
    mail_on.major.promote(admin, major.number, reason="Many users hit")
    mail_on.major.link_children(admin, major.number, children)
    before = len(outbox(mail_on))
    mail_on.major.post_update(admin, major.number, "Engineers are replacing a core switch.", to_users=True)
    mail_on.major.post_update(admin, major.number, "Internal: vendor called back.")          # staff only
    updates = outbox(mail_on)[before:]
    assert sorted(m.recipient for m in updates) == ["ada.lovelace@example.edu", "grace.hopper@example.edu"]
    assert all("core switch" in m.body_text and major.number in m.body_text for m in updates)
