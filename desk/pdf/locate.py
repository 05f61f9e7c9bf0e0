"""Finding each face's file: a bundled copy first (a packaged build), then the system.

The system is asked through fontconfig (``fc-list``, by family, weight, slant and width),
the way every other program on the desktop finds its fonts; only when fontconfig's tools
are not installed are Debian's own paths tried. A file is taken only if ReportLab can
read it (TrueType outlines) and it really has the face's sample glyphs, so a same-named
font that lacks the script, or Noto's CFF-based CJK files, are passed over.
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase.ttfonts import TTFError, TTFont

from desk.pdf.faces import FACES, Face

log = logging.getLogger(__name__)

DEBIAN_FONTS = Path("/usr/share/fonts/truetype")
REGULAR, BOLD = 80, 200  # fontconfig weights


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int = 0  # the font inside a collection (.ttc)


@dataclass(frozen=True)
class Found:
    """A face with the files that will set it, already read by ReportLab."""

    face: Face
    regular: TTFont
    bold: TTFont | None   # None: the face has no bold style; bold text uses the regular one
    files: tuple[FontFile, FontFile | None]
    family: str           # the family name inside the file (what Qt calls it)
    origin: str           # "bundled", "fontconfig" or "debian"


@dataclass(frozen=True)
class Located:
    found: dict[str, Found]      # by face name
    missing: tuple[Face, ...]


def bundled_dir() -> Path | None:
    """Where a packaged build keeps its copies (packaging/bundle_fonts.py writes them):
    ``DESK_FONTS_DIR``, else ``<prefix>/share/desk/fonts`` of the running Python."""
    value = os.environ.get("DESK_FONTS_DIR")
    folder = Path(value) if value else Path(sys.prefix) / "share" / "desk" / "fonts"
    return folder if folder.is_dir() else None


def locate(faces: Iterable[Face] = FACES, *, bundled: Path | None = None, system: bool = True) -> Located:
    """Find every face; the ones found nowhere are listed as missing (never an error here)."""
    records = _fontconfig() if system else []
    found: dict[str, Found] = {}
    missing: list[Face] = []
    for face in faces:
        got = _first_usable(face, _candidates(face, bundled, records, system))
        if got is None:
            missing.append(face)
        else:
            found[face.name] = got
            log.debug("%s: %s (%s)", face.name, got.files[0].path, got.origin)
    return Located(found, tuple(missing))


def _candidates(face: Face, bundled: Path | None, records: list[_Record] | None,
                system: bool) -> Iterator[tuple[str, FontFile, FontFile | None]]:
    if bundled is not None:  # bundle_fonts.py copies each face under Debian's file names
        yield "bundled", *_pair(bundled, face)
    if records is not None:
        for regular, bold in _matches(face, records):
            yield "fontconfig", regular, bold
    elif system:  # fontconfig's tools are not installed: where Debian's packages put the files
        yield "debian", *_pair(DEBIAN_FONTS / face.folder, face)


def _pair(folder: Path, face: Face) -> tuple[FontFile, FontFile | None]:
    regular, bold = face.files
    return FontFile(folder / regular), FontFile(folder / bold) if bold else None


def _first_usable(face: Face, candidates: Iterable[tuple[str, FontFile, FontFile | None]]) -> Found | None:
    for origin, regular, bold in candidates:
        font = _read(face.name, regular, face.sample)
        if font is None:
            continue
        bold_font = _read(face.bold, bold, face.sample) if bold else None
        family = font.face.familyName
        return Found(face, font, bold_font, (regular, bold if bold_font else None),
                     family.decode("utf-8", "replace") if isinstance(family, bytes) else str(family), origin)
    return None


def _read(name: str, file: FontFile, sample: str) -> TTFont | None:
    if not file.path.is_file():
        return None
    try:
        font = TTFont(name, str(file.path), subfontIndex=file.index)
    except (TTFError, OSError, ValueError) as exc:  # CFF outlines, a damaged file
        log.debug("passing over %s: %s", file.path, exc)
        return None
    if not all(ord(ch) in font.face.charToGlyph for ch in sample):
        log.debug("passing over %s: it lacks %r", file.path, sample)
        return None
    return font


# -- fontconfig -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Record:
    file: FontFile
    families: frozenset[str]
    weight: int
    slant: int
    width: int
    truetype: bool


_FORMAT = "%{file}\t%{index}\t%{family}\t%{weight}\t%{slant}\t%{width}\t%{fontformat}\n"


def _fontconfig() -> list[_Record] | None:
    """Every font fontconfig knows (one ``fc-list`` call), or None without fontconfig's tools."""
    exe = shutil.which("fc-list")
    if exe is None:
        log.info("fc-list (Debian package fontconfig) is not installed; looking in %s", DEBIAN_FONTS)
        return None
    try:
        out = subprocess.run([exe, "--format", _FORMAT], capture_output=True, text=True, timeout=30,
                             check=True).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("fc-list failed (%s); looking in %s", exc, DEBIAN_FONTS)
        return None
    records = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 7:
            continue
        file, index, families, weight, slant, width, fmt = parts
        try:  # variable fonts report ranges ("[100 900]"): ReportLab sets only their default
            records.append(_Record(FontFile(Path(file), int(index)),
                                   frozenset(f.strip() for f in families.split(",")),
                                   int(weight), int(slant), int(width), fmt == "TrueType"))
        except ValueError:
            continue
    return records


def _matches(face: Face, records: list[_Record]) -> Iterator[tuple[FontFile, FontFile | None]]:
    """(regular, bold) pairs of upright TrueType files of the face's families, nearest first."""
    for family in face.families:
        mine = [r for r in records if family in r.families and r.truetype and r.slant == 0
                and ((r.width < 100) if face.width < 100 else (r.width == 100))]
        regular = sorted((r for r in mine if r.weight <= 100), key=lambda r: abs(r.weight - REGULAR))
        bold = sorted((r for r in mine if r.weight >= 180), key=lambda r: abs(r.weight - BOLD))
        for r in regular:
            yield r.file, bold[0].file if bold else None
