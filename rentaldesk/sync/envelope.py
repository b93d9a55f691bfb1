"""The event envelope: the wire form of every event, and its validation.

On the wire an event is UTF-8 JSON::

    {"event_id": "<uuid>", "type": "reservation.requested", "schema_version": 1,
     "occurred_at": "2030-03-04T12:00:00Z", "source": "BOS-DT", "payload": {...}}

The payload is one of the classes of :mod:`.events`, chosen by type and version. :func:`decode`
validates the envelope and the payload in one step; anything else raises :class:`InvalidEvent`
with a reason naming the field, and the consumer sends the original bytes to the dead-letter
topic. An event of an older ``schema_version`` is read and upgraded to the current class.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Generic, TypeVar

import msgspec

from .events import CURRENT, EVENT_TYPES, Event, Record, Time, Uuid

class InvalidEvent(ValueError):
    """Bytes that are not a valid event; ``reason`` says what is wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


E = TypeVar("E", bound=Event, covariant=True)


@dataclass(frozen=True, slots=True)
class Envelope(Generic[E]):
    """One event: its payload (which names its type and version) and where and when it was made."""

    payload: E
    source: str
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def type(self) -> str:
        return self.payload.TYPE

    @property
    def schema_version(self) -> int:
        return self.payload.VERSION

    def encode(self) -> bytes:
        """The wire form; raises :class:`InvalidEvent` (and writes nothing) for a payload that would
        not be read back, so no consumer ever meets an invalid event of this build's making."""
        raw = _ENCODER.encode(_WireOut(event_id=self.event_id, type=self.type, schema_version=self.schema_version,
                                       occurred_at=self.occurred_at, source=self.source, payload=self.payload))
        decode(raw)
        return raw


class _Wire(Record):
    """The envelope as read: the payload is decoded by its type's class once the type is known."""

    event_id: Uuid
    type: str
    schema_version: int
    occurred_at: Time
    source: str
    payload: msgspec.Raw


class _WireOut(Record):
    event_id: str
    type: str
    schema_version: int
    occurred_at: datetime
    source: str
    payload: Event


_ENCODER = msgspec.json.Encoder(decimal_format="string")
_WIRE = msgspec.json.Decoder(_Wire)
_PAYLOADS = {key: msgspec.json.Decoder(cls) for key, cls in EVENT_TYPES.items()}
_FIELD = re.compile(r"(\w+): ")


def _reason(exc: msgspec.ValidationError, where: str) -> str:
    """msgspec's message as ``<path>: <what is wrong>``, the path from ``where``
    (``payload.reservation.id: expected a uuid``)."""
    text, _, path = str(exc).partition(" - at `")
    path = where + path.rstrip("`")[1:] if path else where
    field = _FIELD.match(text)  # a check of a record's own (Record.__post_init__) names its field
    if field is not None:
        path, text = f"{path}.{field.group(1)}", text[field.end():]
    return f"{path}: {text[:1].lower()}{text[1:]}"


def decode(raw: bytes | None) -> Envelope[Event]:
    """Parse and validate one event; :class:`InvalidEvent` says why it is not one."""
    if raw is None:
        raise InvalidEvent("empty message (no value)")
    try:
        wire = _WIRE.decode(raw)
    except msgspec.ValidationError as exc:
        raise InvalidEvent(_reason(exc, "envelope")) from None
    except msgspec.DecodeError as exc:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            raise InvalidEvent(f"not UTF-8 ({bad.reason} at byte {bad.start})") from None
        raise InvalidEvent(f"not JSON ({exc})") from None
    payload_decoder = _PAYLOADS.get((wire.type, wire.schema_version))
    if payload_decoder is None:
        if wire.type in CURRENT:
            known = ", ".join(str(v) for (t, v) in EVENT_TYPES if t == wire.type)
            raise InvalidEvent(f"unsupported schema_version {wire.schema_version} of {wire.type} "
                               f"(this build reads {known})")
        raise InvalidEvent(f"unknown event type {wire.type!r}")
    try:
        payload = payload_decoder.decode(wire.payload)
    except msgspec.ValidationError as exc:
        raise InvalidEvent(_reason(exc, "payload")) from None
    except msgspec.DecodeError as exc:  # a payload that is not an object
        raise InvalidEvent(f"payload: {exc}") from None
    return Envelope(payload=payload.upgrade(), source=wire.source, event_id=wire.event_id,
                    occurred_at=wire.occurred_at)
