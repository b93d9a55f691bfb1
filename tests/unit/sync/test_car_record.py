"""Every branch sees the same car record (issue 11, item 10): head office's record of a car (its
last readings, its damage history from every branch's agreements) goes out on the fleet topic and
each branch applies it; an older record never replaces a newer one, nor an older reading a newer
one kept at the branch; a record that is not one is a dead letter; the web's replica keeps none.
Real parts, no broker: the in-process network of test_reservation_lifecycle (SQLite files, the
real inbox consumer, head office's authority, the fleet service's snapshot)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from rentaldesk import contracts, rates
from rentaldesk.damage import DamageMark, Zone
from rentaldesk.errors import RentalError
from rentaldesk.models import Car, KnownDamage
from rentaldesk.sync.branch import apply_head_office_event_at_the_web
from rentaldesk.sync.envelope import Envelope, decode
from rentaldesk.sync.events import FleetCarRecord, replace
from rentaldesk.sync.inbox import Delivery
from rentaldesk.sync.state import fleet_snapshot
from rentaldesk.sync.topics import FLEET
from tests.conftest import PoolBuilder, day
from tests.contract_helpers import check_in_value, check_out_value, may_rent

from .test_reservation_lifecycle import Net

A, B = "10001", "60666"
DENT = DamageMark(Zone.REAR, 0.5, 0.97, "dent in the rear bumper, 6 cm")


def records(net: Net) -> dict[str, FleetCarRecord]:
    """Head office's car records as its fleet service would publish them now."""
    with net.hq.db.session() as s:
        return {k: v for k, v in fleet_snapshot(s).items() if isinstance(v, FleetCarRecord)}


def publish(net: Net, code: str, *events: FleetCarRecord) -> None:
    """Hand these records to the branch's consumer, as the fleet topic would, in this order."""
    net.branches[code].receive([Envelope(payload=e, source="hq").encode() for e in events], net.topics.name(FLEET))


def car_at(net: Net, code: str, plate: str) -> Car:
    with net.branches[code].db.session() as s:
        car = s.scalars(select(Car).where(Car.plate_number == plate)).one()
        s.expunge(car)
        return car


@pytest.fixture
def one_way(tmp_path):  # noqa: ANN001, ANN201
    """A car out at BOS (A) with a scratch marked at check-out, back at B with a dent marked at
    check-in (odometer 1,400, fuel 5/8); CHI (a second counter, at B) has the car's move to B from
    the fleet topic, and no record of it yet.
    Yields the net, the plate, head office's record after the check-out and after the check-in."""
    net = Net(tmp_path, cars=1)
    PoolBuilder(net.hq.db).branch(B, tz="America/Chicago")
    bos = net.branch("BOS")
    net.branch("CHI")
    for site in (net.hq, net.branches["BOS"]):
        with site.db.write() as s:
            rates.save_drop_fee(s, A, B, Decimal("50.00"))
    r = bos.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code=A,
                               start=day(1), end=day(3), return_zip_code=B)
    net.settle()
    may_rent(net.branches["BOS"].db, r.customer_id)
    net.clock.now = day(1)
    out = bos.check_out(check_out_value(r.id))  # a scratch on the left front door
    net.settle()
    after_out = records(net)
    net.clock.now = day(3, 1)
    bos.check_in(check_in_value(out.id, day(3, 1), zip_code=B, odometer=1400, fuel_eighths=5, damage=(DENT,),
                                damage_charge=Decimal("120.00")))
    net.settle()
    after_in = records(net)
    (plate,) = net.plates
    with net.hq.db.session() as s:  # the car's own fleet record (it is at B now) reaches CHI
        moved = fleet_snapshot(s)[f"car:{plate}"]
    net.branches["CHI"].receive([Envelope(payload=moved, source="hq").encode()], net.topics.name(FLEET))
    yield net, plate, out.number, after_out[f"car-record:{plate}"], after_in[f"car-record:{plate}"]
    net.close()


def test_head_office_publishes_the_record_of_each_change_keyed_by_car(one_way):
    net, plate, number, after_out, after_in = one_way
    assert (after_out.version, after_out.stage, after_out.odometer, after_out.on_rent) == (1, "out", 1000, True)
    assert [(m.zone, m.note, m.stage) for m in after_out.damage] == [("left-front", "scratch on the door, 4 cm", "out")]
    assert (after_in.version, after_in.stage, after_in.odometer, after_in.fuel_eighths) == (2, "in", 1400, 5)
    assert (after_in.zip_code, after_in.on_rent, after_in.agreement_number) == (B, False, number)
    assert [(m.zone, m.note, m.stage, m.zip_code, m.agreement_number) for m in after_in.damage] == [
        ("left-front", "scratch on the door, 4 cm", "out", A, number),
        ("rear", "dent in the rear bumper, 6 cm", "in", B, number)]
    assert after_in.read_at == day(3, 1)
    # nothing changed since: the fleet service has nothing new to send
    assert records(net)[f"car-record:{plate}"] == after_in


def test_another_branch_sees_the_damage_and_the_reading_and_refuses_an_odometer_below_it(one_way):
    net, plate, number, _, after_in = one_way
    publish(net, "CHI", after_in)
    car = car_at(net, "CHI", plate)
    assert (car.odometer, car.fuel_eighths, car.read_at, car.read_agreement, car.read_zip_code) == (
        1400, 5, day(3, 1), number, B)
    with net.branches["CHI"].db.session() as s:
        shown = contracts.existing_damage(s, car.car_id)
    assert [(m.zone, m.note, m.stage, m.recorded_at) for m in shown] == [
        (Zone.LEFT_FRONT, "scratch on the door, 4 cm", "out", day(1)),
        (Zone.REAR, "dent in the rear bumper, 6 cm", "in", day(3, 1))]

    # CHI rents the car out at B: below the reading taken at BOS's check-in is refused, naming it
    chi = net.branches["CHI"].service
    assert chi is not None
    r = chi.create_reservation(email="bo@example.com", name="Bo", vehicle_class="SUV", zip_code=B,
                               start=day(5), end=day(7))
    net.settle()
    may_rent(net.branches["CHI"].db, r.customer_id)
    net.clock.now = day(5)
    with pytest.raises(RentalError) as refused:
        chi.check_out(check_out_value(r.id, odometer=1300, damage=()))
    assert refused.value.field == "odometer"
    assert refused.value.message == (f"the odometer out (1,300) is below the 1,400 recorded for {plate} "
                                     f"(its last reading, agreement {number} at {B})")
    view = chi.check_out(check_out_value(r.id, odometer=1410, damage=()))
    # the agreement made at CHI lists BOS's marks as the damage the car left with
    assert [(m.zone, m.note) for m in view.existing_damage] == [
        (Zone.LEFT_FRONT, "scratch on the door, 4 cm"), (Zone.REAR, "dent in the rear bumper, 6 cm")]
    # CHI's check-out is the newest reading now, here and at head office; CHI's own marks are its own rows
    net.settle()
    latest = records(net)[f"car-record:{plate}"]
    assert (latest.version, latest.odometer, latest.stage, latest.agreement_number) == (3, 1410, "out", view.number)
    publish(net, "CHI", latest)
    with net.branches["CHI"].db.session() as s:
        assert len(contracts.existing_damage(s, car.car_id)) == 2  # BOS's two, not twice
        assert s.scalar(select(func.count()).select_from(KnownDamage)) == 2


def test_an_older_record_delivered_after_a_newer_one_is_skipped(one_way):
    net, plate, _, after_out, after_in = one_way
    publish(net, "CHI", after_in, after_out)  # out of order: the check-in's record first
    car = car_at(net, "CHI", plate)
    assert (car.record_version, car.odometer, car.fuel_eighths, car.read_at) == (2, 1400, 5, day(3, 1))
    with net.branches["CHI"].db.session() as s:
        assert [m.note for m in contracts.existing_damage(s, car.car_id)] == [
            "scratch on the door, 4 cm", "dent in the rear bumper, 6 cm"]


def test_a_newer_record_with_an_older_reading_never_replaces_the_branch_s_own(one_way):
    net, plate, _, after_out, after_in = one_way
    publish(net, "CHI", after_in)
    with net.branches["CHI"].db.write() as s:  # CHI's own later reading (its check-out at day 5)
        car = s.scalars(select(Car).where(Car.plate_number == plate)).one()
        car.odometer, car.fuel_eighths, car.read_at, car.read_agreement = 1500, 8, day(5), "CHI-000001"
    # head office's next version still carries BOS's reading (it had not heard of CHI's yet), and a new mark
    late = replace(after_in, version=7, damage=(*after_in.damage, replace(after_in.damage[-1], note="cracked lamp")))
    publish(net, "CHI", late)
    car = car_at(net, "CHI", plate)
    assert (car.record_version, car.odometer, car.fuel_eighths, car.read_at, car.read_agreement) == (
        7, 1500, 8, day(5), "CHI-000001")
    with net.branches["CHI"].db.session() as s:  # the damage history is head office's, whole
        assert [m.note for m in contracts.existing_damage(s, car.car_id)][-1] == "cracked lamp"


def test_the_car_s_fleet_record_with_an_older_odometer_never_takes_the_branch_s_back(one_way):
    """Head office's ``fleet.car`` (the car's class, place, status... and odometer) may predate a
    reading the branch took since: the odometer still never goes back (the fleet's write path)."""
    net, plate, _, _, after_in = one_way
    publish(net, "CHI", after_in)
    with net.branches["CHI"].db.write() as s:  # CHI's own later reading
        car = s.scalars(select(Car).where(Car.plate_number == plate)).one()
        car.odometer = 1500
    with net.hq.db.session() as s:
        fleet_car = fleet_snapshot(s)[f"car:{plate}"]
    older = replace(fleet_car, odometer=1400, color="Blue")
    net.branches["CHI"].receive([Envelope(payload=older, source="hq").encode()], net.topics.name(FLEET))
    car = car_at(net, "CHI", plate)
    assert (car.odometer, car.color) == (1500, "Blue")  # the rest of head office's record is taken


@pytest.mark.parametrize(("change", "reason"), [
    ({"damage_zone": "sunroof"}, "damage[0].zone: expected one of front, bonnet"),
    ({"damage_x": 1.5}, "damage[0]: "),
    ({"fuel_eighths": 9}, "fuel_eighths: expected 0 to 8, not 9"),
    ({"stage": "parked"}, "stage: expected one of out, in, not 'parked'"),
])
def test_a_record_that_is_not_one_goes_to_the_dead_letters_and_changes_nothing(one_way, change, reason):
    net, plate, _, _, after_in = one_way
    mark = after_in.damage[0]
    bad = after_in
    if "damage_zone" in change:
        bad = replace(after_in, damage=(replace(mark, zone=change["damage_zone"]),))
    elif "damage_x" in change:
        bad = replace(after_in, damage=(replace(mark, x=change["damage_x"]),))
    else:
        bad = replace(after_in, **change)
    site = net.branches["CHI"]
    site.feed.put(net.topics.name(FLEET), Envelope(payload=bad, source="hq").encode())
    site.consumer.poll_once()
    ((topic, sent),) = site.feed.dead
    assert topic == net.topics.name("dead-letter") and reason in dict(sent["headers"])["reason"].decode()
    car = car_at(net, "CHI", plate)
    assert (car.record_version, car.read_at) == (0, None)
    with site.db.session() as s:
        assert s.scalar(select(func.count()).select_from(KnownDamage)) == 0
    site.feed.dead.clear()
    publish(net, "CHI", after_in)  # and the consumer goes on
    assert car_at(net, "CHI", plate).record_version == 2


def test_the_web_replica_keeps_no_car_record(one_way):
    net, plate, _, _, after_in = one_way
    db = net.branches["CHI"].db
    envelope = decode(Envelope(payload=after_in, source="hq").encode())
    with db.write() as s:
        assert apply_head_office_event_at_the_web(s, envelope, Delivery(FLEET, 0, 0, None)) is None
    car = car_at(net, "CHI", plate)
    assert (car.record_version, car.read_at) == (0, None)
