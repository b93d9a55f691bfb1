"""An agreement's or a receipt's PDF, once made: saved to a file the clerk chooses, or printed
through the system's print dialog."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

log = logging.getLogger("rentaldesk.gui")


def save_pdf(data: bytes, path: str) -> str | None:
    """Write ``data`` to ``path`` (".pdf" added when it has no suffix); why not, or None."""
    target = Path(path)
    if not target.suffix:
        target = target.with_suffix(".pdf")
    try:
        target.write_bytes(data)
    except OSError as error:
        return f"{target.name} could not be written: {error.strerror or error}"
    log.info("saved %s (%d bytes)", target, len(data))
    return None


def print_pdf(data: bytes, printer: QPrinter) -> str | None:
    """Send ``data`` to the printer chosen in the print dialog: a "print to file" printer gets the
    PDF itself, a system printer gets it through CUPS (``lp``, which prints PDF as it is). Why
    not, or None."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        return save_pdf(data, printer.outputFileName())
    lp = shutil.which("lp")
    if lp is None:
        return "no print system (CUPS' lp) on this computer: save the PDF and print it from there"
    with tempfile.NamedTemporaryFile(prefix="rentaldesk-", suffix=".pdf", delete=False) as file:
        file.write(data)
    command = [lp, "-n", str(max(1, printer.copyCount()))]
    if printer.printerName():
        command += ["-d", printer.printerName()]
    result = subprocess.run([*command, file.name], capture_output=True, text=True, timeout=30, check=False)
    if result.returncode != 0:
        return f"the printer said: {(result.stderr or result.stdout).strip() or 'no'}"
    return None


def offer_document(parent: QWidget, title: str, what: str, file_name: str, data: bytes,
                   finished: Callable[[], None]) -> QMessageBox:
    """Ask the clerk what to do with a document just made: print it, save it, or neither
    (window-modal; ``finished()`` once the clerk is done with it)."""
    box = QMessageBox(QMessageBox.Icon.Information, title, what, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("documentReady")
    print_button = box.addButton("Print…", QMessageBox.ButtonRole.ActionRole)
    save_button = box.addButton("Save PDF…", QMessageBox.ButtonRole.ActionRole)
    done_button = box.addButton("Done", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(print_button)
    box.setEscapeButton(done_button)

    def answered() -> None:
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is print_button:
            ask_printer(parent, data, finished)
        elif clicked is save_button:
            ask_file(parent, file_name, data, finished)
        else:
            finished()

    box.finished.connect(answered)
    box.open()
    return box


def ask_file(parent: QWidget, file_name: str, data: bytes, finished: Callable[[], None]) -> QFileDialog:
    """A save dialog for the PDF (window-modal), written when a file is chosen."""
    dialog = QFileDialog(parent, "Save the PDF", str(Path.home() / file_name), "PDF (*.pdf)")
    dialog.setObjectName("savePdf")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("pdf")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)

    def chosen(path: str) -> None:
        problem = save_pdf(data, path)
        if problem is not None:
            QMessageBox.warning(parent, "Not saved", problem)

    dialog.fileSelected.connect(chosen)
    dialog.finished.connect(lambda _result: _close(dialog, finished))
    dialog.open()
    return dialog


def ask_printer(parent: QWidget, data: bytes, finished: Callable[[], None]) -> QPrintDialog:
    """The system's print dialog (window-modal); the PDF printed when the clerk confirms."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setObjectName("printPdf")

    def accepted() -> None:
        problem = print_pdf(data, printer)
        if problem is not None:
            QMessageBox.warning(parent, "Not printed", problem)

    dialog.accepted.connect(accepted)
    dialog.finished.connect(lambda _result: _close(dialog, finished))
    # QDialog.open(): PySide6's QPrintDialog.open takes only (receiver, member), and dialog.open()
    # raised TypeError, so Print… did nothing at all
    QDialog.open(dialog)
    return dialog


def _close(dialog: QWidget, finished: Callable[[], None]) -> None:
    dialog.deleteLater()
    finished()
