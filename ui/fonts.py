"""The window's font: the desktop's own, then the faces Desk prints with, in the same order.

Qt falls back through fontconfig for characters its font lacks, but fontconfig only knows
the fonts installed on the system, and which fallback it picks differs per machine: a
name in Devanagari or Hangul showed as empty boxes where nothing installed covered it,
while the same name printed. So the application font lists the PDF chain's families
(``desk.pdf``) after the desktop's family; a face only a packaged build carries (its
bundled folder) is added to Qt's font database first. Missing faces are logged once
with the package that provides them.
"""
from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desk.pdf.faces import CHAIN, NARROW_FACE
from desk.pdf.fonts import located, missing_message

log = logging.getLogger(__name__)


def chain_families() -> list[str]:
    """The families of the PDF chain that are installed (or bundled), in the chain's order."""
    found = located()
    families: list[str] = []
    for face in CHAIN:
        f = found.found.get(face.name)
        if f is None:
            continue
        if f.origin == "bundled":  # not in fontconfig: Qt must be given the files
            for file in f.files:
                if file is not None and QFontDatabase.addApplicationFont(str(file.path)) < 0:
                    log.warning("Qt could not load %s", file.path)
        families.append(f.family)
    return families


def use_font_chain(app: QApplication) -> QFont:
    """Set the application font to the desktop's family followed by the chain; returns it."""
    for face in located().missing:
        if face is not NARROW_FACE:  # the narrow face is the report tables' alone
            log.warning(missing_message(face))
    font = app.font()
    families = [font.family()]
    families += [f for f in chain_families() if f not in families]
    font.setFamilies(families)
    app.setFont(font)
    return font
