"""Start-up: from just before the process is started to the window on screen and to the
first rows of the view it opens on (issue 14's target: on screen within 300 ms, the rows a
moment later), measured on the real `desk` command as a user starts it.

    DESK_BENCH_SQLITE=sqlite:////var/tmp/desk-1m.sqlite3 make bench PYTEST_ARGS="-k startup"

Without DESK_BENCH_SQLITE it builds a 3,000-ticket demo of its own. The floor, in the same
run: a bare Python process that imports PySide6, makes a QApplication and shows one empty
QMainWindow (what no Qt application can beat on this machine). Offscreen platform; the
disk cache is warm after the first run, which is why the median of the later runs is shown
beside the first.
"""
from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

RUNS = 5
TARGET_SHOWN_MS = 300
FLOOR = """
import time, json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1200, 800); w.show()
def done():
    print(json.dumps({"event": "shown", "wall": time.time()})); app.quit()
QTimer.singleShot(0, done)
app.exec()
"""


def _desk(url: str, home: Path) -> tuple[dict[str, float], dict[str, float]]:
    trace = home / "trace.jsonl"
    trace.unlink(missing_ok=True)
    env = {**os.environ, "DESK_STARTUP_TRACE": str(trace), "DESK_STARTUP_TRACE_QUIT": "1",
           "QT_QPA_PLATFORM": "offscreen", "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_DATA_HOME": str(home / "data")}
    desk = Path(sys.executable).with_name("desk")
    t0 = time.time()
    subprocess.run([str(desk), "--database", url], env=env, check=True, timeout=120,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marks, stalls = {}, {}
    for line in trace.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        marks[d["event"]] = (d["wall"] - t0) * 1000
        if "stall_ms" in d:
            stalls[d["event"]] = float(d["stall_ms"])
    return marks, stalls


def _floor() -> float:
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", FLOOR], env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                         check=True, capture_output=True, text=True, timeout=60).stdout
    return (json.loads(out.strip().splitlines()[-1])["wall"] - t0) * 1000


def _bytecode() -> str:
    """The project's modules compiled, as on a user's machine after the first start: with
    PYTHONDONTWRITEBYTECODE set (as here) every start would compile them all from source
    (a third of a second on this machine), which a start-up figure should not count."""
    root = Path(__file__).resolve().parents[2]
    ok = all(compileall.compile_dir(str(root / package), quiet=1) for package in ("db", "desk", "ui"))
    return "compiled" if ok else "NOT compiled"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    given = os.environ.get("DESK_BENCH_SQLITE")
    if given:
        return given
    path = tmp_path_factory.mktemp("startup") / "desk.sqlite3"
    url = f"sqlite:///{path}"
    desk = Path(sys.executable).with_name("desk")
    subprocess.run([str(desk), "--database", url, "-q", "demo", "--tickets", "3000"], check=True, timeout=600,
                   stdout=subprocess.DEVNULL)
    return url


def test_start_up_to_window_and_first_rows(database: str, tmp_path: Path) -> None:
    bytecode = _bytecode()
    load_before = os.getloadavg()[0]
    traced = [_desk(database, tmp_path) for _ in range(RUNS)]
    runs = [marks for marks, _stalls in traced]
    floors = [_floor() for _ in range(3)]
    for key in ("qt", "shown", "opened", "rows", "started"):
        assert all(key in r for r in runs), f"no '{key}' mark: the trace hook in ui/app.py is gone"
    shown = [r["shown"] for r in runs]
    rows = [r["rows"] for r in runs]
    qt = [r["qt"] for r in runs]
    floor = statistics.median(floors)
    warm_shown = statistics.median(shown[1:])
    print(f"\nstart-up on {database.rsplit('/', 1)[-1]} ({RUNS} runs; first run cold, the rest warm)")
    print(f"  QApplication made     first {qt[0]:7.0f} ms   warm median {statistics.median(qt[1:]):7.0f} ms")
    print(f"  window on screen      first {shown[0]:7.0f} ms   warm median {warm_shown:7.0f} ms   "
          f"target <= {TARGET_SHOWN_MS} ms")
    opened = [r["opened"] for r in runs]
    print(f"  desk open (thread)    first {opened[0]:7.0f} ms   warm median {statistics.median(opened[1:]):7.0f} ms")
    print(f"  first rows            first {rows[0]:7.0f} ms   warm median {statistics.median(rows[1:]):7.0f} ms")
    print(f"  floor (bare PySide6 window)      median {floor:7.0f} ms   ratio {warm_shown / floor:.1f}x")
    # How long the window could not repaint or answer, at most, in each stretch (a 5 ms timer's lateness).
    opening = [s["opened"] for _m, s in traced[1:]]
    filling = [max(s["rows"], s["started"]) for _m, s in traced[1:]]
    print(f"  GUI thread's longest wait: while the desk opened, warm median {statistics.median(opening):5.0f} ms; "
          f"while attached, filled and its parts started {statistics.median(filling):5.0f} ms "
          f"(target <= 16 ms for any action)")
    print(f"  load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (2 cores shared); "
          f"the project's bytecode {bytecode}")
    assert all(s <= r for s, r in zip(shown, rows))
