"""The signature pad through real mouse strokes: drawn, cleared, resized, saved as a trimmed PNG."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest

from rentaldesk.gui.signature_pad import SignaturePad


def pad(qtbot) -> SignaturePad:  # noqa: ANN001
    widget = SignaturePad()
    qtbot.addWidget(widget)
    widget.resize(400, 150)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def stroke(widget: SignaturePad, *points: tuple[int, int]) -> None:
    """Press at the first point, move through the others, release at the last."""
    first, *rest = (QPoint(x, y) for x, y in points)
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, first)
    for point in rest:
        QTest.mouseMove(widget, point)
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rest[-1] if rest else first)


def ink_box(image: QImage) -> tuple[int, int, int, int] | None:
    """The bounding box (left, top, right, bottom) of the pixels darker than light grey."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    rows = [bytes(grey.constScanLine(y))[: grey.width()] for y in range(grey.height())]
    inked = [(x, y) for y, row in enumerate(rows) if min(row) < 200 for x, v in enumerate(row) if v < 200]
    if not inked:
        return None
    xs, ys = [x for x, _ in inked], [y for _, y in inked]
    return (min(xs), min(ys), max(xs), max(ys))


def test_a_stroke_signs_and_clear_wipes_it(qtbot) -> None:  # noqa: ANN001
    widget = pad(qtbot)
    changes: list[None] = []
    widget.changed.connect(lambda: changes.append(None))
    assert widget.is_empty()
    with pytest.raises(ValueError, match="empty"):
        widget.png()
    stroke(widget, (50, 60), (120, 90), (200, 70))
    assert not widget.is_empty()
    assert widget.stroke_count() == 1
    stroke(widget, (220, 60), (260, 100))
    assert widget.stroke_count() == 2
    widget.clear()
    assert widget.is_empty()
    assert len(changes) == 3


def test_delete_clears_from_the_keyboard(qtbot) -> None:  # noqa: ANN001
    widget = pad(qtbot)
    stroke(widget, (50, 60), (120, 90))
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    assert widget.is_empty()


def test_the_png_is_the_ink_on_white_trimmed_to_it(qtbot) -> None:  # noqa: ANN001
    widget = pad(qtbot)
    stroke(widget, (100, 40), (300, 40), (300, 100))
    data = widget.png()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = QImage.fromData(data, "PNG")
    # the ink spans 200 x 60 pad points, drawn at twice the pixels, plus the margins: not the pad's 400 x 150
    assert 400 <= image.width() <= 440
    assert 120 <= image.height() <= 160
    assert QColor(image.pixel(0, 0)) == QColor("white")
    assert QColor(image.pixel(image.width() - 1, image.height() - 1)) == QColor("white")
    left, top, right, bottom = ink_box(image) or (0, 0, 0, 0)
    assert left <= 20 and top <= 20  # the ink starts at the margin
    assert image.width() - right <= 20 and image.height() - bottom <= 20


def test_a_resized_pad_keeps_and_rescales_the_strokes(qtbot) -> None:  # noqa: ANN001
    widget = pad(qtbot)
    stroke(widget, (100, 40), (300, 40), (300, 100))
    before = QImage.fromData(widget.png(), "PNG")
    widget.resize(200, 75)  # half the size: the same signature at half the size
    qtbot.wait(10)
    assert widget.stroke_count() == 1
    after = QImage.fromData(widget.png(), "PNG")
    assert after.width() < before.width() * 0.6
    grabbed = widget.grab().toImage()
    assert ink_box(grabbed) is not None  # still drawn on the pad
    widget.resize(400, 150)
    again = QImage.fromData(widget.png(), "PNG")
    assert (again.width(), again.height()) == (before.width(), before.height())


def test_the_pad_draws_what_was_signed(qtbot) -> None:  # noqa: ANN001
    widget = pad(qtbot)
    stroke(widget, (60, 30), (60, 120))
    shown = widget.grab().toImage()
    assert QColor(shown.pixel(60, 75)).lightness() < 100  # ink on the line drawn
    assert QColor(shown.pixel(300, 40)).lightness() > 240  # white away from it


def test_a_stylus_signs_with_its_pressure(qtbot) -> None:  # noqa: ANN001
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QInputDevice, QPointingDevice, QTabletEvent
    from PySide6.QtWidgets import QApplication

    widget = pad(qtbot)
    stylus = QPointingDevice("test stylus", 7, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
                             QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 2)

    def tablet(kind: QEvent.Type, x: float, y: float, pressure: float) -> bool:
        event = QTabletEvent(kind, stylus, QPointF(x, y), QPointF(widget.mapToGlobal(QPointF(x, y))), pressure,
                             0.0, 0.0, 0.0, 0.0, 0.0, Qt.KeyboardModifier.NoModifier,
                             Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton)
        QApplication.sendEvent(widget, event)
        return event.isAccepted()

    assert tablet(QEvent.Type.TabletPress, 40, 50, 1.0)
    for step in range(1, 11):
        assert tablet(QEvent.Type.TabletMove, 40 + 20 * step, 50, 1.0)
    assert tablet(QEvent.Type.TabletRelease, 240, 50, 1.0)
    assert widget.stroke_count() == 1
    heavy = QImage.fromData(widget.png(), "PNG")
    widget.clear()
    tablet(QEvent.Type.TabletPress, 40, 50, 0.0)
    for step in range(1, 11):
        tablet(QEvent.Type.TabletMove, 40 + 20 * step, 50, 0.0)
    tablet(QEvent.Type.TabletRelease, 240, 50, 0.0)
    light = QImage.fromData(widget.png(), "PNG")
    heavy_box, light_box = ink_box(heavy), ink_box(light)
    assert heavy_box is not None and light_box is not None
    assert heavy_box[3] - heavy_box[1] > light_box[3] - light_box[1]  # a firmer press, a thicker line
