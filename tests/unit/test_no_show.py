"""No-shows (issue 11, manifest; rentaldesk.no_show) on a real SQLite file: the grace, the refusals,
the fee, the car freed; and across the network (head office frees the car too)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from rentaldesk.errors import InvalidInput, NotAvailable, RentalError
from rentaldesk.models import Branch, OutboxEvent
from rentaldesk.models import Reservation as Row
from rentaldesk.sync.envelope import decode
from rentaldesk.sync.events import NoShow

from ..conftest import day
from .sync.test_reservation_lifecycle import Net, new_booking, quiet_and_equal


def book(svc, start, end, email="ann@example.com"):
    return svc.create_reservation(email=email, name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                                  start=start, end=end)


def stored(db, rid):
    with db.session() as s:
        r = s.get(Row, rid)
        return r.status, r.no_show_fee, r.version


def set_branch(db, **values):
    with db.write() as s:
        s.execute(update(Branch).where(Branch.zip_code == "10001").values(**values))


def test_a_no_show_is_marked_only_past_the_grace_and_frees_the_car(svc, fleet, clock, db):
    fleet.cars(1, "SUV")
    r = book(svc, day(1), day(3))
    clock.now = day(1, 1)  # one hour after the pick-up time: the branch waits 2 hours
    with pytest.raises(RentalError, match=r"cannot be marked a no-show yet: the branch waits 2 hours after the "
                                          r"pick-up time, until Tue 05 Mar 09:00 \(1 hour from now\)") as refused:
        svc.mark_no_show(r.id)
    assert refused.value.field == "reservation"
    assert stored(db, r.id) == ("confirmed", None, 1)  # nothing written
    with pytest.raises(NotAvailable):  # the only SUV is held
        book(svc, day(1, 3), day(3), email="bob@example.com")

    clock.now = day(1, 2)  # exactly the grace: allowed (boundaries are)
    marked = svc.mark_no_show(r.reference.lower())
    assert (marked.status, marked.version) == ("no-show", 2)
    assert marked.status_reason == "no-show: not picked up by Tue 05 Mar 09:00"
    assert stored(db, r.id) == ("no-show", Decimal("0.00"), 2)  # the branch's fee: 0 by default
    # the car is free at once: the next customer takes it for the same days
    assert book(svc, day(1, 4), day(3), email="bob@example.com").status == "confirmed"


def test_the_fee_is_the_branch_s_unless_the_clerk_gives_one(svc, fleet, clock, db):
    fleet.cars(3, "SUV")
    set_branch(db, no_show_fee=Decimal("50.00"), no_show_grace_minutes=30)
    a, b, c = (book(svc, day(1), day(3), email=f"{n}@example.com") for n in "abc")
    clock.now = day(1, 0.5)
    svc.mark_no_show(a.id)
    svc.mark_no_show(b.id, fee=Decimal("0"))  # waived
    assert stored(db, a.id)[:2] == ("no-show", Decimal("50.00"))
    assert stored(db, b.id)[:2] == ("no-show", Decimal("0.00"))
    for bad, words in ((Decimal("-1"), "fee cannot be negative"), (Decimal("1.234"), "fee has more than 2 decimal"),
                       (Decimal("100000000"), "fee is too large")):
        with pytest.raises(InvalidInput, match=words) as refused:
            svc.mark_no_show(c.id, fee=bad)
        assert refused.value.field == "fee"
    assert stored(db, c.id) == ("confirmed", None, 1)


def test_what_cannot_be_a_no_show_is_refused_by_name(svc, fleet, clock, db):
    fleet.cars(4, "SUV")
    out = book(svc, day(0, 3), day(2), email="out@example.com")
    gone = book(svc, day(0, 3), day(2), email="gone@example.com")
    done = book(svc, day(0, 3), day(0, 30), email="done@example.com")
    twice = book(svc, day(0, 3), day(2), email="twice@example.com")
    clock.now = day(0, 3)
    svc.pick_up(out.id)
    svc.cancel_reservation(gone.id)
    clock.now = day(0, 6)
    svc.mark_no_show(twice.id)
    for r, words in ((out, "is picked up; it cannot be a no-show"),
                     (gone, "is cancelled; it cannot be a no-show"),
                     (twice, "is already marked a no-show")):
        with pytest.raises(RentalError, match=f"reservation {r.reference} {words}"):
            svc.mark_no_show(r.id)
    clock.now = day(0, 31)  # past its end: it expires, as before
    with pytest.raises(RentalError, match=f"reservation {done.reference} is expired; it cannot be a no-show"):
        svc.mark_no_show(done.id)
    with pytest.raises(RentalError, match="no reservation 'R0000000'"):
        svc.mark_no_show("R0000000")


def test_a_no_show_at_a_branch_with_head_office_frees_the_car_there_too(tmp_path):
    net = Net(tmp_path, cars=1, batched=False)
    try:
        bos = net.branch("BOS")
        with net.branches["BOS"].db.write() as s:
            s.execute(update(Branch).values(no_show_fee=Decimal("35.00")))
        first = new_booking(bos, "ann@example.com", 1, 3)
        net.settle()
        net.clock.now = day(1, 2)
        bos.mark_no_show(first.id)
        with net.branches["BOS"].db.session() as s:  # the fact, written with the change
            sent = [decode(v).payload for v in s.scalars(select(OutboxEvent.value).order_by(OutboxEvent.seq))]
        assert isinstance(sent[-1], NoShow) and (sent[-1].fee, sent[-1].at) == (Decimal("35.00"), day(1, 2))
        answers = net.decide(net.send("BOS"))
        assert [json.loads(a)["type"] for a in answers] == ["reservation.updated"]
        with net.hq.db.session() as s:
            at_hq = s.get(Row, first.id)
            assert (at_hq.status, at_hq.no_show_fee) == ("no-show", Decimal("35.00"))
        net.deliver("BOS", answers)
        r = net.row("BOS", first.id)
        assert (r.status, r.no_show_fee, r.awaiting_event_id) == ("no-show", Decimal("35.00"), None)
        # head office holds the car no more: the next booking of those days is confirmed there
        second = new_booking(bos, "bob@example.com", 1.2, 3)
        quiet_and_equal(net)
        assert net.row("BOS", second.id).status == "confirmed"
    finally:
        net.close()


def test_0016_widens_the_status_check_in_place_keeping_the_rows_and_the_triggers(tmp_path):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from alembic import command

    from rentaldesk.db import make_engine
    from rentaldesk.migrations import alembic_config, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'b.sqlite'}")
    upgrade(engine, "0015")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO branches (code, name, zip_code, time_zone, lead_time_minutes, "
                          "min_rental_minutes, turnaround_minutes) VALUES ('B1', 'B1', '10001', 'UTC', 0, 60, 0)"))
        conn.execute(text("INSERT INTO vehicle_classes (code, name, day_rate) VALUES ('SUV', 'SUV', 80)"))
        conn.execute(text("INSERT INTO cars (plate_number, model, year, color, transmission, cost_per_day, status, "
                          "vehicle_class, zip_code, odometer) VALUES ('P1', 'M', 2025, 'W', 'auto', 80, "
                          "'available', 'SUV', '10001', 0)"))
        conn.execute(text("INSERT INTO customers (id, email, name, phone, licence_number, created_at) "
                          "VALUES ('c1', 'a@example.com', 'A', '', '', '2030-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO reservations (id, reference, customer_id, vehicle_class, zip_code, car_id, "
                          "pinned, start_at, end_at, status, price, version, created_at, updated_at, status_reason) "
                          "VALUES ('r1', 'R1', 'c1', 'SUV', '10001', 1, 0, '2030-01-02 00:00:00', "
                          "'2030-01-03 00:00:00', 'confirmed', 80, 1, '2030-01-01 00:00:00', "
                          "'2030-01-01 00:00:00', '')"))
        triggers = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    upgrade(engine, "0016")
    with engine.begin() as conn:
        assert set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()) == triggers
        versions = conn.execute(text("SELECT version FROM pool_versions WHERE zip_code = '10001'")).scalar_one()
        conn.execute(text("UPDATE reservations SET status = 'no-show', no_show_fee = 25 WHERE id = 'r1'"))
        # the pool's trigger still fires on the widened table
        assert conn.execute(text("SELECT version FROM pool_versions WHERE zip_code = '10001'")).scalar_one() > versions
        assert conn.execute(text("SELECT no_show_grace_minutes, no_show_fee FROM branches")).one() == (120, 0)
        assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    with pytest.raises(IntegrityError, match="ck_reservations_status"), engine.begin() as conn:
        conn.execute(text("UPDATE reservations SET status = 'lost' WHERE id = 'r1'"))
    cfg = alembic_config()
    with engine.begin() as conn:  # and back: a no-show becomes expired, the old check again
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0015")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT status FROM reservations")).scalar_one() == "expired"
    with pytest.raises(IntegrityError, match="ck_reservations_status"), engine.begin() as conn:
        conn.execute(text("UPDATE reservations SET status = 'no-show' WHERE id = 'r1'"))
    engine.dispose()


def test_the_branches_file_sets_the_no_show_grace_and_fee(db, tmp_path):
    from rentaldesk.errors import FleetFileError
    from rentaldesk.fleet import import_branches

    path = tmp_path / "branches.csv"
    path.write_text("code,name,zip_code,time_zone,no_show_grace_minutes,no_show_fee\n"
                    "PAR,Paris,75001,Europe/Paris,45,30.00\n"
                    "BOS,Boston,02108,America/New_York,,\n"
                    "NYC,New York,10001,America/New_York,60,0\n", encoding="utf-8")
    assert import_branches(db, path).count == 3
    with db.session() as s:
        terms = {b.code: (b.no_show_grace_minutes, b.no_show_fee) for b in s.scalars(select(Branch))}
    assert terms == {"PAR": (45, Decimal("30.00")), "BOS": (120, Decimal("0.00")), "NYC": (60, Decimal("0.00"))}
    for column, value, words in (("no_show_grace_minutes", "1441", "no-show grace 1,441 is above 1,440"),
                                 ("no_show_fee", "-5", "no-show fee -5 must be more than 0"),
                                 ("no_show_fee", "lots", "no-show fee 'lots' is not an amount")):
        path.write_text(f"code,name,zip_code,time_zone,{column}\nLYO,Lyon,69001,Europe/Paris,{value}\n",
                        encoding="utf-8")
        with pytest.raises(FleetFileError) as refused:
            import_branches(db, path)
        assert [(line, field) for line, field, _ in refused.value.problems] == [(2, column)]
        assert words in refused.value.problems[0][2], refused.value.problems
