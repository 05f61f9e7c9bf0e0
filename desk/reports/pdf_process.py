"""Typesetting the SLA report in a process of its own.

A year's report sets thousands of pages and registers a font for every script (CJK and
Hangul faces are most of it): about 120 MB that a process keeps once it has printed
anything, and a peak of several hundred MB for the biggest reports. A workstation open
all day should not carry that, so the window asks this module, which typesets in a
child process and gives the memory back when it ends. Progress and the outcome come
back over a pipe; cancelling ends the child, and the report's own temporary file is
removed, as it is when the in-process build stops.
"""
from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from desk.errors import DeskError
from desk.reports.errors import ReportCancelled
from desk.reports.sla_data import SlaReport

Progress = Any
Cancelled = Any
POLL_S = 0.1


def build_in_child(report: SlaReport, out: Path, progress: Progress, cancelled: Cancelled) -> int:
    """``build_sla_report(report, out)`` in a spawned child; returns the page count."""
    ctx = multiprocessing.get_context("spawn")   # not fork: the parent holds threads and connections
    ours, theirs = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_typeset, args=(report, str(out), theirs), daemon=True,
                        name="desk-report-typesetter")
    child.start()
    theirs.close()
    try:
        while True:
            if cancelled():
                child.terminate()
                child.join()
                _remove_partial(out)
                raise ReportCancelled()
            if ours.poll(POLL_S):
                try:
                    kind, *rest = ours.recv()
                except EOFError:
                    kind, rest = "gone", []
                if kind == "progress":
                    progress(*rest)
                elif kind == "done":
                    return int(rest[0])
                elif kind == "error":
                    error_type, message = rest
                    raise DeskError(message) if error_type == "desk" else RuntimeError(message)
                else:
                    break
            elif not child.is_alive():
                break
        child.join()
        raise DeskError(f"The report could not be typeset: its process ended unexpectedly "
                        f"(exit code {child.exitcode}). Nothing was written.")
    finally:
        ours.close()
        if child.is_alive():
            child.terminate()
        child.join(timeout=5)


def _remove_partial(out: Path) -> None:
    for tmp in out.parent.glob(".desk-report-*.pdf"):
        tmp.unlink(missing_ok=True)


def _typeset(report: SlaReport, out: str, pipe: Connection) -> None:
    """In the child: typeset and say how it went (never a traceback across the pipe)."""
    from desk.reports.sla_pdf import build_sla_report

    try:
        pages = build_sla_report(report, Path(out), progress=lambda f, m: pipe.send(("progress", f, m)))
        pipe.send(("done", pages))
    except DeskError as exc:        # a missing font names its package: the user's message
        pipe.send(("error", "desk", str(exc)))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        pipe.send(("error", "other", f"{type(exc).__name__}: {exc}"))
    finally:
        pipe.close()
