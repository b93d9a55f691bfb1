"""The event envelope: the wire form of every event, and its validation.

On the wire an event is UTF-8 JSON::

    {"event_id": "<uuid>", "type": "reservation.requested", "schema_version": 1,
     "occurred_at": "2030-03-04T12:00:00Z", "source": "BOS-DT", "payload": {...}}

The payload is one of the classes of :mod:`.events`, chosen by type and version. :func:`decode`
validates the envelope and the payload in one step; anything else raises :class:`InvalidEvent`
with a reason naming the field, and the consumer sends the original bytes to the dead-letter
topic. An event of an older ``schema_version`` is read and upgraded to the current class.

A mixed fleet (docs/upgrading.md): a payload field this build does not know is a field a newer
build added (every field this project adds is optional, at the end); the payload is read without it
and the fields left out are recorded (:attr:`Envelope.ignored`, and a warning in the log), not
dead-lettered. Everything else stays strict: a field of the wrong type, a missing one, an unknown
field of the envelope itself. An event type (or a ``schema_version``) this build does not know
goes to the dead letters with a reason that says to upgrade this side: the deploy order (head
office first) keeps that from happening.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from typing import Annotated, Any, Generic, TypeVar, get_args, get_origin, get_type_hints

import msgspec

from .events import CURRENT, EVENT_TYPES, Event, Record, Time, Uuid

log = logging.getLogger("rentaldesk.sync.envelope")

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
    #: The payload's fields this build does not know (a newer build's), left out when it was read,
    #: by path (``payload.reservation.loyalty``); empty for an event of this build or an older one.
    ignored: tuple[str, ...] = ()

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
_PAYLOADS_BY_CLASS = {cls: _PAYLOADS[key] for key, cls in EVENT_TYPES.items()}
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
        raise InvalidEvent(f"unknown event type {wire.type!r} (a newer build's? this side must be "
                           "upgraded first: docs/upgrading.md)")
    ignored: tuple[str, ...] = ()
    try:
        payload = payload_decoder.decode(wire.payload)
    except msgspec.ValidationError as exc:
        if not str(exc).startswith(_UNKNOWN_FIELD):
            raise InvalidEvent(_reason(exc, "payload")) from None
        payload, ignored = _without_unknown(EVENT_TYPES[(wire.type, wire.schema_version)], wire.payload)
        log.warning("event %s (%s from %s) has fields this build does not know, a newer build's; read without "
                    "them: %s", wire.event_id, wire.type, wire.source, ", ".join(ignored))
    except msgspec.DecodeError as exc:  # a payload that is not an object
        raise InvalidEvent(f"payload: {exc}") from None
    return Envelope(payload=payload.upgrade(), source=wire.source, event_id=wire.event_id,
                    occurred_at=wire.occurred_at, ignored=ignored)


_UNKNOWN_FIELD = "Object contains unknown field"


def _without_unknown(cls: type[Event], raw: msgspec.Raw) -> tuple[Event, tuple[str, ...]]:
    """The payload read by ``cls`` once the fields ``cls`` (and its parts) do not know are taken
    out, and their paths; any other fault is :class:`InvalidEvent`, as the strict read says it."""
    ignored: list[str] = []
    kept = _prune(cls, msgspec.json.decode(raw), "payload", ignored)
    try:
        payload = _PAYLOADS_BY_CLASS[cls].decode(_ENCODER.encode(kept))
    except msgspec.ValidationError as exc:
        raise InvalidEvent(_reason(exc, "payload")) from None
    return payload, tuple(ignored)


def _prune(hint: object, value: object, path: str, ignored: list[str]) -> object:
    """``value`` (decoded JSON) without the object keys the records of ``hint`` do not have."""
    record = _record_of(hint)
    if record is not None and isinstance(value, dict):
        hints = _hints(record)
        out: dict[str, object] = {}
        for key, item in value.items():
            if key in hints:
                out[key] = _prune(hints[key], item, f"{path}.{key}", ignored)
            else:
                ignored.append(f"{path}.{key}")
        return out
    item_hint = _items_of(hint)
    if item_hint is not None and isinstance(value, list):
        return [_prune(item_hint, item, f"{path}[{i}]", ignored) for i, item in enumerate(value)]
    return value


def _parts(hint: object) -> tuple[object, ...]:
    """``hint`` and, through Annotated and Optional, the types it is made of."""
    if get_origin(hint) is Annotated:
        return _parts(get_args(hint)[0])
    args = get_args(hint)
    if type(None) in args:
        return tuple(p for a in args if a is not type(None) for p in _parts(a))
    return (hint,)


def _record_of(hint: object) -> type[Record] | None:
    for part in _parts(hint):
        if isinstance(part, type) and issubclass(part, Record):
            return part
    return None


def _items_of(hint: object) -> object | None:
    """The item type of a ``tuple[X, ...]`` field, else None."""
    for part in _parts(hint):
        if get_origin(part) is tuple:
            item: object = get_args(part)[0]
            return item
    return None


@cache
def _hints(record: type[Record]) -> dict[str, Any]:
    fields = set(record.__struct_fields__)
    return {k: v for k, v in get_type_hints(record, include_extras=True).items() if k in fields}
