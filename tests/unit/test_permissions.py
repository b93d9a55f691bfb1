"""Roles enforced in the core (rentaldesk/permissions.py): every public service function is called
with every role on a real SQLite file that has staff accounts, and is refused exactly where the
issue's role list says so.

The functions are found by walking the service classes and the service modules (every public
function taking a database or a session): one missing from :data:`EXPECTED` fails the test, so a
new service function has to say who may call it. The calls use placeholder arguments: the check is
the function's first line, so a refusal is :class:`PermissionDenied` and anything else (a result,
a refusal of the placeholder) means the check let the call through.
"""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from rentaldesk import cars, customers, extras, fleet, rates, renters, staff
from rentaldesk.hq import branch_mail
from rentaldesk.actor import SYSTEM, Actor, acting_as
from rentaldesk.agreement_service import AgreementService
from rentaldesk.db import Database
from rentaldesk.errors import PermissionDenied
from rentaldesk.permissions import GRANTS, Permission, require
from rentaldesk.reservations import ReservationService

CLERK = Actor("cleo", "clerk", "10001", "t")
MANAGER = Actor("max", "manager", "10001", "t")
ADMIN = Actor("ada", "admin", None, "t")
SYNC = Actor("sync", "service", "10001", "t")
HQ = Actor("hq", "service", None, "t")
WEB = Actor("web", "service", None, "t")
ACTORS = {"clerk": CLERK, "manager": MANAGER, "admin": ADMIN, "sync": SYNC, "hq": HQ, "web": WEB,
          "nobody": SYSTEM}

# Who may, written out from the issue's list (not derived from the table under test).
STAFF = {"clerk", "manager", "admin"}
READERS = STAFF | {"sync", "hq", "web"}
COUNTER = STAFF | {"web"}  # book, change, cancel: the web site books for its customers
FRONT = STAFF  # check out and in, payments: at the counter only
CHORES = STAFF | {"sync", "hq"}  # the day's housekeeping
MANAGERS = {"manager", "admin"}
FLEET_WRITERS = {"manager", "admin", "sync", "hq"}  # the fleet's one write path: head office's facts too
ADMINS = {"admin"}
#: Not checked: the sign-in itself and the first-start question are asked before anyone is signed in.
OPEN = {"clerk", "manager", "admin", "sync", "hq", "web", "nobody"}

EXPECTED: dict[str, set[str]] = {
    # ReservationService
    "ReservationService.subscribe": OPEN, "ReservationService.announce": OPEN,  # the screens' plumbing
    "ReservationService.customer_id_for": COUNTER,
    **{f"ReservationService.{name}": READERS for name in (
        "get_reservation", "list_reservations", "is_rental_available", "reserved_count", "duplicate_of",
        "free_cars", "room", "ways_out", "quote", "quote_charges", "extras_offered", "stock_refusal",
        "sold_out", "renter_rules", "cars_for", "offers_at")},
    "ReservationService.create_reservation": COUNTER,
    "ReservationService.update_reservation": COUNTER,
    "ReservationService.cancel_reservation": COUNTER,
    "ReservationService.assign_car": COUNTER,
    "ReservationService.pick_up": FRONT, "ReservationService.check_out": FRONT,
    "ReservationService.return_car": FRONT, "ReservationService.check_in": FRONT,
    "ReservationService.mark_no_show": CHORES, "ReservationService.mark_reservations_expired": CHORES,
    # AgreementService (the ledger)
    "AgreementService.take_payment": FRONT, "AgreementService.capture_deposit": FRONT,
    "AgreementService.release_deposit": FRONT,
    "AgreementService.refund": MANAGERS, "AgreementService.write_off": MANAGERS,
    # the fleet, drivers, branches
    "fleet.put_car": FLEET_WRITERS, "fleet.import_fleet": MANAGERS, "fleet.import_drivers": MANAGERS,
    "fleet.import_branches": ADMINS, "fleet.load_sample_data": ADMINS, "fleet.set_branch": ADMINS,
    "cars.add_car": FLEET_WRITERS, "cars.update_car": FLEET_WRITERS,
    # customers
    "customers.update_customer": COUNTER, "customers.customer_view": READERS,
    "customers.search_customers": READERS, "customers.history": READERS,
    "customers.get_or_create_customer": OPEN,  # inside create_reservation / customer_id_for, checked there
    # rates, taxes, drop fees, extras, renter rules: settings
    "rates.save_plan": ADMINS, "rates.save_taxes": ADMINS, "rates.save_drop_fee": ADMINS,
    "extras.save_catalogue": ADMINS, "renters.set_rule": ADMINS,
    # read inside the checked services (quotes, bookings, check-in), never a screen's own entry
    "rates.plan_for": OPEN, "rates.plans_at": OPEN, "rates.drop_fee": OPEN, "rates.drop_fee_rule": OPEN, "extras.catalogue": OPEN, "extras.choose": OPEN,
    "extras.stock_at": OPEN, "extras.check_stock": OPEN, "renters.rules_for": OPEN,
    "renters.check_renter": OPEN, "renters.young_driver_fee": OPEN, "renters.check_at_booking": OPEN,
    "renters.add_sample_rules": OPEN, "renters.list_rules": OPEN,
    "fleet.car_state": OPEN,  # a car read for the request a branch sends, inside put_car's callers
    # staff
    "staff.add_staff": ADMINS, "staff.update_staff": ADMINS, "staff.list_staff": ADMINS,
    "staff.sign_in": OPEN, "staff.has_staff": OPEN, "staff.sign_in_session": OPEN, "staff.session_actor": OPEN,
    # a standalone branch's mail: the list names customers' addresses; sending again is the day's chores
    "branch_mail.unsent": READERS, "branch_mail.send_again": CHORES,
    "staff.add_demo_staff": ADMINS, "staff.refuse_demo_staff": OPEN,  # the latter only asks whether staff exist
}

MODULES: tuple[ModuleType, ...] = (fleet, cars, customers, rates, extras, renters, staff, branch_mail)


def _touches_database(fn: Callable[..., Any]) -> bool:
    params = list(inspect.signature(fn).parameters.values())
    return any(str(p.annotation) in ("Session", "Database") for p in params)


def service_functions() -> dict[str, tuple[type | ModuleType, str]]:
    found: dict[str, tuple[type | ModuleType, str]] = {}
    for cls in (ReservationService, AgreementService):
        for name, _member in inspect.getmembers(cls, inspect.isfunction):
            if not name.startswith("_"):
                found[f"{cls.__name__}.{name}"] = (cls, name)
    for module in MODULES:
        for name, member in inspect.getmembers(module, inspect.isfunction):
            if (not name.startswith("_") and member.__module__ == module.__name__
                    and _touches_database(member)):
                found[f"{module.__name__.rsplit('.', 1)[1]}.{name}"] = (module, name)
    return found


FUNCTIONS = service_functions()


def test_every_service_function_is_in_the_table():
    assert set(FUNCTIONS) - set(EXPECTED) == set(), "say who may call these"
    assert set(EXPECTED) - set(FUNCTIONS) == set(), "gone or renamed"


@pytest.fixture(scope="module")
def staffed(tmp_path_factory) -> Database:
    """A branch database with one account (nobody signed in is no longer the first start)."""
    from rentaldesk.db import open_database

    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('perm') / 'branch.sqlite'}")
    staff.add_staff(db, username="ada", name="Ada Admin", role="admin", password="ada-pass-1")
    yield db
    db.close()


def _placeholder(param: inspect.Parameter, db: Database, session: Any) -> object:
    kind = str(param.annotation)
    if kind == "Database":
        return db
    if kind == "Session":
        return session
    return "x"


def _call(db: Database, owner: type | ModuleType, name: str) -> None:
    if owner is ReservationService:
        target: Callable[..., Any] = getattr(ReservationService(db), name)
    elif owner is AgreementService:
        target = getattr(AgreementService(ReservationService(db)), name)
    else:
        target = getattr(owner, name)
    with db.session() as session:
        args: dict[str, object] = {}
        positional: list[object] = []
        for p in inspect.signature(target).parameters.values():
            if p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            value = _placeholder(p, db, session)
            if p.kind is p.POSITIONAL_ONLY:
                positional.append(value)
            else:
                args[p.name] = value
        target(*positional, **args)


@pytest.mark.parametrize("who", list(ACTORS))
@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_each_role_may_call_exactly_its_part(staffed, function, who):
    owner, name = FUNCTIONS[function]
    with acting_as(ACTORS[who]):
        try:
            _call(staffed, owner, name)
        except PermissionDenied as exc:
            assert who not in EXPECTED[function], f"{who} was refused {function}: {exc}"
            assert exc.username == ACTORS[who].username
            return
        except Exception:  # noqa: BLE001 - the placeholder refused after the check let it through
            pass
    assert who in EXPECTED[function], f"{who} was let through {function}"


def test_the_refusal_names_what_is_needed_and_who_is_signed_in(staffed):
    with acting_as(CLERK), pytest.raises(PermissionDenied) as refused:
        AgreementService(ReservationService(staffed)).refund("a", "cash", 1, "r", "why")  # type: ignore[arg-type]
    assert str(refused.value) == "Not allowed: this needs the permission to refund; cleo (clerk) does not have it."
    assert refused.value.field == "user" and refused.value.permission == "refund"
    with pytest.raises(PermissionDenied, match="Sign in first: this needs the permission to book, and nobody"):
        ReservationService(staffed).create_reservation(email="a@b.c", name="A", vehicle_class="SUV",
                                                       zip_code="10001", start="x", end="x")  # type: ignore[arg-type]


def test_nobody_signed_in_may_do_everything_only_on_a_database_without_staff(db):
    assert require(Permission.MANAGE_STAFF, db) is SYSTEM
    staff.add_staff(db, username="ada", name="Ada", role="admin", password="ada-pass-1")
    with pytest.raises(PermissionDenied):
        require(Permission.VIEW, db)


def test_do_not_rent_is_a_managers_call_and_other_edits_a_clerks(staffed):
    with acting_as(ADMIN):
        cid = ReservationService(staffed).customer_id_for("dora@example.com", "Dora")
    edit = customers.CustomerEdit(do_not_rent=True, do_not_rent_reason="unpaid damage")
    for who, edit_of, allowed in ((CLERK, edit, False), (MANAGER, edit, True),
                                  (CLERK, customers.CustomerEdit(phone="555 0101"), True)):
        with acting_as(who), staffed.write() as s:
            if allowed:
                customers.update_customer(s, cid, edit_of, today=datetime.date(2026, 12, 3))
            else:
                with pytest.raises(PermissionDenied, match="manage the do-not-rent list"):
                    customers.update_customer(s, cid, edit_of, today=datetime.date(2026, 12, 3))


def test_the_table_gives_each_role_its_issue_list():
    clerk, manager, admin = GRANTS["clerk"], GRANTS["manager"], GRANTS["admin"]
    P = Permission
    assert {P.BOOK, P.CHANGE, P.CANCEL, P.CHECK_OUT, P.CHECK_IN, P.TAKE_PAYMENT} <= clerk
    assert not clerk & {P.EDIT_FLEET, P.IMPORT_FLEET, P.OVERRIDE_PRICE, P.WRITE_OFF, P.REFUND, P.MANAGE_DRIVERS,
                        P.DO_NOT_RENT, P.CANCEL_WITHOUT_FEE, P.MANAGE_STAFF, P.MANAGE_BRANCHES, P.MANAGE_RATES,
                        P.MANAGE_SETTINGS}
    assert manager - clerk == {P.EDIT_FLEET, P.IMPORT_FLEET, P.OVERRIDE_PRICE, P.WRITE_OFF, P.REFUND,
                               P.MANAGE_DRIVERS, P.DO_NOT_RENT, P.CANCEL_WITHOUT_FEE,
                               P.READ_AUDIT,  # (searching the audit trail: who did what, a manager's)
                               P.READ_DASHBOARD}  # (head office's dashboard on the web site)
    assert P.READ_AUDIT not in clerk and P.READ_DASHBOARD not in clerk
    assert not any(P.READ_DASHBOARD in GRANTS[f"service:{a}"] for a in ("sync", "hq", "web"))
    assert admin - manager == {P.MANAGE_STAFF, P.MANAGE_BRANCHES, P.MANAGE_RATES, P.MANAGE_SETTINGS}
