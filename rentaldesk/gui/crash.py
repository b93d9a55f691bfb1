"""Errors the desk cannot handle: logged to ``rentaldesk.gui`` and shown in a dialog, never a silent
crash. Qt's own messages go to the same logger."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from ..logs import log_dir

log = logging.getLogger("rentaldesk.gui")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

#: The error dialogs on screen (kept so they are not garbage-collected while open).
_open_dialogs: list[QMessageBox] = []


def qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's message handler: each message becomes a ``rentaldesk.gui`` log record."""
    where = f" ({context.file}:{context.line})" if context.file else ""
    log.log(_QT_LEVELS.get(kind, logging.WARNING), "Qt: %s%s", message, where)


def unhandled(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    """``sys.excepthook`` of the desk: log the traceback, tell the clerk, keep the counter open."""
    if issubclass(kind, KeyboardInterrupt):
        QApplication.quit()
        return
    log.error("unexpected error", exc_info=(kind, error, tb))
    if QApplication.instance() is None:
        return
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "Something went wrong",
        f"<p>The desk could not finish that: <b>{type(error).__name__}</b>: {error}</p>"
        "<p>Nothing half-done was saved. The details are in the log "
        f"({log_dir() / 'rentaldesk.log'}); you can go on working.</p>",
        QMessageBox.StandardButton.Ok,
        QApplication.activeWindow(),
    )
    box.setObjectName("errorDialog")
    box.setDetailedText("".join(traceback.format_exception(kind, error, tb)))
    _open_dialogs.append(box)
    box.finished.connect(lambda _result: _open_dialogs.remove(box))
    box.open()


def install() -> None:
    """Route unhandled exceptions and Qt's messages through the desk's handlers."""
    sys.excepthook = unhandled
    qInstallMessageHandler(qt_message)
