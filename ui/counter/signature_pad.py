"""A signature pad: the customer signs with mouse, finger (touch) or pen (tablet).

Strokes are kept as point lists so a draft can store and restore them; the PNG given
to the services is rendered from the strokes on a white background.
"""
from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

Stroke = list[tuple[float, float]]


class SignaturePad(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strokes: list[Stroke] = []
        self._current: Stroke | None = None
        self.setMinimumSize(360, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(140)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Signature pad")
        self.setAccessibleDescription("The customer signs here with the mouse, a finger or a pen.")

    # -- state -------------------------------------------------------------------
    def is_empty(self) -> bool:
        # A tap or a tiny mark is not a signature.
        return sum(len(s) for s in self.strokes) < 5

    def clear(self) -> None:
        self.strokes, self._current = [], None
        self.update()
        self.changed.emit()

    def set_strokes(self, strokes: list[Stroke]) -> None:
        self.strokes = [[(float(x), float(y)) for x, y in s] for s in strokes]
        self.update()
        self.changed.emit()

    def to_png(self, scale: float = 2.0) -> bytes:
        """The signature as PNG (white background), sized to the pad; empty bytes when unsigned."""
        if self.is_empty():
            return b""
        img = QImage(int(self.width() * scale), int(self.height() * scale), QImage.Format.Format_RGB32)
        img.fill(QColor("white"))
        p = QPainter(img)
        p.scale(scale, scale)
        self._paint_strokes(p)
        p.end()
        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        img.save(buf, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; PySide 6 wants str
        buf.close()
        return bytes(data.data())

    # -- input: mouse, pen, touch -------------------------------------------------
    def _begin(self, pos: QPointF) -> None:
        self._current = [(pos.x(), pos.y())]
        self.strokes.append(self._current)

    def _extend(self, pos: QPointF) -> None:
        if self._current is None:
            self._begin(pos)
            return
        self._current.append((pos.x(), pos.y()))
        self.update()

    def _end(self) -> None:
        if self._current is not None:
            self._current = None
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position())
            self._end()

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind == QTabletEvent.Type.TabletMove and self._current is not None:
            self._extend(event.position())
        elif kind == QTabletEvent.Type.TabletRelease:
            self._end()
        event.accept()

    def event(self, event: QEvent) -> bool:
        t = event.type()
        if isinstance(event, QTouchEvent) and t in (event.Type.TouchBegin, event.Type.TouchUpdate,
                                                    event.Type.TouchEnd):
            points = event.points()
            if points:
                pos = points[0].position()
                if t == event.Type.TouchBegin:
                    self._begin(pos)
                elif t == event.Type.TouchUpdate:
                    self._extend(pos)
                else:
                    self._extend(pos)
                    self._end()
            event.accept()
            return True
        return super().event(event)

    # -- drawing --------------------------------------------------------------------
    def _paint_strokes(self, p: QPainter) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(QColor("#0b1a3a"), 2.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                      Qt.PenJoinStyle.RoundJoin))
        for stroke in self.strokes:
            if len(stroke) == 1:
                p.drawPoint(QPointF(*stroke[0]))
                continue
            path = QPainterPath(QPointF(*stroke[0]))
            for x, y in stroke[1:]:
                path.lineTo(x, y)
            p.drawPath(path)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("white"))
        p.setPen(QPen(QColor("#9aa5b8"), 1, Qt.PenStyle.DashLine))
        base = self.height() - 28
        p.drawLine(16, base, self.width() - 16, base)
        p.drawText(QRectF(16, base + 4, self.width() - 32, 20), Qt.AlignmentFlag.AlignLeft,
                   "✗  Sign above the line" if self.is_empty() else "")
        p.setPen(QPen(QColor("#44506a"), 1))
        p.drawRect(self.rect().adjusted(0, 0, -1, -1))
        self._paint_strokes(p)
        p.end()
