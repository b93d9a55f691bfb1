"""The desk shows each role its part (rentaldesk/gui/roles.py): a clerk and a manager sign in at a
real desk (real SQLite file, Qt offscreen) and exactly the controls their role lacks are off, each
tooltip naming the permission; the branch's idle time sets the lock (Branch.lock_after_minutes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget
from sqlalchemy import select, update

from rentaldesk import actor, staff
from rentaldesk.errors import FleetFileError
from rentaldesk.fleet import import_branches
from rentaldesk.gui.main_window import MainWindow
from rentaldesk.gui.roles import ROLE_WIDGETS
from rentaldesk.gui.sign_in import LOCK_AFTER_MS, DeskLock, lock_after_ms
from rentaldesk.models import Branch, Customer
from rentaldesk.reservations import ReservationService
from tests.conftest import day
from tests.gui.conftest import ZIP, settle

ADMIN = actor.Actor("root", "admin")
CUSTOMERS = 5  # the customers screen's number in the navigation
FLEET = 2


@pytest.fixture(autouse=True)
def signed_out() -> Iterator[None]:
    yield
    actor.sign_in(None)  # the process's actor: never left to the next test


def staffed(db) -> None:  # noqa: ANN001
    staff.add_staff(db, username="root", name="Ada", role="admin", password="root-pass-1")
    with actor.acting_as(ADMIN):
        staff.add_staff(db, username="ann", name="Ann Lee", role="clerk", password="ann-pass-1", branches=[ZIP])
        staff.add_staff(db, username="max", name="Max", role="manager", password="max-pass-1")


def role_disabled(window: MainWindow) -> dict[str, str]:
    """Every control the role took away, by object name, with its tooltip."""
    found: dict[str, str] = {}
    for control in window.findChildren(QObject):
        if isinstance(control, (QWidget, QAction)) and control.property("roleDisabled"):
            assert not control.isEnabled(), control.objectName()
            found[control.objectName()] = control.toolTip()
    return found


def test_a_clerk_and_a_manager_each_see_exactly_their_part(
        qtbot, db, clock, counter, open_desk: Callable[[], MainWindow]) -> None:  # noqa: ANN001
    staffed(db)
    with actor.acting_as(ADMIN):
        ReservationService(db, clock=clock).create_reservation(email="dee@example.com", name="Dee Renter", vehicle_class="SUV",
                                           zip_code=ZIP, start=day(1), end=day(3))
    with db.write() as s:  # a renter on the do-not-rent list: the reason is the manager's to edit
        s.execute(update(Customer).values(do_not_rent=True, do_not_rent_reason="unpaid damage"))
    actor.sign_in(staff.sign_in(db, "ann", "ann-pass-1", branch=ZIP))
    window = open_desk()
    window.show_screen(CUSTOMERS)
    settle(qtbot, window)
    window.customers.ui.customersView.selectRow(0)
    window.show_screen(FLEET)
    settle(qtbot, window)
    lock = DeskLock(window, db, ZIP, idle_ms=60_000)  # its idle timer runs from here: no settling after
    window.fleet.ui.carsView.selectRow(0)  # a selection made by the clerk

    taken = role_disabled(window)
    assert set(taken) == set(ROLE_WIDGETS)  # the clerk lacks every manager's control on the desk...
    assert taken["importButton"] == "Needs the permission to import the fleet; ann (clerk) is signed in"
    assert taken["addButton"] == taken["editButton"] == "Needs the permission to edit the fleet; ann (clerk) is signed in"
    assert taken["doNotRentCheck"].startswith("Needs the permission to manage the do-not-rent list; ann")
    # ...and a selection does not give them back
    assert window.fleet.selected() is not None and not window.fleet.ui.editButton.isEnabled()
    assert window.customers.shown is not None and window.customers.ui.doNotRentCheck.isChecked()
    assert not window.customers.ui.doNotRentReasonEdit.isEnabled()
    assert window.customers.ui.nameEdit.isEnabled()  # a clerk edits the customer's own details

    lock.switch.trigger()  # the manager signs in at the same desk
    assert lock.dialog is not None
    qtbot.keyClicks(lock.dialog.ui.usernameEdit, "max")
    qtbot.keyClicks(lock.dialog.ui.passwordEdit, "max-pass-1")
    qtbot.keyClick(lock.dialog.ui.passwordEdit, Qt.Key.Key_Return)
    assert actor.current_actor().role == "manager"
    assert role_disabled(window) == {}
    assert window.fleet.ui.editButton.isEnabled()  # the selection still there: Edit car is offered
    assert window.fleet.ui.addButton.isEnabled() and window.ui.actionImportFleet.isEnabled()
    assert window.customers.ui.doNotRentCheck.isEnabled() and window.customers.ui.doNotRentReasonEdit.isEnabled()
    assert not window.fleet.ui.importButton.toolTip().startswith("Needs the permission")  # its own tooltip back


def test_the_branch_sets_the_idle_time_before_the_lock(db, counter, tmp_path) -> None:  # noqa: ANN001
    assert lock_after_ms(db, ZIP) == LOCK_AFTER_MS == 5 * 60 * 1000  # a branch that set nothing: 5 min
    assert lock_after_ms(db, None) == LOCK_AFTER_MS
    with db.session() as s:
        code, name, zone = s.execute(select(Branch.code, Branch.name, Branch.time_zone)
                                     .where(Branch.zip_code == ZIP)).one()
    path = tmp_path / "branches.csv"
    path.write_text(f"code,name,zip_code,time_zone,lock_after_minutes\n{code},{name},{ZIP},{zone},15\n",
                    encoding="utf-8")
    import_branches(db, path)
    assert lock_after_ms(db, ZIP) == 15 * 60 * 1000


@pytest.mark.parametrize(("value", "says"), [
    ("0", "lock after 0 is below 1; the lock after must be between 1 and 240"),
    ("241", "lock after 241 is above 240; the lock after must be between 1 and 240"),
    ("five", "is not a whole number; type minutes such as 5"),
])
def test_a_bad_idle_time_is_refused_naming_it_and_nothing_is_saved(db, counter, tmp_path, value, says) -> None:  # noqa: ANN001
    with db.session() as s:
        code, name, zone, lead = s.execute(select(Branch.code, Branch.name, Branch.time_zone, Branch.lead_time_minutes)
                                           .where(Branch.zip_code == ZIP)).one()
    assert lead != 1
    path = tmp_path / "branches.csv"
    path.write_text(f"code,name,zip_code,time_zone,lock_after_minutes,lead_time_minutes\n"
                    f"{code},{name},{ZIP},{zone},{value},1\n", encoding="utf-8")
    with pytest.raises(FleetFileError) as exc:
        import_branches(db, path)
    [(line, field, message)] = exc.value.problems
    assert (line, field) == (2, "lock_after_minutes") and says in message
    with db.session() as s:
        branch = s.scalar(select(Branch).where(Branch.zip_code == ZIP))
        assert (branch.lock_after_minutes, branch.lead_time_minutes) == (5, lead)  # nothing half-saved
