"""Customers: search, the renter's record (edited through :func:`rentaldesk.customers.update_customer`,
refusals shown by their fields), the do-not-rent flag with its reason, and the history."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLineEdit, QWidget

from .. import audit
from .. import customers as service
from ..customers import CustomerView, HistoryRow
from ..display import count
from ..permissions import Permission
from ..values import Changes
from . import text
from .desk import DeskContext
from .empty import EmptyNote
from .roles import may
from .history_panel import HistoryDialog, open_history
from .forms.ui_customers import Ui_CustomersScreen
from .tablemodels import RIGHT, Column, RowTableModel
from .widgets import FieldMessages, ViewState, setup_grid

#: How many customers a search shows (the first, by name); more: type more of the name.
SHOWN = 500
#: The pause after typing before the search runs.
SEARCH_PAUSE_MS = 200


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


class CustomerTableModel(RowTableModel):
    """Customers: who they are, their licence and whether they may rent."""

    COL_NAME, COL_EMAIL, COL_PHONE, COL_LICENCE, COL_EXPIRY, COL_BORN, COL_RENT = range(7)

    columns = (
        Column("Name", lambda m, r: r.name, width=170, least=100),
        Column("Email", lambda m, r: r.email, width=200, least=110),
        Column("Phone", lambda m, r: r.phone, width=120, least=90),
        Column("Licence", lambda m, r: r.licence_number, width=110, least=80),
        Column("Valid to", lambda m, r: _day(r.licence_expiry), width=90),
        Column("Born", lambda m, r: _day(r.date_of_birth), width=90),
        Column("May rent", lambda m, r: "do not rent" if r.do_not_rent else "yes", width=100, least=80),
    )


class HistoryTableModel(RowTableModel):
    """A customer's history (:func:`rentaldesk.customers.history`): reservations, and whatever kinds
    of rows the history gains (agreements, payments), each with its own words in ``kind``."""

    COL_KIND, COL_REFERENCE, COL_STATUS, COL_PICKUP, COL_RETURN, COL_CLASS, COL_LOCATION, COL_AMOUNT = range(8)

    def __init__(self, desk: DeskContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.desk = desk

    columns = (
        Column("What", lambda m, r: r.kind, width=90, least=70),
        Column("Reference", lambda m, r: r.reference, width=96),
        Column("Status", lambda m, r: text.status_label(r.status), width=96, status=True),
        Column("Pick-up", lambda m, r: text.when(r.start, m.desk.zone(r.zip_code)), key=lambda m, r: r.start, width=130, least=110),
        Column("Return", lambda m, r: text.when(r.end, m.desk.zone(r.zip_code)), key=lambda m, r: r.end, width=130, least=110),
        Column("Class", lambda m, r: m.desk.class_name(r.vehicle_class), width=90, least=66),
        Column("Location", lambda m, r: r.zip_code, width=76, least=56),
        Column("Price", lambda m, r: text.money(r.amount) if r.amount is not None else "", key=lambda m, r: r.amount,
               align=RIGHT, width=80),
    )

    @staticmethod
    def row_id(row: HistoryRow) -> Hashable:
        return (row.kind, row.id)


class CustomersScreen(QWidget):
    """The customers grid (searched in the database), the selected customer's record and history."""

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.ui = Ui_CustomersScreen()
        self.ui.setupUi(self)
        ui = self.ui
        self.model = CustomerTableModel(self)
        self.proxy = setup_grid(ui.customersView, self.model, sort_column=CustomerTableModel.COL_NAME)
        self.empty_note = EmptyNote(ui.customersView, self._why_empty)
        self.history = HistoryTableModel(desk, self)
        setup_grid(ui.historyView, self.history, sort_column=HistoryTableModel.COL_PICKUP)
        ui.historyView.sortByColumn(HistoryTableModel.COL_PICKUP, Qt.SortOrder.DescendingOrder)  # newest first
        self.view_state = ViewState("customers")
        #: The record's inputs by the service's field names.
        self.inputs: dict[str, QLineEdit] = {
            "name": ui.nameEdit, "phone": ui.phoneEdit, "date_of_birth": ui.dateOfBirthEdit,
            "licence_number": ui.licenceNumberEdit, "licence_region": ui.licenceRegionEdit,
            "licence_expiry": ui.licenceExpiryEdit, "address_line1": ui.addressLine1Edit,
            "address_line2": ui.addressLine2Edit, "city": ui.cityEdit, "postcode": ui.postcodeEdit,
            "country": ui.countryEdit, "do_not_rent_reason": ui.doNotRentReasonEdit,
        }
        labels = {field: getattr(ui, f"{_camel(field)}Message") for field in self.inputs}
        self.messages = FieldMessages(labels, {**self.inputs, "do_not_rent": ui.doNotRentCheck}, ui.formMessage)
        for field, widget in self.inputs.items():
            self.messages.clear_on_change(field, widget)
            widget.textEdited.connect(self._edited)
        ui.doNotRentCheck.toggled.connect(self._flag_toggled)
        ui.doNotRentCheck.clicked.connect(self._edited)
        self.shown: CustomerView | None = None
        self.dirty = False
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self.reload)
        ui.searchEdit.textChanged.connect(lambda _t: self._search_timer.start())
        ui.customersView.selectionModel().selectionChanged.connect(self._selection_changed)
        ui.saveButton.clicked.connect(self.save)
        ui.revertButton.clicked.connect(self._revert)
        ui.historyButton.clicked.connect(self.open_history)
        QShortcut(QKeySequence.StandardKey.Find, self, ui.searchEdit.setFocus)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        desk.reference_changed.connect(self.reload)
        desk.changed.connect(self._data_changed)
        self._show_record(None)

    def activate(self) -> None:
        self.ui.searchEdit.setFocus()

    # -- the list --------------------------------------------------------------------------------

    def reload(self) -> None:
        words = self.ui.searchEdit.text()
        self.desk.run(lambda: self._search(words), self._loaded)

    def _search(self, words: str) -> tuple[str, list[CustomerView]]:
        with self.desk.db.session() as s:
            return words, service.search_customers(s, words, limit=SHOWN)

    def _loaded(self, found: tuple[str, list[CustomerView]]) -> None:
        words, rows = found
        if words != self.ui.searchEdit.text():
            return  # typed on since: the newer search is on its way
        self.model.set_rows(rows)
        more = " (the first ones by name: type more to narrow)" if len(rows) >= SHOWN else ""
        self.ui.countLabel.setText(f"{count(len(rows), 'customer')}{more}")
        self.empty_note.update()
        if self.shown is not None:
            position = self.model.position_of(self.shown.id)
            if position is not None:
                self._select(self.shown.id)

    def _select(self, customer_id: str) -> None:
        position = self.model.position_of(customer_id)
        if position is None:
            return
        index = self.proxy.mapFromSource(self.model.index(position, 0))
        view = self.ui.customersView
        if view.currentIndex().row() != index.row():
            view.selectRow(index.row())

    def _why_empty(self) -> str:
        words = self.ui.searchEdit.text().strip()
        if words:
            return f"No customer matches “{words}”."
        return "No customers yet: they are added with their first reservation."

    def selected(self) -> CustomerView | None:
        rows = self.ui.customersView.selectionModel().selectedRows()
        return self.proxy.row_of(rows[0]) if rows else None

    def _selection_changed(self, *_args: object) -> None:
        customer = self.selected()
        if customer is None or (self.shown is not None and customer.id == self.shown.id):
            return
        self._load(customer.id)

    def _load(self, customer_id: str) -> None:
        def job() -> tuple[CustomerView, list[HistoryRow]]:
            with self.desk.db.session() as s:
                return service.customer_view(s, customer_id), service.history(s, customer_id)

        self.desk.run(job, self._loaded_one)

    def _loaded_one(self, found: tuple[CustomerView, list[HistoryRow]]) -> None:
        customer, rows = found
        self._show_record(customer)
        self.history.set_rows(rows)
        who = customer.name or customer.email
        self.ui.historyLabel.setText(f"History of {who}: {count(len(rows), 'reservation')}" if rows
                                     else f"{who} has no reservations yet")

    def _data_changed(self, changes: Changes) -> None:
        if changes.customers or changes.reservations:
            self.reload()
        shown = self.shown
        if shown is not None and (shown.id in changes.customers or changes.reservations) and not self.dirty:
            self._load(shown.id)

    # -- the record ------------------------------------------------------------------------------

    def _show_record(self, customer: CustomerView | None) -> None:
        ui = self.ui
        self.shown = customer
        self.dirty = False
        self.messages.clear()
        ui.detailsPane.setEnabled(customer is not None)
        ui.emailValue.setText(customer.email if customer else "")
        for field, widget in self.inputs.items():
            value = getattr(customer, field) if customer is not None else ""
            widget.setText(_day(value) if isinstance(value, date) or value is None else str(value))
        ui.doNotRentCheck.setChecked(bool(customer and customer.do_not_rent))
        self._flag_toggled(ui.doNotRentCheck.isChecked())
        self._buttons()

    def _flag_toggled(self, on: bool) -> None:
        self.ui.doNotRentReasonEdit.setEnabled(on and may(Permission.DO_NOT_RENT, self.desk.db))

    def role_changed(self) -> None:
        """Someone else signed in: the do-not-rent reason as their role and the flag allow."""
        self._flag_toggled(self.ui.doNotRentCheck.isChecked())

    def _edited(self, *_args: object) -> None:
        self.dirty = True
        self._buttons()

    def open_history(self) -> HistoryDialog | None:
        """The shown customer's change history (the audit trail), in a window of its own."""
        shown = self.shown
        if shown is None:
            return None
        return open_history(self, self.desk, audit.CUSTOMER, shown.id, shown.name or shown.email)

    def _buttons(self) -> None:
        self.ui.historyButton.setEnabled(self.shown is not None)
        self.ui.saveButton.setEnabled(self.shown is not None and self.dirty)
        self.ui.revertButton.setEnabled(self.shown is not None and self.dirty)

    def _revert(self) -> None:
        self._show_record(self.shown)

    def form_values(self) -> dict[str, str | bool]:
        """What the form holds, as :func:`rentaldesk.customers.edit_from_text` reads it."""
        values: dict[str, str | bool] = {field: widget.text() for field, widget in self.inputs.items()}
        values["do_not_rent"] = self.ui.doNotRentCheck.isChecked()
        if not values["do_not_rent"]:
            values.pop("do_not_rent_reason")
        return values

    def _today(self) -> date:
        branch = self.desk.counter_branch
        now = self.desk.now()
        return (now.astimezone(branch.zone) if branch else now.astimezone()).date()

    def save(self) -> None:
        """Save the record through the one service function; a refusal shows by its field."""
        customer = self.shown
        if customer is None or not self.dirty:
            return
        values, today = self.form_values(), self._today()
        self.messages.clear()

        def job() -> CustomerView:
            with self.desk.db.write() as s:
                saved = service.update_customer(s, customer.id, service.edit_from_text(values, today), today=today)
            self.desk.watcher.absorb(Changes(customers=frozenset({customer.id})))  # announced below, not again
            return saved

        self.desk.run(job, self._saved, self._refused)

    def _saved(self, customer: CustomerView) -> None:
        self._show_record(customer)
        self.desk.publish(Changes(customers=frozenset({customer.id})))
        self.desk.notice.emit(f"Saved the record of {customer.name or customer.email}")

    def _refused(self, error: Any) -> None:
        self.messages.focus(self.messages.show(error))

    # -- remembered state ------------------------------------------------------------------------

    def restore_state(self) -> None:
        self.view_state.restore(splitters={"splitter": self.ui.splitter, "list": self.ui.listSplitter},
                                headers={"customers": self.ui.customersView.horizontalHeader(),
                                         "history": self.ui.historyView.horizontalHeader()})

    def save_state(self) -> None:
        self.view_state.save(splitters={"splitter": self.ui.splitter, "list": self.ui.listSplitter},
                             headers={"customers": self.ui.customersView.horizontalHeader(),
                                      "history": self.ui.historyView.horizontalHeader()})


def _camel(field: str) -> str:
    first, *rest = field.split("_")
    return first + "".join(word.title() for word in rest)
