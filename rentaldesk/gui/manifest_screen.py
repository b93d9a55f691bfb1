"""Today (Ctrl+7): the day's manifest of the counter's branch (:func:`rentaldesk.manifest.day_manifest`):
due out, due in, overdue and no-shows with their counts, a day picker, the PDF saved or printed, and
"Mark no-show…" on a row that may be marked (after a confirmation, through the service)."""

from __future__ import annotations

import functools
import html
from collections.abc import Hashable
from datetime import date
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import documents
from .. import manifest as day_lists
from ..errors import RentalError
from ..manifest import Manifest, ManifestRow
from ..values import Changes
from . import text
from .desk import DeskContext
from .documents_out import ask_file, ask_printer
from .empty import EmptyNote
from .tablemodels import Column, RowTableModel
from .widgets import DateField, ViewState, ask, py_date, qdate, setup_grid

#: How often the lists are read again while the screen is shown: what is overdue, and who may be
#: marked a no-show, changes with the clock alone.
CLOCK_MS = 60_000


def _when(m: Any, value: Any) -> str:
    return day_lists.when(value, m.manifest) if m.manifest is not None else ""


def _state(m: Any, r: ManifestRow) -> str:
    return day_lists.state(r, m.manifest) if m.manifest is not None else ""


_COMMON = (
    Column("Reference", lambda m, r: r.reference, width=96),
    Column("Customer", lambda m, r: r.customer, width=170, least=100),
    Column("Phone", lambda m, r: r.customer_phone, width=140, least=110),
    Column("Class", lambda m, r: m.class_name(r.vehicle_class), width=90, least=66),
    Column("Car", lambda m, r: r.plate_number, width=84, least=66),
    Column("Agreement", lambda m, r: r.agreement_number, width=120, least=80),
    Column("State", _state, width=190, least=120),
)


class ManifestTableModel(RowTableModel):
    """A list of the manifest, by pick-up time (due out, no-shows)."""

    COL_TIME = 0
    manifest: Manifest | None = None
    columns = (Column("Pick-up", lambda m, r: _when(m, r.start), key=lambda m, r: r.start, width=100, least=70),
               *_COMMON)

    @staticmethod
    def row_id(row: ManifestRow) -> Hashable:
        return row.reservation_id


class DueBackTableModel(ManifestTableModel):
    """A list of the manifest, by booked return (due in, overdue)."""

    columns = (Column("Due back", lambda m, r: _when(m, r.end), key=lambda m, r: r.end, width=100, least=70),
               *_COMMON)


class ManifestScreen(QWidget):
    """The four lists in tabs titled with their counts; the day, the PDF and the no-show above."""

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.manifest: Manifest | None = None
        self._stale = True
        self.title = QLabel("Today", self)
        self.title.setObjectName("screenTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.day_edit = DateField(self)  # a typed day (8, 8/12, 8 Dec), as every date field of the desk
        self.day_edit.setObjectName("manifestDay")
        self.day_edit.label = "Day"
        self.day_edit.reference = self._today
        self.day_edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        day_label = QLabel("&Day", self)
        day_label.setBuddy(self.day_edit)
        self.today_button = QPushButton("&Today", self)
        self.no_show_button = QPushButton("Mark &no-show…", self)
        self.no_show_button.setObjectName("markNoShow")
        self.no_show_button.setToolTip("Mark the selected reservation a no-show: its car is free at once")
        self.save_button = QPushButton("Save &PDF…", self)
        self.print_button = QPushButton("P&rint…", self)
        self.summary = QLabel(self)
        self.summary.setObjectName("manifestSummary")
        self.message = QLabel(self)
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        self.day_edit.refused.connect(lambda: self.message.setText(self.day_edit.problem() or ""))
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        for widget in (day_label, self.day_edit, self.today_button, self.no_show_button, self.save_button,
                       self.print_button):
            top.addWidget(widget)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("manifestLists")
        self.models: dict[str, ManifestTableModel] = {}
        self.views: dict[str, QTableView] = {}
        self.notes: dict[str, EmptyNote] = {}
        for name, title in day_lists.LISTS:
            model = DueBackTableModel(self) if name in ("due_in", "overdue") else ManifestTableModel(self)
            model.class_name = desk.class_name
            view = QTableView(self.tabs)
            view.setObjectName(f"{name}View")
            setup_grid(view, model, sort_column=ManifestTableModel.COL_TIME)
            self.notes[name] = EmptyNote(view, functools.partial(self._why_empty, name))
            view.selectionModel().selectionChanged.connect(self._selection_changed)
            self.models[name], self.views[name] = model, view
            self.tabs.addTab(view, title)
        self.tabs.currentChanged.connect(self._selection_changed)
        self.view_state = ViewState("manifest")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        self.day_edit.dateChanged.connect(lambda _d: self.reload())
        self.today_button.clicked.connect(self.show_today)
        self.no_show_button.clicked.connect(self.mark_no_show)
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_pdf)
        desk.changed.connect(self._data_changed)
        desk.counter_branch_changed.connect(lambda _zip: self.show_today())
        desk.reference_changed.connect(self.show_today)
        self._clock = QTimer(self, interval=CLOCK_MS)
        self._clock.timeout.connect(lambda: self.reload() if self.isVisible() else None)
        self._clock.start()
        self._selection_changed()

    # -- remembered state: the lists' columns -----------------------------------------------------------

    def restore_state(self) -> None:
        self.view_state.restore(headers={name: view.horizontalHeader() for name, view in self.views.items()})

    def save_state(self) -> None:
        self.view_state.save(headers={name: view.horizontalHeader() for name, view in self.views.items()})

    # -- reading -------------------------------------------------------------------------------------

    def activate(self) -> None:
        if self._stale:
            self.reload()
        self.views[self.current_list()].setFocus()

    def _today(self) -> date:
        """The counter's branch's today (a typed day number counts from it)."""
        branch = self.desk.counter_branch
        now = self.desk.now()
        return now.astimezone(branch.zone).date() if branch is not None else now.date()

    def show_today(self) -> None:
        """The counter's branch's today in the day picker (and the lists read)."""
        branch = self.desk.counter_branch
        if branch is None:
            return
        today = self.desk.now().astimezone(branch.zone).date()
        if py_date(self.day_edit.date()) != today:
            self.day_edit.setDate(qdate(today))  # (which reloads)
        else:
            self.reload()

    def reload(self) -> None:
        branch = self.desk.counter_branch
        if branch is None:
            return
        zip_code, day, now = branch.zip_code, py_date(self.day_edit.date()), self.desk.now()
        self._stale = False
        self.desk.run(lambda: _read(self.desk, zip_code, day, now), self._loaded, self._refused)

    def _loaded(self, m: Manifest) -> None:
        self.manifest = m
        today = self.desk.now().astimezone(m.zone).date() == m.day
        self.title.setText(f"{'Today' if today else 'Manifest'} at {m.branch_name}")
        self.summary.setText(f"{day_lists.summary(m)}  ·  as of {day_lists.when(m.now, m)} ({m.time_zone})")
        for i, (name, title) in enumerate(day_lists.LISTS):
            model = self.models[name]
            model.manifest = m
            model.set_rows(getattr(m, name))
            self.tabs.setTabText(i, f"{title} ({len(getattr(m, name))})")
        self._selection_changed()

    def _why_empty(self, name: str) -> str:
        m = self.manifest
        if m is None:
            return "Reading the day…"
        day = f"{m.day:%a} {m.day.day:02d} {m.day:%b}"
        return {
            "due_out": f"No pick-ups on {day}.",
            "due_in": f"No returns due on {day}.",
            "overdue": "No car is out past its return and the late-return grace.",
            "no_shows": f"No no-shows yet: nobody is more than {text.duration_words(m.no_show_grace)} late for a pick-up.",
        }[name]

    def _refused(self, error: RentalError) -> None:
        self.message.setText(error.message)

    def _data_changed(self, changes: Changes) -> None:
        if not (changes.reservations or changes.customers or changes.cars):
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    # -- the rows --------------------------------------------------------------------------------------

    def current_list(self) -> str:
        return day_lists.LISTS[max(0, self.tabs.currentIndex())][0]

    def selected(self) -> ManifestRow | None:
        name = self.current_list()
        view = self.views[name]
        rows = view.selectionModel().selectedRows()
        if not rows:
            return None
        proxy = view.model()
        row: ManifestRow = self.models[name].row_at(proxy.mapToSource(rows[0]).row())  # type: ignore[attr-defined]
        return row

    def _selection_changed(self, *_args: object) -> None:
        row = self.selected()
        self.no_show_button.setEnabled(row is not None and row.can_mark_no_show)
        self.save_button.setEnabled(self.manifest is not None)
        self.print_button.setEnabled(self.manifest is not None)

    def mark_no_show(self) -> None:
        row, m = self.selected(), self.manifest
        if row is None or m is None or not row.can_mark_no_show:
            return
        fee = f"The branch's no-show fee, {text.money(m.no_show_fee)}, is recorded." if m.no_show_fee else \
            "No fee is charged."
        ask(self, "Mark no-show",
            f"Mark reservation <b>{html.escape(row.reference)}</b> of {html.escape(row.customer)} a no-show?<br>"
            f"The pick-up was due at {day_lists.when(row.start, m)}; the car is free for others at once. {fee}",
            "Mark no-show",
            lambda: self.desk.run(lambda: self.desk.service.mark_no_show(row.reservation_id),
                                  lambda r: self.message.setText(f"Reservation {r.reference} marked a no-show."),
                                  self._refused))

    # -- the PDF ---------------------------------------------------------------------------------------

    def save_pdf(self) -> None:
        if self.manifest is not None:
            ask_file(self, documents.manifest_file_name(self.manifest), documents.manifest_pdf(self.manifest),
                     lambda: None)

    def print_pdf(self) -> None:
        if self.manifest is not None:
            ask_printer(self, documents.manifest_pdf(self.manifest), lambda: None)


def _read(desk: DeskContext, zip_code: str, day: date, now: Any) -> Manifest:
    with desk.db.session() as s:
        return day_lists.day_manifest(s, zip_code, day, now)
