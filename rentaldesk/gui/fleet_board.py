"""The manager's fleet board: the timeline of every car, the counts of cars by state per pool, and
utilisation. It refreshes by itself when data change (and every minute, as "now" moves)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import QWidget

from .. import queries
from ..display import count
from ..db import Database
from ..queries import CarRow, PoolStatus, TimelineBar
from ..values import Changes
from .desk import DeskContext
from .forms.ui_fleet_board import Ui_FleetBoardScreen
from .tablemodels import PoolStatusModel
from .timeline import SPAN_DAY, SPAN_WEEK, TimelineCar
from .widgets import ViewState, setup_grid

#: The timeline's window around now.
PAST = timedelta(days=2)
AHEAD = timedelta(days=28)
#: The narrowest the timeline goes beside the pool counts; narrower, the counts go under it.
TIMELINE_LEAST_WIDTH = 720
#: How long the board waits for a burst of changes to end before it reloads (milliseconds).
SETTLE_MS = 300


@dataclass(frozen=True, slots=True)
class BoardData:
    """Everything the board shows, read in one job."""

    now: datetime
    window: tuple[datetime, datetime]
    cars: list[CarRow]
    bars: list[TimelineBar]
    pools: list[PoolStatus]


def load_board(db: Database, now: datetime) -> BoardData:
    window = (now - PAST, now + AHEAD)
    return BoardData(now, window, queries.list_cars(db, now), queries.timeline(db, *window), queries.fleet_status(db, now))


class FleetBoardScreen(QWidget):
    """Timeline, tiles and pool counts, filtered by location."""

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.ui = Ui_FleetBoardScreen()
        self.ui.setupUi(self)
        ui = self.ui
        self.pools = PoolStatusModel(self, class_name=desk.class_name)
        self.pools_proxy = setup_grid(ui.poolsView, self.pools, sort_column=PoolStatusModel.COL_LOCATION)
        ui.poolsView.setSelectionMode(ui.poolsView.SelectionMode.NoSelection)
        ui.splitter.setStretchFactor(0, 1)
        ui.splitter.setStretchFactor(1, 0)  # the timeline takes what the window gives
        self._split_once = QSettings().value("board/splitter") is None  # else the clerk's own split
        self.view_state = ViewState("board")
        self.data: BoardData | None = None
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self.reload)
        self._minute = QTimer(self, interval=60_000)
        self._minute.timeout.connect(self.reload)
        self._minute.start()
        self._first_load = True
        ui.dayButton.clicked.connect(lambda: ui.timeline.show_span(SPAN_DAY))
        ui.weekButton.clicked.connect(lambda: ui.timeline.show_span(SPAN_WEEK))
        ui.nowButton.clicked.connect(ui.timeline.scroll_to_now)
        ui.locationCombo.currentIndexChanged.connect(self._show)
        for keys, factor in (("Ctrl++", 1.5), ("Ctrl+=", 1.5), ("Ctrl+-", 1 / 1.5)):
            QShortcut(QKeySequence(keys), self, lambda f=factor: ui.timeline.set_zoom(ui.timeline.pixels_per_hour * f))
        desk.reference_changed.connect(self._reference_loaded)
        desk.changed.connect(self._data_changed)

    def activate(self) -> None:
        self.ui.timeline.setFocus()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._arrange()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._arrange()

    def _pools_width(self) -> int:
        """What the pool counts need across: every column at its width, the frame, a scroll bar."""
        view = self.ui.poolsView
        return (sum(c.width for c in PoolStatusModel.columns) + 2 * view.frameWidth()
                + view.verticalScrollBar().sizeHint().width())

    def _arrange(self) -> None:
        """The counts beside the timeline when both fit side by side (the timeline keeps most of
        the width), else under it, full width: never a count table scrolling sideways."""
        splitter = self.ui.splitter
        beside = self.width() >= self._pools_width() + TIMELINE_LEAST_WIDTH
        orientation = Qt.Orientation.Horizontal if beside else Qt.Orientation.Vertical
        if splitter.orientation() == orientation and not self._split_once:
            return
        self._split_once = False
        splitter.setOrientation(orientation)
        total = sum(splitter.sizes()) or (self.width() if beside else self.height())
        pools = max(self._pools_width(), total * 3 // 10) if beside else total * 4 // 10
        splitter.setSizes([total - pools, pools])

    def _reference_loaded(self) -> None:
        combo = self.ui.locationCombo
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("All locations", None)
        for branch in self.desk.branches.values():
            combo.addItem(branch.label, branch.zip_code)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)
        self.reload()

    def _data_changed(self, changes: Changes) -> None:
        if changes.cars or changes.reservations:
            self._settle.start()

    def reload(self) -> None:
        """Read the board's data again (one job)."""
        self._settle.stop()
        now = self.desk.now()
        self.desk.run(lambda: load_board(self.desk.db, now), self._loaded)

    def _loaded(self, data: BoardData) -> None:
        self.data = data
        self._show()
        if self._first_load:
            self._first_load = False
            self.ui.timeline.scroll_to_now()

    def _show(self, *_args: object) -> None:
        data = self.data
        if data is None:
            return
        ui = self.ui
        location = ui.locationCombo.currentData()
        cars = [c for c in data.cars if location in (None, c.zip_code)]
        cars.sort(key=lambda c: (c.zip_code, c.vehicle_class, c.plate_number))
        pools = [p for p in data.pools if location in (None, p.zip_code)]
        branch = self.desk.branches.get(location) if location else self.desk.counter_branch
        zone = branch.zone if branch else self.desk.zone("")
        ui.timeline.set_data(
            [TimelineCar(c.car_id, c.plate_number, self.desk.class_name(c.vehicle_class), c.zip_code, c.state)
             for c in cars],
            data.bars, data.window, data.now, zone,
        )
        self.pools.set_rows(pools)
        free = sum(p.available for p in pools)
        in_service = sum(p.in_service for p in pools)
        ui.freeFigure.setText(str(free))
        ui.onRentFigure.setText(str(sum(p.on_rent for p in pools)))
        ui.reservedFigure.setText(str(sum(p.reserved for p in pools)))
        ui.maintenanceFigure.setText(str(sum(p.maintenance for p in pools)))
        booked = sum(p.utilisation * p.in_service for p in pools)
        ui.utilisationFigure.setText(f"{booked / in_service:.0%}" if in_service else "–")
        ui.updatedLabel.setText(
            f"Updated {data.now.astimezone(zone):%H:%M} · {count(len(cars), 'car')} · times in {getattr(zone, 'key', zone)}"
        )

    def restore_state(self) -> None:
        self.view_state.restore(splitters={"splitter": self.ui.splitter},
                                headers={"pools": self.ui.poolsView.horizontalHeader()})

    def save_state(self) -> None:
        self.view_state.save(splitters={"splitter": self.ui.splitter},
                             headers={"pools": self.ui.poolsView.horizontalHeader()})
