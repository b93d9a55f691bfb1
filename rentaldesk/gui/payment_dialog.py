"""Payments at the counter: the balance of a returned agreement settled, in one payment or several
(card, cash, voucher), and its deposit captured against the balance or released.

Each step is one call of the ledger's one path (:class:`rentaldesk.agreement_service.AgreementService`)
on the desk's worker;
the ledger refuses what is wrong (an amount above the balance, a card payment without its
reference) naming the field, and nothing is saved then. The dialog shows the agreement as the
ledger returns it after each step and closes by itself once the agreement is closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from decimal import Decimal

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QDialog, QWidget

from ..agreement_service import AgreementService
from ..contracts import CLOSED, AgreementView
from ..display import money, short_time
from ..errors import RentalError
from .desk import DeskContext
from .forms.ui_payment_dialog import Ui_PaymentDialog
from .tablemodels import RIGHT, Column, RowTableModel
from .widgets import FieldMessages, setup_grid

#: The ways to pay as the clerk picks them, and the ledger's names for them.
METHODS = (("Card", "card"), ("Cash", "cash"), ("Voucher", "voucher"))
#: A ledger row's kind in the clerk's words.
KINDS = {"payment": "Payment", "refund": "Refund", "deposit-hold": "Deposit taken",
         "deposit-capture": "Deposit kept", "deposit-release": "Deposit given back", "write-off": "Written off"}


def spin_amount(value: float) -> Decimal:
    """A money spin box's value as the Decimal it shows (2 places)."""
    return Decimal(f"{value:.2f}")


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One entry of an agreement's ledger as the dialog shows it; ``id``: its place in the ledger."""

    id: int
    at: datetime
    what: str
    reference: str
    amount: Decimal


class LedgerModel(RowTableModel):
    """The payments, refunds and deposit entries of an agreement, oldest first."""

    COL_WHEN, COL_WHAT, COL_REFERENCE, COL_AMOUNT = range(4)

    columns = (
        Column("When", lambda m, r: short_time(r.at, m.zone), key=lambda m, r: (r.at, r.id), width=130, least=110),
        Column("What", lambda m, r: r.what, width=170, least=110),
        Column("Reference", lambda m, r: r.reference, width=200, least=90),
        Column("Amount", lambda m, r: money(r.amount), key=lambda m, r: r.amount, align=RIGHT, width=100),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.zone: tzinfo = timezone.utc


class PaymentDialog(QDialog):
    """The balance of one agreement and the payments against it (see the module). ``changed(view)``
    after each step the ledger took."""

    changed = Signal(object)

    FIELDS = {
        "method": ("errorMethod", "methodCombo"),
        "amount": ("errorAmount", "amountSpin"),
        "reference": ("errorReference", "referenceEdit"),
        "deposit": ("errorDeposit", "captureSpin"),
    }

    def __init__(self, desk: DeskContext, agreement: AgreementView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.agreement = agreement
        self.ui = Ui_PaymentDialog()
        self.ui.setupUi(self)
        ui = self.ui
        self.messages = FieldMessages(
            labels={field: getattr(ui, label) for field, (label, _input) in self.FIELDS.items()},
            inputs={field: getattr(ui, widget) for field, (_label, widget) in self.FIELDS.items()},
            general=ui.formError,
        )
        for field, (_label, widget) in self.FIELDS.items():
            self.messages.clear_on_change(field, getattr(ui, widget))
        for label, method in METHODS:
            ui.methodCombo.addItem(label, method)
        ui.methodCombo.currentIndexChanged.connect(self._method_changed)
        self.ledger = LedgerModel(self)
        setup_grid(ui.paymentsTable, self.ledger, sort_column=LedgerModel.COL_WHEN)  # the desk's grids' manners
        ui.paymentsTable.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)  # a ledger to read
        ui.paymentsTable.setSortingEnabled(False)  # oldest first, as the ledger runs
        ui.paymentsTable.horizontalHeader().setSortIndicatorShown(False)
        ui.payButton.clicked.connect(self.pay)
        ui.captureButton.clicked.connect(self.capture)
        ui.releaseButton.clicked.connect(self.release)
        ui.closeButton.clicked.connect(self.reject)
        self.setWindowTitle(f"Payment for {agreement.number}")
        ui.titleLabel.setText(f"Payment for {agreement.number}")
        self._method_changed()
        self.show_agreement(agreement)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.resize(self.size().expandedTo(self.minimumSizeHint()))

    def show_agreement(self, view: AgreementView) -> None:
        """Show ``view``: the balance (the amount field set to it), the ledger, the deposit."""
        self.agreement = view
        ui = self.ui
        ui.infoLabel.setText(f"{view.customer_name} · {view.plate_number} · "
                             f"charges {money(view.charges.total if view.charges else Decimal(0))}, "
                             f"paid {money(view.paid)} · {view.status}")
        ui.balanceLabel.setText(f"Balance {money(view.balance)}")
        ui.amountSpin.setMaximum(max(float(view.balance), 0.0))
        ui.amountSpin.setValue(float(view.balance))
        self.ledger.zone = self.desk.zone(view.zip_code)
        self.ledger.set_rows(
            LedgerRow(i, entry.at, KINDS.get(entry.kind, entry.kind) + (f" ({entry.method})" if entry.method else ""),
                      entry.reference or entry.note, entry.amount)
            for i, entry in enumerate(view.payments))
        held = view.deposit_held
        ui.depositStateLabel.setText(f"{money(held)} held ({view.deposit.method})" if held > 0
                                     else f"Deposit: {view.deposit_state}")
        ui.captureSpin.setMaximum(float(min(held, max(view.balance, Decimal(0)))))
        ui.captureSpin.setValue(ui.captureSpin.maximum())
        paying = view.balance > 0 and view.status != CLOSED
        ui.captureSpin.setEnabled(held > 0 and view.balance > 0)
        for field in (ui.methodCombo, ui.amountSpin, ui.referenceEdit):
            field.setEnabled(paying)
        for button, offered in ((ui.payButton, paying), (ui.captureButton, held > 0 and view.balance > 0),
                                (ui.releaseButton, held > 0)):
            button.setProperty("offered", offered)
        self._busy(False)
        ui.closeButton.setText("Close" if view.status == CLOSED or not paying else "Later")

    def _method_changed(self, *_args: object) -> None:
        method = self.ui.methodCombo.currentData()
        self.ui.referenceEdit.setPlaceholderText(
            {"card": "Card slip reference", "voucher": "Voucher number"}.get(method, "Optional for cash"))

    # -- the ledger's steps ------------------------------------------------------------------------

    def _step(self, job: Callable[[AgreementService, str], AgreementView]) -> None:
        # the one path of a ledger change (it records it for head office and announces it)
        self.messages.clear()
        ledger = AgreementService(self.desk.service)
        agreement_id = self.agreement.id
        self._busy(True)
        self.desk.run(lambda: job(ledger, agreement_id), self._stepped, self._refused)

    def pay(self) -> None:
        """Take a payment of the amount typed (Enter)."""
        if not self.ui.payButton.isEnabled():
            return
        method = str(self.ui.methodCombo.currentData())
        amount = spin_amount(self.ui.amountSpin.value())
        reference = self.ui.referenceEdit.text()
        self._step(lambda ledger, agreement_id: ledger.take_payment(agreement_id, method, amount, reference))

    def capture(self) -> None:
        """Keep the amount typed of the held deposit, against the balance."""
        amount = spin_amount(self.ui.captureSpin.value())
        self._step(lambda ledger, agreement_id: ledger.capture_deposit(agreement_id, amount))

    def release(self) -> None:
        """Give back what is still held of the deposit."""
        self._step(lambda ledger, agreement_id: ledger.release_deposit(agreement_id))

    def _busy(self, busy: bool) -> None:
        """While the ledger works on a step, no second step can be asked."""
        for button in (self.ui.payButton, self.ui.captureButton, self.ui.releaseButton):
            button.setEnabled(not busy and button.property("offered") is True)

    def _stepped(self, view: AgreementView) -> None:
        self.ui.referenceEdit.clear()
        self.show_agreement(view)
        self.changed.emit(view)
        if view.status == CLOSED:
            self.accept()
        elif self.ui.payButton.isEnabled():
            self.ui.amountSpin.setFocus(Qt.FocusReason.OtherFocusReason)

    def _refused(self, error: RentalError) -> None:
        self._busy(False)
        self.messages.focus(self.messages.show(error))

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            event.accept()
            self.pay()
            return
        super().keyPressEvent(event)
