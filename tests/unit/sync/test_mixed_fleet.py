"""A mixed fleet: today's messages read by the previous release's decoder, and a newer build's by today's.

The previous release's decoder is its own code (tests/unit/sync/data/previous_release, from
``git show c1397de~40:rentaldesk/sync/{events,envelope}.py``: before the extras fields and the
no-show event), loaded as a module, strict as it was (an unknown field is a dead letter there).
docs/upgrading.md gives the deploy order these tests hold up: head office first.
"""

from __future__ import annotations

import json
import logging
import sys
import types
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from rentaldesk.sync import events as ev
from rentaldesk.sync.envelope import Envelope, InvalidEvent, decode

PREVIOUS = Path(__file__).parent / "data" / "previous_release"
T = datetime(2030, 3, 4, 12, 0, tzinfo=timezone.utc)


def _load_previous() -> types.ModuleType:
    """The previous release's envelope module (with its events module), under names of their own."""
    package = types.ModuleType("previous_release")
    package.__path__ = []  # a package, so its modules' relative imports resolve
    sys.modules["previous_release"] = package
    modules = {}
    for name in ("events", "envelope"):
        source = (PREVIOUS / f"{name}.py.txt").read_text()
        # its imports of the rest of rentaldesk (rates, text, errors: unchanged rules) are today's
        source = source.replace("from .. import", "from rentaldesk import").replace("from ..", "from rentaldesk.")
        module = types.ModuleType(f"previous_release.{name}")
        module.__package__ = "previous_release"
        sys.modules[module.__name__] = module
        exec(compile(source, str(PREVIOUS / f"{name}.py.txt"), "exec"), module.__dict__)  # noqa: S102
        modules[name] = module
    return modules["envelope"]


OLD = _load_previous()


def _id(n: int) -> str:
    return str(uuid.UUID(int=n, version=4))


STATE = ev.ReservationState(
    id=_id(1), reference="BOS-7Q2", status="confirmed",
    customer=ev.Customer(email="ann@example.com", name="Ann Lee", phone="555-0100"), vehicle_class="SUV",
    zip_code="02108", pinned=False, start=T + timedelta(days=1), end=T + timedelta(days=3), price=Decimal("158.00"),
    version=2, source="BOS-DT", reason="", car_plate="6XCY25",
)
SEAT = ev.ReservationExtra(code="child-seat", label="Child seat", per="rental", price=Decimal("12.00"), quantity=1,
                           stock=4)

#: What today's build writes that the previous one must read: everything without extras.
WITHOUT_EXTRAS: list[ev.Event] = [
    ev.Confirmed(reservation=STATE, request_event_id=_id(9)),
    ev.Changed(reservation=ev.replace(STATE, rate_plan=None, driver_licence=None)),
    ev.CarReassigned(reservation=ev.replace(STATE, car_plate=None)),
    ev.ReservationRequested(reservation=ev.replace(STATE, status="pending", version=1), requested_at=T),
    ev.ChangeRequested(reservation_id=_id(1), start=T, end=T + timedelta(days=2), name="Ann", phone="",
                       requested_at=T, price=Decimal("158.00")),
    ev.ChangeRequested(reservation_id=_id(1), start=T, end=T + timedelta(days=2), name="Ann", phone="",
                       requested_at=T),
    ev.PickedUp(reservation_id=_id(1), at=T, odometer=120),
    ev.PickedUp(reservation_id=_id(1), at=T),
]


@pytest.mark.parametrize("payload", WITHOUT_EXTRAS, ids=lambda p: p.TYPE)
def test_the_previous_release_reads_today_s_messages_without_extras(payload):
    raw = Envelope(payload=payload, source="hq").encode()
    old = OLD.decode(raw)  # raised InvalidEvent ("unknown field `extras`") before omit_defaults
    assert old.type == payload.TYPE
    # field for field what today's build meant (an optional field left out is the old build's None)
    assert _set(json.loads(OLD._ENCODER.encode(old.payload))) == _set(json.loads(raw)["payload"])


def _set(value: object) -> object:
    """Decoded JSON without its null fields (left out or null: the same to both builds)."""
    if isinstance(value, dict):
        return {k: _set(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_set(v) for v in value]
    return value


@pytest.mark.parametrize("payload", [
    ev.Confirmed(reservation=ev.replace(STATE, extras=(SEAT,))),
    ev.Changed(reservation=ev.replace(STATE, extras=())),  # empty: "none", which the previous release cannot hear
    ev.PickedUp(reservation_id=_id(1), at=T, extras=(SEAT,)),
], ids=lambda p: p.TYPE)
def test_a_message_carrying_extras_is_a_dead_letter_at_the_previous_release(payload):
    # Why the deploy order matters (docs/upgrading.md): such a message exists only once both ends
    # of it are upgraded (head office sends none for a reservation whose extras it does not know).
    with pytest.raises(OLD.InvalidEvent, match="unknown field `extras`"):
        OLD.decode(Envelope(payload=payload, source="hq").encode())


def test_a_no_show_is_unknown_to_the_previous_release_so_head_office_upgrades_first():
    raw = Envelope(payload=ev.NoShow(reservation_id=_id(1), at=T, fee=Decimal("25.00")), source="BOS-DT").encode()
    with pytest.raises(OLD.InvalidEvent, match="unknown event type 'reservation.no-show'"):
        OLD.decode(raw)
    assert decode(raw).payload == ev.NoShow(reservation_id=_id(1), at=T, fee=Decimal("25.00"))


def test_a_car_record_is_unknown_to_the_previous_release_and_its_car_s_fleet_state_unchanged():
    # issue 11: the car record travels under a type and a key of its own, so a branch not yet
    # upgraded parks it (with the reason) and still reads the car's fleet state, byte for byte
    record = ev.FleetCarRecord(plate_number="6XCY25", version=2, odometer=12400, fuel_eighths=6, zip_code="60666",
                               on_rent=False, read_at=T, stage="in", agreement_number="BOS-000001")
    raw = Envelope(payload=record, source="hq").encode()
    with pytest.raises(OLD.InvalidEvent, match="unknown event type 'fleet.car-record'"):
        OLD.decode(raw)
    assert decode(raw).payload == record
    car = ev.FleetCar(plate_number="6XCY25", model="Toyota RAV4", year=2024, color="white", transmission="automatic",
                      cost_per_day=Decimal("79.00"), status="available", vehicle_class="SUV", zip_code="60666",
                      odometer=12400)
    assert OLD.decode(Envelope(payload=car, source="hq").encode()).type == "fleet.car"


def _newer(payload: ev.Event, path: tuple[str, ...], value: object) -> bytes:
    """Today's message as a newer build would write it: one field more at ``path``."""
    data = json.loads(Envelope(payload=payload, source="hq").encode())
    where = data["payload"]
    for key in path[:-1]:
        where = where[key] if not isinstance(where, list) else where[int(key)]
    where[path[-1]] = value
    return json.dumps(data).encode()


@pytest.mark.parametrize(("payload", "path"), [
    (ev.Confirmed(reservation=STATE), ("reservation", "loyalty_tier")),
    (ev.Confirmed(reservation=ev.replace(STATE, extras=(SEAT,))), ("reservation", "extras", "0", "colour")),
    (ev.Confirmed(reservation=STATE), ("reservation", "customer", "nickname")),
    (ev.PickedUp(reservation_id=_id(1), at=T), ("fuel_eighths",)),
], ids=lambda v: ".".join(v) if isinstance(v, tuple) else v.TYPE)
def test_a_newer_build_s_field_is_read_without_it_and_recorded(payload, path, caplog):
    raw = _newer(payload, path, "gold")
    with caplog.at_level(logging.WARNING, logger="rentaldesk.sync.envelope"):
        got = decode(raw)
    where = "payload." + ".".join(path).replace(".0.", "[0].")
    assert got.payload == payload
    assert got.ignored == (where,)
    assert where in caplog.text and "newer build" in caplog.text
    # the previous release could not: this build is the first that tolerates what comes after it
    with pytest.raises(OLD.InvalidEvent, match="unknown field"):
        OLD.decode(raw)


@pytest.mark.parametrize(("path", "value", "reason"), [
    (("reservation", "price"), "-1", "payload.reservation.price: expected an amount"),
    (("reservation", "extras"), [{"code": "x"}], "payload.reservation.extras[0]: object missing required field"),
])
def test_a_newer_build_s_message_is_still_checked_for_everything_else(path, value, reason):
    data = json.loads(_newer(ev.Confirmed(reservation=STATE), ("reservation", "loyalty_tier"), 1))
    data["payload"][path[0]][path[1]] = value
    with pytest.raises(InvalidEvent) as caught:
        decode(json.dumps(data).encode())
    assert caught.value.reason.startswith(reason), caught.value.reason


def test_an_unknown_field_of_the_envelope_or_an_unknown_type_is_still_a_dead_letter():
    data = json.loads(Envelope(payload=ev.Confirmed(reservation=STATE), source="hq").encode())
    with pytest.raises(InvalidEvent, match="envelope: object contains unknown field `trace`"):
        decode(json.dumps({**data, "trace": 1}).encode())
    with pytest.raises(InvalidEvent, match=r"unknown event type 'reservation.teleported' \(a newer build's"):
        decode(json.dumps({**data, "type": "reservation.teleported"}).encode())
