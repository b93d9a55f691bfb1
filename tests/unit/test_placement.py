"""The placement engine against a brute-force search on small random pools."""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rentaldesk import placement
from rentaldesk.placement import Hold, place

DATA = Path(__file__).parent / "data"
DECIDED_EXACTLY = "placement decided by CP-SAT"


def valid(cars, holds, assignment) -> bool:
    """No car holds two overlapping holds; every hold sits on a car of the pool."""
    placed: dict = {c: [] for c in cars}
    for h in holds:
        car = assignment.get(h.key, h.car)
        if car not in placed:
            if h.movable:
                return False
            continue  # a fixed hold on a car outside the pool is not ours to judge
        for other in placed[car]:
            if other.start < h.end and h.start < other.end:
                return False
        placed[car].append(h)
    return True


def brute_force_exists(cars, holds, new) -> bool:
    return brute_force_fewest_moves(cars, holds, new) is not None


def brute_force_fewest_moves(cars, holds, new) -> int | None:
    """The fewest holds moved off their cars (the new one not counted) in any placement, or None."""
    everything = [*holds, new]
    movable = [h for h in everything if h.movable]
    fixed = {h.key: h.car for h in everything if not h.movable}
    best = None
    for choice in itertools.product(cars, repeat=len(movable)):
        assignment = dict(fixed)
        assignment.update({h.key: c for h, c in zip(movable, choice)})
        if valid(cars, everything, assignment):
            moves = sum(1 for h in holds if h.movable and assignment[h.key] != h.car)
            best = moves if best is None else min(best, moves)
    return best


@st.composite
def pools(draw):
    cars = list(range(draw(st.integers(1, 3))))
    n = draw(st.integers(0, 5))
    holds = []
    for i in range(n):
        start = draw(st.integers(0, 12))
        length = draw(st.integers(1, 5))
        movable = draw(st.booleans())
        holds.append(Hold(key=i, start=start, end=start + length, car=None, movable=movable))
    # Put the existing holds on cars the way an earlier run of the engine would have: each one
    # placed when it arrived, so the starting state is itself valid.
    placed: list[Hold] = []
    for h in holds:
        car_for_fixed = draw(st.sampled_from(cars))
        probe = Hold(h.key, h.start, h.end, car=None if h.movable else car_for_fixed, movable=h.movable)
        result = place(cars, placed, probe)
        if result is None:
            continue
        placed = [Hold(p.key, p.start, p.end, result.get(p.key, p.car), p.movable) for p in placed]
        placed.append(Hold(h.key, h.start, h.end, result[h.key], h.movable))
    start = draw(st.integers(0, 12))
    new_fixed = draw(st.booleans())
    new = Hold(
        key="new",
        start=start,
        end=start + draw(st.integers(1, 5)),
        car=draw(st.sampled_from(cars)) if new_fixed else None,
        movable=not new_fixed,
    )
    return cars, placed, new


def check_answer(cars, holds, new, result, exists: bool) -> None:
    """``result`` is ``place``'s answer: None only when no placement exists, else a valid one that
    leaves the fixed holds where they are."""
    if result is None:
        assert not exists, "refused although a placement exists"
        return
    assert exists
    assert new.key in result
    if not new.movable:
        assert result[new.key] == new.car
    for h in holds:
        if not h.movable:
            assert result.get(h.key, h.car) == h.car, "a fixed hold was moved"
    placed_new = Hold(new.key, new.start, new.end, result[new.key], new.movable)
    assert valid(cars, [*holds, placed_new], result)


@settings(max_examples=600, deadline=None)
@given(pools())
def test_place_is_exact_and_never_double_books(case):
    cars, holds, new = case
    assert valid(cars, holds, {}), "the generated starting state must be valid"
    check_answer(cars, holds, new, place(cars, holds, new), brute_force_exists(cars, holds, new))


@settings(max_examples=300, deadline=None)
@given(pools(), st.booleans())
def test_the_complete_method_is_exact_and_never_double_books(case, fewest_moves):
    # No node budget: every question the fast path and the clique bound leave open goes to CP-SAT.
    cars, holds, new = case
    result = place(cars, holds, new, budget=0, fewest_moves=fewest_moves)
    check_answer(cars, holds, new, result, brute_force_exists(cars, holds, new))


@settings(max_examples=300, deadline=None)
@given(pools())
def test_a_booking_moves_fewest_reservations(case):
    # The ejection search tries 0, 1, 2... moves in turn: on these small pools it always decides,
    # so a booking moves no more reservations than it must.
    cars, holds, new = case
    result = place(cars, holds, new)
    fewest = brute_force_fewest_moves(cars, holds, new)
    check_answer(cars, holds, new, result, fewest is not None)
    if result is not None:
        assert sum(1 for h in holds if h.movable and result.get(h.key, h.car) != h.car) == fewest


@pytest.mark.parametrize("windows", [(0,), (1,), ()], ids=["window-0", "window-1", "whole-cluster"])
@settings(max_examples=200, deadline=None)
@given(case=pools(), fewest_moves=st.booleans())
def test_the_window_and_cluster_searches_are_exact_and_never_double_book(windows, case, fewest_moves):
    # No ejection search: the window searches (the movable holds from just before the new one on;
    # found or not) and then the search over the whole cluster decide, and what they find goes
    # through the swaps that undo their cascades (_fewer_moves): still a placement.
    cars, holds, new = case
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(placement, "EJECTION_BUDGET", 0)
        mp.setattr(placement, "WINDOWS", windows)
        result = place(cars, holds, new, fewest_moves=fewest_moves)
    check_answer(cars, holds, new, result, brute_force_exists(cars, holds, new))


def test_example_from_the_issue_two_suvs_repacked():
    # A [1,3) and B [4,6) on different cars; C [2,5) fits only if A and B share a car.
    holds = [Hold("A", 1, 3, car="suv1"), Hold("B", 4, 6, car="suv2")]
    result = place(["suv1", "suv2"], holds, Hold("C", 2, 5))
    assert result is not None
    cars_of = {"A": "suv1", "B": "suv2", **result}
    assert cars_of["A"] == cars_of["B"] != cars_of["C"]


def test_pinned_holds_are_never_moved():
    holds = [Hold("A", 1, 3, car="suv1", movable=False), Hold("B", 4, 6, car="suv2", movable=False)]
    assert place(["suv1", "suv2"], holds, Hold("C", 2, 5)) is None


def test_back_to_back_holds_share_a_car_without_moves():
    holds = [Hold("A", 0, 10, car="c1")]
    assert place(["c1"], holds, Hold("B", 10, 20)) == {"B": "c1"}


def test_fast_path_picks_best_fit():
    holds = [Hold("A", 0, 5, car="c1"), Hold("B", 0, 8, car="c2")]
    # Both free from 8; c2's last hold ends closest before 9, so c2 keeps c1's longer gap open.
    assert place(["c1", "c2"], holds, Hold("N", 9, 12)) == {"N": "c2"}


def test_movable_hold_on_a_car_outside_the_pool_is_moved_back_in():
    holds = [Hold("A", 0, 5, car="in_maintenance")]
    result = place(["c1", "c2"], holds, Hold("N", 1, 3))
    assert result is not None and result["A"] in {"c1", "c2"} and result["N"] != result["A"]


def test_pinned_new_hold_on_unknown_car_is_refused():
    assert place(["c1"], [], Hold("N", 0, 1, car="c9", movable=False)) is None


def test_a_spent_budget_is_decided_exactly_not_given_up(caplog):
    # Many interchangeable-looking but pinned-apart cars force the search to work.
    cars = list(range(6))
    holds = [Hold(f"f{i}", 2 * i + 1, 2 * i + 2, car=i, movable=False) for i in range(6)]
    holds += [Hold(f"m{i}", i, i + 3, car=i % 6) for i in range(0, 12, 2)]
    with caplog.at_level(logging.INFO, logger="rentaldesk.placement"):
        assert place(cars, holds, Hold("N", 0, 13), budget=1) is None  # a car free over [0, 13) is needed
    assert DECIDED_EXACTLY in caplog.text


def test_a_tight_repack_is_placed_by_the_complete_method(caplog):
    # C [2,5) fits only if A and B share a car; with no budget the complete method finds it.
    holds = [Hold("A", 1, 3, car="suv1"), Hold("B", 4, 6, car="suv2")]
    new = Hold("C", 2, 5)
    with caplog.at_level(logging.INFO, logger="rentaldesk.placement"):
        result = place(["suv1", "suv2"], holds, new, budget=0)
    assert DECIDED_EXACTLY in caplog.text
    check_answer(["suv1", "suv2"], holds, new, result, brute_force_exists(["suv1", "suv2"], holds, new))
    assert result == {"A": "suv2", "C": "suv1"} or result == {"B": "suv1", "C": "suv2"}  # one move


def test_pinned_holds_are_provably_in_the_way_for_the_complete_method(caplog):
    # A and B pinned on the two cars: C [2,5) overlaps both, and nothing may move.
    cars = ["suv1", "suv2", "suv3"]
    holds = [Hold("A", 1, 3, car="suv1", movable=False), Hold("B", 4, 6, car="suv2", movable=False),
             Hold("D", 0, 8, car="suv3"), Hold("E", 3, 4, car="suv1")]
    new = Hold("C", 2, 5)
    with caplog.at_level(logging.INFO, logger="rentaldesk.placement"):
        result = place(cars, holds, new, budget=0)
    assert DECIDED_EXACTLY in caplog.text
    assert not brute_force_exists(cars, holds, new)
    assert result is None


def load_case(name: str):
    """A pool from tests/unit/data: cars, holds, the new hold, fewest_moves."""
    lines = [line for line in (DATA / name).read_text().splitlines() if not line.startswith("#")]
    _, n_cars, _, fewest_moves, _, start, end = lines[0].split()
    holds = []
    for line in lines[1:]:
        key, a, b, car, movable = line.split()
        holds.append(Hold(int(key), int(a), int(b), car=int(car), movable=movable == "1"))
    return list(range(int(n_cars))), holds, Hold("new", int(start), int(end)), fewest_moves == "True"


@pytest.mark.parametrize("budget", [None, 0], ids=["searches", "complete-method"])
@pytest.mark.parametrize("name", ["placement_gave_up_create.txt", "placement_gave_up_available.txt"])
def test_a_pool_the_search_gave_up_on_is_placed(name, budget, caplog):
    # Pinned holds tangled across a full stretch of the bench's book: the depth-first search in
    # start order spent 20,000 nodes on each and gave up. Now the searches place them or hand over to
    # the complete method; with no budget, the complete method places both.
    cars, holds, new, fewest_moves = load_case(name)
    assert valid(cars, holds, {}), "the recorded pool must be a valid starting state"
    with caplog.at_level(logging.INFO, logger="rentaldesk.placement"):
        result = place(cars, holds, new, budget=budget, fewest_moves=fewest_moves)
    if budget == 0:
        assert DECIDED_EXACTLY in caplog.text
    check_answer(cars, holds, new, result, exists=True)  # a valid placement proves one exists
    if fewest_moves:
        assert len(result) - 1 <= 4, "a booking moves few reservations"


def test_two_holds_on_one_car_are_not_taken_for_a_free_car():
    # A branch can briefly see A and B on one car: head office put A there, and B's new car has not
    # arrived yet. Three overlapping holds on two cars do not fit, even though car c2 looks free.
    holds = [Hold("A", 0, 10, car="c1"), Hold("B", 2, 12, car="c1")]
    assert place(["c1", "c2"], holds, Hold("N", 4, 8)) is None


def test_a_conflict_is_repaired_when_the_new_hold_fits():
    holds = [Hold("A", 0, 10, car="c1"), Hold("B", 2, 12, car="c1")]
    result = place(["c1", "c2", "c3"], holds, Hold("N", 4, 8))
    assert result is not None
    cars_of = {"A": "c1", "B": "c1", **result}
    assert len({cars_of["A"], cars_of["B"], cars_of["N"]}) == 3


def _chained_book():
    # A [0,3) on c1, B [4,8) on c2, then 200 holds chained by overlap, alternating cars.
    holds = [Hold("A", 0, 3, car="c1"), Hold("B", 4, 8, car="c2")]
    for k in range(100):
        holds += [Hold(f"x{k}", 7 + 3 * k, 10 + 3 * k, car="c1"), Hold(f"y{k}", 8.5 + 3 * k, 11.5 + 3 * k, car="c2")]
    return holds


def test_a_booking_moves_one_reservation_rather_than_a_cascade():
    # N [2,6) fits if A moves to c2 (one move). Keeping A and putting N on c2 also "works", but
    # then B and every hold behind it must swap cars: 201 moves for one booking.
    assert place(["c1", "c2"], _chained_book(), Hold("N", 2, 6)) == {"A": "c2", "N": "c1"}


def test_the_search_stops_once_the_rest_of_the_book_can_stay_put():
    # Once A and N are placed, the 201 holds behind can keep their cars: the search ends there,
    # inside a budget far smaller than the book.
    assert place(["c1", "c2"], _chained_book(), Hold("N", 2, 6), budget=80) == {"A": "c2", "N": "c1"}


def test_two_fixed_holds_overlapping_on_one_car_do_not_close_the_free_car():
    # Nothing can mend two pinned reservations on one car; the other car is still free.
    holds = [Hold("P", 4, 8, car=1, movable=False), Hold("Q", 5, 9, car=1, movable=False)]
    assert place([0, 1], holds, Hold("N", 6, 8)) == {"N": 0}


def test_a_service_warms_the_complete_method_up_in_the_background():
    import sys

    from rentaldesk.placement_exact import warm_up

    thread = warm_up()
    assert thread.daemon
    thread.join(120)
    assert "ortools.sat.python.cp_model" in sys.modules
