"""Check-out at the counter: the renter takes the car of a due reservation.

The clerk confirms the car (the reservation's, another free one of its class, or an upgrade with a
reason), ticks the licence check, reads the odometer and the fuel, marks new damage on the car's
diagram beside what was recorded before, confirms the extras, takes the deposit and the renter's
signature. Confirm hands all of it to the one check-out service
(:func:`rentaldesk.contracts.check_out`) on the desk's worker; a refusal shows next to its field
and nothing is saved. Once the agreement is made, the clerk may print or save its PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QWidget

from .. import contracts, documents
from ..contracts import AgreementView, CheckOut, Deposit
from ..damage import DamageMark
from ..display import money
from ..errors import RentalError
from ..extras import extras_from_json
from ..models import Car
from ..models import Reservation as ReservationRow
from ..values import CarChoice, Reservation
from . import text
from .desk import DeskContext
from .documents_out import offer_document
from .mail_note import not_mailed, with_note
from .forms.ui_checkout_dialog import Ui_CheckOutDialog
from .widgets import FieldMessages, show_text

if TYPE_CHECKING:
    from ..charges import ExtraChoice
    from ..extras import CatalogueItem

#: The deposit's methods as the clerk picks them, and the service's names for them.
DEPOSIT_METHODS = (("Card pre-authorisation", "card"), ("Cash", "cash"))


@dataclass(frozen=True)
class CheckOutForm:
    """What the dialog shows before the clerk starts, read on the worker."""

    cars: tuple[CarChoice, ...]  #: the reservation's car first, then the others it could have here
    odometers: dict[int, int]  #: each car's recorded odometer
    damage: dict[int, tuple[DamageMark, ...]]  #: each car's recorded damage
    deposit: Decimal  #: the deposit asked for the reservation's class here
    extras: tuple[ExtraChoice, ...]  #: the extras and cover booked with the reservation
    offered: tuple[CatalogueItem, ...] = ()  #: the branch's catalogue, for the extras added here


def load_form(desk: DeskContext, reservation: Reservation) -> CheckOutForm:
    """The check-out form's data (runs on the worker): the cars the reservation could be given at
    its location (the engine's :meth:`~rentaldesk.reservations.ReservationService.cars_for`), their
    readings and damage, the deposit and the booked extras."""
    own = CarChoice(reservation.car_id, reservation.plate_number, reservation.vehicle_class, reservation.zip_code)
    others = [c for c in desk.service.cars_for(reservation.id)
              if c.zip_code == reservation.zip_code and c.car_id != reservation.car_id]
    cars = (own, *others)
    with desk.db.session() as s:
        odometers = {c.car_id: s.get_one(Car, c.car_id).odometer for c in cars}
        damage = {c.car_id: contracts.existing_damage(s, c.car_id) for c in cars}
        row = s.get_one(ReservationRow, reservation.id)
        deposit = contracts.kept_plan(row).deposit
        booked = extras_from_json(row.extras_json)
    return CheckOutForm(cars, odometers, damage, deposit, extras=booked,
                        offered=desk.service.extras_offered(reservation.zip_code))


class CheckOutDialog(QDialog):
    """The check-out of one due reservation (see the module). ``checked_out(view)`` once the
    agreement is saved; the dialog then offers its PDF and closes."""

    checked_out = Signal(object)

    #: The service's field names (``RentalError.field``: the input's attribute names, and the short
    #: names), each with the message label and the input that show a refusal of it.
    FIELDS = {
        "car": ("errorCar", "carCombo"), "car_id": ("errorCar", "carCombo"),
        "upgrade_reason": ("errorUpgradeReason", "upgradeReasonEdit"),
        "licence": ("errorLicence", "licenceCheck"), "licence_checked": ("errorLicence", "licenceCheck"),
        # the renter rules (rentaldesk.renters.check_renter): said by the licence check
        "licence_number": ("errorLicence", "licenceCheck"), "licence_expiry": ("errorLicence", "licenceCheck"),
        "date_of_birth": ("errorLicence", "licenceCheck"), "do_not_rent": ("errorLicence", "licenceCheck"),
        "odometer": ("errorOdometer", "odometerSpin"),
        "fuel": ("errorFuel", "fuelGauge"), "fuel_eighths": ("errorFuel", "fuelGauge"),
        "extras": ("errorExtras", "extrasPicker"),
        "deposit": ("errorDeposit", "depositReferenceEdit"),
        "deposit_method": ("errorDeposit", "depositMethodCombo"),
        "damage": ("errorDamage", "damageDiagram"),
        "signature": ("errorSignature", "signaturePad"), "signature_png": ("errorSignature", "signaturePad"),
    }

    def __init__(self, desk: DeskContext, reservation: Reservation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.reservation = reservation
        self.form: CheckOutForm | None = None
        self.agreement: AgreementView | None = None
        self.ui = Ui_CheckOutDialog()
        self.ui.setupUi(self)
        ui = self.ui
        self.messages = FieldMessages(
            labels={field: getattr(ui, label) for field, (label, _input) in self.FIELDS.items()},
            inputs={field: getattr(ui, widget) for field, (_label, widget) in self.FIELDS.items()},
            general=ui.formError,
        )
        for field, widget in (("car", ui.carCombo), ("upgrade_reason", ui.upgradeReasonEdit),
                              ("odometer", ui.odometerSpin), ("deposit", ui.depositReferenceEdit)):
            self.messages.clear_on_change(field, widget)
        ui.licenceCheck.toggled.connect(lambda _on: self.messages.set("licence", ""))
        ui.fuelGauge.valueChanged.connect(lambda _v: self.messages.set("fuel", ""))
        ui.signaturePad.changed.connect(lambda: self.messages.set("signature", ""))
        ui.damageDiagram.changed.connect(lambda: self.messages.set("damage", ""))
        for label, method in DEPOSIT_METHODS:
            ui.depositMethodCombo.addItem(label, method)
        ui.depositMethodCombo.currentIndexChanged.connect(self._method_changed)
        ui.carCombo.currentIndexChanged.connect(self._car_changed)
        ui.clearSignatureButton.clicked.connect(ui.signaturePad.clear)
        ui.extrasPicker.changed.connect(self._extras_changed)
        self._stock_asked = 0  # the newest stock question (an older answer is dropped)
        ui.cancelButton.clicked.connect(self.reject)
        ui.confirmButton.clicked.connect(self.confirm)
        ui.damageDiagram.stage = "out"
        branch = desk.branches.get(reservation.zip_code)
        unit = branch.distance_unit if branch is not None else "km"
        ui.odometerSpin.setSuffix(f" {unit}")
        self.setWindowTitle(f"Check out {reservation.reference}")
        ui.titleLabel.setText(f"Check out {reservation.reference}")
        ui.infoLabel.setText(
            f"{reservation.customer_name} · {desk.class_name(reservation.vehicle_class)} · "
            f"{_period(desk, reservation)} · booked at {money(reservation.price)}")
        self._set_enabled(False)
        self._method_changed()
        desk.run(lambda: load_form(desk, reservation), self._loaded, self._refused)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.resize(self.size().expandedTo(self.minimumSizeHint()))

    # -- the form ----------------------------------------------------------------------------------

    def _set_enabled(self, enabled: bool) -> None:
        self.ui.scrollContents.setEnabled(enabled)
        self.ui.confirmButton.setEnabled(enabled)

    def _loaded(self, form: CheckOutForm) -> None:
        self.form = form
        ui = self.ui
        ui.carCombo.blockSignals(True)
        ui.carCombo.clear()
        for car in form.cars:
            ui.carCombo.addItem(self._car_words(car), car.car_id)
        ui.carCombo.blockSignals(False)
        # a class with no deposit here asks for none: no method, no pre-authorisation to type
        asked = form.deposit > 0
        ui.depositAmountLabel.setText(money(form.deposit) if asked else "None: no deposit for this class here")
        ui.depositMethodCombo.setVisible(asked)
        ui.depositReferenceEdit.setVisible(asked)
        # the booked extras stay as booked; the picker adds to them at today's price
        ui.extrasPicker.set_items(form.offered, booked=form.extras)
        # in reading order, on to the deposit, or (none asked) the damage diagram
        ui.extrasPicker.chain_tabs(ui.fuelGauge, ui.depositMethodCombo if asked else ui.damageDiagram.zoneCombo)
        ui.extrasPicker.setToolTip("Booked: " + ", ".join(_extra_words(e) for e in form.extras)
                                   if form.extras else "No extras booked with the reservation")
        self._car_changed()
        self._set_enabled(True)
        ui.carCombo.setFocus(Qt.FocusReason.OtherFocusReason)

    def _car_words(self, car: CarChoice) -> str:
        r = self.reservation
        words = f"{car.plate_number} · {self.desk.class_name(car.vehicle_class)}"
        if car.car_id == r.car_id:
            return words + " (the booked car)"
        return words + (" (another car of the class)" if car.vehicle_class == r.vehicle_class
                        else " (upgrade at the booked price)")

    def _chosen_car(self) -> CarChoice | None:
        if self.form is None or self.ui.carCombo.currentIndex() < 0:
            return None
        return self.form.cars[self.ui.carCombo.currentIndex()]

    def _car_changed(self, *_args: object) -> None:
        car = self._chosen_car()
        if car is None or self.form is None:
            return
        ui = self.ui
        other = car.car_id != self.reservation.car_id
        ui.upgradeReasonLabel.setVisible(other)
        ui.upgradeReasonEdit.setVisible(other)
        ui.odometerSpin.setValue(self.form.odometers.get(car.car_id, 0))
        ui.damageDiagram.set_existing(self.form.damage.get(car.car_id, ()))

    def _method_changed(self, *_args: object) -> None:
        card = self.ui.depositMethodCombo.currentData() == "card" and (self.form is None or self.form.deposit > 0)
        self.ui.depositReferenceEdit.setEnabled(card)
        self.ui.depositReferenceEdit.setPlaceholderText(
            "Card pre-authorisation reference" if card else "No reference for cash")

    def _extras_changed(self) -> None:
        """Ask the engine's stock rule (on the worker) whether the extras picked are free until the
        booked return; its refusal shows under the picker at once, naming the item."""
        self.messages.set("extras", "")
        if self.form is None:
            return
        r, added = self.reservation, self.ui.extrasPicker.picks()
        self._stock_asked += 1
        asked, extras = self._stock_asked, (*self.form.extras, *added)
        service = self.desk.service

        def job() -> str:
            refusal = service.stock_refusal(zip_code=r.zip_code, extras=extras, start=r.start, end=r.end,
                                            exclude=r.id)
            return refusal.message if refusal is not None else ""

        self.desk.run(job, lambda message: self._stock_answered(asked, message))

    def _stock_answered(self, asked: int, message: str) -> None:
        if asked == self._stock_asked:
            self.messages.set("extras", message)

    def value(self) -> CheckOut:
        """What the clerk entered, as the service's input."""
        if self.form is None:
            raise RuntimeError("the form is not loaded yet")
        ui = self.ui
        car = self._chosen_car()
        extras = ui.extrasPicker.picks()  # added here; the booked ones are kept by the service
        method = str(ui.depositMethodCombo.currentData())
        card = method == "card" and self.form.deposit > 0  # (no deposit: no reference, whatever was typed)
        return CheckOut(
            reservation_id=self.reservation.id,
            car_id=None if car is None or car.car_id == self.reservation.car_id else car.car_id,
            upgrade_reason=ui.upgradeReasonEdit.text() if not ui.upgradeReasonEdit.isHidden() else "",
            licence_checked=ui.licenceCheck.isChecked(),
            odometer=ui.odometerSpin.value(),
            fuel_eighths=ui.fuelGauge.value(),
            damage=ui.damageDiagram.marks(),
            extras=extras,
            deposit=Deposit(self.form.deposit, method, ui.depositReferenceEdit.text() if card else ""),
            signature_png=b"" if ui.signaturePad.is_empty() else ui.signaturePad.png(),
        )

    # -- confirm -----------------------------------------------------------------------------------

    def confirm(self) -> None:
        """Check out (Enter): the service checks everything; a refusal goes next to its field."""
        if self.form is None or not self.ui.confirmButton.isEnabled():
            return
        self.messages.clear()
        value = self.value()
        desk = self.desk
        self._set_enabled(False)

        def job() -> tuple[AgreementView, bytes]:
            # the service's check-out: the one path, which also tells head office and announces it
            view = desk.service.check_out(value)
            return view, documents.agreement_pdf(view)

        desk.run(job, self._done, self._refused)

    def _done(self, result: tuple[AgreementView, bytes]) -> None:
        view, pdf = result
        self.agreement = view
        self.checked_out.emit(view)
        show_text(self.ui.formError, "")
        offer_document(self, "Agreement ready", with_note(
                       f"Agreement <b>{view.number}</b>: {view.plate_number} is on rent to {view.customer_name}.<br>"
                       "Print the agreement for the renter, or save its PDF?",
                       not_mailed(self.desk, view, "agreement")),
                       documents.agreement_file_name(view), pdf, self.accept)

    def _refused(self, error: RentalError) -> None:
        self._set_enabled(self.form is not None)
        field = self.messages.show(error)
        self.messages.focus(field)
        if field is not None:
            self.ui.scrollArea.ensureWidgetVisible(self.messages.labels[field])

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802
        # Enter confirms from any field (the signature pad and the lists too), as the default button
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            event.accept()
            self.confirm()
            return
        super().keyPressEvent(event)


def _period(desk: DeskContext, r: Reservation) -> str:
    return text.period(r.start, r.end, desk.zone(r.zip_code))


def _extra_words(extra: ExtraChoice) -> str:
    count = f"{extra.quantity} × " if extra.quantity != 1 else ""
    per = "a day" if extra.per == "day" else "for the rental"
    return f"{count}{extra.label}, {money(extra.price)} {per}"


def open_check_out(parent: QWidget, desk: DeskContext, reservation: Reservation) -> CheckOutDialog:
    """The pick-up button's action: the check-out dialog of ``reservation``, window-modal."""
    dialog = CheckOutDialog(desk, reservation, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
