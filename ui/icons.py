"""Desk's icons: Material Design Icons shipped as SVG files, drawn in a given colour.

The icons are the Pictogrammers' Material Design Icons (``resources/icons/mdi``, their
licence beside them), named as before: ``"mdi6.bell-outline"`` is
``resources/icons/mdi/bell-outline.svg``. They used to come from qtawesome, which loads
thirteen icon fonts and, through qtpy, Qt's OpenGL modules with its first icon: about
45 MB of the GUI process's memory for fifty icons (issue 14's budget is 250 MB in all).

An icon is drawn on demand, at the size and device pixel ratio asked for, in the colour
of its mode (normal, disabled, active, selected), and the pixmap kept for the next
paint. Adding an icon: copy its SVG from the same release into the folder.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from desk import resources

PREFIX = "mdi6."
FOLDER = ("icons", "mdi")


class UnknownIcon(KeyError):
    """No SVG file ships for this icon name."""


@functools.cache
def svg_text(name: str) -> str:
    """The SVG of icon ``name`` (``mdi6.…``), as shipped."""
    bare = name.removeprefix(PREFIX)
    file = resources.path(*FOLDER, f"{bare}.svg")
    if not name.startswith(PREFIX) or "/" in bare or not file.is_file():
        raise UnknownIcon(f"no icon {name!r}: Desk ships {resources.path(*FOLDER)}/<name>.svg for 'mdi6.<name>'")
    return file.read_text(encoding="utf-8")


def read_all() -> int:
    """Read every shipped icon's SVG into ``svg_text``'s cache; returns how many. For the
    thread that opens the desk: the window's first icons, drawn on the GUI thread, then
    read no file (about 50 of them cost the GUI thread 20-30 ms at start)."""
    folder = resources.path(*FOLDER)
    names = sorted(f"{PREFIX}{file.stem}" for file in folder.glob("*.svg"))
    for name in names:
        svg_text(name)
    return len(names)


def _coloured(name: str, colour: QColor) -> QSvgRenderer:
    # The shipped paths carry no fill of their own (black by default): give each one
    # the colour. The renderer parses once; pixmaps are cached by the engine.
    paint = f'fill="{colour.name()}" fill-opacity="{colour.alphaF():.3f}"'   # SVG Tiny: no #aarrggbb
    svg = svg_text(name).replace("<path ", f"<path {paint} ")
    return QSvgRenderer(QByteArray(svg.encode("utf-8")))


class _TintedSvgEngine(QIconEngine):
    """Draws one SVG in a colour per icon mode, at any size, sharp at any pixel ratio."""

    def __init__(self, name: str, colours: Mapping[QIcon.Mode, QColor]) -> None:
        super().__init__()
        self._name = name
        self._colours = dict(colours)
        self._renderers: dict[int, QSvgRenderer] = {}
        self._pixmaps: dict[tuple[int, int, int, float], QPixmap] = {}

    def _renderer(self, mode: QIcon.Mode) -> QSvgRenderer:
        colour = self._colours.get(mode, self._colours[QIcon.Mode.Normal])   # a mode not given: normal
        key = colour.rgba()
        found = self._renderers.get(key)
        if found is None:
            found = self._renderers[key] = _coloured(self._name, colour)
        return found

    def clone(self) -> QIconEngine:
        return _TintedSvgEngine(self._name, self._colours)

    def key(self) -> str:
        return "desk-tinted-svg"

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        side = min(size.width(), size.height())   # the icons are square
        return QSize(side, side)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        side = min(size.width(), size.height())
        cache_key = (side, int(mode.value), int(state.value), scale)
        found = self._pixmaps.get(cache_key)
        if found is None:
            pixels = max(1, round(side * scale))
            found = QPixmap(pixels, pixels)
            found.fill(Qt.GlobalColor.transparent)
            painter = QPainter(found)
            self._renderer(mode).render(painter, QRectF(0, 0, pixels, pixels))
            painter.end()
            found.setDevicePixelRatio(scale)
            self._pixmaps[cache_key] = found
        return found

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        scale = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        pix = self.scaledPixmap(rect.size(), mode, state, scale)
        side = pix.width() / pix.devicePixelRatio()
        at = rect.center() - QPoint(round(side / 2), round(side / 2))
        painter.drawPixmap(at, pix)


def tinted(name: str, normal: QColor | str, *, disabled: QColor | str | None = None,
           selected: QColor | str | None = None, active: QColor | str | None = None) -> QIcon:
    """Icon ``name`` drawn in ``normal`` (and the other modes' colours where given)."""
    colours = {QIcon.Mode.Normal: QColor(normal)}
    for mode, colour in ((QIcon.Mode.Disabled, disabled), (QIcon.Mode.Selected, selected),
                         (QIcon.Mode.Active, active)):
        if colour is not None:
            colours[mode] = QColor(colour)
    svg_text(name)                       # an unknown name fails here, not at the first paint
    return QIcon(_TintedSvgEngine(name, colours))
