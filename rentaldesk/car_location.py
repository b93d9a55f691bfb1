"""Where a car is at a time: the one rule, for the engine's pools, check-in and head office.

A car's location is a timeline, read from two things and nothing else:

- ``Car.zip_code``: where the car is now, or will be once its current rental ends where it began.
  It changes at check-in only, to the branch the car is actually returned at (a one-way return),
  from the actual return time on (:func:`rentaldesk.contracts.check_in`).
- Its live one-way reservations (``Reservation.return_zip_code`` set and not its pick-up location,
  not yet returned): each moves the car at its planned end to its return location.

So the car is at ``Car.zip_code`` until the end of the first live one-way reservation it holds, then
at that reservation's return location. A car has at most one such move booked ahead: a one-way
reservation takes its car out of its pool for good (its hold at the pick-up location runs to the
end of time, :data:`GONE`), so the engine never places another reservation there on the same car
after it, and a second one-way of the car can only be booked at the location it goes to.

For the engine (:mod:`rentaldesk.reservations`), a pool (class at a location) is then:

- its own cars (``Car.zip_code`` is the location), of which a one-way reservation's car is held
  from the reservation's start to :data:`GONE`;
- the cars *arriving*: a live one-way reservation elsewhere returns them here. Each counts here
  from the reservation's end (plus this branch's turnaround) on, and is held by an :func:`arrival`
  hold before: a fixed hold the placement never moves, so no reservation here takes it earlier.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from . import placement

#: A one-way reservation's hold at its pick-up location ends here: the car does not come back.
GONE = datetime(9999, 1, 1, tzinfo=timezone.utc)
#: An arriving car's hold at its new location starts here: it was never there before.
NEVER = datetime(1970, 1, 1, tzinfo=timezone.utc)
#: The key of an arrival hold: never a reservation id (those are uuids).
ARRIVAL_PREFIX = "arriving:"


@dataclass(frozen=True, slots=True)
class Move:
    """A live one-way reservation of a car: it leaves ``from_zip`` with the car at ``start`` and
    returns it at ``to_zip`` at ``end`` (the planned end; the actual return time once returned)."""

    reservation_id: str
    car_id: int
    from_zip: str
    to_zip: str
    start: datetime
    end: datetime


def is_one_way(zip_code: str, return_zip_code: str | None) -> bool:
    """Whether a reservation picked up at ``zip_code`` and returned at ``return_zip_code`` (None:
    the same place) moves its car."""
    return return_zip_code is not None and return_zip_code != zip_code


def location_at(home_zip: str, moves: Iterable[Move], at: datetime) -> str:
    """Where a car is at ``at``: ``home_zip`` (its ``Car.zip_code``) until the end of its first
    move, then where that move returns it, and so on (moves taken in order of their ends)."""
    here = home_zip
    for m in sorted(moves, key=lambda m: (m.end, m.reservation_id)):
        if m.from_zip == here and m.end <= at:
            here = m.to_zip
    return here


def departure_end(zip_code: str, return_zip_code: str | None, end: datetime) -> datetime:
    """The end of a reservation's hold on its car at its pick-up location, before any turnaround:
    its end, or :data:`GONE` for a one-way reservation (the car leaves the pool with it)."""
    return GONE if is_one_way(zip_code, return_zip_code) else end


def arrival(move: Move, turnaround: timedelta) -> placement.Hold:
    """The fixed hold that keeps an arriving car out of use at its new location until it arrives
    (``move.end`` plus the new location's turnaround)."""
    return placement.Hold(key=f"{ARRIVAL_PREFIX}{move.reservation_id}", start=NEVER, end=move.end + turnaround,
                          car=move.car_id, movable=False)


def is_arrival(key: object) -> bool:
    """Whether a hold is an :func:`arrival` hold, not a reservation's."""
    return isinstance(key, str) and key.startswith(ARRIVAL_PREFIX)


def arrivals_between(arrivals: Sequence[placement.Hold], lo: datetime, hi: datetime) -> list[placement.Hold]:
    """The arrival holds overlapping ``[lo, hi)`` (what a window of the pool's holds includes)."""
    return [h for h in arrivals if h.start < hi and lo < h.end]
