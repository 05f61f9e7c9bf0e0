"""Importing the people directory feed: good rows in, bad rows reported by line, idempotent."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from db.engine import Database
from db.enums import Role
from db.models import Affiliation, AuditEntry, Department, Person, PersonStatus
from desk.actor import Actor
from desk.bootstrap import Services
from desk.cli.main import main
from desk.errors import NotFound, PermissionDenied
from desk.importing.people import PeopleImporter
from tests import factories
from tests.conftest import FakeClock

DATA = Path(__file__).resolve().parents[2] / "data"
PEOPLE = DATA / "people.csv"
AFFS = DATA / "affiliations.csv"
PEOPLE_HEADER = "university_id,given_name,family_name,preferred_name,email,phone\n"
AFF_HEADER = "university_id,kind,value,title,primary,start_date,end_date\n"


def _audit_count(db: Database) -> int:
    with db.reading() as s:
        return int(s.execute(select(func.count(AuditEntry.id))).scalar_one())


def _statuses(db: Database, uid: str) -> list[tuple[str, dt.date | None, dt.date | None]]:
    with db.reading() as s:
        rows = s.execute(select(PersonStatus.kind, PersonStatus.start_date, PersonStatus.end_date)
                         .join(Person).where(Person.university_id == uid)
                         .order_by(PersonStatus.kind, PersonStatus.start_date)).all()
    return [(k.value, a, b) for k, a, b in rows]


def _affiliations(db: Database, uid: str) -> dict[str, tuple[str | None, bool, dt.date | None]]:
    with db.reading() as s:
        rows = s.execute(select(Department.name, Affiliation.title, Affiliation.is_primary, Affiliation.end_date)
                         .join(Affiliation.department).join(Person, Person.id == Affiliation.person_id)
                         .where(Person.university_id == uid)).all()
    return {name: (title, primary, end) for name, title, primary, end in rows}


def test_feed_imports_and_reimport_changes_nothing(services: Services, admin: Actor, database: Database) -> None:
    importer = PeopleImporter(database, services.people.clock)
    report = importer.run(admin, PEOPLE, AFFS)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (60, 0, 0, ())
    with database.reading() as s:
        assert s.execute(select(func.count(Person.id))).scalar_one() == 60
        assert s.execute(select(func.count(PersonStatus.id))).scalar_one() == 82
        assert s.execute(select(func.count(Affiliation.id))).scalar_one() == 75
        radiology = s.execute(select(Department).where(Department.name == "Radiology")).scalar_one()
        parent = s.get_one(Department, radiology.parent_id)
        assert parent.name == "School of Medicine"  # the seeded school, not a copy
    assert "Radiology" in report.departments_created and "History" not in report.departments_created
    p = services.people.get("900102109")
    assert (p.given_name, p.family_name) == ("יעל", "כהן")
    assert _statuses(database, "900100185") == [("faculty", dt.date(2019, 1, 15), None),
                                                ("staff", dt.date(2019, 1, 1), dt.date(2020, 12, 31))]
    assert _affiliations(database, "900100037") == {"Athletics": ("PhD Candidate", True, None),
                                                    "History": ("Undergraduate", False, None)}
    # Six e-mails in the feed have an empty local part before the dot: imported, flagged.
    assert len([w for w in report.warnings if "email" in w.reason]) == 6

    audits = _audit_count(database)
    again = importer.run(admin, PEOPLE, AFFS)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 60, ())
    assert _audit_count(database) == audits


def test_reimport_updates_in_place_and_keeps_history(services: Services, admin: Actor, database: Database,
                                                     clock: FakeClock, tmp_path: Path) -> None:
    importer = PeopleImporter(database, clock)
    importer.run(admin, PEOPLE, AFFS)
    people = tmp_path / "people.csv"
    affs = tmp_path / "affiliations.csv"
    people.write_text(PEOPLE.read_text(encoding="utf-8").replace(
        "900100000,Kwame,Kim,,kwame.kim0@example.edu", "900100000,Kwame,Kim-Osei,KK,kwame.kim0@example.edu"),
        encoding="utf-8")
    lines = AFFS.read_text(encoding="utf-8").splitlines(keepends=True)
    # 900100074: staff status dropped from the feed; History no longer primary, Library added.
    lines = [ln for ln in lines if not ln.startswith("900100074,status,staff")]
    lines = [ln.replace("900100074,department,Arts and Sciences/History,Coordinator,yes",
                        "900100074,department,Arts and Sciences/History,Coordinator,no") for ln in lines]
    lines.append("900100074,department,Library,Archivist,yes,2026-09-01,\n")
    affs.write_text("".join(lines), encoding="utf-8")
    clock.set(dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC))

    report = importer.run(admin, people, affs)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 2, 58, ())
    p = services.people.get("900100000")
    assert (p.family_name, p.preferred_name) == ("Kim-Osei", "KK")
    # The dropped status is ended today, not deleted.
    assert ("staff", dt.date(2015, 1, 15), dt.date(2026, 11, 20)) in _statuses(database, "900100074")
    assert _affiliations(database, "900100074") == {"History": ("Coordinator", False, None),
                                                    "Library": ("Archivist", True, None)}
    with database.reading() as s:
        changes = s.execute(select(AuditEntry.field, AuditEntry.old_value, AuditEntry.new_value,
                                   AuditEntry.actor_id, AuditEntry.reason)
                            .where(AuditEntry.entity == "person", AuditEntry.at == clock.now)).all()
    fields = {(f, old, new) for f, old, new, _, _ in changes}
    assert ("family_name", "Kim", "Kim-Osei") in fields and ("preferred_name", None, "KK") in fields
    assert ("status", "staff 2015-01-15–", "staff 2015-01-15–2026-11-20") in fields
    assert all(actor == admin.staff_id and reason and reason.startswith("directory import") for *_, actor, reason
               in changes)


def test_faulty_feed_reports_lines_and_imports_good_rows(services: Services, admin: Actor,
                                                         database: Database) -> None:
    importer = PeopleImporter(database, services.people.clock)
    importer.run(admin, PEOPLE, AFFS)
    before = services.people.get("900100000")
    report = importer.run(admin, DATA / "people-faulty.csv", DATA / "affiliations-faulty.csv")
    by_line = {(p.file, p.line): p.reason for p in report.rejected}
    assert set(by_line) == {("people-faulty.csv", n) for n in (2, 3, 4, 5, 6, 8, 9, 10, 11, 14)} | {
        ("affiliations-faulty.csv", n) for n in (2, 3, 4)}
    assert "appears on lines 2, 3" in by_line[("people-faulty.csv", 2)]
    assert "given_name is missing" in by_line[("people-faulty.csv", 4)]
    assert "'not-an-email'" in by_line[("people-faulty.csv", 5)]
    assert "'ABC'" in by_line[("people-faulty.csv", 6)]
    assert "markup" in by_line[("people-faulty.csv", 8)]
    assert "8 fields" in by_line[("people-faulty.csv", 9)]
    # A directory's names are single lines of printable text: a tab, a line break (the
    # quoted field of lines 11-12) or a bidi override is an upstream bug, not a name.
    assert by_line[("people-faulty.csv", 10)] == "given_name contains a tab"
    assert by_line[("people-faulty.csv", 11)] == "family_name contains a line break"
    assert by_line[("people-faulty.csv", 14)] == \
        "family_name contains an invisible formatting character (U+202E RIGHT-TO-LEFT OVERRIDE)"
    assert "2024-13-01" in by_line[("affiliations-faulty.csv", 2)]
    assert "'wizard'" in by_line[("affiliations-faulty.csv", 3)]
    assert "unknown person" in by_line[("affiliations-faulty.csv", 4)]
    # BOM, CRLF and quoted commas/quotes are read correctly; the good row imports.
    good = services.people.get("900199997")
    assert (good.given_name, good.family_name) == ("Quote, Comma", 'Name "Nick"')
    padded = services.people.get("900199992")  # runs of spaces are padding: one space, ends trimmed
    assert (padded.given_name, padded.family_name) == ("Anne Marie", "Van der Berg")
    assert report.created == 2
    assert services.people.get("900100000") == before  # duplicates never overwrite
    with pytest.raises(NotFound):
        services.people.get("900199998")  # the bad e-mail row


def test_a_bad_affiliation_row_keeps_the_whole_person_out(services: Services, admin: Actor,
                                                          database: Database, tmp_path: Path) -> None:
    people = tmp_path / "p.csv"
    affs = tmp_path / "a.csv"
    people.write_text(PEOPLE_HEADER + "900300001,Łucja,Wiśniewska,,lucja@example.edu,\n"
                      "900300002,Ελένη,Γεωργίου,,eleni@example.edu,\n", encoding="utf-8")
    affs.write_text(AFF_HEADER + "900300001,status,student,,,2024-08-15,\n"
                    "900300001,department,Library,Clerk,yes,2024-13-40,\n"
                    "900300002,status,faculty,,,2020-01-15,\n"
                    "900300002,department,Library,Professor,yes,,\n"
                    "900300002,department,New School/Data Science,Professor,yes,,\n", encoding="utf-8")
    report = PeopleImporter(database, services.people.clock).run(admin, people, affs)
    reasons = {(p.file, p.line): p.reason for p in report.rejected}
    assert "not imported" in reasons[("p.csv", 2)] and "not imported" in reasons[("a.csv", 2)]
    assert "primary departments" in reasons[("a.csv", 5)] and "primary departments" in reasons[("a.csv", 6)]
    assert report.created == 0
    with database.reading() as s:
        assert s.execute(select(func.count(Person.id))).scalar_one() == 0
        assert s.execute(select(Department.id).where(Department.name == "Data Science")).first() is None


def test_affiliations_for_people_already_in_the_database(services: Services, admin: Actor, database: Database,
                                                         tmp_path: Path) -> None:
    uid = factories.person(database, university_id="900400001", statuses=("student",))
    people = tmp_path / "p.csv"
    affs = tmp_path / "a.csv"
    people.write_text(PEOPLE_HEADER, encoding="utf-8")
    affs.write_text(AFF_HEADER + f"{uid},status,staff,,,2025-08-01,\n"
                    f"{uid},department,New School/Data Science,Analyst,yes,,\n", encoding="utf-8")
    report = PeopleImporter(database, services.people.clock).run(admin, people, affs)
    assert (report.updated, report.rejected) == (1, ())
    kinds = {k for k, _, end in _statuses(database, uid) if end is None}
    assert kinds == {"staff"}  # student not in the feed any more: ended, kept
    assert len(_statuses(database, uid)) == 2
    with database.reading() as s:
        ds = s.execute(select(Department).where(Department.name == "Data Science")).scalar_one()
        assert s.get_one(Department, ds.parent_id).name == "New School"
        assert s.execute(select(func.count(AuditEntry.id)).where(AuditEntry.entity == "department")).scalar_one() == 2


def test_only_admins_may_import(services: Services, admin: Actor, database: Database) -> None:
    tech = factories.staff(services, admin, "tina", Role.TECHNICIAN)
    with pytest.raises(PermissionDenied, match="import the people directory"):
        PeopleImporter(database).run(tech, PEOPLE)


def test_cli_exit_codes_and_summary(sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(PEOPLE, tmp_path / "people.csv")
    code = main(["--database", sqlite_url, "import", "people", str(tmp_path / "people.csv"),
                 "--affiliations", str(AFFS)])
    out, err = capsys.readouterr()
    assert code == 0 and "60 created, 0 updated, 0 unchanged, 0 rows rejected" in out
    code = main(["--database", sqlite_url, "import", "people", str(DATA / "people-faulty.csv"),
                 "--affiliations", str(DATA / "affiliations-faulty.csv")])
    out, err = capsys.readouterr()
    assert code == 2
    assert "rejected: people-faulty.csv:5: email 'not-an-email' is not an e-mail address" in err
    assert "people-faulty.csv:10: given_name contains a tab" in err
    assert "2 created, 0 updated, 0 unchanged, 13 rows rejected" in out
    code = main(["--database", sqlite_url, "import", "people", str(tmp_path / "missing.csv")])
    out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "missing.csv" in err


def test_a_person_the_database_refuses_is_rolled_back_alone(services: Services, admin: Actor, database: Database,
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The savepoint per person: a refusal nobody foresaw undoes that person only."""
    people = tmp_path / "p.csv"
    affs = tmp_path / "a.csv"
    people.write_text(PEOPLE_HEADER + "900500001,Ana,Silva,,ana@example.edu,\n"
                      "900500002,Bo,Berg,,bo@example.edu,\n", encoding="utf-8")
    affs.write_text(AFF_HEADER + "900500001,department,Brand New Institute,Fellow,yes,,\n"
                    "900500002,department,Library,Clerk,yes,,\n", encoding="utf-8")
    real_apply = PeopleImporter._apply

    def refusing(self: PeopleImporter, s, actor, now, today, uid, *args):  # type: ignore[no-untyped-def]
        result = real_apply(self, s, actor, now, today, uid, *args)
        if uid == "900500001":  # after its rows (and a new department) were flushed
            s.execute(insert(Person).values(university_id="900500001", given_name="x", family_name="y",
                                            created_at=now, updated_at=now))
        return result

    monkeypatch.setattr(PeopleImporter, "_apply", refusing)
    report = PeopleImporter(database, services.people.clock).run(admin, people, affs)
    assert report.created == 1 and [(p.file, p.line) for p in report.rejected] == [("p.csv", 2)]
    assert "database refused" in report.rejected[0].reason
    assert report.departments_created == ()
    with database.reading() as s:
        assert s.execute(select(Person.university_id)).scalars().all() == ["900500002"]
        assert s.execute(select(Department.id).where(Department.name == "Brand New Institute")).first() is None
        assert s.execute(select(func.count(AuditEntry.id)).where(AuditEntry.entity == "department")).scalar_one() == 0
