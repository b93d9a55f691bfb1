"""Check-in at the counter: the car of an agreement on rent comes back.

The clerk enters the actual return time and location, the odometer and fuel, new damage (the
check-out marks shown grey beside it) and a damage charge; the charges table under the readings is
the one calculator's answer for what is typed (:func:`rentaldesk.contracts.preview_check_in`, on
the desk's worker, nothing saved), so the clerk sees the bill before confirming. Confirm checks in
through :func:`rentaldesk.contracts.check_in` (a refusal shows next to its field, nothing saved),
offers the receipt's PDF, then the payment dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QTime, QTimer, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QDialog, QWidget

from .. import contracts, documents
from ..contracts import AgreementView, CheckIn
from ..display import money
from ..errors import InvalidInput, RentalError
from . import text
from .desk import DeskContext
from .documents_out import offer_document
from .mail_note import not_mailed, with_note
from .forms.ui_checkin_dialog import Ui_CheckInDialog
from .payment_dialog import PaymentDialog, spin_amount
from .tablemodels import RIGHT, Column, RowTableModel
from .widgets import FieldMessages, py_date, py_time, qdate, setup_grid, show_text, tab_leaves

if TYPE_CHECKING:
    from ..charges import Charges

#: How long the preview waits after the last keystroke before asking the calculator again (ms).
PREVIEW_PAUSE_MS = 250


@dataclass(frozen=True)
class _Preview:
    """One preview's answer: its serial number (a later one wins) and the charges or the refusal."""

    serial: int
    charges: Charges | None
    error: RentalError | None


@dataclass(frozen=True, slots=True)
class ChargeRow:
    """One line of the check-in's charges; ``id``: its place in the calculator's order."""

    id: int
    label: str
    amount: Decimal


class ChargeLineModel(RowTableModel):
    """The charges at check-in, in the calculator's order (the bill's), taxes last."""

    COL_CHARGE, COL_AMOUNT = range(2)

    columns = (
        Column("Charge", lambda m, r: r.label, key=lambda m, r: r.id, width=360, least=180),
        Column("Amount", lambda m, r: money(r.amount), key=lambda m, r: r.amount, align=RIGHT, width=100),
    )


class CheckInDialog(QDialog):
    """The check-in of one agreement on rent (see the module). ``checked_in(view)`` once saved."""

    checked_in = Signal(object)

    #: The service's field names and the message label and input that show a refusal of each.
    FIELDS = {
        "returned_at": ("errorReturnedAt", "returnDate"),
        "zip_code": ("errorZip", "locationCombo"), "location": ("errorZip", "locationCombo"),
        "odometer": ("errorOdometer", "odometerSpin"),
        "fuel": ("errorFuel", "fuelGauge"), "fuel_eighths": ("errorFuel", "fuelGauge"),
        "damage_charge": ("errorDamageCharge", "damageChargeSpin"),
        "damage": ("errorDamage", "damageDiagram"),
    }

    def __init__(self, desk: DeskContext, agreement: AgreementView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.agreement = agreement
        self.result_view: AgreementView | None = None
        self.payment_dialog: PaymentDialog | None = None
        self._serial = 0
        self.ui = Ui_CheckInDialog()
        self.ui.setupUi(self)
        ui = self.ui
        self.messages = FieldMessages(
            labels={field: getattr(ui, label) for field, (label, _input) in self.FIELDS.items()},
            inputs={field: getattr(ui, widget) for field, (_label, widget) in self.FIELDS.items()},
            general=ui.formError,
        )
        tab_leaves(ui.returnDate, ui.returnTime)
        zone = desk.zone(agreement.zip_code)
        # the return time is typed in the return location's time (value() reads it so): filled in
        # the time of the location it is booked back to
        back = desk.zone(agreement.return_zip_code or agreement.zip_code)
        now = desk.now().astimezone(back)
        ui.returnDate.label = "Return date"
        ui.returnDate.reference = lambda: desk.now().astimezone(back).date()
        ui.returnDate.setDate(qdate(now.date()))
        ui.returnTime.setTime(QTime(now.hour, now.minute))
        for branch in desk.branches.values():
            ui.locationCombo.addItem(branch.label, branch.zip_code)
        # where it was booked to come back (a one-way's other branch); the clerk changes it if not
        ui.locationCombo.setCurrentIndex(max(0, ui.locationCombo.findData(agreement.return_zip_code or agreement.zip_code)))
        self._shown_zone = back  # the zone the return time's fields are in (value() reads them so)
        ui.locationCombo.currentIndexChanged.connect(self._location_changed)
        ui.odometerSpin.setValue(agreement.out.odometer)
        ui.odometerSpin.setSuffix(f" {agreement.distance_unit}")
        ui.fuelGauge.setValue(agreement.out.fuel_eighths)
        ui.damageDiagram.stage = "in"
        ui.damageDiagram.set_existing(agreement.damage)
        self.charges_model = ChargeLineModel(self)
        setup_grid(ui.chargesTable, self.charges_model, sort_column=ChargeLineModel.COL_CHARGE)  # the desk's grids' manners
        ui.chargesTable.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)  # a bill, not a list to pick from
        ui.chargesTable.setSortingEnabled(False)  # kept in the bill's order (the calculator's, taxes last)
        ui.chargesTable.horizontalHeader().setSortIndicatorShown(False)
        self.setWindowTitle(f"Check in {agreement.number}")
        ui.titleLabel.setText(f"Check in {agreement.number}")
        ui.infoLabel.setText(
            f"{agreement.customer_name} · {agreement.plate_number} ({desk.class_name(agreement.vehicle_class)}) · "
            f"out {text.period(agreement.out.at, agreement.booked_end, zone)} · "
            f"odometer out {agreement.out.odometer:,} {agreement.distance_unit}, fuel out {documents.fuel_words(agreement.out.fuel_eighths)}")
        # every change asks for a fresh preview after a short pause
        self._preview_soon = QTimer(self)
        self._preview_soon.setSingleShot(True)
        self._preview_soon.setInterval(PREVIEW_PAUSE_MS)
        self._preview_soon.timeout.connect(self.preview)
        for signal in (ui.returnDate.dateChanged, ui.returnTime.timeChanged, ui.locationCombo.currentIndexChanged,
                       ui.odometerSpin.valueChanged, ui.fuelGauge.valueChanged, ui.damageChargeSpin.valueChanged,
                       ui.damageDiagram.changed):
            signal.connect(self._changed)
        ui.cancelButton.clicked.connect(self.reject)
        ui.confirmButton.clicked.connect(self.confirm)
        self.preview()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.resize(self.size().expandedTo(self.minimumSizeHint()))

    # -- what was typed ----------------------------------------------------------------------------

    def value(self) -> CheckIn:
        """What the clerk entered as the service's input; :class:`InvalidInput` naming the field
        for a return time or a damage charge that cannot be read."""
        ui = self.ui
        zone = self.desk.zone(str(ui.locationCombo.currentData() or self.agreement.zip_code))
        problem = ui.returnDate.problem()
        if problem is not None:
            raise InvalidInput(problem, field="returned_at")
        returned_at = text.local_time(py_date(ui.returnDate.date()), py_time(ui.returnTime.time()), zone,
                                      field="returned_at")
        charge = spin_amount(ui.damageChargeSpin.value())
        return CheckIn(
            agreement_id=self.agreement.id,
            returned_at=returned_at,
            zip_code=str(ui.locationCombo.currentData()),
            odometer=ui.odometerSpin.value(),
            fuel_eighths=ui.fuelGauge.value(),
            damage=ui.damageDiagram.marks(),
            damage_charge=charge,
        )

    def _location_changed(self, *_args: object) -> None:
        """Another return location: the same instant, shown in that location's time (the fields
        are read in the return location's zone), so a one-way's return time is not off by the
        zones' difference."""
        ui = self.ui
        zone = self.desk.zone(str(ui.locationCombo.currentData() or self.agreement.zip_code))
        if zone == self._shown_zone or ui.returnDate.problem() is not None:
            self._shown_zone = zone
            return
        try:
            at = text.local_time(py_date(ui.returnDate.date()), py_time(ui.returnTime.time()), self._shown_zone,
                                 field="returned_at").astimezone(zone)
        except RentalError:  # a wall time that does not exist there: value() says so
            self._shown_zone = zone
            return
        self._shown_zone = zone
        ui.returnDate.setDate(qdate(at.date()))
        ui.returnTime.setTime(QTime(at.hour, at.minute))

    def _changed(self, *_args: object) -> None:
        self._preview_soon.start()

    # -- the charges, live -------------------------------------------------------------------------

    def preview(self) -> None:
        """Ask the calculator for the charges of what is typed (nothing saved); the newest answer
        is shown, an older one arriving late is dropped."""
        self._serial += 1
        serial = self._serial
        self.messages.clear()
        try:
            value = self.value()
        except RentalError as error:
            self._show_preview(_Preview(serial, None, error))
            return
        desk = self.desk

        def job() -> _Preview:
            with desk.db.session() as s:
                try:
                    return _Preview(serial, contracts.preview_check_in(s, value, desk.now()), None)
                except RentalError as error:
                    return _Preview(serial, None, error)

        desk.run(job, self._show_preview)

    def _show_preview(self, answer: _Preview) -> None:
        if answer.serial != self._serial:
            return
        if answer.error is not None:
            self.messages.show(answer.error)
            self.charges_model.set_rows(())
            self.ui.totalLabel.setText("")
            return
        charges = answer.charges
        assert charges is not None
        self.charges_model.set_rows(ChargeRow(i, line.label, line.amount) for i, line in enumerate(charges.billed()))
        self.ui.totalLabel.setText(f"Total {money(charges.total)}")

    def charges_shown(self) -> list[tuple[str, str]]:
        """The charges table as shown: (label, amount) per row, read from the view."""
        shown = self.ui.chargesTable.model()
        return [(str(shown.index(row, 0).data()), str(shown.index(row, 1).data())) for row in range(shown.rowCount())]

    # -- confirm -----------------------------------------------------------------------------------

    def confirm(self) -> None:
        """Check in (Enter): a refusal goes next to its field and nothing is saved."""
        if not self.ui.confirmButton.isEnabled():
            return
        self._preview_soon.stop()
        self._serial += 1  # a preview still on its way is not shown over the answer
        self.messages.clear()
        try:
            value = self.value()
        except RentalError as error:
            self._refused(error)
            return
        desk = self.desk
        self.ui.confirmButton.setEnabled(False)

        def job() -> tuple[AgreementView, bytes]:
            # the service's check-in: the one path, which also tells head office and announces it
            view = desk.service.check_in(value)
            return view, documents.receipt_pdf(view)

        desk.run(job, self._done, self._refused)

    def _done(self, result: tuple[AgreementView, bytes]) -> None:
        view, pdf = result
        self.result_view = view
        self.checked_in.emit(view)
        show_text(self.ui.formError, "")
        offer_document(self, "Receipt ready", with_note(
                       f"{view.plate_number} is back. Receipt for agreement <b>{view.number}</b>: "
                       f"{money(view.charges.total if view.charges else Decimal(0))}, "
                       f"balance {money(view.balance)}.<br>Print the receipt, or save its PDF?",
                       not_mailed(self.desk, view, "receipt")),
                       documents.receipt_file_name(view), pdf, self._then_pay)

    def _then_pay(self) -> None:
        """The receipt dealt with: this dialog closes and the payment dialog opens on its parent."""
        assert self.result_view is not None
        self.payment_dialog = PaymentDialog(self.desk, self.result_view, self.parentWidget())
        self.payment_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.accept()
        self.payment_dialog.open()

    def _refused(self, error: RentalError) -> None:
        self.ui.confirmButton.setEnabled(True)
        field = self.messages.show(error)
        self.messages.focus(field)
        if field is not None:
            self.ui.scrollArea.ensureWidgetVisible(self.messages.labels[field])

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            event.accept()
            self.confirm()
            return
        super().keyPressEvent(event)


def open_check_in(parent: QWidget, desk: DeskContext, reservation_reference: str,
                  refused: Callable[[RentalError], None]) -> None:
    """The return button's action: the agreement of the reservation read on the worker, then its
    check-in dialog, window-modal (``refused(error)`` when there is no agreement on rent)."""

    def job() -> AgreementView:
        with desk.db.session() as s:
            return contracts.agreement(s, reservation_reference)

    def loaded(view: AgreementView) -> None:
        dialog = CheckInDialog(desk, view, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    desk.run(job, loaded, refused)
