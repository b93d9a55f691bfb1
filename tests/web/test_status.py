"""The booking's live status (``/booking/status``, :class:`rentaldesk.web.network.Decisions`): what a
standalone site answers, and how a waiting page is woken by the sync loop's announcement."""

from __future__ import annotations

import asyncio
import threading
import time

from rentaldesk.values import Changes
from rentaldesk.web import network
from rentaldesk.web.network import Decisions

from .conftest import text_of


def test_standalone_the_status_is_final_at_once_and_asks_nothing_more(site):
    assert site.client.get("/booking/status", params={"of": "booked"}).status_code == 204  # no booking held
    site.book(follow_redirects=True)
    answer = site.client.get("/booking/status", params={"of": "booked"})
    assert answer.status_code == 200
    assert "hx-get" not in answer.text and "Confirmed" in text_of(answer.text)  # its own authority
    assert "hx-get" not in site.client.get("/confirmation").text


def test_a_waiting_page_wakes_when_its_reservation_is_announced_and_not_for_another(monkeypatch):
    monkeypatch.setattr(network, "RECHECK", 600.0)  # only the announcement can end the wait in time
    decisions = Decisions()
    state = {"pending": True}
    reads = []

    async def pending() -> bool:
        reads.append(state["pending"])
        return state["pending"]

    async def scenario() -> None:
        loop = asyncio.get_running_loop()

        def consumer_thread() -> None:  # the sync loop's thread: another reservation, then this one
            decisions.changed(Changes(reservations=frozenset({"other"})))
            time.sleep(0.2)  # a wrong wake would read the reservation again while still pending
            state["pending"] = False
            decisions.changed(Changes(reservations=frozenset({"r1"})))

        loop.call_later(0.1, lambda: threading.Thread(target=consumer_thread).start())
        await asyncio.wait_for(decisions.wait("r1", 600.0, pending), 60.0)  # a guard: it fails the test

    asyncio.run(scenario())
    assert reads == [True, False]  # read once before waiting, once when woken by its own announcement
    assert decisions._waiting == {}  # nothing left registered


def test_a_decision_applied_before_the_wait_is_not_missed():
    decisions = Decisions()

    async def already_decided() -> bool:
        return False

    async def scenario() -> None:
        await asyncio.wait_for(decisions.wait("r1", 30.0, already_decided), 5.0)

    asyncio.run(scenario())
