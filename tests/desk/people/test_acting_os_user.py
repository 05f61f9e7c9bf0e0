"""Who is acting on SQLite: the operating-system account of the process, never an
environment variable a user can set."""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import Database
from db.models import AuditEntry, StaffAccount
from desk.cli.main import main
from desk.people import staff
from tests import dbtools

FORGED = {"LOGNAME": "root", "USER": "root", "LNAME": "root", "USERNAME": "root"}


def test_os_user_ignores_login_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    real = pwd.getpwuid(os.getuid()).pw_name
    for name in FORGED:
        monkeypatch.setenv(name, "somebody-else")
    assert staff.os_user() == real


def test_os_user_without_passwd_entry_is_the_numeric_uid(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_entry(uid: int) -> pwd.struct_passwd:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(staff.pwd, "getpwuid", no_entry)
    monkeypatch.setattr(staff.os, "getuid", lambda: 4242)
    monkeypatch.setenv("LOGNAME", "root")
    assert staff.os_user() == "uid-4242"


@pytest.fixture
def os_account() -> Iterator[pwd.struct_passwd]:
    """A throwaway operating-system user, deleted (with its home) afterwards."""
    if os.geteuid() != 0:
        pytest.skip("creating a second operating-system user (useradd) needs root")
    if shutil.which("useradd") is None or shutil.which("userdel") is None:
        pytest.skip("useradd/userdel are not installed")
    name = f"desk{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--create-home", "--user-group", "--shell", "/bin/sh", name],
                   check=True, capture_output=True)
    try:
        yield pwd.getpwnam(name)
    finally:
        subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)


def _runs_as(user: pwd.struct_passwd, python: str) -> bool:
    try:
        return subprocess.run([python, "-c", "pass"], user=user.pw_uid, group=user.pw_gid, extra_groups=[],
                              capture_output=True, check=False).returncode == 0
    except OSError:  # not executable for that user (e.g. under root's 0700 home)
        return False


def _desk_command(user: pwd.struct_passwd) -> list[str]:
    """How ``user`` runs this checkout's `desk`: the venv's console script when the user
    can execute its interpreter; else (an interpreter under root's 0700 home, as with
    pyenv) a system Python of the same version with the venv's packages on its path."""
    script = Path(sys.executable).with_name("desk")
    if script.is_file() and _runs_as(user, sys.executable):
        return [str(script)]
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (f"/usr/bin/{version}", f"/usr/local/bin/{version}"):
        if os.path.exists(candidate) and _runs_as(user, candidate):
            site_dir = sysconfig.get_paths()["purelib"]
            boot = (f"import runpy, site, sys; site.addsitedir({site_dir!r}); sys.argv[0] = 'desk'; "
                    "runpy.run_module('desk.cli.main', run_name='__main__')")
            return [candidate, "-I", "-S", "-c", boot]
    pytest.skip(f"no Python {sys.version_info.major}.{sys.version_info.minor} that {user.pw_name} may run")


def test_forged_login_variables_do_not_make_a_counter_user_admin(
        os_account: pwd.struct_passwd, db_templates: dbtools.Templates,
        capsys: pytest.CaptureFixture[str]) -> None:
    me = pwd.getpwuid(os.getuid()).pw_name
    counter = os_account.pw_name
    work = Path(tempfile.mkdtemp(prefix="desk-acting-"))
    try:
        url = db_templates.sqlite_copy(work / "desk.sqlite3")
        # The test's own user is the first account (admin); it adds the second OS user as counter staff.
        assert main(["--database", url, "staff", "add", counter, "--name", "Casey Counter",
                     "--role", "counter", "--os-user", counter]) == 0
        capsys.readouterr()
        db = Database.connect(url)
        try:
            with db.reading() as s:
                admin_id = s.execute(select(StaffAccount.id).where(StaffAccount.os_user == me)).scalar_one()
                audit_before = s.execute(select(AuditEntry.id)).scalars().all()
        finally:
            db.dispose()
        for path in [work, *work.iterdir()]:
            os.chown(path, os_account.pw_uid, os_account.pw_gid)

        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os_account.pw_dir,
               "DESK_DATA_DIR": str(work / "data"), "DESK_CONFIG_DIR": str(work / "config"),
               "DESK_LOG_DIR": str(work / "log"), "PYTHONDONTWRITEBYTECODE": "1", **FORGED}
        desk = _desk_command(os_account)

        def as_counter(*argv: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([*desk, "--database", url, *argv], user=os_account.pw_uid,
                                  group=os_account.pw_gid, extra_groups=[], env=env, cwd=work,
                                  capture_output=True, text=True, timeout=120, check=False)

        who = as_counter("staff", "whoami")
        assert who.returncode == 0, who.stderr
        assert who.stdout.startswith(f"{counter} (Casey Counter) — counter on"), who.stdout

        add = as_counter("staff", "add", "mallory", "--name", "M", "--role", "admin", "--os-user", "mallory")
        assert add.returncode == 2, add.stdout + add.stderr
        assert "Casey Counter (counter) may not manage staff accounts" in add.stderr

        db = Database.connect(url)
        try:
            with db.reading() as s:
                assert s.execute(select(StaffAccount).where(StaffAccount.username == "mallory")).first() is None
                new_rows = s.execute(select(AuditEntry).where(AuditEntry.id.not_in(audit_before))).scalars().all()
        finally:
            db.dispose()
        assert [r for r in new_rows if r.actor_id == admin_id] == []
    finally:
        shutil.rmtree(work, ignore_errors=True)
