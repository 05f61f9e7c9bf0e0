"""Python's cycle collector and the window's start: off while the start imports, then kept
off the objects the start made.

A full collection walks every object the collector tracks, in C, holding the
interpreter's lock: with the window's modules loaded (Qt's bindings, SQLAlchemy, the
services, about 120,000 objects) one takes about 100 ms on this 2-core machine. During
the start it came every few thousand new objects, on whichever thread was importing;
on the thread that opens the desk it still held the lock the GUI thread needed, so the
window could not repaint for 65-85 ms (``tests/benchmarks/test_startup.py``, the GUI
thread's longest wait while the desk opened).

So the window's process starts with the collector off (``pause``): the imports free
their garbage by reference counting, and the cycles they leave are few. Once the window
is attached and its parts started, ``start_done`` moves every object alive to the
permanent generation (``gc.freeze``), which later collections skip, and turns the
collector on again: a full collection then walks only what the work since made. A desk
that cannot be opened turns it on again too (``resume``): the window may stay on its
opening page for long.

The app's process does this (``ui.launch`` pauses, ``ui.app`` ends the pause; a start
through ``ui.app.run`` alone skips the pause and still freezes). Windows made in tests
leave the test process's collector as it was; the benchmarks' window
(``tests/benchmarks/gui_bench.py``) freezes as the app does, so what it measures is what
a user gets. The cost: cycles already garbage when the start ends are frozen with the
rest and never freed (the start's imports and the opening leave few).
"""
from __future__ import annotations

import gc


def pause() -> None:
    """The start begins: no collections until ``start_done`` or ``resume``."""
    gc.disable()


def start_done() -> int:
    """The window is attached and running: what the start made is kept out of later
    collections, and the collector is on. Returns the number of objects frozen."""
    gc.freeze()
    gc.enable()
    return gc.get_freeze_count()


def resume() -> None:
    """The desk could not be opened: collect as usual while the window waits."""
    gc.enable()
