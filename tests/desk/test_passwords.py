"""Database passwords: a server that needs one (tests/pgauth.py), never shown on screen or in a log."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import keyring
import psycopg
import pytest
from sqlalchemy import make_url

from db import migrate
from db.errors import DatabaseSetupError
from desk import credentials, profiles
from desk.cli.main import main
from desk.connection import Target, connect, open_database, password_key
from desk.redaction import redact
from tests import dbtools
from tests.desk.test_profiles import MemoryKeyring
from tests.pgauth import PasswordProxy

# Both a valid URL escape (%40) and a bare '%': ConfigParser interpolation chokes on either.
PASSWORD = "p%40ss%word"
# How the password could leak: as typed, URL-encoded, decoded once more, ConfigParser-doubled.
LEAKS = ("ss%word", "ss%25word", "ss%%word", "p%40ss", "p%2540ss", "p@ss")


@dataclass(frozen=True)
class Login:
    user: str
    database: str
    proxy: PasswordProxy

    def url(self, password: str | None = PASSWORD) -> str:
        secret = f":{quote(password, safe='')}" if password is not None else ""
        return f"postgresql://{self.user}{secret}@127.0.0.1:{self.proxy.port}/{self.database}"


@pytest.fixture
def login(postgres_ready: bool, db_templates: dbtools.Templates) -> Iterator[Login]:
    """A login with the password PASSWORD, owning an empty database, behind a server that checks it."""
    if not postgres_ready:
        pytest.skip("PostgreSQL not reachable")
    name = f"desk_pw_{uuid.uuid4().hex[:8]}"
    admin = make_url(dbtools.PG_ADMIN_URL)
    with psycopg.connect(dbtools._pg_conninfo(), autocommit=True) as conn:
        # The schema owner creates the database's Desk groups at upgrade: it needs CREATEROLE.
        conn.execute(f"CREATE ROLE {name} LOGIN CREATEROLE PASSWORD '{PASSWORD}'")
        conn.execute(f'CREATE DATABASE "{name}" OWNER {name}')
    proxy = PasswordProxy((admin.host or "127.0.0.1", admin.port or 5432), {name: PASSWORD})
    try:
        yield Login(name, name, proxy)
    finally:
        proxy.close()
        # The database, then the groups `desk db upgrade` made for it, then its owner.
        db_templates.pg_release(name, roles=[name])


class CountingKeyring(MemoryKeyring):
    def __init__(self) -> None:
        super().__init__()
        self.lookups = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.lookups += 1
        return super().get_password(service, username)


@pytest.fixture
def vault() -> Iterator[CountingKeyring]:
    previous = keyring.get_keyring()
    backend = CountingKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


class Prompt:
    """Stands in for the CLI's getpass and the GUI's password dialog."""

    def __init__(self, answer: str | None = None) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def __call__(self, key: str) -> str | None:
        self.asked.append(key)
        return self.answer


def desk(*argv: str, stdin: str = "", keyring_backend: str = "keyring.backends.null.Keyring"
         ) -> subprocess.CompletedProcess[str]:
    """The desk command in its own process: real stderr, real logging set-up."""
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": keyring_backend}
    return subprocess.run([sys.executable, "-m", "desk.cli.main", *argv], capture_output=True, text=True,
                          input=stdin, env=env, timeout=300, check=False)


def assert_no_password(*texts: str) -> None:
    logs = Path(os.environ["DESK_LOG_DIR"])
    files = [p.read_text(errors="replace") for p in logs.rglob("*") if p.is_file()] if logs.exists() else []
    for text in (*texts, *files):
        for leak in LEAKS:
            assert leak not in text, f"password shown ({leak!r}) in:\n{text[-3000:]}"


@pytest.mark.postgres
def test_upgrade_with_percent_in_password_never_shows_it(login: Login) -> None:
    done = desk("--database", login.url(), "db", "upgrade")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "empty → " in done.stdout and "Traceback" not in done.stderr
    assert (login.user, PASSWORD) in login.proxy.offered  # the server really checked it
    again = desk("--debug", "--database", login.url(), "db", "upgrade")
    assert again.returncode == 0 and "INFO alembic" in again.stderr  # --debug logs verbosely
    assert_no_password(done.stdout, done.stderr, again.stdout, again.stderr)


@pytest.mark.postgres
def test_connection_errors_never_show_the_password(login: Login) -> None:
    wrong = PASSWORD + "%"
    for debug in ((), ("--debug",)):
        done = desk(*debug, "--database", login.url(wrong), "db", "upgrade")
        assert done.returncode == 1
        assert "password authentication failed" in done.stderr
        assert_no_password(done.stdout, done.stderr)


def test_an_error_quoting_the_url_is_one_line_without_the_password(capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"postgresql://alice:{quote(PASSWORD, safe='')}@db.example.edu/desk"

    def configparser_like(args: object, ctx: object) -> int:
        raise ValueError(f"invalid interpolation syntax in {url.replace('postgresql', 'postgresql+psycopg')!r}")

    monkeypatch.setattr("desk.cli.db_cmd.current", configparser_like)
    assert main(["--database", url, "db", "current"]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("desk: unexpected error (ValueError)") and err.count("\n") == 1
    assert "postgresql+psycopg://alice:***@db.example.edu/desk" in err
    assert main(["--debug", "--database", url, "db", "current"]) == 1
    out2, err2 = capsys.readouterr()
    assert "Traceback" in err2
    assert_no_password(out, err, out2, err2)


def test_redact_masks_urls_conninfo_and_known_passwords() -> None:
    assert redact("to postgresql://bob:s3cr%40t@h:5432/db failed") == "to postgresql://bob:***@h:5432/db failed"
    assert redact("password=hunter2 host=db") == "password=*** host=db"
    assert redact("password='a b\\' c' host=db") == "password=*** host=db"
    assert redact("the server said p%%40ss%%word", [PASSWORD]) == "the server said ***"
    assert redact("nothing secret here", [None, ""]) == "nothing secret here"


@pytest.mark.postgres
def test_a_trust_server_is_never_asked_for_a_password(postgres_url: str, vault: CountingKeyring,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert make_url(postgres_url).password is None
    cli_prompt = Prompt("should-not-be-asked")
    monkeypatch.setattr("desk.cli.context._prompt", cli_prompt)
    assert main(["--database", postgres_url, "ticket", "list"]) == 0, capsys.readouterr().err
    assert main(["--database", postgres_url, "db", "current"]) == 0
    gui_prompt = Prompt("should-not-be-asked")  # what ui.app hands open_database
    open_database(Target(make_url(postgres_url), "test"), prompt=gui_prompt).dispose()
    assert cli_prompt.asked == [] and gui_prompt.asked == []
    assert vault.lookups == 0 and vault.store == {}


@pytest.mark.postgres
def test_asked_only_when_the_server_needs_a_password_then_kept(login: Login, vault: CountingKeyring) -> None:
    target = Target(make_url(login.url(None)), "test")
    key = password_key(target.url)
    assert key is not None
    ask = Prompt(PASSWORD)
    engine = connect(target, ask)
    migrate.upgrade(engine)
    engine.dispose()
    # One try without a password, then one with it (the proxy serves each connection on a
    # thread of its own, so the two records may land in either order).
    assert ask.asked == [key] and sorted(login.proxy.offered[:2], key=lambda o: o[1] is not None) == [
        (login.user, None), (login.user, PASSWORD)]
    assert credentials.get_password(key) == PASSWORD  # kept once it worked

    never = Prompt()
    open_database(target, prompt=never).dispose()  # the GUI's path: the keyring answers
    assert never.asked == []

    vault.store[(credentials.SERVICE, key)] = "stale"
    again = Prompt(PASSWORD)
    connect(target, again).dispose()
    assert again.asked == [key] and credentials.get_password(key) == PASSWORD

    vault.store[(credentials.SERVICE, key)] = "stale"
    with pytest.raises(DatabaseSetupError, match="the one saved in the system keyring was refused"):
        connect(target, Prompt(None))
    vault.store.clear()
    declined = Prompt(None)
    with pytest.raises(DatabaseSetupError, match=f"needs the password of {login.user}"):
        connect(target, declined)
    wrong = Prompt("nope")
    with pytest.raises(DatabaseSetupError, match="password authentication failed"):
        connect(target, wrong)
    assert vault.store == {}  # a refused password is not kept


NO_KEYRING = "keyring.backends.fail.Keyring"  # every call raises NoKeyringError


def test_keyring_warning_once_per_command_and_never_with_quiet() -> None:
    profiles.save_profile("campus", "postgresql://alice@db.example.edu/desk")
    profiles.save_profile("lab", "postgresql://bob@lab.example.edu:6543/desk")
    listed = desk("profile", "list", keyring_backend=NO_KEYRING)  # one keyring look-up per profile
    assert listed.returncode == 0 and "campus" in listed.stdout and "lab" in listed.stdout
    assert listed.stderr.count("keyring unavailable") == 1, listed.stderr
    quiet = desk("--quiet", "profile", "list", keyring_backend=NO_KEYRING)
    assert (quiet.returncode, quiet.stderr) == (0, "") and quiet.stdout == listed.stdout


@pytest.mark.postgres
def test_no_keyring_warning_with_quiet_when_the_server_wants_a_password(login: Login, tmp_path: Path) -> None:
    url = login.url(None)
    for argv in (["--database", url, "report", "sla", "--period", "last-month", "--csv", str(tmp_path / "r.zip"),
                  "--quiet"],
                 ["--quiet", "--database", url, "ticket", "list"]):
        done = desk(*argv, keyring_backend=NO_KEYRING)
        assert done.returncode == 1 and "keyring" not in done.stderr, done.stderr
        assert done.stderr.startswith("desk: ") and "needs the password of" in done.stderr
        assert done.stderr.count("\n") == 1
    loud = desk("--database", url, "ticket", "list", keyring_backend=NO_KEYRING)
    assert loud.stderr.count("keyring unavailable") == 1 and "needs the password of" in loud.stderr


@pytest.mark.postgres
def test_live_updates_sign_in_with_a_password_a_url_cannot_carry(postgres_url: str) -> None:
    from db.engine import Database
    from desk.live.watcher import PostgresWatcher, wait_until

    password = "a b+c%40d e"  # spaces: libpq refuses them inside a URL, with the password in the message
    u = make_url(postgres_url)
    proxy = PasswordProxy((u.host or "127.0.0.1", u.port or 5432), {u.username or "": password})
    db = Database.connect(u.set(host="127.0.0.1", port=proxy.port, password=password))
    states: list[str] = []
    watcher = PostgresWatcher(db, lambda _change: None, states.append, poll=0.1)
    watcher.start()
    try:
        assert wait_until(lambda: any(s.startswith("live") for s in states), 10), states
        assert (u.username, password) in proxy.offered
    finally:
        watcher.stop()
        db.dispose()
        proxy.close()
