"""Waiting on asynchronous work from outside it (the sync is asynchronous by nature): poll a
condition or count rows, with a bound that is a hang guard, never a measure."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import func, select

from rentaldesk.db import Database


def wait_for(condition: Callable[[], object], timeout: float = 60.0, what: str = "condition", *,
             interval: float = 0.05) -> object:
    """Poll ``condition`` until it is truthy; its value. Raises :class:`TimeoutError` naming
    ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def count(db: Database, model: type, *where: object) -> int:
    """Rows of ``model`` matching ``where``."""
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0
