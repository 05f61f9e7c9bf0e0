"""The ticket's conversation shows the mail Desk sent about it: sent, waiting (with the
server's words and the next try), or not sent, and the page's E-mail filter."""
from __future__ import annotations

from desk.actor import Actor
from desk.bootstrap import Services
from tests import factories
from tests.conftest import FakeClock
from tests.desk.mail.conftest import SmtpServer, mail_on, memory_keyring, smtp  # noqa: F401  (fixtures)
from ui.incidents.text import timeline_entries


def mails(services: Services, admin: Actor, number: str) -> list[str]:
    """The mail lines of the timeline, newest first."""
    detail = services.details.load(number, admin)
    return [text for kind, text in timeline_entries(detail, services.site) if kind == "mail"]


def test_the_timeline_says_what_happened_to_each_mail(mail_on: Services, admin: Actor, smtp: SmtpServer,  # noqa: F811
                                                      clock: FakeClock) -> None:
    uid = factories.person(mail_on.db, given="Ada", family="Lovelace", email="ada@example.edu")
    number = factories.incident(mail_on, admin, "Printer jam", caller=uid).number
    [line] = mails(mail_on, admin, number)
    assert "E-mail to ada@example.edu — waiting to be sent" in line and f"[{number}]" in line
    smtp.handler.data_reply = "451 4.7.1 Greylisted, try again later"
    mail_on.mail.send()
    [line] = mails(mail_on, admin, number)
    assert "waiting to be sent (next try" in line and "451 4.7.1 Greylisted" in line
    smtp.handler.data_reply = "250 OK"
    clock.advance(minutes=2)
    mail_on.mail.send()
    mail_on.incidents.comment(admin, number, "Which tray?")
    smtp.handler.rcpt_reply = "550 5.1.1 User unknown"
    mail_on.mail.send()
    sent, failed = mails(mail_on, admin, number)[::-1]          # newest first from timeline_entries
    assert "— sent " in sent and "NOT SENT: ada@example.edu: 550 5.1.1 User unknown" in failed
