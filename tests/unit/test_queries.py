"""The desk's read queries (rentaldesk.queries) and car add/edit (rentaldesk.cars)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from rentaldesk import queries
from rentaldesk.cars import add_car, update_car
from rentaldesk.errors import FleetFileError, InvalidInput
from rentaldesk.fleet import validate_car
from rentaldesk.models import Car
from tests.conftest import T0, day

NEW_CAR = {
    "plate_number": " ny-900 ",
    "model": "Mazda CX-5",
    "year": "2024",
    "color": "Red",
    "transmission": "Automatic",
    "cost_per_day": "82.5",
    "vehicle_class": "suv",
    "zip_code": "10001",
}


def book(svc, email, start, end, **kw):
    return svc.create_reservation(
        email=email, name=email.split("@")[0].title(), vehicle_class=kw.pop("vehicle_class", "SUV"),
        zip_code="10001", start=start, end=end, **kw
    )


class StatementCounter:
    """Counts the SQL statements run on a database while it is active."""

    def __init__(self, db):
        self.db, self.count = db, 0

    def _on_execute(self, _conn, _cursor, statement, *_args):
        if not statement.startswith("BEGIN"):
            self.count += 1

    def __enter__(self):
        event.listen(self.db.engine, "before_cursor_execute", self._on_execute)
        return self

    def __exit__(self, *_exc):
        event.remove(self.db.engine, "before_cursor_execute", self._on_execute)


# -- reference data and customers ------------------------------------------------------------------


def test_branches_and_classes(db, fleet):
    fleet.cars(1, "SUV", rate="79.00")
    fleet.cars(1, "ECONOMY", rate="39.00")
    [branch] = queries.branches(db)
    assert (branch.zip_code, branch.time_zone, branch.lead_time, branch.min_rental) == (
        "10001", "America/New_York", timedelta(hours=2), timedelta(days=1))
    assert branch.label == "Branch 10001 (10001)"
    assert branch.zone.key == "America/New_York"
    assert [(c.code, c.day_rate) for c in queries.vehicle_classes(db)] == [
        ("ECONOMY", Decimal("39.00")), ("SUV", Decimal("79.00"))]


def test_find_customers_by_email_prefix_or_name(db, fleet, svc):
    fleet.cars(3)
    book(svc, "ann.lee@example.com", day(1), day(2))
    book(svc, "annie@example.org", day(1), day(2))
    svc.customer_id_for("bob@example.com", name="Bob Annan")
    assert [c.email for c in queries.find_customers(db, "ANN")] == [
        "ann.lee@example.com", "annie@example.org", "bob@example.com"]
    assert [c.email for c in queries.find_customers(db, "ann.")] == ["ann.lee@example.com"]
    assert queries.find_customers(db, "  ") == []
    assert queries.find_customers(db, "%") == []  # a wildcard is a character, not "anything"
    ann = queries.customer_by_email(db, " Ann.Lee@Example.com ")
    assert (ann.name, ann.reservations) == ("Ann.Lee", 1)
    assert queries.customer_by_email(db, "bob@example.com").reservations == 0
    assert queries.customer_by_email(db, "nobody@example.com") is None
    assert queries.customer_by_email(db, "not an email") is None


# -- reservations ----------------------------------------------------------------------------------


def test_find_reservations_filters_in_one_query(db, fleet, svc):
    car_ids = fleet.cars(4)
    a = book(svc, "ann@example.com", day(1), day(3))
    b = book(svc, "bob@example.com", day(2), day(5), car_id=car_ids[3])
    c = book(svc, "cy@example.com", day(5), day(6))
    svc.cancel_reservation(c.id)
    with StatementCounter(db) as counter:
        found = queries.find_reservations(db)
    assert counter.count == 1
    assert [r.reference for r in found] == [a.reference, b.reference, c.reference]
    assert found[0] == svc.get_reservation(a.id)  # the same value the service gives
    assert [r.id for r in queries.find_reservations(db, search="BOB")] == [b.id]
    on_b_car = [r.id for r in found if r.plate_number == b.plate_number]
    assert b.id in on_b_car
    assert [r.id for r in queries.find_reservations(db, search=b.plate_number.lower())] == on_b_car
    assert [r.id for r in queries.find_reservations(db, search=a.reference[2:6])] == [a.id]
    assert [r.id for r in queries.find_reservations(db, statuses=["cancelled"])] == [c.id]
    assert [r.id for r in queries.find_reservations(db, starts_from=day(2), starts_before=day(5))] == [b.id]
    # a day's pick-ups and returns: b is picked up on day 2, a comes back on day 3
    assert {r.id for r in queries.find_reservations(db, touching=(day(2), day(3, 1)))} == {a.id, b.id}
    assert queries.find_reservations(db, touching=(day(3, 1), day(4))) == []
    assert [r.id for r in queries.find_reservations(db, ids=[c.id, "nope"])] == [c.id]
    assert len(queries.find_reservations(db, limit=2)) == 2


# -- cars ------------------------------------------------------------------------------------------


def test_car_states_and_next_reservation(db, fleet, svc, clock):
    free, later, soon, rented, shop = fleet.cars(5)
    with db.write() as s:
        s.get(Car, shop).status = "maintenance"
    book(svc, "a@example.com", day(5), day(6), car_id=later)
    soon_r = book(svc, "b@example.com", day(0, 6), day(2), car_id=soon)
    rented_r = book(svc, "c@example.com", day(0, 3), day(3), car_id=rented)
    followup = book(svc, "d@example.com", day(4), day(5), car_id=rented)
    clock.advance(hours=3)
    svc.pick_up(rented_r.id)

    with StatementCounter(db) as counter:
        rows = {r.car_id: r for r in queries.list_cars(db, clock())}
    assert counter.count == 2
    assert {k: r.state for k, r in rows.items()} == {
        free: "available", later: "available", soon: "reserved", rented: "on rent", shop: "maintenance"}
    assert rows[free].next_reference == "" and rows[free].next_start is None
    assert (rows[soon].next_reference, rows[soon].next_start, rows[soon].next_status) == (
        soon_r.reference, day(0, 6), "confirmed")
    assert rows[rented].next_reference == rented_r.reference  # the rental, not the follow-up
    assert followup.reference != rented_r.reference
    assert rows[free].model == "Test Model" and rows[free].cost_per_day == Decimal("90.00")
    only = queries.list_cars(db, clock(), car_ids=[soon])
    assert [r.car_id for r in only] == [soon]


def test_an_unpicked_reservation_past_its_end_no_longer_holds_the_car(db, fleet, svc, clock):
    [car] = fleet.cars(1)
    book(svc, "a@example.com", day(1), day(2), car_id=car)
    clock.advance(days=2, minutes=1)
    [row] = queries.list_cars(db, clock())
    assert (row.state, row.next_reference) == ("available", "")


# -- drivers ---------------------------------------------------------------------------------------


def test_drivers_free_now_and_their_assignments(db, fleet, svc, clock):
    fleet.cars(3)
    dee = fleet.driver("Dee Driver")
    max_ = fleet.driver("Max Miles")
    off = fleet.driver("Olive Off", status="inactive")
    now_r = book(svc, "a@example.com", day(0, 2), day(2), driver_id=dee)
    later = book(svc, "b@example.com", day(3), day(4), driver_id=dee)
    clock.advance(hours=3)

    with StatementCounter(db) as counter:
        rows = {d.id: d for d in queries.list_drivers(db, clock())}
    assert counter.count == 2
    assert (rows[dee].current_reference, rows[dee].free_now, rows[dee].assignments) == (now_r.reference, False, 2)
    assert rows[dee].next_start == later.start
    assert (rows[max_].free_now, rows[max_].assignments) == (True, 0)
    assert rows[off].free_now is False  # inactive

    free = queries.list_drivers(db, clock(), free_for=(day(1), day(2)))
    assert [d.id for d in free] == [max_]
    free = queries.list_drivers(db, clock(), free_for=(day(2), day(3)))  # back to back is fine
    assert [d.id for d in free] == [dee, max_]

    jobs = queries.driver_assignments(db, dee)
    assert [(j.reference, j.customer_name, j.status) for j in jobs] == [
        (now_r.reference, "A", "confirmed"), (later.reference, "B", "confirmed")]
    assert [j.reference for j in queries.driver_assignments(db, dee, since=day(2))] == [later.reference]


# -- the fleet board -------------------------------------------------------------------------------


def test_timeline_and_fleet_status(db, fleet, svc, clock):
    suv = fleet.cars(2, "SUV")
    fleet.cars(1, "VAN")
    [shop] = fleet.cars(1, "SUV", status="maintenance")
    a = book(svc, "a@example.com", day(0, 2), day(1, 2))  # reserved (starts within a day)
    b = book(svc, "b@example.com", day(3), day(20))  # long, clipped by the horizon
    c = book(svc, "c@example.com", day(1), day(3), vehicle_class="VAN")
    svc.cancel_reservation(c.id)

    bars = queries.timeline(db, day(0), day(7))
    assert [(x.reference, x.status) for x in bars] == sorted(
        [(a.reference, "confirmed"), (b.reference, "confirmed")], key=lambda p: bars[0].car_id)  # by car
    assert {x.car_id for x in bars} <= set(suv)
    assert queries.timeline(db, day(30), day(31)) == []

    status = {(p.vehicle_class, p.zip_code): p for p in queries.fleet_status(db, clock())}
    suv_pool = status[("SUV", "10001")]
    assert (suv_pool.available, suv_pool.reserved, suv_pool.on_rent, suv_pool.maintenance) == (1, 1, 0, 1)
    assert (suv_pool.in_service, suv_pool.total) == (2, 3)
    # a: 1 day, b: 4 of its days fall in the 7-day horizon; 2 in-service cars x 7 days
    assert suv_pool.utilisation == pytest.approx(5 / 14)
    assert status[("VAN", "10001")].utilisation == 0.0
    assert shop not in {x.car_id for x in bars}


# -- adding and editing a car ----------------------------------------------------------------------


def test_validate_car_uses_the_fleet_file_rules():
    parsed = validate_car(NEW_CAR)
    assert parsed == {
        "plate_number": "NY900", "model": "Mazda CX-5", "year": 2024, "color": "Red",
        "transmission": "automatic", "cost_per_day": Decimal("82.50"), "vehicle_class": "SUV",
        "zip_code": "10001"}
    with pytest.raises(FleetFileError) as err:
        validate_car({**NEW_CAR, "year": "20x4", "cost_per_day": "-1", "model": " "})
    assert {(column, message) for _line, column, message in err.value.problems} == {
        ("model", "the model is empty; type the model, such as Toyota Corolla"),
        ("year", "the year '20x4' is not a whole number; type a year such as 2024"),
        ("cost_per_day", "the day rate -1 must be more than 0; type an amount such as 49.00")}
    with pytest.raises(FleetFileError) as err:
        validate_car({"plate_number": "X1"})
    assert {column for _line, column, _m in err.value.problems} == {
        "model", "year", "color", "transmission", "cost_per_day", "vehicle_class", "zip_code"}


def test_add_and_update_a_car(db, fleet):
    fleet.cars(1, "SUV")
    dee = fleet.driver()
    car_id = add_car(db, {**NEW_CAR, "driver_id": dee})
    with db.session() as s:
        car = s.get(Car, car_id)
        assert (car.plate_number, car.cost_per_day, car.status, car.driver_id, car.odometer) == (
            "NY900", Decimal("82.50"), "available", dee, 0)
    update_car(db, car_id, {**NEW_CAR, "color": "Blue", "odometer": "1200", "status": "maintenance", "driver_id": None})
    with db.session() as s:
        car = s.get(Car, car_id)
        assert (car.color, car.odometer, car.status, car.driver_id) == ("Blue", 1200, "maintenance", None)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"plate_number": "T00001"}, "plate_number", "already in the fleet"),
        ({"vehicle_class": "BUS"}, "vehicle_class", "unknown vehicle class BUS"),
        ({"zip_code": "99999"}, "zip_code", "unknown location 99999"),
        ({"driver_id": 404}, "driver_id", "no driver with id 404"),
    ],
)
def test_add_car_refusals_save_nothing(db, fleet, change, field, message):
    fleet.cars(1, "SUV")
    with pytest.raises(InvalidInput) as err:
        add_car(db, {**NEW_CAR, **change})
    assert err.value.field == field and message in str(err.value)
    with db.session() as s:
        assert len(list(s.scalars(select(Car)))) == 1


def test_a_held_car_keeps_its_pool_and_service(db, fleet, svc, clock):
    car, other = fleet.cars(2, "SUV")
    fleet.cars(1, "VAN")
    r = book(svc, "a@example.com", day(1), day(2), car_id=car)
    with db.session() as s:
        plate = s.get(Car, car).plate_number
    values = {**NEW_CAR, "plate_number": plate}
    for change, field in (({"vehicle_class": "VAN"}, "vehicle_class"), ({"status": "retired"}, "status")):
        with pytest.raises(InvalidInput) as err:
            update_car(db, car, {**values, **change}, now=clock())
        assert err.value.field == field and r.reference in str(err.value)
    update_car(db, car, {**values, "color": "Green"}, now=clock())  # other fields may change
    with pytest.raises(InvalidInput, match="belongs to another car"):
        update_car(db, other, values, now=clock())
    update_car(db, other, {**values, "plate_number": "NEW 1", "odometer": "5000"}, now=clock())
    with pytest.raises(InvalidInput, match="below the recorded 5000"):
        update_car(db, other, {**values, "plate_number": "NEW 1", "odometer": "10"}, now=clock())
    with pytest.raises(InvalidInput, match="no car with id 999"):
        update_car(db, 999, values, now=clock())
    svc.cancel_reservation(r.id)
    update_car(db, car, {**values, "status": "retired"}, now=clock())
    assert T0 == clock()
