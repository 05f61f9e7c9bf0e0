"""Walk-up satisfaction: the customer's tap at the end of a pickup, once, by who handed it
back, right then; the results per counter member, technician and week with the response
rate; on the shared server the same rules for a counter login in psql."""
from __future__ import annotations

import pytest

from db.engine import Database
from db.enums import Role
from desk.actor import Actor
from desk.bootstrap import Services
from desk.counter.views import PickupRequest
from desk.errors import InvalidInput, PermissionDenied
from tests import dbtools, factories
from tests.conftest import FakeClock
from tests.pg_logins import refused, staff_logins


def picked_up(services: Services, admin: Actor, given: str = "Ada", people: Database | None = None) -> str:
    """A repair taken in and handed back by ``admin`` (``people``: where the customer is
    created, the owner's database on the shared server, where counter logins only add people)."""
    counter = services.counter
    number = factories.repair(people or services.db, counter, admin, given=given, family="Customer").number
    counter.incidents.transition(admin, number, "in_progress")
    counter.pickup.pickup(admin, PickupRequest(number, "University card", ("Charger", "Bag"),
                                               factories.signature_png(), "Keyboard replaced"))
    return number


def test_a_rating_is_the_pickups_own_and_counts_in_the_summary(services: Services, admin: Actor,
                                                               clock: FakeClock) -> None:
    sat = services.counter.satisfaction
    first, second, third = (picked_up(services, admin, g) for g in ("Ada", "Grace", "Alan"))
    sat.record(admin, first, 3, "Quick and friendly")
    sat.record(admin, second, None)                       # asked; they did not answer
    with pytest.raises(InvalidInput, match="has its rating already"):
        sat.record(admin, first, 1)
    other = factories.staff(services, admin, "dana", Role.COUNTER)
    with pytest.raises(PermissionDenied, match="who handed the laptop back"):
        sat.record(other, third, 1)
    not_yet = factories.repair(services.db, services.counter, admin, given="Edsger", family="Waiting").number
    with pytest.raises(InvalidInput, match="has not been picked up"):
        sat.record(admin, not_yet, 3)
    clock.advance(minutes=16)
    with pytest.raises(InvalidInput, match="within 15 minutes"):
        sat.record(admin, third, 2)
    with pytest.raises(InvalidInput, match="one of the three faces"):
        sat.record(admin, first, 5)

    summary = sat.summary(weeks=4)
    total = summary.total
    assert (total.pickups, total.answered, total.happy, total.unhappy) == (3, 1, 1, 0)
    assert total.response_rate == pytest.approx(1 / 3) and total.score == 100
    assert [t.label for t in summary.by_counter] == [admin.display_name]
    assert summary.comments[0][1:] == (first, 3, "Quick and friendly")
    assert summary.by_week[0].label.startswith("week of ") and summary.by_week[0].pickups == 3
    trail = [(e.field, e.new_value) for e in services.details.load(first, admin).audit if e.field == "satisfaction"]
    assert trail == [("satisfaction", "Happy")]           # the customer's act, on the record


@pytest.mark.postgres
def test_on_the_server_a_rating_is_only_the_pickup_just_done(db_templates: dbtools.Templates,
                                                             postgres_url: str) -> None:
    with staff_logins(db_templates, postgres_url, [("counter", Role.COUNTER)]) as (owner, admin, logins):
        login = logins["counter"]
        db, services = login.services()
        try:
            number = picked_up(services, login.actor, people=owner.db)
            services.counter.satisfaction.record(login.actor, number, 2)     # through Desk: fine
        finally:
            db.dispose()
        someone_elses = picked_up(owner, admin, "Alan")
        with login.sql() as c:
            ids = {n: c.execute("SELECT id FROM incidents WHERE number = %s", (n,)).fetchone()[0]  # type: ignore[index]
                   for n in (number, someone_elses)}
            insert = ("INSERT INTO satisfaction_ratings(incident_id, score, comment, counter_staff_id, technician_id, "
                      "rated_at) VALUES (%s, 3, '', %s, NULL, now())")
            assert "taken at the pickup just done" in refused(c, insert, (ids[someone_elses], login.actor.staff_id))
            assert "permission denied" in refused(c, "UPDATE satisfaction_ratings SET score = 3")
            assert "permission denied" in refused(c, "DELETE FROM satisfaction_ratings")
