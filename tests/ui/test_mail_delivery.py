"""An open workstation delivers the outbox on a thread of its own, says how mail is doing
in the status bar, and an open ticket's conversation follows its mail."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from db.enums import Role
from db.models import Incident
from desk.actor import Actor
from desk.bootstrap import Services
from desk.inbound.imap import parse_imap_url
from desk.mail.service import ImapSetting
from tests import factories
from tests.desk.inbound.conftest import PASSWORD, Dovecot, dovecot  # noqa: F401  (fixture)
from tests.desk.inbound.test_receive import mail
from tests.desk.mail.conftest import SmtpServer, mail_on, memory_keyring, smtp  # noqa: F401  (fixtures)
from ui.mail_delivery import MailDelivery

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def in_thread(delivery: MailDelivery) -> None:
    """One round on a thread of its own, as the app runs it (never SQL on the GUI thread)."""
    t = threading.Thread(target=delivery.run_once)
    t.start()
    t.join(30)


def incident_id(services: Services, number: str) -> int:
    with services.db.reading() as s:
        return int(s.execute(select(Incident.id).where(Incident.number == number)).scalar_one())


def test_a_round_delivers_and_says_so(qtbot, mail_on: Services, admin: Actor, smtp: SmtpServer) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    uid = factories.person(mail_on.db, given="Ada", family="Lovelace", email="ada@example.edu")
    number = factories.incident(mail_on, admin, "Printer jam", caller=uid).number
    delivery = MailDelivery(mail_on)
    with qtbot.waitSignal(delivery.delivered) as got, qtbot.waitSignal(delivery.state_changed) as state:
        in_thread(delivery)
    assert got.args == [frozenset({incident_id(mail_on, number)})] and state.args == ["mail: all sent"]
    smtp.stop()
    mail_on.incidents.comment(admin, number, "Which tray?")
    with qtbot.waitSignal(delivery.state_changed) as state:
        in_thread(delivery)
    assert state.args[0].startswith("mail: 1 waiting — cannot connect")


def test_the_thread_sends_when_woken_and_stops(qtbot, mail_on: Services, admin: Actor,  # type: ignore[no-untyped-def]  # noqa: F811
                                               smtp: SmtpServer) -> None:  # noqa: F811
    delivery = MailDelivery(mail_on, interval_s=3600, min_gap_s=0.05)
    delivery.start()
    try:
        qtbot.waitUntil(lambda: True)
        uid = factories.person(mail_on.db, given="Grace", family="Hopper", email="grace@example.edu")
        factories.incident(mail_on, admin, "Wi-Fi slow", caller=uid)
        delivery.send_now()
        qtbot.waitUntil(lambda: len(smtp.messages) == 1, timeout=15_000)
    finally:
        delivery.stop()
    assert delivery._thread is None


def test_an_open_ticket_shows_its_mail_as_sent(qtbot, window, services: Services, admin: Actor,  # type: ignore[no-untyped-def]
                                               smtp: SmtpServer, memory_keyring) -> None:  # noqa: F811
    services.mail.setup(admin, smtp=smtp.url, security="none", from_address="servicedesk@example.edu", enabled=True)
    uid = factories.person(services.db, given="Ada", family="Lovelace", email="ada@example.edu")
    number = factories.incident(services, admin, "Printer jam", caller=uid).number
    page = window.open_ticket(number)
    assert any("waiting to be sent" in page.timeline.list.item(i).text() for i in range(page.timeline.list.count()))
    delivery = MailDelivery(services)
    delivery.delivered.connect(window.on_mail_delivered)
    delivery.state_changed.connect(window.on_mail_state)
    in_thread(delivery)
    qtbot.waitUntil(lambda: any("E-mail to ada@example.edu — sent" in page.timeline.list.item(i).text()
                                for i in range(page.timeline.list.count())))
    assert window.status_mail.isVisibleTo(window) and window.status_mail.text() == "mail: all sent"


def test_a_supervisors_workstation_also_reads_the_mailbox(qtbot, mail_on: Services, admin: Actor,  # type: ignore[no-untyped-def]  # noqa: F811
                                                          dovecot: Dovecot) -> None:  # noqa: F811
    t = parse_imap_url(dovecot.url)
    mail_on.mail.setup(admin, imap=ImapSetting(t.host, t.port, t.security, t.user, t.mailbox), imap_password=PASSWORD)
    factories.person(mail_on.db, given="Ada", family="Lovelace", email="ada@example.edu")
    dovecot.deliver(mail(message_id="<ws1@x>"))
    delivery = MailDelivery(mail_on, actor=admin)
    with qtbot.waitSignal(delivery.fetched) as got:
        in_thread(delivery)
    assert got.args[0].count("opened") == 1 and dovecot.unseen() == 0
    counter = factories.staff(mail_on, admin, "dana", Role.COUNTER)
    assert MailDelivery(mail_on, actor=counter).actor is None      # counter staff only send
