"""The queue service: keyset pages in every sort, both directions, jumps, filters, positions."""
from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import update

from db.engine import Database
from db.enums import Role
from db.models import Incident
from desk.actor import Actor
from desk.bootstrap import Services
from desk.errors import InvalidInput, NotFound
from desk.incidents.service import NewIncident
from desk.queue.saved_views import SavedViewService
from desk.queue.service import Cursor, QueueService
from desk.queue.spec import BUILTIN_VIEWS, SORTABLE, QueueFilter, QueueSpec
from desk.workstation.scan import ScanService
from tests import factories

N = 14


@pytest.fixture
def filled(services: Services, admin: Actor, database: Database, clock) -> list[str]:  # type: ignore[no-untyped-def]
    rng = random.Random(4)
    uid = factories.person(database, given="Zoë", family="Ångström")
    numbers = []
    for i in range(N):
        clock.advance(minutes=rng.choice([1, 1, 5]))
        v = services.incidents.open(admin, NewIncident(
            title=f"Projector {i} flickers" if i % 3 == 0 else f"Wi-Fi drop {i}",
            caller_university_id=uid if i % 4 == 0 else None,
            impact=rng.choice(["low", "medium", "high"]), urgency=rng.choice(["low", "medium", "high"]),
            channel="walk_in" if i % 5 == 0 else "phone", service="Printing" if i % 2 else None))
        numbers.append(v.number)
    services.incidents.assign(admin, numbers[0], assignee=admin.username)
    # A mix of due times (some equal, some NULL) exercises ties and the NULL segment.
    base = clock.now
    with database.writing() as s:
        for i, number in enumerate(numbers):
            due = None if i % 4 == 1 else base + dt.timedelta(hours=i % 5 - 1)
            # Only the resolution target counts here: the response columns are cleared.
            s.execute(update(Incident).where(Incident.number == number).values(
                resolution_due_at=due, resolution_at_risk_at=(base - dt.timedelta(minutes=1)) if i % 7 == 0 else None,
                resolution_breached_at=None, response_due_at=None, response_at_risk_at=None,
                response_breached_at=None))
    return numbers


def _expected(q: QueueService, spec: QueueSpec, admin: Actor) -> list[int]:
    rows = q.first_page(QueueSpec(spec.filter, "number"), admin, 10_000)
    key = {"number": "id", "priority": "priority", "sla": "due_at", "updated": "updated_at",
           "opened": "opened_at", "status": "status"}[spec.sort]
    present = [r for r in rows if getattr(r, key) is not None]
    nulls = [r for r in rows if getattr(r, key) is None]
    present.sort(key=lambda r: (getattr(r, key), r.id), reverse=spec.descending)
    nulls.sort(key=lambda r: r.id, reverse=spec.descending)
    return [r.id for r in present + nulls]


def test_keyset_walks_match_full_order(filled: list[str], services: Services, admin: Actor, clock,  # type: ignore[no-untyped-def]
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import desk.queue.service as queue_module

    q = QueueService(services.db, clock)
    # Both ways of reading a page: sorting a small view's rows, walking an index.
    for small_view in (queue_module.SMALL_VIEW, 0):
        monkeypatch.setattr(queue_module, "SMALL_VIEW", small_view)
        for sort in SORTABLE:
            for descending in (False, True):
                _check_walks(q, admin, sort, descending)


def _check_walks(q: QueueService, admin: Actor, sort: str, descending: bool) -> None:
    spec = QueueSpec(QueueFilter(), sort, descending)
    expected = _expected(q, spec, admin)
    assert len(expected) == q.count(spec, admin) == N
    # forward, 5 at a time
    got, cursor = [], None
    while True:
        page = q.page_after(spec, admin, cursor, 5)
        if not page:
            break
        got += [r.id for r in page]
        cursor = Cursor.of(page[-1], sort)
    assert got == expected
    # backward from the end, 6 at a time
    back, cursor = [], None
    while True:
        page = q.page_before(spec, admin, cursor, 6)
        if not page:
            break
        back = [r.id for r in page] + back
        cursor = Cursor.of(page[0], sort)
    assert back == expected
    # Jumps through the skeleton (strides that put anchors in both NULL segments,
    # on the last row, and none at all), and ranks of rows, against the full order.
    rows = {r.id: r for r in q.first_page(spec, admin, N)}
    for stride in (1, 3, 4, N, N + 5):
        skeleton = q.skeleton(spec, admin, stride)
        assert skeleton.total == N
        assert skeleton.positions == sorted(skeleton.positions)
        assert [a.id for a in skeleton.anchors] == [expected[p] for p in skeleton.positions]
        for offset in range(N):
            anchor, skip = skeleton.seek(offset)
            assert skip < stride
            assert [r.id for r in q.page_from(spec, admin, anchor, skip, 4)] == expected[offset:offset + 4]
            assert q.rank(spec, admin, rows[expected[offset]], skeleton) == offset
    for pos in range(N):
        assert q.position(spec, admin, rows[expected[pos]]) == pos


def test_around_a_ticket_is_its_place_in_the_full_order(filled: list[str], services: Services,  # type: ignore[no-untyped-def]
                                                        admin: Actor, clock) -> None:
    # "Show ticket in queue": the rows either side of a ticket and the first one's
    # position, in one read, against the full order; with a skeleton and without.
    q = QueueService(services.db, clock)
    for sort in SORTABLE:
        for descending in (False, True):
            spec = QueueSpec(QueueFilter(), sort, descending)
            expected = _expected(q, spec, admin)
            number_of = {r.id: r.number for r in q.first_page(spec, admin, N)}
            for skeleton in (None, q.skeleton(spec, admin, 3)):
                for at in (0, 1, N // 2, N - 2, N - 1):
                    got = q.around(spec, admin, number_of[expected[at]], skeleton, 2)
                    assert got is not None
                    first, rows = got
                    assert first == max(at - 2, 0)
                    assert [r.id for r in rows] == expected[first:at + 3], (sort, descending, at)
    mine = QueueSpec(QueueFilter(assignee=admin.username), "priority")
    assert q.around(mine, admin, filled[1], None, 2) is None      # a ticket outside the view
    assert q.around(mine, admin, "INC-999999", None, 2) is None   # and one that does not exist
    assert q.around(mine, admin, filled[0].lower(), None, 2) == (0, q.first_page(mine, admin, 5))


def test_filters_of_builtin_views(filled: list[str], services: Services, admin: Actor, clock) -> None:  # type: ignore[no-untyped-def]
    q = QueueService(services.db, clock)
    counts = q.counts({v.key: v.spec for v in BUILTIN_VIEWS}, admin)
    assert counts["all_open"] == N
    assert counts["my_open"] == 1
    assert counts["unassigned"] == N - 1
    assert counts["walk_in"] == len([i for i in range(N) if i % 5 == 0])
    # The fixture's clock stands at ``base``: ticket i is due at base + (i % 5 - 1) h (none
    # when i % 4 == 1) and warned a minute ago when i % 7 == 0. Due exactly now (i % 5 == 1)
    # is still in time: breached only once now > due (desk.sla.outcome); a clock without
    # a due time (no target) is neither.
    due_passed = [i for i in range(N) if i % 4 != 1 and i % 5 == 0]
    warned_in_time = [i for i in range(N) if i % 7 == 0 and i % 4 != 1 and i % 5 != 0]
    assert counts["at_risk"] == len(warned_in_time)
    assert counts["breached"] == len(due_passed)
    # A view saved before the split keeps its meaning: at risk or breached.
    old = QueueSpec.from_json('{"filter": {"open_only": true, "breaching": true}, "sort": "sla"}')
    assert q.count(old, admin) == len(due_passed) + len(warned_in_time)
    assert counts["major"] == 0
    assert counts["recently_closed"] == 0
    services.incidents.transition(admin, filled[0], "in_progress")
    services.incidents.transition(admin, filled[0], "resolved", resolution_code="fixed", resolution_note="Swapped lamp")
    assert q.count(QueueSpec(QueueFilter(open_only=True)), admin) == N - 1
    assert q.count(BUILTIN_VIEWS[-1].spec, admin) == 1


def test_search_and_caller_filter(filled: list[str], services: Services, admin: Actor, clock) -> None:  # type: ignore[no-untyped-def]
    q = QueueService(services.db, clock)
    hits = q.first_page(QueueSpec(QueueFilter(search="projector flick"), "number"), admin, 100)
    assert [r.number for r in hits] == [n for i, n in enumerate(filled) if i % 3 == 0]
    by_name = q.first_page(QueueSpec(QueueFilter(search="ångström"), "number"), admin, 100)
    assert len(by_name) == len([i for i in range(N) if i % 4 == 0])
    assert all(r.caller == "Zoë Ångström" for r in by_name)
    assert q.count(QueueSpec(QueueFilter(search="!!!")), admin) == 0
    # A plain search walks the search index in id order, both ways.
    spec = QueueSpec(QueueFilter(search="projector"), "number", True)
    expected = [n for i, n in enumerate(filled) if i % 3 == 0][::-1]
    assert q.count(spec, admin) == len(expected)
    got, cursor = [], None
    while page := q.page_after(spec, admin, cursor, 3):
        got += [r.number for r in page]
        cursor = Cursor.of(page[-1], "number")
    assert got == expected
    assert [r.number for r in q.page_before(spec, admin, None, 2)] == expected[-2:]


def test_matching_and_rows_for_live_updates(filled: list[str], services: Services, admin: Actor, clock) -> None:  # type: ignore[no-untyped-def]
    q = QueueService(services.db, clock)
    mine = QueueSpec(QueueFilter(open_only=True, assignee="me"))
    ids = [r.id for r in q.first_page(QueueSpec(sort="number"), admin, 3)]
    assert q.matching(mine, admin, ids) == {ids[0]}
    assert {r.id for r in q.rows(ids)} == set(ids)
    since = q.latest_change()
    assert since is not None
    clock.advance(minutes=1)
    services.incidents.comment(admin, filled[2], "On my way")
    changed = q.changed_since(since + dt.timedelta(seconds=1))
    assert [c[0] for c in changed] == [ids[2]]


def test_saved_views_belong_to_their_owner(services: Services, admin: Actor, clock) -> None:  # type: ignore[no-untyped-def]
    views = SavedViewService(services.db, clock)
    bob = factories.staff(services, admin, "bob", Role.TECHNICIAN)
    spec = QueueSpec(QueueFilter(open_only=True, priorities=("P1", "P2")), "priority", False, ("number", "title"))
    saved = views.save(admin, "Hot ones", spec)
    assert [v.name for v in views.list(admin)] == ["Hot ones"]
    assert views.list(admin)[0].spec == spec
    assert views.list(bob) == []
    views.save(admin, "Hot ones", spec.sorted_by("sla", True))  # replaces
    assert views.list(admin)[0].spec.sort == "sla"
    with pytest.raises(InvalidInput, match="built-in"):
        views.save(admin, "All open", spec)
    with pytest.raises(NotFound):
        views.delete(bob, saved.id)
    views.delete(admin, saved.id)
    assert views.list(admin) == []


def test_spec_json_round_trip_and_validation() -> None:
    spec = QueueSpec(QueueFilter(statuses=("new",), search="x"), "updated", True, ("number", "sla"))
    assert QueueSpec.from_json(spec.to_json()) == spec
    with pytest.raises(InvalidInput, match="cannot sort by"):
        QueueSpec(sort="title")
    with pytest.raises(InvalidInput):
        QueueSpec.from_json("{not json")


def test_scan_resolves_numbers_and_people(filled: list[str], services: Services, database: Database) -> None:
    scan = ScanService(database)
    assert scan.resolve(filled[3].lower()).key == filled[3]
    assert scan.resolve(filled[3].split("-")[1]).kind == "incident"
    uid = factories.person(database, given="Ana", family="Lima")
    assert scan.resolve(uid).kind == "person"
    with pytest.raises(NotFound, match="not a ticket number"):
        scan.resolve("ZZZ-NOPE")


def test_skeleton_follows_rows_inserted_and_removed(filled: list[str], services: Services, admin: Actor,  # type: ignore[no-untyped-def]
                                                    clock) -> None:
    """What the queue model does on a live change: rank the newcomer, shift the anchors;
    every seek must still land on the row a fresh full sort puts there."""
    q = QueueService(services.db, clock)
    spec = QueueSpec(QueueFilter(open_only=True), "priority", True)
    skeleton = q.skeleton(spec, admin, 3)

    def check() -> None:
        expected = _expected(q, spec, admin)
        assert skeleton.total == len(expected)
        for offset in range(len(expected)):
            anchor, skip = skeleton.seek(offset)
            assert [r.id for r in q.page_from(spec, admin, anchor, skip, 2)] == expected[offset:offset + 2]

    for impact, urgency in (("high", "high"), ("low", "low"), ("medium", "medium")):
        clock.advance(minutes=1)
        v = services.incidents.open(admin, NewIncident(title=f"New {impact}", impact=impact, urgency=urgency,
                                                       channel="phone"))
        row = q.rows([v.id])[0]
        skeleton.shift(q.rank(spec, admin, row, skeleton), +1)
        check()
    for number in (filled[3], filled[8], filled[0]):
        row = q.rows([q.first_page(QueueSpec(QueueFilter(search=number)), admin, 1)[0].id])[0]
        at = q.rank(spec, admin, row, skeleton)
        services.incidents.transition(admin, number, "cancelled", reason="Duplicate")
        skeleton.shift(at, -1)
        check()


def test_estimate_is_the_servers_guess(filled: list[str], services: Services, admin: Actor, clock) -> None:  # type: ignore[no-untyped-def]
    """'≈ N' at once for a big search on PostgreSQL (its planner's statistics); SQLite has
    no statistics to ask, and its exact count is quick."""
    from sqlalchemy import text

    q = QueueService(services.db, clock)
    spec = QueueSpec(QueueFilter(open_only=True), "number")
    if services.db.dialect != "postgresql":
        assert q.estimate(spec, admin) is None
        return
    with services.db.writing() as s:
        s.execute(text("ANALYZE incidents"))
    estimate = q.estimate(spec, admin)
    assert estimate is not None and abs(estimate - N) <= N // 3
    # A search too: the planner answers without reading the matches.
    assert q.estimate(QueueSpec(QueueFilter(search="projector")), admin) is not None


def test_compiled_walks_read_what_built_statements_read(filled: list[str], services: Services, admin: Actor,  # type: ignore[no-untyped-def]
                                                        clock, monkeypatch: pytest.MonkeyPatch) -> None:
    """A view's walk is compiled once and run on the bare driver with the cursor bound;
    every filter value (a team, a service, the signed-in staff member) must reach the SQL
    as the statement built for each page would have it."""
    import desk.queue.service as queue_module

    filters = [QueueFilter(), QueueFilter(open_only=True), QueueFilter(assignee="me"),
               QueueFilter(assignee="none", open_only=True), QueueFilter(service="Printing"),
               QueueFilter(priorities=("P3", "P4")), QueueFilter(walk_in=True, open_only=True),
               QueueFilter(team="Service Desk"), QueueFilter(assignee=admin.username)]

    def walk_all(q: QueueService, spec: QueueSpec) -> tuple[list[int], list[int]]:
        forward, cursor = [], None
        while page := q.page_after(spec, admin, cursor, 3):
            forward += [r.id for r in page]
            cursor = Cursor.of(page[-1], spec.sort)
        backward, cursor = [], None
        while page := q.page_before(spec, admin, cursor, 4):
            backward = [r.id for r in page] + backward
            cursor = Cursor.of(page[0], spec.sort)
        return forward, backward

    compiled_q = QueueService(services.db, clock)
    built_q = QueueService(services.db, clock)
    seen_rows = 0
    for f in filters:
        for sort in SORTABLE:
            spec = QueueSpec(f, sort, sort in ("sla", "updated"))
            got = walk_all(compiled_q, spec)
            with monkeypatch.context() as m:
                m.setattr(queue_module, "_walk_is_stable", lambda _f: False)
                want = walk_all(built_q, spec)
            assert got == want, (f, sort)
            assert got[0] == got[1]
            seen_rows += len(got[0])
    assert compiled_q._walk_plans and seen_rows > 0
