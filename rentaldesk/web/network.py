"""The web site in a network: a channel into head office's pools, like a branch (issue 12, item 1).

:class:`WebChannel` is a branch of the network whose code is :data:`WEB_SOURCE`, made of the same
parts as a counter's: a :class:`~rentaldesk.reservations.ReservationService` whose link is a
:class:`~rentaldesk.sync.branch.BranchOutbox` (each booking, change and cancel writes its request
to this database's outbox in the transaction of its pending record) and a
:class:`~rentaldesk.sync.branch.BranchSync` (the relay out, and one consumer of ``fleet`` and
``booking-events`` in). That consumer reads every partition of both topics and applies every
pool's state, not only one location's: the web's database is a replica of the whole fleet and of
every pool's live holds, so a search at any location is answered here, by the engine, without
asking head office. Head office alone decides.

The customer's page hears the decision by a long poll: :meth:`Decisions.wait` wakes as soon as
the consumer announces a change of the reservation (the service's ``announce``), so the page
turns from pending to confirmed or rejected within a round trip of head office's answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from ..config import KafkaSettings
from ..db import Database
from ..models import CHANNEL_WEB
from ..reservations import ReservationService
from ..sync.branch import BranchOutbox, BranchSync
from ..sync.topics import LOST_AFTER
from ..values import Changes

#: How often a page waiting for a decision reads the reservation again without being woken.
RECHECK = 1.0

#: The web's code in the network: the source of its requests (head office records it on each
#: reservation, so a booking's channel reads "web"), and the name of its consumer group.
WEB_SOURCE = CHANNEL_WEB


class Decisions:
    """Wakes the pages waiting on a reservation when the sync loop applies a change of it.

    :meth:`changed` is a service listener (it runs on the consumer's thread); the waiters are
    asyncio events of the server's loop, set through ``call_soon_threadsafe``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}

    def changed(self, changes: Changes) -> None:
        with self._lock:
            woken = [w for rid in changes.reservations for w in self._waiting.pop(rid, ())]
        for loop, event in woken:
            loop.call_soon_threadsafe(event.set)

    async def wait(self, reservation_id: str, timeout: float, pending: Callable[[], Awaitable[bool]]) -> None:
        """Return once ``pending()`` is false, or after ``timeout`` seconds.

        ``pending`` reads the reservation; it is asked after this waiter is registered, so a
        decision applied in between wakes it rather than being missed. It is asked again at least
        every :data:`RECHECK` seconds: a decision applied by another process of the same database
        (another server worker) announces nothing here."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = asyncio.Event()
            entry = (loop, event)
            with self._lock:
                self._waiting.setdefault(reservation_id, []).append(entry)
            try:
                if not await pending():
                    return
                left = deadline - loop.time()
                if left <= 0:
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), min(RECHECK, left))
            finally:
                with self._lock:
                    waiters = self._waiting.get(reservation_id)
                    if waiters is not None and entry in waiters:
                        waiters.remove(entry)
                        if not waiters:
                            del self._waiting[reservation_id]


class WebChannel:
    """The web process as a channel of the network: its service, its sync loop, and what a page
    waiting for a decision needs (:attr:`decisions`, :meth:`head_office_reachable`).

    ``db`` is the web's own database (the replica); :meth:`start` and :meth:`stop` are called by
    the site's ASGI lifespan (:func:`rentaldesk.web.app.create_app`)."""

    def __init__(self, db: Database, settings: KafkaSettings, *, source: str = WEB_SOURCE,
                 clock: Callable[[], datetime] | None = None, create_topics: bool = True) -> None:
        self.service = ReservationService(db, clock, link=BranchOutbox(source))
        self.sync = BranchSync(db, self.service, settings, source, create_topics=create_topics)
        self.decisions = Decisions()
        self.service.subscribe(self.decisions.changed)
        self._started: float | None = None

    def start(self) -> None:
        """Start the relay and the consumer (in the background: a broker that is down does not
        stop the site, whose requests wait in the outbox)."""
        self._started = time.monotonic()
        self.sync.start()

    def stop(self) -> None:
        self.sync.stop()

    def head_office_reachable(self) -> bool:
        """False once the sync loop has lost the broker (or never reached it) for longer than the
        sync's own grace (``LOST_AFTER``); True otherwise, so a page does not alarm the customer
        in the first second of a start."""
        consumer = self.sync.consumer
        watch = consumer.watch if consumer is not None else None
        if watch is not None and watch.up is not None:
            return watch.up
        return self._started is None or time.monotonic() - self._started < LOST_AFTER
