#!/usr/bin/env python
"""Benchmark of the desk app (issue 3), each figure beside a baseline measured in the same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_gui.py [--repeat 5]

* cold start: ``rentaldesk --db FILE --quit-after-show`` (a subprocess, the sample fleet already in
  FILE) until the first window is shown; baseline: a subprocess that imports PySide6.QtWidgets and
  shows a bare QMainWindow the same way. Target <= 1.5 s.
* fleet grid: 10,000 cars put into the grid (model, filter proxy, view) and first painted; baseline:
  a bare QTableView over a minimal table model of the same size. Target <= 200 ms.
* re-filter: a free-text search over those 10,000 cars; baseline: QSortFilterProxyModel's own C++
  fixed-string filter over a QStandardItemModel of the same rows. Target <= 50 ms.
* timeline: 10,000 reservations on 2,000 cars handed to the timeline and painted; baseline: the
  same timeline painted with no reservations. Target <= 100 ms.

Figures are medians of ``--repeat`` runs, in milliseconds. Tests never assert times; this prints.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import PySide6  # noqa: E402
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt  # noqa: E402
from PySide6.QtGui import QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from rentaldesk.db import open_database, sqlite_url  # noqa: E402
from rentaldesk.fleet import load_sample_data  # noqa: E402
from rentaldesk.gui.app import configure  # noqa: E402
from rentaldesk.gui.tablemodels import CarTableModel  # noqa: E402
from rentaldesk.gui.timeline import TimelineCar, TimelineView  # noqa: E402
from rentaldesk.gui.widgets import setup_grid  # noqa: E402
from rentaldesk.queries import CarRow, TimelineBar  # noqa: E402

NOW = datetime(2030, 3, 4, 14, 0, tzinfo=timezone.utc)
SIZE = (1228, 780)
BARE_WINDOW = (
    "import sys; from PySide6.QtCore import QTimer; from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication(sys.argv[:1]); w = QMainWindow(); w.resize(1440, 900); w.show()\n"
    "QTimer.singleShot(0, app.quit); sys.exit(app.exec())\n"
)


def median_ms(run, repeat: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def cars(n: int) -> list[CarRow]:
    states = ("available", "reserved", "on rent", "maintenance", "available", "available")
    models = ("Toyota Yaris", "Honda Civic", "Ford Escape", "Jeep Cherokee", "Honda Odyssey", "Tesla Model S")
    return [
        CarRow(car_id=i, plate_number=f"{i % 9 + 1}{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}{i:05d}",
               model=models[i % 6], year=2019 + i % 7, color=("White", "Black", "Silver", "Blue")[i % 4],
               transmission=("automatic", "manual")[i % 2], cost_per_day=Decimal(39 + i % 120),
               status="maintenance" if i % 6 == 3 else "available", driver_id=None, driver_name="",
               vehicle_class=("ECONOMY", "COMPACT", "SUV", "VAN", "LUXURY")[i % 5],
               zip_code=("02108", "60666", "94128")[i % 3], odometer=1000 * i, state=states[i % 6],
               next_reservation_id=None, next_reference=f"R{i:07d}" if i % 2 else "",
               next_status="confirmed" if i % 2 else "", next_start=NOW + timedelta(hours=i % 500) if i % 2 else None)
        for i in range(n)
    ]


class BareModel(QAbstractTableModel):
    """The least a Python table model can be: the baseline of the grid."""

    def __init__(self, rows: list[tuple[str, ...]]) -> None:
        super().__init__()
        self.rows = rows

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802, ANN001
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802, ANN001
        return 0 if parent.isValid() else len(self.rows[0])

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # noqa: ANN001, ANN201
        return self.rows[index.row()][index.column()] if role == Qt.ItemDataRole.DisplayRole else None


def bench_start(repeat: int) -> tuple[float, float]:
    work = Path(tempfile.mkdtemp(prefix="rentaldesk-bench-"))
    db_file = work / "desk.sqlite"
    db = open_database(sqlite_url(db_file))
    load_sample_data(db)
    db.close()
    # Settings and logs go to the scratch folder; the font cache stays the user's, as on a real desk.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(work / "data"),
           "XDG_CONFIG_HOME": str(work / "config"), "XDG_STATE_HOME": str(work / "state")}

    def desk() -> None:
        subprocess.run([sys.executable, "-m", "rentaldesk", "--db", str(db_file), "--quit-after-show"],
                       check=True, env=env, capture_output=True)

    def bare() -> None:
        subprocess.run([sys.executable, "-c", BARE_WINDOW], check=True, env=env, capture_output=True)

    bare()  # warm the file cache for both
    desk()
    return median_ms(desk, repeat), median_ms(bare, repeat)


def bench_grid(repeat: int) -> tuple[float, float, float, float]:
    rows = cars(10_000)
    shown = CarTableModel(lambda z: timezone.utc, lambda z: z)
    texts = [tuple(col.text(shown, r) for col in CarTableModel.columns) for r in rows]

    def grid() -> None:
        view = QTableView()
        view.resize(*SIZE)
        model = CarTableModel(lambda z: timezone.utc, lambda z: z)
        setup_grid(view, model, sort_column=CarTableModel.COL_LOCATION)
        model.set_rows(rows)
        view.grab()

    def bare() -> None:
        view = QTableView()
        view.resize(*SIZE)
        view.setModel(BareModel(texts))
        view.grab()

    grid_ms, bare_ms = median_ms(grid, repeat), median_ms(bare, repeat)

    model = CarTableModel(lambda z: timezone.utc, lambda z: z)
    view = QTableView()
    view.resize(*SIZE)
    proxy = setup_grid(view, model)
    model.set_rows(rows)
    words = iter(["toyota", "blue", "", "suv 94128", "", "r00001", ""] * repeat * 2)
    proxy.set_search("warm")  # the search texts are built once per row, on the first search
    refilter_ms = median_ms(lambda: proxy.set_search(next(words)), repeat * 3)

    standard = QStandardItemModel(len(texts), len(texts[0]))
    for r, row in enumerate(texts):
        for c, value in enumerate(row):
            standard.setItem(r, c, QStandardItem(value))
    cpp = QSortFilterProxyModel()
    cpp.setSourceModel(standard)
    cpp.setFilterKeyColumn(-1)
    cpp.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    fixed = iter(["toyota", "blue", "", "94128", "", "r00001", ""] * repeat * 2)
    baseline_ms = median_ms(lambda: cpp.setFilterFixedString(next(fixed)), repeat * 3)
    return grid_ms, bare_ms, refilter_ms, baseline_ms


def bench_timeline(repeat: int) -> tuple[float, float]:
    fleet = [TimelineCar(i, f"P{i:05d}", ("ECONOMY", "SUV", "VAN")[i % 3], ("02108", "60666")[i % 2], "available")
             for i in range(2_000)]
    bars = []
    for i in range(10_000):
        car = i % 2_000
        start = NOW - timedelta(days=2) + timedelta(hours=(i // 2_000) * 130 + car % 24)
        bars.append(TimelineBar(f"id{i}", f"R{i:07d}", car, ("confirmed", "active", "pending", "completed")[i % 4],
                                start, start + timedelta(hours=72 + i % 48), f"Customer {i}", bool(i % 5 == 0)))
    window = (NOW - timedelta(days=2), NOW + timedelta(days=28))

    def paint(with_bars: list[TimelineBar]) -> None:
        view = TimelineView()
        view.resize(*SIZE)
        view.set_data(fleet, with_bars, window, NOW, timezone.utc)
        view.scroll_to_now()
        view.grab()

    return median_ms(lambda: paint(bars), repeat), median_ms(lambda: paint([]), repeat)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, Qt platform {os.environ['QT_QPA_PLATFORM']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure(app)
    print(f"machine: {machine()}")
    print(f"{'figure':<44}{'desk':>10}{'baseline':>11}{'target':>9}")
    start, start_base = bench_start(repeat)
    print(f"{'cold start to first window (ms)':<44}{start:>10.0f}{start_base:>11.0f}{'1500':>9}")
    grid, grid_base, refilter, refilter_base = bench_grid(repeat)
    print(f"{'fleet grid, 10,000 cars, built+painted (ms)':<44}{grid:>10.1f}{grid_base:>11.1f}{'200':>9}")
    print(f"{'re-filter of that grid (ms)':<44}{refilter:>10.1f}{refilter_base:>11.1f}{'50':>9}")
    timeline, timeline_base = bench_timeline(repeat)
    print(f"{'timeline, 10,000 reservations painted (ms)':<44}{timeline:>10.1f}{timeline_base:>11.1f}{'100':>9}")


if __name__ == "__main__":
    main()
