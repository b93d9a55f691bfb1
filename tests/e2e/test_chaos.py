"""The short chaos run (``make chaos ARGS=--short``, see tools/chaos.py) on the session's broker: the real
processes, a burst of commands from three branches, the broker stopped and started, head office and a
branch's sync SIGKILLed; then every invariant of the protocol holds, from the databases and the mails."""

from __future__ import annotations

import pytest

from tools.chaos import Plan, run

pytestmark = pytest.mark.slow

#: Fixed, so CI runs the same choices every time; `make chaos` draws new seeds.
SEED = 20261202


def test_short_chaos_run_breaks_no_invariant(restartable_broker, topic_prefix, tmp_path):
    plan = Plan.make(branches=3, seed=SEED, short=True, quiet_timeout=150)
    result = run(plan, broker=restartable_broker, root=tmp_path / "chaos", prefix=topic_prefix, echo=lambda _: None)
    print(result.summary())
    assert len(result.faults) == 3, result.summary()
    assert result.ok, result.summary()
