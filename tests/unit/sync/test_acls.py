"""The ACLs of a secured network, from the one table of who writes and reads each topic."""

from __future__ import annotations

from rentaldesk.sync.acls import acl_rules, kafka_acls_commands
from rentaldesk.sync.topics import ACCESS, BOOKING_EVENTS, BOOKING_REQUESTS, FLEET, LAYOUT, Topics


def test_every_topic_says_who_may_use_it():
    assert set(ACCESS) == set(LAYOUT)


def _grants(rules, user):
    return {(r.operation, r.resource, r.name, r.pattern) for r in rules if r.user == user}


def test_a_branch_writes_requests_and_reads_decisions_and_the_fleet_and_only_head_office_writes_those():
    t = Topics("acme")
    rules = acl_rules("acme", "hq", {"BOS-DT": "branch-bos", "ORD-AP": "branch-ord"})
    bos = _grants(rules, "branch-bos")
    assert ("WRITE", "TOPIC", t.name(BOOKING_REQUESTS), "LITERAL") in bos
    assert {("READ", "TOPIC", t.name(BOOKING_EVENTS), "LITERAL"), ("READ", "TOPIC", t.name(FLEET), "LITERAL")} <= bos
    assert ("READ", "GROUP", "acme-branch-BOS-DT", "LITERAL") in bos
    # its own group only, no creation, no decisions, no fleet
    assert not any(op in ("CREATE", "ALL") for op, *_ in bos)
    assert ("READ", "GROUP", "acme-branch-ORD-AP", "LITERAL") not in bos
    writers = {r.user for r in rules if r.operation == "WRITE" and r.name in (t.name(BOOKING_EVENTS), t.name(FLEET))}
    assert writers == {"hq"}
    hq = _grants(rules, "hq")
    assert {("CREATE", "TOPIC", "acme.", "PREFIXED"), ("READ", "GROUP", "acme-hq", "PREFIXED"),
            ("READ", "TOPIC", t.name(BOOKING_REQUESTS), "LITERAL")} <= hq


def test_the_printed_commands_are_the_rules():
    rules = acl_rules("rentaldesk", "hq", {"BOS": "branch-bos"})
    lines = kafka_acls_commands(rules, "broker1:9093")
    assert len(lines) == len(rules)
    assert ("kafka-acls.sh --bootstrap-server broker1:9093 --command-config admin.properties --add "
            "--allow-principal User:branch-bos --operation Write --topic rentaldesk.booking-requests") in lines
    assert ("kafka-acls.sh --bootstrap-server broker1:9093 --command-config admin.properties --add "
            "--allow-principal User:hq --operation Create --topic rentaldesk. --resource-pattern-type prefixed") in lines
