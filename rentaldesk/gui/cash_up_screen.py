"""The cash-up: a branch's day by method (payments, refunds, deposits kept, net), the cash deposits
taken and given back, and every ledger row of the day; saved as a PDF or printed.

The figures are :func:`rentaldesk.payments.cash_up`'s (the day midnight to midnight in the branch's
time zone) and the PDF is :func:`rentaldesk.documents.cash_up_pdf` of the very same value, so the
screen and the paper never disagree. A payment taken anywhere (this desk, another counter, the
command line) announces its reservation (migration 0019 for the other processes), and the screen
reads its day again.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QSizePolicy, QWidget

from .. import documents, payments
from ..contracts import LedgerEntry
from ..display import count, day_text, ledger_reference, short_time
from ..errors import RentalError
from ..payments import CashUp, CashUpLine
from ..values import Changes
from . import text
from .desk import DeskContext
from .documents_out import ask_file, ask_printer
from .empty import EmptyNote
from .forms.ui_cash_up import Ui_CashUpScreen
from .payment_dialog import KINDS
from .tablemodels import RIGHT, Column, RowTableModel
from .widgets import ViewState, py_date, qdate, setup_grid

#: The methods as the clerk reads them.
METHOD_WORDS = {"card": "Card", "cash": "Cash", "voucher": "Voucher", "": "", "total": "Total"}
#: The key of the cash-up screen.
SHORTCUT = "Ctrl+8"


def _amount(value: Decimal) -> str:
    return text.money(value)


class _MoneyGrid(RowTableModel):
    """A grid whose amounts' titles stand over them (right-aligned like the figures)."""

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.columns)):
            return self.columns[section].align
        return super().headerData(section, orientation, role)


class MethodTableModel(_MoneyGrid):
    """The day by method, and the total: what each way of paying took, gave back and kept of the
    deposits, and the net."""

    COL_METHOD, COL_PAYMENTS, COL_REFUNDS, COL_KEPT, COL_NET, COL_ROWS = range(6)

    columns = (
        Column("Method", lambda m, r: METHOD_WORDS.get(r.method, r.method), key=lambda m, r: r.method == "total",
               width=100, least=76),
        Column("Payments", lambda m, r: _amount(r.payments), key=lambda m, r: r.payments, align=RIGHT, width=110),
        Column("Refunds", lambda m, r: _amount(r.refunds), key=lambda m, r: r.refunds, align=RIGHT, width=110),
        Column("Deposits kept", lambda m, r: _amount(r.deposits_captured), key=lambda m, r: r.deposits_captured,
               align=RIGHT, width=120),
        Column("Net", lambda m, r: _amount(r.net), key=lambda m, r: r.net, align=RIGHT, width=110),
        Column("Rows", lambda m, r: f"{r.count:,}", key=lambda m, r: r.count, align=RIGHT, width=60),
    )

    @staticmethod
    def row_id(row: CashUpLine) -> str:
        return row.method


class LedgerTableModel(_MoneyGrid):
    """Every ledger row of the day at the branch, in the branch's time."""

    COL_TIME, COL_AGREEMENT, COL_WHAT, COL_METHOD, COL_REFERENCE, COL_NOTE, COL_AMOUNT = range(7)

    def __init__(self, desk: DeskContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.zip_code = ""

    columns = (
        Column("Time", lambda m, r: short_time(r.at, m.desk.zone(m.zip_code)), key=lambda m, r: (r.at, r.id),
               width=130, least=104),
        Column("Agreement", lambda m, r: r.agreement_number, width=140, least=110),
        Column("What", lambda m, r: KINDS.get(r.kind, r.kind), width=140, least=100),
        Column("Method", lambda m, r: METHOD_WORDS.get(r.method, r.method), width=80, least=64),
        Column("Reference", lambda m, r: ledger_reference(r.reference, r.provider_reference), width=150, least=90),
        Column("Reason", lambda m, r: r.note, width=180, least=80),
        Column("Amount", lambda m, r: _amount(r.amount), key=lambda m, r: r.amount, align=RIGHT, width=110),
    )

    @staticmethod
    def row_id(row: LedgerEntry) -> int:
        return row.id


class CashUpScreen(QWidget):
    """A branch's day of money (see the module): the branch (the counter's by default) and the day
    (today at the branch by default) chosen above, the figures, the rows, Save PDF and Print."""

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.ui = Ui_CashUpScreen()
        self.ui.setupUi(self)
        ui = self.ui
        self.methods = MethodTableModel(self)
        setup_grid(ui.methodsView, self.methods, sort_column=MethodTableModel.COL_METHOD)
        ui.methodsView.setSortingEnabled(False)  # the methods in their order, the total last
        ui.methodsView.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        ui.methodsView.horizontalHeader().setStretchLastSection(False)
        ui.methodsView.setFixedWidth(sum(c.width for c in MethodTableModel.columns) + 2 * ui.methodsView.frameWidth())
        ui.methodsView.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.ledger = LedgerTableModel(desk, self)
        setup_grid(ui.ledgerView, self.ledger, sort_column=LedgerTableModel.COL_TIME)
        ledger_header = ui.ledgerView.horizontalHeader()
        ledger_header.setStretchLastSection(False)  # the reason takes the room, the amounts stay by it
        ledger_header.setSectionResizeMode(LedgerTableModel.COL_NOTE, ledger_header.ResizeMode.Stretch)
        ui.dayEdit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.empty_note = EmptyNote(ui.ledgerView, self._why_empty)
        self.view_state = ViewState("cash_up")
        self.shown: CashUp | None = None
        self._asked: tuple[str, date] | None = None
        self._followed_today = True  # the day follows "today" until the clerk picks another
        ui.dayEdit.label = "Day"
        ui.dayEdit.reference = self._today
        ui.dayEdit.dateChanged.connect(self._day_changed)
        ui.dayEdit.refused.connect(lambda: self._say(ui.dayEdit.problem() or ""))
        ui.previousDayButton.clicked.connect(lambda: self._step(-1))
        ui.nextDayButton.clicked.connect(lambda: self._step(1))
        ui.todayButton.clicked.connect(self.show_today)
        ui.branchCombo.activated.connect(lambda _i: self._branch_changed())
        ui.saveButton.clicked.connect(self.save_pdf)
        ui.printButton.clicked.connect(self.print_pdf)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_pdf)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_pdf)
        QShortcut(QKeySequence("Alt+Left"), self, lambda: self._step(-1))
        QShortcut(QKeySequence("Alt+Right"), self, lambda: self._step(1))
        desk.reference_changed.connect(self._fill_branches)
        desk.counter_branch_changed.connect(self._counter_branch_changed)
        desk.changed.connect(self._data_changed)
        self._say("")
        self._fill_branches()
        self._show(None)

    def activate(self) -> None:
        if self._followed_today:
            self.show_today()
        self.ui.dayEdit.setFocus()

    # -- the branch and the day ------------------------------------------------------------------

    def zip_code(self) -> str:
        return str(self.ui.branchCombo.currentData() or "")

    def day(self) -> date:
        return py_date(self.ui.dayEdit.date())

    def _today(self) -> date:
        return self.desk.now().astimezone(self.desk.zone(self.zip_code())).date()

    def _fill_branches(self) -> None:
        combo = self.ui.branchCombo
        keep = self.zip_code() or (self.desk.counter_branch.zip_code if self.desk.counter_branch else "")
        combo.clear()
        for branch in self.desk.branches.values():
            combo.addItem(f"{branch.name} ({branch.zip_code})", branch.zip_code)
        if combo.findData(keep) >= 0:
            combo.setCurrentIndex(combo.findData(keep))
        self._branch_changed()

    def _counter_branch_changed(self, zip_code: str) -> None:
        found = self.ui.branchCombo.findData(zip_code)
        if found >= 0 and found != self.ui.branchCombo.currentIndex():
            self.ui.branchCombo.setCurrentIndex(found)
            self._branch_changed()

    def _branch_changed(self) -> None:
        self.ledger.zip_code = self.zip_code()
        if self._followed_today:
            self.ui.dayEdit.setDate(qdate(self._today()))  # the branch's own today
        self.reload()

    def show_today(self) -> None:
        """Today at the branch (its time zone); the day follows today again."""
        self._followed_today = True
        self.ui.dayEdit.setDate(qdate(self._today()))
        self.reload()

    def show_day(self, day: date) -> None:
        """The cash-up of ``day`` at the branch chosen."""
        self.ui.dayEdit.setDate(qdate(day))

    def _step(self, days: int) -> None:
        try:
            self.show_day(self.day() + timedelta(days=days))
        except OverflowError:
            pass

    def _say(self, problem: str) -> None:
        """A problem with the branch or the day under the fields ('' clears it)."""
        self.ui.dayError.setText(problem)
        self.ui.dayError.setVisible(bool(problem))

    def _day_changed(self, _day: QDate) -> None:
        self._say("")
        self._followed_today = self.day() == self._today()
        self.reload()

    # -- loading ---------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the day again (on the worker); the newest answer wins."""
        zip_code, day = self.zip_code(), self.day()
        if not zip_code:
            self._show(None)
            return
        self._asked = (zip_code, day)

        def job() -> CashUp:
            with self.desk.db.session() as s:
                return payments.cash_up(s, zip_code, day)

        self.desk.run(job, self._loaded, self._refused)

    def _loaded(self, found: CashUp) -> None:
        if (found.zip_code, found.day) != self._asked:
            return  # another branch or day asked since: its answer is on its way
        self._show(found)

    def _refused(self, error: RentalError) -> None:
        self._show(None)
        self._say(str(error))

    def _data_changed(self, changes: Changes) -> None:
        # a ledger row announces its agreement's reservation (here and, by 0019's trigger, elsewhere)
        if changes.reservations and self.zip_code():
            self.reload()

    def _show(self, c: CashUp | None) -> None:
        ui = self.ui
        self.shown = c
        self.ledger.set_rows(c.entries if c else ())
        self.methods.set_rows([*c.lines, _total(c)] if c else ())
        for button in (ui.saveButton, ui.printButton):
            button.setEnabled(c is not None)
        if c is None:
            for label in (ui.netValue, ui.cashHeldValue, ui.cashReleasedValue, ui.drawerValue, ui.subtitleLabel):
                label.clear()
            self.empty_note.update()
            return
        ui.netValue.setText(_amount(c.total))
        ui.cashHeldValue.setText(_amount(c.cash_deposits_held))
        ui.cashReleasedValue.setText(_amount(c.cash_deposits_released))
        ui.drawerValue.setText(_amount(c.cash_in_drawer))
        ui.subtitleLabel.setText(f"{c.branch_name}, {day_text(c.day)} ({c.time_zone}): "
                                 f"{count(len(c.entries), 'ledger row')}")
        ui.ledgerLabel.setText(f"The day's ledger: {count(len(c.entries), 'row')}")
        self.empty_note.update()
        self._fit_methods()

    def _fit_methods(self) -> None:
        view = self.ui.methodsView
        rows = self.methods.rowCount()
        height = view.horizontalHeader().height() + rows * view.verticalHeader().defaultSectionSize() + 2 * view.frameWidth()
        view.setFixedHeight(height)

    def _why_empty(self) -> str:
        c = self.shown
        if c is None:
            return "No branch yet: add one to cash up." if not self.desk.branches else ""
        where, day = c.branch_name, day_text(c.day)
        if c.day > self._today():
            return f"{day} is still to come at {where}: nothing can have been taken yet."
        return (f"Nothing was paid, given back or held as a deposit at {where} on {day}: "
                f"no payment, refund or deposit was recorded at this counter that day.")

    # -- the PDF ---------------------------------------------------------------------------------

    def pdf(self) -> tuple[str, bytes] | None:
        """The cash-up shown as a PDF (its file name and bytes), or None when nothing is shown."""
        c = self.shown
        return None if c is None else (documents.cash_up_file_name(c), documents.cash_up_pdf(c))

    def save_pdf(self) -> None:
        """Save the cash-up shown as a PDF where the clerk chooses."""
        made = self.pdf()
        if made is not None:
            ask_file(self, made[0], made[1], lambda: None)

    def print_pdf(self) -> None:
        """Print the cash-up shown through the system's print dialog."""
        made = self.pdf()
        if made is not None:
            ask_printer(self, made[1], lambda: None)

    # -- remembered state ------------------------------------------------------------------------

    def restore_state(self) -> None:
        self.view_state.restore(headers={"ledger": self.ui.ledgerView.horizontalHeader()})

    def save_state(self) -> None:
        self.view_state.save(headers={"ledger": self.ui.ledgerView.horizontalHeader()})


def _total(c: CashUp) -> CashUpLine:
    return CashUpLine(method="total", payments=sum((ln.payments for ln in c.lines), Decimal("0.00")),
                      refunds=sum((ln.refunds for ln in c.lines), Decimal("0.00")),
                      deposits_captured=sum((ln.deposits_captured for ln in c.lines), Decimal("0.00")),
                      net=c.total, count=sum(ln.count for ln in c.lines))

