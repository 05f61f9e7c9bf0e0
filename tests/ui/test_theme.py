"""Light or dark as the system says: the palette follows the scheme hint, the icons and
the few colours Desk picks itself follow the palette."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon

from ui import theme

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _ink(icon: QIcon) -> list[QColor]:
    """The opaque pixels of an icon: its glyph."""
    image = icon.pixmap(22, 22).toImage()
    return [c for c in (image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height()))
            if c.alpha() > 200]


def test_dark_scheme_turns_palette_icons_and_row_tints_dark(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    search = window.action("search")
    assert not theme.is_dark() and all(c.lightness() < 100 for c in _ink(search.icon()))
    light_tint = theme.major_row_background()
    try:
        theme.apply_scheme(Qt.ColorScheme.Dark)
        assert theme.is_dark()
        # The window hears the palette change as an event and redraws its icons light.
        qtbot.waitUntil(lambda: all(c.lightness() > 150 for c in _ink(search.icon())))
        assert _ink(search.icon())
        assert theme.major_row_background().lightness() < 128 < light_tint.lightness()
    finally:
        theme.apply_scheme(Qt.ColorScheme.Light)
    assert not theme.is_dark()
    qtbot.waitUntil(lambda: all(c.lightness() < 100 for c in _ink(search.icon())))


def test_a_dark_palette_from_the_platform_is_left_alone(qapp) -> None:  # type: ignore[no-untyped-def]
    """Back to Light undoes only Desk's own dark palette, never one the platform set."""
    before = qapp.palette()
    try:
        qapp.setPalette(theme.dark_palette())      # as if the platform had supplied it
        theme.apply_scheme(Qt.ColorScheme.Light)
        assert theme.is_dark()
    finally:
        qapp.setPalette(before)


def test_error_text_reads_on_either_scheme(qapp) -> None:  # type: ignore[no-untyped-def]
    from ui.queue.cells import contrast

    try:
        for scheme in (Qt.ColorScheme.Light, Qt.ColorScheme.Dark):
            theme.apply_scheme(scheme)
            window = qapp.palette().color(qapp.palette().ColorRole.Window)
            assert contrast(theme.error_colour(), window) >= 4.5, scheme
    finally:
        theme.apply_scheme(Qt.ColorScheme.Light)
