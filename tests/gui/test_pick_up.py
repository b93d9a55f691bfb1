"""Pick-up is offered only when the service's rule allows it (not for a booking 4½ days away); a
refusal shows beside the buttons, and goes with the next selection or after a while."""

from __future__ import annotations

from datetime import timedelta

from rentaldesk.gui.checkout_dialog import CheckOutDialog
from tests.gui.conftest import ZIP, settle


def book(desk, clock, email: str, ahead: timedelta):  # noqa: ANN001, ANN201
    return desk.desk.service.create_reservation(email=email, name=email.split("@")[0].title(), vehicle_class="SUV",
                                                zip_code=ZIP, start=clock() + ahead, end=clock() + ahead + timedelta(days=2))


def upcoming(qtbot, desk):  # noqa: ANN001, ANN201
    desk.show_screen(1)
    ui = desk.reservations.ui
    ui.upcomingButton.click()
    settle(qtbot, desk)
    return ui


def choose(qtbot, desk, reference: str) -> None:  # noqa: ANN001
    screen = desk.reservations
    for row in range(screen.proxy.rowCount()):
        if screen.proxy.row_at(row).reference == reference:
            screen.ui.reservationsView.selectRow(row)
    settle(qtbot, desk)
    assert screen.selected().reference == reference


def test_pick_up_is_not_offered_four_and_a_half_days_ahead(desk, qtbot, clock):
    far = book(desk, clock, "far@example.com", timedelta(days=4, hours=12))
    near = book(desk, clock, "near@example.com", timedelta(hours=3))
    ui = upcoming(qtbot, desk)
    choose(qtbot, desk, far.reference)
    assert not ui.pickUpButton.isEnabled()
    assert "starts in 4 days 12 hours" in ui.actionError.text() and "pick-up opens 12 hours before" in ui.actionError.text()
    desk.reservations.open_selected()
    settle(qtbot, desk)
    dialog = desk.reservations.dialog
    assert not dialog.ui.pickUpButton.isEnabled() and "pick-up opens" in dialog.ui.pickUpButton.toolTip()
    dialog.reject()
    choose(qtbot, desk, near.reference)
    assert ui.pickUpButton.isEnabled() and not ui.actionError.isVisible()
    desk.reservations.open_selected()
    settle(qtbot, desk)
    assert desk.reservations.dialog.ui.pickUpButton.isEnabled()
    desk.reservations.dialog.reject()


def test_a_refusal_shows_by_the_buttons_and_does_not_stay(desk, qtbot, clock):
    near = book(desk, clock, "near@example.com", timedelta(hours=3))
    other = book(desk, clock, "other@example.com", timedelta(days=3))
    ui = upcoming(qtbot, desk)
    choose(qtbot, desk, near.reference)
    assert ui.pickUpButton.isEnabled()
    clock.advance(hours=-10)  # the world moved on since the button was offered: now it is too early
    ui.pickUpButton.click()  # the check-out dialog opens; its Confirm asks the service, which says no
    settle(qtbot, desk)
    dialog = desk.reservations.findChild(CheckOutDialog)
    dialog.confirm()
    settle(qtbot, desk)
    assert dialog.ui.formError.isVisible() and "pick-up opens 12 hours before" in dialog.ui.formError.text()
    dialog.reject()
    ui.returnButton.setEnabled(True)  # offered a moment before (as above): no agreement is on rent
    ui.returnButton.click()
    settle(qtbot, desk)
    assert ui.actionError.isVisible() and f"no agreement '{near.reference}'" in ui.actionError.text().replace("“", "'").replace("”", "'")
    assert ui.actionError.geometry().top() >= ui.reservationsView.geometry().bottom()  # beside the buttons
    assert abs(ui.actionError.geometry().center().y() - ui.pickUpButton.geometry().center().y()) < ui.pickUpButton.height()
    choose(qtbot, desk, other.reference)  # another reservation: the old refusal goes
    assert near.reference not in ui.actionError.text()
    choose(qtbot, desk, near.reference)
    ui.returnButton.setEnabled(True)
    ui.returnButton.click()
    settle(qtbot, desk)
    assert "no agreement" in ui.actionError.text()
    desk.reservations._refusal_timer.timeout.emit()  # its while is over
    settle(qtbot, desk)
    # the refusal is gone; what stays is the plain reason pick-up is not offered
    assert ui.actionError.property("role") == "hint" and ui.actionError.text().startswith("Pick-up: ")
    assert not ui.pickUpButton.isEnabled()
