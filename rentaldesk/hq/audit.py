"""Head office's copy of the branches' audit trails (issue 13 item 4).

:func:`apply_audit` is the inbox handler of the audit topic: it appends each entry of a branch's
``audit.recorded`` to head office's own ``audit_log`` with ``origin`` = the branch, in the inbox's
transaction. The inbox already skips the same event twice; an entry kept already (the same entry's
uuid, e.g. a branch's outbox row published again under a new event id after a restore) is skipped
too, so each entry is kept exactly once. Head office's search (:func:`rentaldesk.audit.search`,
``rentaldesk audit search``) reads its own entries and the branches' in one table.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..sync.envelope import Envelope
from ..sync.events import AuditRecorded, Event
from ..sync.inbox import Delivery
from ..values import Changes

log = logging.getLogger("rentaldesk.hq.audit")

_T = audit.audit_table()


def apply_audit(s: Session, envelope: Envelope[Event], where: Delivery) -> Changes | None:
    """Keep a branch's audit entries (see the module); other events on the topic are skipped."""
    event = envelope.payload
    if not isinstance(event, AuditRecorded):
        log.info("head office: %s does not belong on the audit topic; skipped", envelope.type)
        return None
    ids = [e.event_id for e in event.entries]
    kept = set(s.scalars(select(_T.c.event_id).where(_T.c.event_id.in_(ids)))) if ids else set()
    rows = [{"event_id": e.event_id, "at": e.at, "username": e.username, "role": e.role, "branch": e.branch,
             "workstation": e.workstation, "origin": envelope.source, "record_kind": e.record_kind,
             "record_id": e.record_id, "label": e.label, "action": e.action, "changes": e.changes}
            for e in event.entries if e.event_id not in kept]
    if rows:
        # Core, not audit.write: these are the branch's entries, not changes made here.
        s.connection().execute(audit.insert_statement(), rows)
    log.debug("head office: %d audit entries of %s kept (event %s)", len(rows), envelope.source, envelope.event_id)
    return None
