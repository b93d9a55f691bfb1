"""Reservations: today's pick-ups and returns, the upcoming ones and all, searched and filtered; one
opened to change its period or customer details, to cancel it, or to hand over and take back the car.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QTime, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QDialog, QInputDialog, QWidget

from .. import audit, queries
from ..display import count
from ..errors import PriceChanged, RentalError
from ..db import Database
from ..models import LIVE_STATUSES, ReservationStatus
from ..models import Reservation as ReservationRow
from ..reservations import pick_up as pick_up_rule
from ..queries import BranchInfo, DriverRow
from ..values import CarChoice, Changes, Reservation
from . import text
from .checkin_dialog import open_check_in
from .checkout_dialog import open_check_out
from .desk import DeskContext
from .empty import EmptyNote
from .history_panel import open_history
from .forms.ui_reservation_dialog import Ui_ReservationDialog
from .forms.ui_reservations import Ui_ReservationsScreen
from .tablemodels import ReservationTableModel
from .widgets import FieldMessages, ViewState, ask, py_date, py_time, qdate, setup_grid, tab_leaves

VIEW_TODAY, VIEW_UPCOMING, VIEW_ALL = range(3)
CANCELLABLE = (ReservationStatus.PENDING.value, ReservationStatus.CONFIRMED.value)
#: How long a refusal stays beside the buttons (milliseconds); a new selection clears it at once.
REFUSAL_MS = 12_000


def pick_up_refusal(db: Database, reservation_id: str, now: datetime) -> str | None:
    """Why the reservation cannot be picked up now (too early, not confirmed, its car out of
    service), None when it can: the service's own rule (:func:`rentaldesk.reservations.pick_up`)
    tried in a read session, which is rolled back, so nothing is saved and there is no second copy."""
    with db.session() as s:
        row = s.get(ReservationRow, reservation_id)
        if row is None:
            return "the reservation is gone"
        try:
            pick_up_rule(s, row, now)
        except RentalError as error:
            return error.message
        finally:
            s.rollback()
    return None


@dataclass(frozen=True, slots=True)
class ReservationFilter:
    """What the reservations grid shows: a view (today, upcoming, all) narrowed by status and
    pick-up dates (local days at the counter's branch); a search looks in every reservation,
    whichever view is chosen (a reference typed at the Today view is found even if it is not today's)."""

    view: int = VIEW_TODAY
    search: str = ""
    status: str | None = None
    days: tuple[date, date] | None = None

    def query(self, branch: BranchInfo, today: date) -> dict[str, Any]:
        """The arguments of :func:`rentaldesk.queries.find_reservations`: ``branch`` is the counter's,
        ``today`` its local date."""
        zone = branch.zone
        args: dict[str, Any] = {"search": self.search or None}
        if self.view == VIEW_TODAY and not self.search:
            args["touching"] = text.day_bounds(today, zone)
            args["zip_code"] = branch.zip_code
        statuses = list(LIVE_STATUSES) if self.view == VIEW_UPCOMING and not self.search else None
        if self.status == text.NEEDS_A_CAR:
            args["needs_car"] = True
        elif self.status:
            statuses = [self.status] if statuses is None or self.status in statuses else []
        if statuses is not None:
            args["statuses"] = statuses
        if self.days is not None:
            args["starts_from"] = text.start_of_day(self.days[0], zone)
            args["starts_before"] = text.day_bounds(self.days[1], zone)[1]
        return args


class ReservationActions:
    """Pick-up, return and cancellation of one reservation, shared by the grid and the dialog."""

    def __init__(self, desk: DeskContext) -> None:
        self.desk = desk

    def can_pick_up(self, reservation: Reservation, answer: Callable[[str | None], None]) -> None:
        """``answer(None)`` when the reservation can be picked up now, else ``answer(why not)``."""
        now = self.desk.now()
        self.desk.run(lambda: pick_up_refusal(self.desk.db, reservation.id, now), answer)

    def cancel(
        self, parent: QWidget, reservation: Reservation,
        done: Callable[[Reservation], None], refused: Callable[[RentalError], None],
    ) -> None:
        """Ask first; cancel only if the clerk confirms."""
        zone = self.desk.zone(reservation.zip_code)
        ask(
            parent,
            "Cancel reservation",
            f"Cancel reservation <b>{reservation.reference}</b> of {reservation.customer_name or reservation.customer_email} "
            f"({text.period(reservation.start, reservation.end, zone)})?<br>The car is free for others at once.",
            "Cancel reservation",
            lambda: self.desk.run(lambda: self.desk.service.cancel_reservation(reservation.id), done, refused),
        )


class ReservationsScreen(QWidget):
    """The reservations grid and its filters."""

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.ui = Ui_ReservationsScreen()
        self.ui.setupUi(self)
        ui = self.ui
        self.reservation_actions = ReservationActions(desk)
        self.model = ReservationTableModel(desk.zone, self, class_name=desk.class_name)
        self.proxy = setup_grid(ui.reservationsView, self.model, sort_column=ReservationTableModel.COL_PICKUP)
        self.empty_note = EmptyNote(ui.reservationsView, self._why_empty)
        self.view_state = ViewState("reservations")
        self.dialog: ReservationDialog | None = None
        ui.statusCombo.addItem("Any status", None)
        for status in ReservationStatus:
            ui.statusCombo.addItem(text.status_label(status.value).capitalize(), status.value)
        ui.statusCombo.addItem(text.status_label(text.NEEDS_A_CAR).capitalize(), text.NEEDS_A_CAR)
        self._refusal_timer = QTimer(self, interval=REFUSAL_MS)  # repeating: never a "typing pause"
        self._refusal_timer.timeout.connect(self._selection_changed)  # which stops it
        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self.reload)
        for button in (ui.todayButton, ui.upcomingButton, ui.allButton):
            button.toggled.connect(lambda on: self.reload() if on else None)
        ui.searchEdit.textChanged.connect(lambda _t: self._search_timer.start())
        ui.searchEdit.returnPressed.connect(self._open_first_match)
        ui.statusCombo.currentIndexChanged.connect(self.reload)
        ui.datesCheck.toggled.connect(self.reload)
        ui.fromDate.label, ui.toDate.label = "Pick-up from", "Pick-up to"
        ui.fromDate.reference = lambda: self.desk.now().astimezone(self.zone).date()
        ui.toDate.reference = lambda: py_date(ui.fromDate.date())
        for edit in (ui.fromDate, ui.toDate):
            edit.dateChanged.connect(self.reload)
            edit.textEdited.connect(lambda _t: self._count())  # a typo named (or its name gone) at once
            edit.refused.connect(self._count)
        ui.reservationsView.activated.connect(lambda _index: self.open_selected())
        ui.reservationsView.selectionModel().selectionChanged.connect(self._selection_changed)
        ui.openButton.clicked.connect(self.open_selected)
        ui.pickUpButton.clicked.connect(self._pick_up)
        ui.returnButton.clicked.connect(self._return_car)
        ui.cancelButton.clicked.connect(self._cancel)
        QShortcut(QKeySequence.StandardKey.Find, self, ui.searchEdit.setFocus)
        desk.reference_changed.connect(self._reference_loaded)
        desk.counter_branch_changed.connect(lambda _zip: self.reload())
        desk.changed.connect(self._data_changed)
        self._selection_changed()

    def activate(self) -> None:
        self.ui.searchEdit.setFocus()

    def _reference_loaded(self) -> None:
        today = qdate(self.desk.now().astimezone(self.zone).date())
        for edit in (self.ui.fromDate, self.ui.toDate):
            edit.blockSignals(True)
            edit.setDate(today)
            edit.blockSignals(False)
        self.reload()

    @property
    def zone(self) -> tzinfo:
        branch = self.desk.counter_branch
        return branch.zone if branch else self.desk.zone("")

    def current_filter(self) -> ReservationFilter:
        ui = self.ui
        view = VIEW_TODAY if ui.todayButton.isChecked() else VIEW_UPCOMING if ui.upcomingButton.isChecked() else VIEW_ALL
        days = (py_date(ui.fromDate.date()), py_date(ui.toDate.date())) if ui.datesCheck.isChecked() else None
        return ReservationFilter(view, ui.searchEdit.text().strip(), ui.statusCombo.currentData(), days)

    def _query(self) -> dict[str, Any]:
        branch = self.desk.counter_branch
        if branch is None:  # no branch yet: nothing to show
            return {"ids": []}
        return self.current_filter().query(branch, self.desk.now().astimezone(branch.zone).date())

    def reload(self, *_args: object) -> None:
        """Load the reservations the filters name."""
        self._search_timer.stop()
        args = self._query()
        self.desk.run(lambda: queries.find_reservations(self.desk.db, **args), self._loaded)

    def _loaded(self, reservations: list[Reservation]) -> None:
        selected = self.selected()
        self.model.set_rows(reservations)
        self._count()
        if selected is not None and self.model.position_of(selected.id) is not None:
            self.select(selected.id)
        elif reservations:  # the first match is ready for Enter
            self.ui.reservationsView.selectRow(0)
        self._selection_changed()

    def _data_changed(self, changes: Changes) -> None:
        if not changes.reservations and not changes.customers:
            return
        if changes.customers and not changes.reservations:  # a name changed: the rows naming them
            ids = {r.id for r in self.model.rows() if r.customer_id in changes.customers}
        else:
            ids = set(changes.reservations)
        args = {**self._query(), "ids": ids}
        self.desk.run(
            lambda: queries.find_reservations(self.desk.db, **args),
            lambda found: self._refreshed(found, ids),
        )

    def _refreshed(self, found: list[Reservation], ids: set[str]) -> None:
        self.model.update_rows(found, gone=ids - {r.id for r in found})
        self._count()
        self._selection_changed()

    def _count(self) -> None:
        n = self.model.rowCount()
        wanted = self.current_filter()
        view = wanted.view
        branch = self.desk.counter_branch
        where = f" at {branch.name}" if branch and view == VIEW_TODAY else ""
        self.empty_note.update()
        typed_wrong = self._dates_problem()
        self.ui.countLabel.setProperty("role", "error" if typed_wrong else "")
        self.ui.countLabel.style().polish(self.ui.countLabel)
        for edit in (self.ui.fromDate, self.ui.toDate):
            wrong = edit.isEnabled() and edit.problem() is not None
            if edit.property("invalid") != wrong:
                edit.setProperty("invalid", wrong)
                edit.style().polish(edit)
        if typed_wrong:  # the grid keeps the last days the fields held; the clerk reads why
            self.ui.countLabel.setText(typed_wrong)
        elif wanted.search:
            self.ui.countLabel.setText(f"{count(n, 'reservation')} matching “{wanted.search}”, every date")
        elif view == VIEW_TODAY:
            self.ui.countLabel.setText(count(n, "pick-up or return", "pick-ups and returns") + " today" + where)
        else:
            self.ui.countLabel.setText(count(n, "reservation"))

    def _dates_problem(self) -> str | None:
        """Why a typed pick-up date of the filter is not a day (None: both are, or the filter is off)."""
        if not self.ui.datesCheck.isChecked():
            return None
        return next((p for edit in (self.ui.fromDate, self.ui.toDate) if (p := edit.problem()) is not None), None)

    def _why_empty(self) -> str:
        """Why the grid is empty: the view, the search and the filters that left nothing."""
        wanted = self.current_filter()
        narrowed = []
        if wanted.status:
            narrowed.append(f"with the status “{text.status_label(wanted.status)}”")
        if wanted.days:
            narrowed.append(f"picked up between {wanted.days[0]:%d %b} and {wanted.days[1]:%d %b %Y}")
        rest = (" " + " and ".join(narrowed)) if narrowed else ""
        if wanted.search:
            return (f"No reservation matches “{wanted.search}”{rest}. The search looks in every reservation, "
                    "by reference, customer name, email or plate.")
        branch = self.desk.counter_branch
        if wanted.view == VIEW_TODAY:
            return f"No pick-ups or returns today at {branch.name if branch else 'this branch'}{rest}."
        if wanted.view == VIEW_UPCOMING:
            return f"No reservation is waiting to be picked up or returned{rest}."
        return f"No reservations{rest} yet." if not narrowed else f"No reservations{rest}."

    # -- the selected reservation -------------------------------------------------------------------

    def selected(self) -> Reservation | None:
        rows = self.ui.reservationsView.selectionModel().selectedRows()
        return self.proxy.row_of(rows[0]) if rows else None

    def select(self, reservation_id: str) -> None:
        position = self.model.position_of(reservation_id)
        if position is not None:
            self.ui.reservationsView.selectRow(self.proxy.mapFromSource(self.model.index(position, 0)).row())

    def _selection_changed(self, *_args: object) -> None:
        r = self.selected()
        ui = self.ui
        ui.openButton.setEnabled(r is not None)
        ui.returnButton.setEnabled(r is not None and r.status == ReservationStatus.ACTIVE.value)
        ui.cancelButton.setEnabled(r is not None and r.status in CANCELLABLE)
        self._refusal_timer.stop()
        self._show_note("")
        ui.pickUpButton.setEnabled(False)  # until the rule has answered for this reservation
        ui.pickUpButton.setToolTip("The customer takes the car")
        if r is not None and r.status in CANCELLABLE:
            self.reservation_actions.can_pick_up(r, functools.partial(self._pick_up_answer, r.id))

    def _pick_up_answer(self, reservation_id: str, why: str | None) -> None:
        selected = self.selected()
        if selected is None or selected.id != reservation_id:
            return
        self.ui.pickUpButton.setEnabled(why is None)
        self.ui.pickUpButton.setToolTip("The customer takes the car" if why is None else f"Not yet: {why}")
        if why is not None and selected.status == ReservationStatus.CONFIRMED.value:
            self._show_note(f"Pick-up: {why}.", error=False)

    def _show_note(self, note: str, *, error: bool = True) -> None:
        """The line beside the buttons: a refusal (for a while), or why pick-up is not offered."""
        label = self.ui.actionError
        label.setText(note)
        label.setProperty("role", "error" if error else "hint")
        label.style().unpolish(label)
        label.style().polish(label)
        label.setVisible(bool(note))

    def _open_first_match(self) -> None:
        """Enter in the search field: the search runs now, then the selected match opens."""
        if self._search_timer.isActive():
            args = self._query()

            def loaded_then_open(found: list[Reservation]) -> None:
                self._loaded(found)
                self.open_selected()

            self.desk.run(lambda: queries.find_reservations(self.desk.db, **args), loaded_then_open)
        else:
            self.open_selected()

    def open_selected(self) -> None:
        reservation = self.selected()
        if reservation is None:
            return
        self.dialog = ReservationDialog(self.desk, reservation, self.reservation_actions, self)
        self.dialog.open()

    def _show_refusal(self, error: RentalError) -> None:
        self._show_note(error.message)
        self._refusal_timer.start()

    def _pick_up(self) -> None:
        if (r := self.selected()) is not None:
            open_check_out(self, self.desk, r)

    def _return_car(self) -> None:
        if (r := self.selected()) is not None:
            open_check_in(self, self.desk, r.reference, self._show_refusal)

    def _cancel(self) -> None:
        if (r := self.selected()) is not None:
            self.reservation_actions.cancel(self, r, lambda _r: None, self._show_refusal)

    # -- remembered layout --------------------------------------------------------------------------

    def restore_state(self) -> None:
        self.view_state.restore(headers={"grid": self.ui.reservationsView.horizontalHeader()})

    def save_state(self) -> None:
        self.view_state.save(headers={"grid": self.ui.reservationsView.horizontalHeader()})


class ReservationDialog(QDialog):
    """One reservation: change its period, its return location (before pick-up: back at the pick-up
    branch, or a one-way to another) or the customer's name and phone (the engine re-checks the
    rules and availability, and a new price is shown old -> new before it is saved), cancel it,
    pick it up or return the car."""

    FIELDS = ("start", "end", "name", "phone", "return_zip_code")

    def __init__(self, desk: DeskContext, reservation: Reservation, actions: ReservationActions,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.reservation_actions = actions
        self.ui = Ui_ReservationDialog()
        self.ui.setupUi(self)
        ui = self.ui
        self.messages = FieldMessages(
            labels=dict(zip(self.FIELDS, (ui.errorStart, ui.errorEnd, ui.errorName, ui.errorPhone, ui.errorReturn))),
            inputs=dict(zip(self.FIELDS, (ui.startDate, ui.endDate, ui.nameEdit, ui.phoneEdit, ui.returnCombo))),
            general=ui.formError,
        )
        tab_leaves(ui.startTime, ui.endTime)
        ui.startDate.label, ui.endDate.label = "Pick-up date", "Return date"
        ui.startDate.reference = lambda: self.desk.now().astimezone(self.desk.zone(self.reservation.zip_code)).date()
        ui.endDate.reference = lambda: py_date(ui.startDate.date())
        for name, *inputs in (("start", ui.startDate, ui.startTime), ("end", ui.endDate, ui.endTime),
                              ("name", ui.nameEdit), ("phone", ui.phoneEdit)):
            self.messages.clear_on_change(name, *inputs)
        ui.returnCombo.currentIndexChanged.connect(lambda _i: self.messages.set("return_zip_code", ""))
        #: The reservation's driver as the desk lists them (looked up off the UI thread).
        self.driver: DriverRow | None = None
        ui.saveButton.clicked.connect(self.save)
        ui.cancelReservationButton.clicked.connect(
            lambda: actions.cancel(self, self.reservation, self._cancelled, self._refused))
        ui.pickUpButton.clicked.connect(lambda: open_check_out(self, desk, self.reservation))
        ui.returnButton.clicked.connect(lambda: open_check_in(self, desk, self.reservation.reference, self._refused))
        ui.assignCarButton.clicked.connect(self.choose_car)
        ui.historyButton.clicked.connect(lambda: open_history(
            self, desk, audit.RESERVATION, self.reservation.id, f"reservation {self.reservation.reference}"))
        self.show_reservation(reservation)
        self.adjustSize()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        # sized again once shown: the style sheet's fonts (and a HiDPI screen's metrics) are in now
        super().showEvent(event)
        self.resize(self.size().expandedTo(self.minimumSizeHint()))

    def show_reservation(self, r: Reservation) -> None:
        self.reservation = r
        ui = self.ui
        zone = self.desk.zone(r.zip_code)
        self.setWindowTitle(f"Reservation {r.reference}")
        ui.referenceLabel.setText(r.reference)
        look = text.status_look(text.reservation_status(r))
        ui.statusPill.setText(look.label.capitalize() + (f" ({r.status_reason})" if r.status_reason else ""))
        ui.statusPill.setStyleSheet(f"color: {look.foreground}; background: {look.background};")
        self._show_info()
        if r.driver_id is not None and (self.driver is None or self.driver.id != r.driver_id):
            driver_id, now = r.driver_id, self.desk.now()
            self.desk.run(lambda: queries.list_drivers(self.desk.db, now, driver_ids=[driver_id]), self._driver_found)
        local_start, local_end = r.start.astimezone(zone), r.end.astimezone(zone)
        ui.startDate.setDate(qdate(local_start.date()))
        ui.startTime.setTime(QTime(local_start.hour, local_start.minute))
        ui.endDate.setDate(qdate(local_end.date()))
        ui.endTime.setTime(QTime(local_end.hour, local_end.minute))
        ui.zoneHint.setText(text.zone_hint(zone, self.desk.now()))
        ui.emailEdit.setText(r.customer_email)
        ui.nameEdit.setText(r.customer_name)
        ui.phoneEdit.setText(r.customer_phone)
        self._fill_return_choices(r)
        live = r.status in LIVE_STATUSES
        started = r.status == ReservationStatus.ACTIVE.value or r.start <= self.desk.now()
        for start_widget in (ui.startDate, ui.startTime):
            start_widget.setEnabled(live and not started)
        for widget in (ui.endDate, ui.endTime, ui.nameEdit, ui.phoneEdit, ui.saveButton):
            widget.setEnabled(live)
        ui.cancelReservationButton.setEnabled(r.status in CANCELLABLE)
        # on rent, where the car comes back is the check-in's to say (its dialog: the return location)
        ui.returnCombo.setEnabled(r.status in CANCELLABLE)
        ui.pickUpButton.setEnabled(False)  # until the rule has answered
        if r.status in CANCELLABLE:
            self.reservation_actions.can_pick_up(r, functools.partial(self._pick_up_answer, r.id))
        ui.returnButton.setEnabled(r.status == ReservationStatus.ACTIVE.value)
        ui.assignCarButton.setEnabled(live)
        ui.assignCarButton.setProperty("role", "primary" if r.needs_car else "")
        ui.assignCarButton.style().polish(ui.assignCarButton)
        self.messages.clear()

    def _show_info(self) -> None:
        """The line under the reference: pool, car, price, the driver by name and phone."""
        r = self.reservation
        branch = self.desk.branches.get(r.zip_code)
        asked_for = r.pinned and r.status in CANCELLABLE  # a picked-up car is pinned too, but not asked for
        car = f"car {r.plate_number}" + (" (asked for by the customer)" if asked_for else "")
        driver = self.driver if self.driver is not None and self.driver.id == r.driver_id else None
        self.ui.infoLabel.setText(
            f"{self.desk.class_name(r.vehicle_class)} at {branch.label if branch else r.zip_code}, {car}, {text.money(r.price)}"
            + (f", with driver {text.driver_label(driver.name, driver.phone)}" if driver is not None
               else ", with a driver" if r.driver_id is not None else "")
            + (f". {r.plate_number} is out of service: give the reservation another car." if r.needs_car else "")
        )

    def _fill_return_choices(self, r: Reservation) -> None:
        """Where the car may come back: the pick-up branch first (a round trip), then each other
        branch (a one-way); the booked one chosen. What is chosen is checked by the engine's one
        rule (:func:`rentaldesk.reservations.return_location`), priced with the drop fee in effect."""
        combo = self.ui.returnCombo
        combo.blockSignals(True)
        combo.clear()
        here = self.desk.branches.get(r.zip_code)
        combo.addItem(f"Back at {here.label if here else r.zip_code} (round trip)", None)
        for branch in self.desk.branches.values():
            if branch.zip_code != r.zip_code:
                combo.addItem(f"{branch.label}, one-way", branch.zip_code)
        if r.return_zip_code is not None and combo.findData(r.return_zip_code) < 0:
            combo.addItem(f"{r.return_zip_code}, one-way", r.return_zip_code)  # a branch this desk does not list
        combo.setCurrentIndex(max(0, combo.findData(r.return_zip_code)) if r.return_zip_code is not None else 0)
        combo.blockSignals(False)

    def return_asked(self) -> str | None:
        """The return location chosen, as the service takes it: None when unchanged, the pick-up's
        zip code for a round trip again, another branch's for a one-way."""
        r = self.reservation
        chosen = self.ui.returnCombo.currentData()
        if chosen == r.return_zip_code:
            return None
        return r.zip_code if chosen is None else str(chosen)

    def _driver_found(self, drivers: list[DriverRow]) -> None:
        self.driver = next(iter(drivers), None)
        self._show_info()

    def _period(self) -> tuple[datetime, datetime] | None:
        ui = self.ui
        zone = self.desk.zone(self.reservation.zip_code)
        times = {}
        for name, day_edit, time_edit in (("start", ui.startDate, ui.startTime), ("end", ui.endDate, ui.endTime)):
            typed_wrong = day_edit.problem()
            if typed_wrong is not None:  # the field still holds its last day: the clerk meant another
                self.messages.set(name, typed_wrong)
                continue
            try:
                times[name] = text.local_time(py_date(day_edit.date()), py_time(time_edit.time()), zone, field=name)
            except RentalError as exc:
                self.messages.set(name, exc.message)
        return (times["start"], times["end"]) if len(times) == 2 else None

    def save(self) -> None:
        """Save what changed (Enter); close when the engine accepts it."""
        self.messages.clear()
        r = self.reservation
        period = self._period()
        if period is None:
            return
        ui = self.ui
        start = period[0] if period[0] != r.start else None
        end = period[1] if period[1] != r.end else None
        name = ui.nameEdit.text() if ui.nameEdit.text().strip() != r.customer_name else None
        phone = ui.phoneEdit.text() if ui.phoneEdit.text().strip() != r.customer_phone else None
        back = self.return_asked()
        if start is None and end is None and name is None and phone is None and back is None:
            self.accept()
            return
        ui.saveButton.setEnabled(False)

        def attempt(accept_price: Decimal | None) -> None:
            self.desk.run(lambda: self.desk.service.update_reservation(
                r.id, start=start, end=end, name=name, phone=phone, accept_price=accept_price,
                return_zip_code=back), self._saved, refused)

        def refused(error: RentalError) -> None:
            if not isinstance(error, PriceChanged):
                return self._refused(error)
            ui.saveButton.setEnabled(True)  # the price kept: the clerk sees old -> new and why, and decides
            ask(self, "The price changes", f"The price changes from <b>{text.money(error.old)}</b> to "
                f"<b>{text.money(error.new)}</b> ({error.why}).<br>Save the change at the new price?",
                f"Save at {text.money(error.new)}", lambda: attempt(error.new))
            return None

        attempt(None)

    def _saved(self, reservation: Reservation) -> None:
        self.reservation = reservation
        self.accept()

    def choose_car(self) -> None:
        """The cars the reservation could be given now (worked out off the UI thread), to pick one."""
        r = self.reservation
        self.ui.assignCarButton.setEnabled(False)
        self.desk.run(lambda: self.desk.service.cars_for(r.id), self._offer_cars, self._refused)

    def _offer_cars(self, choices: list[CarChoice]) -> None:
        r = self.reservation
        self.ui.assignCarButton.setEnabled(r.status in LIVE_STATUSES)
        if not choices:
            self.messages.show(RentalError(
                f"no car of {self.desk.class_name(r.vehicle_class)} or a higher class is free for this period, here or at another location"))
            return
        labels = [
            f"{c.plate_number} · {self.desk.class_name(c.vehicle_class)} at {self.desk.branches[c.zip_code].label if c.zip_code in self.desk.branches else c.zip_code}"
            + ("" if (c.vehicle_class, c.zip_code) == (r.vehicle_class, r.zip_code) else
               " (upgrade)" if c.zip_code == r.zip_code else " (another location)")
            for c in choices
        ]
        label, ok = QInputDialog.getItem(
            self, f"A car for {r.reference}",
            f"Give {r.reference} this car, at its booked price of {text.money(r.price)}:", labels, 0, False)
        if not ok:
            return
        chosen = choices[labels.index(label)]
        self.desk.run(lambda: self.desk.service.assign_car(r.id, chosen.car_id), self.show_reservation, self._refused)

    def _pick_up_answer(self, reservation_id: str, why: str | None) -> None:
        if self.reservation.id == reservation_id:
            self.ui.pickUpButton.setEnabled(why is None)
            self.ui.pickUpButton.setToolTip("The customer takes the car" if why is None else f"Not yet: {why}")

    def _cancelled(self, reservation: Reservation) -> None:
        self.reservation = reservation
        self.accept()

    def _refused(self, error: RentalError) -> None:
        self.ui.saveButton.setEnabled(self.reservation.status in LIVE_STATUSES)
        self.messages.focus(self.messages.show(error))
