"""Who is acting: the one answer the permission checks and the audit trail both read.

The desk signs a clerk in for the whole process (:func:`sign_in`; the screens' worker threads act
for them too), a command line or a service process does the same once it knows its user, and a unit
of work may act for someone else for its duration (:func:`acting_as`, for head office applying a
branch's event in that branch's clerk's name). Nobody signed in is :data:`SYSTEM`.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    """A person or a service account, where they act from."""

    username: str
    #: ``clerk``, ``manager``, ``admin`` or ``service``.
    role: str
    #: The branch (zip code) they act at; None at head office or for a service.
    branch: str | None = None
    workstation: str = ""


#: Nobody signed in: migrations, tests of one piece, a process that has not said who it is.
SYSTEM = Actor("system", "service", None, socket.gethostname())

_signed_in: Actor | None = None
_lock = threading.Lock()
_override: ContextVar[Actor | None] = ContextVar("rentaldesk_actor", default=None)


def current_actor() -> Actor:
    """Who acts now: the unit of work's :func:`acting_as`, else the process's :func:`sign_in`, else
    :data:`SYSTEM`."""
    return _override.get() or _signed_in or SYSTEM


def sign_in(actor: Actor | None) -> None:
    """Make ``actor`` the process's actor (None signs out)."""
    global _signed_in
    with _lock:
        _signed_in = actor


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Act as ``actor`` in this thread or task until the block ends."""
    token = _override.set(actor)
    try:
        yield actor
    finally:
        _override.reset(token)
