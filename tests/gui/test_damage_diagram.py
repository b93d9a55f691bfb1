"""The damage diagram through real clicks and keys: marks by zone, notes, photos, the earlier marks
kept as they were."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from rentaldesk.damage import MAX_PHOTO_BYTES, ZONE_BOXES, DamageMark, Zone
from rentaldesk.gui.damage_diagram import DamageDiagram, zone_centre, zone_under

EARLIER = DamageMark(zone=Zone.BOOT, x=0.5, y=0.85, note="dent by the lock")


def diagram(qtbot) -> DamageDiagram:  # noqa: ANN001
    widget = DamageDiagram()
    qtbot.addWidget(widget)
    widget.resize(560, 380)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def point_of(widget: DamageDiagram, x: float, y: float) -> QPoint:
    return widget.view.to_widget(x, y).toPoint()


def click_car(widget: DamageDiagram, x: float, y: float) -> None:
    QTest.mouseClick(widget.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point_of(widget, x, y))


@pytest.mark.parametrize("zone", [z for z in Zone if z is not Zone.WHEELS])
def test_a_click_in_a_panel_marks_that_panel(qtbot, zone: Zone) -> None:  # noqa: ANN001
    widget = diagram(qtbot)
    x0, y0, x1, y1 = ZONE_BOXES[zone]
    click_car(widget, x0 + (x1 - x0) * 0.6, y0 + (y1 - y0) * 0.4)
    (mark,) = widget.marks()
    assert mark.zone is zone
    assert abs(mark.x - (x0 + (x1 - x0) * 0.6)) < 0.02 and abs(mark.y - (y0 + (y1 - y0) * 0.4)) < 0.02
    assert mark.stage == "out" and mark.note == ""


def test_a_click_on_a_wheel_marks_the_wheels_and_off_the_car_marks_nothing(qtbot) -> None:  # noqa: ANN001
    widget = diagram(qtbot)
    click_car(widget, 0.9, 0.97)  # the rear right wheel
    assert [m.zone for m in widget.marks()] == [Zone.WHEELS]
    outside = widget.view.to_widget(1.0, 0.5).toPoint() + QPoint(6, 0)
    QTest.mouseClick(widget.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, outside)
    assert len(widget.marks()) == 1
    assert zone_under(1.05, 0.5) is None


def test_earlier_marks_are_shown_grey_and_cannot_be_changed(qtbot) -> None:  # noqa: ANN001
    widget = diagram(qtbot)
    widget.set_existing((EARLIER,))
    assert widget.marks() == ()
    assert widget.markList.count() == 1
    assert "(before)" in widget.markList.item(0).text()
    widget.markList.setCurrentRow(0)
    assert not widget.noteEdit.isEnabled() and not widget.removeButton.isEnabled()
    assert not widget.photoButton.isEnabled()
    widget.removeButton.click()
    assert widget.existing() == (EARLIER,)
    shot = widget.view.grab().toImage()
    at = point_of(widget, EARLIER.x, EARLIER.y)
    colour = QColor(shot.pixel(at.x() + 4, at.y() + 4))
    assert abs(colour.red() - colour.blue()) < 40  # grey, not the new marks' red


def test_a_note_per_mark_and_remove_a_new_mark(qtbot) -> None:  # noqa: ANN001
    widget = diagram(qtbot)
    widget.set_existing((EARLIER,))
    click_car(widget, 0.5, 0.15)  # bonnet
    assert widget.noteEdit.isEnabled()
    QTest.keyClicks(widget.noteEdit, "chip 2 cm")
    click_car(widget, 0.1, 0.3)  # left front door
    QTest.keyClicks(widget.noteEdit, "scratch")
    assert [(m.zone, m.note) for m in widget.marks()] == [(Zone.BONNET, "chip 2 cm"), (Zone.LEFT_FRONT, "scratch")]
    widget.markList.setCurrentRow(1)  # the first new mark (row 0 is the earlier one)
    assert widget.noteEdit.text() == "chip 2 cm"
    QTest.mouseClick(widget.removeButton, Qt.MouseButton.LeftButton)
    assert [(m.zone, m.note) for m in widget.marks()] == [(Zone.LEFT_FRONT, "scratch")]
    assert widget.existing() == (EARLIER,)
    new_shot = widget.view.grab().toImage()
    at = point_of(widget, 0.1, 0.3)
    colour = QColor(new_shot.pixel(at.x() + 4, at.y() + 4))
    assert colour.red() > colour.blue() + 60  # a new mark is red


def test_the_keyboard_alone_adds_a_mark_in_a_chosen_zone(qtbot) -> None:  # noqa: ANN001
    widget = diagram(qtbot)
    widget.activateWindow()
    widget.zoneCombo.setFocus()
    target = widget.zoneCombo.findData(Zone.ROOF.value)
    while widget.zoneCombo.currentIndex() < target:
        QTest.keyClick(widget.zoneCombo, Qt.Key.Key_Down)
    QTest.keyClick(widget.zoneCombo, Qt.Key.Key_Tab)
    assert widget.focusWidget() is widget.addButton
    QTest.keyClick(widget.addButton, Qt.Key.Key_Space)
    (mark,) = widget.marks()
    assert (mark.zone, (mark.x, mark.y)) == (Zone.ROOF, zone_centre(Zone.ROOF))
    assert zone_under(mark.x, mark.y) is Zone.ROOF
    assert widget.focusWidget() is widget.noteEdit
    QTest.keyClicks(widget.noteEdit, "hail dents")
    assert widget.marks()[0].note == "hail dents"
    assert zone_under(*zone_centre(Zone.WHEELS)) is Zone.WHEELS


def png_file(tmp_path: Path, name: str = "dent.png") -> Path:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("orange"))
    path = tmp_path / name
    assert image.save(str(path), "PNG")
    return path


def test_a_photo_from_a_file_through_the_file_dialog(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    widget = diagram(qtbot)
    click_car(widget, 0.5, 0.5)
    path = png_file(tmp_path)
    QTest.mouseClick(widget.photoButton, Qt.MouseButton.LeftButton)
    dialog = widget.window().findChild(QFileDialog, "photoDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.selectFile(str(path))
    dialog.accept()
    (mark,) = widget.marks()
    assert mark.photo == path.read_bytes()
    assert "(photo)" in widget.markList.item(0).text()
    assert not widget.problemLabel.isVisible()


def test_a_file_that_is_no_photo_or_too_large_is_refused_in_words(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    widget = diagram(qtbot)
    click_car(widget, 0.5, 0.5)
    text_file = tmp_path / "notes.png"
    text_file.write_text("not a picture")
    widget.attach_photo(str(text_file))
    assert widget.marks()[0].photo is None
    assert widget.problemLabel.isVisible()
    assert "not a PNG or JPEG" in widget.problemLabel.text()
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(b"\xff\xd8\xff" + b"\0" * MAX_PHOTO_BYTES)
    widget.attach_photo(str(huge))
    assert widget.marks()[0].photo is None
    assert "at most 5 MB" in widget.problemLabel.text()
    widget.attach_photo(str(tmp_path / "gone.png"))
    assert "could not be read" in widget.problemLabel.text()
    widget.attach_photo(str(png_file(tmp_path)))
    assert widget.marks()[0].photo is not None
    assert not widget.problemLabel.isVisible()


def test_marks_stay_where_they_were_put_when_the_diagram_is_resized(qtbot) -> None:  # noqa: ANN001
    widget = diagram(qtbot)
    click_car(widget, 0.3, 0.45)
    before = widget.marks()
    widget.resize(900, 600)
    qtbot.wait(10)
    assert widget.marks() == before
    at = point_of(widget, before[0].x, before[0].y)
    colour = QColor(widget.view.grab().toImage().pixel(at.x() + 3, at.y() + 3))
    assert colour.red() > colour.blue() + 60
