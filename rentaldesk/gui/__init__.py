"""The counter desk app (PySide6): the only part of rentaldesk that imports Qt.

Layout lives in Qt Designer forms (``ui/*.ui``, compiled into :mod:`rentaldesk.gui.forms`); each
screen holds its form by composition and keeps the logic. All database work runs on the one
:class:`~rentaldesk.gui.worker.DatabaseWorker`; screens refresh from the ``changed`` signal of
:class:`~rentaldesk.gui.desk.DeskContext`, which carries the ids a commit touched.
"""
