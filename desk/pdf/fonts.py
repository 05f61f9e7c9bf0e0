"""The fonts of every PDF, registered with ReportLab once, under one set of names.

ReportLab's font registry is process-wide: two modules registering "DeskSans" from
different files made a PDF's font depend on which PDF was built first. Here each face
of ``desk.pdf.faces`` is registered exactly once, from the file ``desk.pdf.locate``
found, and everything that prints asks this module.

Without the base face nothing can be printed: ``FontMissing`` says which package to
install. A missing fallback face degrades: its characters print in the base face (as
empty boxes), and the first time that happens a warning names the package.
"""
from __future__ import annotations

import logging
import threading
import unicodedata

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desk.errors import DeskError
from desk.pdf.faces import BASE_FACE, CHAIN, NARROW_FACE, Face, intended_face, missing_message
from desk.pdf.locate import Located, bundled_dir, locate

log = logging.getLogger(__name__)


class FontMissing(DeskError):
    """The font every printout is set in is not installed; the message names the package."""

    def __init__(self, face: Face) -> None:
        super().__init__(missing_message(face))
        self.face = face


class FontBook:
    """The faces found, what each covers, and which face sets a character."""

    def __init__(self, located: Located) -> None:
        self.located = located
        self.chain = tuple(located.found[f.name] for f in CHAIN if f.name in located.found)
        self.coverage: dict[str, frozenset[int]] = {
            name: frozenset(found.regular.face.charToGlyph) for name, found in located.found.items()}
        base = self.coverage.get(BASE_FACE.name, frozenset())
        if NARROW_FACE.name in self.coverage:  # sets only what the base face would
            self.coverage[NARROW_FACE.name] &= base
        # The name bold text of each face is set in (a face without a bold file: its own).
        self.bold_of = {name: (f.face.bold if f.bold is not None else name) for name, f in located.found.items()}
        self._warned: set[object] = set()
        self._lock = threading.Lock()

    def require_base(self) -> None:
        if BASE_FACE.name not in self.located.found:
            raise FontMissing(BASE_FACE)

    def face_for(self, ch: str, first: str = BASE_FACE.name) -> str:
        """The name of the face that sets ``ch``: ``first`` if it has it, else the chain's first."""
        cp = ord(ch)
        if cp in self.coverage.get(first, ()):
            return first
        for found in self.chain:
            if cp in self.coverage[found.face.name]:
                return found.face.name
        if not (ch.isspace() or unicodedata.category(ch).startswith("C")):
            self._warn_uncovered(cp)
        return first if first in self.coverage else BASE_FACE.name

    def split(self, text: str, first: str = BASE_FACE.name) -> list[tuple[str, str]]:
        """(face name, piece) runs; spaces and punctuation stay in the current run when its
        face has them, so a word is not cut into fonts at a comma."""
        out: list[tuple[str, str]] = []
        for ch in text:
            face = self.face_for(ch, first)
            if out and (face == out[-1][0] or ((ch.isspace() or unicodedata.category(ch).startswith("P"))
                                               and ord(ch) in self.coverage.get(out[-1][0], ()))):
                out[-1] = (out[-1][0], out[-1][1] + ch)
            else:
                out.append((face, ch))
        return out

    def _warn_uncovered(self, cp: int) -> None:
        face = intended_face(cp)
        key: object = face.name if face is not None and face in self.located.missing else cp
        with self._lock:
            if key in self._warned:
                return
            self._warned.add(key)
        if isinstance(key, str) and face is not None:
            log.warning(missing_message(face))
        else:
            log.warning("U+%04X %s has no glyph in any of Desk's fonts; it prints as an empty box.",
                        cp, unicodedata.name(chr(cp), "(unnamed)"))

    def register(self) -> None:
        """Put every face found into ReportLab's registry, with <b> mapped to its bold style."""
        self.require_base()
        found = self.located.found
        for name, f in found.items():
            pdfmetrics.registerFont(f.regular)
            if f.bold is not None:
                pdfmetrics.registerFont(f.bold)
            _map_family(name, self.bold_of[name])
        if NARROW_FACE.name not in found:
            # Table styles name the narrow face; without its file it is the base face's.
            base = found[BASE_FACE.name]
            pdfmetrics.registerFont(TTFont(NARROW_FACE.name, str(base.files[0].path),
                                           subfontIndex=base.files[0].index))
            base_bold = base.files[1] or base.files[0]
            pdfmetrics.registerFont(TTFont(NARROW_FACE.bold, str(base_bold.path), subfontIndex=base_bold.index))
            _map_family(NARROW_FACE.name, NARROW_FACE.bold)
            self.coverage[NARROW_FACE.name] = self.coverage[BASE_FACE.name]
            self.bold_of[NARROW_FACE.name] = NARROW_FACE.bold
            log.warning(missing_message(NARROW_FACE))


def _map_family(name: str, bold: str) -> None:
    """<b> inside a run of ``name`` selects ``bold``; there are no italics (upright for both)."""
    for is_bold, is_italic in ((0, 0), (1, 0), (0, 1), (1, 1)):
        addMapping(name, is_bold, is_italic, bold if is_bold else name)


_book: FontBook | None = None
_located: Located | None = None
_lock = threading.Lock()


def located() -> Located:
    """Every face looked up once per process (the window asks this without printing)."""
    global _located
    with _lock:
        if _located is None or BASE_FACE in _located.missing:  # installed since? look again
            _located = locate(bundled=bundled_dir())
        return _located


def book() -> FontBook:
    """The registered fonts; raises ``FontMissing`` when the base face is not installed."""
    global _book
    found = located()
    with _lock:
        if _book is None:
            candidate = FontBook(found)
            candidate.register()
            _book = candidate
        return _book


def register_fonts() -> None:
    """Before a Paragraph or a canvas names a face: every face registered (once per process)."""
    book()
