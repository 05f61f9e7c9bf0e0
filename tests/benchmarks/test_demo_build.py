"""How long `desk demo --tickets 1000000` takes on SQLite (a fresh file).

    make bench PYTEST_ARGS="-k demo_build"
    DESK_BENCH_DEMO_TICKETS=200000 make bench PYTEST_ARGS="-k demo_build"   # quicker
    DESK_BENCH_DEMO_KEEP=/var/tmp/desk-1m.sqlite3 make bench ...            # keep the file
                                                                            # (for DESK_BENCH_SQLITE)

Prints wall time, tickets/s, rows written per second over all tables, the file size,
and the time of each phase as the command reported it (generation and load, search
index, statistics, SLA backfill when the SLA engine is installed). Target (issue 2):
a million tickets in a few minutes.
"""
from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

TICKETS = int(os.environ.get("DESK_BENCH_DEMO_TICKETS", "1000000"))
TABLES = ("incidents", "audit_log", "journal_entries", "people", "person_statuses", "affiliations",
          "problems", "staff_accounts", "vip_grants", "incident_search")


def test_demo_build(tmp_path: Path) -> None:
    path = tmp_path / "desk-demo.sqlite3"
    desk = Path(sys.executable).with_name("desk")
    env = dict(os.environ, DESK_DATA_DIR=str(tmp_path / "data"), DESK_CONFIG_DIR=str(tmp_path / "config"))
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    stamps: list[tuple[float, str]] = []
    with subprocess.Popen([str(desk), "--database", f"sqlite:///{path}", "demo", "--tickets", str(TICKETS),
                           "--seed", "7"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=env) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            stamps.append((time.monotonic() - started, line.rstrip()))
    elapsed = time.monotonic() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    assert proc.returncode == 0, "\n".join(line for _, line in stamps[-20:])

    with sqlite3.connect(path) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    rows = sum(counts.values())

    print(f"\n`desk demo --tickets {TICKETS:,}` on SQLite: {elapsed:.0f} s wall, {cpu:.0f} s CPU "
          f"(load average {os.getloadavg()[0]:.1f} at the end; other work on the machine slows the wall time)")
    print(f"  {TICKETS / elapsed:,.0f} tickets/s; {rows:,} rows in all tables, {rows / elapsed:,.0f} rows/s")
    print(f"  file size {size / 2**20:,.0f} MiB ({size / TICKETS:,.0f} bytes per ticket)")
    print("  rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    previous = 0.0
    for at, line in stamps:
        if not line.startswith("incidents:") or at - previous > 5:
            print(f"  {at:7.1f} s  {line}")
        previous = at
    # The walk-in counter adds a few dozen repairs through its services on top.
    assert counts["incidents"] >= TICKETS
    keep = os.environ.get("DESK_BENCH_DEMO_KEEP")
    if keep:
        shutil.move(path, keep)
        print(f"  kept as {keep}")
