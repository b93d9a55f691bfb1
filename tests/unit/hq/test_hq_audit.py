"""Head office's store of the branches' audit trails (rentaldesk.hq.audit): each entry kept once,
with the branch as its origin, even when the same entries come again under another event id."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from rentaldesk import audit
from rentaldesk.hq.audit import apply_audit
from rentaldesk.sync.envelope import Envelope, decode
from rentaldesk.sync.events import AuditChange, AuditRecorded
from rentaldesk.sync.inbox import Delivery

T = datetime(2030, 3, 4, 12, 0, tzinfo=timezone.utc)
WHERE = Delivery(topic="t.audit", partition=0, offset=0, key=b"BOS-DT")


def test_each_entry_is_kept_once_with_its_branch_as_origin(db):
    entries = tuple(AuditChange(event_id=str(uuid.uuid4()), at=T, username="ann", role="clerk",
                                record_kind="reservation", record_id=f"r{i}", action="changed",
                                changes='{"status":["confirmed","cancelled"]}', branch="02108",
                                workstation="bos-1", label=f"R{i}") for i in range(3))
    first = Envelope(payload=AuditRecorded(entries=entries[:2]), source="BOS-DT")
    again = Envelope(payload=AuditRecorded(entries=entries), source="BOS-DT")  # a new event id, 2 of 3 kept
    for envelope in (first, again):
        read = decode(envelope.encode())  # as the consumer reads it
        with db.write() as s:
            assert apply_audit(s, read, WHERE) is None
    with db.session() as s:
        kept = audit.search(s)
    assert sorted(v.event_id for v in kept) == sorted(e.event_id for e in entries)
    assert {(v.origin, v.branch, v.workstation, v.username) for v in kept} == {("BOS-DT", "02108", "bos-1", "ann")}
    assert kept[0].what == "status: confirmed → cancelled"


def test_a_branchs_staff_agreement_and_damage_entries_are_kept_searched_and_exported(db):
    made = [("staff", "ann", "Ann Lee", "changed", '{"password":["(set)","(changed)"]}'),
            ("agreement", "a-1", "BOS-DT-000007", "checked-in", '{"status":["on rent","returned"]}'),
            ("damage", "12", "BOS-DT-000007", "created", '{"zone":[null,"rear"]}')]
    entries = tuple(AuditChange(event_id=str(uuid.uuid4()), at=T, username="max", role="manager", record_kind=kind,
                                record_id=rid, action=action, changes=changes, branch="02108", workstation="bos-2",
                                label=label) for kind, rid, label, action, changes in made)
    with db.write() as s:
        apply_audit(s, decode(Envelope(payload=AuditRecorded(entries=entries), source="BOS-DT").encode()), WHERE)
    with db.session() as s:
        assert [(v.record_kind, v.origin) for v in audit.search(s, record="staff:ann")] == [("staff", "BOS-DT")]
        by_number = audit.search(s, record="bos-dt-000007")
        assert [v.record_kind for v in by_number] == ["agreement", "damage"]
        assert [v.record_kind for v in audit.search(s, record="damage:12")] == ["damage"]
        rows = [audit.csv_row(v) for v in audit.search(s, user="max")]
    kinds = audit.CSV_COLUMNS.index("record_kind")
    what = audit.CSV_COLUMNS.index("what")
    assert [(r[kinds], r[what]) for r in rows] == [
        ("staff", "password: (set) → (changed)"), ("agreement", "checked-in: status: on rent → returned"),
        ("damage", "created: zone: rear")]
