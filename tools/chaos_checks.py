"""The invariants of a chaos run (tools/chaos.py), read from the databases of head office and the
branches once everything has stopped, and from the mails received; and what "quiet" means."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from email import message_from_bytes
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from rentaldesk.db import Database
from rentaldesk.hq.notifications import INTERRUPTED
from rentaldesk.models import Car, InboxEvent, Notification, OutboxEvent
from rentaldesk.models import Reservation as Row
from rentaldesk.sync.envelope import decode

if TYPE_CHECKING:
    from .chaos import Result

LIVE = ("pending", "confirmed", "active")
#: The answers of head office (the last event of a decision; moves before it name the request too).
ANSWERS = ("reservation.confirmed", "reservation.changed", "reservation.cancelled", "reservation.updated",
           "reservation.rejected", "reservation.request-refused")
MAILED = ("reservation.confirmed", "reservation.changed", "reservation.cancelled", "reservation.rejected")


def unquiet(hq_db: Database, dbs: dict[str, Database]) -> list[str]:
    """What still moves: unsent outbox rows, branch rows waiting, events not applied, mails unsettled."""
    found = []
    with hq_db.session() as s:
        unsent = s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.sent_at.is_(None)))
        values = s.scalars(select(OutboxEvent.value).where(OutboxEvent.topic == "booking-events")).all()
        mails = s.scalar(select(func.count()).select_from(Notification).where(
            Notification.status.not_in(("sent", "failed"))))
        queued = set(s.scalars(select(Notification.booking_event_id)))
    decoded = [decode(v) for v in values]
    events = {e.event_id for e in decoded}
    unmailed = sum(1 for e in decoded if e.type in MAILED and e.event_id not in queued)
    if unmailed:
        found.append(f"head office: {unmailed} decisions not queued for mail yet")
    if unsent:
        found.append(f"head office: {unsent} outbox rows unsent")
    if mails:
        found.append(f"head office: {mails} mails not settled")
    for code, db in dbs.items():
        with db.session() as s:
            unsent = s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.sent_at.is_(None)))
            waiting = s.scalar(select(func.count()).select_from(Row).where(
                (Row.status == "pending") | Row.awaiting_event_id.is_not(None)))
            applied = set(s.scalars(select(InboxEvent.event_id)))
        if unsent:
            found.append(f"{code}: {unsent} outbox rows unsent")
        if waiting:
            found.append(f"{code}: {waiting} reservations pending or waiting for an answer")
        if events - applied:
            found.append(f"{code}: {len(events - applied)} events of head office not applied")
    return found


# -- the invariants ----------------------------------------------------------------------------------


def rows_of(db: Database) -> dict[str, tuple[str, str, datetime, datetime, str | None, str]]:
    """reservation id -> (status, plate, start, end, awaiting event, reason)."""
    with db.session() as s:
        q = select(Row.id, Row.status, Car.plate_number, Row.start_at, Row.end_at, Row.awaiting_event_id,
                   Row.status_reason).join(Car, Car.car_id == Row.car_id)
        return {rid: tuple(rest) for rid, *rest in s.execute(q)}  # type: ignore[misc]


def overlaps(rows: dict[str, tuple]) -> list[str]:
    by_car: dict[str, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    for rid, (status, plate, start, end, *_) in rows.items():
        if status in LIVE:
            by_car[plate].append((start, end, rid))
    found = []
    for plate, holds in by_car.items():
        holds.sort()
        reach = holds[0]  # of the holds so far, the one that ends last: any later start before its end overlaps
        for s2, e2, r2 in holds[1:]:
            s1, e1, r1 = reach
            if s2 < e1:
                found.append(f"car {plate}: {r1} [{s1:%m-%d %H:%M}, {e1:%m-%d %H:%M}) and "
                             f"{r2} [{s2:%m-%d %H:%M}, {e2:%m-%d %H:%M})")
            if e2 > e1:
                reach = (s2, e2, r2)
    return found


def events_of(db: Database, topic: str) -> list[Any]:
    with db.session() as s:
        return [decode(v) for v in s.scalars(select(OutboxEvent.value).where(OutboxEvent.topic == topic)
                                              .order_by(OutboxEvent.seq))]


def check(result: Result, hq_db: Database, dbs: dict[str, Database], received: list[tuple[str, bytes]]) -> None:
    """The invariants, from the stopped processes' databases and the mails received."""
    hq = rows_of(hq_db)
    result.statuses = Counter(status for status, *_ in hq.values())
    for rid, (status, *_) in hq.items():
        if status in ("pending", "rejected"):  # head office stores only what it accepted
            result.violate("nothing pending once quiet", f"head office: {rid} is {status}")
    double = "no car with two overlapping live reservations"
    for d in overlaps(hq):
        result.violate(double, f"head office: {d}")
    for code, db in dbs.items():
        rows = rows_of(db)
        for d in overlaps(rows):
            result.violate(double, f"{code}: {d}")
        for rid, (status, plate, start, end, awaiting, reason) in rows.items():
            if status == "pending" or awaiting:
                result.violate("nothing pending once quiet", f"{code}: {rid} {status}, awaiting {awaiting}")
            mine = hq.get(rid)
            if mine is None:
                if status != "rejected":
                    result.violate("every branch equal to head office",
                                   f"{code}: {rid} is {status} on {plate} ({reason!r}); head office does not hold it")
                continue
            if (status, plate, start, end) != mine[:4]:
                result.violate("every branch equal to head office",
                               f"{code}: {rid} is {status} on {plate} [{start:%m-%d %H:%M}, {end:%m-%d %H:%M}); "
                               f"head office: {mine[0]} on {mine[1]} [{mine[2]:%m-%d %H:%M}, {mine[3]:%m-%d %H:%M})")
        for rid in hq.keys() - rows.keys():
            result.violate("every branch equal to head office", f"{code}: does not hold {rid} ({hq[rid][0]})")

    # Every request of every branch answered exactly once (head office's outbox: what it published).
    requests: dict[str, str] = {}
    for code, db in dbs.items():
        for event in events_of(db, "booking-requests"):
            requests[event.event_id] = f"{code} {event.type}"
    answers: dict[str, list[str]] = defaultdict(list)
    hq_events = events_of(hq_db, "booking-events")
    for event in hq_events:
        request = getattr(event.payload, "request_event_id", None)
        if request and event.type in ANSWERS:
            result.answers[event.type] += 1
            answers[request].append(f"{event.type} {event.event_id}")
    for request, what in requests.items():
        if len(answers.get(request, ())) != 1:
            result.violate("every request decided once",
                           f"{what} {request}: {len(answers.get(request, ()))} answers {answers.get(request, [])}")
    for request in answers.keys() - requests.keys():
        result.violate("every request decided once", f"an answer to {request}, which no branch requested")

    # Mail: the Message-ID is the booking event's id.
    result.mails = len(received)
    arrived = Counter()
    for rcpt, raw in received:
        arrived[(rcpt, message_from_bytes(raw)["Message-ID"] or "")] += 1
    once = "every mail sent once"
    for (rcpt, mid), n in arrived.items():
        if n > 1:
            result.violate(once, f"{rcpt} got {mid} {n} times")
    ids = {mid.strip("<>").split("@")[0] for _, mid in arrived}
    with hq_db.session() as s:
        notes = {n.booking_event_id: (n.status, n.last_error, n.recipient, n.kind) for n in s.scalars(select(Notification))}
    for event in hq_events:
        if event.type in MAILED and event.event_id not in notes:
            result.violate(once, f"no mail for {event.type} {event.event_id}")
    for event_id, (status, error, rcpt, kind) in notes.items():
        if status == "sent" and event_id not in ids:
            result.violate(once, f"{kind} mail {event_id} to {rcpt} recorded as sent, never arrived")
        elif status == "failed" and error != INTERRUPTED:
            result.violate(once, f"{kind} mail {event_id} to {rcpt} failed: {error}")
        elif status == "failed":
            result.notes.append(f"{kind} mail {event_id} interrupted by the kill "
                                f"({'arrived' if event_id in ids else 'not arrived'})")
    for mid in ids - notes.keys():
        result.violate(once, f"a mail {mid} arrived that head office has no record of")
