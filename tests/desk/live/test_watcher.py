"""Change watchers without Qt: another connection's save arrives (incidents and problem
records, told apart by kind); PostgreSQL reconnects."""
from __future__ import annotations

import threading

import psycopg
import pytest
from sqlalchemy import make_url

from db.engine import Database
from desk.actor import Actor
from desk.bootstrap import Services
from desk.incidents.service import NewIncident
from desk.live.watcher import (
    INCIDENT,
    PROBLEM,
    Change,
    PostgresWatcher,
    SqliteWatcher,
    wait_until,
    watcher_for,
)


class Recorder:
    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.states: list[str] = []
        self.lock = threading.Lock()

    def change(self, c: Change) -> None:
        with self.lock:
            self.changes.append(c)

    def ids(self, kind: str = INCIDENT) -> set[int]:
        with self.lock:
            return {i for c in self.changes if c.kind == kind for i, _v in c.ids}

    def of(self, kind: str) -> list[Change]:
        with self.lock:
            return [c for c in self.changes if c.kind == kind]


def test_other_connection_changes_arrive(database: Database, services: Services, admin: Actor, clock) -> None:  # type: ignore[no-untyped-def]
    rec = Recorder()
    watcher = watcher_for(database, services.queue, services.problem_list, rec.change, rec.states.append)
    assert watcher is not None
    watcher.start()
    try:
        assert wait_until(lambda: any(s.startswith("live") for s in rec.states), 5)
        other = Database.connect(database.engine.url.render_as_string(hide_password=False))
        try:
            view = Services.over(other, clock).incidents.open(admin, NewIncident(title="Seen elsewhere"))
        finally:
            other.dispose()
        assert wait_until(lambda: view.id in rec.ids(), 3)
        before = len(rec.changes)
        clock.advance(minutes=1)
        services.incidents.comment(admin, view.number, "and again")
        assert wait_until(lambda: len(rec.changes) > before, 3)
        assert (view.id, view.version + 1) in [p for c in rec.changes[before:] for p in c.ids] or \
            any(c.refresh for c in rec.changes[before:])
    finally:
        watcher.stop()


def test_problem_changes_arrive_as_their_own_kind(database: Database, services: Services, admin: Actor,
                                                  clock) -> None:  # type: ignore[no-untyped-def]
    mine = services.problems.open(admin, title="Printers drop off the network")
    rec = Recorder()
    watcher = watcher_for(database, services.queue, services.problem_list, rec.change, rec.states.append)
    assert watcher is not None
    watcher.start()
    try:
        assert wait_until(lambda: any(s.startswith("live") for s in rec.states), 5)
        other = Database.connect(database.engine.url.render_as_string(hide_password=False))
        try:
            theirs = Services.over(other, clock).problems
            clock.advance(minutes=1)
            new = theirs.open(admin, title="Wi-Fi roaming fails in Davis")
            assert wait_until(lambda: new.id in rec.ids(PROBLEM), 3)
            # An edit in the same (fake-clock) second is still news: its version moved.
            edited = theirs.update(admin, mine.number, mine.version, {"title": "Printers drop off VLAN 12"})
            assert wait_until(lambda: (mine.id, edited.version) in
                              [p for c in rec.of(PROBLEM) for p in c.ids], 3)
        finally:
            other.dispose()
        # Problem-only edits say nothing about incidents, and each change is reported once.
        assert rec.ids(INCIDENT) == set()
        problem_ids = [i for c in rec.of(PROBLEM) for i, _v in c.ids]
        assert problem_ids.count(new.id) == 1
    finally:
        watcher.stop()


@pytest.mark.postgres
def test_postgres_listener_reconnects_and_asks_for_refresh(postgres_url: str) -> None:
    db = Database.connect(postgres_url)
    rec = Recorder()
    watcher = PostgresWatcher(db, rec.change, rec.states.append, poll=0.1)
    watcher.start()
    try:
        assert wait_until(lambda: "live" in " ".join(rec.states), 5)
        admin_info = make_url(postgres_url).set(drivername="postgresql")
        with psycopg.connect(admin_info.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE application_name = 'desk-live' AND datname = current_database()")
        # After a reconnect both incidents and problems are re-read (notifications were lost).
        assert wait_until(lambda: {c.kind for c in rec.changes if c.refresh} == {INCIDENT, PROBLEM}, 10)
        assert any(s.startswith("reconnecting") for s in rec.states)
    finally:
        watcher.stop()
        db.dispose()


def test_sqlite_watcher_wakes_on_the_write_not_on_its_poll(sqlite_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    """With the poll and the safety poll both a minute long, only the file wake-up
    (inotify) can bring another connection's change here within seconds."""
    db = Database.connect(sqlite_url)
    services = Services.over(db, clock)
    admin = services.staff.resolve_actor()
    rec = Recorder()
    watcher = SqliteWatcher(db, services.queue, services.problem_list, rec.change, rec.states.append,
                            interval=60, safety=60)
    watcher.start()
    try:
        assert wait_until(lambda: any(s.startswith("live") for s in rec.states), 5)
        other = Database.connect(sqlite_url)
        try:
            view = Services.over(other, clock).incidents.open(admin, NewIncident(title="Heard at once"))
        finally:
            other.dispose()
        assert wait_until(lambda: view.id in rec.ids(), 10)
        assert watcher.woken > 0
    finally:
        watcher.stop()
        db.dispose()


def test_a_burst_from_another_connection_is_reported_whole(database: Database, services: Services,
                                                         admin: Actor, clock) -> None:  # type: ignore[no-untyped-def]
    rec = Recorder()
    watcher = watcher_for(database, services.queue, services.problem_list, rec.change, rec.states.append)
    assert watcher is not None
    watcher.start()
    try:
        assert wait_until(lambda: any(s.startswith("live") for s in rec.states), 5)
        other = Database.connect(database.engine.url.render_as_string(hide_password=False))
        try:
            theirs = Services.over(other, clock).incidents
            opened = [theirs.open(admin, NewIncident(title=f"Burst {i}")) for i in range(15)]
            edited = [theirs.comment(admin, v.number, "seen") for v in opened[::3]]
        finally:
            other.dispose()
        heard = lambda: {p for c in rec.changes for p in c.ids}  # noqa: E731
        wanted = {(v.id, v.version) for v in opened[1::3] + opened[2::3]} | {(v.id, v.version) for v in edited}
        # Every change is reported (a refresh would also do: the receiver re-reads all).
        assert wait_until(lambda: wanted <= heard() or any(c.refresh for c in rec.changes), 10), \
            wanted - heard()
    finally:
        watcher.stop()


def test_a_commit_stamped_before_one_already_seen_is_still_reported() -> None:
    """updated_at is the writer's clock when its work began: a writer that waited for the
    lock commits a row stamped earlier than rows committed ahead of it."""
    import datetime as dt

    from desk.live.watcher import _Tracker

    t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    table: dict[int, tuple[int, dt.datetime]] = {}

    def changed_since(since: dt.datetime, limit: int) -> list[tuple[int, int, dt.datetime]]:
        rows = sorted(((i, v, u) for i, (v, u) in table.items() if u >= since), key=lambda r: (r[2], r[0]))
        return rows[:limit]

    tracker = _Tracker(INCIDENT, changed_since, t0)
    table[1] = (2, t0 + dt.timedelta(seconds=3))
    first = tracker.poll()
    assert first is not None and first.ids == ((1, 2),)
    table[2] = (5, t0 + dt.timedelta(seconds=1))        # committed later, stamped earlier
    late = tracker.poll()
    assert late is not None and late.ids == ((2, 5),)
    assert tracker.poll() is None                       # nothing new: nothing reported twice


def test_rows_stamped_alike_by_a_bulk_load_do_not_make_every_look_a_refresh() -> None:
    import datetime as dt

    from desk.live.watcher import _Tracker

    loaded = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    table: dict[int, tuple[int, dt.datetime]] = dict.fromkeys(range(1, 3001), (1, loaded))   # a demo

    def changed_since(since: dt.datetime, limit: int) -> list[tuple[int, int, dt.datetime]]:
        rows = sorted(((i, v, u) for i, (v, u) in table.items() if u >= since), key=lambda r: (r[2], r[0]))
        return rows[:limit]

    tracker = _Tracker(INCIDENT, changed_since, loaded)       # started after the load
    assert tracker.poll() is None
    table[3001] = (1, loaded + dt.timedelta(seconds=2))
    heard = tracker.poll()
    assert heard is not None and heard.ids == ((3001, 1),) and not heard.refresh
    # A bulk edit after the start is one refresh, then changes are told apart again.
    for i in range(1, 2501):
        table[i] = (2, loaded + dt.timedelta(seconds=3))
    polls = [tracker.poll() for _ in range(3)]
    assert polls == [Change(refresh=True), None, None]
    table[7] = (3, loaded + dt.timedelta(seconds=4))
    later = [c for c in (tracker.poll() for _ in range(3)) if c is not None]
    assert later and later[-1].ids == ((7, 3),) and not any(c.refresh for c in later)
