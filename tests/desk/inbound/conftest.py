"""A real IMAP server for the tests: a throwaway Dovecot (Debian's dovecot-imapd) started
on a free local port with a mailbox of its own, stopped and removed after the test.

Without Dovecot installed the IMAP tests skip and say how to install it; CI sets
DESK_REQUIRE_DOVECOT=1, which turns the skip into a failure."""
from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# The SMTP server, the keyring and a desk with mail on, for these tests too.
from tests.desk.mail.conftest import free_port, mail_on, memory_keyring, smtp  # noqa: F401

USER, PASSWORD = "desk", "imap-s3cret"


@dataclass
class Dovecot:
    port: int
    root: Path

    @property
    def url(self) -> str:
        return f"imap://{USER}@127.0.0.1:{self.port}/INBOX"

    def connect(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(USER, PASSWORD)
        return conn

    def deliver(self, raw: bytes) -> None:
        """Put a message in the desk's mailbox, as the mail system would."""
        conn = self.connect()
        try:
            typ, data = conn.append("INBOX", None, None, raw)
            assert typ == "OK", data
        finally:
            conn.logout()

    def unseen(self) -> int:
        conn = self.connect()
        try:
            conn.select("INBOX")
            _typ, data = conn.search(None, "UNSEEN")
            return len((data[0] or b"").split())
        finally:
            conn.logout()


def _binary() -> str | None:
    return shutil.which("dovecot") or next((p for p in ("/usr/sbin/dovecot",) if os.path.exists(p)), None)


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    binary = _binary()
    if binary is None:
        message = "Dovecot is not installed (sudo apt-get install -y dovecot-imapd)"
        if os.environ.get("DESK_REQUIRE_DOVECOT"):
            pytest.fail(f"{message}, and DESK_REQUIRE_DOVECOT=1 requires it")
        pytest.skip(message)
    # Under /tmp itself: Dovecot's own users must reach its files (pytest's base is the
    # owner's alone), and its sockets live under base_dir, where a Unix socket path is short.
    root = Path(tempfile.mkdtemp(prefix="desk-dv-", dir="/tmp"))
    port = free_port()
    if os.getuid() == 0:
        # As root Dovecot runs its logins and mail processes as its own unprivileged users.
        internal, login = "dovecot", "dovenull"
        mail_user = pwd.getpwnam("dovecot")
    else:
        internal = login = pwd.getpwuid(os.getuid()).pw_name
        mail_user = pwd.getpwuid(os.getuid())
    home = root / "home"
    home.mkdir()
    os.chmod(root, 0o755)
    if os.getuid() == 0:
        os.chown(home, mail_user.pw_uid, mail_user.pw_gid)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    conf = root / "dovecot.conf"
    conf.write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# A wrong password is answered at once here (a real server waits 2 s to slow guessing).
auth_failure_delay = 0
first_valid_uid = 1
first_valid_gid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={home}/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
default_internal_user = {internal}
default_login_user = {login}
""")
    subprocess.run([binary, "-c", str(conf)], check=True)
    server = Dovecot(port, root)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                server.connect().logout()
                break
            except (OSError, imaplib.IMAP4.error):
                if time.monotonic() > deadline:
                    log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                    pytest.fail(f"Dovecot did not start on port {port}:\n{log[-2000:]}")
                time.sleep(0.1)
        yield server
    finally:
        # SIGTERM to the master is enough (its processes follow it); `dovecot stop` would
        # wait seconds for them, every test.
        pid_file = root / "run" / "master.pid"
        try:
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGTERM)
        except (OSError, ValueError, IndexError):
            subprocess.run([binary, "-c", str(conf), "stop"], check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
