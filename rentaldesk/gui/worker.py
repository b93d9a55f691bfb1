"""The desk's one database worker: every query and write runs on it, off the UI thread.

Jobs run one at a time, in the order submitted, on a single thread; each result (or refusal) comes
back to the UI thread by a queued signal and is handed to the job's callback there. Only plain
values (frozen dataclasses, ids, numbers) should cross: a job returns values, never ORM objects.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from ..errors import RentalError

log = logging.getLogger("rentaldesk.gui")

Done = Callable[[Any], None]
Refused = Callable[[RentalError], None]


@dataclass(frozen=True, slots=True)
class _Outcome:
    done: Done | None
    refused: Refused | None
    value: Any = None
    error: BaseException | None = None


class DatabaseWorker(QObject):
    """Runs jobs on one background thread and delivers their results on the UI thread.

    ``submit(job, done, refused)``: ``job()`` runs on the worker; then, on the UI thread,
    ``done(result)``, or ``refused(error)`` when the job raised a :class:`RentalError` (a rule said
    no). Any other exception is re-raised on the UI thread, where the app's error handler logs it
    and shows it. ``idle`` is emitted when the last pending job has been delivered.
    """

    idle = Signal()
    _delivered = Signal(object)
    _polled = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rentaldesk-db")
        self._pending = 0
        self._closed = False
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._poll_timer = QTimer(self)
        self._polling = False
        self._poll: tuple[Callable[[], Any], Done] | None = None
        self._poll_timer.timeout.connect(self._start_poll)
        self._polled.connect(self._poll_done, Qt.ConnectionType.QueuedConnection)

    def watch(self, poll: Callable[[], Any], found: Done, interval_ms: int) -> None:
        """Every ``interval_ms``, ``poll()`` on the worker (between jobs, one at a time); when it
        returns something other than None, ``found(result)`` on the UI thread. Polls are not jobs:
        they do not keep the worker from being idle. The first poll is queued at once, before any
        job submitted after this call."""
        self._poll = (poll, found)
        self._poll_timer.start(interval_ms)
        self._start_poll()

    def _start_poll(self) -> None:
        if self._polling or self._closed or self._poll is None:
            return
        self._polling = True
        poll = self._poll[0]

        def run() -> None:
            try:
                self._polled.emit(poll())
            except Exception:  # noqa: BLE001 - a failed look is tried again at the next tick
                log.exception("watching the database for changes")
                self._polled.emit(None)

        self._executor.submit(run)

    def _poll_done(self, result: Any) -> None:
        self._polling = False
        if result is not None and self._poll is not None and not self._closed:
            self._poll[1](result)

    @property
    def is_idle(self) -> bool:
        """No job is waiting, running, or waiting to be delivered."""
        return self._pending == 0

    def submit(self, job: Callable[[], Any], done: Done | None = None, refused: Refused | None = None) -> None:
        if self._closed:
            log.debug("worker closed; job %r dropped", job)
            return
        self._pending += 1
        self._executor.submit(self._run, job, done, refused)

    def _run(self, job: Callable[[], Any], done: Done | None, refused: Refused | None) -> None:
        try:
            outcome = _Outcome(done, refused, value=job())
        except BaseException as exc:  # noqa: BLE001 - handed to the UI thread, which decides
            outcome = _Outcome(done, refused, error=exc)
        self._delivered.emit(outcome)

    def _deliver(self, outcome: _Outcome) -> None:
        self._pending -= 1
        try:
            if outcome.error is None:
                if outcome.done is not None:
                    outcome.done(outcome.value)
            elif isinstance(outcome.error, RentalError) and outcome.refused is not None:
                log.info("refused: %s", outcome.error)
                outcome.refused(outcome.error)
            else:
                raise outcome.error
        finally:
            if self._pending == 0:
                self.idle.emit()

    def close(self) -> None:
        """Finish the running job, drop the waiting ones; results not yet delivered are dropped."""
        self._closed = True
        self._poll_timer.stop()
        self._executor.shutdown(wait=True, cancel_futures=True)
