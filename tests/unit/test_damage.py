"""The damage mark's rule and its JSON codec (rentaldesk/damage.py)."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentaldesk import damage
from rentaldesk.damage import DamageMark, Zone
from rentaldesk.errors import InvalidInput

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16


def test_every_zone_has_a_label_and_a_box() -> None:
    for zone in Zone:
        assert zone.label and zone.label[0].isupper()
        assert zone in damage.ZONE_BOXES
    assert Zone("left-front") is Zone.LEFT_FRONT


def test_zone_at_names_the_panel_under_a_point() -> None:
    assert damage.zone_at(0.5, 0.02) is Zone.FRONT
    assert damage.zone_at(0.5, 0.5) is Zone.ROOF
    assert damage.zone_at(0.1, 0.2) is Zone.LEFT_FRONT
    assert damage.zone_at(0.9, 0.8) is Zone.RIGHT_REAR
    assert damage.zone_at(0.05, 0.98) is Zone.WHEELS


def test_a_good_mark_comes_back_with_its_note_trimmed() -> None:
    mark = damage.checked(DamageMark(Zone.BONNET, 0.5, 0.1, "  scratch 3 cm  ", photo=PNG))
    assert mark.note == "scratch 3 cm"
    assert mark.photo == PNG
    assert damage.checked(DamageMark(Zone.ROOF, 0, 1, "", photo=JPEG)).x == 0.0


@pytest.mark.parametrize(
    ("mark", "words"),
    [
        (DamageMark(Zone.ROOF, 1.5, 0.5, ""), "x must be a number from 0 to 1"),
        (DamageMark(Zone.ROOF, 0.5, -0.1, ""), "y must be a number from 0 to 1"),
        (DamageMark(Zone.ROOF, float("nan"), 0.5, ""), "x must be"),
        (DamageMark(Zone.ROOF, 0.5, 0.5, "dent\nhere"), "a line break"),
        (DamageMark(Zone.ROOF, 0.5, 0.5, "x" * 201), "at most 200"),
        (DamageMark(Zone.ROOF, 0.5, 0.5, "", photo=b"GIF89a...."), "not a PNG or JPEG"),
        (DamageMark(Zone.ROOF, 0.5, 0.5, "", photo=PNG + b"\x00" * (5 * 1024 * 1024)), "at most 5 MB"),
        (DamageMark(Zone.ROOF, 0.5, 0.5, "", stage="later"), "the stage must be"),
        (DamageMark(Zone.ROOF, 0.5, 0.5, "", recorded_at=datetime(2026, 1, 1)), "no time zone"),
    ],
)
def test_a_bad_mark_is_refused_naming_it(mark: DamageMark, words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        damage.checked_all([DamageMark(Zone.FRONT, 0.5, 0.0, "ok"), mark])
    assert caught.value.field == "damage"
    assert str(caught.value).startswith("damage mark 2: ")
    assert words in str(caught.value)


def test_json_round_trips_a_mark_exactly() -> None:
    at = datetime(2026, 12, 2, 15, 30, tzinfo=timezone.utc)
    marks = (DamageMark(Zone.LEFT_REAR, 0.1, 0.7, "dent", photo=PNG, recorded_at=at, stage="in"),
             DamageMark(Zone.WINDSCREEN, 0.5, 0.3, "chip"))
    assert damage.from_json(damage.to_json(marks)) == marks


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("[1", "not valid JSON"),
        ('[{"zone": "roof", "x": 0.5}]', "'y' is missing"),
        ('[{"zone": "sunroof", "x": 0.5, "y": 0.5}]', "no zone 'sunroof'; the zones are front, bonnet"),
        ('[{"zone": "roof", "x": 0.5, "y": 0.5, "colour": "red"}]', "unknown key 'colour'"),
        ('[{"zone": "roof", "x": "a", "y": 0.5}]', "x must be a number"),
        ('[{"zone": "roof", "x": true, "y": 0.5}]', "x must be a number"),
        ('[{"zone": "roof", "x": 0.5, "y": 0.5, "photo": "!!"}]', "not valid base64"),
        ('["roof"]', "expected an object"),
    ],
)
def test_bad_json_is_refused_naming_the_mark(data: str, words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        damage.from_json(data)
    assert words in str(caught.value)
    assert caught.value.field == "damage"


def test_a_photo_in_json_is_checked_like_any_other() -> None:
    data = json.dumps({"zone": "roof", "x": 0.5, "y": 0.5, "photo": base64.b64encode(b"nope").decode()})
    with pytest.raises(InvalidInput, match="not a PNG or JPEG"):
        damage.from_json(data)


@given(
    zone=st.sampled_from(list(Zone)),
    x=st.floats(0, 1),
    y=st.floats(0, 1),
    note=st.text(st.characters(categories=("L", "N", "P", "Zs")), max_size=200),
    stage=st.sampled_from(damage.STAGES),
)
def test_any_good_mark_round_trips_through_json(zone: Zone, x: float, y: float, note: str, stage: str) -> None:
    mark = damage.checked(DamageMark(zone, x, y, note, stage=stage))
    assert damage.from_json(damage.to_json([mark])) == (mark,)
