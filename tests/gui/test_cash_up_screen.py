"""The cash-up screen (Ctrl+8) through its real widgets: payments taken through the ledger's one
path (AgreementService) on a real SQLite file, the day's figures read off the screen, the PDF
saved through the real file dialog and printed through the print dialog, read back with pypdf, a
payment from another connection shown without a click, and an empty day that says why."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from rentaldesk.agreement_service import AgreementService
from rentaldesk.db import open_database
from rentaldesk.gui.cash_up_screen import LedgerTableModel, MethodTableModel
from rentaldesk.gui.documents_out import print_pdf
from rentaldesk.gui.main_window import SHORTCUTS
from rentaldesk.reservations import ReservationService
from tests.contract_helpers import check_in_value, check_out_value, may_rent
from tests.gui.conftest import ZIP
from tests.gui.layout import layout_problems

D = Decimal
#: The desk waits at most this long for a change made elsewhere (it looks every 500 ms).
PATIENCE_MS = 15_000


def returned(service: ReservationService, db, clock):  # noqa: ANN001
    """An SUV out at 10:00 New York time on 4 March 2030 and back two days later, the clock then."""
    start = clock() + timedelta(hours=3)
    r = service.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code=ZIP,
                                   start=start, end=start + timedelta(days=2))
    may_rent(db, r.customer_id)
    clock.now = start
    a = service.check_out(check_out_value(r.id))
    clock.now = start + timedelta(days=2)
    return service.check_in(check_in_value(a.id, clock.now))


def cells(model, column: int) -> dict[str, str]:  # noqa: ANN001
    """A column of the methods grid by the method's words."""
    return {model.index(row, 0).data(): model.index(row, column).data() for row in range(model.rowCount())}


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def open_cash_up(window, qtbot):  # noqa: ANN001
    QTest.keyClick(window, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    screen = window.cash_up
    qtbot.waitUntil(lambda: window.ui.screens.currentWidget() is screen and window.is_settled())
    return screen


def test_the_day_by_method_on_screen_and_in_the_pdf_saved_and_printed(desk, db, clock, qtbot, tmp_path: Path):
    a = returned(desk.desk.service, db, clock)
    ledger = AgreementService(desk.desk.service)
    ledger.take_payment(a.id, "card", D("100.00"), "AUTH-1", provider_reference="ch_9")
    ledger.take_payment(a.id, "cash", D("40.00"), "")  # of 176.00
    ledger.capture_deposit(a.id, D("30.00"))
    ledger.refund(a.id, "cash", D("10.00"), "", "change given wrong")
    screen = open_cash_up(desk, qtbot)
    ui = screen.ui
    assert ui.branchCombo.currentData() == ZIP and ui.dayEdit.text() == "Wed 06 Mar 2030"  # today in New York
    methods = screen.methods
    assert cells(methods, MethodTableModel.COL_PAYMENTS) == {"Card": "$100.00", "Cash": "$40.00", "Voucher": "$0.00",
                                                             "Total": "$140.00"}
    assert cells(methods, MethodTableModel.COL_REFUNDS)["Cash"] == "$10.00"
    assert cells(methods, MethodTableModel.COL_KEPT)["Card"] == "$30.00"
    assert cells(methods, MethodTableModel.COL_NET) == {"Card": "$130.00", "Cash": "$30.00", "Voucher": "$0.00",
                                                        "Total": "$160.00"}
    assert ui.netValue.text() == "$160.00" and ui.drawerValue.text() == "$30.00"
    assert ui.cashHeldValue.text() == "$0.00"  # the deposit is a card's pre-authorisation
    rows = screen.ledger
    seen = [[rows.index(r, c).data() for c in (LedgerTableModel.COL_WHAT, LedgerTableModel.COL_METHOD,
                                                 LedgerTableModel.COL_REFERENCE, LedgerTableModel.COL_NOTE,
                                                 LedgerTableModel.COL_AMOUNT)] for r in range(rows.rowCount())]
    assert seen == [["Payment", "Card", "AUTH-1 · ch_9", "", "$100.00"], ["Payment", "Cash", "", "", "$40.00"],
                    ["Deposit kept", "Card", "PREAUTH-778", "", "$30.00"],
                    ["Refund", "Cash", "", "change given wrong", "$10.00"]]
    assert screen.empty_note.text() == ""

    ui.saveButton.click()
    chooser = screen.findChild(QFileDialog, "savePdf")
    assert chooser is not None and chooser.isVisible()
    assert Path(chooser.selectedFiles()[0]).name == f"cash-up-{ZIP}-2030-03-06.pdf"
    chooser.selectFile(str(tmp_path / "till.pdf"))
    chooser.accept()
    words = pdf_text((tmp_path / "till.pdf").read_bytes())
    for fact in ("Cash-up 2030-03-06", "card 100.00 USD 0.00 USD 30.00 USD 130.00 USD",
                 "cash 40.00 USD 10.00 USD 0.00 USD 30.00 USD", "Total 160.00 USD 4", "AUTH-1 · ch_9", a.number):
        assert fact in words, fact

    ui.printButton.click()
    printing = screen.findChild(QPrintDialog, "printPdf")
    assert printing is not None
    qtbot.waitUntil(printing.isVisible)
    printing.reject()  # (the dialog's accept re-reads the system's printers: none here)
    qtbot.waitUntil(lambda: screen.findChild(QPrintDialog, "printPdf") is None)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    made = screen.pdf()
    assert made is not None and print_pdf(made[1], printer) is None
    assert pdf_text((tmp_path / "printed.pdf").read_bytes()) == words  # what is printed is what was saved


def test_a_payment_taken_at_another_counter_shows_without_a_click(desk, db, clock, qtbot):
    a = returned(desk.desk.service, db, clock)
    screen = open_cash_up(desk, qtbot)
    assert screen.ui.netValue.text() == "$0.00" and screen.ledger.rowCount() == 0
    other = open_database(str(db.engine.url))  # a second workstation on the same file
    try:
        AgreementService(ReservationService(other, clock=clock)).take_payment(a.id, "voucher", D("25.00"), "V-7")
        qtbot.waitUntil(lambda: screen.ui.netValue.text() == "$25.00", timeout=PATIENCE_MS)
        assert cells(screen.methods, MethodTableModel.COL_NET)["Voucher"] == "$25.00"
        assert screen.ledger.index(0, LedgerTableModel.COL_REFERENCE).data() == "V-7"
    finally:
        other.close()


def test_an_empty_day_says_why_and_a_day_to_come_too(desk, qtbot):
    screen = open_cash_up(desk, qtbot)
    ui = screen.ui
    assert screen.ledger.rowCount() == 0 and ui.netValue.text() == "$0.00"
    assert screen.empty_note.text() == ("Nothing was paid, given back or held as a deposit at Branch 10001 on "
                                        "Mon 04 Mar 2030: no payment, refund or deposit was recorded at this "
                                        "counter that day.")
    assert ui.saveButton.isEnabled()  # a day of nothing is cashed up too
    QTest.keyClick(screen, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: ui.dayEdit.text() == "Tue 05 Mar 2030" and desk.is_settled())
    assert screen.empty_note.text() == "Tue 05 Mar 2030 is still to come at Branch 10001: nothing can have been taken yet."
    ui.todayButton.click()
    qtbot.waitUntil(lambda: ui.dayEdit.text() == "Mon 04 Mar 2030" and desk.is_settled())
    assert "Nothing was paid" in screen.empty_note.text()


def test_a_day_that_is_no_day_is_said_and_the_shortcut_is_listed(desk, qtbot):
    screen = open_cash_up(desk, qtbot)
    ui = screen.ui
    ui.dayEdit.setFocus()
    ui.dayEdit.selectAll()
    QTest.keyClicks(ui.dayEdit, "31/2")
    ui.dayEdit.editingFinished.emit()
    assert ui.dayError.isVisible() and "Day '31/2' is not a day" in ui.dayError.text()
    assert ui.dayEdit.text() == "31/2"  # kept for the clerk to fix; the day shown stays
    assert "<b>Ctrl+8</b></td><td>Cash-up" in SHORTCUTS
    assert desk.cash_up.ui.titleLabel.text() == "Cash-up"


@pytest.mark.parametrize(("width", "height"), [(1024, 700), (1920, 1080)])
def test_the_cash_up_fits_the_window(desk, db, clock, qtbot, width: int, height: int) -> None:  # noqa: ANN001
    a = returned(desk.desk.service, db, clock)
    ledger = AgreementService(desk.desk.service)
    ledger.take_payment(a.id, "card", D("100.00"), "AUTH-1", provider_reference="ch_9")
    ledger.refund(a.id, "card", D("20.00"), "AUTH-1", "a long reason: the car was not cleaned inside and smelled of smoke")
    desk.resize(width, height)
    screen = open_cash_up(desk, qtbot)
    qtbot.wait(50)
    QApplication.processEvents()
    assert layout_problems(desk) == []
    assert screen.ledger.rowCount() == 2
