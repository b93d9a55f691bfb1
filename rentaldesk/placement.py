"""Exact placement of a pool's reservations on its cars (interval partitioning with pinned holds).

A *hold* is a reservation's claim on a car over the half-open interval ``[start, end)`` where
``end`` already includes the branch's turnaround buffer. Holds on one car must not overlap.

A movable hold (a class reservation that has not started) may be moved to another car of the pool;
a fixed one (asked for by car, picked up, or started) stays where it is. :func:`place` answers
whether a new hold fits, and where everything then sits. It is exact: it finds a placement whenever
one exists.

How:

1. Fast path: a car that is free for the new hold as things stand (no move at all). The best fit is
   the car whose previous hold ends last before the new start, which keeps gaps few and long.
2. Otherwise only the *cluster* around the new hold matters: the maximal run of holds chained by
   overlap. Nothing outside it overlaps anything inside, so moves stay inside it.
3. The clique bound: if at some instant more holds overlap than the pool has cars, nothing fits.
   Without fixed holds in the cluster this bound is also sufficient (interval graphs are perfect),
   and a greedy sweep in start order finds the placement.
4. With fixed holds the problem is precolouring extension, NP-hard in general, so the sweep becomes a
   depth-first search: holds in start order, each tried on its current car first (fewest moves),
   cars with the same future (same fixed holds ahead, free now) tried once, failed states
   remembered, and the search stops as soon as every hold still to place can keep its car (so a
   booking moves only what it must, and a long book behind the change is not searched through).
   Pinned holds are rare at a counter, so the search stays small in practice.
5. When the search spends its node budget (pinned holds tangled across a long, full stretch), a
   complete method decides: a CP-SAT model in :mod:`rentaldesk.placement_exact`. So the answer is
   always "placed" or "provably no placement", never "gave up".
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: Nodes each depth-first search may visit (a booking's three limited tries, then the exact one)
#: before the next takes over; after the last, the complete method (CP-SAT). The searches decide
#: nearly every question in far fewer; past this many, CP-SAT decides faster than the search goes
#: on (on the bench's hard cases: 20,000 nodes, about 3 s, against CP-SAT's 0.1-0.5 s). The
#: limited tries keep the 1,250 nodes each they had (a sixteenth of the 20,000 before).
DEFAULT_NODE_BUDGET = 1_250


@dataclass(frozen=True, slots=True)
class Hold:
    """A reservation's hold on a car over ``[start, end)``; ``car`` is None for a new class hold."""

    key: Hashable
    start: Any
    end: Any
    car: Hashable | None = None
    movable: bool = True


def _overlaps(a: Hold, b: Hold) -> bool:
    return a.start < b.end and b.start < a.end


def conflicted(holds: Iterable[Hold]) -> bool:
    """Whether two of ``holds``, one of them movable, overlap on one car.

    The engine never leaves a pool so, but a branch can see it for a while: head office placed a
    reservation on another car than the branch did, and the head-office state of the reservation
    that car holds here has not arrived yet. The fast path (take a free car, move nothing) is only
    right on a valid placement, so a conflict sends the decision to the full search, which places
    every movable hold afresh and counts every hold.
    """
    by_car: dict[Hashable, list[Hold]] = {}
    for h in holds:
        by_car.setdefault(h.car, []).append(h)
    for on_car in by_car.values():
        # Two fixed holds overlapping on one car are not the engine's to mend (nothing can move):
        # only a pair with a movable hold counts. A car holds few holds near one period.
        for i, a in enumerate(on_car):
            for b in on_car[i + 1:]:
                if (a.movable or b.movable) and _overlaps(a, b):
                    return True
    return False


def free_cars(cars: Iterable[Hashable], holds: Iterable[Hold], start: Any, end: Any) -> list[Hashable]:
    """Cars with no hold overlapping ``[start, end)``, in the order given."""
    busy = {h.car for h in holds if h.start < end and start < h.end}
    return [c for c in cars if c not in busy]


def place(
    cars: Sequence[Hashable],
    holds: Iterable[Hold],
    new: Hold,
    *,
    budget: int | None = None,
    fewest_moves: bool = True,
) -> dict[Hashable, Hashable] | None:
    """Place ``new`` among ``holds`` on ``cars``; None when no placement exists.

    ``holds`` are the pool's live holds (each on a car, which may be outside ``cars``, e.g. a car
    sent to maintenance: its movable holds must then move, its fixed ones are left alone). A fixed
    ``new`` names its car. Returns ``{key: car}`` for ``new`` and for every hold that moves.
    ``fewest_moves``: first look for placements that move few holds (a booking); without it, any
    placement will do (a question of availability: only whether one exists). ``budget``: nodes of
    each depth-first search before the next, then the complete method, takes over (default
    :data:`DEFAULT_NODE_BUDGET`); it changes how long an answer takes, never whether one is found.
    """
    if budget is None:
        budget = DEFAULT_NODE_BUDGET
    pool = list(dict.fromkeys(cars))
    in_pool = set(pool)
    holds = [h for h in holds if h.key != new.key and (h.movable or h.car in in_pool)]
    if not new.movable:
        if new.car not in in_pool:
            return None
        if any(not h.movable and h.car == new.car and _overlaps(h, new) for h in holds):
            return None

    # 1. Fast path: a free car, nothing moves (stranded movable holds count as needing a move, and
    #    holds overlapping each other on one car as needing the full search).
    near = [h for h in holds if _overlaps(h, new)]
    if all(h.car in in_pool for h in near) and not conflicted(near):
        choice = best_free_car(pool, holds, new)
        if choice is not None:
            return {new.key: choice}

    # 2. The cluster around the new hold.
    run = cluster([*holds, new], new)
    # 3. Clique bound.
    if _max_overlap(run) > len(pool):
        return None
    fixed = [h for h in run if not h.movable]
    moving = sorted((h for h in run if h.movable), key=lambda h: (h.start, h.end, str(h.key)))
    assignment = _search(pool, fixed, moving, new, budget, fewest_moves)
    if assignment is None:
        return None
    current = {h.key: h.car for h in run}
    changes = {k: c for k, c in assignment.items() if k == new.key or c != current.get(k)}
    if not new.movable:
        changes[new.key] = new.car
    return changes


def _num(value: Any) -> Any:
    """A time as a plain number (datetimes as POSIX seconds), so search states sort and hash fast."""
    return value.timestamp() if hasattr(value, "timestamp") else value


def best_free_car(pool: Sequence[Hashable], holds: Sequence[Hold], new: Hold) -> Hashable | None:
    """The car that takes ``new`` with no move (best fit), or None. Fixed ``new``: its own car if free."""
    candidates = [new.car] if not new.movable else pool
    free = set(free_cars(candidates, holds, new.start, new.end))
    if not free:
        return None
    if not new.movable:
        return new.car
    # Best fit: the car whose last hold before the new one ends latest (smallest gap behind), then
    # the one whose next hold starts earliest (smallest gap ahead); ties by pool order.
    before: dict[Hashable, Any] = {}
    after: dict[Hashable, Any] = {}
    for h in holds:
        if h.car not in free:
            continue
        if h.end <= new.start and (h.car not in before or h.end > before[h.car]):
            before[h.car] = h.end
        if h.start >= new.end and (h.car not in after or h.start < after[h.car]):
            after[h.car] = h.start
    order = {c: i for i, c in enumerate(pool)}

    def rank(car: Hashable) -> tuple:
        b = before.get(car)
        a = after.get(car)
        return (b is None, _neg(b), a is None, a, order[car])

    return min(free, key=rank)


class _Neg:
    """Reverses the order of any comparable value (datetimes have no unary minus)."""

    __slots__ = ("v",)

    def __init__(self, v: Any) -> None:
        self.v = v

    def __lt__(self, other: _Neg) -> bool:
        return other.v < self.v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Neg) and other.v == self.v


def _neg(v: Any) -> Any:
    return None if v is None else _Neg(v)


def cluster(holds: list[Hold], new: Hold) -> list[Hold]:
    """The maximal run of holds chained by overlap that contains ``new``."""
    ordered = sorted(holds, key=lambda h: h.start)
    run: list[Hold] = []
    run_end = None
    found = False
    for h in ordered:
        if run and not (h.start < run_end):
            if found:
                break
            run = []
        if not run:
            run_end = h.end
        run.append(h)
        if h.end > run_end:
            run_end = h.end
        if h is new:
            found = True
    return run


def _max_overlap(holds: list[Hold]) -> int:
    events = [(h.start, 1) for h in holds] + [(h.end, -1) for h in holds]
    events.sort(key=lambda e: (e[0], e[1]))  # an end at t comes before a start at t: half-open
    depth = best = 0
    for _, d in events:
        depth += d
        best = max(best, depth)
    return best


#: Move limits of the first, cheap searches (None: no limit, the exact search that decides).
MOVE_LIMITS: tuple[int | None, ...] = (1, 4, 16, None)


class _ShareSpent(Exception):
    """A search spent its share of nodes: the next, wider one takes over (after the last, the
    complete method)."""


def _search(
    pool: list[Hashable], fixed: list[Hold], moving: list[Hold], new: Hold, budget: int, fewest_moves: bool = True,
) -> dict[Hashable, Hashable] | None:
    """A placement of ``moving`` around ``fixed`` on ``pool``, or None when none exists (``new``:
    the hold asked for, which the complete method starts from).

    A booking first tries searches that may move at most 1, 4, then 16 holds off their cars: one
    that needs one reservation moved should move one, not set off a cascade of swaps through the
    rest of the book (which is what the first placement a plain depth-first search finds can be).
    The last search has no limit and is exact: it answers None only when no placement exists.
    Each has ``budget`` nodes; when the last spends them, the complete method
    (:func:`rentaldesk.placement_exact.decide`) answers instead, with fewest moves for a booking.
    """
    fixed_on: dict[Hashable, list[Hold]] = {c: [] for c in pool}
    for h in fixed:
        fixed_on[h.car].append(h)
    for hs in fixed_on.values():
        hs.sort(key=lambda h: h.start)
    n = len(moving)
    # Where the rest can stay put: stay[i] is, when holds i.. may all keep their current cars (in
    # the pool, clear of each other and of the fixed holds), the start of the first of them on
    # each car; else None. A search stops at i as soon as what it placed before ends in time for
    # those: no backtracking through a book that needs no change.
    stay: list[dict[Hashable, Any] | None] = [None] * (n + 1)
    stay[n] = {}
    next_start: dict[Hashable, Any] = {}
    for j in range(n - 1, -1, -1):
        h = moving[j]
        if stay[j + 1] is None or h.car not in fixed_on:
            break
        following = next_start.get(h.car)
        if (following is not None and h.end > following) or any(_overlaps(f, h) for f in fixed_on[h.car]):
            break
        next_start[h.car] = h.start
        stay[j] = dict(next_start)
    for limit in MOVE_LIMITS if fewest_moves else (None,):
        try:
            found = _Search(pool, fixed_on, moving, stay, limit, budget).run()
        except _ShareSpent:
            if limit is None:
                from . import placement_exact  # lazily: it imports OR-Tools

                return placement_exact.decide(pool, fixed_on, moving, new, fewest_moves=fewest_moves)
            continue
        if found is not None or limit is None:
            return found
    return None  # not reached: the last limit is None


class _Search:
    """One depth-first search: holds in start order, each tried on its current car first, then
    best fit (the car busy until latest); cars with the same future tried once and failed states
    remembered (both only without a move limit, where which car a hold sits on does not matter)."""

    def __init__(self, pool: list[Hashable], fixed_on: dict[Hashable, list[Hold]], moving: list[Hold],
                 stay: list[dict[Hashable, Any] | None], limit: int | None, share: int) -> None:
        self.pool = pool
        self.fixed_on = fixed_on
        self.moving = moving
        self.stay = stay
        self.limit = limit
        self.share = share
        self.nodes = 0
        self.free_at: dict[Hashable, Any] = {c: None for c in pool}  # end of the last moving hold put there
        self.assignment: dict[Hashable, Hashable] = {}
        self.failed: dict[tuple, int] = {}  # state -> fewest moves it failed with

    def run(self) -> dict[Hashable, Hashable] | None:
        return dict(self.assignment) if self._go(0, 0) else None

    def _fits(self, car: Hashable, h: Hold) -> bool:
        last = self.free_at[car]
        if last is not None and last > h.start:
            return False
        return all(not _overlaps(f, h) for f in self.fixed_on[car])

    def _signature(self, car: Hashable, t: Any) -> tuple:
        """What matters of a car for holds starting at or after t."""
        last = self.free_at[car]
        busy_until = _num(last) if last is not None and last > t else float("-inf")
        ahead = tuple((_num(f.start), _num(f.end)) for f in self.fixed_on[car] if f.end > t)
        return (busy_until, ahead)

    def _state(self, i: int) -> tuple:
        t = self.moving[i].start
        signatures = (self._signature(c, t) for c in self.pool)
        # Without a limit any car may take any hold, so cars are interchangeable; with one, a hold
        # staying on its own car is free, so which car has which future matters.
        return (i, tuple(sorted(signatures)) if self.limit is None else tuple(signatures))

    def _go(self, i: int, moves: int) -> bool:
        moving, free_at = self.moving, self.free_at
        if i == len(moving):
            return True
        rest = self.stay[i]
        if rest is not None and all(free_at[c] is None or free_at[c] <= t for c, t in rest.items()):
            for h in moving[i:]:
                self.assignment[h.key] = h.car
            return True
        self.nodes += 1
        if self.nodes > self.share:
            raise _ShareSpent
        key = self._state(i)
        if key in self.failed and (self.limit is None or self.failed[key] <= moves):
            return False
        h = moving[i]
        tried: set[tuple] = set()
        candidates = sorted(
            (c for c in self.pool if self._fits(c, h)),
            key=lambda c: (c != h.car, free_at[c] is None, _neg(free_at[c]) or 0),
        )
        for car in candidates:
            cost = 0 if car == h.car or h.car is None else 1  # a new hold has no car to leave
            if self.limit is not None and moves + cost > self.limit:
                continue
            if self.limit is None:
                sig = self._signature(car, h.start)
                if sig in tried and car != h.car:
                    continue
                tried.add(sig)
            previous = free_at[car]
            free_at[car] = h.end
            self.assignment[h.key] = car
            if self._go(i + 1, moves + cost):
                return True
            free_at[car] = previous
            del self.assignment[h.key]
        self.failed[key] = min(moves, self.failed.get(key, moves))
        return False
