"""Check-out and check-in (rentaldesk/contracts.py) on a real SQLite file: the agreement, its
number, readings, damage and charges; every bad input refused naming its field, nothing saved."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from rentaldesk import charges, contracts, rates, renters
from rentaldesk import contract_inputs as inputs
from rentaldesk.contracts import Deposit
from rentaldesk.damage import DamageMark, Zone
from rentaldesk.errors import InvalidInput, RentalError
from rentaldesk.models import Agreement, AgreementSequence, Car, DamageRecord, LedgerRow, VehicleClass
from rentaldesk.models import Reservation as Row

from ..conftest import day
from ..contract_helpers import (
    CHILD_SEAT,
    GPS,
    PHOTO,
    SIGNED,
    agreement_count,
    check_in_value,
    check_out_value,
    may_rent,
    plan,
    signature_png,
    use_plan,
    view_of,
)

@pytest.fixture
def booked(svc, fleet, clock, db):
    """A SUV at 10001 booked for day 1 to day 4 by a renter who may rent, the clock at day 1 - 1 h
    (the pick-up is due)."""
    fleet.cars(2, "SUV")
    use_plan(db, plan())
    r = svc.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(4))
    may_rent(db, r.customer_id)
    clock.now = day(1, -1)
    return r


def out(db, value, now):
    with db.write() as s:
        return contracts.check_out(s, value, now)


def back(db, value, now):
    with db.write() as s:
        return contracts.check_in(s, value, now)


def reservation_status(db, rid):
    with db.session() as s:
        return s.get_one(Row, rid).status


# -- check-out ------------------------------------------------------------------------------------------


def test_check_out_writes_the_agreement_and_picks_the_reservation_up(booked, db, clock):
    view = out(db, check_out_value(booked.id), clock.now)
    assert view.number == "B10001-000001"
    assert view.status == "on rent" and view.reservation_reference == booked.reference
    assert (view.out.odometer, view.out.fuel_eighths, view.out.at) == (1000, 8, clock.now)
    assert view.plate_number == booked.plate_number and view.vehicle_class == view.booked_class == "SUV"
    assert view.extras == (CHILD_SEAT,)
    assert view.deposit == Deposit(Decimal("300.00"), "card", "PREAUTH-778") and view.deposit_state == "held"
    assert view.deposit_held == Decimal("300.00") and view.balance == Decimal("0.00") and view.charges is None
    assert view.quoted == booked.price and view.currency == "USD"
    assert [(m.zone, m.note, m.stage) for m in view.damage] == [(Zone.LEFT_FRONT, "scratch on the door, 4 cm", "out")]
    assert view.signature_png == SIGNED
    assert [(e.kind, e.amount, e.reference) for e in view.payments] == [("deposit-hold", Decimal("300.00"), "PREAUTH-778")]
    with db.session() as s:
        row = s.get_one(Row, booked.id)
        assert (row.status, row.pinned, row.picked_up_at) == ("active", True, clock.now)
    assert view_of(db, view.number) == view == view_of(db, booked.reference.lower()) == view_of(db, view.id)


def test_numbers_follow_a_sequence_per_branch_and_a_refusal_takes_none(svc, fleet, clock, db):
    fleet.cars(3, "SUV")
    fleet.cars(1, "SUV", zip_code="60666")
    use_plan(db, plan())
    use_plan(db, plan(zip_code="60666"))
    rs = [svc.create_reservation(email=f"r{i}@example.com", name=f"R {i}", vehicle_class="SUV", zip_code=z, start=day(1), end=day(2))
          for i, z in enumerate(["10001", "10001", "60666", "10001"])]
    for r in rs:
        may_rent(db, r.customer_id)
    clock.now = day(1, -1)
    assert out(db, check_out_value(rs[0].id), clock.now).number == "B10001-000001"
    with pytest.raises(InvalidInput):
        out(db, check_out_value(rs[1].id, fuel_eighths=9), clock.now)
    assert out(db, check_out_value(rs[1].id), clock.now).number == "B10001-000002"
    assert out(db, check_out_value(rs[2].id), clock.now).number == "B60666-000001"
    assert out(db, check_out_value(rs[3].id), clock.now).number == "B10001-000003"


def _bad_check_outs():
    blank = signature_png(blank=True)
    return [
        ("reservation", dict(reservation_id="RNOPE123"), "no reservation 'RNOPE123'"),
        ("odometer", dict(odometer=999), "the odometer out (999) is below the 1,000 recorded for"),
        ("odometer", dict(odometer=-5), "the odometer -5 is outside 0 to 5,000,000"),
        ("fuel_eighths", dict(fuel_eighths=9), "from 0 (empty) to 8 (full), not '9'"),
        ("fuel_eighths", dict(fuel_eighths=-1), "from 0 (empty) to 8 (full)"),
        ("licence_checked", dict(licence_checked=False), "licence must be checked"),
        ("damage", dict(damage=(DamageMark(Zone.ROOF, 1.2, 0.5, ""),)), "damage mark 1: x must be a number from 0 to 1"),
        ("damage", dict(damage=(DamageMark(Zone.ROOF, 0.5, 0.5, "", photo=b"GIF89a"),)), "not a PNG or JPEG"),
        ("extras", dict(extras=(CHILD_SEAT, GPS, CHILD_SEAT)), "extra 3: Child seat (child-seat) is chosen twice"),
        ("extras", dict(extras=("gps",)), "extra 1 is not an extra"),
        ("deposit", dict(deposit=Deposit(Decimal("100.00"), "card", "P1")), "below the 300.00 USD asked"),
        ("deposit", dict(deposit=Deposit(Decimal("300.005"), "card", "P1")), "more than 2 decimal places"),
        ("deposit_method", dict(deposit=Deposit(Decimal("300.00"), "cheque", "")), "by card (a pre-authorisation) or in cash"),
        ("deposit_reference", dict(deposit=Deposit(Decimal("300.00"), "card", "  ")), "pre-authorisation's reference is needed"),
        ("signature", dict(signature_png=b""), "signature is missing"),
        ("signature", dict(signature_png=b"GIF89a...."), "not a PNG image"),
        ("signature", dict(signature_png=blank), "the signature is blank"),
        ("signature", dict(signature_png=SIGNED[:40]), "not a readable PNG"),
        ("car_id", dict(car_id=999), "no car with id 999"),
    ]


@pytest.mark.parametrize(("field", "changes", "words"), _bad_check_outs(), ids=lambda v: v if isinstance(v, str) else "")
def test_a_bad_check_out_is_refused_naming_the_field_and_nothing_is_saved(booked, db, clock, field, changes, words):
    with pytest.raises(RentalError) as refused:
        out(db, check_out_value(booked.id, **changes), clock.now)
    assert refused.value.field == field
    assert words in str(refused.value)
    assert agreement_count(db) == 0 and reservation_status(db, booked.id) == "confirmed"
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(LedgerRow)) == 0
        assert s.scalar(select(func.count()).select_from(DamageRecord)) == 0
        assert s.scalar(select(func.count()).select_from(AgreementSequence)) == 0
        assert s.get_one(Car, booked.car_id).odometer == 1000


def test_a_reservation_not_due_is_refused_by_the_pick_up_rule(booked, db, clock):
    with pytest.raises(RentalError, match="is not due: it starts in 13 hours; pick-up opens 12 hours before") as refused:
        out(db, check_out_value(booked.id), day(1, -13))
    assert refused.value.field == "reservation"
    with pytest.raises(RentalError, match="has ended"):
        out(db, check_out_value(booked.id), day(4, 1))
    out(db, check_out_value(booked.id), clock.now)
    with pytest.raises(RentalError, match="is checked out already .agreement B10001-000001.") as again:
        out(db, check_out_value(booked.id), clock.now)
    assert again.value.field == "reservation" and agreement_count(db) == 1


@pytest.mark.parametrize(
    ("customer", "field"),
    [
        (dict(born=date(2012, 1, 1)), "date_of_birth"),
        (dict(expiry=date(2030, 3, 1)), "licence_expiry"),
        (dict(do_not_rent=True, do_not_rent_reason="unpaid damage"), "do_not_rent"),
        (dict(licence=""), "licence_number"),
    ],
    ids=["under age", "licence expires before the return", "do not rent", "no licence"],
)
def test_the_renter_rules_refuse_at_check_out(booked, db, clock, customer, field):
    may_rent(db, booked.customer_id, **customer)
    with pytest.raises(RentalError) as refused:
        out(db, check_out_value(booked.id), clock.now)
    assert refused.value.field == field
    assert agreement_count(db) == 0 and reservation_status(db, booked.id) == "confirmed"


def test_another_free_car_of_the_class_is_handed_over_in_its_place(booked, db, clock):
    with db.session() as s:
        other = s.scalar(select(Car.car_id).where(Car.vehicle_class == "SUV", Car.car_id != booked.car_id))
    view = out(db, check_out_value(booked.id, car_id=other), clock.now)
    assert view.car_id == other and view.upgrade_reason == "" and view.quoted == booked.price


def test_a_car_at_another_branch_is_not_handed_over_here(booked, db, clock, fleet):
    [elsewhere] = fleet.cars(1, "SUV", zip_code="60666")
    for car in (elsewhere, *fleet.cars(1, "LUXURY", zip_code="60666")):
        with pytest.raises(InvalidInput, match="is at 60666, not at 10001") as refused:
            out(db, check_out_value(booked.id, car_id=car, upgrade_reason="nothing clean here"), clock.now)
        assert refused.value.field == "car_id" and agreement_count(db) == 0
    assert reservation_status(db, booked.id) == "confirmed"


def test_an_upgrade_is_at_the_booked_price_and_needs_a_reason(booked, db, clock, fleet):
    [lux] = fleet.cars(1, "LUXURY", rate="150.00")
    with pytest.raises(InvalidInput, match="the upgrade reason is needed") as refused:
        out(db, check_out_value(booked.id, car_id=lux), clock.now)
    assert refused.value.field == "upgrade_reason" and agreement_count(db) == 0
    view = out(db, check_out_value(booked.id, car_id=lux, upgrade_reason="no SUV clean in time"), clock.now)
    assert (view.car_id, view.vehicle_class, view.booked_class) == (lux, "LUXURY", "SUV")
    assert view.upgrade_reason == "no SUV clean in time" and view.quoted == booked.price


def test_existing_damage_is_kept_beside_the_new_marks(booked, db, clock, svc):
    first = out(db, check_out_value(booked.id), clock.now)
    dent = DamageMark(Zone.BOOT, 0.5, 0.85, "dent", photo=PHOTO)
    back(db, check_in_value(first.id, day(2), odometer=1100, damage=(dent,), damage_charge=Decimal("120.00")), day(2))
    with db.session() as s:
        marks = contracts.existing_damage(s, booked.car_id)
    assert [(m.zone, m.stage) for m in marks] == [(Zone.LEFT_FRONT, "out"), (Zone.BOOT, "in")]
    assert marks[1].photo == PHOTO
    nxt = svc.create_reservation(email="bo@example.com", name="Bo", car_id=booked.car_id, vehicle_class="SUV", zip_code="10001",
                                 start=day(3), end=day(5))
    may_rent(db, nxt.customer_id)
    view = out(db, check_out_value(nxt.id, odometer=1100, damage=()), day(3, -1))
    assert [m.zone for m in view.existing_damage] == [Zone.LEFT_FRONT, Zone.BOOT]
    assert [m.stage for m in view.damage] == ["out", "out"]


# -- check-in -------------------------------------------------------------------------------------------


def test_check_in_late_at_another_branch_with_extra_miles_and_fuel_missing(booked, db, clock, fleet):
    fleet.branch("60666", tz="America/Chicago")
    with db.write() as s:
        rates.save_drop_fee(s, "10001", "60666", Decimal("50.00"))
    agreement = out(db, check_out_value(booked.id), clock.now)
    returned = day(4, 3)  # 3 hours after the booked end: past the 29 minutes' grace
    value = check_in_value(agreement.id, returned, zip_code="60666", odometer=1000 + 1000, fuel_eighths=5)
    with db.session() as s:
        preview = contracts.preview_check_in(s, value, day(4, 3))
    assert agreement_count(db) == 1 and view_of(db, agreement.id).status == "on rent"  # nothing saved
    view = back(db, value, day(4, 3))
    with db.session() as s:
        expected = charges.settle(plan(), charges.Usage(
            picked_up_at=clock.now, returned_at=returned, booked_start=day(1), booked_end=day(4), distance=1000,
            fuel_out_eighths=8, fuel_in_eighths=5, damage_charge=Decimal("0.00"), extras=(CHILD_SEAT,),
            one_way_fee=Decimal("50.00")))
        row = s.get_one(Row, booked.id)
        assert (row.status, row.returned_at) == ("completed", returned)
    assert view.charges == expected == preview
    codes = {ln.code for ln in view.charges.lines}
    assert {"time", "late", "distance", "fuel", "one-way", "extra:child-seat", "tax:sales", "tax:airport"} <= codes
    assert view.charges.line("distance")[0].amount == Decimal("100.00")  # 1,000 mi less the 3 booked days x 200, at 0.25 (a late day adds none)
    assert view.status == "returned" and view.balance == expected.total
    assert view.returned is not None and (view.returned.zip_code, view.returned.odometer, view.returned.fuel_eighths) == (
        "60666", 2000, 5)


def test_the_receipt_keeps_the_charges_fixed_at_check_in(booked, db, clock):
    agreement = out(db, check_out_value(booked.id), clock.now)
    fixed = back(db, check_in_value(agreement.id, day(4)), day(4)).charges
    use_plan(db, plan(day_rate=Decimal("999.00")))
    with db.write() as s:
        s.get_one(VehicleClass, "SUV").day_rate = Decimal("999.00")
    assert view_of(db, agreement.number).charges == fixed


def _young_line(db, booked, clock):
    """Check the booked SUV out to a renter aged 22 on the pick-up day and back on time; the
    young-driver line's (count, price a day), or None."""
    may_rent(db, booked.customer_id, born=date(day(1).year - 22, 1, 1))
    agreement = out(db, check_out_value(booked.id), clock.now)
    lines = back(db, check_in_value(agreement.id, day(4)), day(4)).charges.line("young-driver")
    return (lines[0].quantity, lines[0].unit_price) if lines else None


@pytest.mark.parametrize(("at_booking", "later", "charged"), [
    (Decimal("15.00"), Decimal("40.00"), (3, Decimal("15.00"))),  # a raise after booking: the booked fee
    (Decimal("15.00"), Decimal("0.00"), (3, Decimal("15.00"))),   # the fee dropped after booking: still charged
    (Decimal("0.00"), Decimal("40.00"), None),                    # a fee brought in after booking: none
], ids=["raised", "dropped", "introduced"])
def test_the_young_driver_fee_is_the_one_the_reservation_was_booked_with(svc, fleet, clock, db, at_booking, later,
                                                                         charged):
    fleet.cars(1, "SUV")
    use_plan(db, plan())
    with db.write() as s:
        renters.set_rule(s, "10001", None, young_driver_age=25, young_driver_fee_per_day=at_booking)
    r = svc.create_reservation(email="kid@example.com", name="Kit Young", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(4))
    with db.write() as s:  # the rule changes between booking and check-in
        renters.set_rule(s, "10001", None, young_driver_age=30, young_driver_fee_per_day=later)
    clock.now = day(1, -1)
    assert _young_line(db, r, clock) == charged


def test_a_reservation_that_kept_no_young_driver_terms_pays_by_the_rule_in_effect(booked, db, clock):
    with db.write() as s:  # a row of an earlier build (or one head office's state brought here)
        row = s.get_one(Row, booked.id)
        row.young_driver_age = row.young_driver_fee_per_day = None
        renters.set_rule(s, "10001", None, young_driver_age=25, young_driver_fee_per_day=Decimal("12.00"))
    assert _young_line(db, booked, clock) == (3, Decimal("12.00"))


def _bad_check_ins():
    return [
        ("returned_at", dict(returned_at=day(1, -2)), "is not after the check-out at"),
        ("returned_at", dict(returned_at=day(2, 1)), "is in the future"),
        ("returned_at", dict(returned_at=day(2).replace(tzinfo=None)), "needs a time zone"),
        ("zip_code", dict(zip_code="99999"), "no branch at zip code '99999'; the branches are at 10001"),
        ("odometer", dict(odometer=999), "the odometer in (999) is below the odometer out (1,000)"),
        ("odometer", dict(odometer=5001), "means 4,001 driven in 2 days out, more than 2,000 a day"),
        ("fuel_eighths", dict(fuel_eighths=9), "from 0 (empty) to 8 (full)"),
        ("damage", dict(damage=(DamageMark(Zone.ROOF, 0.5, 0.5, "a\tb"),)), "damage mark 1: the damage note holds a tab"),
        ("damage_charge", dict(damage_charge=Decimal("-5.00")), "cannot be negative"),
        ("damage_charge", dict(damage_charge=Decimal("50.00")), "needs the damage it is for"),
        ("agreement", dict(agreement_id="B10001-999999"), "no agreement 'B10001-999999'"),
    ]


@pytest.mark.parametrize(("field", "changes", "words"), _bad_check_ins(), ids=lambda v: v if isinstance(v, str) else "")
def test_a_bad_check_in_is_refused_naming_the_field_and_nothing_is_saved(booked, db, clock, field, changes, words):
    agreement = out(db, check_out_value(booked.id), clock.now)
    with pytest.raises(RentalError) as refused:
        back(db, check_in_value(agreement.id, day(2), **changes), day(2))
    assert refused.value.field == field
    assert words in str(refused.value)
    assert view_of(db, agreement.id) == agreement and reservation_status(db, booked.id) == "active"
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(DamageRecord)) == 1


def test_a_check_in_at_the_distance_limit_is_taken(booked, db, clock):
    # out 25 hours (2 days counted) from 1,000: 4,000 driven is the most taken
    agreement = out(db, check_out_value(booked.id), clock.now)
    assert back(db, check_in_value(agreement.id, day(2), odometer=5000), day(2)).status == "returned"


def test_a_car_is_checked_in_once(booked, db, clock):
    agreement = out(db, check_out_value(booked.id), clock.now)
    back(db, check_in_value(agreement.id, day(2)), day(2))
    with pytest.raises(RentalError, match="is returned; only a car on rent can be checked in") as refused:
        back(db, check_in_value(agreement.id, day(2)), day(2))
    assert refused.value.field == "agreement"


def test_an_early_return_keeps_its_actual_time(booked, db, clock):
    agreement = out(db, check_out_value(booked.id), clock.now)
    view = back(db, check_in_value(agreement.id, day(2)), day(2, 2))
    with db.session() as s:
        assert s.get_one(Row, booked.id).returned_at == day(2)
    assert view.returned is not None and view.returned.at == day(2)
    assert view.charges is not None and view.charges.total <= booked.price * 2  # never the booked days and more


# -- the number under two writers --------------------------------------------------------------------------


def _check_out_many(url: str, ids: list[str], now_iso: str, queue) -> None:  # runs in a child process
    from datetime import datetime

    from rentaldesk.db import open_database

    db = open_database(url)
    now = datetime.fromisoformat(now_iso)
    numbers = []
    for rid in ids:
        with db.write() as s:
            numbers.append(contracts.check_out(s, check_out_value(rid), now).number)
    db.close()
    queue.put(numbers)


@pytest.mark.slow
def test_two_processes_checking_out_at_once_take_every_number_once_without_gaps(svc, fleet, clock, db, tmp_path):
    fleet.cars(20, "SUV")
    use_plan(db, plan())
    rs = [svc.create_reservation(email=f"p{i}@example.com", name=f"P {i}", vehicle_class="SUV", zip_code="10001",
                                 start=day(1), end=day(2)) for i in range(20)]
    for r in rs:
        may_rent(db, r.customer_id)
    url = str(db.engine.url)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_check_out_many, args=(url, [r.id for r in rs[i::2]], day(1, -1).isoformat(), queue))
               for i in range(2)]
    for w in workers:
        w.start()
    got = [queue.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    numbers = sorted(got[0] + got[1])
    assert numbers == [f"B10001-{n:06d}" for n in range(1, 21)]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Agreement)) == 20
        assert s.get_one(AgreementSequence, "10001").next_number == 21


def test_agreements_of_lists_newest_first_and_refuses_an_unknown_status(booked, db, clock):
    view = out(db, check_out_value(booked.id), clock.now)
    with db.session() as s:
        assert contracts.agreements_of(s, zip_code="10001", status="on rent") == (view,)
        assert contracts.agreements_of(s, status="closed") == ()
        with pytest.raises(InvalidInput, match="no agreement status 'gone'") as refused:
            contracts.agreements_of(s, status="gone")
    assert refused.value.field == "status"




def test_a_car_out_on_an_agreement_comes_back_by_check_in_only(booked, db, clock, svc):
    agreement = out(db, check_out_value(booked.id), clock.now)
    with pytest.raises(RentalError, match=f"is out on agreement {agreement.number}: check it in") as refused:
        svc.return_car(booked.id)
    assert refused.value.field == "reservation"
    assert reservation_status(db, booked.id) == "active" and view_of(db, agreement.id).status == "on rent"


@given(out_reading=st.integers(0, 10**6), driven=st.integers(0, 10**5), seconds=st.integers(1, 30 * 86400))
def test_the_distance_rule_takes_exactly_up_to_the_limit_a_day(out_reading, driven, seconds):
    days = -(-seconds // 86400)
    if driven <= inputs.MAX_DISTANCE_PER_DAY * days:
        assert inputs.distance(out_reading + driven, out_reading, seconds) == driven
    else:
        with pytest.raises(InvalidInput) as refused:
            inputs.distance(out_reading + driven, out_reading, seconds)
        assert refused.value.field == "odometer"


# -- a reservation booked before the wall-clock rule (migration 0021) ------------------------------------


def test_a_reservation_booked_before_the_wall_clock_rule_settles_the_days_it_was_quoted(svc, fleet, clock, db):
    """Quoted in 24-hour days, as every booking before rental days went on the wall clock: 10:00 to
    10:00 over the autumn change is 25 hours, 2 days then (1 on the wall clock). The upgrade marks
    such a row (wall_clock_days 0) and it is counted so to the end: a change of nothing keeps its
    price, and the check-in settles the 2 days it was quoted (it settled 1 before the marker)."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from rentaldesk import pricing

    ny = ZoneInfo("America/New_York")
    start, end = datetime(2030, 11, 2, 10, tzinfo=ny), datetime(2030, 11, 3, 10, tzinfo=ny)
    daily = plan(hour_rate=Decimal("80.00"))  # every started day a day: the count is the price
    fleet.cars(1, "SUV")
    use_plan(db, daily)
    clock.now = start - timedelta(days=2)
    r = svc.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=start, end=end)
    in_utc = replace(daily, rental_day_clock="utc")
    assert charges.quote(in_utc, start, end).line("time")[0].quantity == 2
    assert charges.quote(daily, start, end).line("time")[0].quantity == 1
    with db.write() as s:  # the row as the upgrade leaves one booked before: quoted in 24-hour days
        row = s.get_one(Row, r.id)
        assert row.wall_clock_days is True  # (a booking of this build)
        row.wall_clock_days = False
        row.price = charges.quote(in_utc, start, end).total
        assert pricing.kept_plan(row).rental_day_clock == "utc"
        assert pricing.price_change(row, start, end).new == row.price  # the same days
    may_rent(db, r.customer_id)
    clock.now = start - timedelta(hours=1)
    agreement = out(db, check_out_value(r.id, extras=()), clock.now)
    view = back(db, check_in_value(agreement.id, end, odometer=1100), end)
    assert view.charges is not None
    assert view.charges.line("time")[0].quantity == 2
    assert view.charges == charges.settle(in_utc, charges.Usage(
        picked_up_at=clock.now, returned_at=end, booked_start=start, booked_end=end, distance=100,
        fuel_out_eighths=8, fuel_in_eighths=8, damage_charge=Decimal("0.00")))


def test_the_day_clock_marker_is_left_out_of_a_wall_clock_plan_s_json():
    """A plan of this build writes the JSON it wrote before the marker (an older build reads it);
    a plan kept from before the wall-clock rule says so and round-trips; a bad value is refused."""
    assert "rental_day_clock" not in plan().to_json()
    assert rates.RatePlan.from_json(plan().to_json()) == plan()
    utc = replace(plan(), rental_day_clock="utc")
    assert rates.RatePlan.from_json(utc.to_json()) == utc and '"rental_day_clock":"utc"' in utc.to_json()
    with pytest.raises(InvalidInput, match="rental_day_clock"):
        replace(plan(), rental_day_clock="lunar")
