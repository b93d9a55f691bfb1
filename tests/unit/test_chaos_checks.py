"""tools/chaos.py's pure parts: the seeded plan and the double-booking check (the run itself is
tests/e2e/test_chaos.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tools.chaos import Plan
from tools.chaos_checks import overlaps

T = datetime(2030, 3, 4, 12, tzinfo=timezone.utc)


def hold(status: str, plate: str, start: int, end: int) -> tuple:
    return (status, plate, T + timedelta(hours=start), T + timedelta(hours=end), None, "")


def test_a_seed_fixes_the_plan_and_its_replay():
    assert Plan.make(seed=5) == Plan.make(seed=5)
    short = Plan.make(seed=5, short=True)
    assert [fault.split(":")[0] for _, fault in short.faults] == ["broker", "hq", "branch"]
    assert len(Plan.make(seed=5).faults) == 7
    assert short.replay() == 'make chaos ARGS="--seed 5 --branches 3 --commands 60 --short"'


def test_overlaps_finds_two_live_holds_of_one_car_and_nothing_else():
    rows = {
        "a": hold("confirmed", "P1", 0, 24),
        "b": hold("pending", "P1", 23, 30),  # overlaps a
        "c": hold("active", "P1", 30, 40),  # touches b: half-open periods
        "d": hold("cancelled", "P1", 0, 40),  # not live
        "e": hold("confirmed", "P2", 0, 24),
        "f": hold("confirmed", "P3", 0, 48),
        "g": hold("confirmed", "P3", 10, 12),  # inside f, not adjacent in end order
        "h": hold("confirmed", "P3", 20, 22),
    }
    found = overlaps(rows)
    assert len(found) == 3
    assert any("P1" in f and " a " in f and " b " in f for f in found)
    assert sum("P3" in f for f in found) == 2
