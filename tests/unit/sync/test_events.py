"""The event contracts (rentaldesk.sync.events) and their wire form (rentaldesk.sync.envelope).

Every type round-trips; every event the build before typed events wrote is still read (a file of
them, made by that build); an older schema_version is upgraded; and every way an event can be wrong
is named with its path, never half-read.
"""

from __future__ import annotations

import json
import typing
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rentaldesk.sync import events as ev
from rentaldesk.sync.envelope import Envelope, InvalidEvent, decode

T = datetime(2030, 3, 4, 12, 0, tzinfo=timezone.utc)
BEFORE_TYPED = Path(__file__).parent / "data" / "events_before_typed.jsonl"
#: The types made after that build (none of them is in its file).
NEWER_THAN_TYPED = {"agreement.recorded", "reservation.no-show",  # issue 11: network, manifest
                    "audit.recorded",  # issue 13: audit trail
                    "fleet.staff",  # issue 13: staff
                    "fleet.car-record"}  # issue 11: the car's record at every branch


def _id(n: int) -> str:
    return str(uuid.UUID(int=n, version=4))


CUSTOMER = ev.Customer(email="ann@example.com", name="Ann Lee", phone="555-0100")
STATE = ev.ReservationState(
    id=_id(1), reference="BOS-7Q2", status="confirmed", customer=CUSTOMER, vehicle_class="SUV", zip_code="02108",
    pinned=False, start=T + timedelta(days=1), end=T + timedelta(days=3), price=Decimal("158.00"), version=2,
    source="BOS-DT", reason="", car_plate="6XCY25",
)
#: (issue 11, extras) a seat with the branch's stock, a GPS without (unlimited)
EXTRAS = (ev.ReservationExtra(code="child-seat", label="Child seat", per="rental", price=Decimal("12.00"), quantity=2,
                              stock=4),
          ev.ReservationExtra(code="gps", label="GPS navigation", per="day", price=Decimal("10.00"), quantity=1,
                              cap=Decimal("50.00"), taxable=False))
CAR = dict(plate_number="6XCY25", model="Toyota RAV4", year=2024, color="white", transmission="automatic",
           cost_per_day=Decimal("79.00"), status="available", vehicle_class="SUV", zip_code="02108", odometer=12000)

#: One event of every class: a class added without one fails test_every_type_has_a_sample.
SAMPLES: list[ev.Event] = [
    ev.ReservationRequested(reservation=ev.replace(STATE, status="pending", version=1, extras=EXTRAS),
                            requested_at=T),
    ev.ChangeRequested(reservation_id=_id(1), start=T, end=T + timedelta(days=2), name="Ann", phone="",
                       requested_at=T, price=Decimal("158.00"), extras=EXTRAS),
    ev.ChangeRequestedV2(reservation_id=_id(1), start=T, end=T + timedelta(days=2), name="Ann", phone="",
                         requested_at=T),
    ev.ChangeRequestedV1(reservation_id=_id(1), start=T, end=T + timedelta(days=2), customer=CUSTOMER,
                         requested_at=T),
    ev.CancelRequested(reservation_id=_id(1), requested_at=T),
    ev.CarAssignRequested(reservation_id=_id(1), car_plate="7ABC11", requested_at=T),
    ev.PickedUp(reservation_id=_id(1), at=T, odometer=12010, extras=EXTRAS[:1]),
    ev.Returned(reservation_id=_id(1), at=T),
    ev.NoShow(reservation_id=_id(1), at=T, fee=Decimal("50.00")),  # issue 11: manifest
    ev.CarChangeRequested(car=ev.CarState(**CAR, driver_licence="D1"), requested_at=T),
    ev.Confirmed(reservation=STATE, request_event_id=_id(2)),
    ev.Rejected(reservation=ev.replace(STATE, status="rejected", reason="no SUV is free"), request_event_id=_id(2)),
    ev.Changed(reservation=STATE, request_event_id=_id(2)),
    ev.Cancelled(reservation=ev.replace(STATE, status="cancelled"), request_event_id=_id(2)),
    ev.CarReassigned(reservation=ev.replace(STATE, car_plate="7ABC11", version=3), request_event_id=_id(2)),
    ev.Updated(reservation=ev.replace(STATE, status="active", car_plate=None)),
    ev.RequestRefused(reservation_id=_id(1), reason="head office holds no reservation", request_event_id=_id(2)),
    ev.CarChangeRejected(plate_number="6XCY25", reason="it holds 2 reservations"),
    ev.FleetBranch(code="BOS-DT", name="Boston Downtown", zip_code="02108", time_zone="America/New_York",
                   lead_time_minutes=60, min_rental_minutes=240, turnaround_minutes=60),
    ev.FleetClass(code="SUV", name="SUV", day_rate=Decimal("79.00")),
    ev.FleetDriver(name="Sam Ortiz", licence_number="D1234567", phone="", status="active",
                   day_rate=Decimal("120.00")),
    ev.FleetCar(**CAR),
    ev.FleetStaff(username="ann", name="Ann Lee", role="clerk", branches=("10001",),
                  password_hash="$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"),
    ev.NotificationSent(reservation_id=_id(1), booking_event_id=_id(3), kind="confirmed", to="ann@example.com",
                        subject="Reservation BOS-7Q2: confirmed", attempts=1),
    ev.NotificationFailed(reservation_id=_id(1), booking_event_id=_id(3), kind="confirmed", to="", subject="",
                          attempts=8, error="550 mailbox unavailable"),
    # issue 11: network
    ev.AgreementRecorded(stage="checked-out", version=1, agreement=ev.AgreementSnapshot(
        id=_id(4), number="BOS-000001", reservation_id=_id(1), reservation_reference="BOS-7Q2", customer_id=_id(5),
        customer_name="Ann Lee", customer_email="ann@example.com", licence_number="D1", car_id=1,
        plate_number="6XCY25", car_model="Toyota RAV4", vehicle_class="SUV", booked_class="SUV", upgrade_reason="",
        zip_code="02108", branch_name="Boston Downtown", time_zone="America/New_York", distance_unit="mi",
        currency="USD", status="on rent", booked_start=T, booked_end=T + timedelta(days=2),
        out=ev.AgreementReadings(at=T, zip_code="02108", odometer=12000, fuel_eighths=8), damage=(),
        existing_damage=(), extras=(), deposit_amount=Decimal("200.00"), deposit_method="card",
        deposit_reference="PRE-1", deposit_state="held", deposit_held=Decimal("200.00"), quoted=Decimal("158.00"),
        ledger=(), paid="0.00", balance="0.00", signature_png=b"png", write_off_reason="", created_at=T)),
    # issue 13: audit trail
    ev.AuditRecorded(entries=(
        ev.AuditChange(event_id=_id(6), at=T, username="ann", role="clerk", record_kind="reservation",
                       record_id=_id(1), action="changed", changes='{"status":["confirmed","cancelled"]}',
                       branch="02108", workstation="bos-desk-1", label="BOS-7Q2"),
        ev.AuditChange(event_id=_id(7), at=T, username="system", role="service", record_kind="car", record_id="3",
                       action="created"),
    )),
    # issue 11: the car's record at every branch
    ev.FleetCarRecord(plate_number="6XCY25", version=3, odometer=12400, fuel_eighths=6, zip_code="60666",
                      on_rent=False, read_at=T, stage="in", agreement_number="BOS-000001", damage=(
                          ev.CarRecordDamage(agreement_id=_id(4), agreement_number="BOS-000001", zip_code="60666",
                                             stage="in", zone="rear", x=0.5, y=0.97, note="dent in the bumper",
                                             recorded_at=T),)),
]


def test_every_type_has_a_sample():
    assert {type(e) for e in SAMPLES} == set(ev.EVENT_TYPES.values())


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: f"{e.TYPE}@{e.VERSION}")
def test_each_type_round_trips(event):
    envelope = Envelope(payload=event, source="BOS-DT", occurred_at=T)
    raw = envelope.encode()
    wire = json.loads(raw)
    assert (wire["type"], wire["schema_version"]) == (event.TYPE, event.VERSION)
    back = decode(raw)
    assert back.payload == event.upgrade()
    assert type(back.payload) is ev.EVENT_TYPES[(event.TYPE, ev.CURRENT[event.TYPE])]
    assert (back.event_id, back.source, back.occurred_at) == (envelope.event_id, "BOS-DT", T)


def test_every_event_the_build_before_typed_events_wrote_is_still_read():
    """The file holds one event of each type and version as 36566ba encoded it (sorted keys, times
    with +00:00, every field as that build's schema had it): each is read, whole."""
    lines = BEFORE_TYPED.read_text().splitlines()
    types = set()
    for line in lines:
        old = json.loads(line)
        event = decode(line.encode())
        types.add(event.type)
        assert (event.event_id, event.source) == (old["event_id"], old["source"])
        assert event.occurred_at == datetime.fromisoformat(old["occurred_at"])
        if old["schema_version"] == ev.CURRENT[old["type"]]:
            # nothing lost: the event written again by this build says what the old one said
            again = json.loads(event.encode())["payload"]
            assert _same(again, old["payload"]), (old["type"], again, old["payload"])
    assert types == set(ev.CURRENT) - NEWER_THAN_TYPED


def _same(new: object, old: object) -> bool:
    """Equal as JSON, times compared as times ('Z' and '+00:00' are the same instant); an optional
    field added since (null when the old event did not have it) loses nothing, and an optional field
    left out (omit_defaults) is the old event's null."""
    if isinstance(new, dict) and isinstance(old, dict):
        added = {k for k in new.keys() - old.keys() if new[k] is None}
        left_out = {k for k in old.keys() - new.keys() if old[k] is None}
        return (new.keys() - added == old.keys() - left_out
                and all(_same(new[k], old[k]) for k in old.keys() - left_out))
    if isinstance(new, str) and isinstance(old, str) and new != old:
        try:
            return datetime.fromisoformat(new) == datetime.fromisoformat(old)
        except ValueError:
            return False
    return new == old


def test_a_version_1_change_request_is_read_as_the_current_one():
    line = next(x for x in BEFORE_TYPED.read_text().splitlines() if '"reservation.change-requested"' in x)
    event = decode(line.encode())
    assert event.schema_version == 3
    assert event.payload == ev.ChangeRequested(
        reservation_id=_id(1), start=datetime(2030, 3, 5, 10, tzinfo=timezone.utc),
        end=datetime(2030, 3, 8, 9, tzinfo=timezone.utc), name="Ann Lee", phone="555-0100",
        requested_at=T)


def test_this_build_writes_the_newest_version():
    envelope = Envelope(payload=SAMPLES[1], source="B")
    assert json.loads(envelope.encode())["schema_version"] == 3
    with pytest.raises(InvalidEvent, match="unsupported schema_version 4 of reservation.change-requested "
                                           r"\(this build reads 3, 2, 1\)"):
        decode(_raw(json.loads(envelope.encode())["payload"], type="reservation.change-requested", schema_version=4))


# -- faults ----------------------------------------------------------------------------------------

def _requested(**changes) -> dict:
    state = json.loads(msgspec.json.encode(ev.replace(STATE, status="pending", version=1)))
    state.update(changes)
    return {"reservation": state, "requested_at": "2029-12-31T10:00:00+00:00"}


def _raw(body: object, **envelope) -> bytes:
    data = {"event_id": str(uuid.uuid4()), "type": "reservation.requested", "schema_version": 1,
            "occurred_at": "2029-12-31T10:00:00+00:00", "source": "B", "payload": body}
    data.update(envelope)
    return json.dumps(data).encode()


@pytest.mark.parametrize(("raw", "reason"), [
    (_raw(_requested(id="not-a-uuid")), "payload.reservation.id: expected a uuid"),
    (_raw(_requested(id=str(uuid.uuid4()).upper())), "payload.reservation.id: expected a uuid"),
    (_raw(_requested(reference=" ")), "payload.reservation.reference: expected a non-empty string"),
    (_raw(_requested(pinned=1)), "payload.reservation.pinned: expected `bool`, got `int`"),
    (_raw(_requested(version=True)), "payload.reservation.version: expected `int`, got `bool`"),
    (_raw(_requested(start="2030-01-01T10:00:00")),
     "payload.reservation.start: expected `datetime` with a timezone component"),
    (_raw(_requested(start="2030-02-30T10:00:00+00:00")), "payload.reservation.start: invalid RFC3339"),
    (_raw(_requested(price="-1")), "payload.reservation.price: expected an amount from 0 to 99,999,999.99, not -1"),
    (_raw(_requested(price="NaN")), "payload.reservation.price: expected an amount from 0 to 99,999,999.99, not NaN"),
    (_raw(_requested(price="ten")), "payload.reservation.price: invalid decimal string"),
    (_raw(_requested(price="1e400")), "payload.reservation.price: expected an amount from 0 to 99,999,999.99"),
    (_raw(_requested(car_plate=7)), "payload.reservation.car_plate: expected `str | null`, got `int`"),
    (_raw(_requested(car_plate="")), "payload.reservation.car_plate: expected a non-empty string"),
    (_raw(_requested(customer={"email": "a@example.com", "name": "A"})),
     "payload.reservation.customer: object missing required field `phone`"),
    (_raw(_requested(customer={"email": "a@example.com", "name": 3, "phone": ""})),
     "payload.reservation.customer.name: expected `str`, got `int`"),
    (_raw(_requested(customer="a@example.com")), "payload.reservation.customer: expected `object`, got `str`"),
    # (an unknown payload field is a newer build's, read without it: tests/unit/sync/test_mixed_fleet.py)
    (_raw(_requested(extra=1), event_id=1), "envelope.event_id: expected `str`, got `int`"),
    (_raw({"reservation": _requested()["reservation"]}), "payload: object missing required field `requested_at`"),
    (_raw(_requested(), event_id="x"), "envelope.event_id: expected a uuid"),
    (_raw(_requested(), occurred_at="yesterday"), "envelope.occurred_at: invalid RFC3339"),
    (_raw(_requested(), payload=[1]), "payload: expected `object`, got `array`"),
    (_raw(_requested(), type="reservation.exploded"), "unknown event type 'reservation.exploded'"),
    (_raw(_requested(), schema_version=9), "unsupported schema_version 9 of reservation.requested"),
    (b"[1]", "envelope: expected `object`, got `array`"),
    (b"\xff\xfe", "not UTF-8"),
    (b"{", "not JSON"),
    (None, "empty message (no value)"),
])
def test_every_fault_is_named_with_its_path(raw, reason):
    with pytest.raises(InvalidEvent) as caught:
        decode(raw)
    assert caught.value.reason.startswith(reason), caught.value.reason


def test_an_optional_field_may_be_missing_or_null_but_not_wrong():
    body = _requested()
    del body["reservation"]["car_plate"]
    assert decode(_raw(body)).payload.reservation.car_plate is None  # missing: fine
    decode(_raw(_requested(driver_licence=None)))  # null: fine
    with pytest.raises(InvalidEvent, match="driver_licence: expected a non-empty string"):
        decode(_raw(_requested(driver_licence="")))


def test_an_invalid_event_is_not_encoded():
    """What this build would write and no consumer would read raises before it reaches the outbox."""
    with pytest.raises(ValueError, match="reference: expected a non-empty string"):
        ev.replace(STATE, reference=" ")  # a record checks its fields when it is made
    bad = ev.ReservationRequested(reservation=ev.replace(STATE, version="2"), requested_at=T)  # type: ignore[arg-type]
    with pytest.raises(InvalidEvent, match="payload.reservation.version: expected `int`, got `str`"):
        Envelope(payload=bad, source="B").encode()  # and what is not checked when made, before it is written
    with pytest.raises(ValueError, match="price: expected an amount from 0"):
        ev.replace(STATE, price=Decimal("-5"))


def test_a_payload_is_read_by_attribute_with_its_types():
    event = decode(_raw(_requested())).payload
    assert isinstance(event, ev.ReservationRequested)
    assert event.reservation.customer.email == "ann@example.com"
    assert event.reservation.price == Decimal("158.00")
    assert event.reservation.start == T + timedelta(days=1)


def test_an_amount_may_be_a_json_number_and_is_read_exactly():
    """36566ba wanted a string; a number is read digit for digit (never through a float)."""
    event = decode(_raw(_requested(price=0.30000000000000004))).payload
    assert event.reservation.price == Decimal("0.30000000000000004")


def test_every_time_is_in_utc_whatever_the_offset_on_the_wire():
    event = decode(_raw(_requested(start="2030-01-01T09:00:00-05:00"))).payload
    assert event.reservation.start == datetime(2030, 1, 1, 14, tzinfo=timezone.utc)
    assert event.reservation.start.utcoffset() == timedelta(0)
    local = ev.replace(STATE, start=datetime(2030, 1, 1, 9, tzinfo=timezone(timedelta(hours=-5))))
    assert local.start.tzinfo is timezone.utc  # and a record made in Python the same
    assert json.loads(Envelope(payload=ev.Confirmed(reservation=local), source="hq").encode())[
        "payload"]["reservation"]["start"] == "2030-01-01T14:00:00Z"


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("reference", None, "reference: expected a non-empty string"),
    ("id", 7, "id: expected a uuid"),
    ("price", "10.00", "price: expected an amount from 0"),
])
def test_a_record_made_in_python_with_a_wrong_type_is_refused_by_name(field, value, reason):
    with pytest.raises(ValueError, match=reason):
        ev.replace(STATE, **{field: value})


# -- free text: the one rule of rentaldesk.text, read from the network as typed at the counter ------

_ANN = {"email": "ann@example.com", "name": "Ann Lee", "phone": "555-0100"}


@pytest.mark.parametrize(("raw", "reason"), [
    (_raw(_requested(customer={**_ANN, "name": "Ann\nrentaldesk: forged"})),
     "payload.reservation.customer.name: holds a line break at character 4"),
    (_raw(_requested(customer={**_ANN, "name": "Ann\x1b[2J"})),
     "payload.reservation.customer.name: holds an escape character (ESC) at character 4"),
    (_raw(_requested(customer={**_ANN, "name": "\u202eeeL nnA"})),
     "payload.reservation.customer.name: holds a right-to-left override at character 1"),
    (_raw(_requested(customer={**_ANN, "name": "A" * 100_000})),
     "payload.reservation.customer.name: is 100,000 characters long; at most 120"),
    (_raw(_requested(customer={**_ANN, "phone": "555\x000100"})),
     "payload.reservation.customer.phone: holds a NUL character at character 4"),
    (_raw(_requested(customer={**_ANN, "email": "ann\x1b]0;x\x07@example.com"})),
     "payload.reservation.customer.email: holds an escape character (ESC)"),
    (_raw({"reservation_id": _id(1), "start": "2030-03-05T10:00:00+00:00", "end": "2030-03-08T09:00:00+00:00",
           "name": "Ann\u2028Lee", "phone": "", "requested_at": "2030-03-04T12:00:00+00:00"},
          type="reservation.change-requested", schema_version=2),
     "payload.name: holds a line break at character 4"),
    (_raw({"reservation_id": _id(1), "start": "2030-03-05T10:00:00+00:00", "end": "2030-03-08T09:00:00+00:00",
           "name": "Ann\x1b[31m\nLee", "phone": "", "requested_at": "2030-03-04T12:00:00+00:00"},
          type="reservation.change-requested", schema_version=3),
     "payload.name: holds an escape character (ESC) at character 4"),
    (_raw({"reservation_id": _id(1), "reason": "sold out\nrentaldesk: forged", "request_event_id": _id(2)},
          type="reservation.request-refused"),
     "payload.reason: holds a line break at character 9"),
    (_raw({"car": {**json.loads(msgspec.json.encode(ev.CarState(**CAR))), "model": "RAV4\r\nprice 0"},
           "requested_at": "2030-03-04T12:00:00+00:00"}, type="fleet.car-change-requested"),
     "payload.car.model: holds a line break at character 5"),
    (_raw({"name": "Dee\x9bDriver", "licence_number": "D1", "phone": "", "status": "active", "day_rate": "10.00"},
          type="fleet.driver"),
     "payload.name: holds a control character (U+009B) at character 4"),
])
def test_a_hostile_name_from_the_network_is_refused_by_the_text_rule(raw, reason):
    with pytest.raises(InvalidEvent) as caught:
        decode(raw)
    assert caught.value.reason.startswith(reason), caught.value.reason


def test_every_text_field_of_every_event_has_a_kind():
    """A bare ``str`` field would take a line break or an escape from the network: each text field
    is a uuid, a code-like ``Text``, or free text held to the rule of rentaldesk.text."""
    bare = []
    for name, cls in vars(ev).items():
        if isinstance(cls, type) and issubclass(cls, msgspec.Struct) and cls.__module__ == ev.__name__:
            hints = typing.get_type_hints(cls, include_extras=True)
            for field in cls.__struct_fields__:
                if str in (hints[field], *typing.get_args(hints[field])) and ev._kind(hints[field]) is None:
                    bare.append(f"{name}.{field}")
    assert bare == []


def test_a_record_made_in_python_holds_to_the_text_rule_too():
    with pytest.raises(ValueError, match="name: holds a line break"):
        ev.Customer(email="ann@example.com", name="Ann\nLee", phone="")
    with pytest.raises(ValueError, match="phone: holds a tab at character 4"):
        ev.Customer(email="ann@example.com", name="Ann", phone="555\t1")
    # a phone an older build stored with letters is still read: only what forges output is refused
    assert ev.Customer(email="ann@example.com", name="Ann", phone="555-0100 ext. 2").phone == "555-0100 ext. 2"
    with pytest.raises(ValueError, match="color: expected a non-empty string"):
        ev.CarState(**{**CAR, "color": " "})
    assert ev.Customer(email="ann@example.com", name="", phone="").name == ""  # a customer's name may be blank
    assert ev.Customer(email="ann@example.com", name="山田\u3000太郎", phone="+1 (617) 555-0142").name == "山田\u3000太郎"


def test_extras_travel_exactly_and_an_older_builds_state_has_none_said() -> None:
    """(issue 11, extras) ``extras`` is the last field with a default: a state or a pick-up of an
    earlier build (no such key) is read as extras not said (None, which a branch reads as 'keep
    yours'), an empty list as none; each extra's amounts and text are held to the record's checks."""
    back = decode(_raw(_requested(extras=[msgspec.to_builtins(e) for e in EXTRAS]))).payload.reservation
    assert back.extras == EXTRAS and back.extras[1].stock is None and back.extras[1].taxable is False
    older = _requested()
    assert "extras" not in older["reservation"]  # left out when None: the bytes of an earlier build
    assert decode(_raw(older)).payload.reservation.extras is None
    assert decode(_raw(_requested(extras=[]))).payload.reservation.extras == ()
    picked = {"reservation_id": _id(1), "at": "2029-12-31T10:00:00+00:00", "odometer": None}
    assert decode(_raw(picked, type="reservation.picked-up")).payload.extras is None
    for bad, reason in [({"price": "-1.00"}, "payload.reservation.extras[0].price: expected an amount from 0"),
                        ({"code": " "}, "payload.reservation.extras[0].code: expected a non-empty string"),
                        ({"stock": "four"}, "payload.reservation.extras[0].stock: expected `int | null`")]:
        wire = {**msgspec.to_builtins(EXTRAS[0]), **bad}
        with pytest.raises(InvalidEvent) as caught:
            decode(_raw(_requested(extras=[wire])))
        assert caught.value.reason.startswith(reason), caught.value.reason


def test_a_rate_plan_from_the_network_is_held_to_the_plan_rule() -> None:
    """The plan a request carries prices the booking at head office: a bad one is refused when the
    event is read (so it goes to the dead letters, naming the field), not when it is priced."""
    from rentaldesk.rates import class_day_rate_plan

    good = class_day_rate_plan("SUV", "02108", Decimal("79.00")).to_json()
    assert decode(_raw(_requested(rate_plan=good))).payload.reservation.rate_plan == good
    negative = json.dumps({**json.loads(good), "day_rate": "-5.00"})
    for bad, reason in [("{not json", "payload.reservation.rate_plan: the rate plan is not readable JSON"),
                        ("[1, 2]", "payload.reservation.rate_plan: the rate plan must be a JSON object"),
                        (negative, "payload.reservation.rate_plan: ")]:
        with pytest.raises(InvalidEvent) as caught:
            decode(_raw(_requested(rate_plan=bad)))
        assert caught.value.reason.startswith(reason), caught.value.reason


# -- issue 11, extras: generated extras round-trip exactly, on the wire and into the engine's form --

_amounts = st.decimals(min_value=0, max_value=9999, places=2, allow_nan=False, allow_infinity=False)
_extras = st.lists(st.builds(
    ev.ReservationExtra,
    code=st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True), label=st.sampled_from(["Child seat", "GPS", "CDW"]),
    per=st.sampled_from(["day", "rental"]), price=_amounts, quantity=st.integers(1, 99),
    cap=st.none() | _amounts, taxable=st.booleans(), stock=st.none() | st.integers(0, 10_000),
), max_size=4, unique_by=lambda e: e.code)


@settings(max_examples=60, deadline=None)
@given(_extras)
def test_generated_extras_round_trip_exactly(extras):
    from rentaldesk.extras import extras_from_json, extras_to_json
    from rentaldesk.sync.state import extra_choices, extras_stock

    event = ev.ReservationRequested(reservation=ev.replace(STATE, status="pending", extras=tuple(extras)),
                                    requested_at=T)
    back = decode(Envelope(payload=event, source="BOS-DT", occurred_at=T).encode()).payload
    assert back == event
    kept = extras_from_json(extras_to_json(extra_choices(back.reservation.extras)))
    assert [(e.code, e.label, e.per, e.price, e.cap, e.quantity, e.taxable) for e in kept] == [
        (e.code, e.label, e.per, e.price, e.cap, e.quantity, e.taxable) for e in extras]
    assert extras_stock(back.reservation.extras) == {e.code: e.stock for e in extras}
