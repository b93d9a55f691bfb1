"""The audit trail travels to head office over the real broker (issue 13 item 4): a branch's
changes, made by a signed-in clerk, reach head office's trail once each with the branch as their
origin, and the same events published again add nothing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kafka import KafkaProducer
from sqlalchemy import select

from rentaldesk import audit
from rentaldesk.actor import Actor, acting_as
from rentaldesk.models import OutboxEvent
from rentaldesk.sync.topics import AUDIT, Topics

from .network import Network, wait_for


def test_a_branchs_trail_reaches_head_office_once(kafka_broker, topic_prefix, tmp_path):
    network = Network(kafka_broker.bootstrap, topic_prefix, tmp_path)
    try:
        network.start_hq()
        bos = network.add_branch("BOS-DT")
        bos.service.link.forward_audit(bos.db)  # as the desk's make_service does
        start = (datetime.now(timezone.utc) + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
        with acting_as(Actor("ann", "clerk", "02108", "bos-desk-1")):
            r = bos.service.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV",
                                               zip_code="02108", start=start, end=start + timedelta(days=2))
            wait_for(lambda: bos.service.get_reservation(r.id).status == "confirmed", what="the confirmation")
            bos.service.cancel_reservation(r.id)
        with bos.db.session() as s:
            mine = {v.event_id: v for v in audit.search(s, user="ann")}
        assert {v.action for v in mine.values()} >= {"created", "changed"}

        def at_hq() -> list[audit.AuditView]:
            with network.hq_db.session() as s:
                return [v for v in audit.search(s, user="ann")]

        wait_for(lambda: {v.event_id for v in at_hq()} == set(mine), what="the clerk's entries at head office")
        kept = {v.event_id: v for v in at_hq()}
        for event_id, entry in mine.items():
            copy = kept[event_id]
            assert copy.origin == "BOS-DT" and copy.branch == "02108" and copy.workstation == "bos-desk-1"
            assert (copy.record_kind, copy.record_id, copy.action, copy.changes) == \
                (entry.record_kind, entry.record_id, entry.action, entry.changes)
        cancelled = [v for v in kept.values() if v.record_id == r.id and v.changes.get("status", [None])[1] == "cancelled"]
        assert len(cancelled) == 1 and cancelled[0].what.startswith("status: ")

        # the branch's audit events published again, byte for byte: head office keeps nothing more
        with bos.db.session() as s:
            again = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == AUDIT)).all()
        assert again
        producer = KafkaProducer(bootstrap_servers=network.bootstrap)
        for row in again:
            producer.send(Topics(network.prefix).name(AUDIT), key=row.key.encode(), value=row.value)
        producer.flush()
        producer.close()
        with acting_as(Actor("bob", "clerk", "02108", "bos-desk-2")):  # a marker after the replays
            bos.service.customer_id_for("marker@example.com", name="Marker")
        wait_for(lambda: any(v.username == "bob" for v in _all(network)), what="the marker at head office")
        assert sorted(v.event_id for v in at_hq()) == sorted(mine)
    finally:
        network.close()


def _all(network: Network) -> list[audit.AuditView]:
    with network.hq_db.session() as s:
        return audit.search(s)
