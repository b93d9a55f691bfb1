"""The envelope's validation: every way an event can be wrong is named, with its path."""

from __future__ import annotations

import json
import uuid

import pytest

from rentaldesk.sync.envelope import Envelope, InvalidEvent, decode


def _requested(**changes) -> dict:
    state = {
        "id": str(uuid.uuid4()), "reference": "R1", "status": "pending",
        "customer": {"email": "a@example.com", "name": "A", "phone": ""},
        "vehicle_class": "SUV", "zip_code": "10001", "car_plate": None, "pinned": False, "driver_licence": None,
        "start": "2030-01-01T10:00:00+00:00", "end": "2030-01-02T10:00:00+00:00", "price": "10.00",
        "version": 1, "source": "B", "reason": "",
    }
    state.update(changes)
    return {"reservation": state, "requested_at": "2029-12-31T10:00:00+00:00"}


def _raw(body: dict, **envelope) -> bytes:
    data = {"event_id": str(uuid.uuid4()), "type": "reservation.requested", "schema_version": 1,
            "occurred_at": "2029-12-31T10:00:00+00:00", "source": "B", "payload": body}
    data.update(envelope)
    return json.dumps(data).encode()


def test_a_valid_event_round_trips():
    env = Envelope(type="reservation.requested", payload=_requested(car_plate="P1", pinned=True), source="B")
    back = decode(env.encode())
    assert (back.event_id, back.type, back.payload, back.occurred_at) == (
        env.event_id, env.type, env.payload, env.occurred_at)


@pytest.mark.parametrize(("raw", "reason"), [
    (_raw(_requested(id="not-a-uuid")), 'payload.reservation.id must be a uuid, not "not-a-uuid"'),
    (_raw(_requested(id=str(uuid.uuid4()).upper())), "payload.reservation.id must be a uuid"),
    (_raw(_requested(reference=" ")), 'payload.reservation.reference must be a non-empty string, not " "'),
    (_raw(_requested(pinned=1)), "payload.reservation.pinned must be true or false, not 1"),
    (_raw(_requested(version=True)), "payload.reservation.version must be a whole number, not true"),
    (_raw(_requested(start="2030-01-01T10:00:00")),
     'payload.reservation.start must be an ISO 8601 time with an offset, not "2030-01-01T10:00:00"'),
    (_raw(_requested(price="-1")), 'payload.reservation.price must be an amount as a string, not "-1"'),
    (_raw(_requested(price="NaN")), "payload.reservation.price must be an amount as a string"),
    (_raw(_requested(car_plate=7)), "payload.reservation.car_plate must be a non-empty string, not 7"),
    (_raw(_requested(customer={"email": "a@example.com", "name": "A"})), "payload.reservation.customer.phone is missing"),
    (_raw(_requested(customer={"email": "a@example.com", "name": 3, "phone": ""})),
     "payload.reservation.customer.name must be a string, not 3"),
    (_raw(_requested(customer="a@example.com")), "payload.reservation.customer must be an object"),
    (_raw(_requested(extra=1, more=2)), "payload.reservation has unknown field(s) extra, more"),
    (_raw({"reservation": _requested()["reservation"]}), "payload.requested_at is missing"),
    (_raw(_requested(), event_id="x"), 'envelope.event_id must be a uuid, not "x"'),
    (_raw(_requested(), payload=[1]), "envelope.payload must be an object, not [1]"),
    (_raw(_requested(), type="reservation.exploded"), "unknown event type 'reservation.exploded'"),
    (_raw(_requested(), schema_version=9), "unsupported schema_version 9 of reservation.requested"),
    (b"\xff\xfe", "not UTF-8"),
    (b"{", "not JSON"),
    (None, "empty message (no value)"),
])
def test_every_fault_is_named_with_its_path(raw, reason):
    with pytest.raises(InvalidEvent) as caught:
        decode(raw)
    assert caught.value.reason.startswith(reason)


def test_an_optional_field_may_be_missing_or_null_but_not_wrong():
    state = _requested()
    del state["reservation"]["car_plate"]
    decode(_raw(state))  # missing: fine
    decode(_raw(_requested(driver_licence=None)))  # null: fine
    with pytest.raises(InvalidEvent, match="driver_licence must be a non-empty string"):
        decode(_raw(_requested(driver_licence="")))


def test_an_invalid_event_is_not_encoded():
    with pytest.raises(InvalidEvent, match="payload.reservation.version must be a whole number"):
        Envelope(type="reservation.requested", payload=_requested(version="1"), source="B").encode()
