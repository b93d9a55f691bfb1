"""The booking form says what the engine says (issue 10): the room left for the period, of how
many cars, and when there is none, the ways out under the refusal; at the small and the large
window size, through the real widgets."""

from __future__ import annotations

import pytest

from tests.conftest import day
from tests.gui.conftest import ZIP, settle
from tests.gui.test_booking import choose_class, form, type_customer


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)])
def test_the_form_says_the_room_left_and_the_ways_out(desk, qtbot, counter, size):
    counter.cars(1, "SUV", "10003")  # the class at a nearby location
    desk.resize(*size)
    ui = form(desk)
    service = desk.desk.service
    start, end = day(0, 3), day(1, 3)  # the form's default period
    service.create_reservation(email="o1@example.com", name="O", vehicle_class="SUV", zip_code=ZIP, start=start, end=end)
    choose_class(qtbot, desk, "SUV")
    type_customer(qtbot, ui, "ann@example.com", "Ann Lee")
    settle(qtbot, desk)
    assert ui.freeCarsLabel.text() == "Room for 1 more of 2 SUV cars for this period"  # not "2 SUV cars free"
    service.create_reservation(email="o2@example.com", name="O", vehicle_class="SUV", zip_code=ZIP, start=start, end=end)
    qtbot.waitUntil(lambda: "No room" in ui.freeCarsLabel.text())  # the form hears the booking made meanwhile
    words = ui.freeCarsLabel.text()
    assert words.startswith("No room: all 2 SUV cars are taken for this period.<br>Instead:")
    assert "<br>• an Economy at 10001: room for 2 more of 2 Economy cars, $40.00 a day" in words  # by its name
    # another location: the period on its own clock, its zone named as the desk's clock does
    assert ("<br>• an SUV at 10003, Branch 10003, for Mon 4 Mar 2030, 10:00 to Tue 5 Mar 2030, 10:00 EST: "
            "room for 1 more of 1 SUV car, $80.00 a day") in words
    assert "<br>• the same SUV for " in words  # the nearest period: when a car is back
    assert ui.errorClass.text()  # the refusal stays by its field, the ways out under it
    label = ui.freeCarsLabel
    assert label.isVisible() and label.width() <= ui.freeCarsView.width() + 40  # wraps within its column
