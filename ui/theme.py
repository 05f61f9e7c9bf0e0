"""Light or dark, as the system says: the colour scheme hint followed, and the few colours
Desk picks itself (icons, the major-incident row) chosen for the palette in use.

Qt 6.5+ reports the desktop's scheme (``QStyleHints.colorScheme()``) and, on most
platforms, brings a matching palette. Where the platform reports Dark but hands over a
light palette (a bare X session, some window managers), ``apply_scheme`` sets a dark one
so the hint is honoured; back to Light restores the style's own palette. Widgets hear a
palette change as ``QEvent.PaletteChange``; the main window then redraws its icons.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

_following = False
_dark_set_here = False


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether what the user sees is dark: the palette in use decides, not only the hint
    (a light palette under a Dark hint still needs dark text)."""
    pal = palette if palette is not None else QGuiApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128


def dark_palette() -> QPalette:
    """A dark palette in the spirit of Fusion's (grey, not black; text at 13:1)."""
    window, base, text = QColor(45, 45, 48), QColor(30, 30, 32), QColor(232, 232, 232)
    pal = QPalette(QColor(55, 55, 58), window)      # derives light, mid, dark, shadow
    for role, colour in (
        (QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, QColor(40, 40, 43)),
        (QPalette.ColorRole.Text, text), (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.ToolTipBase, QColor(55, 55, 58)), (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.PlaceholderText, QColor(150, 150, 150)),
        (QPalette.ColorRole.Highlight, QColor(42, 110, 190)), (QPalette.ColorRole.HighlightedText, QColor(255, 255, 255)),
        (QPalette.ColorRole.Link, QColor(110, 170, 255)), (QPalette.ColorRole.BrightText, QColor(255, 90, 90)),
    ):
        pal.setColor(role, colour)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(125, 125, 125))
    return pal


def apply_scheme(scheme: Qt.ColorScheme) -> None:
    """Make the application's palette match ``scheme`` where the platform did not."""
    global _dark_set_here
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if scheme == Qt.ColorScheme.Dark and not is_dark(app.palette()):
        app.setPalette(dark_palette())
        _dark_set_here = True
    elif scheme != Qt.ColorScheme.Dark and _dark_set_here:
        # Only undo our own dark palette; a palette the platform or user chose stays.
        app.setPalette(app.style().standardPalette())
        _dark_set_here = False


def follow_scheme() -> None:
    """Apply the current scheme now and whenever the desktop switches (once per process)."""
    global _following
    hints = QGuiApplication.styleHints()
    apply_scheme(hints.colorScheme())
    if not _following:
        hints.colorSchemeChanged.connect(apply_scheme)
        _following = True


def major_row_background() -> QColor:
    """The major-incident row's tint: a pale red on light, a deep red on dark, text readable on both."""
    return QColor(80, 36, 40) if is_dark() else QColor(255, 235, 235)


def error_colour() -> QColor:
    """Text that says something went wrong: a deep red on light, a light red on dark
    (#b00020 on the dark window reads at about 2:1; these are above 5:1)."""
    return QColor(255, 120, 120) if is_dark() else QColor(176, 0, 32)


# Chart colours: Okabe & Ito's set (told apart with the common colour-vision deficiencies),
# with the dashboard's deep red for "breached" and P1, so the worst reads darkest and
# is not one more orange beside "at risk". On a dark palette the dark tones give way to
# lighter ones (dark blue reads at under 3:1 on the dark window).
_LIGHT_SERIES = {"response": "#0072B2", "resolution": "#E69F00", "at_risk": "#E69F00", "breached": "#B3261E",
                 "P1": "#B3261E", "P2": "#E69F00", "P3": "#F0E442", "P4": "#56B4E9", "P5": "#0072B2"}
_DARK_SERIES = {**_LIGHT_SERIES, "response": "#56B4E9", "breached": "#FF6B5E", "P1": "#FF6B5E",
                "P4": "#9AD3F5", "P5": "#3D8FD1"}


def chart_colour(role: str, palette: QPalette | None = None) -> QColor:
    """The colour of a chart's series on ``palette`` (the application's by default):
    ``response``/``resolution`` (compliance), ``at_risk``/``breached``, or a priority
    value (``P1`` … ``P5``)."""
    return QColor((_DARK_SERIES if is_dark(palette) else _LIGHT_SERIES)[role])
