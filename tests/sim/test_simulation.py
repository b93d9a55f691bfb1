"""The deterministic simulation (tests/sim/harness.py) over many seeds, and its own guarantees.

``RENTALDESK_SIM_SEEDS=LO:HI`` runs other seeds; ``python -m tests.sim`` runs thousands in parallel
and replays one with its step trace.
"""

from __future__ import annotations

import logging
import os

import pytest

from .broker import Party, SimBroker, SimConsumer, SimProducer
from .harness import Config, cleanup, replay_command, run_many, run_seed

#: About a minute on this two-core machine; the slow test runs ten times as many, in two processes.
SEEDS = 40


def _seeds(default: range) -> range:
    text = os.environ.get("RENTALDESK_SIM_SEEDS")
    if not text:
        return default
    lo, _, hi = text.partition(":")
    return range(int(lo), int(hi))


@pytest.fixture(scope="module", autouse=True)
def _files():
    yield
    cleanup()


@pytest.fixture(autouse=True)
def _quiet_logs():
    """The product's warnings (broker down, replays skipped...) are the faults doing their work;
    thousands of them would bury a failure's report. The replay command shows them."""
    logger = logging.getLogger("rentaldesk")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def _run(seeds: range, jobs: int = 1) -> None:
    failed = []
    for seed, failures in run_many(seeds, jobs=jobs):
        if failures:
            kinds = sorted({str(f).partition(":")[0] for f in failures})
            failed.append(f"seed {seed}: {failures[0]} ({len(failures)} failure(s): {', '.join(kinds)})\n"
                          f"    replay: {replay_command(seed)}")
    assert not failed, f"{len(failed)} of {len(seeds)} seeds failed:\n" + "\n".join(failed)


def test_the_invariants_hold_for_every_seed():
    _run(_seeds(range(SEEDS)))


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_the_invariants_hold_for_many_more_seeds():
    _run(_seeds(range(SEEDS, SEEDS + 10 * SEEDS)), jobs=2)


#: Seeds that found defects on the code of main before the protocol fixes (issue 9), each the first or
#: the clearest of its kind in seeds 0-2000. Once the code changes a seed's run changes too (the
#: scheduler's choices depend on what the parties hold), so these are kept as seeds to pass, not as
#: reproductions; tests/sim/harness.py's trace of each is in the issue note.
FOUND = {
    4: "defect 4: changed while pending, rejected; the clerk's cancel is ignored at head office",
    14: "defect 4: changed twice while pending, rejected, stays pending",
    384: "defect 5: another branch's reservation moved for a booking head office rejected",
    439: "defect 5: the same, another pool day",
    9: "a stale answer: an older confirmation applied over a changed period",
    126: "a stale answer: a cancelled reservation confirmed again at every branch, double-booking a car",
    587: "relay order: a branch's change reached head office before its booking, and stays pending",
}


@pytest.mark.parametrize("seed", sorted(FOUND), ids=lambda seed: f"seed{seed}")
def test_the_seeds_that_found_defects_pass(seed):
    result = run_seed(seed)
    assert not result.failures, f"{FOUND[seed]}\n" + "\n".join(map(str, result.failures[:5])) + (
        f"\nreplay: {replay_command(seed)}")


def test_a_seed_replays_exactly():
    a, b = run_seed(7, Config(steps=60)), run_seed(7, Config(steps=60))
    assert a.trace == b.trace and len(a.trace) > 60
    assert run_seed(8, Config(steps=60)).trace != a.trace


def test_the_replay_command_names_the_seed_and_any_other_steps():
    assert replay_command(1234).endswith(" -m tests.sim --seed 1234 -v")
    assert replay_command(5, Config(steps=40)).endswith(" -m tests.sim --seed 5 --steps 40 -v")


# -- the simulated broker ---------------------------------------------------------------------------

def _broker() -> tuple[SimBroker, Party]:
    return SimBroker(), Party("p")


def test_records_of_one_key_keep_their_order_and_a_group_resumes_from_its_commit():
    broker, party = _broker()
    producer = SimProducer(broker, party)
    topic = broker.topics.name("booking-requests")
    for i in range(5):
        producer.send(topic, key=b"SUV|10001", value=str(i).encode()).get()
    consumer = SimConsumer(broker, party, "g", [topic], lambda: 2)
    first = [r for records in consumer.poll().values() for r in records]
    assert [r.value for r in first] == [b"0", b"1"]
    tp = next(iter(consumer.poll().keys()))
    from kafka import OffsetAndMetadata

    consumer.commit({tp: OffsetAndMetadata(2, "", -1)})
    again = SimConsumer(broker, party, "g", [topic], lambda: 10)  # after a restart
    assert [r.value for rs in again.poll().values() for r in rs] == [b"2", b"3", b"4"]


def test_a_lost_ack_leaves_the_record_in_the_log_and_the_sender_told_it_failed():
    from kafka.errors import KafkaError

    broker, party = _broker()
    producer = SimProducer(broker, party)
    topic = broker.topics.name("booking-events")
    broker.lose_acks = 1
    with pytest.raises(KafkaError):
        producer.send(topic, key=b"k", value=b"v").get()
    assert [r.value for r in broker.records(topic)] == [b"v"]
    broker.up = False
    with pytest.raises(KafkaError):
        producer.send(topic, key=b"k", value=b"w")
    assert SimConsumer(broker, party, "g", [topic], lambda: 10).poll() == {}
