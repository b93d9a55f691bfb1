"""The complete method behind :mod:`rentaldesk.placement`: decides what its search could not.

The depth-first search answers nearly every question within its node budget. When it does not
(pinned holds tangled across a long, full stretch of the book), this module decides exactly, with a
CP-SAT model (OR-Tools): a boolean per (movable hold, car it may take), each hold on exactly one
car, and per car at most one hold of each maximal clique of overlapping holds (the holds on one
car form an interval graph, so the cliques at the start points are all there is to it). Cars with a
fixed hold are pre-occupied: a movable hold overlapping it never gets that car's boolean.

The model covers a *window* of the movable holds in start order around the new one, growing until
it decides:

- the *restriction*: the window's holds, with every movable hold outside it kept on its car (they
  are clear of each other and of the fixed holds, as the engine left them). A solution of it is a
  placement of the whole cluster: **placed**.
- the *relaxation*: the window's holds alone, the others left out. Leaving holds out only makes
  room, so when it has no solution, the whole cluster has none: **provably no placement**.

Both are the whole cluster once the window is; so the loop ends with one of the two answers, never
with "gave up". A hard case is decided by a few dozen holds near the new one, not by the pool's
whole forward book, and the model of those is small.

Time: feasibility is solved without a time limit (a limit there could only end in "don't know").
Only the objective of a booking (fewest moves) has one, in CP-SAT's deterministic time, so the
same input gets the same answer on any machine: at the limit, the best placement found so far is
taken (still a valid placement, just perhaps not the one with fewest moves); if none was found by
then, the same model is solved for feasibility alone, without a limit.

OR-Tools is imported on first use: the desk's cold start does not pay for it (about half a second).
The long-running services (``rentaldesk hq``, ``rentaldesk sync``) call :func:`warm_up` as they
start, so the first hard booking they decide does not pay for it either.
"""

from __future__ import annotations

import bisect
import logging
import threading
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

from .placement import loose_holds

if TYPE_CHECKING:
    from .placement import Hold

log = logging.getLogger("rentaldesk.placement")

#: Deterministic time (CP-SAT's own unit, roughly seconds of a fast core) the fewest-moves objective
#: may take before the best placement found so far is taken.
OBJECTIVE_DETERMINISTIC_TIME = 2.0
#: Movable holds in the first window on each side of the new hold; each next window doubles it.
FIRST_WINDOW = 16
#: CP-SAT workers: one keeps the search (and so which placement is found) the same from run to run,
#: and leaves the second core of a counter PC to the desk.
WORKERS = 1


def warm_up() -> threading.Thread:
    """Import OR-Tools in a daemon thread (a service starting; nothing waits for it)."""

    def load() -> None:
        try:
            from ortools.sat.python import cp_model  # noqa: F401
        except Exception:  # the first decision that needs it says what is wrong
            log.debug("OR-Tools warm-up failed", exc_info=True)

    thread = threading.Thread(target=load, name="ortools-warm-up", daemon=True)
    thread.start()
    return thread


def decide(
    pool: Sequence[Hashable],
    fixed_on: dict[Hashable, list[Hold]],
    moving: Sequence[Hold],
    new: Hold,
    *,
    fewest_moves: bool,
) -> dict[Hashable, Hashable] | None:
    """A placement ``{key: car}`` of every hold in ``moving`` (in start order) around the holds in
    ``fixed_on`` (by car), or None when none exists: exact. The window starts around ``new``.
    ``fewest_moves``: among placements, one that moves few holds off their cars."""
    n = len(moving)
    # Holds that cannot stay where they are (the new one, one off the pool's cars, two on one car,
    # one on the car a fixed hold needs) are in every window.
    loose = loose_holds(moving, fixed_on)
    centre = bisect.bisect_left([h.start for h in moving], new.start)
    lo = max(0, min([centre, *loose]) - FIRST_WINDOW)
    hi = min(n, max([centre, *loose]) + 1 + FIRST_WINDOW)
    while True:
        window = moving[lo:hi]
        outside = [*moving[:lo], *moving[hi:]]
        found = _solve(pool, fixed_on, window, outside, fewest_moves)
        if found is not None:
            for h in outside:
                found[h.key] = h.car
            log.info("placement decided by CP-SAT: placed, %d of %d movable holds modelled", hi - lo, n)
            return found
        if lo == 0 and hi == n:  # the restriction was the whole cluster
            break
        # No placement of the window leaves the others where they are: does the window fit at all?
        if _solve(pool, fixed_on, window, [], False) is None:
            break
        grow = (hi - lo) // 2  # each side by half the window: it doubles
        lo, hi = max(0, lo - grow), min(n, hi + grow)
    log.info("placement decided by CP-SAT: no placement, %d of %d movable holds modelled", hi - lo, n)
    return None


def _solve(
    pool: Sequence[Hashable],
    fixed_on: dict[Hashable, list[Hold]],
    window: Sequence[Hold],
    staying: Sequence[Hold],
    fewest_moves: bool,
) -> dict[Hashable, Hashable] | None:
    """A placement of ``window`` around the fixed holds and the ``staying`` ones (each on its own
    car), or None when there is none."""
    from ortools.sat.python import cp_model  # lazily: see the module's docstring

    taken = {c: _Occupied([*fixed_on[c]]) for c in pool}
    for h in staying:
        taken[h.car].add(h)
    model = cp_model.CpModel()
    choice: dict[Hashable, dict[Hashable, Any]] = {}  # key -> car -> boolean
    keep = []  # the booleans of holds staying on their own cars
    for h in window:
        options = {c: model.new_bool_var("") for c in pool if not taken[c].overlaps(h)}
        if not options:
            return None
        model.add_exactly_one(options.values())
        choice[h.key] = options
        if h.car in options:
            keep.append(options[h.car])
            model.add_hint(options[h.car], True)  # start from where things are
    for clique in _maximal_cliques(window):
        for c in pool:
            members = [choice[key][c] for key in clique if c in choice[key]]
            if len(members) > 1:
                model.add_at_most_one(members)
    solver = _solver(cp_model)
    if fewest_moves and keep:
        model.maximize(sum(keep))
        solver.parameters.max_deterministic_time = OBJECTIVE_DETERMINISTIC_TIME
        status = solver.solve(model)
        if status == cp_model.UNKNOWN:  # no placement found in the time: decide feasibility alone
            model.clear_objective()  # type: ignore[no-untyped-call]  # (unannotated in OR-Tools)
            solver = _solver(cp_model)
            status = solver.solve(model)
    else:
        status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return None
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # MODEL_INVALID: a bug here, not an answer
        raise RuntimeError(f"CP-SAT placement model: {solver.status_name(status)}")
    return {key: next(c for c, b in options.items() if solver.boolean_value(b)) for key, options in choice.items()}


def _solver(cp_model: Any) -> Any:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = WORKERS
    # The at-most-one cliques in the LP relaxation: without them, proving that a tight window has
    # no placement took CP-SAT minutes (a pigeonhole over the cars); with them, milliseconds.
    solver.parameters.linearization_level = 2
    return solver


class _Occupied:
    """The holds already on one car, asked whether a hold overlaps one of them."""

    def __init__(self, holds: list[Hold]) -> None:
        self.holds = holds
        self.ready = False

    def add(self, h: Hold) -> None:
        self.holds.append(h)
        self.ready = False

    def overlaps(self, h: Hold) -> bool:
        if not self.ready:
            self.holds.sort(key=lambda o: o.start)
            self.starts = [o.start for o in self.holds]
            self.max_end: list[Any] = []
            for o in self.holds:  # the latest end among the holds starting up to here
                self.max_end.append(o.end if not self.max_end or o.end > self.max_end[-1] else self.max_end[-1])
            self.ready = True
        i = bisect.bisect_left(self.starts, h.end)  # the holds starting before h ends
        return i > 0 and self.max_end[i - 1] > h.start


def _maximal_cliques(holds: Sequence[Hold]) -> list[list[Hashable]]:
    """The maximal sets of pairwise overlapping holds (intervals: the set alive just before an end
    that follows a start)."""
    events = [(h.start, 1, h.key) for h in holds] + [(h.end, 0, h.key) for h in holds]
    events.sort(key=lambda e: (e[0], e[1]))  # an end at t comes before a start at t: half-open
    alive: dict[Hashable, None] = {}
    cliques = []
    grew = False
    for _, is_start, key in events:
        if is_start:
            alive[key] = None
            grew = True
        else:
            if grew:
                cliques.append(list(alive))
                grew = False
            del alive[key]
    return cliques
