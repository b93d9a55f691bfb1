"""How the New reservation form lays itself out at each counter screen size (1024x700 up).

From THREE_COLUMNS_FROM wide: trip | customer, summary, Reserve, banner | extras, free cars. Below it:
trip, extras, summary | customer, free cars, Reserve, banner; the calendar and the free cars are what
give way.
When a field's message needs room the trip column has not got, the read-backs give way to it
(:func:`give_way`), so a message never pushes a control out of view.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QWidget

from .forms.ui_booking_form import Ui_BookingForm
from .tablemodels import FreeCarModel
from .widgets import PickGrid

#: From this width the form has three columns; below it two, so 1024x700 holds it all.
THREE_COLUMNS_FROM = 1146
#: The widths of the trip column, and of the customer column when there are three.
TRIP_WIDTH, CUSTOMER_WIDTH = 350, 320
#: From this height the extras picker shows four rows under the trip; below it one (the calendar keeps its room).
ROOMY_FROM = 900
#: From this height it shows eight rows (a full-HD counter screen: the free cars keep plenty).
TALL_FROM = 1000
#: The narrowest the form goes (two columns); it asks no more, so it never holds a window wider.
NARROWEST = 640
_ANY_WIDTH = 16777215


def fit_car_columns(view: PickGrid) -> None:
    """Every column of the free cars as wide as its widest cell, the model taking the rest; colour
    and gearbox (gearbox first) hide when the grid is too narrow for them."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(FreeCarModel.COL_MODEL, QHeaderView.ResizeMode.Stretch)
    view.optional = (FreeCarModel.COL_COLOR, FreeCarModel.COL_TRANSMISSION)


def arrange(ui: Ui_BookingForm, *, narrow: bool) -> None:
    """Three columns, or two on a narrow screen (nothing happens when it already is so)."""
    if getattr(ui, "narrow", None) is narrow:
        return
    ui.narrow = narrow  # type: ignore[attr-defined]
    columns = (ui.leftColumn, ui.middleLayout, ui.rightColumn)
    middle = [ui.customerGroup, ui.priceGroup, ui.formError, ui.actionsBar, ui.resultBanner]
    for column in columns:
        for widget in (ui.tripGroup, ui.extrasGroup, ui.carsGroup, *middle):
            column.removeWidget(widget)  # deletes its layout item (a widget holds on to its first one)
        while column.count():  # the stretches
            column.takeAt(0)
    placed: tuple[list[QWidget], list[QWidget], list[QWidget]]
    if narrow:
        placed = ([ui.tripGroup, ui.extrasGroup, ui.priceGroup],
                  [ui.customerGroup, ui.carsGroup, ui.formError, ui.actionsBar, ui.resultBanner], [])
    else:
        placed = ([ui.tripGroup], middle, [ui.extrasGroup, ui.carsGroup])
    for column, widgets in zip(columns, placed):
        for widget in widgets:
            column.addWidget(widget, 1 if widget in (ui.tripGroup, ui.carsGroup) else 0)  # the calendar, the grid grow
    if not narrow:
        ui.middleLayout.addStretch(1)

    for widget in middle:  # bounded, so a long banner never squeezes the free cars
        in_trip_column = narrow and widget is ui.priceGroup
        width = TRIP_WIDTH if in_trip_column else CUSTOMER_WIDTH
        widget.setMinimumWidth(0 if narrow and not in_trip_column else width)
        widget.setMaximumWidth(_ANY_WIDTH if narrow and not in_trip_column else width)
    margin, spacing = (16, 8) if narrow else (24, 12)
    ui.rootLayout.setContentsMargins(margin, spacing + 4, margin, spacing)
    ui.rootLayout.setSpacing(spacing)
    for column in columns:
        column.setSpacing(spacing)
    ui.tripLayout.setRowStretch(ui.tripLayout.rowCount() - 1, 0 if narrow else 1)  # wide: the calendar has a most
    ui.calendarHint.setVisible(not narrow)  # its words are the calendar's tooltip too
    ui.durationLabel.setVisible(not narrow)  # the summary says it too
    ui.bodyLayout.setStretch(1, 1 if narrow else 0)
    ui.bodyLayout.setStretch(2, 0 if narrow else 1)


def yielding(ui: Ui_BookingForm) -> tuple[QWidget, ...]:
    """What gives way, first to last, when the trip column is too short for its messages: the
    summary's lines (the fields say the same), the price's workings, then the calendar (the date
    fields take a typed day)."""
    in_column = ui.leftColumn.indexOf(ui.priceGroup) >= 0  # two columns: the summary is under the trip
    return (ui.summaryLabel, ui.priceDetail, ui.calendar) if in_column else (ui.calendar,)


def lay_out_now(form: QWidget, ui: Ui_BookingForm) -> None:
    """Lay the groups and then the form out at once. Left to the event loop, a group whose words
    grew (the summary's driver and phone, the calculator's lines) lays itself out first and asks
    the form for its new height only then, a turn later; until that turn the form still holds the
    group at the height of its old words, and the summary's lines are cut."""
    for group in (ui.tripGroup, ui.extrasGroup, ui.customerGroup, ui.priceGroup):
        layout = group.layout()
        if layout is not None:
            layout.activate()
    layout = form.layout()
    if layout is not None:
        layout.activate()


def give_way(ui: Ui_BookingForm, size: QSize) -> bool:
    """Called after each layout of the form (``size``: the form's), laid out at once
    (:func:`lay_out_now`). When the messages or the size changed, everything :func:`yielding`
    names shows again; otherwise, while a control of the trip column is squeezed below what it
    needs, the next part gives way. One change a pass; True when it changed something, and the
    caller asks again once the form is laid out with it."""
    groups = [ui.tripGroup, *([ui.priceGroup] if ui.leftColumn.indexOf(ui.priceGroup) >= 0 else [])]
    messages = tuple(label.text() for group in groups for label in group.findChildren(QLabel) if label.wordWrap())
    state = (size.width(), size.height(), messages, bool(getattr(ui, "narrow", False)))
    parts = yielding(ui)
    if getattr(ui, "given_way_for", None) != state:
        ui.given_way_for = state  # type: ignore[attr-defined]
        hidden = [w for w in (ui.summaryLabel, ui.priceDetail, ui.calendar) if w.isHidden()]
        for widget in hidden:
            widget.show()
        if hidden:
            return True  # the next pass, laid out with them, asks again
    position = cast("tuple[int, int, int, int]", ui.tripLayout.getItemPosition(ui.tripLayout.indexOf(ui.calendar)))
    calendar_row = position[0]
    ui.tripLayout.setRowStretch(calendar_row, 0 if ui.calendar.isHidden() else 1)  # no gap where it was
    direct = Qt.FindChildOption.FindDirectChildrenOnly
    if any(_squeezed(w) for group in groups for w in group.findChildren(QWidget, options=direct) if w.isVisible()):
        giving: QWidget | None = next((w for w in parts if not w.isHidden()), None)
        if giving is not None:
            giving.hide()
            return True
    return False


def _squeezed(widget: QWidget) -> bool:
    """Laid out smaller than its content needs (a wrapped label: shorter than its lines)."""
    if isinstance(widget, QLabel) and widget.wordWrap() and widget.text():
        return widget.height() < widget.heightForWidth(widget.width())
    hint = widget.minimumSizeHint()
    return hint.isValid() and widget.height() < hint.height()
