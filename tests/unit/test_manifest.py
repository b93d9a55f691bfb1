"""The day's manifest (issue 11, manifest; rentaldesk.manifest) on a real SQLite file: its four lists
through a day at the counter, the branch's local day, the late rule shared with the check-in's
charges, and a bounded number of queries."""

from __future__ import annotations

import io
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import event, update

from rentaldesk import documents, rates
from rentaldesk.charges import Usage, settle
from rentaldesk.errors import UnknownPool
from rentaldesk.manifest import branch_today, day_manifest
from rentaldesk.models import Branch, Reservation

from ..conftest import day, require_tools
from ..contract_helpers import check_in_value, check_out_value, may_rent

TUESDAY = date(2030, 3, 5)  # day(1) is Tue 5 Mar 07:00 in New York


def book(svc, start, end, email, phone="555-0100"):
    return svc.create_reservation(email=email, name=email.split("@")[0].title(), phone=phone, vehicle_class="SUV",
                                  zip_code="10001", start=start, end=end)


def manifest(db, clock, on=TUESDAY):
    with db.session() as s:
        return day_manifest(s, "10001", on, clock())


def refs(rows):
    return [r.reference for r in rows]


def a_day(svc, fleet, clock, db):
    """Tuesday at 11:00 in New York: a out on its agreement, b 2 hours past its pick-up time, c out
    since Monday and due back at 08:00, d due back Monday and not back; the clock is there."""
    fleet.cars(6, "SUV")
    with db.write() as s:  # rentals of a few hours here
        s.execute(update(Branch).values(min_rental_minutes=60))
    a = book(svc, day(1, 1), day(3), "ann@example.com", "555-0101")    # out Tue
    b = book(svc, day(1, 2), day(2), "bob@example.com", "555-0102")    # out Tue: never comes
    c = book(svc, day(0, 3), day(1, 3), "cy@example.com", "555-0103")  # out Mon, back Tue
    d = book(svc, day(0, 3), day(0, 10), "di@example.com", "555-0104")  # out Mon, back Mon: not back
    book(svc, day(2), day(4), "eve@example.com")                       # Wednesday's
    f = book(svc, day(1, 4), day(3), "fay@example.com")                # Tuesday's, cancelled
    svc.cancel_reservation(f.id)
    clock.now = day(0, 3)
    may_rent(db, c.customer_id)
    c_out = svc.check_out(check_out_value(c.id))
    svc.pick_up(d.id)
    clock.now = day(1, 1)
    svc.pick_up(a.id)
    clock.now = day(1, 4)  # Tue 11:00 local: b is 2 hours past its pick-up time
    return a, b, c, d, c_out.id


def test_a_day_at_the_counter(svc, fleet, clock, db):
    a, b, c, d, c_agreement = a_day(svc, fleet, clock, db)
    m = manifest(db, clock)
    assert (m.branch_name, m.time_zone, m.day, m.no_show_grace) == ("Branch 10001", "America/New_York", TUESDAY,
                                                                    timedelta(hours=2))
    assert refs(m.due_out) == [a.reference, b.reference]
    assert [(r.status, r.picked_up_at) for r in m.due_out] == [("active", day(1, 1)), ("confirmed", None)]
    assert refs(m.due_in) == [c.reference]
    assert refs(m.overdue) == [d.reference, c.reference]  # by their booked return
    assert [(r.customer_phone, r.late_from) for r in m.overdue] == [
        ("555-0104", day(0, 10) + timedelta(minutes=29)), ("555-0103", day(1, 3) + timedelta(minutes=29))]
    assert [(r.reference, r.can_mark_no_show, r.no_show_from) for r in m.no_shows] == [
        (b.reference, True, day(1, 4))]
    assert not any(r.can_mark_no_show for r in (*m.due_in, *m.overdue)) and m.due_out[1].can_mark_no_show

    assert [(r.reference, r.agreement_number) for r in m.due_in] == [(c.reference, "B10001-000001")]
    svc.mark_no_show(b.id)
    svc.check_in(check_in_value(c_agreement, clock.now))
    m = manifest(db, clock)
    assert refs(m.due_out) == [a.reference]  # the no-show is listed as one, not as due out
    assert [(r.reference, r.status, r.can_mark_no_show, r.no_show_fee) for r in m.no_shows] == [
        (b.reference, "no-show", False, Decimal("0.00"))]
    assert [(r.reference, r.status, r.returned_at) for r in m.due_in] == [(c.reference, "completed", day(1, 4))]
    assert refs(m.overdue) == [d.reference]
    assert m.reservation_ids == {a.id, b.id, c.id, d.id}

    monday = manifest(db, clock, TUESDAY - timedelta(days=1))
    assert refs(monday.due_out) == sorted([c.reference, d.reference])  # the same time: by reference
    assert refs(monday.due_in) == [d.reference]  # still out; c came back on Tuesday
    assert refs(monday.overdue) == [d.reference]  # late is as of now, whichever day is shown


def test_the_day_is_the_branch_s_local_day(svc, fleet, clock, db):
    fleet.cars(2, "SUV")
    late = book(svc, day(1, 16.5), day(3), "late@example.com")   # Tue 23:30 in New York, Wed 04:30 UTC
    early = book(svc, day(1, 17), day(3), "early@example.com")   # Wed 00:00 in New York
    assert refs(manifest(db, clock).due_out) == [late.reference]
    assert refs(manifest(db, clock, TUESDAY + timedelta(days=1)).due_out) == [early.reference]
    with db.session() as s:
        assert branch_today(s, "10001", day(1, 16.9)) == TUESDAY
        assert branch_today(s, "10001", day(1, 17)) == TUESDAY + timedelta(days=1)


@pytest.mark.parametrize("grace", [0, 45])
def test_overdue_is_late_as_the_check_in_charges_it(svc, fleet, clock, db, grace):
    """The one rule (charges.late_from): a car still out is overdue exactly when returning it then
    would be charged a late fee by the plan it was quoted with."""
    fleet.cars(1, "SUV")
    with db.write() as s:
        plan = rates.plan_for(s, "SUV", "10001")
        rates.save_plan(s, rates.RatePlan(**{**{f: getattr(plan, f) for f in plan.__dataclass_fields__},
                                             "hour_rate": Decimal("20.00"), "late_grace_minutes": grace}))
    r = book(svc, day(0, 3), day(1, 3), "ann@example.com")
    clock.now = day(0, 3)
    svc.pick_up(r.id)
    with db.write() as s:  # a later change of the branch's plan changes nothing for this rental
        rates.save_plan(s, rates.RatePlan(**{**{f: getattr(plan, f) for f in plan.__dataclass_fields__},
                                             "late_grace_minutes": 600}))
    with db.session() as s:
        kept = rates.RatePlan.from_json(s.get(Reservation, r.id).rate_plan)
    for past in (timedelta(0), timedelta(minutes=grace), timedelta(minutes=grace, seconds=1), timedelta(hours=5)):
        clock.now = day(1, 3) + past
        overdue = refs(manifest(db, clock).overdue) == [r.reference]
        charged = settle(kept, Usage(picked_up_at=day(0, 3), returned_at=clock.now, booked_start=day(0, 3),
                                     booked_end=day(1, 3), distance=0, fuel_out_eighths=8, fuel_in_eighths=8,
                                     damage_charge=Decimal("0.00")))
        assert overdue == any(line.code == "late" for line in charged.lines), past
        assert overdue == (past > timedelta(minutes=grace))


def test_the_manifest_takes_two_queries_however_many_rows(svc, fleet, clock, db):
    fleet.cars(18, "SUV")
    for i in range(12):
        book(svc, day(0, 3 + i / 10), day(1, 4 + i / 10), f"c{i}@example.com")
    clock.now = day(0, 4.5)
    for r in svc.list_reservations():
        svc.pick_up(r.id)
    for i in range(6):
        book(svc, day(1, 2 + i / 10), day(3), f"n{i}@example.com")
    clock.now = day(1, 6)
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        m = manifest(db, clock)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert (len(m.due_out), len(m.due_in), len(m.overdue), len(m.no_shows)) == (6, 12, 12, 6)
    assert len([q for q in statements if q.lstrip().upper().startswith("SELECT")]) == 2, statements


def test_an_unknown_branch_is_named_with_the_known_ones(fleet, db, clock):
    fleet.branch("10001")
    with db.session() as s, pytest.raises(UnknownPool, match="10001") as refused:
        day_manifest(s, "99999", TUESDAY, clock())
    assert refused.value.field == "zip_code" and "99999" in refused.value.message


def test_the_manifest_pdf_lists_every_row_with_its_phone(svc, fleet, clock, db, tmp_path):
    require_tools("pdftotext", "pdftoppm")
    a, b, c, d, _ = a_day(svc, fleet, clock, db)
    with db.write() as s:
        s.execute(update(Branch).values(no_show_fee=Decimal("50.00")))
    svc.mark_no_show(b.id)
    m = manifest(db, clock)
    path = documents.save(documents.manifest_pdf(m), tmp_path, documents.manifest_file_name(m))
    assert path.name == "manifest-10001-2030-03-05.pdf"
    lines = [" ".join(line.split()) for line in subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout.splitlines()]
    assert "Manifest Tue 05 Mar 2030" in lines
    assert "Due out 1, due in 1, overdue 2, no-shows 1." in lines
    for row in (f"08:00 {a.reference} Ann 555-0101 SUV {a.plate_number} out 08:00",
                f"10:00 {c.reference} Cy 555-0103 {c.plate_number} B10001-000001 late since 10:29",
                f"04 Mar 17:00 {d.reference} Di 555-0104 {d.plate_number} 04 Mar 17:29",
                f"09:00 {b.reference} Bob 555-0102 SUV no-show, fee $50.00"):
        assert row in lines, (row, lines)
    assert [ln for ln in lines if ln.startswith(("Due out (", "Due in (", "Overdue (", "No-shows ("))] == [
        "Due out (1)", "Due in (1)", "Overdue (2)", "No-shows (1)"]
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").read_bytes().startswith(b"\x89PNG")


def test_an_empty_day_says_none_in_each_list(fleet, db, clock):
    fleet.branch("10001")
    m = manifest(db, clock)
    text = " ".join(PdfReader(io.BytesIO(documents.manifest_pdf(m))).pages[0].extract_text().split())
    assert "Due out 0, due in 0, overdue 0, no-shows 0." in text and text.count("None.") == 4


def test_the_manifest_s_index_leaves_the_pools_their_own(svc, fleet, db, clock):
    """The engine's reads of a pool (availability, a booking) keep the pool's index: an index the
    manifest added, led by the zip code, was SQLite's choice for them (no statistics), and read the
    branch's whole history before the period (a booking 60 % slower at 100,000 reservations)."""
    fleet.cars(2, "SUV")
    seen: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        if statement.lstrip().upper().startswith("SELECT") and "FROM reservations" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        svc.is_rental_available(vehicle_class="SUV", zip_code="10001", start=day(1), end=day(2))
        svc.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(2))
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)
    with db.engine.connect() as c:
        plans = {st: " ".join(str(r[-1]) for r in c.exec_driver_sql("EXPLAIN QUERY PLAN " + st, p))
                 for st, p in seen if "vehicle_class" in st}
    assert plans and any("ix_reservations_pool_window" in p for p in plans.values()), plans
    assert not [p for p in plans.values() if "ix_reservations_start_branch" in p], plans
