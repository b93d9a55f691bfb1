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
4. With fixed holds the problem is precolouring extension, NP-hard in general. First an ejection
   search: the new hold takes a car, what it pushes off takes another, and so on, fewest moves
   first (nearly every booking that needs a move is placed so, in a few dozen nodes, moving one
   or two reservations). Then the sweep becomes a depth-first search: holds in start order, each
   tried on its current car first, cars with the same future (same fixed holds ahead, free now)
   tried once, failed states remembered, and the search stops as soon as every hold still to
   place can keep its car (a long book behind the change is not searched through). It runs first
   from just before the new hold on, the holds before kept where they are, then over the whole
   cluster, which is exact. What they find is then swapped back towards the cars the holds had
   (:func:`_fewer_moves`), undoing most of the cascade a search in start order leaves behind.
5. When the searches spend their node budgets (pinned holds tangled across a long, full stretch),
   a complete method decides: a CP-SAT model in :mod:`rentaldesk.placement_exact`. So the answer
   is always "placed" or "provably no placement", never "gave up".
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: Nodes each search may visit (the ejection search at most :data:`EJECTION_BUDGET`) before the
#: next takes over; after the last, the complete method (CP-SAT). The searches decide nearly every
#: question in far fewer; past this many, CP-SAT decides faster than the search goes on (on the
#: bench's hard cases: 20,000 nodes, about 3 s, against CP-SAT's 0.1-0.5 s).
DEFAULT_NODE_BUDGET = 1_250
#: A suggestion's searches (``place(quick=True)``): a few ms of nodes each, never the complete method.
QUICK_NODE_BUDGET = 60


@dataclass(frozen=True, slots=True)
class Hold:
    """A reservation's hold on a car over ``[start, end)``; ``car`` is None for a new class hold."""

    key: Hashable
    start: Any
    end: Any
    car: Hashable | None = None
    movable: bool = True


def _pair(two: list[Hashable]) -> tuple[Hashable, Hashable]:
    return two[0], two[1]


def _overlaps(a: Hold, b: Hold) -> bool:
    return bool(a.start < b.end and b.start < a.end)


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
    quick: bool = False,
) -> dict[Hashable, Hashable] | None:
    """Place ``new`` among ``holds`` on ``cars``; None when no placement exists.

    ``holds`` are the pool's live holds (each on a car, which may be outside ``cars``, e.g. a car
    sent to maintenance: its movable holds must then move, its fixed ones are left alone). A fixed
    ``new`` names its car. Returns ``{key: car}`` for ``new`` and for every hold that moves.
    ``fewest_moves``: first look for placements that move few holds (a booking); without it, any
    placement will do (a question of availability: only whether one exists). ``budget``: nodes of
    each depth-first search before the next, then the complete method, takes over (default
    :data:`DEFAULT_NODE_BUDGET`); it changes how long an answer takes, never whether one is found.
    ``quick``: a suggestion, not a decision: when the searches spend their budgets the answer is
    None instead of the complete method's (what is found is a placement; what is not may exist), and
    each search has at most :data:`QUICK_NODE_BUDGET` nodes.
    """
    if budget is None:
        budget = DEFAULT_NODE_BUDGET
    if quick:
        budget = min(budget, QUICK_NODE_BUDGET)
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
    assignment = _search(pool, fixed, moving, new, budget, fewest_moves, quick=quick)
    if assignment is None:
        return None
    current = {h.key: h.car for h in run}
    changes = {k: c for k, c in assignment.items() if k == new.key or c != current.get(k)}
    if not new.movable:
        changes[new.key] = new.car
    return changes


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

    def rank(car: Hashable) -> tuple[Any, ...]:
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
        return bool(other.v < self.v)

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


#: Most moves the ejection search looks for (fewest first) before the window searches take over.
EJECTION_MOVES = 8
#: Nodes of the ejection search, at most. On the bench it places 9 in 10 of the bookings that need a
#: move, most in under 40 nodes; one that needs more moves than it looks for spends them all, and
#: the depth-first searches place it (about 30 us a node).
EJECTION_BUDGET = 300
#: The window searches: how many movable holds before the new one (and before any that cannot stay
#: where it is) each may move, with every one after it; widest last. After them, the search over
#: the whole cluster.
WINDOWS: tuple[int, ...] = (32,)


#: Pairs of cars :func:`_fewer_moves` may weigh up (the best swaps come first; stopping leaves a
#: placement, only with more moves).
SWAP_BUDGET = 200


class _ShareSpent(Exception):
    """A search spent its share of nodes: the next, wider one takes over (after the last, the
    complete method)."""


def _search(
    pool: list[Hashable], fixed: list[Hold], moving: list[Hold], new: Hold, budget: int, fewest_moves: bool = True,
    *, quick: bool = False,
) -> dict[Hashable, Hashable] | None:
    """A placement of ``moving`` around ``fixed`` on ``pool``, or None when none exists (``new``:
    the hold asked for, which the window searches and the complete method start from).

    In order, each with ``budget`` nodes; the first that answers decides:

    1. The ejection search (:class:`_Ejection`): the new hold on a car, what it pushes off finds
       another, and so on, fewest moves first, up to :data:`EJECTION_MOVES`. A booking that needs
       one reservation moved moves one, not a cascade of swaps through the rest of the book.
    2. Window searches: a depth-first search (:class:`_Search`) over the movable holds from shortly
       before the new one on (:data:`WINDOWS`), the ones before kept on their cars. What they find
       is a placement of the whole cluster; what they do not find may still exist.
    3. The depth-first search over the whole cluster: exact, it answers None only when no placement
       exists. When it spends its nodes, the complete method
       (:func:`rentaldesk.placement_exact.decide`) answers instead, with fewest moves for a booking.

    ``fewest_moves`` only changes what the complete method optimises: the searches before it prefer
    few moves anyway, at no cost.
    """
    fixed_on: dict[Hashable, list[Hold]] = {c: [] for c in pool}
    for h in fixed:
        fixed_on[h.car].append(h)
    for hs in fixed_on.values():
        hs.sort(key=lambda h: h.start)
    loose = loose_holds(moving, fixed_on)
    try:
        return _Ejection(pool, fixed_on, moving, loose, min(budget, EJECTION_BUDGET)).run()
    except _ShareSpent:
        pass
    first = min([bisect.bisect_left([h.start for h in moving], new.start), *loose])
    for width in WINDOWS:
        lo = max(0, first - width)
        if lo == 0:
            break  # the window is the whole cluster: the exact search below
        try:
            found = _Search(pool, fixed_on, moving[lo:], budget, staying=moving[:lo]).run()
        except _ShareSpent:
            continue
        if found is not None:
            return _fewer_moves(pool, fixed_on, moving, found)
    try:
        found = _Search(pool, fixed_on, moving, budget).run()
        return None if found is None else _fewer_moves(pool, fixed_on, moving, found)
    except _ShareSpent:
        if quick:
            return None
        from . import placement_exact  # lazily: it imports OR-Tools

        return placement_exact.decide(pool, fixed_on, moving, new, fewest_moves=fewest_moves)


def loose_holds(moving: Sequence[Hold], fixed_on: dict[Hashable, list[Hold]]) -> list[int]:
    """The indices (in ``moving``, in start order) of the holds that cannot stay on their cars
    whatever else stays: the new one, one off the pool's cars (``fixed_on``'s keys), or one
    overlapping a fixed hold or another movable hold on its car. Without them, the movable holds
    on each car are clear of each other and of the fixed ones."""
    loose = set()
    on_car: dict[Hashable, list[int]] = {}
    blocks = {c: _Blocks(hs) for c, hs in fixed_on.items()}
    for i, h in enumerate(moving):
        if h.car not in blocks or blocks[h.car].overlaps(h.start, h.end):
            loose.add(i)
        else:
            on_car.setdefault(h.car, []).append(i)
    for indices in on_car.values():  # in start order already
        last = None  # the one ending latest so far
        for i in indices:
            if last is not None and moving[last].end > moving[i].start:
                loose.update((last, i))
            if last is None or moving[i].end > moving[last].end:
                last = i
    return sorted(loose)


def _fewer_moves(pool: list[Hashable], fixed_on: dict[Hashable, list[Hold]], moving: list[Hold],
                 found: dict[Hashable, Hashable]) -> dict[Hashable, Hashable]:
    """``found`` (a placement of ``moving``; a hold it leaves out keeps its car) with fewer moves.

    A depth-first search in start order leaves a cascade behind a change: a hold that cannot stay
    takes another car, whose own hold then takes a third, and so on through the book, the cars'
    futures swapped. Two cars free at one instant (nothing on either runs across it) can swap all
    their movable holds from then on, if no fixed hold of one is in the way of the other's: still a
    placement. Swaps that put more holds back on their own cars than they take off are made, the
    best first, until none is left. Each makes at least one move fewer, so this ends.
    """
    orig = {h.key: h.car for h in moving}
    where = {h.key: found.get(h.key, h.car) for h in moving}
    blocks = {c: _Blocks(fixed_on[c]) for c in pool}
    order = {c: i for i, c in enumerate(pool)}
    on: dict[Hashable, list[Hold]] = {c: [] for c in pool}
    for h in moving:  # in start order
        on[where[h.key]].append(h)
    swaps: dict[tuple[Hashable, Hashable], tuple[int, tuple[Any, Any]]] = {}  # (a, b) -> its best swap, while a and b are unchanged
    looked = 0
    while looked < SWAP_BUDGET:
        pairs: set[tuple[Hashable, Hashable]] = {_pair(sorted((where[k], c), key=order.__getitem__))
                 for k, c in orig.items() if c in on and where[k] != c}
        best: tuple[Hashable, Hashable, tuple[Any, Any]] | None = None
        best_gain = 0
        for pair in pairs:
            if pair not in swaps:
                looked += 1
                a, b = pair
                swaps[pair] = _best_swap(on[a], on[b], blocks[a], blocks[b], orig, a, b)
            gain, stretch = swaps[pair]
            if gain > best_gain:
                best, best_gain = (pair[0], pair[1], stretch), gain
        if best is None:
            break
        a, b, (t1, t2) = best
        for car, other in ((a, b), (b, a)):
            for h in on[car]:
                if h.start >= t1 and (t2 is None or h.start < t2):
                    where[h.key] = other
        both = sorted((*on[a], *on[b]), key=lambda h: h.start)
        on[a] = [h for h in both if where[h.key] == a]
        on[b] = [h for h in both if where[h.key] == b]
        swaps = {pair: v for pair, v in swaps.items() if a not in pair and b not in pair}
    return {k: c for k, c in where.items() if k in found or c != orig[k]}


def _best_swap(on_a: list[Hold], on_b: list[Hold], fixed_a: _Blocks, fixed_b: _Blocks,
               orig: dict[Hashable, Hashable], a: Hashable, b: Hashable) -> tuple[int, tuple[Any, Any]]:
    """The stretch ``[t1, t2)`` (both cars free at t1 and at t2; t2 None: to the end) over which
    swapping the movable holds of cars a and b puts the most back on their own cars (holds put back
    less holds taken off), and that number (0 when none is worth it)."""
    merged = sorted([(h, b) for h in on_a] + [(h, a) for h in on_b], key=lambda x: x[0].start)
    best_gain, best = 0, (None, None)
    gain = 0  # of swapping every hold so far
    low, low_at = None, None  # the least gain at an instant both cars are free, since the last hold that cannot swap
    # ia, ib: how many holds of a, of b start before t (t only grows: a walk, not a bisection each)
    ia = ib = 0
    na, nb = len(on_a), len(on_b)
    prev: Any = None
    for h, to in merged:
        t = h.start
        if prev is None or prev != t:  # an instant before the holds starting at t
            while ia < na and on_a[ia].start < t:
                ia += 1
            while ib < nb and on_b[ib].start < t:
                ib += 1
            if not (ia and on_a[ia - 1].end > t) and not (ib and on_b[ib - 1].end > t):  # both free at t
                if low is not None and gain - low > best_gain:
                    best_gain, best = gain - low, (low_at, t)
                if low is None or gain < low:
                    low, low_at = gain, t
        prev = t
        to_b = to == b
        if (fixed_b if to_b else fixed_a).overlaps(t, h.end):
            low = low_at = None  # a fixed hold on the other car is in the way: no stretch across h
        home = orig[h.key]
        gain += (home == to) - (home == (a if to_b else b))
    if low is not None and gain - low > best_gain:  # to the end
        best_gain, best = gain - low, (low_at, None)
    return best_gain, best


class _Blocks:
    """The holds that stay where they are on one car (fixed ones; in a window search also the
    movable ones outside the window), asked in O(log n) whether a hold overlaps one of them."""

    __slots__ = ("starts", "ends", "max_end")

    def __init__(self, holds: Iterable[Hold]) -> None:
        ordered = sorted(holds, key=lambda h: (h.start, h.end))
        self.starts = [h.start for h in ordered]
        self.ends = [h.end for h in ordered]
        self.max_end: list[Any] = []  # the latest end among the holds up to here
        for e in self.ends:
            self.max_end.append(e if not self.max_end or e > self.max_end[-1] else self.max_end[-1])

    def overlaps(self, start: Any, end: Any) -> bool:
        i = bisect.bisect_left(self.starts, end)  # the holds starting before ``end``
        return i > 0 and self.max_end[i - 1] > start

    def ahead(self, t: Any, horizon: Any) -> tuple[int, int]:
        """The index range of the holds that can matter to a hold starting at or after ``t`` and
        ending by ``horizon`` (a superset: it may hold a few that end earlier)."""
        return bisect.bisect_right(self.max_end, t), bisect.bisect_left(self.starts, horizon)


class _Ejection:
    """Fewest moves first: the holds that need a car (the new one, the loose ones) take one each,
    pushing off the movable holds in their way, which then need a car in turn; up to ``k`` pushed
    off for k = 0, 1, ... :data:`EJECTION_MOVES`.

    Complete for each k on its own: any placement moving at most k holds can be reached so (put each
    homeless hold on its car in that placement; what it pushes off moves in that placement too,
    and is never a hold already placed), so the first k that finds one finds a placement with fewest
    moves. A hold is placed at most once. Raises :class:`_ShareSpent` after ``share`` nodes, or when
    none moves ``EJECTION_MOVES`` or fewer."""

    def __init__(self, pool: list[Hashable], fixed_on: dict[Hashable, list[Hold]], moving: list[Hold],
                 loose: list[int], share: int) -> None:
        self.pool = pool
        self.blocks = {c: _Blocks(fixed_on[c]) for c in pool}
        loose_set = set(loose)
        self.homeless = [moving[i] for i in loose]
        self.on: dict[Hashable, list[Hold]] = {c: [] for c in pool}  # clear of each other: in start and end order
        for i, h in enumerate(moving):
            if i not in loose_set:
                self.on[h.car].append(h)
        self.starts = {c: [h.start for h in hs] for c, hs in self.on.items()}
        self.share = share
        self.nodes = 0
        self.gone: set[Hashable] = set()  # pushed off their cars
        self.placed: dict[Hashable, list[Hold]] = {c: [] for c in pool}  # put there by the search
        self.assignment: dict[Hashable, Hashable] = {}
        self.cars_for: dict[Hashable, list[tuple[Hashable, list[Hold]]]] = {}

    def run(self) -> dict[Hashable, Hashable] | None:
        for k in range(EJECTION_MOVES + 1):
            if self._go(self.homeless, 0, k):
                return dict(self.assignment)
        raise _ShareSpent

    def _cars_for(self, h: Hold) -> list[tuple[Hashable, list[Hold]]]:
        """The cars no fixed hold closes to ``h``, each with the movable holds of the book as it
        stands that ``h`` would push off there (once per hold: the book does not change)."""
        found = self.cars_for.get(h.key)
        if found is None:
            found = []
            for car in self.pool:
                if self.blocks[car].overlaps(h.start, h.end):
                    continue
                on, there = self.on[car], []
                j = bisect.bisect_left(self.starts[car], h.end) - 1
                while j >= 0 and on[j].end > h.start:
                    there.append(on[j])
                    j -= 1
                found.append((car, there))
            self.cars_for[h.key] = found
        return found

    def _options(self, h: Hold, moves: int, k: int) -> list[tuple[Any, ...]]:
        """Where ``h`` may go within ``k`` moves: (pushed off, off its car, pool order, car, the
        holds pushed off), fewest pushed off first."""
        options = []
        for order, (car, there) in enumerate(self._cars_for(h)):
            if any(p.start < h.end and h.start < p.end for p in self.placed[car]):
                continue  # a hold placed by this search stays
            pushed = [p for p in there if p.key not in self.gone]
            if moves + len(pushed) <= k:
                options.append((len(pushed), car != h.car, order, car, pushed))
        options.sort(key=lambda o: o[:3])
        return options

    def _go(self, homeless: list[Hold], moves: int, k: int) -> bool:
        if not homeless:
            return True
        self.nodes += 1
        if self.nodes > self.share:
            raise _ShareSpent
        # The hold with fewest places to go first: one with none ends this branch at once.
        chosen, options = 0, None
        for i, h in enumerate(homeless):
            here = self._options(h, moves, k)
            if not here:
                return False
            if options is None or len(here) < len(options):
                chosen, options = i, here
        assert options is not None  # (homeless is never empty here)
        h, rest = homeless[chosen], homeless[:chosen] + homeless[chosen + 1:]
        for _, _, _, car, pushed in options:
            self.placed[car].append(h)
            self.assignment[h.key] = car
            self.gone.update(p.key for p in pushed)
            if self._go(rest + pushed, moves + len(pushed), k):
                return True
            self.gone.difference_update(p.key for p in pushed)
            del self.assignment[h.key]
            self.placed[car].pop()
        return False


class _Search:
    """One depth-first search: holds in start order, each tried on its current car first, then
    best fit (the car busy until latest); cars with the same future tried once and failed states
    remembered (the search may move any hold, so which car a hold sits on does not matter, only
    what each car has ahead). ``staying``: movable holds kept on their cars (a window search)."""

    def __init__(self, pool: list[Hashable], fixed_on: dict[Hashable, list[Hold]], moving: list[Hold],
                 share: int, staying: Sequence[Hold] = ()) -> None:
        self.pool = pool
        on: dict[Hashable, list[Hold]] = {c: list(fixed_on[c]) for c in pool}
        for h in staying:
            on[h.car].append(h)
        self.blocks = {c: _Blocks(hs) for c, hs in on.items()}
        self.moving = moving
        self.horizon = max((h.end for h in moving), default=0)
        self.stay = self._where_the_rest_can_stay()
        self.share = share
        self.nodes = 0
        self.free_at: dict[Hashable, Any] = {c: None for c in pool}  # end of the last moving hold put there
        self.assignment: dict[Hashable, Hashable] = {}
        self.failed: set[tuple[Any, ...]] = set()
        # The blocks ahead of a car as a small number, the same for the same holds: (car, first,
        # last index) -> id, and the holds themselves -> id.
        self.future_of: dict[tuple[Any, ...], int] = {}
        self.future_ids: dict[tuple[Any, ...], int] = {}

    def _where_the_rest_can_stay(self) -> list[dict[Hashable, Any] | None]:
        """stay[i]: when holds i.. may all keep their current cars (in the pool, clear of each other
        and of the blocks), the start of the first of them on each car; else None. A search stops at
        i as soon as what it placed before ends in time for those: no backtracking through a book
        that needs no change."""
        moving = self.moving
        n = len(moving)
        stay: list[dict[Hashable, Any] | None] = [None] * (n + 1)
        stay[n] = {}
        next_start: dict[Hashable, Any] = {}
        for j in range(n - 1, -1, -1):
            h = moving[j]
            if stay[j + 1] is None or h.car not in self.blocks:
                break
            following = next_start.get(h.car)
            if (following is not None and h.end > following) or self.blocks[h.car].overlaps(h.start, h.end):
                break
            next_start[h.car] = h.start
            stay[j] = dict(next_start)
        return stay

    def run(self) -> dict[Hashable, Hashable] | None:
        return dict(self.assignment) if self._go(0) else None

    def _fits(self, car: Hashable, h: Hold) -> bool:
        last = self.free_at[car]
        if last is not None and last > h.start:
            return False
        return not self.blocks[car].overlaps(h.start, h.end)

    def _signature(self, car: Hashable, t: Any) -> tuple[Any, ...]:
        """What matters of a car for holds starting at or after t."""
        last = self.free_at[car]
        busy_until = last if last is not None and last > t else t  # free from t: all that matters
        blocks = self.blocks[car]
        first, end = blocks.ahead(t, self.horizon)
        if first >= end:
            return (busy_until, -1)
        key = (car, first, end)
        future = self.future_of.get(key)
        if future is None:
            holds = (tuple(blocks.starts[first:end]), tuple(blocks.ends[first:end]))
            future = self.future_of[key] = self.future_ids.setdefault(holds, len(self.future_ids))
        return (busy_until, future)

    def _go(self, i: int) -> bool:
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
        h = moving[i]
        signatures = {c: self._signature(c, h.start) for c in self.pool}
        key = (i, tuple(sorted(signatures.values())))
        if key in self.failed:
            return False
        tried: set[tuple[Any, ...]] = set()
        candidates = sorted(
            (c for c in self.pool if self._fits(c, h)),
            key=lambda c: (c != h.car, free_at[c] is None, _neg(free_at[c]) or 0),
        )
        for car in candidates:
            sig = signatures[car]
            if sig in tried and car != h.car:
                continue
            tried.add(sig)
            previous = free_at[car]
            free_at[car] = h.end
            self.assignment[h.key] = car
            if self._go(i + 1):
                return True
            free_at[car] = previous
            del self.assignment[h.key]
        self.failed.add(key)
        return False
