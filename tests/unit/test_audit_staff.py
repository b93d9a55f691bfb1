"""Staff accounts in the audit trail (issue 13 items 1 and 4): every change of an account shows who
made it, and never any of its secrets: a password or PIN shows only as set, changed or cleared,
nothing of a hash in ``audit_log`` nor in the events forwarded to head office. Head office keeps
the staff: a change is recorded there, where it is made, once; a branch applying head office's copy
records nothing of it (and forwards nothing back)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from sqlalchemy import select

from rentaldesk import audit, staff
from rentaldesk.actor import Actor, acting_as
from rentaldesk.db import open_database
from rentaldesk.models import Branch, OutboxEvent, Staff
from rentaldesk.sync.branch import SYNC_ACTOR, BranchOutbox, apply_head_office_event
from rentaldesk.sync.envelope import Envelope, decode
from rentaldesk.sync.inbox import Delivery
from rentaldesk.sync.state import staff_record
from rentaldesk.sync.topics import AUDIT

ADMIN = Actor("root", "admin", "10001", "desk-9")
WHERE = Delivery(topic="t.fleet", partition=0, offset=0, key=b"staff:ann")
PASSWORDS = ("first-pass-1", "second-pass-2")
PINS = ("90817263", "71625384")  # 8 digits: a 4-digit PIN can turn up by chance in an id or a time


def staff_trail(db, username: str) -> list[audit.AuditView]:
    with acting_as(ADMIN), db.session() as s:
        return audit.search(s, record=f"staff:{username}")


def hashes(db, username: str) -> set[str]:
    with db.session() as s:
        row = s.scalar(select(Staff).where(Staff.username == username))
        assert row is not None
        return {h for h in (row.password_hash, row.pin_hash) if h}


def everything_written(path: str) -> str:
    """Every value of every row of ``audit_log`` and of the outbox, as text (the raw file's)."""
    raw = sqlite3.connect(path)
    try:
        rows = raw.execute("SELECT * FROM audit_log").fetchall() + raw.execute("SELECT * FROM outbox").fetchall()
    finally:
        raw.close()
    return "\n".join(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for r in rows for v in r)


def test_every_change_of_an_account_is_recorded_with_its_secrets_redacted(db, fleet):
    fleet.branch("10001")
    fleet.branch("10002")
    BranchOutbox("BOS-DT").forward_audit(db)  # as a branch of a network: the entries go to the outbox too
    staff.add_staff(db, username="root", name="Root Admin", role="admin", password="root-pass-0")  # the first admin
    seen: set[str] = set()
    with acting_as(ADMIN):
        staff.add_staff(db, username="ann", name="Ann Lee", role="clerk", password=PASSWORDS[0],
                        branches=["10001"], pin=PINS[0])
        seen |= hashes(db, "ann")
        staff.update_staff(db, "ann", role="manager")
        staff.update_staff(db, "ann", branches=["10001", "10002"])
        staff.update_staff(db, "ann", active=False)
        staff.update_staff(db, "ann", active=True)
        staff.update_staff(db, "ann", password=PASSWORDS[1])
        seen |= hashes(db, "ann")
        staff.update_staff(db, "ann", pin=PINS[1])
        seen |= hashes(db, "ann")
        staff.update_staff(db, "ann", clear_pin=True)
        staff.update_staff(db, "ann", name="Ann Lee")  # nothing changed: nothing recorded
    assert len(seen) == 4  # two passwords' hashes, two PINs'

    entries = staff_trail(db, "ann")
    assert {(v.username, v.role, v.where, v.label) for v in entries} == {("root", "admin", "10001 / desk-9", "Ann Lee")}
    assert [(v.action, v.changes) for v in entries] == [
        ("created", {"role": [None, "clerk"], "branches": [None, "10001"], "active": [None, True],
                     "password": [None, "(set)"], "pin": [None, "(set)"]}),
        ("changed", {"role": ["clerk", "manager"]}),
        ("changed", {"branches": ["10001", "10001,10002"]}),
        ("changed", {"active": [True, False]}),
        ("changed", {"active": [False, True]}),
        ("changed", {"password": ["(set)", "(changed)"]}),
        ("changed", {"pin": ["(set)", "(changed)"]}),
        ("changed", {"pin": ["(set)", "(cleared)"]}),
    ]
    assert entries[0].what == "created: role: clerk; branches: 10001; active: True; password: (set); pin: (set)"
    assert entries[-1].what == "pin: (set) → (cleared)"
    first = staff_trail(db, "root")
    assert [(v.username, v.action) for v in first] == [("system", "created")]

    written = everything_written(db.engine.url.database)
    with db.session() as s:
        forwarded = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == AUDIT)).all()
    assert forwarded and "ann" in written and "(changed)" in written  # the grep below reads real entries
    for secret in (*seen, *PASSWORDS, *PINS, "root-pass-0", *hashes(db, "root")):
        assert secret not in written, secret
        # and the hash's own digest (what follows the parameters), whatever quoting the JSON used
        assert secret.rsplit("$", 1)[-1] not in written, secret


def test_head_office_records_a_staff_change_once_and_a_branch_applying_its_copy_records_nothing(tmp_path, fleet):
    hq = fleet.db
    branch = open_database(f"sqlite:///{tmp_path / 'bos.sqlite'}")
    try:
        fleet.branch("10001")
        with branch.write() as s:
            s.add(Branch(code="B10001", name="Branch 10001", zip_code="10001", time_zone="America/New_York",
                         lead_time_minutes=120, min_rental_minutes=1440, turnaround_minutes=0))
        BranchOutbox("BOS-DT").forward_audit(branch)

        def publish(username: str) -> None:
            """Head office's fleet record of the account, applied by the branch's inbox handler."""
            with hq.session() as s:
                person = s.scalar(select(Staff).where(Staff.username == username))
                assert person is not None
                envelope = decode(Envelope(payload=staff_record(person), source="hq").encode())
            with branch.write() as s:
                apply_head_office_event(s, envelope, WHERE)

        staff.add_staff(hq, username="root", name="Root Admin", role="admin", password="root-pass-0")
        with acting_as(ADMIN):
            staff.add_staff(hq, username="ann", name="Ann Lee", role="clerk", password=PASSWORDS[0], branches=["10001"])
        publish("root")
        publish("ann")
        with acting_as(ADMIN):
            staff.update_staff(hq, "ann", role="manager", password=PASSWORDS[1])
        publish("ann")
        publish("ann")  # head office's fleet again (a snapshot): the same copy

        at_hq = staff_trail(hq, "ann")
        assert [(v.action, v.username, v.origin) for v in at_hq] == [("created", "root", ""), ("changed", "root", "")]
        assert at_hq[1].changes == {"role": ["clerk", "manager"], "password": ["(set)", "(changed)"]}
        # the branch has head office's account (it signs in with the new password) and no entry of it
        assert staff.sign_in(branch, "ann", PASSWORDS[1], branch="10001").role == "manager"
        with acting_as(ADMIN), branch.session() as s:
            assert [v for v in audit.search(s) if v.record_kind == audit.STAFF] == []
            assert s.scalars(select(OutboxEvent).where(OutboxEvent.topic == AUDIT)).all() == []

        # the one thing the branch's own trail does record of staff: a change made there (a
        # standalone-kept account), as whoever made it: the apply path's skip is head office's copy only
        with acting_as(Actor("root", "admin", "10001", "bos-1")):
            staff.update_staff(branch, "ann", active=False)
        with acting_as(ADMIN), branch.session() as s:
            mine = [v for v in audit.search(s) if v.record_kind == audit.STAFF]
        assert [(v.username, v.changes) for v in mine] == [("root", {"active": [True, False]})]
        assert SYNC_ACTOR.username not in {v.username for v in mine}
        with branch.session() as s:
            assert len(s.scalars(select(OutboxEvent).where(OutboxEvent.topic == AUDIT)).all()) == 1
    finally:
        branch.close()


def test_a_copy_flag_ends_with_its_block(db, fleet):
    fleet.branch("10001")
    with db.write() as s, audit.copy_of_head_office(s, audit.STAFF):
        s.add(Staff(username="zed", name="Zed", role="admin", branches="", active=True, password_hash="x" * 20,
                    updated_at=datetime.now(timezone.utc)))
        s.flush()
    with db.write() as s:
        s.scalar(select(Staff).where(Staff.username == "zed")).name = "Zed Ray"  # type: ignore[union-attr]
    assert [v.changes for v in staff_trail(db, "zed")] == [{"name": ["Zed", "Zed Ray"]}]


def test_a_branch_applying_head_office_s_car_keeps_the_entry_and_forwards_nothing_back(tmp_path, fleet):
    """Any head-office fact a branch applies (here a car of the fleet topic) is in the branch's own
    trail, by the sync account (its History panel shows it), and is not forwarded: head office's
    trail has the change where it was made. A change the branch makes itself still goes."""
    from rentaldesk.models import Car
    from rentaldesk.sync.state import fleet_snapshot

    hq = fleet.db
    branch = open_database(f"sqlite:///{tmp_path / 'bos.sqlite'}")
    try:
        fleet.cars(1)
        BranchOutbox("BOS-DT").forward_audit(branch)

        def publish() -> None:
            with hq.session() as s:
                envelopes = [decode(Envelope(payload=r, source="hq").encode()) for r in fleet_snapshot(s).values()]
            for envelope in envelopes:
                with branch.write() as s:
                    apply_head_office_event(s, envelope, WHERE)

        def forwarded() -> int:
            with branch.session() as s:
                return len(s.scalars(select(OutboxEvent).where(OutboxEvent.topic == AUDIT)).all())

        publish()
        with hq.write() as s:  # head office repaints the car
            car = s.scalars(select(Car)).one()
            car.color = "Blue"
        publish()
        with acting_as(ADMIN), branch.session() as s:
            cars = [v for v in audit.search(s) if v.record_kind == audit.CAR]
        assert [(v.username, v.action) for v in cars] == [("sync", "created"), ("sync", "changed")]
        assert cars[1].changes == {"color": [cars[1].changes["color"][0], "Blue"]}
        assert forwarded() == 0
        with acting_as(ADMIN), branch.write() as s:  # the branch's own change travels
            car = s.scalars(select(Car)).one()
            car.color = "Red"
        assert forwarded() == 1
    finally:
        branch.close()
