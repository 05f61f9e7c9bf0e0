"""A customer's e-mail, handled once: a reply lands on its ticket (and reopens or un-pauses
it where the rules say), anything else opens a ticket with the sender matched; machines'
mail and floods are kept aside; broken mail is read as well as it can be, the raw kept."""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from sqlalchemy import select

from db.models import Attachment, InboxMessage, Incident, JournalEntry, OutboxMessage
from desk.actor import Actor
from desk.bootstrap import Services
from desk.inbound.parse import html_to_text, strip_quoted
from tests import factories
from tests.conftest import FakeClock
from tests.desk.mail.conftest import DESK_ADDRESS


def mail(sender: str = "Ada Lovelace <ada@example.edu>", subject: str = "Printer on floor 2 prints blank pages",
         body: str = "Hello,\n\nthe printer on floor 2 prints blank pages since this morning.\n\nAda",
         message_id: str = "<m1@mail.example.edu>", **headers: str) -> bytes:
    m = EmailMessage()
    m["From"] = sender
    m["To"] = DESK_ADDRESS
    m["Subject"] = subject
    m["Message-ID"] = message_id
    m["Date"] = format_datetime(__import__("datetime").datetime(2026, 11, 2, 9, 0, tzinfo=__import__(
        "datetime").UTC))
    for k, v in headers.items():
        m[k.replace("_", "-")] = v
    m.set_content(body)
    return bytes(m)


@pytest.fixture
def ada(mail_on: Services) -> str:
    return factories.person(mail_on.db, given="Ada", family="Lovelace", email="ada@example.edu")


def journal(services: Services, number: str) -> list[tuple[str, str]]:
    with services.db.reading() as s:
        inc_id = s.execute(select(Incident.id).where(Incident.number == number)).scalar_one()
        return [(k.value, b) for k, b in s.execute(select(JournalEntry.kind, JournalEntry.body).where(
            JournalEntry.incident_id == inc_id).order_by(JournalEntry.id)).all()]


def test_a_new_mail_opens_a_ticket_for_its_sender_and_sends_the_number_back(
        mail_on: Services, admin: Actor, ada: str) -> None:
    outcome = mail_on.inbound.receive(admin, mail())
    assert outcome.outcome == "opened" and outcome.number
    inc = mail_on.incidents.get(outcome.number)
    assert (inc.title, inc.channel, inc.caller_university_id) == (
        "Printer on floor 2 prints blank pages", "email", ada)
    assert "prints blank pages since this morning" in inc.description
    reference = mail_on.mail.outbox()[0]            # the reference number goes back to the sender
    assert reference.event == "opened" and reference.recipient == "ada@example.edu" and outcome.number in (
        reference.subject)
    assert mail_on.inbound.receive(admin, mail()).outcome == "duplicate"     # fetched twice: once
    with mail_on.db.reading() as s:
        assert s.execute(select(InboxMessage.outcome)).scalars().all() == ["opened"]


def test_a_reply_lands_on_its_ticket_without_the_quoted_history(mail_on: Services, admin: Actor,
                                                                 ada: str, clock: FakeClock) -> None:
    number = factories.incident(mail_on, admin, "VPN asks twice", caller=ada, status="in_progress").number
    mail_on.incidents.transition(admin, number, "pending_customer", reason="Send a screenshot")
    [*_, waiting] = mail_on.mail.outbox()[::-1]
    reply = mail(subject=f"Re: {waiting.subject}", message_id="<r1@mail.example.edu>",
                 In_Reply_To=f"<abc.{number.lower()}@example.edu>",
                 body="Here it is: it says error 809.\n\nOn Mon, 2 Nov 2026 at 09:00, IT Service Desk wrote:\n"
                      "> Your ticket is waiting for you\n> Send a screenshot\n")
    outcome = mail_on.inbound.receive(admin, reply)
    assert (outcome.outcome, outcome.number) == ("commented", number)
    public = [b for k, b in journal(mail_on, number) if k == "public"]
    assert public[-1].startswith("E-mail from Ada Lovelace <ada@example.edu>:") and "error 809" in public[-1]
    assert "wrote:" not in public[-1] and "> Send" not in public[-1]
    assert mail_on.incidents.get(number).status == "in_progress"      # no longer waiting for the customer
    # Their own words are not mailed back to them.
    assert "public_comment" not in [m.event for m in mail_on.mail.outbox()]


def test_a_reply_to_a_resolved_ticket_reopens_it_and_to_a_closed_one_opens_a_new_one(
        mail_on: Services, admin: Actor, ada: str, clock: FakeClock) -> None:
    resolved = factories.incident(mail_on, admin, "Wi-Fi drops", caller=ada, status="resolved").number
    clock.advance(minutes=5)
    outcome = mail_on.inbound.receive(admin, mail(subject=f"Re: [{resolved}] Resolved: Wi-Fi drops",
                                                  message_id="<r2@x>", body="Still dropping, sorry."))
    assert outcome.number == resolved and mail_on.incidents.get(resolved).status == "in_progress"
    closed = factories.incident(mail_on, admin, "Old printer", caller=ada, status="closed").number
    outcome = mail_on.inbound.receive(admin, mail(subject=f"Re: [{closed}] Old printer", message_id="<r3@x>"))
    assert outcome.outcome == "opened" and outcome.number != closed
    assert mail_on.incidents.get(outcome.number or "").description.startswith(f"Follows up {closed} (already Closed)")


def test_a_reply_from_someone_else_is_a_work_note_and_changes_nothing(mail_on: Services, admin: Actor,
                                                                       ada: str) -> None:
    number = factories.incident(mail_on, admin, "Laptop slow", caller=ada, status="resolved").number
    outcome = mail_on.inbound.receive(admin, mail(sender="Mallory <mallory@evil.example>",
                                                  subject=f"Re: [{number}] please close", message_id="<x9@evil>"))
    assert outcome.outcome == "commented" and "other than the caller" in outcome.reason
    assert journal(mail_on, number)[-1][0] == "internal" and mail_on.incidents.get(number).status == "resolved"


def test_an_unknown_sender_is_kept_as_a_contact_for_the_counter(mail_on: Services, admin: Actor) -> None:
    outcome = mail_on.inbound.receive(admin, mail(sender="Zoë Visitor <zoe@gmail.example>", message_id="<u1@g>"))
    assert outcome.outcome == "opened" and "not in the directory" in outcome.reason
    inc = mail_on.incidents.get(outcome.number or "")
    assert (inc.caller_university_id or "").startswith("MAIL-")
    assert "not in the directory" in journal(mail_on, inc.number)[-1][1]
    [row] = mail_on.inbound.inbox(unknown=True)
    assert row.from_address == "zoe@gmail.example" and row.ticket == inc.number
    # The same stranger again: the same contact, not a second one.
    again = mail_on.inbound.receive(admin, mail(sender="zoe@gmail.example", message_id="<u2@g>", subject="Also"))
    assert mail_on.incidents.get(again.number or "").caller_university_id == inc.caller_university_id


@pytest.mark.parametrize(("headers", "sender", "why"), [
    ({"Auto_Submitted": "auto-replied"}, "Ada Lovelace <ada@example.edu>", "Auto-Submitted: auto-replied"),
    ({"Precedence": "bulk"}, "Ada Lovelace <ada@example.edu>", "Precedence: bulk"),
    ({}, "Mail Delivery System <MAILER-DAEMON@mx.example.edu>", "a machine's address"),
    ({}, f"IT Service Desk <{DESK_ADDRESS}>", "Desk's own address (a loop)"),
    ({"X_Autoreply": "yes"}, "Ada Lovelace <ada@example.edu>", "auto-reply"),
])
def test_machines_mail_is_kept_aside(mail_on: Services, admin: Actor, ada: str, headers: dict[str, str],
                                     sender: str, why: str) -> None:
    outcome = mail_on.inbound.receive(admin, mail(sender=sender, message_id="<auto@x>", **headers))
    assert outcome.outcome == "kept_aside" and why in outcome.reason
    with mail_on.db.reading() as s:
        assert s.execute(select(Incident.id)).first() is None
        raw = s.execute(select(InboxMessage.raw)).scalar_one()
    assert b"Printer on floor 2" in raw                                  # kept, as it came


def test_a_flood_from_one_sender_is_kept_aside_after_the_limit(mail_on: Services, admin: Actor, ada: str) -> None:
    mail_on.mail.setup(admin, flood_per_hour=3)
    outcomes = [mail_on.inbound.receive(admin, mail(message_id=f"<f{i}@x>", subject=f"Help {i}")).outcome
                for i in range(5)]
    assert outcomes == ["opened"] * 3 + ["kept_aside"] * 2


def test_latin1_html_only_and_broken_mail_are_read_as_well_as_can_be(mail_on: Services, admin: Actor,
                                                                      ada: str) -> None:
    latin1 = ("From: =?iso-8859-1?q?Ren=E9e_M=FCller?= <ada@example.edu>\r\nTo: servicedesk@example.edu\r\n"
              "Subject: =?iso-8859-1?q?Imprimante_ne_r=E9pond_pas?=\r\nMessage-ID: <l1@x>\r\nMIME-Version: 1.0\r\n"
              "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
              "L'imprimante du caf\xe9 ne r\xe9pond plus.\r\n").encode("latin-1")
    first = mail_on.inbound.receive(admin, latin1)
    inc = mail_on.incidents.get(first.number or "")
    assert inc.title == "Imprimante ne répond pas" and "du café ne répond plus" in inc.description

    html = EmailMessage()
    html["From"], html["Subject"], html["Message-ID"] = "ada@example.edu", "Screen", "<h1@x>"
    html.set_content("<html><body><p>My <b>screen</b> flickers.</p><script>x()</script></body></html>",
                     subtype="html")
    second = mail_on.inbound.receive(admin, bytes(html))
    assert "My screen flickers." in mail_on.incidents.get(second.number or "").description
    assert "HTML only" in second.reason

    wrong = (b"From: ada@example.edu\r\nSubject: Charset\r\nMessage-ID: <w1@x>\r\nMIME-Version: 1.0\r\n"
             b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nCaf\xe9 au lait\r\n")
    third = mail_on.inbound.receive(admin, wrong)
    assert "Café au lait" in mail_on.incidents.get(third.number or "").description
    assert "unreadable charset" in third.reason

    broken = (b"From: ada@example.edu\r\nSubject: Broken\r\nMessage-ID: <b1@x>\r\nMIME-Version: 1.0\r\n"
              b"Content-Type: multipart/mixed; boundary=\"nope\"\r\n\r\nno boundary ever comes\r\n")
    fourth = mail_on.inbound.receive(admin, broken)
    assert fourth.outcome == "opened" and "malformed" in fourth.reason


def test_a_20_mb_attachment_is_named_not_kept_and_small_ones_are_kept(mail_on: Services, admin: Actor,
                                                                       ada: str) -> None:
    m = EmailMessage()
    m["From"], m["Subject"], m["Message-ID"] = "Ada Lovelace <ada@example.edu>", "Logs attached", "<a1@x>"
    m.set_content("See the attached photo and the log.")
    m.add_attachment(b"\x89PNG\r\n\x1a\n" + b"0" * 1000, maintype="image", subtype="png", filename="screen.png")
    m.add_attachment(b"x" * (20 * 1024 * 1024), maintype="application", subtype="octet-stream",
                     filename="full-disk.log")
    outcome = mail_on.inbound.receive(admin, bytes(m))
    assert outcome.outcome == "opened" and "'full-disk.log' (20.0 MB) not kept" in outcome.reason
    with mail_on.db.reading() as s:
        names = s.execute(select(Attachment.filename)).scalars().all()
        size = s.execute(select(InboxMessage.size)).scalar_one()
    assert names == ["screen.png"] and size > 20 * 1024 * 1024           # the raw message has it all


def test_a_name_with_a_header_in_it_stays_a_name(mail_on: Services, admin: Actor) -> None:
    raw = (b"From: =?utf-8?q?Eve=0D=0ABcc=3A_victim=40example=2Ecom?= <eve@example.org>\r\n"
           b"Subject: =?utf-8?q?Hi=0D=0ABcc=3A_x=40y=2Ez?=\r\nMessage-ID: <e1@x>\r\n\r\nhello\r\n")
    outcome = mail_on.inbound.receive(admin, raw)
    inc = mail_on.incidents.get(outcome.number or "")
    assert "\n" not in inc.title and "\r" not in inc.title
    [msg] = [m for m in mail_on.mail.outbox() if m.event == "opened"]
    assert msg.recipient == "eve@example.org"       # only the sender: the name added no recipient


def test_a_reply_naming_only_our_message_id_lands_on_its_ticket(mail_on: Services, admin: Actor, ada: str) -> None:
    # Some clients keep only In-Reply-To (the message answered, not the thread root) and
    # rewrite the subject; the Message-IDs Desk writes are <hex.inc-…@domain>.
    number = factories.incident(mail_on, admin, "VPN asks twice", caller=ada, status="in_progress").number
    mail_on.incidents.transition(admin, number, "pending_customer", reason="Send a screenshot")
    waiting = mail_on.mail.outbox()[0]
    with mail_on.db.reading() as s:
        message_id = s.execute(select(OutboxMessage.message_id).where(OutboxMessage.id == waiting.id)).scalar_one()
    outcome = mail_on.inbound.receive(admin, mail(subject="the screenshot", message_id="<r7@mail.example.edu>",
                                                  In_Reply_To=message_id, body="Attached."))
    assert (outcome.outcome, outcome.number) == ("commented", number)


def test_a_thread_of_another_desks_domain_is_not_our_ticket(mail_on: Services, admin: Actor, ada: str) -> None:
    # Another university's Desk numbers its tickets the same way: a reply to its thread,
    # cc'd to us, names <inc-000001@other-desk.example.org> and is not our INC-000001.
    ours = factories.incident(mail_on, admin, "Laptop slow", caller=ada, status="in_progress").number
    outcome = mail_on.inbound.receive(admin, mail(subject="Lab printers", message_id="<o1@other-desk.example.org>",
                                                  References=f"<{ours.lower()}@other-desk.example.org>"))
    assert outcome.outcome == "opened" and outcome.number != ours


def test_a_from_header_the_email_package_chokes_on_is_read_not_fetched_forever(
        mail_on: Services, admin: Actor) -> None:
    # The modern parser raises AttributeError (a bug of its own) on this From header; the
    # message stayed unseen and stopped every fetch at it.
    raw = (b"From: Foo <a@[b>\r\nTo: " + DESK_ADDRESS.encode() + b"\r\nSubject: hi\r\n"
           b"Message-ID: <odd1@x>\r\n\r\nbody\r\n")
    outcome = mail_on.inbound.receive(admin, raw)
    assert outcome.outcome in ("opened", "kept_aside", "failed")
    assert mail_on.inbound.receive(admin, raw).outcome == "duplicate"


def test_a_message_that_cannot_be_read_at_all_is_kept_as_failed(mail_on: Services, admin: Actor,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(raw: bytes, own: str = "") -> None:
        raise RuntimeError("the email package gave up")
    monkeypatch.setattr("desk.inbound.service.parse", broken)
    raw = mail(message_id="<poison@x>")
    outcome = mail_on.inbound.receive(admin, raw)
    assert outcome.outcome == "failed" and "RuntimeError" in outcome.reason
    assert mail_on.inbound.receive(admin, raw).outcome == "duplicate"      # once, not on every fetch
    [row] = mail_on.inbound.inbox(kept_aside=True)
    assert row.outcome == "failed"
    with mail_on.db.reading() as s:
        assert s.execute(select(InboxMessage.raw)).scalar_one() == raw


def test_an_attachment_name_with_folders_in_it_keeps_only_its_file_name(mail_on: Services, admin: Actor,
                                                                        ada: str) -> None:
    # The name is the sender's: "Open" writes the file under it into a temporary folder,
    # so "../../.bashrc" or "/etc/x" there would write outside it.
    m = EmailMessage()
    m["From"], m["Subject"], m["Message-ID"] = "Ada Lovelace <ada@example.edu>", "Files", "<p1@x>"
    m.set_content("Three files.")
    for name in ("../../home/tech/.bashrc", "/etc/cron.d/evil", "C:\\Users\\tech\\Startup\\evil.bat", ".."):
        m.add_attachment(b"data", maintype="application", subtype="octet-stream", filename=name)
    assert mail_on.inbound.receive(admin, bytes(m)).outcome == "opened"
    with mail_on.db.reading() as s:
        names = s.execute(select(Attachment.filename).order_by(Attachment.id)).scalars().all()
    assert names == [".bashrc", "evil", "evil.bat", "attachment"]


@pytest.mark.parametrize("attribution", [
    "On Mon, Nov 2, 2026 at 9:00 AM IT Service Desk <\nservicedesk@example.edu> wrote:",
    "On Mon, Nov 2, 2026 at 9:00 AM IT Service Desk <servicedesk@example.edu>\nwrote:",
    "Le lun. 2 nov. 2026 à 09:00, IT Service Desk <servicedesk@example.edu> a\nécrit :",
])
def test_an_attribution_line_the_mail_program_wrapped_is_stripped_too(attribution: str) -> None:
    # Gmail wraps its "On … wrote:" line at 78 characters in the plain part: neither half
    # matched alone, and both stayed at the end of what the customer wrote.
    text = f"Here it is: error 809.\n\n{attribution}\n\n> Your ticket is waiting for you\n> Send a screenshot\n"
    assert strip_quoted(text) == "Here it is: error 809."


def test_html_without_a_closing_head_tag_keeps_its_body() -> None:
    # HTML may leave </head> out (the <body> tag closes it); the whole message was dropped
    # as if it were all head, and the ticket opened with an empty description.
    html = "<html><head><meta charset=utf-8><title>x</title><body><p>My laptop will not boot.</p></body></html>"
    assert html_to_text(html) == "My laptop will not boot."


@pytest.mark.parametrize("raw", [
    b"From: Ada Lovelace <ada@example.edu>\r\nSubject: =?utf-8?b?AFByaW50ZXI=?=\r\nMessage-ID: <n1@x>\r\n\r\nbody\r\n",
    b"From: =?utf-8?b?AEFkYQ==?= <ada@example.edu>\r\nSubject: Printer\r\nMessage-ID: <n2@x>\r\n\r\nbody\r\n",
    b"From: Ada Lovelace <ada@example.edu>\r\nSubject: Printer\r\nMessage-ID: <n3@x>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nAGhlbGxv\r\n",
])
def test_a_nul_character_in_a_mail_does_not_stop_the_fetch(mail_on: Services, admin: Actor, ada: str,
                                                           raw: bytes) -> None:
    # A NUL (easy to encode in a header or a base64 body) cannot be stored (PostgreSQL
    # text, and the incident form refuses it): receive raised, the message stayed unseen
    # and every later fetch stopped at it.
    outcome = mail_on.inbound.receive(admin, raw)
    assert outcome.outcome == "opened"
    inc = mail_on.incidents.get(outcome.number or "")
    assert "\x00" not in inc.title + inc.description


def test_a_long_reply_lands_cut_to_the_limit_not_stopping_the_fetch(mail_on: Services, admin: Actor,
                                                                    ada: str) -> None:
    # A pasted log makes a reply longer than a ticket's text may be: the reply form's limit
    # refused it, receive raised, and the message stopped every later fetch.
    number = factories.incident(mail_on, admin, "VPN asks twice", caller=ada, status="in_progress").number
    outcome = mail_on.inbound.receive(admin, mail(subject=f"Re: [{number}] VPN", message_id="<long@x>",
                                                  body="The log:\n" + "x" * 120 + ("\n" + "y" * 120) * 1000))
    assert (outcome.outcome, outcome.number) == ("commented", number)
    public = [b for k, b in journal(mail_on, number) if k == "public"]
    assert len(public[-1]) <= 100_000 and "the whole message is kept" in public[-1]


def test_a_mail_desk_refuses_to_turn_into_a_ticket_is_kept_as_failed_once(
        mail_on: Services, admin: Actor, ada: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever rule refuses the change (here: a stand-in), the message is kept as not read,
    # with the raw, and marked seen: not raised again at every fetch.
    from desk.errors import InvalidInput

    def refuse(*_a: object, **_k: object) -> None:
        raise InvalidInput("Title is refused.", "title")
    monkeypatch.setattr(mail_on.inbound.incidents, "open_in", refuse)
    outcome = mail_on.inbound.receive(admin, mail(message_id="<ref1@x>"))
    assert outcome.outcome == "failed" and "Title is refused." in outcome.reason
    assert mail_on.inbound.receive(admin, mail(message_id="<ref1@x>")).outcome == "duplicate"
    with mail_on.db.reading() as s:
        assert s.execute(select(Incident.id)).first() is None
        assert s.execute(select(InboxMessage.outcome)).scalars().all() == ["failed"]
