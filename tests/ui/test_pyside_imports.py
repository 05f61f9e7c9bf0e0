"""PySide's import hook keeps no copy of the modules imported after Qt (ui.pyside_imports)."""
from __future__ import annotations

import importlib
import linecache
import sys
from pathlib import Path

import PySide6.QtCore  # noqa: F401 - installs PySide's import hook
import pytest

from ui import pyside_imports


def _import_fresh(tmp_path: Path, name: str, body: str) -> None:
    (tmp_path / f"{name}.py").write_text(body)
    importlib.invalidate_caches()
    importlib.import_module(name)


@pytest.fixture
def module_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [n for n in sys.modules if n.startswith("desk_probe_")]:
        del sys.modules[name]


def test_a_module_imported_after_qt_leaves_no_source_in_memory(module_dir: Path) -> None:
    assert pyside_imports.stop_caching_sources()
    _import_fresh(module_dir, "desk_probe_plain", "ANSWER = 42\n")
    _import_fresh(module_dir, "desk_probe_qt", "import PySide6.QtCore\nUSES = 'PySide6'\n")
    assert not [k for k in linecache.cache if "desk_probe_" in k]


def test_the_hook_is_answered_as_pyside_answers(module_dir: Path) -> None:
    _import_fresh(module_dir, "desk_probe_names_it", "import PySide6.QtCore  # PySide6\n")
    _import_fresh(module_dir, "desk_probe_does_not", "VALUE = 1\n")
    assert pyside_imports._mod_uses_pyside(sys.modules["desk_probe_names_it"])
    assert not pyside_imports._mod_uses_pyside(sys.modules["desk_probe_does_not"])
    assert not pyside_imports._mod_uses_pyside(sys)   # built in: no source, as inspect would fail


def test_tracebacks_still_show_source_lines(module_dir: Path) -> None:
    import traceback

    pyside_imports.stop_caching_sources()
    _import_fresh(module_dir, "desk_probe_raises", "def fail():\n    raise ValueError('shown with its line')\n")
    try:
        sys.modules["desk_probe_raises"].fail()
    except ValueError:
        text = traceback.format_exc()
    assert "raise ValueError('shown with its line')" in text


WARM_CHECK = """
import enum, sys, threading
from PySide6.QtWidgets import QApplication
app = QApplication([])
from ui import pyside_imports
if sys.argv[1] == "warm":
    worker = threading.Thread(target=pyside_imports.warm_enums)   # as ui.opener does
    worker.start()
    worker.join()
made = []
original = enum.EnumType.__new__
def counted(metacls, cls, bases, classdict, **kw):
    made.append(cls)
    return original(metacls, cls, bases, classdict, **kw)
enum.EnumType.__new__ = counted
from PySide6.QtCore import QMetaMethod
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView
view = QTableView()
view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
QMetaMethod.Access
print(len(made))
"""


@pytest.mark.parametrize("warmed", [False, True])
def test_qt_s_enum_types_are_made_off_the_gui_thread_once_warmed(warmed: bool) -> None:
    import os
    import subprocess

    done = subprocess.run([sys.executable, "-c", WARM_CHECK, "warm" if warmed else "cold"], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    made = int(done.stdout.strip().splitlines()[-1])
    # Cold, the table makes a few dozen enum types on the thread that uses it; warmed, none.
    assert (made == 0) if warmed else (made > 10), made
