"""New reservation: the clerk's main screen.

The clerk picks the location, the class and the period (on the calendar or in the date and time
fields, in the branch's time zone), finds the customer by email, optionally a driver and a car.
While they type, a preview runs on the database worker: the cars and drivers free for the period,
the price, and every rule the engine would refuse with, shown next to the field it concerns. Enter
books; the engine decides again (the preview may be seconds old) and its refusal shows the same way.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypedDict

from PySide6.QtCore import QDate, QEvent, QItemSelectionModel, QStringListModel, Qt, QTime, QTimer
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QMenu, QWidget

from .. import queries
from ..db import Database
from ..display import count
from ..errors import RentalError
from ..queries import CarRow, CustomerInfo, DriverRow
from ..reservations import ReservationService, Room, WayOut
from ..values import Changes, Reservation
from ..charges import Charges, ExtraChoice
from ..extras import CatalogueItem
from . import text
from .desk import DeskContext
from .booking_layout import NARROWEST, ROOMY_FROM, TALL_FROM, THREE_COLUMNS_FROM, arrange, fit_car_columns, give_way, lay_out_now
from .forms.ui_booking_form import Ui_BookingForm
from .tablemodels import FreeCarModel
from .widgets import FieldMessages, ViewState, py_date, py_time, qdate, setup_grid, show_text, tab_leaves

#: How long the form waits after the last keystroke before it asks the database (milliseconds).
TYPING_PAUSE_MS = 150
#: The extras group's title (ui/booking_form.ui's; the count of rows out of view is added to it).
EXTRAS_TITLE = "E&xtras and cover"


@dataclass(frozen=True, slots=True)
class BookingRequest:
    """What the form holds, as the engine takes it (times in UTC)."""

    zip_code: str
    vehicle_class: str
    start: datetime | None
    end: datetime | None
    email: str = ""
    name: str = ""
    phone: str = ""
    driver_id: int | None = None
    car_id: int | None = None
    period_errors: tuple[tuple[str, str], ...] = ()  # (field, message) of times that do not exist
    extras: tuple[ExtraChoice, ...] = ()  # picked from the branch's catalogue (rentaldesk.gui.extras_picker)
    return_zip_code: str | None = None  # another branch's: a one-way rental (None: back where picked up)


class _PoolPeriod(TypedDict):
    """The pool and period every availability question of the engine takes."""

    vehicle_class: str
    zip_code: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class BookingPreview:
    """What the engine says about a request without booking it."""

    request: BookingRequest
    errors: dict[str, str] = field(default_factory=dict)
    free_cars: list[CarRow] = field(default_factory=list)
    drivers: list[DriverRow] = field(default_factory=list)
    price: Decimal | None = None
    day_rate: Decimal | None = None
    driver_rate: Decimal | None = None
    customer: CustomerInfo | None = None
    #: The engine's room for the period and, when there is none, its ways out.
    room: Room | None = None
    ways_out: list[WayOut] = field(default_factory=list)
    driver: DriverRow | None = None  # the driver asked for, free or not
    #: What the price is made of (the calculator's lines: rentaldesk.charges).
    charges: Charges | None = None


def preview_booking(service: ReservationService, db: Database, request: BookingRequest) -> BookingPreview:
    """The preview of ``request`` (runs on the database worker): each rule the engine would refuse
    with, by field, the free cars and drivers, and the price. Saves nothing."""
    errors = dict(request.period_errors)
    customer = queries.customer_by_email(db, request.email) if request.email.strip() else None
    if errors or request.start is None or request.end is None:
        return BookingPreview(request, errors, customer=customer)
    pool: _PoolPeriod = {"vehicle_class": request.vehicle_class, "zip_code": request.zip_code,
                         "start": request.start, "end": request.end}
    try:
        available = service.is_rental_available(**pool)
    except RentalError as exc:
        errors[exc.field or "start"] = exc.message
        return BookingPreview(request, errors, customer=customer)
    now = service.clock()
    room = service.room(**pool, car_id=request.car_id)  # the car picked: settled by the full decision
    free_ids = [*room.cars, *room.unsettled]  # the unsettled ones marked: picked, they are settled in full
    ways_out = service.ways_out(**pool) if not room.more else []
    free_cars = queries.list_cars(db, now, car_ids=free_ids)
    drivers = queries.list_drivers(db, now, free_for=(request.start, request.end))
    if not available:
        errors["vehicle_class"] = f"{_sentence(room.text())} for this period."  # the engine's words
    held = service.duplicate_of(customer_id=customer.id, **pool) if customer is not None else None
    if held is not None:
        errors["email"] = held.message  # the engine's words, naming the reservation held
    driver = next((d for d in drivers if d.id == request.driver_id), None)
    if request.driver_id is not None and driver is None:
        errors["driver_id"] = "This driver is not free for this period."
        driver = next(iter(queries.list_drivers(db, now, driver_ids=[request.driver_id])), None)
    if request.car_id is not None and request.car_id not in free_ids:
        errors["car_id"] = "This car is no longer free for this period."
    car = next((c for c in free_cars if c.car_id == request.car_id), None)
    if request.extras:  # the engine's stock rule, naming the item and how many are free then
        refusal = service.stock_refusal(zip_code=request.zip_code, extras=request.extras, start=request.start,
                                        end=request.end)
        if refusal is not None:
            errors["extras"] = refusal.message
    try:
        charges = service.quote_charges(**pool, car_id=car.car_id if car else None,
                                        driver_id=driver.id if driver else None, extras=request.extras,
                                        return_zip_code=request.return_zip_code)  # its drop fee a line
    except RentalError as exc:  # a return location gone since the form listed it: the engine's words
        errors[exc.field or "return_zip_code"] = exc.message
        return BookingPreview(request, errors, free_cars, drivers, customer=customer, room=room, ways_out=ways_out)
    day_rate = car.cost_per_day if car else None
    return BookingPreview(
        request, errors, free_cars, drivers, charges.total, day_rate, driver.day_rate if driver else None, customer,
        room, ways_out, driver, charges,
    )


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


class BookingScreen(QWidget):
    """The new-reservation form and its controller."""

    FIELDS = ("zip_code", "vehicle_class", "start", "end", "email", "name", "phone", "driver_id", "car_id", "extras",
              "return_zip_code")

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.ui = Ui_BookingForm()
        self.ui.setupUi(self)
        ui = self.ui
        self.messages = FieldMessages(
            labels=dict(zip(self.FIELDS, (ui.errorZip, ui.errorClass, ui.errorStart, ui.errorEnd, ui.errorEmail,
                                          ui.errorName, ui.errorPhone, ui.errorDriver, ui.errorCar, ui.errorExtras,
                                          ui.errorEnd))),  # the return location's is the Return row's
            inputs=dict(zip(self.FIELDS, (ui.locationCombo, ui.classCombo, ui.startDate, ui.endDate, ui.emailEdit,
                                          ui.nameEdit, ui.phoneEdit, ui.driverCombo, ui.freeCarsView,
                                          ui.extrasPicker, ui.returnButton))),
            general=ui.formError,
        )
        self.cars = FreeCarModel(desk.zone, self._location_name, self)
        self.cars_proxy = setup_grid(ui.freeCarsView, self.cars, sort_column=FreeCarModel.COL_COST)
        fit_car_columns(ui.freeCarsView)
        self.setMinimumWidth(NARROWEST)  # else three columns' minimum would hold the window above two's
        self.view_state = ViewState("booking")
        self.last_preview: BookingPreview | None = None
        self.last_reservation: Reservation | None = None
        self._generation = 0
        self._busy = False
        self._autofilled: tuple[str, str] | None = None  # (name, phone) the lookup filled in
        self._driver_names: dict[int, str] = {}
        self._customer_words = QStringListModel(self)
        completer = QCompleter(self._customer_words, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        ui.emailEdit.setCompleter(completer)
        ui.resultBanner.hide()
        tab_leaves(ui.startTime, ui.endTime)
        ui.calendar.setToolTip(ui.calendarHint.text())
        ui.startDate.label, ui.endDate.label = "Pick-up date", "Return date"
        ui.startDate.reference = lambda: self.desk.now().astimezone(self.zone).date()
        ui.endDate.reference = lambda: py_date(ui.startDate.date())
        self._period_shown: tuple[datetime, datetime] | None = None  # (pick-up, return), local wall time

        self._give_way_timer = QTimer(self, singleShot=True, interval=0)
        self._give_way_timer.timeout.connect(self._give_way)
        self._preview_timer = self._pause_timer(self.refresh_preview)
        self._lookup_timer = self._pause_timer(self._look_up_customer)
        ui.locationCombo.currentIndexChanged.connect(self._location_changed)
        ui.classCombo.currentIndexChanged.connect(self._schedule_preview)
        # Where the car comes back: the Return row's own label is a button ("Return", or "To" and
        # the other branch's code, its name in the tip) opening the list of the branches. A round
        # trip is the counter's common case, so it takes no row or width of its own (the trip column
        # has none to spare at 1024x700) and stays out of the Tab walk; a one-way is reached by the
        # mouse or Alt+T. Alt+R still goes to the return day, as the label's mnemonic did.
        self._return_zip: str | None = None
        self._return_menu = QMenu(ui.returnButton)
        self._return_choices = QActionGroup(self)
        self._return_choices.setExclusive(True)
        self._return_choices.triggered.connect(self._return_picked)
        ui.returnButton.setMenu(self._return_menu)
        QShortcut(QKeySequence("Alt+T"), self, ui.returnButton.showMenu,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Alt+R"), self, lambda: ui.endDate.setFocus(Qt.FocusReason.ShortcutFocusReason),
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        ui.startDate.dateChanged.connect(self._pickup_moved)
        ui.startTime.timeChanged.connect(self._pickup_moved)
        ui.endDate.dateChanged.connect(self._dates_edited)
        ui.endTime.timeChanged.connect(self._dates_edited)
        for edit in (ui.startDate, ui.endDate):
            edit.refused.connect(self._schedule_preview)
        ui.calendar.range_picked.connect(self._range_picked)
        ui.emailEdit.textEdited.connect(self._email_edited)
        for name, *inputs in (("zip_code", ui.locationCombo), ("vehicle_class", ui.classCombo),
                              ("start", ui.startDate, ui.startTime), ("end", ui.endDate, ui.endTime),
                              ("email", ui.emailEdit), ("name", ui.nameEdit), ("phone", ui.phoneEdit),
                              ("driver_id", ui.driverCombo), ("car_id", ui.freeCarsView)):
            self.messages.clear_on_change(name, *inputs)
        self._return_choices.triggered.connect(lambda _action: self.messages.set("return_zip_code", ""))
        completer.activated.connect(lambda _text: self._lookup_timer.start(0))
        ui.driverCombo.currentIndexChanged.connect(self._schedule_preview)
        ui.extrasGroup.hide()  # until the branch's catalogue is in
        ui.extrasPicker.changed.connect(self._extras_changed)
        self._offered_for: str | None = None  # the branch whose catalogue the picker shows
        ui.freeCarsView.selectionModel().selectionChanged.connect(self._car_chosen)
        ui.anyCarButton.clicked.connect(ui.freeCarsView.clearSelection)
        ui.reserveButton.clicked.connect(self.reserve)
        ui.clearButton.clicked.connect(self.clear)
        ui.copyButton.clicked.connect(self.copy_reference)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self, self._enter, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._escape, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+Shift+C"), self, self.copy_reference, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        desk.reference_changed.connect(self._fill_choices)
        desk.counter_branch_changed.connect(self._select_counter_branch)
        desk.changed.connect(self._data_changed)

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        narrow = event.size().width() < THREE_COLUMNS_FROM
        if narrow != getattr(self.ui, "narrow", None):
            arrange(self.ui, narrow=narrow)
            self._chain_extras()
        # the extras under the trip: one row (the rest scroll; Tab brings each into view) unless
        # the trip column has the room, so the calendar keeps its own
        # (four rows from ROOMY_FROM high, eight from TALL_FROM: the free cars' grid has room to give)
        height = event.size().height()
        rows = 1 if narrow or height < ROOMY_FROM else 8 if height >= TALL_FROM else 4
        if rows != self.ui.extrasPicker.visible_rows:
            self.ui.extrasPicker.set_rows(rows)
            self._title_extras()
        super().resizeEvent(event)

    def _title_extras(self) -> None:
        """The extras' title says how many more rows scroll below the ones shown (whole rows only
        are shown, so nothing else hints at them)."""
        hidden = self.ui.extrasPicker.hidden_rows()
        self.ui.extrasGroup.setTitle(EXTRAS_TITLE + (f" ({hidden} more: scroll or Tab)" if hidden else ""))

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # a message came or went: laid out anew
            timer = getattr(self, "_give_way_timer", None)  # (none while the form is being built)
            if timer is not None:
                timer.start()  # once the groups inside have laid themselves out too
        return handled

    def _give_way(self) -> None:
        """The read-backs give way to the messages (:func:`give_way`), pass after pass until
        nothing is squeezed; the timer runs meanwhile, so the desk is not settled before."""
        lay_out_now(self, self.ui)
        if give_way(self.ui, self.size()):
            self._give_way_timer.start()

    def activate(self) -> None:
        """Shown: the clerk starts at the location (Tab walks the form in reading order)."""
        self.ui.locationCombo.setFocus()

    def _pause_timer(self, slot) -> QTimer:  # noqa: ANN001
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(TYPING_PAUSE_MS)
        timer.timeout.connect(slot)
        return timer

    # -- choices ------------------------------------------------------------------------------------

    def _location_name(self, zip_code: str) -> str:
        branch = self.desk.branches.get(zip_code)
        return branch.label if branch else zip_code

    def _fill_choices(self) -> None:
        ui = self.ui
        current_class = ui.classCombo.currentData()
        for combo in (ui.locationCombo, ui.classCombo):
            combo.blockSignals(True)
            combo.clear()
        for branch in self.desk.branches.values():
            ui.locationCombo.addItem(branch.label, branch.zip_code)
        for vclass in self.desk.vehicle_classes.values():
            ui.classCombo.addItem(f"{vclass.name} · {text.money(vclass.day_rate)}/day", vclass.code)
        ui.classCombo.setCurrentIndex(max(0, ui.classCombo.findData(current_class)))
        for combo in (ui.locationCombo, ui.classCombo):
            combo.blockSignals(False)
        self._fill_return_choices()
        self._select_counter_branch()
        if self.last_preview is None:
            self.reset_period()

    def _fill_return_choices(self) -> None:
        """The return location's list: back here first, then every branch (the pick-up's own
        means here too: the engine's rule, :func:`rentaldesk.reservations.return_location`)."""
        self._return_menu.clear()
        for action in self._return_choices.actions():
            self._return_choices.removeAction(action)
        here = self._return_menu.addAction("Back here (round trip)")
        here.setData(None)
        self._return_menu.addSeparator()
        for branch in self.desk.branches.values():
            action = self._return_menu.addAction(f"{branch.label} ({branch.code})")
            action.setData(branch.zip_code)
        for action in self._return_menu.actions():
            if not action.isSeparator():
                action.setCheckable(True)
                self._return_choices.addAction(action)
        kept = self._return_zip if self._return_zip in self.desk.branches else None
        self.set_return_location(kept)

    @property
    def return_zip_code(self) -> str | None:
        """The return location picked: None for a round trip (the pick-up branch itself too)."""
        return self._return_zip if self._return_zip and self._return_zip != self.zip_code else None

    def set_return_location(self, zip_code: str | None) -> None:
        """Return the car at ``zip_code`` (None: where it is picked up), as the clerk's pick does."""
        self._return_zip = zip_code
        for action in self._return_choices.actions():
            action.setChecked(action.data() == zip_code)
        self._show_return_location()
        self._schedule_preview()

    def _return_picked(self, action: QAction) -> None:
        self.set_return_location(action.data() or None)

    def _show_return_location(self) -> None:
        """The Return row's label: "Return", or "To" and the other branch's code (no wider than the
        column's other labels: the date fields keep their room), its name in the tip."""
        ui = self.ui
        back = self.return_zip_code
        branch = self.desk.branches.get(back) if back else None
        code = branch.code if branch else back or ""
        ui.returnButton.setText(f"To {code}" if back else "Return")
        # no wider than the column's widest label: the trip column is as wide at every size, and
        # the location's name and the date fields need all the rest; a longer code is cut, its
        # branch named in the tip
        room = ui.classLabel.sizeHint().width()
        while back and len(code) > 1 and ui.returnButton.sizeHint().width() > room:
            code = code[:-1]
            ui.returnButton.setText(f"To {code}…")
        ui.returnButton.setToolTip(
            f"One way: returned at {branch.label if branch else back}, with its drop fee. Click to change (Alt+T)"
            if back else "Returned here. Click to return it at another branch: a one-way rental, with its drop "
                         "fee (Alt+T)")

    def _select_counter_branch(self, *_args: object) -> None:
        branch = self.desk.counter_branch
        if branch is not None:
            self.ui.locationCombo.setCurrentIndex(self.ui.locationCombo.findData(branch.zip_code))
        self._location_changed()

    def _location_changed(self, *_args: object) -> None:
        zone = self.zone
        self.ui.zoneLabel.setText(text.zone_hint(zone, self.desk.now()))
        self._show_return_location()  # a return at the new pick-up branch is a round trip
        zip_code = self.zip_code
        if zip_code and zip_code != self._offered_for:
            self._offered_for = zip_code
            service = self.desk.service
            self.desk.run(lambda: service.extras_offered(zip_code), lambda items: self._show_offered(zip_code, items))
        self._schedule_preview()

    def _show_offered(self, zip_code: str, items: tuple[CatalogueItem, ...]) -> None:
        """The branch's catalogue in the picker, Tab through it in reading order."""
        if zip_code != self.zip_code:
            return  # the clerk moved on to another branch
        ui = self.ui
        ui.extrasPicker.set_items(items)
        ui.extrasGroup.setVisible(bool(items))  # a branch offering nothing shows no group for it
        self._title_extras()
        ui.given_way_for = None  # type: ignore[attr-defined]  # the column changed: what gives way, again
        self._give_way_timer.start()
        self._chain_extras()
        self._schedule_preview()

    def _chain_extras(self) -> None:
        """Tab through the quantities in reading order: under the trip (two columns: return time ->
        quantities -> email), or above the free cars (three: driver -> quantities -> free cars)."""
        ui = self.ui
        if getattr(ui, "narrow", False):
            ui.extrasPicker.chain_tabs(ui.endTime, ui.emailEdit)
        else:
            ui.extrasPicker.chain_tabs(ui.driverCombo, ui.freeCarsView)

    def _extras_changed(self) -> None:
        self.messages.set("extras", "")
        self._schedule_preview()

    @property
    def zip_code(self) -> str:
        return self.ui.locationCombo.currentData() or ""

    @property
    def zone(self):  # noqa: ANN201 - a tzinfo
        return self.desk.zone(self.zip_code)

    def reset_period(self) -> None:
        """Pick-up at the first whole hour the lead time allows (with a margin), for one day."""
        branch = self.desk.branches.get(self.zip_code)
        lead = branch.lead_time if branch else timedelta(hours=2)
        earliest = (self.desk.now() + lead + timedelta(minutes=30)).astimezone(self.zone)
        start = earliest.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1 if earliest.minute else 0)
        self.set_period(start, start + (branch.min_rental if branch else timedelta(days=1)))

    def set_period(self, start: datetime, end: datetime) -> None:
        """Show [start, end) (aware times) in the branch's time zone."""
        ui = self.ui
        local_start, local_end = start.astimezone(self.zone), end.astimezone(self.zone)
        for widget in (ui.startDate, ui.startTime, ui.endDate, ui.endTime):
            widget.blockSignals(True)
        ui.startDate.setDate(qdate(local_start.date()))
        ui.startTime.setTime(QTime(local_start.hour, local_start.minute))
        ui.endDate.setDate(qdate(local_end.date()))
        ui.endTime.setTime(QTime(local_end.hour, local_end.minute))
        for widget in (ui.startDate, ui.startTime, ui.endDate, ui.endTime):
            widget.blockSignals(False)
        self._dates_edited()

    def _range_picked(self, start: QDate, end: QDate) -> None:
        ui = self.ui
        for edit, day in ((ui.startDate, start), (ui.endDate, end)):
            edit.blockSignals(True)
            edit.setDate(day)
            edit.blockSignals(False)
        ui.calendarHint.setText(
            "Now click the return day." if ui.calendar.picking_return else "Click the pick-up day, then the return day."
        )
        ui.calendar.setToolTip(ui.calendarHint.text())
        self._dates_edited(from_calendar=True)

    def _local_period(self) -> tuple[datetime, datetime]:
        """The pick-up and return the fields show, as naive local wall times."""
        ui = self.ui
        return (datetime.combine(py_date(ui.startDate.date()), py_time(ui.startTime.time())),
                datetime.combine(py_date(ui.endDate.date()), py_time(ui.endTime.time())))

    def _pickup_moved(self, *_args: object) -> None:
        """The pick-up moved: the return moves with it, so the rental keeps its length."""
        ui = self.ui
        if self._period_shown is not None:
            (old_start, old_end), (new_start, _end) = self._period_shown, self._local_period()
            try:
                new_end = old_end + (new_start - old_start)
            except OverflowError:  # past 9999: the return stays
                new_end = old_end
            for widget in (ui.endDate, ui.endTime):
                widget.blockSignals(True)
            ui.endDate.setDate(qdate(new_end.date()))
            ui.endTime.setTime(QTime(new_end.hour, new_end.minute))
            for widget in (ui.endDate, ui.endTime):
                widget.blockSignals(False)
        self._dates_edited()

    def _dates_edited(self, *_args: object, from_calendar: bool = False) -> None:
        ui = self.ui
        self._period_shown = self._local_period()
        if not from_calendar:
            ui.calendar.show_range(py_date(ui.startDate.date()), py_date(ui.endDate.date()))
        request = self.request()
        if request.start and request.end:
            ui.durationLabel.setText(text.duration(request.start, request.end, self.zone))
        self._schedule_preview()

    # -- the request and its preview ----------------------------------------------------------------

    def request(self) -> BookingRequest:
        """The form's values as the engine takes them."""
        ui = self.ui
        times, problems = {}, []
        for name, day_edit, time_edit in (("start", ui.startDate, ui.startTime), ("end", ui.endDate, ui.endTime)):
            typed_wrong = day_edit.problem()
            if typed_wrong is not None:  # the field holds its last day; the clerk meant another
                problems.append((name, typed_wrong))
                continue
            day = py_date(day_edit.date())
            clock_time = py_time(time_edit.time())
            try:
                times[name] = text.local_time(day, clock_time, self.zone, field=name)
            except RentalError as exc:
                problems.append((name, exc.message))
        return BookingRequest(
            zip_code=self.zip_code,
            vehicle_class=ui.classCombo.currentData() or "",
            start=times.get("start"),
            end=times.get("end"),
            email=ui.emailEdit.text().strip(),
            name=ui.nameEdit.text().strip(),
            phone=ui.phoneEdit.text().strip(),
            driver_id=ui.driverCombo.currentData(),
            car_id=self.chosen_car_id(),
            period_errors=tuple(problems),
            extras=ui.extrasPicker.picks(),
            return_zip_code=self.return_zip_code,
        )

    def chosen_car_id(self) -> int | None:
        rows = self.ui.freeCarsView.selectionModel().selectedRows()
        row = self.cars_proxy.row_of(rows[0]) if rows else None
        return row.car_id if row else None

    def _schedule_preview(self, *_args: object) -> None:
        if self.zip_code and self.ui.classCombo.currentData():
            self._preview_timer.start()

    def refresh_preview(self) -> None:
        """Ask the worker for a new preview; an answer to an older request is dropped."""
        self._preview_timer.stop()
        self._generation += 1
        generation, request = self._generation, self.request()
        self.desk.run(
            lambda: preview_booking(self.desk.service, self.desk.db, request),
            lambda preview: self._show_preview(generation, preview),
        )

    def _show_preview(self, generation: int, preview: BookingPreview) -> None:
        if generation != self._generation:
            return
        self.last_preview = preview
        ui = self.ui
        self.messages.clear(*[f for f in self.FIELDS if f not in ("name", "phone")])
        for name, message in preview.errors.items():
            self.messages.set(name, message)
        self._show_cars(preview)
        self._show_drivers(preview)
        self._show_price(preview)
        self._show_customer(preview.customer)
        ui.reserveButton.setEnabled(not self._busy)

    def _show_cars(self, preview: BookingPreview) -> None:
        ui = self.ui
        chosen = preview.request.car_id
        view = ui.freeCarsView
        under_cursor = self.cars_proxy.row_of(view.currentIndex()) if view.currentIndex().isValid() else None
        self.cars.unsettled = frozenset(preview.room.unsettled if preview.room else ())
        self.cars.set_rows(preview.free_cars)
        ui.freeCarsLabel.setText(self._free_cars_text(preview))
        for widget in (view, ui.carChoiceLabel, ui.anyCarButton):  # no car to list: the ways out have the room
            widget.setVisible(bool(preview.free_cars))
        cursor = self.cars.position_of(under_cursor.car_id) if under_cursor is not None else None
        if cursor is not None:  # the clerk's place in the grid stays where it was
            view.selectionModel().setCurrentIndex(self.cars_proxy.mapFromSource(self.cars.index(cursor, 0)),
                                                  QItemSelectionModel.SelectionFlag.NoUpdate)
        position = self.cars.position_of(chosen) if chosen is not None else None
        if position is not None:  # keep the clerk's choice (without asking for a new preview)
            selection = ui.freeCarsView.selectionModel()
            selection.blockSignals(True)
            ui.freeCarsView.selectRow(self.cars_proxy.mapFromSource(self.cars.index(position, 0)).row())
            selection.blockSignals(False)
            ui.freeCarsView.viewport().update()
        self._describe_car_choice()

    @staticmethod
    def _free_cars_text(preview: BookingPreview) -> str:
        """The line above the free cars."""
        room = preview.room
        if room is None:
            return "Choose a period the rules allow to see the free cars."
        ways = "".join(f"<br>• {html.escape(w.text)}" for w in preview.ways_out)
        # the engine's words: room for N more of M, or none, and its ways out
        line = f"{_sentence(room.text())} for this period" + (f".<br>Instead:{ways}" if ways else "")
        if room.more and room.unsettled:  # never a silent gap: say which cars are not sure to
            line += (f". The book is too busy to tell at once whether {count(len(room.unsettled), 'car')} "
                     f"marked “{FreeCarModel.TO_CHECK}” can take it: pick one and it is checked in full")
        return line

    def _car_chosen(self, *_args: object) -> None:
        self._describe_car_choice()
        previewed = self.last_preview.request.car_id if self.last_preview else None
        if self.chosen_car_id() != previewed:
            self._schedule_preview()

    def _describe_car_choice(self) -> None:
        car_id = self.chosen_car_id()
        position = self.cars.position_of(car_id) if car_id is not None else None
        row = self.cars.row_at(position) if position is not None else None
        self.ui.carChoiceLabel.setText(
            f"Reserved by car: {row.plate_number} ({text.money(row.cost_per_day)}/day), never swapped. Space lets it go."
            if row
            else "Any car of the class. Space on a row reserves that car."
        )
        self.ui.carChoiceLabel.setToolTip(
            "The counter will not swap this car for another." if row
            else "The counter assigns a car of the class and may swap it for another before pick-up."
        )
        self.ui.anyCarButton.setEnabled(row is not None)

    def _show_drivers(self, preview: BookingPreview) -> None:
        combo = self.ui.driverCombo
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("No driver", None)
        self._driver_names.update((d.id, d.name) for d in preview.drivers)
        nearby = sorted(preview.drivers, key=lambda d: (d.zip_code != preview.request.zip_code, d.name))
        for driver in nearby:
            where = "" if driver.zip_code in (None, preview.request.zip_code) else f" · based at {driver.zip_code}"
            combo.addItem(f"{driver.name} · {text.money(driver.day_rate)}/day{where}", driver.id)
        position = combo.findData(chosen) if chosen is not None else 0
        if position < 0:  # the chosen driver is no longer free: keep them, flagged
            # named, never by id: the engine's row, else the name last listed for them
            name = preview.driver.name if preview.driver is not None else self._driver_names.get(chosen, "the driver chosen")
            combo.addItem(f"{name} (not free)", chosen)
            position = combo.count() - 1
        combo.setCurrentIndex(position)
        combo.blockSignals(False)

    def _show_price(self, preview: BookingPreview) -> None:
        ui = self.ui
        request = preview.request
        ui.summaryLabel.setText(self._summary(preview))
        self._give_way_timer.start()  # the words' new height laid out, and given way to, at once
        if preview.price is None or request.start is None or request.end is None:
            ui.priceLabel.setText("—")
            ui.priceDetail.setText("The price shows once the period is valid.")
            return
        ui.priceLabel.setText(text.money(preview.price))
        # the calculator's own lines, so the detail always adds up to the price shown
        ui.priceDetail.setText(" + ".join(line.label for line in preview.charges.lines) if preview.charges else "")

    def _summary(self, preview: BookingPreview) -> str:
        """What the clerk reads back to the customer."""
        request = preview.request
        vclass = self.desk.vehicle_classes.get(request.vehicle_class)
        lines = [f"<b>{vclass.name if vclass else request.vehicle_class}</b> at {self._location_name(request.zip_code)}"]
        if request.return_zip_code is not None:
            lines.append(f"One way: returned at {html.escape(self._location_name(request.return_zip_code))}")
        if request.start and request.end:
            lines.append(text.period(request.start, request.end, self.zone))
            lines.append(text.duration(request.start, request.end, self.zone))
        car = next((c for c in preview.free_cars if c.car_id == request.car_id), None)
        lines.append(f"Car {car.plate_number}, {car.model}, {car.color}" if car else "Any car of the class")
        driver = preview.driver
        free = driver is not None and any(d.id == driver.id for d in preview.drivers)
        lines.append("No driver" if driver is None
                     else f"Driver {text.driver_label(driver.name, driver.phone)}" + ("" if free else " (not free)"))
        if request.extras:
            lines.append("With " + ", ".join(html.escape(f"{e.quantity} × {e.label}" if e.quantity > 1 else e.label)
                                             for e in request.extras))
        return "<br>".join(lines)

    def _show_customer(self, customer: CustomerInfo | None) -> None:
        ui = self.ui
        email = ui.emailEdit.text().strip()
        if customer is None:
            show_text(ui.customerHint, "New customer: they are added when you book." if "@" in email else "")
            return
        show_text(ui.customerHint, f"Returning customer · {count(customer.reservations, 'reservation')}")
        name, phone = ui.nameEdit.text().strip(), ui.phoneEdit.text().strip()
        # Fill in a known customer's details unless the clerk has typed their own.
        if self._autofilled is not None and (name, phone) != self._autofilled and (name or phone):
            return
        if self._autofilled is None and (name or phone):
            return
        ui.nameEdit.setText(customer.name)
        ui.phoneEdit.setText(customer.phone)
        self._autofilled = (customer.name, customer.phone)

    # -- customer lookup ----------------------------------------------------------------------------

    def _email_edited(self, _text: str) -> None:
        ui = self.ui
        if self._autofilled is not None and (ui.nameEdit.text(), ui.phoneEdit.text()) == self._autofilled:
            ui.nameEdit.clear()  # the details belonged to the email that was there before
            ui.phoneEdit.clear()
            self._autofilled = None
        self._lookup_timer.start()

    def _suggestions(self) -> QAbstractItemView | None:
        """The email suggestions, while they show."""
        popup = self.ui.emailEdit.completer().popup()
        return popup if popup is not None and popup.isVisible() else None

    def _escape(self) -> None:
        """Esc: close the email suggestions if they show; else start over."""
        popup = self._suggestions()
        if popup is not None:
            popup.hide()
        else:
            self.clear()

    def _enter(self) -> None:
        """Enter: on the email suggestions, take the one chosen (the customer is filled in); else book."""
        popup = self._suggestions()
        if popup is None:
            self.reserve()
            return
        chosen = popup.currentIndex()
        popup.hide()
        if chosen.isValid():
            self.ui.emailEdit.setText(str(chosen.data()))
        self._email_edited(self.ui.emailEdit.text())
        self._lookup_timer.start(0)

    def _look_up_customer(self) -> None:
        typed = self.ui.emailEdit.text().strip()
        self.desk.run(lambda: queries.find_customers(self.desk.db, typed), self._show_matches)
        self._schedule_preview()

    def _show_matches(self, customers: list[CustomerInfo]) -> None:
        self._customer_words.setStringList([c.email for c in customers])

    # -- booking ------------------------------------------------------------------------------------

    def reserve(self) -> None:
        """Book what the form holds (Enter)."""
        if self._busy:
            return
        request = self.request()
        self.messages.clear("name", "phone", "")
        self.ui.resultBanner.hide()  # this attempt's answer replaces the last booking's
        start, end = request.start, request.end
        if request.period_errors or start is None or end is None:  # no error: both times exist
            for name, message in request.period_errors:
                self.messages.set(name, message)
            return
        self._set_busy(True)
        service = self.desk.service
        self.desk.run(
            lambda: service.create_reservation(
                email=request.email, name=request.name, phone=request.phone or None,
                vehicle_class=request.vehicle_class, zip_code=request.zip_code,
                start=start, end=end, car_id=request.car_id, driver_id=request.driver_id,
                extras=request.extras, return_zip_code=request.return_zip_code,
            ),
            self._booked,
            self._refused,
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.ui.reserveButton.setEnabled(not busy)
        self.ui.reserveButton.setText("Booking…" if busy else "Reserve")

    def _refused(self, error: RentalError) -> None:
        self._set_busy(False)
        self.messages.focus(self.messages.show(error))

    def _booked(self, reservation: Reservation) -> None:
        self._set_busy(False)
        self.last_reservation = reservation
        ui = self.ui
        zone = self.desk.zone(reservation.zip_code)
        status = "waiting for head office" if reservation.status == "pending" else text.status_label(reservation.status)
        ui.referenceLabel.setText(f"{reservation.reference}  ·  {status}")
        ui.resultText.setText(
            f"{reservation.customer_name}: {self.desk.class_name(reservation.vehicle_class)} at "
            f"{self._location_name(reservation.zip_code)}, "
            f"{text.period(reservation.start, reservation.end, zone)}, {text.money(reservation.price)}"
            + (f", returned at {self._location_name(reservation.return_zip_code)}"
               if reservation.return_zip_code is not None else "")
            + (f", car {reservation.plate_number}" if reservation.pinned else "")
        )
        ui.resultBanner.show()
        self.clear_customer()
        ui.emailEdit.setFocus()

    def copy_reference(self) -> None:
        if self.last_reservation is not None:
            QGuiApplication.clipboard().setText(self.last_reservation.reference)

    def clear_customer(self) -> None:
        ui = self.ui
        for edit in (ui.emailEdit, ui.nameEdit, ui.phoneEdit):
            edit.clear()
        self._autofilled = None
        show_text(ui.customerHint, "")
        ui.driverCombo.setCurrentIndex(0)
        self.set_return_location(None)  # the next customer's trip starts as a round trip
        ui.extrasPicker.clear()
        ui.freeCarsView.clearSelection()
        self.messages.clear()
        self._schedule_preview()

    def clear(self) -> None:
        """Start over (Esc): a new customer, the default period, the counter's branch."""
        self.ui.resultBanner.hide()
        self.clear_customer()
        self.reset_period()
        self.ui.locationCombo.setFocus()

    def _data_changed(self, changes: Changes) -> None:
        if changes.cars or changes.reservations or changes.drivers:
            self._schedule_preview()

    # -- remembered layout --------------------------------------------------------------------------

    def restore_state(self) -> None:
        self.view_state.restore(headers={"cars": self.ui.freeCarsView.horizontalHeader()})
        fit_car_columns(self.ui.freeCarsView)  # the widths follow the cells, whatever an older state said

    def save_state(self) -> None:
        self.view_state.save(headers={"cars": self.ui.freeCarsView.horizontalHeader()})

