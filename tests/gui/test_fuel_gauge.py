"""The fuel gauge through real clicks and keys: eighths 0..8, E to F."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from rentaldesk.gui.fuel_gauge import FULL, LABELS, FuelGauge


def gauge(qtbot) -> FuelGauge:  # noqa: ANN001
    widget = FuelGauge()
    qtbot.addWidget(widget)
    widget.resize(widget.sizeHint())
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def centre_of(widget: FuelGauge, eighths: int) -> QPoint:
    width = (widget.width() - 4) / len(LABELS)
    return QPoint(round(2 + width * (eighths + 0.5)), widget.height() // 2)


def test_a_click_picks_the_segment_under_the_pointer(qtbot) -> None:  # noqa: ANN001
    widget = gauge(qtbot)
    seen: list[int] = []
    widget.valueChanged.connect(seen.append)
    assert widget.value() == FULL
    for eighths in (3, 0, 8, 5):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=centre_of(widget, eighths))
        assert widget.value() == eighths
    assert seen == [3, 0, 8, 5]


def test_the_keyboard_steps_and_types_eighths(qtbot) -> None:  # noqa: ANN001
    widget = gauge(qtbot)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Left)
    assert widget.value() == 7
    qtbot.keyClick(widget, Qt.Key.Key_Right)
    qtbot.keyClick(widget, Qt.Key.Key_Right)  # already full: stays
    assert widget.value() == FULL
    qtbot.keyClick(widget, Qt.Key.Key_Home)
    assert widget.value() == 0
    qtbot.keyClick(widget, Qt.Key.Key_Left)
    assert widget.value() == 0
    qtbot.keyClick(widget, Qt.Key.Key_3)
    assert widget.value() == 3
    qtbot.keyClick(widget, Qt.Key.Key_9)  # no such reading: ignored
    assert widget.value() == 3
    qtbot.keyClick(widget, Qt.Key.Key_End)
    assert widget.value() == FULL


def test_readings_are_said_in_clerks_words(qtbot) -> None:  # noqa: ANN001
    widget = gauge(qtbot)
    widget.setValue(2)
    assert widget.accessibleDescription() == "Fuel: 2/8"  # the agreement's words (documents.fuel_words)
    widget.setValue(0)
    assert widget.accessibleDescription() == "Fuel: empty"
    widget.setValue(12)
    assert widget.value() == FULL
