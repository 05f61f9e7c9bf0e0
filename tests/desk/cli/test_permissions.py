"""Every command that reads or writes ticket data has an owner: a staff account to read,
the role of itil-reference.md ("Roles") to do more. Checked in the core, shown by the CLI."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.engine import Database
from db.enums import Role
from desk.actor import Actor
from desk.bootstrap import Services
from desk.cli.main import main
from desk.errors import PermissionDenied
from desk.incidents.autoclose import auto_close
from desk.incidents.service import NewIncident
from desk.people import staff as staff_module
from desk.sla import jobs
from tests.factories import repair

STAFF = {"casey": Role.COUNTER, "tess": Role.TECHNICIAN, "sam": Role.SUPERVISOR}


class Desk:
    """A database with a first admin, one account per role (mapped to an OS user of the
    same name), an incident and a walk-in repair; ``run`` is the CLI as ``os_user``."""

    def __init__(self, url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                 tmp_path: Path) -> None:
        self.url, self.monkeypatch, self.capsys, self.tmp_path = url, monkeypatch, capsys, tmp_path
        self.db = Database.connect(url)
        self.services = Services.over(self.db)
        self.admin = self.services.staff.resolve_actor(os_username="first-admin")
        self.actors: dict[str, Actor] = {"first-admin": self.admin}
        for name, role in STAFF.items():
            self.actors[name] = self.services.staff.add(self.admin, name, display_name=name.title(),
                                                        roles=[role.value], os_username=name,
                                                        teams=["Service Desk"])
        self.incident = self.services.incidents.open(self.admin, NewIncident(
            title="Projector dead", service="Classroom Technology")).number
        self.repair = repair(self.db, self.services.counter, self.admin).number

    def run(self, os_user: str, *argv: str) -> tuple[int, str, str]:
        self.monkeypatch.setattr(staff_module, "os_user", lambda: os_user)
        code = main(["--database", self.url, *argv])
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def desk(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
         tmp_path: Path) -> Iterator[Desk]:
    d = Desk(sqlite_url, monkeypatch, capsys, tmp_path)
    yield d
    d.db.dispose()


def _reads(d: Desk) -> list[list[str]]:
    return [
        ["ticket", "list", "--json"],
        ["ticket", "show", d.incident],
        ["sla", "show", d.incident],
        ["major", "list"],
        ["major", "proposals"],
        ["major", "show", d.incident],
        ["print", "slip", d.repair, "--out", str(d.tmp_path / "slip.pdf")],
        ["loaner", "list"],
        ["device", "show", "NU-104233"],
        ["vip", "list"],
        ["vip", "policy"],
    ]


def test_reading_ticket_data_needs_a_staff_account(desk: Desk) -> None:
    for argv in _reads(desk):
        code, out, err = desk.run("stranger", *argv)
        assert code == 2 and out == "", argv
        assert err.startswith("desk: The operating-system user 'stranger' has no Desk staff account."), argv
        assert err.count("\n") == 1, argv
    assert not (desk.tmp_path / "slip.pdf").exists()


def test_any_staff_account_reads_ticket_data(desk: Desk) -> None:
    for argv in _reads(desk):
        code, _, err = desk.run("casey", *argv)
        assert code == 0, (argv, err)
    assert desk.incident in desk.run("casey", "ticket", "show", desk.incident)[1]
    assert (desk.tmp_path / "slip.pdf").exists()


SLA_JOBS = (["sla", "recompute"], ["sla", "sweep"], ["sla", "auto-close"], ["sla", "auto-close", "--dry-run"])


def test_sla_jobs_are_supervisor_work(desk: Desk) -> None:
    for user, role in (("casey", "counter"), ("tess", "technician")):
        for argv in SLA_JOBS:
            code, out, err = desk.run(user, *argv)
            assert code == 2 and out == "", (user, argv)
            assert err == (f"desk: {user.title()} ({role}) may not run the SLA jobs (recompute, sweep, "
                           "auto-close): that needs the supervisor role.\n"), (user, argv)
        code, _, err = desk.run(user, "sla", "what-if", "--calendar", "service-desk", "--hours",
                                "mon-fri 09:00-17:00", "--from", "2026-01-01", "--to", "2026-12-31")
        assert code == 2 and "may not compare SLA outcomes of past tickets under a change" in err
    code, _, err = desk.run("stranger", "sla", "sweep")
    assert code == 2 and "has no Desk staff account" in err
    for argv in SLA_JOBS:
        code, out, err = desk.run("sam", *argv)
        assert code == 0, (argv, err)
    assert "tickets had their SLA columns updated" in desk.run("sam", "sla", "recompute")[1]
    code, out, err = desk.run("sam", "sla", "what-if", "--calendar", "service-desk", "--hours",
                              "mon-fri 09:00-17:00", "--from", "2026-01-01", "--to", "2026-12-31")
    assert code == 0 and "outcomes would change" in out, err


def test_sla_jobs_check_the_role_in_the_core(desk: Desk) -> None:
    for name in ("casey", "tess"):
        who = desk.actors[name]
        with pytest.raises(PermissionDenied, match="needs the supervisor role"):
            jobs.recompute(desk.db, who)
        with pytest.raises(PermissionDenied, match="needs the supervisor role"):
            jobs.sweep(desk.db, who)
        with pytest.raises(PermissionDenied, match="needs the supervisor role"):
            auto_close(desk.db, desk.services.incidents, who, dry_run=True)
    supervisor = desk.actors["sam"]
    assert jobs.sweep(desk.db, supervisor) == 0
    assert auto_close(desk.db, desk.services.incidents, supervisor, dry_run=True) == []
    assert jobs.recompute(desk.db, supervisor) >= 0
