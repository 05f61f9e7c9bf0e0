"""Canned replies: personal or a team's, filled from the ticket, typos refused; on the
shared server a login keeps only its own and its teams' (a staff login's own connection)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from db.engine import Database
from db.enums import Role
from db.models import CannedReply
from desk.actor import Actor
from desk.bootstrap import Services
from desk.cli.main import main
from desk.errors import InvalidInput, NotFound, PermissionDenied
from tests import dbtools, factories
from tests.pg_logins import Login, refused, staff_logins


def test_personal_and_team_replies_filled_from_the_ticket(services: Services, admin: Actor) -> None:
    bob = factories.staff(services, admin, "bob", Role.TECHNICIAN, teams=("Network",))
    carol = factories.staff(services, admin, "carol", Role.TECHNICIAN, teams=("Desktop Support",))
    mine = services.replies.save(bob, title="Eduroam reset", body="Hello {caller_first_name},\n\nforget the "
                                 "network and join again ({number}).\n{my_name}")
    team = services.replies.save(bob, title="Outage known", body="We know about {title}.", team="Network")
    with pytest.raises(PermissionDenied, match="team's members"):
        services.replies.save(carol, title="x", body="y", team="Network")
    with pytest.raises(InvalidInput, match=r"\{caller\} is not a placeholder"):
        services.replies.save(bob, title="Typo", body="Dear {caller},")
    assert [r.title for r in services.replies.available(bob)] == ["Eduroam reset", "Outage known"]
    assert services.replies.available(carol) == []

    uid = factories.person(services.db, given="Ada", family="Lovelace")
    number = factories.incident(services, admin, "Eduroam drops", caller=uid).number
    text = services.replies.fill(bob, mine.id, number)
    assert text == f"Hello Ada,\n\nforget the network and join again ({number}).\nBob"
    assert services.replies.fill(bob, team.id, number) == "We know about Eduroam drops."
    with pytest.raises(NotFound):
        services.replies.fill(carol, mine.id, number)        # not carol's to use
    with pytest.raises(NotFound):
        services.replies.delete(carol, team.id)
    services.replies.delete(bob, mine.id)
    assert [r.title for r in services.replies.available(bob)] == ["Outage known"]


def test_the_cli_adds_lists_and_comments_with_a_canned_reply(sqlite_url: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--database", sqlite_url]
    assert main([*base, "ticket", "new", "--title", "Printer jam"]) == 0
    assert main([*base, "reply", "add", "Tray", "--text", "Please check tray 2 of {title} ({number})."]) == 0
    out = capsys.readouterr().out
    reply_id = out.splitlines()[-1].split(":")[0]
    assert main([*base, "reply", "list"]) == 0 and "Tray" in capsys.readouterr().out
    assert main([*base, "ticket", "comment", "INC-000001", "Thanks!", "--canned", reply_id]) == 0
    capsys.readouterr()
    db = Database.connect(sqlite_url)
    try:
        last = Services.over(db).details.load("INC-000001").journal[-1]
    finally:
        db.dispose()
    assert (last.kind, last.body) == ("public", "Please check tray 2 of Printer jam (INC-000001).\n\nThanks!")
    assert main([*base, "reply", "add", "Bad", "--text", "{oops}"]) == 2
    assert "{oops} is not a placeholder" in capsys.readouterr().err


@pytest.fixture
def two(db_templates: dbtools.Templates, postgres_url: str) -> Iterator[tuple[Services, Login, Login, int]]:
    with staff_logins(db_templates, postgres_url, [("bob", Role.TECHNICIAN), ("carol", Role.TECHNICIAN)]) as (
            owner, _admin, logins):
        # Both are in the Service Desk team (staff_logins); bob keeps a personal reply.
        reply = owner.replies.save(logins["bob"].actor, title="Mine", body="Hello")
        yield owner, logins["bob"], logins["carol"], reply.id


@pytest.mark.postgres
def test_on_the_server_a_login_keeps_only_its_own_and_its_teams(two: tuple[Services, Login, Login, int]) -> None:
    owner, bob, carol, reply_id = two
    with carol.sql() as c:
        assert "owner's alone" in refused(c, "UPDATE canned_replies SET body = 'pwned' WHERE id = %s", (reply_id,))
        assert "owner's alone" in refused(c, "DELETE FROM canned_replies WHERE id = %s", (reply_id,))
        assert "owner's alone" in refused(
            c, "INSERT INTO canned_replies(title, body, owner_id, created_at, updated_at, version) "
               "VALUES ('x', 'y', %s, now(), now(), 1)", (bob.actor.staff_id,))
        c.execute("INSERT INTO canned_replies(title, body, owner_id, created_at, updated_at, updated_by_id, version) "
                  "VALUES ('mine', 'y', %s, now(), now(), %s, 1)", (carol.actor.staff_id, carol.actor.staff_id))
    db, services = bob.services()
    try:
        services.replies.save(bob.actor, title="Team", body="For all", team="Service Desk")   # a member
    finally:
        db.dispose()
    with owner.db.reading() as s:
        assert s.execute(select(CannedReply.body).where(CannedReply.id == reply_id)).scalar_one() == "Hello"
