"""The History panel of a reservation, a car or a customer: who changed what, when and where, from
the audit trail (:mod:`rentaldesk.audit`), newest first.

:class:`AuditHistoryModel` holds only the entries' ids (read on the database worker) and builds a
row when the view asks for it, reading the entries of the page around it in one query (Anki's
browser ``DataModel``): a car changed ten thousand times opens as fast as one changed once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timezone, tzinfo
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from .. import audit
from ..display import count
from ..values import Changes
from . import text
from .desk import DeskContext

Index = QModelIndex | QPersistentModelIndex
#: The entries read at once when the view asks for a row not read yet.
PAGE = 100
ID_ROLE = Qt.ItemDataRole.UserRole + 1

Fetch = Callable[[Sequence[int]], dict[int, audit.AuditView]]


class AuditHistoryModel(QAbstractTableModel):
    """A record's audit entries by id; each row built on demand (see the module)."""

    COL_WHEN, COL_WHO, COL_WHERE, COL_WHAT = range(4)
    TITLES = ("When", "Who", "Where", "What changed")

    def __init__(self, fetch: Fetch, zone: Callable[[], tzinfo], parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._zone = zone
        self._ids: list[int] = []
        self._rows: dict[int, audit.AuditView] = {}

    def set_ids(self, ids: Sequence[int]) -> None:
        """Show these entries (newest first); what was read before is read again when shown."""
        self.beginResetModel()
        self._ids = list(ids)
        self._rows = {}
        self.endResetModel()

    def entry_at(self, row: int) -> audit.AuditView | None:
        if not 0 <= row < len(self._ids):
            return None
        entry_id = self._ids[row]
        if entry_id not in self._rows:
            first = row - row % PAGE
            self._rows.update(self._fetch(self._ids[first:first + PAGE]))
        return self._rows.get(entry_id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.TITLES)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.TITLES):
            return self.TITLES[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entry_at(index.row())
        if entry is None:
            return None
        if role == ID_ROLE:
            return entry.id
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        column = index.column()
        if column == self.COL_WHEN:
            return text.when(entry.at, self._zone())
        if column == self.COL_WHO:
            return f"{entry.username} ({entry.role})"
        if column == self.COL_WHERE:
            return entry.where or "—"
        if column == self.COL_WHAT:
            return _what(entry)
        return None


def _what(entry: audit.AuditView) -> str:
    """What an entry says, in the clerk's words ("status: booked → cancelled"); an entry of the
    record's agreement (in a reservation's or a car's history) says which part it is about
    ("agreement B10001-000001: checked-in: ...", "damage mark, agreement ...: ...")."""
    prefix = {audit.PAYMENT: "payment: ", audit.AGREEMENT: f"agreement {entry.label}: ",
              audit.DAMAGE: f"damage mark, agreement {entry.label}: "}.get(entry.record_kind, "")
    return prefix + entry.what


class HistoryPanel(QWidget):
    """A title and the entries of one record; follows the record's changes while shown."""

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.record: tuple[str, str] | None = None
        self._name = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(self)
        self.title.setObjectName("historyTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.model = AuditHistoryModel(self._read, self._zone, self)
        self.view = QTableView(self)
        self.view.setObjectName("auditHistoryView")
        self.view.setModel(self.model)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        for column, width in ((AuditHistoryModel.COL_WHEN, 150), (AuditHistoryModel.COL_WHO, 130),
                              (AuditHistoryModel.COL_WHERE, 130)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(AuditHistoryModel.COL_WHAT, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view)
        desk.changed.connect(self._data_changed)

    def _zone(self) -> tzinfo:
        # the counter's time, as every time the desk shows (the entry's own branch may be elsewhere)
        branch = self.desk.counter_branch
        return branch.zone if branch is not None else timezone.utc

    def _read(self, ids: Sequence[int]) -> dict[int, audit.AuditView]:
        with self.desk.db.session() as s:
            return audit.entries(s, ids)

    def show_record(self, kind: str, record_id: str, name: str) -> None:
        """Show the history of ``kind`` ``record_id`` (``name``: how the title calls it)."""
        self.record = (kind, str(record_id))
        self._name = name
        self.reload()

    def reload(self) -> None:
        record = self.record
        if record is None:
            return

        def job() -> list[int]:
            with self.desk.db.session() as s:
                return audit.history_ids(s, *record)

        self.desk.run(job, lambda ids: self._loaded(record, ids))

    def _loaded(self, record: tuple[str, str], ids: list[int]) -> None:
        if record != self.record:
            return  # another record was asked for meanwhile
        self.model.set_ids(ids)
        self.title.setText(f"History of {self._name}: {count(len(ids), 'change')}, newest first" if ids
                           else f"No changes of {self._name} are recorded")

    def _data_changed(self, changes: Changes) -> None:
        if self.record is None or not self.isVisible():
            return
        kind, record_id = self.record
        ids = {audit.RESERVATION: changes.reservations, audit.CUSTOMER: changes.customers,
               audit.CAR: {str(c) for c in changes.cars}}.get(kind, set())
        if record_id in {str(i) for i in ids}:
            self.reload()


class HistoryDialog(QDialog):
    """The History panel in a window of its own (opened from a record's screen)."""

    def __init__(self, desk: DeskContext, kind: str, record_id: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle(f"History — {name}")
        layout = QVBoxLayout(self)
        self.panel = HistoryPanel(desk, self)
        layout.addWidget(self.panel)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 420)
        self.panel.show_record(kind, record_id, name)


def open_history(parent: QWidget, desk: DeskContext, kind: str, record_id: str, name: str) -> HistoryDialog:
    """Open the History of a record beside ``parent`` (not modal: the clerk may keep it open)."""
    dialog = HistoryDialog(desk, kind, record_id, name, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
