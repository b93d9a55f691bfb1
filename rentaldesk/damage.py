"""Damage on a car: where it is on the top view, what the clerk wrote, an optional photo.

One rule for a mark (:func:`checked`), used by check-out and check-in whatever path they come from
(the desk's diagram, the command line's ``--damage`` JSON, head office), and one JSON codec
(:func:`to_json` / :func:`from_json`) for the command line and for the agreement's records.

The top view is a unit square: ``x`` runs across the car from its left side (0) to its right (1),
``y`` from the front bumper (0) to the rear (1). A zone names the panel a clerk would say.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Any

from rentaldesk import text
from rentaldesk.errors import InvalidInput

#: A mark's note: one line, a sentence or two.
NOTE = text.TextKind("damage note", 200)
#: The largest photo kept with a mark (bytes).
MAX_PHOTO_BYTES = 5 * 1024 * 1024
STAGES = ("out", "in")

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


class Zone(str, Enum):
    """A panel of the car on the top view; :attr:`label` is the clerk's word for it."""

    FRONT = "front"
    BONNET = "bonnet"
    WINDSCREEN = "windscreen"
    ROOF = "roof"
    REAR_WINDOW = "rear-window"
    BOOT = "boot"
    REAR = "rear"
    LEFT_FRONT = "left-front"
    LEFT_REAR = "left-rear"
    RIGHT_FRONT = "right-front"
    RIGHT_REAR = "right-rear"
    WHEELS = "wheels"

    @property
    def label(self) -> str:
        """The zone in a clerk's words ("Left front door and wing")."""
        return _LABELS[self]


_LABELS: dict[Zone, str] = {
    Zone.FRONT: "Front bumper",
    Zone.BONNET: "Bonnet",
    Zone.WINDSCREEN: "Windscreen",
    Zone.ROOF: "Roof",
    Zone.REAR_WINDOW: "Rear window",
    Zone.BOOT: "Boot lid",
    Zone.REAR: "Rear bumper",
    Zone.LEFT_FRONT: "Left front door and wing",
    Zone.LEFT_REAR: "Left rear door and quarter",
    Zone.RIGHT_FRONT: "Right front door and wing",
    Zone.RIGHT_REAR: "Right rear door and quarter",
    Zone.WHEELS: "Wheels and tyres",
}

#: Where each zone sits on the top view, as (x0, y0, x1, y1) in the unit square. The desk's diagram
#: and the agreement's drawing both draw these, so a mark lands on the same panel in both.
ZONE_BOXES: dict[Zone, tuple[float, float, float, float]] = {
    Zone.FRONT: (0.2, 0.0, 0.8, 0.06),
    Zone.BONNET: (0.2, 0.06, 0.8, 0.26),
    Zone.WINDSCREEN: (0.2, 0.26, 0.8, 0.34),
    Zone.ROOF: (0.2, 0.34, 0.8, 0.68),
    Zone.REAR_WINDOW: (0.2, 0.68, 0.8, 0.76),
    Zone.BOOT: (0.2, 0.76, 0.8, 0.94),
    Zone.REAR: (0.2, 0.94, 0.8, 1.0),
    Zone.LEFT_FRONT: (0.0, 0.06, 0.2, 0.5),
    Zone.LEFT_REAR: (0.0, 0.5, 0.2, 0.94),
    Zone.RIGHT_FRONT: (0.8, 0.06, 1.0, 0.5),
    Zone.RIGHT_REAR: (0.8, 0.5, 1.0, 0.94),
    # the wheels are drawn at the four corners; a mark anywhere near one names this zone
    Zone.WHEELS: (0.0, 0.0, 1.0, 1.0),
}


def zone_at(x: float, y: float) -> Zone:
    """The panel under a point of the top view (the desk's diagram names the zone a click lands on)."""
    for zone, (x0, y0, x1, y1) in ZONE_BOXES.items():
        if zone is not Zone.WHEELS and x0 <= x <= x1 and y0 <= y <= y1:
            return zone
    return Zone.WHEELS


@dataclass(frozen=True)
class DamageMark:
    """One mark on the top view of a car.

    ``x``, ``y``: 0..1 (``x`` across, ``y`` front to back); ``note``: the clerk's words (free text,
    may be blank); ``photo``: PNG or JPEG bytes, at most 5 MB; ``stage``: ``"out"`` (recorded at
    check-out) or ``"in"`` (at check-in); ``recorded_at``: aware UTC, set by the service.
    """

    zone: Zone
    x: float
    y: float
    note: str
    photo: bytes | None = None
    recorded_at: datetime | None = None
    stage: str = "out"


def photo_kind(data: bytes) -> str | None:
    """``"png"`` or ``"jpeg"`` from the file's magic bytes, or None when it is neither."""
    if data.startswith(_PNG):
        return "png"
    if data.startswith(_JPEG):
        return "jpeg"
    return None


def checked(mark: DamageMark, number: int = 1) -> DamageMark:
    """``mark`` with its note trimmed, or :class:`InvalidInput` (field ``"damage"``) naming the mark
    (``number``, from 1) and what is wrong: the zone, a coordinate outside 0..1, the note, a photo
    that is not a PNG or JPEG or is over 5 MB, the stage, a naive time."""
    where = f"damage mark {number}"
    try:
        zone = Zone(mark.zone)
    except ValueError:
        known = ", ".join(z.value for z in Zone)
        raise InvalidInput(f"{where}: no zone {text.shown(mark.zone)}; the zones are {known}",
                           field="damage") from None
    for name in ("x", "y"):
        value = getattr(mark, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or not 0.0 <= value <= 1.0:
            raise InvalidInput(f"{where}: {name} must be a number from 0 to 1, not {text.shown(value)}",
                               field="damage")
    try:
        note = text.clean(mark.note, NOTE)
    except text.TextRefused as exc:
        raise InvalidInput(f"{where}: {exc}", field="damage") from None
    if mark.photo is not None:
        if not isinstance(mark.photo, bytes) or photo_kind(mark.photo) is None:
            raise InvalidInput(f"{where}: the photo is not a PNG or JPEG image", field="damage")
        if len(mark.photo) > MAX_PHOTO_BYTES:
            raise InvalidInput(f"{where}: the photo is {len(mark.photo) / 1024 / 1024:.1f} MB; "
                               f"at most 5 MB is kept", field="damage")
    if mark.stage not in STAGES:
        raise InvalidInput(f"{where}: the stage must be 'out' or 'in', not {text.shown(mark.stage)}",
                           field="damage")
    if mark.recorded_at is not None and mark.recorded_at.utcoffset() is None:
        raise InvalidInput(f"{where}: the time it was recorded has no time zone", field="damage")
    return replace(mark, zone=zone, x=float(mark.x), y=float(mark.y), note=note)


def checked_all(marks: Sequence[DamageMark]) -> tuple[DamageMark, ...]:
    """Every mark :func:`checked`, numbered from 1 in the order given."""
    return tuple(checked(mark, i) for i, mark in enumerate(marks, 1))


def to_dict(mark: DamageMark) -> dict[str, Any]:
    """A mark as plain JSON values (the photo base64, the time ISO 8601)."""
    return {
        "zone": mark.zone.value,
        "x": mark.x,
        "y": mark.y,
        "note": mark.note,
        "photo": base64.b64encode(mark.photo).decode("ascii") if mark.photo is not None else None,
        "recorded_at": mark.recorded_at.isoformat() if mark.recorded_at is not None else None,
        "stage": mark.stage,
    }


def from_dict(data: object, number: int = 1) -> DamageMark:
    """A mark from :func:`to_dict`'s shape (``zone``, ``x``, ``y`` needed; ``note``, ``photo``,
    ``recorded_at``, ``stage`` optional), :func:`checked`; a bad shape is :class:`InvalidInput`
    naming the mark and the key."""
    where = f"damage mark {number}"
    if not isinstance(data, dict):
        raise InvalidInput(f"{where}: expected an object with zone, x, y and note", field="damage")
    unknown = sorted(set(data) - {"zone", "x", "y", "note", "photo", "recorded_at", "stage"})
    if unknown:
        raise InvalidInput(f"{where}: unknown key {text.shown(unknown[0])}", field="damage")
    for key in ("zone", "x", "y"):
        if key not in data:
            raise InvalidInput(f"{where}: '{key}' is missing", field="damage")
    if not isinstance(data["zone"], str):
        raise InvalidInput(f"{where}: the zone must be text", field="damage")
    note = data.get("note", "")
    if not isinstance(note, str):
        raise InvalidInput(f"{where}: the note must be text", field="damage")
    photo: bytes | None = None
    if data.get("photo") is not None:
        if not isinstance(data["photo"], str):
            raise InvalidInput(f"{where}: the photo must be base64 text", field="damage")
        try:
            photo = base64.b64decode(data["photo"], validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(f"{where}: the photo is not valid base64", field="damage") from None
    recorded_at: datetime | None = None
    if data.get("recorded_at") is not None:
        try:
            recorded_at = datetime.fromisoformat(str(data["recorded_at"]))
        except ValueError:
            raise InvalidInput(f"{where}: recorded_at is not an ISO 8601 time", field="damage") from None
    stage = data.get("stage", "out")
    if not isinstance(stage, str):
        raise InvalidInput(f"{where}: the stage must be 'out' or 'in'", field="damage")
    zone_text = data["zone"]
    try:
        zone = Zone(zone_text)
    except ValueError:
        known = ", ".join(z.value for z in Zone)
        raise InvalidInput(f"{where}: no zone {text.shown(zone_text)}; the zones are {known}",
                           field="damage") from None
    return checked(DamageMark(zone=zone, x=data["x"], y=data["y"], note=note, photo=photo,
                              recorded_at=recorded_at, stage=stage), number)


def to_json(marks: Sequence[DamageMark]) -> str:
    """Marks as a JSON array (see :func:`to_dict`)."""
    return json.dumps([to_dict(mark) for mark in marks], ensure_ascii=False)


def from_json(data: str) -> tuple[DamageMark, ...]:
    """Marks from :func:`to_json`'s text (or one object), each checked; bad JSON or a bad mark is
    :class:`InvalidInput` (field ``"damage"``) naming it."""
    try:
        parsed = json.loads(data)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInput(f"the damage is not valid JSON ({exc.__class__.__name__})", field="damage") from None
    items = parsed if isinstance(parsed, list) else [parsed]
    return tuple(from_dict(item, i) for i, item in enumerate(items, 1))
