"""What the review of the merged staff, audit and web work found, each pinned (real SQLite files):
the last admin stays, the audit search is a manager's, another no-show fee than the branch's is a
manager's, a password of digits unlocks the desk, the web's replica keeps no staff hashes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select, update

from rentaldesk import audit, staff
from rentaldesk.actor import Actor, acting_as
from rentaldesk.errors import InvalidInput, PermissionDenied
from rentaldesk.models import Branch, Staff
from rentaldesk.models import Reservation as Row
from rentaldesk.sync.branch import apply_head_office_event, apply_head_office_event_at_the_web
from rentaldesk.sync.envelope import Envelope
from rentaldesk.sync.state import staff_record

from ..conftest import day

ROOT = Actor("root", "admin", None, "test")
MAX = Actor("max", "manager", "10001", "test")
ANN = Actor("ann", "clerk", "10001", "test")


@pytest.fixture
def people(db, fleet):
    fleet.branch("10001")
    staff.add_staff(db, username="root", name="Ada Admin", role="admin", password="root-pass-1")
    with acting_as(ROOT):
        staff.add_staff(db, username="max", name="Max Manager", role="manager", password="max-pass-1")
        staff.add_staff(db, username="ann", name="Ann Lee", role="clerk", password="12345678", pin="4321")
    return db


def test_the_last_active_admin_can_be_neither_deactivated_nor_demoted(people):
    with acting_as(ROOT):
        for change in ({"active": False}, {"role": "manager"}):
            with pytest.raises(InvalidInput, match="'root' is the last active admin: make another admin first"):
                staff.update_staff(people, "root", **change)
        assert staff.update_staff(people, "ann", name="Ann B. Lee").name == "Ann B. Lee"  # others change freely
        staff.update_staff(people, "max", role="admin")
        assert staff.update_staff(people, "root", active=False).active is False  # another admin remains
    with people.session() as s:
        assert s.scalar(select(Staff.role).where(Staff.username == "max")) == "admin"


def test_the_audit_search_is_a_manager_s(people, fleet):
    fleet.cars(1, "SUV")
    with people.session() as s:
        with acting_as(ANN), pytest.raises(PermissionDenied, match="read the audit trail"):
            audit.search(s)
        with pytest.raises(PermissionDenied, match="Sign in first"):
            audit.search(s)
        with acting_as(MAX):
            assert "car" in {e.record_kind for e in audit.search(s)}


def test_another_no_show_fee_than_the_branch_s_is_a_manager_s(people, svc, fleet, clock, db):
    fleet.cars(2, "SUV")
    with db.write() as s:
        s.execute(update(Branch).where(Branch.zip_code == "10001").values(no_show_fee=Decimal("50.00"),
                                                                         no_show_grace_minutes=30))
    with acting_as(ANN):
        a, b = (svc.create_reservation(email=f"{n}@example.com", name="A", vehicle_class="SUV", zip_code="10001",
                                       start=day(1), end=day(3)) for n in "ab")
        clock.now = day(1, 1)
        with pytest.raises(PermissionDenied, match="override prices"):
            svc.mark_no_show(a.id, fee=Decimal("0"))
        with db.session() as s:
            assert s.get_one(Row, a.id).status == "confirmed"  # nothing saved
        assert svc.mark_no_show(a.id, fee=Decimal("50")).status == "no-show"  # the branch's own fee: a clerk's
    with acting_as(MAX):
        assert svc.mark_no_show(b.id, fee=Decimal("0")).status == "no-show"


def test_a_password_of_digits_unlocks_where_a_pin_may_be_typed(people):
    assert staff.sign_in(people, "ann", "4321", branch="10001", pin=True).username == "ann"
    assert staff.sign_in(people, "ann", "12345678", branch="10001", pin=True).username == "ann"


def test_the_web_s_replica_keeps_no_staff_hashes(people, tmp_path):
    from rentaldesk.db import open_database

    with people.session() as s:
        record = staff_record(s.scalar(select(Staff).where(Staff.username == "ann")))
    web = open_database(f"sqlite:///{tmp_path / 'web.sqlite'}")
    branch = open_database(f"sqlite:///{tmp_path / 'branch.sqlite'}")
    try:
        for db, handler in ((web, apply_head_office_event_at_the_web), (branch, apply_head_office_event)):
            with db.write() as s:
                handler(s, Envelope(payload=record, source="hq"), None)  # type: ignore[arg-type]
        with web.session() as s:
            assert s.scalar(select(Staff.id)) is None
        with branch.session() as s:
            assert s.scalar(select(Staff.username)) == "ann"
    finally:
        web.close()
        branch.close()
