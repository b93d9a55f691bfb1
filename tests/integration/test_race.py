"""Several real processes book the last car of a pool at the same moment on one SQLite file."""

from __future__ import annotations

import multiprocessing as mp
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from rentaldesk.db import open_database
from rentaldesk.models import LIVE_STATUSES
from rentaldesk.models import Reservation as Row

from ..conftest import PoolBuilder

WORKERS = 6


def _book(url: str, barrier, results, index: int, start: datetime, end: datetime) -> None:
    from rentaldesk.db import open_database
    from rentaldesk.errors import RentalError
    from rentaldesk.reservations import ReservationService

    db = open_database(url)
    svc = ReservationService(db)
    barrier.wait(timeout=60)
    try:
        r = svc.create_reservation(email=f"racer{index}@example.com", name=f"Racer {index}",
                                   vehicle_class="SUV", zip_code="10001", start=start, end=end)
        results.put(("ok", r.id))
    except RentalError as exc:
        results.put((type(exc).__name__, str(exc)))
    except Exception as exc:  # "database is locked" would land here and fail the test
        results.put(("crash", f"{type(exc).__name__}: {exc}"))
    finally:
        db.close()


@pytest.mark.slow
@pytest.mark.parametrize("cars", [1, 2])
def test_racing_processes_book_the_last_cars_exactly_once(tmp_path, cars):
    url = f"sqlite:///{tmp_path / 'race.sqlite'}"
    db = open_database(url)
    PoolBuilder(db).cars(cars)
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=2)
    end = start + timedelta(days=2)

    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    procs = [ctx.Process(target=_book, args=(url, barrier, results, i, start, end)) for i in range(WORKERS)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["NotAvailable"] * (WORKERS - cars) + ["ok"] * cars, outcomes
    with db.session() as s:
        live = list(s.execute(select(Row.car_id).where(Row.status.in_(LIVE_STATUSES))))
    assert len(live) == cars and len({r.car_id for r in live}) == cars
    db.close()
