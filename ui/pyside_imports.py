"""PySide's import hook, without the copy of every module's source it leaves behind.

PySide installs a hook (``PySide6.support.feature``) that looks at each module imported
after it, to see whether the module might use ``from __feature__ import …``: it asks
``inspect.getsource(module)`` and looks for the word "PySide6". ``inspect`` reads the
file through ``linecache``, which keeps every line for the life of the process. Desk
imports most of itself and its libraries lazily, after Qt is up (the report, the
counter, the holiday tables of each country a calendar names: about 300 modules), so
a window open for an hour held about 10 MB of source text nobody reads
(``tests/benchmarks/test_memory_scripted.py`` found it with tracemalloc).

``stop_caching_sources`` gives the hook the same answer read straight from the module's
loader, which caches nothing, and empties what the hook has cached so far. Tracebacks
still show source lines: ``linecache`` reads a file again when one is formatted.
"""
from __future__ import annotations

import linecache
import sys
from types import ModuleType

_FEATURE_MODULE = "PySide6.support.feature"


def _mod_uses_pyside(module: ModuleType) -> bool:
    """What PySide's own check answers (the module's source names PySide6), uncached."""
    spec = getattr(module, "__spec__", None)
    loader = getattr(spec, "loader", None) if spec is not None else None
    get_source = getattr(loader, "get_source", None)
    if get_source is None:
        return False
    try:
        source = get_source(spec.name)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - it runs inside every import: a failure here must not fail one
        return False
    return bool(source) and "PySide6" in source


def stop_caching_sources() -> bool:
    """Install the uncached check in PySide's import hook; True if the hook was there to
    change (it is, once any PySide6 Qt module has been imported)."""
    feature = sys.modules.get(_FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _mod_uses_pyside  # type: ignore[attr-defined]
    linecache.clearcache()
    return True


# The Qt classes whose enums the window's first turns use (the queue's table and header,
# the records' tabs, the splitter, the icons' SVG reader, signal lookups).
WARMED = (("PySide6.QtWidgets", ("QAbstractItemView", "QTableView", "QHeaderView", "QTabWidget", "QTabBar",
                                 "QStackedWidget", "QSplitter", "QFrame", "QLineEdit", "QToolBar",
                                 "QAbstractSlider", "QDialogButtonBox", "QSizePolicy", "QBoxLayout",
                                 # made along with the table's: PySide makes a class's subclasses' too
                                 "QRhiWidget", "QMdiArea", "QMdiSubWindow", "QLCDNumber", "QGraphicsView",
                                 "QDockWidget", "QFontDialog", "QColorDialog", "QFontComboBox",
                                 "QCalendarWidget", "QSlider", "QRubberBand")),
          ("PySide6.QtCore", ("QMetaMethod", "QXmlStreamReader", "QItemSelectionModel")))


def warm_enums() -> int:
    """Have PySide make the Python enum types of the ``WARMED`` classes now; returns how
    many classes were looked at. PySide makes a class's enums (Python ``enum`` classes,
    built by Python code) the first time the class is used, along with those of related
    classes: 33 of them, 16 ms, in the turn that attached the window. Called on the
    thread that opens the desk, so that turn finds them made."""
    import importlib

    count = 0
    for module_name, names in WARMED:
        module = importlib.import_module(module_name)
        for name in names:
            cls = getattr(module, name)
            for attribute in list(vars(cls)):
                getattr(cls, attribute, None)
            count += 1
    return count
