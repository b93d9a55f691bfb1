"""The free-text rule (rentaldesk.text): what a name, a phone, an email, a model may hold, and how
stored text is printed. Properties over any text, then the paths that must use it."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rentaldesk import text
from rentaldesk.text import TextRefused

KINDS = (text.NAME, text.PHONE, text.EMAIL, text.MODEL, text.COLOUR, text.BRANCH_NAME, text.CLASS_NAME)

#: What forges output or hides what is stored: each must be refused inside any kind of text.
HOSTILE = {
    "NUL": "\x00", "tab": "\t", "newline": "\n", "carriage return": "\r", "vertical tab": "\x0b",
    "form feed": "\x0c", "ESC": "\x1b", "ANSI colour": "\x1b[31m", "OSC title": "\x1b]0;owned\x07",
    "DEL": "\x7f", "C1 NEL": "\x85", "C1 CSI": "\x9b", "line separator": "\u2028",
    "paragraph separator": "\u2029", "LRE": "\u202a", "RLE": "\u202b", "PDF": "\u202c", "LRO": "\u202d",
    "RLO": "\u202e", "LRI": "\u2066", "RLI": "\u2067", "FSI": "\u2068", "PDI": "\u2069", "BOM": "\ufeff",
    "zero-width space": "\u200b", "lone surrogate": "\ud800", "private use": "\ue000",
}

# Text a hostile user would try: hostile characters, long runs, and ordinary letters of any script.
texts = st.text(
    alphabet=st.one_of(st.sampled_from(sorted(set("".join(HOSTILE.values())))), st.characters(), st.just(" ")),
    max_size=300,
)


def refused_char(char: str) -> bool:
    """The rule, said independently of the module: categories Cc, Cf, Cs, Co, Cn, Zl, Zp are refused,
    but for the two joiners."""
    return unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"} and char not in "\u200c\u200d"


@settings(max_examples=400, deadline=None)
@given(value=texts, kind=st.sampled_from(KINDS))
def test_clean_gives_trimmed_visible_text_within_the_length_or_a_one_line_refusal(value, kind):
    try:
        cleaned = text.clean(value, kind)
    except TextRefused as exc:
        message = str(exc)
        assert message.startswith(f"the {kind.label} ")
        assert not any(refused_char(c) for c in message), message  # the refusal itself cannot forge a line
        stripped = value.strip()
        assert (any(refused_char(c) for c in stripped) or len(stripped) > kind.max_len
                or (kind.only is not None and not kind.only.fullmatch(stripped)))
    else:
        assert cleaned == value.strip()
        assert not any(refused_char(c) for c in cleaned)
        assert len(cleaned) <= kind.max_len


@settings(max_examples=400, deadline=None)
@given(value=texts)
def test_printable_escapes_exactly_what_the_rule_refuses(value):
    shown = text.printable(value)
    assert not any(refused_char(c) for c in shown)
    assert "\n" not in shown and "\x1b" not in shown
    clean = not any(refused_char(c) for c in value)
    assert (shown == value) == clean
    assert len(text.shown(value)) <= 40 + 30  # quoted, cut, with its length


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.label)
@pytest.mark.parametrize("what", sorted(HOSTILE))
def test_every_hostile_character_is_refused_inside_every_kind(kind, what):
    with pytest.raises(TextRefused, match=f"^the {kind.label} holds .* at character 2;"):
        text.clean("1" + HOSTILE[what] + "2", kind)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.label)
def test_each_kind_has_its_length(kind):
    filler = "1" if kind is text.PHONE else "a"
    assert text.clean(filler * kind.max_len, kind) == filler * kind.max_len
    with pytest.raises(TextRefused, match=f"is {kind.max_len + 1:,} characters long; at most {kind.max_len}"):
        text.clean(filler * (kind.max_len + 1), kind)
    with pytest.raises(TextRefused, match="100,000 characters long"):
        text.clean(filler * 100_000, kind)


@pytest.mark.parametrize("name", [
    "José Ñúñez", "James O'Connor-Smith", "山田\u3000太郎", "محمد علي", "Zoë\u00a0Brontë", "می\u200cخواهم",
    "Ann (Annie) Lee, Jr.",
])
def test_names_of_every_script_are_kept(name):
    assert text.clean(f"  {name}\n", text.NAME) == name  # spaces and a pasted line break around: trimmed


def test_a_phone_holds_phone_characters():
    assert text.clean(" +1 (617) 555-0142 ", text.PHONE) == "+1 (617) 555-0142"
    with pytest.raises(TextRefused, match="the phone holds 'c'; a phone holds only digits, spaces and"):
        text.clean("call me", text.PHONE)


def test_stored_text_prints_on_one_line_escaped():
    assert text.printable("Ann\nLee\x1b[2J\u202eevil") == "Ann\\nLee\\x1b[2J\\u202eevil"
    assert text.printable("José 山田") == "José 山田"
    assert text.shown("x" * 100_000) == f"'{'x' * 40}…' (100,000 characters)"


def test_a_name_an_older_build_stored_is_replaced_when_the_customer_books_again(db, fleet, svc):
    from sqlalchemy import select, update

    from rentaldesk.models import Customer
    from tests.conftest import day

    fleet.cars(2, "SUV")
    svc.create_reservation(email="ann@example.com", name="Ann", vehicle_class="SUV", zip_code="10001",
                           start=day(1), end=day(2))
    with db.write() as s:
        s.execute(update(Customer).values(name="Ann\x1b[2J", phone="555\n0100"))
    again = svc.create_reservation(email="ann@example.com", name="Ann Lee", phone="555-0100", vehicle_class="SUV",
                                   zip_code="10001", start=day(3), end=day(4))
    assert (again.customer_name, again.customer_phone) == ("Ann Lee", "555-0100")
    with db.session() as s:
        assert s.execute(select(Customer.name, Customer.phone)).one() == ("Ann Lee", "555-0100")
    # a recorded valid name is kept: only an explicit change changes it
    svc.create_reservation(email="ann@example.com", name="Someone Else", vehicle_class="SUV", zip_code="10001",
                           start=day(5), end=day(6))
    with db.session() as s:
        assert s.scalar(select(Customer.name)) == "Ann Lee"


def test_text_an_older_build_stored_still_travels_in_the_events(db, fleet, svc):
    """A customer's name or phone stored before the rule (a line break, an escape, too long) must
    not stop that reservation's events: it goes escaped and cut, and the event reads back."""
    from sqlalchemy import update

    from rentaldesk.models import Customer
    from rentaldesk.models import Reservation as ReservationRow
    from rentaldesk.sync.envelope import Envelope, decode
    from rentaldesk.sync.events import Confirmed
    from rentaldesk.sync.state import reservation_state
    from tests.conftest import day

    fleet.cars(1, "SUV")
    svc.create_reservation(email="ann@example.com", name="Ann", vehicle_class="SUV", zip_code="10001",
                           start=day(1), end=day(2))
    with db.write() as s:
        s.execute(update(Customer).values(name="Ann\nLee\x1b[2J" + "x" * 200, phone="555\n0100"))
    with db.session() as s:
        state = reservation_state(s, s.query(ReservationRow).one())
    assert state.customer.name.startswith("Ann\\nLee\\x1b[2J") and len(state.customer.name) == text.NAME.max_len
    assert state.customer.phone == "555\\n0100"
    assert text.as_sent("José 山田", text.NAME) == "José 山田"  # what the rule takes goes as it is
    event = Envelope(Confirmed(reservation=state), source="hq")
    assert decode(event.encode()).payload == event.payload
