"""The desk's grids: table models over frozen rows, and the filter proxy in front of them.

A model holds its rows (frozen values with an id) and builds what a cell shows only when the view
asks (``data``). Each model names its columns with ``COL_*`` constants and answers the custom roles
below. Sorting is done by the model itself on Python keys (one sort of the row list, not a C++
comparison calling back into Python per pair), and :class:`RowFilterProxy` filters in front of it;
the proxy hands its ``sort`` to the model, so a header click sorts 10,000 rows in milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from typing import Any, ClassVar, cast

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from ..queries import Assignment, CarRow, DriverRow, PoolStatus
from ..values import Reservation
from ..rules import normalize_plate
from . import text

ID_ROLE = Qt.ItemDataRole.UserRole + 1  #: the row's id (reservation id, car id, driver id)
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  #: the row value itself
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3  #: the status key a status cell is painted for

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

Index = QModelIndex | QPersistentModelIndex
ZoneOf = Callable[[str], tzinfo]
NameOf = Callable[[str], str]


def _as_is(code: str) -> str:
    return code


@dataclass(frozen=True)
class Column:
    """One column: its title, its cell text, its sort key (default: the text), its alignment, the
    width the view starts with and the least it narrows to (see ColumnFit in rentaldesk.gui.widgets)."""

    title: str
    text: Callable[[Any, Any], str]  # (model, row) -> str
    key: Callable[[Any, Any], Any] | None = None
    align: Qt.AlignmentFlag = LEFT
    width: int = 110
    status: bool = False  # painted as a coloured status by StatusDelegate
    #: The narrowest the column goes when the grid is too narrow for every column (its text
    #: elides); None: one of the grid's most useful columns, which keeps its width.
    least: int | None = None


def _last_if_none(value: Any) -> tuple[bool, Any]:
    """A sort key that puts blanks after every value."""
    return (value is None or value == "", value if value is not None else 0)


class RowTableModel(QAbstractTableModel):
    """A table over frozen rows with an id; subclasses set ``columns`` and ``row_id``."""

    columns: ClassVar[Sequence[Column]] = ()

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.class_name: NameOf = _as_is
        self._rows: list[Any] = []
        self._position: dict[Hashable, int] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._search_text: dict[Hashable, str] = {}

    # -- what subclasses say ------------------------------------------------------------------------

    @staticmethod
    def row_id(row: Any) -> Hashable:
        return row.id

    def search_fields(self, row: Any) -> Iterable[str]:
        """The texts free-text search looks in (default: every column's text)."""
        return (column.text(self, row) for column in self.columns)

    # -- rows ---------------------------------------------------------------------------------------

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, position: int) -> Any:
        return self._rows[position]

    def position_of(self, row_id: Hashable) -> int | None:
        return self._position.get(row_id)

    def set_rows(self, rows: Iterable[Any]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self._search_text.clear()
        if self._sort is not None:
            self._rows.sort(key=self._sort_key(self._sort[0]), reverse=self._sort[1] == Qt.SortOrder.DescendingOrder)
        self._reindex()
        self.endResetModel()

    def update_rows(self, rows: Iterable[Any], gone: Iterable[Hashable] = ()) -> None:
        """Replace the rows with these ids, add new ones, and drop the rows whose ids are in ``gone``."""
        for row_id in set(gone):
            position = self._position.get(row_id)
            if position is None:
                continue
            self.beginRemoveRows(QModelIndex(), position, position)
            del self._rows[position]
            self._search_text.pop(row_id, None)
            self._reindex()
            self.endRemoveRows()
        added = []
        for row in rows:
            row_id = self.row_id(row)
            self._search_text.pop(row_id, None)
            position = self._position.get(row_id)
            if position is None:
                added.append(row)
                continue
            self._rows[position] = row
            self.dataChanged.emit(self.index(position, 0), self.index(position, len(self.columns) - 1))
        if added:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(added) - 1)
            self._rows.extend(added)
            self._reindex()
            self.endInsertRows()
        if self._sort is not None:
            self.sort(*self._sort)

    def _reindex(self) -> None:
        self._position = {self.row_id(row): i for i, row in enumerate(self._rows)}

    def search_text(self, row: Any) -> str:
        """The lower-case text free-text search matches (cached per row)."""
        row_id = self.row_id(row)
        found = self._search_text.get(row_id)
        if found is None:
            found = self._search_text[row_id] = "\x1f".join(self.search_fields(row)).lower()
        return found

    # -- Qt's model interface -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(self, row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        if role == ID_ROLE:
            return self.row_id(row)
        if role == ROW_ROLE:
            return row
        if role == STATUS_ROLE and column.status:
            return self.status_of(row)
        return None

    def status_of(self, row: Any) -> str:
        return getattr(row, "status", "")

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            self._sort = None
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old_ids = [self.row_id(row) for row in self._rows]
        self._rows.sort(key=self._sort_key(column), reverse=order == Qt.SortOrder.DescendingOrder)
        self._reindex()
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(
            persistent,
            [
                self.index(self._position[old_ids[i.row()]], i.column()) if i.row() < len(old_ids) else QModelIndex()
                for i in persistent
            ],
        )
        self.layoutChanged.emit()

    def _sort_key(self, column: int) -> Callable[[Any], Any]:
        spec = self.columns[column]
        key = spec.key
        if key is not None:
            return lambda row: _last_if_none(key(self, row))
        return lambda row: spec.text(self, row).lower()


class RowFilterProxy(QSortFilterProxyModel):
    """Free-text search plus named conditions on the rows of a :class:`RowTableModel`.

    ``set_search("lee")`` keeps the rows whose text contains it; ``set_condition("class", pred)``
    keeps the rows ``pred(row)`` accepts (``None`` removes the condition). Sorting is the model's.
    """

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._words: list[str] = []
        self._conditions: dict[str, Callable[[Any], bool]] = {}

    def set_search(self, words: str) -> None:
        new = words.lower().split()
        if new != self._words:
            self._refilter(lambda: setattr(self, "_words", new))

    def set_condition(self, name: str, condition: Callable[[Any], bool] | None) -> None:
        def change() -> None:
            if condition is None:
                self._conditions.pop(name, None)
            else:
                self._conditions[name] = condition

        self._refilter(change)

    def _refilter(self, change: Callable[[], None]) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.rows_model()
        row = model.row_at(source_row)
        if self._words:
            haystack = model.search_text(row)
            # a plate is stored normalised (NY900): "ny-900" finds it too
            if not all(word in haystack or normalize_plate(word).lower() in haystack for word in self._words):
                return False
        return all(condition(row) for condition in self._conditions.values())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def rows_model(self) -> RowTableModel:
        """The model filtered: a proxy of these is only ever set on a :class:`RowTableModel`
        (:func:`rentaldesk.gui.widgets.setup_grid`)."""
        return cast(RowTableModel, self.sourceModel())

    def row_at(self, proxy_row: int) -> Any:
        return self.rows_model().row_at(self.mapToSource(self.index(proxy_row, 0)).row())

    def row_of(self, index: QModelIndex) -> Any | None:
        return index.data(ROW_ROLE) if index.isValid() else None


# -- the desk's grids ---------------------------------------------------------------------------------


class _ZonedModel(RowTableModel):
    """A model whose times are shown in each row's branch time zone."""

    def __init__(self, zone_of: ZoneOf, parent=None, *, class_name: NameOf = _as_is) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.zone_of = zone_of
        self.class_name = class_name  # a vehicle class's name (the desk's: DeskContext.class_name)

    def when(self, value: datetime | None, zip_code: str) -> str:
        return text.when(value, self.zone_of(zip_code))


class CarTableModel(_ZonedModel):
    """The fleet grid: every car with the seed's fields, its pool, state and next reservation."""

    COL_PLATE, COL_MODEL, COL_YEAR, COL_COLOR, COL_TRANSMISSION, COL_COST, COL_STATE, COL_DRIVER = range(8)
    COL_CLASS, COL_LOCATION, COL_NEXT = range(8, 11)

    columns: ClassVar[Sequence[Column]] = (
        Column("Plate", lambda m, r: r.plate_number, width=80),
        Column("Model", lambda m, r: r.model, width=146, least=90),
        Column("Year", lambda m, r: str(r.year), key=lambda m, r: r.year, align=RIGHT, width=52),
        Column("Colour", lambda m, r: r.color, width=88, least=60),
        Column("Gearbox", lambda m, r: r.transmission, width=84, least=64),
        Column("Per day", lambda m, r: text.money(r.cost_per_day), key=lambda m, r: r.cost_per_day,
               align=RIGHT, width=72),
        Column("Status", lambda m, r: text.status_label(r.state), width=110, status=True),
        Column("Driver", lambda m, r: r.driver_name, width=100, least=70),
        Column("Class", lambda m, r: m.class_name(r.vehicle_class), width=96, least=66),
        Column("Location", lambda m, r: m.location(r.zip_code), width=150, least=90),
        Column("Next reservation", lambda m, r: m.next_reservation(r), key=lambda m, r: r.next_start, width=220, least=120),
    )

    def __init__(self, zone_of: ZoneOf, location_of: Callable[[str], str], parent=None, *,  # noqa: ANN001
                 class_name: NameOf = _as_is) -> None:
        super().__init__(zone_of, parent, class_name=class_name)
        self.location = location_of

    @staticmethod
    def row_id(row: CarRow) -> int:
        return row.car_id

    def status_of(self, row: CarRow) -> str:
        return row.state

    def next_reservation(self, row: CarRow) -> str:
        if not row.next_reference:
            return ""
        zone = self.zone_of(row.zip_code)
        if row.state == "on rent":
            return f"{row.next_reference} · back {text.when_short(row.next_end, zone)}"
        pending = " (pending)" if row.next_status == "pending" else ""
        return f"{row.next_reference} · {text.when_short(row.next_start, zone)}{pending}"


class FreeCarModel(CarTableModel):
    """The cars free for a booking's period: the fleet grid's rows, fewer columns. A car in
    ``unsettled`` (the engine could not tell at once on a busy book whether it takes the booking)
    is marked "to check"."""

    COL_PLATE, COL_MODEL, COL_COLOR, COL_TRANSMISSION, COL_COST = range(5)
    #: How an unsettled car is marked beside its plate.
    TO_CHECK = "to check"
    unsettled: frozenset[int] = frozenset()

    def plate(self, row: CarRow) -> str:
        return f"{row.plate_number} ({self.TO_CHECK})" if row.car_id in self.unsettled else row.plate_number

    columns = (
        Column("Plate", lambda m, r: m.plate(r), width=72),
        Column("Model", lambda m, r: r.model, width=124),
        Column("Colour", lambda m, r: r.color, width=76),
        Column("Gearbox", lambda m, r: r.transmission, width=80),
        CarTableModel.columns[CarTableModel.COL_COST],
    )


class ReservationTableModel(_ZonedModel):
    """Reservations: reference, status, period in branch time, pool, car, customer, price."""

    COL_REFERENCE, COL_STATUS, COL_PICKUP, COL_RETURN, COL_CLASS, COL_LOCATION, COL_CAR = range(7)
    COL_CUSTOMER, COL_EMAIL, COL_PRICE = range(7, 10)

    columns = (
        Column("Reference", lambda m, r: r.reference, width=100),
        Column("Status", lambda m, r: text.status_label(text.reservation_status(r)), width=104, status=True),
        Column("Pick-up", lambda m, r: m.when(r.start, r.zip_code), key=lambda m, r: r.start, width=128),
        Column("Return", lambda m, r: m.when(r.end, r.zip_code), key=lambda m, r: r.end, width=128),
        Column("Class", lambda m, r: m.class_name(r.vehicle_class), width=96, least=66),
        Column("Location", lambda m, r: r.zip_code, width=72),
        Column("Car", lambda m, r: r.plate_number, width=84),
        Column("Customer", lambda m, r: r.customer_name, width=150, least=90),
        Column("Email", lambda m, r: r.customer_email, width=220, least=100),
        Column("Price", lambda m, r: text.money(r.price), key=lambda m, r: r.price, align=RIGHT, width=84),
    )

    def search_fields(self, row: Reservation) -> Iterable[str]:
        return (row.reference, row.customer_name, row.customer_email, row.plate_number)

    def status_of(self, row: Reservation) -> str:
        return text.reservation_status(row)


class DriverTableModel(_ZonedModel):
    """Drivers: who they are, their status, whether they are free now, their live assignments."""

    COL_NAME, COL_STATUS, COL_NOW, COL_NEXT, COL_ASSIGNMENTS, COL_PHONE, COL_LICENCE, COL_LOCATION, COL_RATE = range(9)

    columns = (
        Column("Name", lambda m, r: r.name, width=170, least=110),
        Column("Status", lambda m, r: text.status_label(m.status_of(r)), width=96, status=True),
        Column("Now", lambda m, r: m.doing_now(r), key=lambda m, r: (not r.free_now, r.current_end or datetime.max.replace(tzinfo=timezone.utc)), width=250, least=140),
        Column("Next job", lambda m, r: m.when(r.next_start, r.zip_code or ""), key=lambda m, r: r.next_start, width=130),
        Column("Jobs", lambda m, r: str(r.assignments), key=lambda m, r: r.assignments, align=RIGHT, width=56),
        Column("Phone", lambda m, r: r.phone, width=140, least=100),
        Column("Licence", lambda m, r: r.licence_number, width=130, least=90),
        Column("Location", lambda m, r: r.zip_code or "any", width=80, least=60),
        Column("Per day", lambda m, r: text.money(r.day_rate), key=lambda m, r: r.day_rate, align=RIGHT, width=76),
    )

    def status_of(self, row: DriverRow) -> str:
        """A driver's state as a clerk reads it: free, on a job, or inactive (never a reservation's
        'active', which reads 'on rent')."""
        if row.status != "active":
            return "inactive"
        return "free" if row.free_now else "busy"

    def doing_now(self, row: DriverRow) -> str:
        if row.status != "active":
            return "not working"
        if row.free_now:
            return "free"
        return f"on {row.current_reference} until {self.when(row.current_end, row.zip_code or '')}"


class AssignmentTableModel(_ZonedModel):
    """A driver's reservations."""

    COL_REFERENCE, COL_STATUS, COL_PICKUP, COL_RETURN, COL_LOCATION, COL_CAR, COL_CUSTOMER = range(7)

    # An assignment has the reservation's fields of the same names: the same columns, fewer.
    columns = tuple(ReservationTableModel.columns[i] for i in (0, 1, 2, 3, 5, 6, 7))

    @staticmethod
    def row_id(row: Assignment) -> str:
        return row.reservation_id


class PoolStatusModel(RowTableModel):
    """The fleet board's counts: cars by state per class and location, and utilisation."""

    def __init__(self, parent=None, *, class_name: NameOf = _as_is) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.class_name = class_name

    COL_LOCATION, COL_CLASS, COL_AVAILABLE, COL_RESERVED, COL_ON_RENT, COL_MAINTENANCE, COL_TOTAL, COL_UTILISATION = range(8)

    columns = (
        Column("Location", lambda m, r: r.zip_code, width=74),
        Column("Class", lambda m, r: m.class_name(r.vehicle_class), width=96),
        Column("Free", lambda m, r: str(r.available), key=lambda m, r: r.available, align=RIGHT, width=54),
        Column("Reserved", lambda m, r: str(r.reserved), key=lambda m, r: r.reserved, align=RIGHT, width=80),
        Column("On rent", lambda m, r: str(r.on_rent), key=lambda m, r: r.on_rent, align=RIGHT, width=72),
        Column("Shop", lambda m, r: str(r.maintenance), key=lambda m, r: r.maintenance, align=RIGHT, width=58),
        Column("Cars", lambda m, r: str(r.total), key=lambda m, r: r.total, align=RIGHT, width=52),
        Column("Booked", lambda m, r: f"{r.utilisation:.0%}", key=lambda m, r: r.utilisation, align=RIGHT, width=70),
    )

    @staticmethod
    def row_id(row: PoolStatus) -> tuple[str, str]:
        return (row.vehicle_class, row.zip_code)


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad field of an imported file."""

    line: int
    column: str
    message: str

    @property
    def id(self) -> tuple[int, str, str]:
        return (self.line, self.column, self.message)


class ProblemTableModel(RowTableModel):
    """The bad rows of a fleet file: line, field, what is wrong."""

    COL_LINE, COL_FIELD, COL_PROBLEM = range(3)

    columns = (
        Column("Line", lambda m, r: str(r.line) if r.line else "", key=lambda m, r: r.line, align=RIGHT, width=56),
        Column("Field", lambda m, r: r.column or "(row)", width=130),
        Column("Problem", lambda m, r: r.message, width=420, least=200),
    )
