"""The fuel reading in eighths of a tank: a row of nine segments, E, 1/8 ... 7/8, F."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..documents import fuel_words

#: A full tank, in eighths.
FULL = 8
#: What each reading is called at the counter, from empty to full.
LABELS = ("E", "1/8", "1/4", "3/8", "1/2", "5/8", "3/4", "7/8", "F")


class FuelGauge(QWidget):
    """A segmented control for the fuel in the tank, 0 (empty) to 8 (full) eighths.

    A click picks the segment under the pointer; with the focus, Left/Right (or Down/Up) move an
    eighth, Home and End go to empty and full, and the digits 0-8 pick that many eighths.
    ``valueChanged(eighths)`` tells each change.
    """

    valueChanged = Signal(int)  # noqa: N815 - Qt's name for it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = FULL
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Fuel")
        self._describe()

    def value(self) -> int:
        """The reading, in eighths (0..8)."""
        return self._value

    def setValue(self, eighths: int) -> None:  # noqa: N802 - Qt's name for it
        """Show ``eighths`` (kept within 0..8); ``valueChanged`` when it changed."""
        eighths = max(0, min(FULL, int(eighths)))
        if eighths == self._value:
            return
        self._value = eighths
        self._describe()
        self.update()
        self.valueChanged.emit(eighths)

    def _describe(self) -> None:
        words = fuel_words(self._value)
        self.setAccessibleDescription(f"Fuel: {words}")
        self.setToolTip(f"Fuel: {words}. ←/→ an eighth, Home empty, End full, or type 0-8")

    # -- size and drawing --------------------------------------------------------------------------

    def _segment_width(self) -> int:
        metrics = self.fontMetrics()
        return max(metrics.horizontalAdvance(label) for label in LABELS) + 12

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """Nine segments wide enough for their widest label, and a bar above the labels."""
        metrics = self.fontMetrics()
        return QSize(len(LABELS) * self._segment_width() + 4, metrics.height() + 22)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSizeHint()

    def _segments(self) -> list[QRectF]:
        width = (self.width() - 4) / len(LABELS)
        return [QRectF(2 + i * width, 2, width, self.height() - 4) for i in range(len(LABELS))]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        filled, empty = QColor("#2a62c9"), QColor("#dde3ec")
        if not self.isEnabled():
            filled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        bar_height = 10
        for i, rect in enumerate(self._segments()):
            bar = QRectF(rect.left() + 1, rect.top(), rect.width() - 2, bar_height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(filled if i <= self._value else empty)  # E is lit too: the reading always shows
            painter.drawRoundedRect(bar, 3, 3)
            label = QRectF(rect.left(), rect.top() + bar_height + 2, rect.width(), rect.height() - bar_height - 2)
            font = painter.font()
            font.setBold(i == self._value)
            painter.setFont(font)
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, LABELS[i])
        if self.hasFocus():
            pen = QPen(palette.color(QPalette.ColorRole.Highlight), 2)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self._segments()[self._value], 4, 4)

    # -- input -------------------------------------------------------------------------------------

    def _segment_at(self, x: float) -> int:
        for i, rect in enumerate(self._segments()):
            if x < rect.right():
                return i
        return FULL

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.setValue(self._segment_at(event.position().x()))
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton:  # dragging along the row
            self.setValue(self._segment_at(event.position().x()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Down: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: 1}
        if key in steps:
            self.setValue(self._value + steps[Qt.Key(key)])
        elif key == Qt.Key.Key_Home:
            self.setValue(0)
        elif key == Qt.Key.Key_End:
            self.setValue(FULL)
        elif Qt.Key.Key_0 <= key <= Qt.Key.Key_8:
            self.setValue(key - Qt.Key.Key_0)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def focusInEvent(self, event) -> None:  # noqa: ANN001, N802
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:  # noqa: ANN001, N802
        super().focusOutEvent(event)
        self.update()
