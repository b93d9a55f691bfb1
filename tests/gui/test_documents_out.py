"""A document made at the counter, printed to a PDF printer or saved where the clerk chooses."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from rentaldesk.gui.documents_out import offer_document, print_pdf, save_pdf

PDF = b"%PDF-1.4\n% a document\n%%EOF\n"


def test_save_adds_the_suffix_and_says_why_not(tmp_path: Path) -> None:
    assert save_pdf(PDF, str(tmp_path / "agreement")) is None
    assert (tmp_path / "agreement.pdf").read_bytes() == PDF
    problem = save_pdf(PDF, str(tmp_path / "no-such-folder" / "a.pdf"))
    assert problem is not None and "could not be written" in problem


def test_a_print_to_file_printer_gets_the_pdf_itself(tmp_path: Path) -> None:
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_pdf(PDF, printer) is None
    assert (tmp_path / "printed.pdf").read_bytes() == PDF


def test_the_clerk_saves_the_document_from_the_question(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    finished: list[None] = []
    box = offer_document(parent, "Agreement ready", "Agreement NYC-000001", "agreement-NYC-000001.pdf", PDF,
                         lambda: finished.append(None))
    assert box.isVisible() and sorted(b.text() for b in box.buttons()) == ["Done", "Print…", "Save PDF…"]
    next(b for b in box.buttons() if b.text() == "Save PDF…").click()
    chooser = parent.findChild(QFileDialog, "savePdf")
    assert chooser is not None and chooser.isVisible() and not finished
    chooser.selectFile(str(tmp_path / "kept.pdf"))
    chooser.accept()
    assert (tmp_path / "kept.pdf").read_bytes() == PDF
    qtbot.waitUntil(lambda: finished == [None])


def test_done_leaves_the_document(qtbot) -> None:  # noqa: ANN001
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    finished: list[None] = []
    box = offer_document(parent, "Receipt ready", "Receipt", "receipt.pdf", PDF, lambda: finished.append(None))
    next(b for b in box.buttons() if b.text() == "Done").click()
    qtbot.waitUntil(lambda: finished == [None])
    assert parent.findChild(QFileDialog) is None
    assert isinstance(box, QMessageBox)


def test_print_opens_the_system_s_print_dialog(qtbot) -> None:  # noqa: ANN001
    # QPrintDialog.open() of PySide6 takes (receiver, member) only: called bare it raised TypeError
    # and Print… did nothing
    from PySide6.QtPrintSupport import QPrintDialog

    from rentaldesk.gui.documents_out import ask_printer

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    finished: list[None] = []
    dialog = ask_printer(parent, PDF, lambda: finished.append(None))
    assert isinstance(dialog, QPrintDialog)
    qtbot.waitUntil(dialog.isVisible)
    dialog.reject()
    qtbot.waitUntil(lambda: finished == [None])
