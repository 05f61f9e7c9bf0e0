"""desk mail fetch against a real IMAP server (a throwaway Dovecot): new mail becomes
tickets, replies land on theirs, a second fetch creates nothing, messages are marked seen
only once handled; the mailbox password stays in the keyring."""
from __future__ import annotations

import io

import pytest

from db.engine import Database
from desk.bootstrap import Services
from desk.cli.main import main
from tests import factories
from tests.desk.inbound.conftest import PASSWORD, Dovecot
from tests.desk.inbound.test_receive import mail
from tests.desk.mail.conftest import DESK_ADDRESS, MemoryKeyring, SmtpServer


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_fetch_turns_the_mailbox_into_tickets_once(db_url: str, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch, dovecot: Dovecot,
                                                    smtp: SmtpServer, memory_keyring: MemoryKeyring) -> None:
    base = ("--database", db_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    code, out, err = run(capsys, *base, "mail", "setup", "--smtp", smtp.url, "--no-tls", "--from", DESK_ADDRESS,
                         "--imap", dovecot.url, "--imap-password-stdin", "--on")
    assert code == 0, err
    assert f"reads imap://desk@127.0.0.1:{dovecot.port}/INBOX" in out and PASSWORD not in out + err
    assert any(PASSWORD in v for v in memory_keyring.store.values())

    db = Database.connect(db_url)
    services = Services.over(db)
    admin = services.staff.resolve_actor()
    ada = factories.person(db, given="Ada", family="Lovelace", email="ada@example.edu")
    existing = factories.incident(services, admin, "VPN asks twice", caller=ada, status="in_progress").number
    db.dispose()

    dovecot.deliver(mail(message_id="<new@mail.example.edu>"))
    dovecot.deliver(mail(subject=f"Re: [{existing}] VPN asks twice", message_id="<reply@mail.example.edu>",
                         body="It happens every morning."))
    dovecot.deliver(mail(message_id="<ooo@mail.example.edu>", subject="Out of office",
                         Auto_Submitted="auto-replied"))
    assert dovecot.unseen() == 3
    code, out, err = run(capsys, *base, "mail", "fetch")
    assert code == 0, err
    assert "Mail in: 1 opened, 1 added to tickets, 1 kept aside, 0 already fetched." in out
    assert f"added to {existing}" in out and "Auto-Submitted: auto-replied" in out
    assert dovecot.unseen() == 0                                # handled: marked seen

    # The same messages again (a copy, flags reset, a second workstation): nothing twice.
    dovecot.deliver(mail(message_id="<new@mail.example.edu>"))
    code, out, _ = run(capsys, *base, "mail", "fetch")
    assert "0 opened, 0 added to tickets, 0 kept aside, 1 already fetched" in out

    code, out, _ = run(capsys, *base, "mail", "inbox", "--kept-aside")
    assert "KEPT ASIDE" in out and "Out of office" in out and "Printer" not in out
    db = Database.connect(db_url)
    services = Services.over(db)
    try:
        opened = [m for m in services.mail.outbox() if m.event == "opened" and m.ticket != existing]
        assert len(opened) == 1 and opened[0].recipient == "ada@example.edu"   # the number goes back
        assert services.incidents.get(existing).status == "in_progress"
    finally:
        db.dispose()
    code, out, _ = run(capsys, *base, "mail", "send")
    assert code == 0 and any("We have your request" in str(m.message["Subject"]) for m in smtp.messages)


def test_a_wrong_password_or_a_missing_mailbox_is_said_plainly(sqlite_url: str, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch, dovecot: Dovecot,
                                                               memory_keyring: MemoryKeyring) -> None:
    base = ("--database", sqlite_url)
    code, _, err = run(capsys, *base, "mail", "fetch")
    assert code == 2 and "No mailbox is set up" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong-password\n"))
    run(capsys, *base, "mail", "setup", "--imap", dovecot.url, "--imap-password-stdin")
    code, _, err = run(capsys, *base, "mail", "fetch")
    assert code == 2 and "Cannot read desk@127.0.0.1" in err and "wrong-password" not in err
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    run(capsys, *base, "mail", "setup", "--imap", dovecot.url.replace("/INBOX", "/Nope"), "--imap-password-stdin")
    code, _, err = run(capsys, *base, "mail", "fetch")
    assert code == 2 and "no mailbox 'Nope'" in err
    code, _, err = run(capsys, *base, "mail", "setup", "--imap", "imaps://desk:pw@host/INBOX")
    assert code == 2 and "no password in the IMAP address" in err and ":pw@" not in err


def test_a_mailbox_password_imaplib_cannot_send_is_said_plainly(sqlite_url: str, capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch, dovecot: Dovecot,
                                                                memory_keyring: MemoryKeyring) -> None:
    # imaplib sends LOGIN in ASCII: "pässwort" raised UnicodeEncodeError past ImapError,
    # a traceback at the CLI and a crash of the workstation's delivery round.
    base = ("--database", sqlite_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("pässwort\n"))
    run(capsys, *base, "mail", "setup", "--imap", dovecot.url, "--imap-password-stdin")
    code, _, err = run(capsys, *base, "mail", "fetch")
    assert code == 2 and "Cannot read desk@127.0.0.1" in err and "ASCII" in err
    assert "Traceback" not in err and "pässwort" not in err
