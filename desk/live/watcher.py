"""Change watchers: one thread each, a dedicated connection each, callbacks out.

``on_change(Change)`` receives the ids (and versions) of records that changed, or
``refresh=True`` when the watcher cannot tell which (after a reconnect, a bulk
load): the receiver then re-reads what it shows. ``Change.kind`` says which records:
incidents (``"incident"``) or problem records (``"problem"``), so a problem-only edit
reaches the problem list and tabs without touching the queue. ``on_state(str)``
reports the connection state in words for the status bar.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from db.engine import SQLITE_BUSY_TIMEOUT_MS, Database, sqlite_path
from desk.live.wakeup import open_wakeup
from desk.problems.listing import ProblemListService
from desk.queue.service import QueueService

log = logging.getLogger(__name__)

INCIDENT = "incident"
PROBLEM = "problem"
CHANNEL = "desk_incidents"
PROBLEM_CHANNEL = "desk_problems"
KIND_OF_CHANNEL = {CHANNEL: INCIDENT, PROBLEM_CHANNEL: PROBLEM}


@dataclass(frozen=True)
class Change:
    ids: tuple[tuple[int, int], ...] = field(default_factory=tuple)  # (record id, version)
    refresh: bool = False
    kind: str = INCIDENT      # INCIDENT or PROBLEM: what ids and refresh are about


def refresh_all() -> tuple[Change, ...]:
    """What to report when nothing can be told apart (a reconnect): re-read everything."""
    return (Change(refresh=True), Change(refresh=True, kind=PROBLEM))


ChangeCallback = Callable[[Change], None]
StateCallback = Callable[[str], None]


class Watcher:
    """Base: a daemon thread that runs ``_run`` until ``stop``."""

    def __init__(self, on_change: ChangeCallback, on_state: StateCallback) -> None:
        self.on_change = on_change
        self.on_state = on_state
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._guarded, name=type(self).__name__, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _guarded(self) -> None:
        try:
            self._run()
        except Exception:
            log.exception("live-update watcher stopped")
            self.on_state("live updates stopped (see log)")

    def _run(self) -> None:
        raise NotImplementedError


ChangedSince = Callable[[dt.datetime, int], list[tuple[int, int, dt.datetime]]]
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_TICK = dt.timedelta(microseconds=1)


class _Tracker:
    """Rows of one table updated since the last one seen, told apart by version.

    ``updated_at`` is the writer's clock when its unit of work began, not when it
    committed: a writer that waited for the lock commits a row stamped before rows
    committed ahead of it. So each look goes back ``LOOKBACK`` before the newest stamp
    seen (longer than a writer may wait for the lock), and the versions of the rows in
    that stretch say which are news. (``updated_at`` also has one-second or coarser
    resolution, from a fake clock, which the same look-back covers.)"""

    LIMIT = 2000
    LOOKBACK = dt.timedelta(milliseconds=SQLITE_BUSY_TIMEOUT_MS + 5000)

    def __init__(self, kind: str, changed_since: ChangedSince, since: dt.datetime | None) -> None:
        self.kind = kind
        self.changed_since = changed_since
        self.since = since
        # Rows stamped before this were there when the watcher started (or were covered by
        # a refresh): never looked at again. A demo or an import stamps thousands of rows
        # with one instant; looking back over them would report "refresh" on every commit.
        self.floor = since + _TICK if since is not None else _EPOCH
        self.seen: dict[int, tuple[int, dt.datetime]] = {}

    def poll(self) -> Change | None:
        since = self.since or _EPOCH
        start = max(since - self.LOOKBACK, self.floor)
        rows = self.changed_since(start, self.LIMIT)
        if len(rows) >= self.LIMIT:
            # More than one look can tell apart (a bulk edit): everything is re-read, and
            # what was committed up to here needs no second look.
            self.since = max(since, rows[-1][2])
            self.floor = rows[-1][2] + _TICK
            self.seen.clear()
            return Change(refresh=True, kind=self.kind)
        fresh = [(i, v) for i, v, _u in rows if self.seen.get(i, (0, since))[0] != v]
        for i, v, u in rows:
            self.seen[i] = (v, u)
        if rows:
            self.since = max(since, rows[-1][2])
            # Rows stamped before the next look's start cannot be returned again: forget them.
            edge = self.since - self.LOOKBACK
            self.seen = {i: vu for i, vu in self.seen.items() if vu[1] >= edge}
        return Change(ids=tuple(fresh), kind=self.kind) if fresh else None


class SqliteWatcher(Watcher):
    """Watches ``PRAGMA data_version`` on its own connection: it changes when any other
    connection (another process, or this app's pool) commits. Then re-reads incidents
    and problems updated since the last one seen.

    It wakes when the kernel says the database's files were written (``desk.live.wakeup``,
    inotify), so a change arrives within milliseconds and an idle watcher sleeps; the
    write is only a hint, ``data_version`` decides, re-checked a few times just after a
    hint (the writer updates the WAL index a moment after its write) and every
    ``safety`` seconds regardless. Without inotify it polls every ``interval`` seconds.
    """

    # Re-checks after a hint (seconds after it): a commit whose WAL write woke us shows
    # in data_version once the writer has updated the WAL index, microseconds later
    # unless the writer was preempted in between (a busy machine: tens or hundreds of
    # milliseconds; the fleet benchmark's p99 was the safety poll with re-checks only
    # up to 60 ms). A few cheap PRAGMAs per hint.
    SETTLE = (0.0, 0.003, 0.015, 0.06, 0.2, 0.5)

    def __init__(self, db: Database, queue: QueueService, problems: ProblemListService,
                 on_change: ChangeCallback, on_state: StateCallback, *, interval: float = 0.1,
                 safety: float = 0.5, wakeup: bool = True) -> None:
        super().__init__(on_change, on_state)
        path = sqlite_path(db.engine.url)
        if path is None:
            raise ValueError("SqliteWatcher needs a file database")
        self.path = path
        self.queue = queue          # what changed since the last commit seen: incidents …
        self.problems = problems    # … and problem records
        self.interval = interval
        self.safety = safety
        self.wakeup = wakeup
        self.woken = 0              # wake-ups by a file event (tests check the path is used)
        self._trackers: list[_Tracker] = []

    def _run(self) -> None:
        conn = sqlite3.connect(str(self.path), check_same_thread=False, timeout=5)
        wake = open_wakeup(self.path) if self.wakeup else None
        try:
            self._trackers = [
                _Tracker(INCIDENT, lambda since, limit: self.queue.changed_since(since, limit=limit),
                         self.queue.latest_change()),
                _Tracker(PROBLEM, lambda since, limit: self.problems.changed_since(since, limit=limit),
                         self.problems.latest_change()),
            ]
            version = conn.execute("PRAGMA data_version").fetchone()[0]
            self.on_state("live (local file)")
            settle: list[float] = []    # the re-checks still due after the last hint
            while not self._stop.is_set():
                if wake is None:
                    if self._stop.wait(self.interval):
                        break
                else:
                    if wake.wait(settle.pop(0) if settle else self.safety):
                        self.woken += 1
                        settle = [b - a for a, b in zip(self.SETTLE, self.SETTLE[1:], strict=False)]
                now_version = conn.execute("PRAGMA data_version").fetchone()[0]
                if now_version != version:
                    version = now_version
                    self._report_changes()
        finally:
            conn.close()
            if wake is not None:
                wake.close()

    def _report_changes(self) -> None:
        for tracker in self._trackers:
            change = tracker.poll()
            if change is not None:
                self.on_change(change)


class PostgresWatcher(Watcher):
    """LISTENs on its own autocommit connection; reconnects with back-off and asks for
    a full refresh after a reconnect (notifications sent meanwhile are lost)."""

    def __init__(self, db: Database, on_change: ChangeCallback, on_state: StateCallback,
                 *, poll: float = 0.5) -> None:
        super().__init__(on_change, on_state)
        url = db.engine.url
        # Keyword parameters, not a URL: libpq refuses some passwords inside a URL (spaces),
        # and its message then quotes the password.
        params: dict[str, str | int | None] = {
            "host": url.host, "port": url.port, "user": url.username, "password": url.password,
            "dbname": url.database}
        params.update({k: v if isinstance(v, str) else v[-1] for k, v in url.query.items()})
        # psycopg only here and in _run: on SQLite the process never loads it (11 MB).
        from psycopg.conninfo import make_conninfo

        self.conninfo = make_conninfo("", **{k: v for k, v in params.items() if v is not None})
        self.server = f"{url.host or 'localhost'}"
        self.poll = poll

    def _run(self) -> None:
        import psycopg

        backoff = 1.0
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5,
                                     application_name="desk-live") as conn:
                    for channel in KIND_OF_CHANNEL:
                        conn.execute(f"LISTEN {channel}")
                    self.on_state(f"live ({self.server})")
                    if not first:
                        for change in refresh_all():
                            self.on_change(change)
                    first = False
                    backoff = 1.0
                    while not self._stop.is_set():
                        # Each notification is passed on as it arrives (the generator
                        # returns after ``poll`` seconds of quiet to check for stop).
                        for note in conn.notifies(timeout=self.poll):
                            kind = KIND_OF_CHANNEL.get(note.channel, INCIDENT)
                            payload = _parse(note.payload)
                            self.on_change(Change(refresh=True, kind=kind) if payload is None
                                           else Change(ids=(payload,), kind=kind))
                            if self._stop.is_set():
                                break
            except psycopg.Error as exc:
                if self._stop.is_set():
                    break
                log.warning("live updates: connection lost: %s", exc)
                self.on_state(f"reconnecting to {self.server}…")
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 30.0)
                first = False


def _parse(payload: str) -> tuple[int, int] | None:
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("refresh") or "id" not in data:
        return None
    return int(data["id"]), int(data.get("version", 0))


def watcher_for(db: Database, queue: QueueService, problems: ProblemListService, on_change: ChangeCallback,
                on_state: StateCallback) -> Watcher | None:
    """The watcher for ``db``'s engine (the services are the composition root's), or None
    for an in-memory database, which nobody else can change."""
    if db.dialect == "postgresql":
        return PostgresWatcher(db, on_change, on_state)
    if sqlite_path(db.engine.url) is not None:
        return SqliteWatcher(db, queue, problems, on_change, on_state)
    return None


def wait_until(predicate: Callable[[], bool], timeout: float) -> bool:
    """Poll ``predicate`` until true or ``timeout`` (seconds); for tests and benchmarks."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
