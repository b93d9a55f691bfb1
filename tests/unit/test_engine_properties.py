"""Hypothesis: the service on a real SQLite file never double-books a car and accepts whenever a
placement of the whole pool exists (checked by brute force over every assignment)."""

from __future__ import annotations

import itertools
import logging
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from rentaldesk import placement
from rentaldesk.db import open_database
from rentaldesk.errors import NotAvailable
from rentaldesk.models import LIVE_STATUSES
from rentaldesk.models import Reservation as Row
from rentaldesk.reservations import ReservationService

from ..conftest import Clock, PoolBuilder, day


def live_rows(db):
    with db.session() as s:
        return list(s.execute(select(Row.id, Row.car_id, Row.start_at, Row.end_at, Row.pinned)
                              .where(Row.status.in_(LIVE_STATUSES))))


def no_car_double_booked(rows) -> bool:
    by_car: dict = {}
    for r in rows:
        by_car.setdefault(r.car_id, []).append((r.start_at, r.end_at))
    for periods in by_car.values():
        periods.sort()
        if any(a_end > b_start for (_, a_end), (b_start, _) in zip(periods, periods[1:])):
            return False
    return True


def placement_exists(cars, rows, new_start, new_end, new_car) -> bool:
    """Every assignment of the class reservations (pinned ones stay) plus the new one."""
    items = [(r.start_at, r.end_at, r.car_id if r.pinned else None) for r in rows]
    items.append((new_start, new_end, new_car))
    free = [i for i, it in enumerate(items) if it[2] is None]
    for choice in itertools.product(cars, repeat=len(free)):
        placed = [it[2] for it in items]
        for i, car in zip(free, choice):
            placed[i] = car
        ok = True
        for i, j in itertools.combinations(range(len(items)), 2):
            if placed[i] == placed[j] and items[i][0] < items[j][1] and items[j][0] < items[i][1]:
                ok = False
                break
        if ok:
            return True
    return False


request = st.tuples(
    st.integers(0, 10),          # start day offset
    st.integers(0, 3),           # start hour offset (x 6 h)
    st.integers(1, 4),           # length in days
    st.one_of(st.none(), st.integers(0, 2)),  # index of a pinned car, or a class request
    st.booleans(),               # cancel a random earlier one first
)


class _Decisions(logging.Handler):
    """Counts the questions the complete method (CP-SAT) decided."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += record.getMessage().startswith("placement decided by CP-SAT")


@pytest.mark.parametrize("budget", [None, 0], ids=["search", "complete-method"])
def test_service_never_double_books_and_is_exact(tmp_path_factory, monkeypatch, budget):
    # budget 0: every question the fast path and the clique bound leave open goes to CP-SAT.
    if budget is not None:
        monkeypatch.setattr(placement, "DEFAULT_NODE_BUDGET", budget)
    decisions = _Decisions()
    logger = logging.getLogger("rentaldesk.placement")
    logger.addHandler(decisions)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        _service_is_exact(tmp_path_factory)
    finally:
        logger.removeHandler(decisions)
        logger.setLevel(level)
    if budget == 0:
        assert decisions.count > 0, "the complete method was never asked"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n_cars=st.integers(1, 3), requests=st.lists(request, min_size=1, max_size=7))
# One that needs a move, so the budget-0 run always asks the complete method (random ones may not):
# A [1, 3) on the first car, B pinned to the second over [4, 6), C [2, 5) fits once A moves.
@example(n_cars=2, requests=[(0, 0, 2, None, False), (3, 0, 2, 1, False), (1, 0, 3, None, False)])
def _service_is_exact(tmp_path_factory, n_cars, requests):
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'b.sqlite'}")
    try:
        cars = PoolBuilder(db).cars(n_cars)
        svc = ReservationService(db, clock=Clock())
        made: list[str] = []
        for i, (d, h, length, pin, cancel) in enumerate(requests):
            if cancel and made:
                svc.cancel_reservation(made.pop(0))
            start = day(1 + d, 6 * h)
            end = start + timedelta(days=length)
            car = cars[pin] if pin is not None and pin < len(cars) else None
            before = live_rows(db)
            exists = placement_exists(cars, before, start, end, car)
            try:
                r = svc.create_reservation(email=f"c{i}@example.com", name=f"C {i}", vehicle_class="SUV",
                                           zip_code="10001", start=start, end=end, car_id=car)
            except NotAvailable:
                assert not exists, "refused although a placement exists"
                assert live_rows(db) == before
            else:
                assert exists
                made.append(r.id)
                if car is not None:
                    assert r.car_id == car
            after = live_rows(db)
            assert no_car_double_booked(after)
            pinned_before = {x.id: x.car_id for x in before if x.pinned}
            assert all(pinned_before[x.id] == x.car_id for x in after if x.id in pinned_before)
    finally:
        db.close()
