"""The car's damage at check-out and check-in: a top view of a car with its zones, the marks found
before (grey, as they were) and the new ones the clerk adds, each with a note and maybe a photo.

The drawing is code (the zones are shapes the clicks are tested against); a mark's place is kept as
fractions of the top view (x across from the car's left, y from the front to the back), the values
:class:`rentaldesk.damage.DamageMark` holds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..damage import ZONE_BOXES, DamageMark, Zone, checked, zone_at
from ..errors import RentalError
from .widgets import show_text

#: The car's outline in the top view: its width across as a fraction of its length.
ASPECT = 0.48
#: Where the four wheels are drawn: the corners of the top view that no panel covers (a click on
#: one is the wheels' zone, by :func:`rentaldesk.damage.zone_at`).
_WHEEL_CORNERS = ((0.0, 0.0), (0.8, 0.0), (0.0, 0.94), (0.8, 0.94))
_WHEEL_SIZE = (0.2, 0.06)


def zone_shapes() -> list[tuple[Zone, QPainterPath]]:
    """Every zone with its shape as drawn, in fractions of the top view: the panels are the damage
    rule's boxes (:data:`rentaldesk.damage.ZONE_BOXES`), the wheels its four corners."""
    shapes: list[tuple[Zone, QPainterPath]] = []
    for zone, (x0, y0, x1, y1) in ZONE_BOXES.items():
        path = QPainterPath()
        if zone is Zone.WHEELS:
            for x, y in _WHEEL_CORNERS:
                path.addRoundedRect(QRectF(x + 0.02, y + 0.005, _WHEEL_SIZE[0] - 0.04, _WHEEL_SIZE[1] - 0.01),
                                    0.02, 0.01)
        else:
            path.addRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        shapes.append((zone, path))
    return shapes


_SHAPES = zone_shapes()


def zone_under(x: float, y: float) -> Zone | None:
    """The zone at fractions ``(x, y)`` of the top view (the damage rule's
    :func:`~rentaldesk.damage.zone_at`); None off the car."""
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        return None
    return zone_at(x, y)


def zone_centre(zone: Zone) -> tuple[float, float]:
    """Where a mark chosen from the zone list goes: the middle of the zone's box (of the front left
    wheel for the wheels)."""
    if zone is Zone.WHEELS:
        x, y = _WHEEL_CORNERS[0]
        return (round(x + _WHEEL_SIZE[0] / 2, 4), round(y + _WHEEL_SIZE[1] / 2, 4))
    x0, y0, x1, y1 = ZONE_BOXES[zone]
    return (round((x0 + x1) / 2, 4), round((y0 + y1) / 2, 4))


@dataclass(frozen=True)
class _Shown:
    """A mark on the diagram: the mark and whether it is the clerk's new one."""

    mark: DamageMark
    new: bool


class CarTopView(QWidget):
    """The drawing: the car's outline and zones, the marks numbered (the earlier ones grey). A
    click on the car asks for a mark there (``clicked(zone, x, y)``); the zone under the pointer
    lights up."""

    clicked = Signal(object, float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._marks: list[_Shown] = []
        self._hover: Zone | None = None
        self._selected: int | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Click where the damage is to mark it")

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(130, 240)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(190, 360)

    def show_marks(self, marks: list[_Shown], selected: int | None) -> None:
        self._marks = marks
        self._selected = selected
        self.update()

    def car_rect(self) -> QRectF:
        """Where the top view is drawn: the largest rectangle of the car's proportions that fits."""
        margin = 8
        label = self.fontMetrics().height()  # room above for the word "front"
        room = QRectF(self.rect()).adjusted(margin, margin + label, -margin, -margin)
        height = min(room.height(), room.width() / ASPECT)
        width = height * ASPECT
        return QRectF(room.center().x() - width / 2, room.center().y() - height / 2, width, height)

    def to_widget(self, x: float, y: float) -> QPointF:
        car = self.car_rect()
        return QPointF(car.left() + x * car.width(), car.top() + y * car.height())

    def to_fraction(self, point: QPointF) -> tuple[float, float]:
        car = self.car_rect()
        return ((point.x() - car.left()) / car.width(), (point.y() - car.top()) / car.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        car = self.car_rect()
        painter.save()
        painter.translate(car.topLeft())
        painter.scale(car.width(), car.height())
        outline = QPen(QColor("#5b6675"), 0)  # cosmetic: one pixel at any scale
        for zone, shape in _SHAPES:
            fill = QColor("#eef2f7")
            if zone is Zone.WHEELS:
                fill = QColor("#3d4550")
            elif zone in (Zone.WINDSCREEN, Zone.REAR_WINDOW):
                fill = QColor("#cfe0f3")
            if zone is self._hover:
                fill = fill.darker(115) if zone is not Zone.WHEELS else QColor("#596373")
            painter.setPen(outline)
            painter.setBrush(fill)
            painter.drawPath(shape)
        painter.restore()
        painter.setPen(QColor("#5b6675"))
        small = QFont(painter.font())
        small.setPointSizeF(max(small.pointSizeF() * 0.8, 6))
        painter.setFont(small)
        front = QRectF(car.left(), car.top() - 2, car.width(), 0)
        painter.drawText(front.adjusted(0, -14, 0, 0), Qt.AlignmentFlag.AlignHCenter, "front")
        radius = 9
        for number, shown in enumerate(self._marks, start=1):
            centre = self.to_widget(shown.mark.x, shown.mark.y)
            colour = QColor("#c62828") if shown.new else QColor("#9aa3ad")
            pen = QPen(QColor("#1f2a37"), 2) if number - 1 == self._selected else QPen(colour.darker(130), 1)
            painter.setPen(pen)
            painter.setBrush(colour)
            painter.drawEllipse(centre, radius, radius)
            painter.setPen(QColor("white"))
            painter.drawText(QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius),
                             Qt.AlignmentFlag.AlignCenter, str(number))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        zone = zone_under(*self.to_fraction(event.position()))
        if zone is not self._hover:
            self._hover = zone
            self.setToolTip(f"{zone.label}: click to mark damage here" if zone else "Click where the damage is to mark it")
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: ANN001, N802
        self._hover = None
        self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            x, y = self.to_fraction(event.position())
            zone = zone_under(x, y)
            if zone is not None:
                self.clicked.emit(zone, round(x, 4), round(y, 4))
                event.accept()
                return
        super().mousePressEvent(event)


class DamageDiagram(QWidget):
    """The damage of one car: the earlier marks (shown, not editable) and the new ones.

    A mark is added by a click on the car (its zone found under the pointer) or, from the keyboard,
    by choosing a zone in the list and pressing Add mark. The selected new
    mark's note is edited in the note field, a photo (PNG or JPEG) attached from a file, and the
    mark removed. ``marks()`` returns the new marks, stamped with this diagram's ``stage``;
    ``changed`` tells each change.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage = "out"
        self._existing: list[DamageMark] = []
        self._new: list[DamageMark] = []
        self.view = CarTopView(self)
        self.view.setObjectName("carTopView")
        self.view.clicked.connect(self.add_mark)

        self.zoneCombo = QComboBox(self)
        self.zoneCombo.setObjectName("zoneCombo")
        self.zoneCombo.setAccessibleName("Zone")
        for zone in Zone:
            self.zoneCombo.addItem(zone.label, zone.value)
        self.addButton = QPushButton("Add mark", self)
        self.addButton.setObjectName("addMarkButton")
        self.addButton.setAutoDefault(False)
        self.addButton.clicked.connect(self._add_from_list)
        self.markList = QListWidget(self)
        self.markList.setObjectName("markList")
        self.markList.setAccessibleName("Marks")
        self.markList.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.markList.setWordWrap(True)  # a long note wraps instead of scrolling out of sight
        self.markList.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.markList.currentRowChanged.connect(self._row_changed)
        self.noteLabel = QLabel("&Note", self)
        self.noteEdit = QLineEdit(self)
        self.noteEdit.setObjectName("noteEdit")
        self.noteEdit.setPlaceholderText("e.g. scratch 10 cm")
        self.noteEdit.setMaxLength(200)
        self.noteLabel.setBuddy(self.noteEdit)
        self.noteEdit.textEdited.connect(self._note_edited)
        self.photoButton = QPushButton("Photo…", self)
        self.photoButton.setObjectName("photoButton")
        self.photoButton.setAutoDefault(False)
        self.photoButton.clicked.connect(self.choose_photo)
        self.removeButton = QPushButton("Remove", self)
        self.removeButton.setObjectName("removeMarkButton")
        self.removeButton.setAutoDefault(False)
        self.removeButton.clicked.connect(self.remove_selected)
        self.problemLabel = QLabel(self)
        self.problemLabel.setObjectName("damageProblem")
        self.problemLabel.setProperty("role", "error")
        self.problemLabel.setWordWrap(True)
        self.problemLabel.hide()

        side = QVBoxLayout()
        add_row = QHBoxLayout()
        add_row.addWidget(self.zoneCombo, 1)
        add_row.addWidget(self.addButton)
        side.addLayout(add_row)
        side.addWidget(self.markList, 1)
        edit = QGridLayout()
        edit.addWidget(self.noteLabel, 0, 0)
        edit.addWidget(self.noteEdit, 0, 1, 1, 2)
        edit.addWidget(self.photoButton, 1, 1)
        edit.addWidget(self.removeButton, 1, 2)
        side.addLayout(edit)
        side.addWidget(self.problemLabel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.view, 2)
        row.addLayout(side, 3)
        self.setTabOrder(self.zoneCombo, self.addButton)
        self.setTabOrder(self.addButton, self.markList)
        self.setTabOrder(self.markList, self.noteEdit)
        self.setTabOrder(self.noteEdit, self.photoButton)
        self.setTabOrder(self.photoButton, self.removeButton)
        self._file_dialog: QFileDialog | None = None
        self._refresh()

    # -- the marks ---------------------------------------------------------------------------------

    def set_existing(self, marks: tuple[DamageMark, ...] | list[DamageMark]) -> None:
        """The car's damage recorded before (shown grey, not editable)."""
        self._existing = list(marks)
        self._refresh()

    def existing(self) -> tuple[DamageMark, ...]:
        return tuple(self._existing)

    def marks(self) -> tuple[DamageMark, ...]:
        """The new marks, in the order they were added."""
        return tuple(self._new)

    def add_mark(self, zone: Zone, x: float, y: float) -> None:
        """A new mark in ``zone`` at fractions ``(x, y)``; it is selected, its note field focused."""
        self._new.append(DamageMark(zone=zone, x=x, y=y, note="", stage=self.stage))
        self._refresh(select=len(self._new) - 1)
        self.noteEdit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def _add_from_list(self) -> None:
        zone = Zone(self.zoneCombo.currentData())  # the combo hands back the str value
        self.add_mark(zone, *zone_centre(zone))

    def selected(self) -> int | None:
        """The selected new mark's index among :meth:`marks` (None: none, or an earlier one)."""
        row = self.markList.currentRow() - len(self._existing)
        return row if 0 <= row < len(self._new) else None

    def remove_selected(self) -> None:
        """Remove the selected new mark (the earlier ones stay)."""
        index = self.selected()
        if index is None:
            return
        del self._new[index]
        self._refresh(select=min(index, len(self._new) - 1) if self._new else None)
        self.changed.emit()

    def _note_edited(self, note: str) -> None:
        index = self.selected()
        if index is not None:
            self._new[index] = replace(self._new[index], note=note)
            self._relabel(index)
            self.changed.emit()

    def choose_photo(self) -> None:
        """Ask for a photo file of the selected mark (PNG or JPEG); the dialog is window-modal,
        its answer goes to :meth:`attach_photo`."""
        if self.selected() is None:
            return
        dialog = QFileDialog(self.window(), "Photo of the damage")
        dialog.setObjectName("photoDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter("Photos (*.png *.jpg *.jpeg)")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # the same dialog everywhere
        dialog.fileSelected.connect(self.attach_photo)
        dialog.finished.connect(dialog.deleteLater)
        self._file_dialog = dialog
        dialog.open()

    def attach_photo(self, path: str) -> None:
        """The file at ``path`` as the selected mark's photo, if the damage rule takes it
        (:func:`rentaldesk.damage.checked`: a PNG or JPEG, at most 5 MB); else why not, under
        the list."""
        index = self.selected()
        if index is None:
            return
        file = Path(path)
        try:
            data = file.read_bytes()
        except OSError as error:
            show_text(self.problemLabel, f"The photo {file.name} could not be read: {error.strerror or error}")
            return
        try:
            mark = checked(replace(self._new[index], photo=data), len(self._existing) + index + 1)
        except RentalError as error:
            show_text(self.problemLabel, error.message[:1].upper() + error.message[1:])
            return
        self._new[index] = replace(self._new[index], photo=mark.photo)
        show_text(self.problemLabel, "")
        self._relabel(index)
        self.changed.emit()

    # -- showing -----------------------------------------------------------------------------------

    def _words(self, number: int, mark: DamageMark, new: bool) -> str:
        words = f"{number}. {mark.zone.label}"
        if mark.note:
            words += f": {mark.note}"
        if mark.photo:
            words += " (photo)"
        return words if new else f"{words} (before)"

    def _relabel(self, index: int) -> None:
        row = len(self._existing) + index
        item = self.markList.item(row)
        if item is not None:
            item.setText(self._words(row + 1, self._new[index], True))
        self._show_view()

    def _refresh(self, select: int | None = None) -> None:
        self.markList.blockSignals(True)
        self.markList.clear()
        for number, mark in enumerate(self._existing, start=1):
            item = QListWidgetItem(self._words(number, mark, False))
            item.setForeground(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            item.setToolTip("Recorded before: it cannot be changed here")
            self.markList.addItem(item)
        for index, mark in enumerate(self._new):
            self.markList.addItem(QListWidgetItem(self._words(len(self._existing) + index + 1, mark, True)))
        if select is not None:
            self.markList.setCurrentRow(len(self._existing) + select)
        self.markList.blockSignals(False)
        self._row_changed(self.markList.currentRow())

    def _row_changed(self, _row: int) -> None:
        index = self.selected()
        editable = index is not None
        self.noteEdit.setEnabled(editable)
        self.photoButton.setEnabled(editable)
        self.removeButton.setEnabled(editable)
        self.noteEdit.setText(self._new[index].note if index is not None else "")
        self._show_view()

    def _show_view(self) -> None:
        shown = [_Shown(m, False) for m in self._existing] + [_Shown(m, True) for m in self._new]
        row = self.markList.currentRow()
        self.view.show_marks(shown, row if row >= 0 else None)
