"""A broker outage, told and recovered: each sync loop says once that the broker is lost and once
that it is back, and a request made meanwhile is decided after the broker returns.

Head office here runs its publisher in a child process, as ``rentaldesk hq`` does (its log records
come back to this process's loggers)."""

from __future__ import annotations

import logging
import time

from rentaldesk.sync.outbox import unsent_count

from .network import Network, statuses, wait_for
from .test_sync import book

#: The loops that tell: the branch's consumer, head office's authority, the publisher's relay.
LOOPS = ("branch BOS-DT", "hq authority", "hq publisher")


def lines(caplog, text: str) -> dict[str, int]:
    """How many records of each loop say ``text``."""
    found = {loop: 0 for loop in LOOPS}
    for record in caplog.records:
        message = record.getMessage()
        for loop in LOOPS:
            if message.startswith(f"{loop}: ") and text in message:
                found[loop] += 1
    return found


def test_each_loop_says_once_when_the_broker_is_lost_and_back_and_a_request_waits_for_it(
    restartable_broker, broker_outage, kafka_broker, topic_prefix, tmp_path, caplog
):
    caplog.set_level(logging.INFO, logger="rentaldesk")
    network = Network(kafka_broker.bootstrap, topic_prefix, tmp_path)
    try:
        network.start_hq(publisher="process")
        bos = network.add_branch("BOS-DT")
        before = book(bos, "before@example.com")
        wait_for(lambda: statuses(bos.db)[before.id][0] == "confirmed", what="a decision with the broker up")
        assert lines(caplog, "lost the broker") == {loop: 0 for loop in LOOPS}

        restartable_broker.stop(keep=True)
        try:
            wait_for(lambda: all(lines(caplog, "lost the broker").values()), timeout=60,
                     what=f"every loop to say the broker is lost: {lines(caplog, 'lost the broker')}")
            during = book(bos, "during@example.com", day=4)
            assert during.status == "pending" and unsent_count(bos.db) == 1
            time.sleep(3.0)  # the clients try the broker again several times a second meanwhile
            assert lines(caplog, "back") == {loop: 0 for loop in LOOPS}
        finally:
            restartable_broker.start()

        wait_for(lambda: statuses(bos.db)[during.id][0] == "confirmed", timeout=60,
                 what="the request made during the outage decided")
        wait_for(lambda: all(lines(caplog, "is back").values()), timeout=60,
                 what=f"every loop to say the broker is back: {lines(caplog, 'is back')}")
        assert lines(caplog, "lost the broker") == {loop: 1 for loop in LOOPS}
        assert lines(caplog, "is back") == {loop: 1 for loop in LOOPS}
        assert lines(caplog, "cannot reach") == {loop: 0 for loop in LOOPS}
    finally:
        network.close()
