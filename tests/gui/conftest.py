"""GUI tests: the desk app's real widgets on Qt's offscreen platform, driven as a clerk would.

QT_QPA_PLATFORM is set here, before anything creates the QApplication; every test in this folder
is marked ``gui``; QSettings are written under the test's tmp_path, never the real home.
"""

from __future__ import annotations

import json
import os
import tempfile

# The offscreen screen: 1920x1080 (logical) so no window of a counter size is cut by it, at the
# device pixel ratio RENTALDESK_TEST_SCALE (default 1; tests/gui/test_layout.py runs itself again
# at 2, a HiDPI screen: layout in logical pixels, fonts and icons drawn at twice the pixels).
_SCREEN = {"screens": [{"name": "counter", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96,
                        "logicalBaseDpi": 96, "dpr": float(os.environ.get("RENTALDESK_TEST_SCALE") or 1)}]}
with tempfile.NamedTemporaryFile("w", prefix="rentaldesk-screen-", suffix=".json", delete=False) as _config:
    json.dump(_SCREEN, _config)
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_config.name}"

from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from rentaldesk.db import Database  # noqa: E402
from rentaldesk.gui.app import build_window, configure  # noqa: E402
from rentaldesk.gui.main_window import MainWindow  # noqa: E402
from rentaldesk.models import Reservation  # noqa: E402
from tests.conftest import Clock, PoolBuilder  # noqa: E402

HERE = Path(__file__).parent

#: The test branch (PoolBuilder's default): New York time.
ZIP = "10001"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def desk_look(qapp, tmp_path: Path) -> None:  # noqa: ANN001
    """The desk's names, style and stylesheet; QSettings in this test's folder."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    if qapp.applicationName() != "desk":
        configure(qapp)


@pytest.fixture
def counter(fleet: PoolBuilder) -> PoolBuilder:
    """A New York branch (10001) with 2 SUVs (day rate 80, cars 90), 2 ECONOMY cars (40) and a driver."""
    fleet.cars(2, "SUV")
    fleet.cars(2, "ECONOMY", rate="40.00", cost="45.00")
    fleet.driver("Dee Driver", rate="60.00")
    return fleet


@pytest.fixture
def open_desk(qtbot, db: Database, clock: Clock) -> Iterator[Callable[[], MainWindow]]:  # noqa: ANN001
    """Opens the desk on the test's database with the test's clock, shown and settled."""
    windows: list[MainWindow] = []

    def opener() -> MainWindow:
        window = build_window(db, clock=clock)
        qtbot.addWidget(window)
        if QSettings().value("window/geometry") is None:  # else the window restored its own
            window.resize(1440, 900)
        window.show()
        windows.append(window)
        qtbot.waitUntil(lambda: bool(window.desk.branches) and window.is_settled())
        return window

    yield opener
    for window in windows:
        window.close()
        window.desk.close()


@pytest.fixture
def desk(open_desk: Callable[[], MainWindow], counter: PoolBuilder) -> MainWindow:
    """The desk on the counter's database."""
    return open_desk()


def settle(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    """Wait until the worker has delivered everything and no typing pause is running."""
    qtbot.waitUntil(window.is_settled)


def count_reservations(db: Database) -> int:
    from sqlalchemy import func, select

    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Reservation)) or 0
