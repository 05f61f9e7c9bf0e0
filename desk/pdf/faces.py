"""The chain of faces: which font sets which script, and where Debian keeps it.

No single font covers every script a university directory holds, so text is split into
runs, each set in the first face of the chain that has its glyphs. Each face is found on
the system (``desk.pdf.locate``); when one is missing, the message names the Debian
package that provides it, as ``ui/qt_check.py`` does for Qt's libraries.

ReportLab embeds TrueType outlines only: Debian's Noto Sans CJK (fonts-noto-cjk) is
OpenType/CFF, which ReportLab refuses ("postscript outlines are not supported"), so Han
and Kana come from Droid Sans Fallback and Hangul from NanumGothic (Droid has three
Hangul syllables of 11 172).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

Blocks = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Face:
    name: str                    # ReportLab's name; the bold style is name + "-Bold"
    script: str                  # what it sets, in messages
    families: tuple[str, ...]    # fontconfig family names, preferred first
    package: str                 # the Debian package that provides it
    sample: str                  # characters a file must have to be taken for this face
    files: tuple[str, str | None]  # Debian's file names, regular and bold (None: no bold)
    folder: str                  # Debian's folder (under /usr/share/fonts/truetype)
    blocks: Blocks = ()          # code points it is meant for: names it when it is missing
    shaped: bool = False         # letters reorder and join (Indic): shaped with harfbuzz
    width: int = 100             # fontconfig width: 100 normal, below that condensed

    @property
    def bold(self) -> str:
        return self.name + "-Bold"


def _noto(name: str, script: str, family: str, sample: str, blocks: Blocks, *, shaped: bool = False) -> Face:
    stem = family.replace(" ", "")
    return Face(name, script, (family,), "fonts-noto-core", sample, (f"{stem}-Regular.ttf", f"{stem}-Bold.ttf"),
                "noto", blocks, shaped)


BASE_FACE = _noto("DeskSans", "Latin, Cyrillic and Greek", "Noto Sans", "AzÅßЖжΩω€", ())

# Order matters: the first face that has a character's glyph sets it.
CHAIN: tuple[Face, ...] = (
    BASE_FACE,
    _noto("DeskArabic", "Arabic", "Noto Sans Arabic", "ابﺍﺑ",
          ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))),
    _noto("DeskHebrew", "Hebrew", "Noto Sans Hebrew", "אבג", ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))),
    _noto("DeskDevanagari", "Devanagari (Hindi, Marathi, Nepali)", "Noto Sans Devanagari", "कखग",
          ((0x0900, 0x097F), (0xA8E0, 0xA8FF)), shaped=True),
    _noto("DeskTamil", "Tamil", "Noto Sans Tamil", "கசட", ((0x0B80, 0x0BFF),), shaped=True),
    _noto("DeskThai", "Thai", "Noto Sans Thai", "กขค", ((0x0E00, 0x0E7F),)),
    _noto("DeskEthiopic", "Ethiopic (Amharic, Tigrinya)", "Noto Sans Ethiopic", "ሀለ",
          ((0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F))),
    Face("DeskCJK", "Chinese and Japanese (Han, Kana)", ("Droid Sans Fallback",), "fonts-droid-fallback",
         "中文かな", ("DroidSansFallbackFull.ttf", None), "droid",
         ((0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
          (0xF900, 0xFAFF), (0xFF00, 0xFF9F), (0x20000, 0x2FA1F))),
    Face("DeskHangul", "Korean (Hangul)", ("NanumGothic",), "fonts-nanum", "한국어",
         ("NanumGothic.ttf", "NanumGothicBold.ttf"), "nanum",
         ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xFFA0, 0xFFDF))),
    Face("DeskSymbols", "Georgian, Armenian and symbols (arrows, check marks, box drawing)", ("DejaVu Sans",),
         "fonts-dejavu-core", "→✓ა", ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), "dejavu",
         ((0x0530, 0x058F), (0x10A0, 0x10FF), (0x2190, 0x2BFF))),
)

# The condensed base of the SLA report's table cells. It sets only what the base face
# would (its Arabic and Hebrew are not the ones the rest of the PDF uses); without it
# the cells fall back to the base face, wider but complete.
NARROW_FACE = Face("DeskSansCondensed", "Latin, Cyrillic and Greek in report tables (condensed)",
                   ("DejaVu Sans Condensed", "DejaVu Sans"), "fonts-dejavu-extra", "AzЖΩ",
                   ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"), "dejavu", width=87)

FACES: tuple[Face, ...] = (*CHAIN, NARROW_FACE)

BASE = BASE_FACE.name
BASE_BOLD = BASE_FACE.bold
NARROW = NARROW_FACE.name
NARROW_BOLD = NARROW_FACE.bold


def intended_face(cp: int) -> Face | None:
    """The face meant for code point ``cp`` (by Unicode block), for naming what is missing."""
    for face in CHAIN:
        if any(lo <= cp <= hi for lo, hi in face.blocks):
            return face
    return None


def install_hint(packages: Iterable[str]) -> str:
    """The Debian command that installs ``packages``."""
    return f"Install it with:  sudo apt-get install -y {' '.join(sorted(set(packages)))}"


def missing_message(face: Face) -> str:
    if face is BASE_FACE:
        return (f"Desk cannot print: no font for {face.script} text is installed "
                f"({' or '.join(face.families)}). {install_hint([face.package])}")
    if face is NARROW_FACE:
        return (f"Report tables are set in the wider base font: {face.families[0]} is not installed. "
                f"{install_hint([face.package])}")
    return (f"Desk cannot print {face.script} text: no font covers it ({' or '.join(face.families)}), so it "
            f"prints as empty boxes. {install_hint([face.package])}")
