"""The renter's signature, drawn on the counter's screen with a mouse or a stylus."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QTabletEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

#: The picture's margin around the ink, in pixels of the saved PNG.
MARGIN = 8
#: The saved picture's scale: a pad's point is this many pixels of the PNG (a sharp print).
PNG_SCALE = 2.0
#: The ink's width in the pad's points (a stylus: times its pressure, 0.5 to 1.5).
INK_WIDTH = 2.2


class SignaturePad(QWidget):
    """A white pad to sign on. Strokes are kept in fractions of the pad (0..1 across and down), so
    a resized pad redraws them at its new size and nothing is lost.

    ``is_empty()`` says whether anything was drawn, ``clear()`` wipes it, ``png()`` is the
    signature as a PNG: black ink on white, cut to the ink with a small margin. ``changed`` tells
    each stroke and each clear.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: Each stroke: points (fractions of the pad) with the pen's width there, in pad points.
        self._strokes: list[list[tuple[QPointF, float]]] = []
        self._drawing = False
        self.setAttribute(Qt.WidgetAttribute.WA_TabletTracking, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # reachable by Tab; Delete clears it
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName("Signature")
        self.setToolTip("The renter signs here with the mouse or a stylus; Delete clears it")

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(240, 90)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 140)

    # -- what was drawn ------------------------------------------------------------------------

    def is_empty(self) -> bool:
        """Nothing has been drawn (a tap without a move counts: it leaves a dot)."""
        return not self._strokes

    def stroke_count(self) -> int:
        """How many strokes the signature has."""
        return len(self._strokes)

    def clear(self) -> None:
        """Wipe the pad."""
        if self._strokes:
            self._strokes.clear()
            self.update()
            self.changed.emit()

    def _path_pieces(self, scale_x: float, scale_y: float, offset: QPointF) -> list[tuple[QPointF, QPointF, float]]:
        """Every segment of every stroke in a target's pixels: (from, to, pen width)."""
        pieces = []
        for stroke in self._strokes:
            points = [(QPointF(p.x() * scale_x, p.y() * scale_y) - offset, w) for p, w in stroke]
            if len(points) == 1:
                points = points * 2  # a dot
            for (a, width), (b, _w) in zip(points, points[1:], strict=False):
                pieces.append((a, b, width))
        return pieces

    def _ink_bounds(self, width: float, height: float) -> QRectF:
        path = QPainterPath()
        for stroke in self._strokes:
            for point, _w in stroke:
                path.addRect(QRectF(point.x() * width, point.y() * height, 0.01, 0.01))
        return path.boundingRect()

    def png(self) -> bytes:
        """The signature as PNG bytes: the ink on white, trimmed to the ink plus :data:`MARGIN`.
        Raises ValueError when the pad is empty (nothing to sign with)."""
        if self.is_empty():
            raise ValueError("the signature pad is empty")
        width, height = max(self.width(), 1) * PNG_SCALE, max(self.height(), 1) * PNG_SCALE
        ink = self._ink_bounds(width, height)
        pad = MARGIN + INK_WIDTH * 1.5 * PNG_SCALE
        origin = QPointF(ink.left() - pad, ink.top() - pad)
        image = QImage(max(1, round(ink.width() + 2 * pad)), max(1, round(ink.height() + 2 * pad)),
                       QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        self._draw(painter, width, height, origin, PNG_SCALE, QColor("black"))
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # PySide6 takes the format as str; its stubs say bytes
        buffer.close()
        return bytes(data.data())

    def _draw(self, painter: QPainter, width: float, height: float, origin: QPointF, pen_scale: float,
              ink: QColor) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for a, b, pen_width in self._path_pieces(width, height, origin):
            pen = QPen(ink, pen_width * pen_scale, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                       Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.drawLine(a, b)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        palette = self.palette()
        line_y = self.height() * 0.75  # where to sign
        painter.setPen(QPen(QColor("#b8c2d0"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(16, line_y), QPointF(self.width() - 16, line_y))
        if self.is_empty():
            painter.setPen(QColor("#8a94a3"))
            painter.drawText(QRectF(16, 0, self.width() - 32, line_y - 4),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, "Sign here")
        self._draw(painter, self.width(), self.height(), QPointF(0, 0), 1.0, QColor("#111111"))
        border = palette.color(QPalette.ColorRole.Highlight) if self.hasFocus() else QColor("#b8c2d0")
        painter.setPen(QPen(border, 2 if self.hasFocus() else 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))

    # -- input ---------------------------------------------------------------------------------

    def _fraction(self, position: QPointF) -> QPointF:
        x = min(max(position.x() / max(self.width(), 1), 0.0), 1.0)
        y = min(max(position.y() / max(self.height(), 1), 0.0), 1.0)
        return QPointF(x, y)

    def _start(self, position: QPointF, width: float) -> None:
        self._drawing = True
        self._strokes.append([(self._fraction(position), width)])
        self.update()

    def _extend(self, position: QPointF, width: float) -> None:
        if self._drawing:
            self._strokes[-1].append((self._fraction(position), width))
            self.update()

    def _finish(self) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self._start(event.position(), INK_WIDTH)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position(), INK_WIDTH)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position(), INK_WIDTH)
            self._finish()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        """A stylus: the ink follows its pressure; accepted, so Qt makes no mouse events of it."""
        width = INK_WIDTH * (0.5 + min(max(event.pressure(), 0.0), 1.0))
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self._start(event.position(), width)
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position(), width)
        elif kind == QEvent.Type.TabletRelease:
            self._extend(event.position(), width)
            self._finish()
        event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not event.modifiers():
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: ANN001, N802
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:  # noqa: ANN001, N802
        super().focusOutEvent(event)
        self.update()
