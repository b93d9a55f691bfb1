"""The audit trail (issue 13 item 4): every change records who, when, where and what, in the same
transaction; append-only; the bulk statements that bypass the ORM are each recorded."""

from __future__ import annotations

import ast
import sqlite3
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

import rentaldesk
from rentaldesk import audit
from rentaldesk.actor import Actor, acting_as
from rentaldesk.errors import PriceChanged
from rentaldesk.models import AuditEntry, Car, Customer

from ..conftest import day

CLERK = Actor("ann", "clerk", "10001", "desk-1")
MANAGER = Actor("max", "manager", "10001", "desk-2")


def trail(db, kind=None, record_id=None) -> list[audit.AuditView]:
    with db.session() as s:
        found = audit.search(s)
    return [v for v in found if (kind is None or v.record_kind == kind) and (record_id is None or v.record_id == record_id)]


def book(svc, start=None, end=None, **kw):
    return svc.create_reservation(email="bea@example.com", name="Bea Lu", vehicle_class="SUV", zip_code="10001",
                                  start=start or day(1), end=end or day(3), **kw)


def test_a_booking_and_its_changes_record_who_where_and_the_changed_fields_only(svc, fleet, db):
    fleet.cars(1, "SUV", rate="80.00")
    with acting_as(CLERK):
        r = book(svc)
    made = trail(db, "reservation", r.id)
    assert [v.action for v in made] == ["created"]
    first = made[0]
    assert (first.username, first.role, first.branch, first.workstation) == ("ann", "clerk", "10001", "desk-1")
    assert first.label == r.reference and first.changes["status"] == [None, "confirmed"]
    assert first.changes["price"] == [None, "160.00"]
    customer = trail(db, "customer")
    assert [(v.action, v.label, v.username) for v in customer] == [("created", "bea@example.com", "ann")]

    with acting_as(MANAGER):
        svc.cancel_reservation(r.id)
    cancelled = trail(db, "reservation", r.id)[-1]
    assert cancelled.action == "changed" and cancelled.username == "max"
    # the changed fields only: not the version, the stamp, nor a field left as it was
    assert set(cancelled.changes) == {"status"}, cancelled.changes
    assert cancelled.what == "status: confirmed → cancelled"
    assert cancelled.where == "10001 / desk-2"


def test_a_refused_change_records_nothing_and_an_accepted_price_is_a_price_override(svc, fleet, db):
    fleet.cars(1, "SUV", rate="80.00")
    r = book(svc)
    before = len(trail(db))
    with acting_as(CLERK), pytest.raises(PriceChanged):
        svc.update_reservation(r.id, end=day(4), phone="555-0199")
    assert len(trail(db)) == before  # same transaction: rolled back with the change
    with acting_as(CLERK):
        svc.update_reservation(r.id, end=day(4), accept_price=Decimal("240.00"))
    entries = trail(db, "reservation", r.id)[-2:]
    assert [e.action for e in entries] == ["price-override", "changed"]
    override, changed = entries
    assert override.changes["price"] == ["160.00", "240.00"] and override.username == "ann"
    assert changed.changes["price"] == ["160.00", "240.00"]
    assert changed.changes["end_at"][1].startswith(day(4).isoformat()[:16])


def test_the_nobody_signed_in_actor_is_system(svc, fleet, db):
    fleet.cars(1, "SUV")
    book(svc)
    assert {v.username for v in trail(db)} == {"system"}


def test_expiry_a_bulk_update_is_recorded(svc, fleet, db, clock):
    fleet.cars(1, "SUV")
    r = book(svc, day(1), day(2))
    clock.advance(days=3)
    assert svc.mark_reservations_expired() == 1
    last = trail(db, "reservation", r.id)[-1]
    assert last.changes["status"] == ["confirmed", "expired"]


def test_a_move_to_make_room_is_recorded(svc, fleet, db):
    cars = fleet.cars(2, "SUV")
    first = book(svc, day(1), day(3))  # a class reservation: on a car the engine may move
    pinned = svc.create_reservation(email="cy@example.com", name="Cy", vehicle_class="SUV", zip_code="10001",
                                    start=day(2), end=day(4), car_id=first.car_id)
    assert pinned.car_id == first.car_id and svc.get_reservation(first.id).car_id != first.car_id
    moved = trail(db, "reservation", first.id)[-1]
    assert moved.changes == {"car_id": [first.car_id, next(c for c in cars if c != first.car_id)]}


def test_cars_and_customers_edited_through_the_orm_are_recorded(fleet, db):
    (car_id,) = fleet.cars(1, "SUV")
    with acting_as(MANAGER), db.write() as s:
        car = s.get_one(Car, car_id)
        car.color = "Red"
        car.status = "maintenance"
    last = trail(db, "car", str(car_id))[-1]
    assert last.changes == {"color": ["White", "Red"], "status": ["available", "maintenance"]}
    assert last.label.startswith("T") and last.username == "max"


# -- append-only -------------------------------------------------------------------------------------

def test_the_trail_refuses_updates_and_deletes_through_the_orm_and_raw_sql(svc, fleet, db):
    fleet.cars(1, "SUV")
    book(svc)
    count = len(trail(db))
    with pytest.raises(DBAPIError, match="append-only"), db.write() as s:
        s.get_one(AuditEntry, 1).username = "nobody"
    with pytest.raises(DBAPIError, match="append-only"), db.write() as s:
        s.delete(s.get_one(AuditEntry, 1))
    with pytest.raises(DBAPIError, match="append-only"), db.write() as s:
        s.execute(update(AuditEntry).values(username="nobody"))
    with pytest.raises(DBAPIError, match="append-only"), db.write() as s:
        s.execute(delete(AuditEntry))
    path = db.engine.url.database
    raw = sqlite3.connect(path)
    try:
        for sql in ("UPDATE audit_log SET username = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                raw.execute(sql)
    finally:
        raw.close()
    assert len(trail(db)) == count and {v.username for v in trail(db)} == {"system"}


def test_the_code_has_no_update_or_delete_path_for_the_trail():
    package = Path(rentaldesk.__file__).parent
    for path in package.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        for bad in ("update(AuditEntry", "delete(AuditEntry", "update(_T)" if path.name == "audit.py" else "\0",
                    "UPDATE audit_log", "DELETE FROM audit_log"):
            assert bad not in source, f"{path}: {bad}"


# -- the bulk statements the ORM does not see ------------------------------------------------------

_AUDITED_TABLES = {"reservations", "cars", "customers", "drivers", "payments", "staff", "agreements", "damage_marks"}
#: The names the package gives the audited tables in Core statements.
_TABLE_NAMES = {"ReservationRow", "Reservation", "Car", "Customer", "Driver", "LedgerRow", "Staff", "Agreement",
                "DamageRecord", "_T", "_C", "_RESERVATION_T", "_CUSTOMER_T", "t", "table"}


def _bulk_sites() -> set[str]:
    """Every function of the package that runs an INSERT or UPDATE (Core ``insert``/``update``,
    ``insert_many``) on a table named as the audited ones are, or a module-level statement so built."""
    package = Path(rentaldesk.__file__).parent
    found: set[str] = set()
    for path in package.rglob("*.py"):
        if "migrations" in path.parts or path.name == "audit.py":
            continue
        if path.name == "db.py":  # insert_many's own generic INSERT: its callers are the sites
            continue
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        statements = set()  # module-level names bound to such a statement
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(_is_bulk(n) for n in ast.walk(node.value)):
                statements |= {t.id for t in node.targets if isinstance(t, ast.Name)}

        def visit(node: ast.AST, where: str, module: str = module, statements: set[str] = statements) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.ClassDef)):
                    visit(child, f"{where}.{child.name}" if where else child.name)
                    continue
                if where and (_is_bulk(child) or (isinstance(child, ast.Name) and child.id in statements)):
                    found.add(f"{module}:{where.split('.', 1)[-1] if where.count('.') > 1 else where}")
                visit(child, where)

        visit(tree, "")
    return found


def _is_bulk(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        return False
    if node.func.id == "insert_many":
        target = node.args[1] if len(node.args) > 1 else None
    elif node.func.id in ("update", "insert"):
        target = node.args[0] if node.args else None
    else:
        return False
    if isinstance(target, ast.Call) and isinstance(target.func, ast.Name) and target.func.id == "table":
        target = target.args[0]
    return isinstance(target, ast.Name) and target.id in _TABLE_NAMES


def test_every_bulk_statement_on_an_audited_table_is_a_recorded_path():
    assert {m.__tablename__ for m in audit.AUDITED} == _AUDITED_TABLES  # the names below cover every audited table
    sites = _bulk_sites()
    # the outbox's and inbox's own statements are named _O / table(InboxEvent): not audited tables
    assert sites == audit.BULK_PATHS, sorted(sites ^ audit.BULK_PATHS)


# -- reading ------------------------------------------------------------------------------------------

def test_search_by_user_date_range_and_record(svc, fleet, db):
    fleet.cars(2, "SUV")
    with acting_as(CLERK):
        a = book(svc)
    with acting_as(MANAGER):
        b = svc.create_reservation(email="cy@example.com", name="Cy", vehicle_class="SUV", zip_code="10001",
                                   start=day(1), end=day(2))
    with db.session() as s:
        by_max = audit.search(s, user="MAX")
        assert {v.username for v in by_max} == {"max"} and b.id in {v.record_id for v in by_max}
        assert [v.record_id for v in audit.search(s, record=a.reference.lower())] == [a.id]
        assert [v.record_id for v in audit.search(s, record=f"reservation:{b.id}")] == [b.id]
        assert [v.label for v in audit.search(s, record="customer:cy@example.com")] == ["cy@example.com"]
        everything = audit.search(s)
        newest = max(v.at for v in everything)
        assert audit.search(s, since=newest + timedelta(seconds=1)) == []
        assert len(audit.search(s, until=newest + timedelta(seconds=1))) == len(everything)
        assert audit.search(s, until=min(v.at for v in everything)) == []
        ids = audit.history_ids(s, "reservation", a.id)
        assert [v.record_id for v in audit.entries(s, ids).values()] == [a.id]


def test_describe_words():
    assert audit.describe("changed", {"status": ["booked", "cancelled"]}) == "status: booked → cancelled"
    assert audit.describe("created", {"status": [None, "confirmed"], "price": [None, "80.00"]}) == \
        "created: status: confirmed; price: 80.00"
    assert audit.describe("changed", {"phone": ["", "555"]}) == "phone: — → 555"
    assert audit.describe("rule-override", {"rule": "booked class", "reason": "no SUV"}) == \
        "rule-override: rule: booked class; reason: no SUV"


def test_the_trail_is_written_in_the_changes_transaction(fleet, db):
    fleet.cars(1, "SUV")
    before = len(trail(db))
    with pytest.raises(RuntimeError), db.write() as s:
        s.add(Customer(id="c-1", email="x@example.com", created_at=datetime.now(timezone.utc)))
        s.flush()
        raise RuntimeError("the change fails after its flush")
    assert len(trail(db)) == before


def test_no_audit_rows_in_the_change_log(svc, fleet, db):
    fleet.cars(1, "SUV")
    book(svc)
    with db.session() as s:
        kinds = set(s.scalars(text("SELECT DISTINCT kind FROM change_log")))
    assert "audit_log" not in kinds and kinds <= {"reservations", "customers", "cars", "drivers", "branches",
                                                  "vehicle_classes"}


def test_describe_words_of_an_agreements_steps():
    # a check-out makes the agreement: what it was made with, as a creation says it
    assert audit.describe("checked-out", {"status": [None, "on rent"], "out_odometer": [None, 1000]}) == \
        "checked-out: status: on rent; out_odometer: 1000"
    assert audit.describe("checked-in", {"status": ["on rent", "returned"]}) == "checked-in: status: on rent → returned"
