"""Connection profiles: URLs in a file, passwords only in the keyring."""
from __future__ import annotations

import io
from collections.abc import Iterator

import keyring
import pytest

from desk import connection, credentials, paths, profiles
from desk.cli.main import main
from tests.keyrings import MemoryKeyring

SECRET = "s3cr3t-pässwörd"


class RefusingKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("locked")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_keeps_password_in_keyring_only(memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET + "\n"))
    code, out, _ = run(capsys, "profile", "add", "campus", "--url", "postgresql://alice@db.example.edu/desk",
                       "--password-stdin")
    assert code == 0 and "password in the system keyring" in out and SECRET not in out
    key = credentials.key_for("alice", "db.example.edu", None, "desk")
    assert memory_keyring.store == {(credentials.SERVICE, key): SECRET}
    saved = (paths.config_dir() / "profiles.json").read_bytes()
    assert SECRET.encode() not in saved and b"alice@db.example.edu" in saved
    # The first profile becomes the default; the password is offered back from the keyring.
    target = connection.choose()
    assert target.source == "profile 'campus'"
    assert credentials.get_password(connection.password_key(target.url) or "") == SECRET


def test_list_and_use(memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str],
                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(capsys, "profile", "list")[1].startswith("no saved connections")
    run(capsys, "profile", "add", "campus", "--url", "postgresql://alice@db.example.edu/desk")
    monkeypatch.setattr("sys.stdin", io.StringIO("other\n"))
    run(capsys, "profile", "add", "lab", "--url", "postgresql://bob@lab.example.edu:6543/desk", "--password-stdin")
    code, out, _ = run(capsys, "profile", "list")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("* campus") and "[no password saved]" in lines[0]
    assert lines[1].startswith("  lab") and "[password in keyring]" in lines[1] and "other" not in out
    code, out, _ = run(capsys, "profile", "use", "lab")
    assert code == 0 and profiles.default_profile() == profiles.Profile("lab", "postgresql://bob@lab.example.edu:6543/desk")
    assert run(capsys, "profile", "list")[1].splitlines()[1].startswith("* lab")


def test_bad_input_exits_2_with_one_line(memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(capsys, "profile", "add", "x", "--url", "postgresql://alice:hunter2@db/desk")
    assert code == 2 and "password" in err and err.count("\n") == 1
    assert not (paths.config_dir() / "profiles.json").exists()
    code, _, err = run(capsys, "profile", "use", "nope")
    assert code == 2 and "No connection profile 'nope'" in err
    code, _, err = run(capsys, "profile", "add", "x", "--url", "not a url")
    assert code == 2 and "not a database URL" in err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, "profile", "add", "x", "--url", "postgresql://alice@db/desk", "--password-stdin")
    assert code == 2 and "No password" in err
    assert memory_keyring.store == {}


def test_keyring_refusal_saves_nothing(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(RefusingKeyring())
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO(SECRET + "\n"))
        code, _, err = run(capsys, "profile", "add", "campus", "--url", "postgresql://alice@db/desk",
                           "--password-stdin")
    finally:
        keyring.set_keyring(previous)
    assert code == 1 and "keyring refused" in err and SECRET not in err
    assert profiles.list_profiles() == []
