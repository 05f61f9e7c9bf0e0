"""desk mail …: set-up with the login in the keyring (never the database), status, outbox,
send from cron with a password file, events and templates; bad input in words."""
from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from db.engine import Database
from db.models import MailSettings
from desk.bootstrap import Services
from desk.cli.main import main
from tests import factories
from tests.desk.mail.conftest import DESK_ADDRESS, Handler, MemoryKeyring, free_port

# The authenticating server below takes a login over plain text on localhost, which
# aiosmtpd warns about; here that is the point.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class Authenticating:
    """An SMTP server that wants a login (plain AUTH over an unencrypted local socket)."""

    def __init__(self, user: str, password: str) -> None:
        self.port = free_port()
        self.handler = Handler()
        self.logins: list[str] = []

        def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
            from aiosmtpd.smtp import AuthResult

            ok = auth_data.login == user.encode() and auth_data.password == password.encode()
            self.logins.append(auth_data.login.decode())
            return AuthResult(success=ok)

        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     authenticator=authenticator, auth_require_tls=False, auth_required=True)


@pytest.fixture
def server() -> Iterator[Authenticating]:
    srv = Authenticating("desk-relay", "s3cr3t-P@ss")
    srv.controller.start()
    yield srv
    srv.controller.stop()


def test_set_up_with_a_login_send_and_look_at_the_outbox(db_url: str, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          memory_keyring: MemoryKeyring, server: Authenticating,
                                                          tmp_path: Path) -> None:
    base = ("--database", db_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cr3t-P@ss\n"))
    code, out, err = run(capsys, *base, "mail", "setup", "--smtp", f"smtp://127.0.0.1:{server.port}", "--no-tls",
                         "--from", DESK_ADDRESS, "--user", "desk-relay", "--password-stdin", "--on")
    assert code == 0, err
    assert "on: smtp://127.0.0.1" in out and "with a login" in out and "s3cr3t" not in out + err
    # The password is in the keyring, and nowhere in the database.
    assert any("s3cr3t-P@ss" in v for v in memory_keyring.store.values())
    db = Database.connect(db_url)
    with db.reading() as s:
        row = s.execute(select(MailSettings)).scalar_one()
        assert row.smtp_auth and "s3cr3t" not in repr(vars(row))
    services = Services.over(db)
    admin = services.staff.resolve_actor()
    uid = factories.person(db, given="Ada", family="Lovelace", email="ada@example.edu")
    number = factories.incident(services, admin, "Printer jam", caller=uid).number
    db.dispose()

    code, out, _ = run(capsys, *base, "mail", "outbox")
    assert code == 0 and number in out and "queued" in out
    code, out, err = run(capsys, *base, "mail", "send")
    assert code == 0 and "1 sent" in out and server.logins == ["desk-relay"] and len(server.handler.messages) == 1
    code, out, _ = run(capsys, *base, "mail", "outbox", "--json")
    [row_json] = json.loads(out)
    assert row_json["status"] == "sent" and row_json["ticket"] == number and row_json["sent_at"].endswith("+00:00")
    code, out, _ = run(capsys, *base, "mail", "status")
    assert "0 queued, 0 sending, 1 sent, 0 failed" in out

    # A cron host without a keyring: the password from a file only its owner can read.
    memory_keyring.store.clear()
    db = Database.connect(db_url)
    services = Services.over(db)
    services.incidents.comment(services.staff.resolve_actor(), number, "Fixed: the tray was jammed.")
    db.dispose()
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cr3t-P@ss\n")
    os.chmod(secret, 0o644)
    code, _, err = run(capsys, *base, "mail", "send", "--user", "desk-relay", "--password-file", str(secret))
    assert code == 2 and "can be read by others" in err and "chmod 600" in err
    os.chmod(secret, 0o600)
    code, out, err = run(capsys, *base, "mail", "send", "--user", "desk-relay", "--password-file", str(secret))
    assert code == 0 and "1 sent" in out and "s3cr3t" not in out + err
    # A wrong password waits for the right one: nothing fails, nothing is lost. (This
    # server answers a second login mechanism by waiting: the test does not wait 30 s.)
    monkeypatch.setattr("desk.mail.sender.TIMEOUT_S", 2)
    secret.write_text("wrong\n")
    db = Database.connect(db_url)
    services = Services.over(db)
    services.incidents.comment(services.staff.resolve_actor(), number, "One more thing.")
    db.dispose()
    code, out, err = run(capsys, *base, "mail", "send", "--user", "desk-relay", "--password-file", str(secret))
    assert code == 0 and "1 to retry" in out and "refused the login" in err and "wrong" not in out + err


def test_events_switches_and_templates_from_the_cli(sqlite_url: str, capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    base = ("--database", sqlite_url)
    code, out, _ = run(capsys, *base, "mail", "switch", "laptop-ready", "off", "--service", "Laptop Repair")
    assert code == 0 and "Laptop ready for pickup: off for Laptop Repair" in out
    code, out, _ = run(capsys, *base, "mail", "events", "--service", "Laptop Repair")
    assert "laptop-ready     off" in out and "opened           on" in out
    body = tmp_path / "body.txt"
    body.write_text("Dear {caller_name}, {number} is ready.\n", encoding="utf-8")
    code, out, _ = run(capsys, *base, "mail", "template", "laptop-ready", "--subject", "Ready: {number}",
                       "--text-file", str(body))
    assert code == 0 and "Subject: Ready: {number}" in out and "is ready." in out
    body.write_text("{secret_field}", encoding="utf-8")
    code, _, err = run(capsys, *base, "mail", "template", "laptop-ready", "--text-file", str(body))
    assert code == 2 and "{secret_field} in the body text is not a placeholder" in err
    code, out, _ = run(capsys, *base, "mail", "template", "laptop-ready", "--reset")
    assert code == 0 and "Your laptop is ready for pickup" in out
    code, _, err = run(capsys, *base, "mail", "setup", "--smtp", "smtp://u:p@host:25")
    assert code == 2 and "no login in the SMTP address" in err and ":p@" not in err
    code, _, err = run(capsys, *base, "mail", "setup", "--on")
    assert code == 2 and "before the server and the sender address are set" in err
    code, _, err = run(capsys, *base, "mail", "setup", "--from", "not an address")
    assert code == 2 and "is not an e-mail address" in err
