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
import os
import sys
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QRawFont
from PySide6.QtWidgets import QApplication

from desk.pdf.faces import CHAIN, NARROW_FACE, Face, missing_message

log = logging.getLogger(__name__)


def _bundled() -> bool:
    """Whether this is a packaged build with its own copies of the faces (as desk.pdf.locate
    looks for them), which fontconfig does not know."""
    value = os.environ.get("DESK_FONTS_DIR")
    folder = Path(value) if value else Path(sys.prefix) / "share" / "desk" / "fonts"
    return folder.is_dir()


def _qt_family(face: Face, installed: set[str]) -> str | None:
    """The first of the face's families Qt's font database has (through fontconfig) with the
    face's sample characters, as desk.pdf.locate takes a file for that face."""
    for family in face.families:
        if family not in installed:
            continue
        raw = QRawFont.fromFont(QFont(family))
        if raw.isValid() and all(raw.supportsCharacter(ord(ch)) for ch in face.sample):
            return family
    return None


def chain_families() -> tuple[list[str], list[Face]]:
    """The families of the PDF chain that are installed (or bundled), in the chain's order,
    and the faces found nowhere.

    Asked of Qt's own font database, not of desk.pdf.locate: that reads every font file
    with ReportLab (which the printouts need, the window not), about a third of a second of
    each start (issue 14). The faces, their families and sample characters are the same
    chain, so the window still covers what Desk prints. A packaged build's bundled copies
    are loaded into Qt from the files desk.pdf.locate finds."""
    if _bundled():
        from desk.pdf.fonts import located

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
        return families, list(found.missing)
    installed = set(QFontDatabase.families())
    families, missing = [], []
    for face in CHAIN:
        family = _qt_family(face, installed)
        if family is None:
            missing.append(face)
        elif family not in families:
            families.append(family)
    return families, missing


def use_font_chain(app: QApplication) -> QFont:
    """Set the application font to the desktop's family followed by the chain; returns it."""
    chain, missing = chain_families()
    for face in missing:
        if face is not NARROW_FACE:  # the narrow face is the report tables' alone
            log.warning(missing_message(face))
    font = app.font()
    families = [font.family()]
    families += [f for f in chain if f not in families]
    font.setFamilies(families)
    app.setFont(font)
    return font
