"""Names in every script show in the queue: the window's font covers what Desk prints.

Qt's own fallback depends on what fontconfig has and prefers on each machine; the
application font lists the PDF chain (ui.fonts), so coverage is Desk's, not luck's.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QFont, QRawFont, QTextLayout
from PySide6.QtWidgets import QApplication

from db.engine import Database
from desk.actor import Actor
from desk.bootstrap import Services
from desk.incidents.service import NewIncident
from desk.pdf.faces import CHAIN, install_hint
from desk.queue.spec import QueueFilter, QueueSpec
from ui.fonts import use_font_chain
from ui.queue.model import COLUMN_KEYS, QueueModel
from ui.queue.view import QueueView

NAMES = {
    "devanagari": ("प्रिया", "शर्मा"), "korean": ("지훈", "김"), "chinese": ("浩然", "王"),
    "arabic": ("فاطمة", "منصور"), "hebrew": ("יעל", "כהן"), "cyrillic": ("Ирина", "Смирнова"),
    "japanese": ("さくら", "佐藤"), "tamil": ("மீனா", "ராஜா"), "thai": ("มาลี", "ศรีสุข"),
    "ethiopic": ("ሰላም", "አለሙ"), "georgian": ("ნინო", "ბერიძე"), "armenian": ("Անի", "Պետրոսյան"),
}


@pytest.fixture
def database(sqlite_url: str) -> Iterator[Database]:
    # What the window shows does not depend on the engine: SQLite only.
    db = Database.connect(sqlite_url)
    yield db
    db.dispose()


@pytest.fixture
def chain_font(qapp: QApplication) -> Iterator[QFont]:
    before = qapp.font()
    yield use_font_chain(qapp)  # what ui/app.py does before the first widget
    qapp.setFont(before)


def _covered(font: QFont, ch: str) -> bool:
    """Whether one of the font's families (as Qt resolves each) has a glyph for ``ch``."""
    for family in font.families():
        raw = QRawFont.fromFont(QFont(family))
        if raw.isValid() and raw.supportsCharacter(ord(ch)):  # by code point: as a str (QChar) 지 and 王 were "not supported"
            return True
    return False


def _missing_glyphs(font: QFont, text: str) -> int:
    """Glyphs Qt would draw as the empty box (glyph 0) laying out ``text`` in ``font``."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return sum(1 for run in layout.glyphRuns() for g in run.glyphIndexes() if g == 0)


def test_queue_rows_show_names_in_every_script(services: Services, admin: Actor, chain_font: QFont,
                                               ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    for i, (given, family) in enumerate(NAMES.values()):
        uid = f"FONT-{i:03d}"
        services.people.create(admin, university_id=uid, given_name=given, family_name=family)
        services.incidents.open(admin, NewIncident(title="Cannot print", caller_university_id=uid))
    model = QueueModel(ctx)
    model.set_spec(QueueSpec(QueueFilter(open_only=True), "number"))
    view = QueueView(ctx, model)
    qtbot.addWidget(view)
    view.resize(1200, 500)
    assert not view.grab().isNull()  # the rows really render

    column = COLUMN_KEYS.index("caller")
    shown = {model.data(model.index(r, column)) for r in range(model.rowCount())}
    font = view.font()
    assert font.families() == chain_font.families()  # the queue takes the application font
    for script, (given, family) in NAMES.items():
        name = next(n for n in shown if given in n and family in n)
        uncovered = [ch for ch in name if not ch.isspace() and not _covered(font, ch)]
        assert not uncovered, (f"{script}: no family of {font.families()} has {uncovered}; "
                               f"{install_hint(f.package for f in CHAIN)}")
        assert _missing_glyphs(font, name) == 0, f"{script}: {name} is laid out with empty boxes"
