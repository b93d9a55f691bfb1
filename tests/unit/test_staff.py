"""Staff accounts and the sign-in (rentaldesk/staff.py), on a real SQLite file, and their journey
to a branch as a fleet record (head office's snapshot applied at a branch that then signs the clerk
in by itself)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from rentaldesk import staff
from rentaldesk.actor import Actor, acting_as
from rentaldesk.db import open_database
from rentaldesk.errors import InvalidInput, PermissionDenied, SignInFailed
from rentaldesk.models import Staff
from rentaldesk.sync.envelope import Envelope, decode
from rentaldesk.sync.events import FleetStaff
from rentaldesk.sync.state import apply_fleet_record, fleet_snapshot

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
ADMIN = Actor("root", "admin", None, "test")


@pytest.fixture
def people(db, fleet):
    """A database with two branches, its first admin (made unsigned: the first-start state) and a clerk."""
    fleet.branch("10001")
    fleet.branch("94105", tz="America/Los_Angeles")
    staff.add_staff(db, username="Root", name="Ada Admin", role="admin", password="root-pass-1")
    with acting_as(ADMIN):
        staff.add_staff(db, username="  Ann ", name="Ann Lee", role="clerk", password="ann-pass-1",
                        branches=["10001"], pin="4321")
    return db


def test_the_first_account_is_made_unsigned_and_then_an_admin_is_needed(people):
    with pytest.raises(PermissionDenied, match="Sign in first: this needs the permission to manage staff"):
        staff.add_staff(people, username="eve", name="Eve", role="admin", password="eve-pass-1")
    with acting_as(Actor("ann", "clerk", "10001")):
        with pytest.raises(PermissionDenied, match=r"ann \(clerk\) does not have it"):
            staff.list_staff(people)
    with acting_as(ADMIN):
        assert [(p.username, p.role, p.branches, p.has_pin) for p in staff.list_staff(people)] == [
            ("ann", "clerk", ("10001",), True), ("root", "admin", (), False)]


def test_only_hashes_are_stored(people):
    with people.session() as s:
        row = s.scalar(select(Staff).where(Staff.username == "ann"))
        assert row is not None
        assert row.password_hash.startswith("$argon2id$") and "ann-pass-1" not in row.password_hash
        assert row.pin_hash is not None and row.pin_hash.startswith("$argon2id$") and "4321" not in row.pin_hash


def test_a_clerk_signs_in_at_their_branch_with_the_password_or_the_pin(people):
    actor = staff.sign_in(people, "ANN", "ann-pass-1", branch="10001", workstation="desk-2", now=T0)
    assert actor == Actor("ann", "clerk", "10001", "desk-2")
    assert staff.sign_in(people, "ann", "4321", branch="10001", pin=True, now=T0).role == "clerk"
    with pytest.raises(SignInFailed, match="does not work at branch 94105"):
        staff.sign_in(people, "ann", "ann-pass-1", branch="94105", now=T0)
    # head office's people (no branch list) sign in anywhere
    assert staff.sign_in(people, "root", "root-pass-1", branch="94105", now=T0).role == "admin"


def test_a_wrong_password_and_an_unknown_name_read_the_same(people):
    with pytest.raises(SignInFailed) as wrong:
        staff.sign_in(people, "ann", "nope-nope", branch="10001", now=T0)
    with pytest.raises(SignInFailed) as unknown:
        staff.sign_in(people, "nobody", "nope-nope", branch="10001", now=T0)
    with pytest.raises(SignInFailed) as pin:
        staff.sign_in(people, "root", "1234", branch="10001", pin=True, now=T0)  # root has no PIN
    assert str(wrong.value) == str(unknown.value) == str(pin.value) == "Wrong username or password."


def test_repeated_failures_back_off_for_a_known_and_an_unknown_name_alike_and_a_success_clears(people):
    for name in ("ann", "ghost"):
        for n in range(staff.FREE_TRIES):
            with pytest.raises(SignInFailed, match="Wrong"):
                staff.sign_in(people, name, "bad-pass", branch="10001", now=T0 + timedelta(seconds=n))
        last = T0 + timedelta(seconds=staff.FREE_TRIES - 1)
        # the right password too must wait: the back-off holds whatever is typed
        with pytest.raises(SignInFailed, match="Too many failed sign-ins: wait 1 s") as waited:
            staff.sign_in(people, name, "ann-pass-1", branch="10001", now=last)
        assert waited.value.wait == pytest.approx(1.0)
    assert staff.back_off(staff.FREE_TRIES + 1) == timedelta(seconds=2)
    assert staff.back_off(50) == staff.LONGEST_WAIT
    later = T0 + timedelta(minutes=1)
    assert staff.sign_in(people, "ann", "ann-pass-1", branch="10001", now=later).username == "ann"
    # cleared: the next failure is a plain one again
    with pytest.raises(SignInFailed, match="Wrong"):
        staff.sign_in(people, "ann", "bad-pass", branch="10001", now=later)


def test_a_deactivated_account_cannot_sign_in_and_a_new_password_replaces_the_old(people):
    with acting_as(ADMIN):
        staff.update_staff(people, "ann", password="new-pass-22")
    with pytest.raises(SignInFailed, match="Wrong"):
        staff.sign_in(people, "ann", "ann-pass-1", branch="10001", now=T0)
    assert staff.sign_in(people, "ann", "new-pass-22", branch="10001", now=T0 + timedelta(minutes=5)).role == "clerk"
    with acting_as(ADMIN):
        assert staff.update_staff(people, "ann", active=False).active is False
    with pytest.raises(SignInFailed, match="'ann' is not active"):
        staff.sign_in(people, "ann", "new-pass-22", branch="10001", now=T0 + timedelta(minutes=6))


@pytest.mark.parametrize(("change", "message"), [
    ({"username": "a"}, "Username 'a' is not valid"),
    ({"username": "ann"}, "Username 'ann' is taken"),
    ({"role": "boss"}, "Role 'boss' is not known: one of clerk, manager, admin"),
    ({"password": "short"}, "The password is too short: at least 8 characters"),
    ({"pin": "12a4"}, "A PIN is 4 to 8 digits"),
    ({"branches": ["99999"]}, "Branch 99999 is not known here"),
    ({"name": "  "}, "name is missing"),
])
def test_bad_account_values_are_refused_in_one_line_and_nothing_is_saved(people, change, message):
    values = {"username": "bob", "name": "Bob", "role": "clerk", "password": "bob-pass-1", **change}
    with acting_as(ADMIN), pytest.raises(InvalidInput, match=message):
        staff.add_staff(people, **values)
    with acting_as(ADMIN):
        assert [p.username for p in staff.list_staff(people)] == ["ann", "root"]


def test_head_office_accounts_reach_a_branch_which_signs_in_on_its_own(people, tmp_path, fleet):
    """Head office's fleet snapshot carries each account (the hashes only) keyed staff:<username>; a
    branch applies it from the wire and verifies the sign-in with no head office around."""
    with people.session() as s:
        records = {k: v for k, v in fleet_snapshot(s).items() if k.startswith("staff:")}
    assert set(records) == {"staff:ann", "staff:root"}
    wire = Envelope(payload=records["staff:ann"], source="hq").encode()
    assert b"ann-pass-1" not in wire and b"$argon2id$" in wire
    branch = open_database(f"sqlite:///{tmp_path / 'other-branch.sqlite'}")
    try:
        with people.session() as s:
            for key in sorted(k for k in fleet_snapshot(s) if k.startswith("branch:")):
                with branch.write() as b:
                    apply_fleet_record(b, fleet_snapshot(s)[key], T0)
        got = decode(wire).payload
        assert isinstance(got, FleetStaff)
        with branch.write() as b:
            apply_fleet_record(b, got, T0)
        assert staff.sign_in(branch, "ann", "ann-pass-1", branch="10001", now=T0).role == "clerk"
        # the branch now has staff: nobody signed in may no longer do anything there
        with pytest.raises(PermissionDenied):
            staff.list_staff(branch)
        # an account head office ends arrives ended
        with branch.write() as b:
            apply_fleet_record(b, FleetStaff(username="ann", name="Ann Lee", role="clerk", branches=("10001",),
                                             password_hash=got.password_hash, active=False), T0)
        with pytest.raises(SignInFailed, match="not active"):
            staff.sign_in(branch, "ann", "ann-pass-1", branch="10001", now=T0)
    finally:
        branch.close()


def test_head_office_fleet_lands_at_a_desk_where_a_clerk_is_signed_in(people, fleet, tmp_path):
    """The desk runs the sync in its threads, as the signed-in clerk; head office's cars still land
    (the branch applies them as its sync account), while the clerk's own car edit is refused."""
    from rentaldesk.cars import add_car
    from rentaldesk.models import Car
    from rentaldesk.sync.branch import apply_head_office_event

    fleet.cars(1, "SUV", "10001")
    with people.session() as s:
        snapshot = fleet_snapshot(s)
    car_key = next(k for k in snapshot if k.startswith("car:"))
    branch = open_database(f"sqlite:///{tmp_path / 'desk-branch.sqlite'}")
    try:
        with acting_as(Actor("ann", "clerk", "10001")):
            for key in sorted(snapshot, key=lambda k: ("branch", "class", "driver", "staff", "car").index(
                    k.split(":")[0])):
                with branch.write() as b:
                    apply_head_office_event(b, Envelope(payload=snapshot[key], source="hq"), None)  # type: ignore[arg-type]
            with branch.session() as b:
                assert b.scalar(select(Car.plate_number)) == car_key.split(":", 1)[1]
            with pytest.raises(PermissionDenied, match="edit the fleet; ann \\(clerk\\)"):
                add_car(branch, {"plate_number": "NEW1"})
    finally:
        branch.close()


def test_a_session_stands_until_the_password_changes_or_the_account_is_made_inactive(people):
    actor, stamp = staff.sign_in_session(people, "ann", "ann-pass-1", branch="10001", now=T0)
    assert actor.username == "ann" and len(stamp) == 32 and "ann-pass-1" not in stamp
    with people.session() as s:
        kept = s.scalar(select(Staff.password_hash).where(Staff.username == "ann"))
    assert kept is not None and stamp not in kept  # a digest of the hash, not a piece of it
    assert staff.session_actor(people, "ann", stamp, branch="10001") == Actor("ann", "clerk", "10001", actor.workstation)
    assert staff.session_actor(people, "ann", "0" * 32, branch="10001") is None
    assert staff.session_actor(people, "ann", stamp) is None  # the account signs in at its branch only
    assert staff.session_actor(people, "ann", stamp, branch="10002") is None
    assert staff.session_actor(people, "nobody", stamp, branch="10001") is None
    with acting_as(ADMIN):
        staff.update_staff(people, "ann", pin="9876", name="Ann B. Lee")  # not the password: it stands
    assert staff.session_actor(people, "ann", stamp, branch="10001") is not None
    with acting_as(ADMIN):
        staff.update_staff(people, "ann", role="admin")  # the role is read as it is now
    assert staff.session_actor(people, "ann", stamp, branch="10001").role == "admin"  # type: ignore[union-attr]
    with acting_as(ADMIN):
        staff.update_staff(people, "ann", active=False)
    assert staff.session_actor(people, "ann", stamp, branch="10001") is None
    with acting_as(ADMIN):
        staff.update_staff(people, "ann", active=True, password="ann-pass-1")  # the same password, a new hash
    assert staff.session_actor(people, "ann", stamp, branch="10001") is None
    assert staff.sign_in_session(people, "ann", "ann-pass-1", branch="10001", now=T0)[1] != stamp
