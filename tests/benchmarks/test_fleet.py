"""Live updates at scale (issue 14): many workstations on one database while writers work.

Each workstation is a process of its own (``fleet_procs.workstation``: the composition
root's services for its own staff login, the live-update watcher, a ``QueueModel`` on a
Qt event loop, offscreen, no window); each writer a process changing tickets through
the desk services (``fleet_procs.writer``). Writers note the commit time of every
(ticket, version); workstations note when their model has applied it. Reported:

- queue first rows p50/p99 (a second view switched every second or so, under load),
- change-to-model p50/p99/max over every (change, workstation) pair, and misses,
- the server's connections during the run (``pg_stat_activity``),
- NOTIFY payloads per change (a separate LISTEN session counts them),
- CPU per workstation while idle,
beside the targets and the floor measured in the same run: a bare psycopg LISTEN
client's commit-to-notify latency (PostgreSQL), a bare watcher without Qt (SQLite).

Targets: first rows p99 <= 50 ms; change-to-model p50 <= 50 ms, p99 <= 250 ms; no miss;
connections: one listener per workstation plus a small pool; NOTIFY per change
independent of the number of workstations; SQLite change-to-model p50 <= 50 ms, idle
CPU near zero.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/benchmarks/test_fleet.py -s -p no:cacheprovider

Settings (environment):
    DESK_BENCH_POSTGRES      an existing database (owner's URL) instead of a throwaway one
    DESK_FLEET_PG_ADMIN      the server for the throwaway database (default: the tests' server)
    DESK_FLEET_TICKETS       demo size of the throwaway databases (20000)
    DESK_FLEET_STATIONS / DESK_FLEET_WRITERS          PostgreSQL processes (50 / 20)
    DESK_FLEET_SQLITE_STATIONS / DESK_FLEET_SQLITE_WRITERS  SQLite processes (4 / 2)
    DESK_FLEET_SECONDS       how long the writers write (30)
    DESK_FLEET_INTERVAL      a writer's mean pause between changes, seconds (1.0)
50 workstations need about 50 x 150 MB of memory and, with the writers, about
50 x 4 + 20 server connections: the test says so and stops if the server's
max_connections is lower (start a server of your own, e.g. on port 5433 with
``-c max_connections=300``, and point DESK_FLEET_PG_ADMIN at it).
"""
from __future__ import annotations

import json
import math
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import make_url

from db.engine import Database
from desk.bootstrap import Services
from desk.errors import DeskError
from desk.live.watcher import Change, SqliteWatcher
from tests import dbtools
from tests.benchmarks import fleet_procs
from tests.benchmarks.fleet_procs import Plan

TICKETS = int(os.environ.get("DESK_FLEET_TICKETS", "20000"))
SECONDS = float(os.environ.get("DESK_FLEET_SECONDS", "30"))
INTERVAL = float(os.environ.get("DESK_FLEET_INTERVAL", "1.0"))
IDLE_S = 5.0
SETTLE_S = 3.0
QUIET_S = 3.0
# Connections one workstation may hold: its listener and a reader pool of three.
PER_STATION = 4


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, not {value}")
    return value


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def _desk(url: str, *args: str) -> None:
    desk = Path(sys.executable).with_name("desk")
    subprocess.run([str(desk), "--database", url, *args], check=True, stdout=subprocess.DEVNULL)


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])        # utime + stime


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class Fleet:
    """Runs workstation and writer processes over ``tmp`` and gathers what they wrote."""

    def __init__(self, tmp: Path, station_urls: list[str], writer_urls: list[str]) -> None:
        self.tmp = tmp
        self.go, self.stop = str(tmp / "go"), str(tmp / "stop")
        self.spawn = multiprocessing.get_context("spawn")
        self.stations = [self._plan(f"ws{i:02d}", url, i) for i, url in enumerate(station_urls)]
        self.writers = [self._plan(f"wr{i:02d}", url, 1000 + i, seconds=SECONDS)
                        for i, url in enumerate(writer_urls)]
        self.procs: dict[str, Any] = {}

    def _plan(self, name: str, url: str, seed: int, seconds: float = 0.0) -> Plan:
        return Plan(url=url, out=str(self.tmp / f"{name}.json"), ready=str(self.tmp / f"{name}.ready"),
                    go=self.go, stop=self.stop, seconds=seconds, interval=INTERVAL, seed=seed)

    def start_stations(self) -> None:
        for plan in self.stations:
            self.procs[plan.out] = p = self.spawn.Process(target=fleet_procs.workstation, args=(plan,))
            p.start()
        self._ready(self.stations, 600)

    def _ready(self, plans: list[Plan], timeout: float) -> None:
        end = time.monotonic() + timeout
        while not all(os.path.exists(p.ready) for p in plans):
            dead = [p.out for p in plans if not self.procs[p.out].is_alive()]
            assert not dead, f"processes ended before they were ready: {dead}"
            assert time.monotonic() < end, "processes not ready in time"
            time.sleep(0.2)

    def idle_cpu(self) -> list[float]:
        """Percent of one core each workstation used over IDLE_S seconds of nobody writing."""
        time.sleep(SETTLE_S)          # start-up's last reads (SLA cells, the view counts) end
        hz = os.sysconf("SC_CLK_TCK")
        pids = [self.procs[p.out].pid for p in self.stations]
        before = [_cpu_ticks(pid) for pid in pids]
        time.sleep(IDLE_S)
        return [100.0 * (_cpu_ticks(pid) - b) / hz / IDLE_S for pid, b in zip(pids, before, strict=True)]

    def write(self) -> None:
        for plan in self.writers:
            self.procs[plan.out] = p = self.spawn.Process(target=fleet_procs.writer, args=(plan,))
            p.start()
        self._ready(self.writers, 300)
        Path(self.go).touch()
        for plan in self.writers:
            self.procs[plan.out].join(SECONDS + 120)
            assert self.procs[plan.out].exitcode == 0, f"writer {plan.out} failed"

    def finish(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        time.sleep(QUIET_S)
        Path(self.stop).touch()
        for plan in self.stations:
            self.procs[plan.out].join(180)
            assert self.procs[plan.out].exitcode == 0, f"workstation {plan.out} failed"
        read = [json.loads(Path(p.out).read_text()) for p in self.stations]
        wrote = [json.loads(Path(p.out).read_text()) for p in self.writers]
        return read, wrote

    def kill(self) -> None:
        for p in self.procs.values():
            if p.is_alive():
                p.kill()


def _latencies(stations: list[dict[str, Any]], commits: list[tuple[int, int, float]]
               ) -> tuple[list[float], int, list[str]]:
    """ms from each commit to each workstation's model having applied that version (or a
    later one); misses: pairs never applied."""
    out: list[float] = []
    misses = 0
    examples: list[str] = []
    first = min((t for _i, _v, t in commits), default=0.0)
    slow: list[tuple[float, str]] = []
    for n, ws in enumerate(stations):
        applied = {int(k): v for k, v in ws["applied"].items()}
        for iid, version, at in commits:
            when = [t for v, t in applied.get(iid, ()) if v >= version]
            if when:
                out.append((min(when) - at) * 1000)
                slow.append((out[-1], f"ws{n:02d} #{iid} v{version} at +{at - first:.1f} s"))
            else:
                misses += 1
                if len(examples) < 5:
                    end = max(t for _i, _v, t in commits)
                    examples.append(f"ws{n:02d} ticket {iid} v{version} committed {end - at:.1f} s before "
                                    f"the last; applied: {applied.get(iid, [])}")
    print("slowest (change, workstation) pairs:",
          "; ".join(f"{ms:.0f} ms {what}" for ms, what in sorted(slow, reverse=True)[:6]))
    return out, misses, examples


def _commits(writers: list[dict[str, Any]]) -> list[tuple[int, int, float]]:
    return [(int(i), int(v), float(t)) for w in writers for i, v, t in w["commits"]]


def _report(title: str, rows: list[tuple[str, str, str, str]]) -> None:
    print(f"\n=== {title} (load average {_load()}) ===")
    print(f"  {'':<42} {'figure':>16} {'target':>14} {'floor / ratio':>22}")
    for name, figure, target, floor in rows:
        print(f"  {name:<42} {figure:>16} {target:>14} {floor:>22}")


def _checks(stations: list[dict[str, Any]]) -> tuple[int, int, int]:
    wrong = sum(ws["rows_wrong"] for ws in stations)
    missing = sum(ws["rows_missing"] for ws in stations)
    # A big view on PostgreSQL shows the server's estimate ("≈ N") until a jump needs its
    # skeleton (ui.queue.model): only an exact count can be off.
    off_total = sum(1 for ws in stations if ws.get("count_exact", True) and ws["total_model"] != ws["total_db"])
    return wrong, missing, off_total


def _estimated(stations: list[dict[str, Any]]) -> str:
    est = [ws for ws in stations if not ws.get("count_exact", True)]
    if not est:
        return "none"
    worst = max(abs(ws["total_model"] - ws["total_db"]) / max(ws["total_db"], 1) for ws in est)
    return f"{len(est)}, off by <= {worst:.1%}"


# -- PostgreSQL ---------------------------------------------------------------------

class Listener:
    """A bare psycopg LISTEN session: counts every payload and notes when each (id, version)
    arrived (the floor: commit to notification, nothing else)."""

    def __init__(self, conninfo: str) -> None:
        self.conn = psycopg.connect(conninfo, autocommit=True)
        self.conn.execute("LISTEN desk_incidents")
        self.payloads = 0
        self.heard: dict[tuple[int, int], float] = {}
        self.counting = False
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for note in self.conn.notifies(timeout=0.2):
                now = time.time()
                if self.counting:
                    self.payloads += 1
                data = json.loads(note.payload)
                if "id" in data:
                    self.heard.setdefault((int(data["id"]), int(data.get("version", 0))), now)

    def close(self) -> None:
        self._stop.set()
        self.thread.join(2)
        self.conn.close()


class ConnectionSampler:
    """The server's connections to the database, sampled twice a second."""

    def __init__(self, conninfo: str, database: str) -> None:
        self.conninfo, self.database = conninfo, database
        self.samples: list[tuple[int, int]] = []     # (all, live-update listeners)
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            while not self._stop.wait(0.5):
                row = conn.execute(
                    "SELECT count(*), count(*) FILTER (WHERE application_name = 'desk-live') "
                    "FROM pg_stat_activity WHERE datname = %s", (self.database,)).fetchone()
                assert row is not None
                self.samples.append((int(row[0]), int(row[1])))

    def close(self) -> None:
        self._stop.set()
        self.thread.join(2)


def _conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def _postgres_database() -> Iterator[tuple[str, str, bool]]:
    """(owner URL, admin URL, throwaway): DESK_BENCH_POSTGRES if set, else a new database
    with a demo of DESK_FLEET_TICKETS tickets, dropped afterwards."""
    given = os.environ.get("DESK_BENCH_POSTGRES", "")
    if given:
        yield given, given, False
        return
    admin = os.environ.get("DESK_FLEET_PG_ADMIN", dbtools.PG_ADMIN_URL)
    problem = None
    try:
        with psycopg.connect(_conninfo(admin), connect_timeout=3):
            pass
    except psycopg.Error as exc:
        problem = str(exc).strip().splitlines()[0]
    if problem:
        pytest.skip(f"no PostgreSQL server for the fleet benchmark: {problem}")
    name = f"desk_fleet_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_conninfo(admin), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    url = make_url(admin).set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False)
    try:
        _desk(url, "db", "upgrade")
        _desk(url, "demo", "--tickets", str(TICKETS), "--seed", "7")
        yield url, admin, True
    finally:
        with psycopg.connect(_conninfo(admin), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _staff_logins(owner_url: str, admin_url: str, prefix: str, count: int) -> list[str]:
    """URLs of ``count`` technician logins (created, with their staff accounts, if missing)."""
    db = Database.connect(owner_url)
    owner = Services.over(db)
    admin = owner.staff.resolve_actor()
    urls = []
    try:
        known = {a.username for a in owner.staff.list()}
        with psycopg.connect(_conninfo(admin_url), autocommit=True) as c:
            for i in range(count):
                login = f"{prefix}{i:02d}"
                if c.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone() is None:
                    c.execute(f'CREATE ROLE "{login}" LOGIN')
                if login not in known:
                    try:
                        owner.staff.add(admin, login, display_name=f"Fleet {i:02d}", roles=["technician"],
                                        db_login=login, teams=["Service Desk"])
                    except DeskError as exc:
                        raise AssertionError(f"cannot add staff login {login}: {exc}") from exc
                urls.append(make_url(owner_url).set(username=login, password=None).render_as_string(
                    hide_password=False))
    finally:
        db.dispose()
    return urls


def test_fleet_on_postgres(tmp_path: Path) -> None:
    stations = _int_env("DESK_FLEET_STATIONS", 50)
    writers = _int_env("DESK_FLEET_WRITERS", 20)
    with _postgres_database() as (url, admin_url, throwaway):
        database = make_url(url).database or ""
        with psycopg.connect(_conninfo(admin_url), autocommit=True) as c:
            limit = int(c.execute("SHOW max_connections").fetchone()[0])    # type: ignore[index]
            used = int(c.execute("SELECT count(*) FROM pg_stat_activity").fetchone()[0])  # type: ignore[index]
        need = stations * PER_STATION + writers + 4
        if need > limit - used:
            pytest.skip(f"{stations} workstations and {writers} writers may need {need} connections; the "
                        f"server allows {limit} and {used} are in use. Use fewer (DESK_FLEET_STATIONS) or "
                        "a server with a higher max_connections (DESK_FLEET_PG_ADMIN).")
        tag = uuid.uuid4().hex[:6] if throwaway else "fixed"
        prefix = f"desk_fleet_{tag}_"
        logins = _staff_logins(url, admin_url, prefix, stations + writers)
        try:
            _run_postgres(tmp_path, url, database, logins[:stations], logins[stations:], stations, writers)
        finally:
            if throwaway:
                with psycopg.connect(_conninfo(admin_url), autocommit=True) as c:
                    c.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                    for login in (f"{prefix}{i:02d}" for i in range(stations + writers)):
                        c.execute(f'DROP ROLE IF EXISTS "{login}"')


def _run_postgres(tmp: Path, url: str, database: str, station_urls: list[str], writer_urls: list[str],
                  stations: int, writers: int) -> None:
    listener = Listener(_conninfo(url))
    sampler = ConnectionSampler(_conninfo(url), database)
    fleet = Fleet(tmp, station_urls, writer_urls)
    try:
        started = time.monotonic()
        fleet.start_stations()
        print(f"\n{stations} workstations up in {time.monotonic() - started:.0f} s")
        idle = fleet.idle_cpu()
        before = len(sampler.samples)
        listener.counting = True
        fleet.write()
        during = sampler.samples[before:]
        read, wrote = fleet.finish()
        listener.counting = False
    finally:
        fleet.kill()
        sampler.close()
        listener.close()
    commits = _commits(wrote)
    lat, misses, examples = _latencies(read, commits)
    floor = [(listener.heard[(i, v)] - t) * 1000 for i, v, t in commits if (i, v) in listener.heard]
    first = [ms for ws in read for ms in ws["first_rows_ms"]]
    wrong, missing, off_total = _checks(read)
    conns = max((a for a, _l in during), default=0)
    listeners = max((lst for _a, lst in during), default=0)
    pool = (conns - listeners - writers - 2) / stations     # 2: this test's listener and sampler
    errors: dict[str, int] = {}
    for w in wrote:
        for k, n in w["errors"].items():
            errors[k] = errors.get(k, 0) + n
    f50, f99 = _pct(floor, 0.5), _pct(floor, 0.99)
    p50, p99 = _pct(lat, 0.5), _pct(lat, 0.99)
    _report(f"fleet on PostgreSQL: {stations} workstations, {writers} writers, {SECONDS:.0f} s, "
            f"{read[0]['total_db']:,} open tickets in view", [
                ("changes committed", f"{len(commits)}", "", f"refused: {errors or 'none'}"),
                ("queue first rows p50", f"{_pct(first, 0.5):.1f} ms", "", f"n={len(first)}"),
                ("queue first rows p99", f"{_pct(first, 0.99):.1f} ms", "<= 50 ms", ""),
                ("change -> model p50", f"{p50:.1f} ms", "<= 50 ms", f"{f50:.1f} ms  {p50 / f50:.0f}x"),
                ("change -> model p99", f"{p99:.1f} ms", "<= 250 ms", f"{f99:.1f} ms  {p99 / f99:.0f}x"),
                ("change -> model max", f"{max(lat, default=float('nan')):.1f} ms", "",
                 f"{max(floor, default=float('nan')):.1f} ms"),
                ("(change, workstation) pairs missed", f"{misses} of {len(commits) * stations}", "0",
                 "; ".join(examples)),
                ("rows wrong / missing at the end", f"{wrong} / {missing}", "0 / 0", ""),
                ("workstations whose exact total is off", f"{off_total}", "0 (1 min later)", ""),
                ("workstations showing '≈ N' (not scanned)", _estimated(read), "", ""),
                ("server connections (max during run)", f"{conns}", "", f"listeners {listeners}"),
                ("  pooled per workstation", f"{pool:.1f}", "small (<= 3)", ""),
                ("NOTIFY payloads per change", f"{listener.payloads / max(len(commits), 1):.2f}",
                 "indep. of N", f"{listener.payloads} payloads"),
                ("idle CPU per workstation (mean/max)", f"{sum(idle) / len(idle):.2f}/{max(idle):.2f} %",
                 "~0", f"over {IDLE_S:.0f} s"),
            ])
    assert misses == 0, examples
    assert wrong == 0 and missing == 0


# -- SQLite ---------------------------------------------------------------------------

def test_fleet_on_sqlite(tmp_path: Path) -> None:
    stations = _int_env("DESK_FLEET_SQLITE_STATIONS", 4)
    writers = _int_env("DESK_FLEET_SQLITE_WRITERS", 2)
    path = tmp_path / "fleet.sqlite3"
    url = f"sqlite:///{path}"
    _desk(url, "demo", "--tickets", str(TICKETS), "--seed", "7")
    db = Database.connect(url)
    services = Services.over(db)
    heard: dict[tuple[int, int], float] = {}

    def on_change(change: Change) -> None:
        now = time.time()
        for key in change.ids:
            heard.setdefault(key, now)

    bare = SqliteWatcher(db, services.queue, services.problem_list, on_change, lambda _s: None)
    bare.start()
    fleet = Fleet(tmp_path, [url] * stations, [url] * writers)
    try:
        fleet.start_stations()
        idle = fleet.idle_cpu()
        fleet.write()
        read, wrote = fleet.finish()
    finally:
        fleet.kill()
        bare.stop()
        db.dispose()
    commits = _commits(wrote)
    lat, misses, examples = _latencies(read, commits)
    floor = [(heard[(i, v)] - t) * 1000 for i, v, t in commits if (i, v) in heard]
    wrong, missing, off_total = _checks(read)
    p50, p99 = _pct(lat, 0.5), _pct(lat, 0.99)
    f50, f99 = _pct(floor, 0.5), _pct(floor, 0.99)
    _report(f"fleet on SQLite: {stations} workstations, {writers} writers, {SECONDS:.0f} s, one file", [
        ("changes committed", f"{len(commits)}", "", ""),
        ("change -> model p50", f"{p50:.1f} ms", "<= 50 ms", f"{f50:.1f} ms  {p50 / f50:.1f}x (bare watcher)"),
        ("change -> model p99", f"{p99:.1f} ms", "", f"{f99:.1f} ms"),
        ("change -> model max", f"{max(lat, default=float('nan')):.1f} ms", "", ""),
        ("(change, workstation) pairs missed", f"{misses} of {len(commits) * stations}", "0",
         "; ".join(examples)),
        ("rows wrong / missing at the end", f"{wrong} / {missing}", "0 / 0", ""),
        ("workstations whose total is off", f"{off_total}", "0", ""),
        ("idle CPU per workstation (mean/max)", f"{sum(idle) / len(idle):.2f}/{max(idle):.2f} %", "~0",
         f"over {IDLE_S:.0f} s; watcher woke {bare.woken}x (bare)"),
    ])
    assert misses == 0, examples
    assert wrong == 0 and missing == 0
