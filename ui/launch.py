"""The installed ``desk`` command: ``desk.cli.main`` with the window handed in.

``desk`` cannot import the window (dependencies point down), so this module, above both,
gives it the window to open when no command is named. Looking the window up as an entry
point instead costs importlib.metadata: about 30 ms of a start-up whose target is 300 ms.
Nothing Qt is imported here: ``desk db upgrade`` and the other commands never load it.
"""
from __future__ import annotations

import sys
from collections.abc import Sequence


def _window(argv: list[str]) -> int:
    from ui import collector

    collector.pause()   # the window's imports run without full collections (ui.collector)
    from ui.app import run

    return run(argv)


def main(argv: Sequence[str] | None = None) -> int:
    from desk.cli.main import main as desk_main

    return desk_main(argv, gui=_window)


if __name__ == "__main__":   # python -m ui.launch, as the installed command
    sys.exit(main())
