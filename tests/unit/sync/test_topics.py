"""The sync loops' account of their broker (:class:`BrokerWatch`) and the check of a broker list
(:func:`check_bootstrap`): one line when lost, one when back, never one per retry."""

from __future__ import annotations

import logging

import pytest

from rentaldesk.config import check_bootstrap, load_settings
from rentaldesk.errors import InvalidInput
from rentaldesk.sync.topics import LOST_AFTER, BrokerWatch


class Link:
    """A client's connection over time, and the clock the watch reads."""

    def __init__(self) -> None:
        self.up = False
        self.now = 0.0

    def watch(self) -> BrokerWatch:
        return BrokerWatch(object(), "branch BOS-DT", "broker1:9092", connected=lambda _c: self.up,
                           clock=lambda: self.now)

    def run(self, watch: BrokerWatch, seconds: float, step: float = 0.2) -> None:
        end = self.now + seconds
        while self.now < end:
            watch.check()
            self.now += step


def said(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_an_outage_is_one_line_lost_and_one_line_back(caplog):
    link = Link()
    watch = link.watch()
    link.up = True
    link.run(watch, 5)
    link.up = False
    link.run(watch, 30)  # 150 checks, retries all along
    assert said(caplog) == ["branch BOS-DT: lost the broker broker1:9092; retrying"]
    link.up = True
    link.run(watch, 5)
    assert said(caplog)[1:] == ["branch BOS-DT: the broker broker1:9092 is back"]
    assert watch.up is True


def test_a_short_gap_is_no_outage(caplog):
    link = Link()
    watch = link.watch()
    link.up = True
    link.run(watch, 2)
    link.up = False  # a connection closed and opened again
    link.run(watch, LOST_AFTER / 2)
    link.up = True
    link.run(watch, 2)
    assert said(caplog) == []


def test_a_broker_never_reached_is_said_once(caplog):
    link = Link()
    watch = link.watch()
    link.run(watch, 20)
    assert said(caplog) == ["branch BOS-DT: cannot reach the broker broker1:9092; retrying"]
    link.up = True
    link.run(watch, 1)
    assert said(caplog)[1:] == ["branch BOS-DT: the broker broker1:9092 is back"]


@pytest.mark.parametrize("bootstrap", ["", "broker1:9092", "broker1:9092, broker2:9093", "[::1]:9092",
                                       "10.0.0.5:1", "kafka_1.lan:65535"])
def test_a_usable_broker_list_passes(bootstrap):
    check_bootstrap(bootstrap, "--kafka")


@pytest.mark.parametrize("bootstrap, problem", [
    ("nohost", "broker address 'nohost' has no port"),
    ("::::", "broker address '::::' has no port"),
    ("localhost:", "broker address 'localhost:' has no port"),
    (":9092", "broker address ':9092' has no valid host"),
    ("broker1:0", "broker address 'broker1:0' has no valid port ('0')"),
    ("broker1:70000", "broker address 'broker1:70000' has no valid port ('70000')"),
    ("[::1:9092", "broker address '[::1:9092' has no valid host"),
    ("broker1:9092,,broker2:9092", "has an empty broker address"),
])
def test_a_malformed_broker_list_is_refused_naming_where_it_came_from(bootstrap, problem, tmp_path):
    (tmp_path / "none.toml").write_text("")
    environ = {"RENTALDESK_KAFKA": bootstrap, "RENTALDESK_CONFIG": str(tmp_path / "none.toml")}
    with pytest.raises(InvalidInput) as refused:
        load_settings(None, environ)
    assert str(refused.value).startswith("RENTALDESK_KAFKA: ") and problem in str(refused.value)
