"""The event envelope and the schema of every event type.

On the wire an event is UTF-8 JSON::

    {"event_id": "<uuid>", "type": "reservation.requested", "schema_version": 1,
     "occurred_at": "2030-03-04T12:00:00+00:00", "source": "BOS-DT", "payload": {...}}

:func:`decode` validates the envelope and the payload against the schema of its type and version;
anything else raises :class:`InvalidEvent` with a reason, and the consumer sends the original bytes
to the dead-letter topic. Identifiers that cross databases are global: reservation uuids and
references, customer emails, car plates, driver licence numbers, zip codes, class codes.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any


class InvalidEvent(ValueError):
    """Bytes that are not a valid event; ``reason`` says what is wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Envelope:
    type: str
    payload: Mapping[str, Any]
    source: str
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    schema_version: int = 1

    def encode(self) -> bytes:
        check_payload(self.type, self.schema_version, self.payload)
        return json.dumps(
            {
                "event_id": self.event_id,
                "type": self.type,
                "schema_version": self.schema_version,
                "occurred_at": self.occurred_at.isoformat(),
                "source": self.source,
                "payload": self.payload,
            },
            separators=(",", ":"),
            sort_keys=True,
        ).encode("utf-8")


# -- field kinds -----------------------------------------------------------------------------------

Check = Callable[[Any, str], None]


def _kind(name: str, test: Callable[[Any], bool]) -> Check:
    def check(value: Any, where: str) -> None:
        if not test(value):
            raise InvalidEvent(f"{where} must be {name}, not {json.dumps(value)[:60]}")

    check.test = test  # type: ignore[attr-defined]  # obj() calls the test, and builds no path unless it fails
    return check


def _is_time(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return False
    return parsed.tzinfo is not None


def _is_money(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return Decimal(value).is_finite() and Decimal(value) >= 0
    except InvalidOperation:
        return False


#: A uuid in its canonical text form (what ``str(uuid.UUID(...))`` gives): one regex match instead
#: of a parse and a format, on every id of every event read and written.
_UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _is_uuid(value: Any) -> bool:
    return isinstance(value, str) and _UUID_TEXT.fullmatch(value) is not None


TEXT = _kind("a non-empty string", lambda v: isinstance(v, str) and v.strip() != "")
ANY_TEXT = _kind("a string", lambda v: isinstance(v, str))
INT = _kind("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool))
BOOL = _kind("true or false", lambda v: isinstance(v, bool))
TIME = _kind("an ISO 8601 time with an offset", _is_time)
MONEY = _kind("an amount as a string", _is_money)
UUID = _kind("a uuid", _is_uuid)


def optional(check: Check) -> Check:
    def maybe(value: Any, where: str) -> None:
        if value is not None:
            check(value, where)

    maybe.optional = True  # type: ignore[attr-defined]
    test = getattr(check, "test", None)
    if test is not None:
        maybe.test = lambda v: v is None or test(v)  # type: ignore[attr-defined]
    return maybe


def obj(**fields: Check) -> Check:
    """An object with exactly these fields (optional ones may be missing or null)."""
    spec = [(name, getattr(sub, "test", None), sub, getattr(sub, "optional", False)) for name, sub in fields.items()]
    names = frozenset(fields)

    def check(value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise InvalidEvent(f"{where} must be an object")
        for name, test, sub, is_optional in spec:
            if name not in value:
                if is_optional:
                    continue
                raise InvalidEvent(f"{where}.{name} is missing")
            v = value[name]
            if test is None or not test(v):  # an object (checked with its path), or a failed test
                sub(v, f"{where}.{name}")
        if not value.keys() <= names:
            extra = sorted(set(value) - names)
            raise InvalidEvent(f"{where} has unknown field(s) {', '.join(extra)}")

    return check


# -- schemas ---------------------------------------------------------------------------------------

CUSTOMER = obj(email=TEXT, name=ANY_TEXT, phone=ANY_TEXT)

#: A reservation's whole state as head office decided it (or as a branch requests it).
RESERVATION = obj(
    id=UUID,
    reference=TEXT,
    status=TEXT,
    customer=CUSTOMER,
    vehicle_class=TEXT,
    zip_code=TEXT,
    car_plate=optional(TEXT),
    pinned=BOOL,
    driver_licence=optional(TEXT),
    start=TIME,
    end=TIME,
    price=MONEY,
    version=INT,
    source=ANY_TEXT,
    reason=ANY_TEXT,
)

#: A car's whole state, by plate (the fleet topic's record, and a branch's request to change it).
CAR = obj(
    plate_number=TEXT, model=TEXT, year=INT, color=TEXT, transmission=TEXT, cost_per_day=MONEY,
    status=TEXT, vehicle_class=TEXT, zip_code=TEXT, odometer=INT, driver_licence=optional(TEXT),
)

SCHEMAS: dict[tuple[str, int], Check] = {
    # branch -> head office (booking-requests)
    ("reservation.requested", 1): obj(reservation=RESERVATION, requested_at=TIME),
    ("reservation.change-requested", 1): obj(
        reservation_id=UUID, start=TIME, end=TIME, customer=CUSTOMER, requested_at=TIME
    ),
    ("reservation.cancel-requested", 1): obj(reservation_id=UUID, requested_at=TIME),
    ("reservation.car-assign-requested", 1): obj(reservation_id=UUID, car_plate=TEXT, requested_at=TIME),
    ("reservation.picked-up", 1): obj(reservation_id=UUID, at=TIME, odometer=optional(INT)),
    ("reservation.returned", 1): obj(reservation_id=UUID, at=TIME, odometer=optional(INT)),
    # head office -> everyone (booking-events): the reservation's state after the decision
    ("reservation.confirmed", 1): obj(reservation=RESERVATION, request_event_id=optional(UUID)),
    ("reservation.rejected", 1): obj(reservation=RESERVATION, request_event_id=optional(UUID)),
    ("reservation.changed", 1): obj(reservation=RESERVATION, request_event_id=optional(UUID)),
    ("reservation.cancelled", 1): obj(reservation=RESERVATION, request_event_id=optional(UUID)),
    ("reservation.car-reassigned", 1): obj(reservation=RESERVATION, request_event_id=optional(UUID)),
    ("reservation.updated", 1): obj(reservation=RESERVATION, request_event_id=optional(UUID)),
    # the answer to a request about a reservation head office does not hold (its create was rejected)
    ("reservation.request-refused", 1): obj(reservation_id=UUID, reason=TEXT, request_event_id=UUID),
    # branch -> head office (booking-requests): a car added or edited at a branch
    ("fleet.car-change-requested", 1): obj(car=CAR, requested_at=TIME),
    # head office -> everyone (booking-events): a branch's car change head office refused
    ("fleet.car-change-rejected", 1): obj(plate_number=TEXT, reason=TEXT, request_event_id=optional(UUID)),
    # head office -> everyone (fleet, compacted)
    ("fleet.branch", 1): obj(
        code=TEXT, name=TEXT, zip_code=TEXT, time_zone=TEXT,
        lead_time_minutes=INT, min_rental_minutes=INT, turnaround_minutes=INT,
    ),
    ("fleet.class", 1): obj(code=TEXT, name=TEXT, day_rate=MONEY),
    ("fleet.driver", 1): obj(
        name=TEXT, licence_number=TEXT, phone=ANY_TEXT, status=TEXT, day_rate=MONEY, zip_code=optional(TEXT)
    ),
    ("fleet.car", 1): CAR,
    # head office (notifications)
    ("notification.sent", 1): obj(
        reservation_id=UUID, booking_event_id=UUID, kind=TEXT, to=TEXT, subject=TEXT, attempts=INT
    ),
    ("notification.failed", 1): obj(
        reservation_id=UUID, booking_event_id=UUID, kind=TEXT, to=ANY_TEXT, subject=ANY_TEXT,
        attempts=INT, error=TEXT,
    ),
}

#: The newest version of each type; what this code writes.
CURRENT = {t: max(v for (tt, v) in SCHEMAS if tt == t) for (t, _) in SCHEMAS}


def check_payload(event_type: str, version: int, payload: Any) -> None:
    schema = SCHEMAS.get((event_type, version))
    if schema is None:
        if event_type in CURRENT:
            raise InvalidEvent(f"unsupported schema_version {version} of {event_type} (this build reads "
                               f"{', '.join(str(v) for (t, v) in SCHEMAS if t == event_type)})")
        raise InvalidEvent(f"unknown event type {event_type!r}")
    schema(payload, "payload")


ENVELOPE = obj(
    event_id=UUID, type=TEXT, schema_version=INT, occurred_at=TIME, source=ANY_TEXT,
    payload=_kind("an object", lambda v: isinstance(v, dict)),
)


def decode(raw: bytes | None) -> Envelope:
    """Parse and validate one event; :class:`InvalidEvent` says why it is not one."""
    if raw is None:
        raise InvalidEvent("empty message (no value)")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InvalidEvent(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InvalidEvent(f"not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    ENVELOPE(data, "envelope")
    check_payload(data["type"], data["schema_version"], data["payload"])
    return Envelope(
        type=data["type"],
        payload=data["payload"],
        source=data["source"],
        event_id=data["event_id"],
        occurred_at=datetime.fromisoformat(data["occurred_at"]),
        schema_version=data["schema_version"],
    )


def time_text(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat()


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)
