"""What must hold at the end of a simulated run (and, for double booking at head office, after
every step). Each check returns :class:`~tests.sim.harness.Failure`\\ s; none means it holds."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from rentaldesk.db import Database
from rentaldesk.extras import extras_from_json, most_in_use
from rentaldesk.hq.notifications import INTERRUPTED, KINDS, SENT
from rentaldesk.models import Car, InboxEvent, Notification, OutboxEvent
from rentaldesk.models import Reservation as ReservationRow
from rentaldesk.sync.envelope import Envelope, InvalidEvent, decode
from rentaldesk.sync.events import Decision, Event, ReservationRequested
from rentaldesk.sync.topics import BOOKING_EVENTS, BOOKING_REQUESTS, DEAD_LETTER

if TYPE_CHECKING:
    from .harness import Failure, World

#: Requests that leave a reservation pending at the branch: head office must answer each, once.
MUST_ANSWER = ("reservation.requested", "reservation.change-requested")
#: Events of head office that answer a request (a car-reassigned one answers nothing: it is a
#: side effect of the answer to another reservation's request).
ANSWERS = ("reservation.confirmed", "reservation.changed", "reservation.cancelled", "reservation.rejected",
           "reservation.updated", "reservation.request-refused")


#: The defects of issue 9 a failure can be a sign of (tags on :class:`Failure`).
DEFECTS = {
    "defect-4": "stuck pending: a pending reservation changed before head office answered, then rejected, "
                "stays pending at the branch, holding its car; a later cancel is ignored at head office",
    "defect-5": "foreign move never undone: a branch moved another branch's reservation to make room for a "
                "booking head office rejected, and nothing moved it back",
    "relay-order": "an outbox published out of order: rows claimed by a relay that crashed wait for their "
                   "lease (30 s) while a new relay publishes the rows after them",
    "stale-answer": "a branch applied an older answer of head office over a newer state (head office's relay "
                    "published out of order, and an answer is applied whatever its version)",
}


def _failure(kind: str, detail: str, defect: str = "") -> Failure:
    from .harness import Failure

    return Failure(kind, detail, defect)


_R = ReservationRow.__table__
_ROWS = select(_R.c.id, _R.c.reference, _R.c.status, _R.c.car_id, _R.c.start_at, _R.c.end_at, _R.c.zip_code,
               _R.c.source, _R.c.awaiting_event_id, _R.c.version, _R.c.hq_version, _R.c.extras_json)


def _reservations(db: Database, statuses: tuple[str, ...] | None = None) -> dict[str, dict]:
    q = _ROWS if statuses is None else _ROWS.where(_R.c.status.in_(statuses))
    with db.session() as s:
        plates = dict(s.execute(select(Car.car_id, Car.plate_number)).all())
        return {
            r.id: {"id": r.id, "ref": r.reference, "status": r.status, "plate": plates.get(r.car_id),
                   "start": r.start_at, "end": r.end_at, "zip": r.zip_code, "source": r.source,
                   "awaiting": r.awaiting_event_id, "local_moves": r.version > r.hq_version,
                   "seats": sum(e.quantity for e in extras_from_json(r.extras_json) if e.code == "seat")}
            for r in s.execute(q)
        }


def double_bookings(db: Database, *, live: tuple[str, ...] = ("pending", "confirmed", "active")
                    ) -> list[tuple[str, str, str]]:
    """Pairs of live reservations holding one car over overlapping periods (turnaround included):
    (text, id, id)."""
    from .harness import turnaround_of

    by_car: dict[str, list[dict]] = defaultdict(list)
    for r in _reservations(db, live).values():
        by_car[r["plate"]].append(r)
    found = []
    for plate, rows in sorted(by_car.items(), key=lambda kv: str(kv[0])):
        rows.sort(key=lambda r: (r["start"], r["id"]))
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                ta = turnaround_of(a["zip"])
                if a["start"] < b["end"] + ta and b["start"] < a["end"] + ta:
                    found.append((f"car {plate}: {a['ref']} ({a['status']}, {a['source']}) {_period(a)} and "
                                  f"{b['ref']} ({b['status']}, {b['source']}) {_period(b)}", a["id"], b["id"]))
    return found


def seats_over_stock(db: Database, *, live: tuple[str, ...] = ("pending", "confirmed", "active")) -> list[str]:
    """(issue 11, extras) Each location where the live reservations hold more child seats at one
    instant of their booked periods than it stocks."""
    from .harness import SEAT

    by_zip: dict[str, list[dict]] = defaultdict(list)
    for r in _reservations(db, live).values():
        if r["seats"]:
            by_zip[r["zip"]].append(r)
    found = []
    for zip_code, rows in sorted(by_zip.items()):
        peak = most_in_use([(r["start"], r["end"], r["seats"]) for r in rows], min(r["start"] for r in rows),
                           max(r["end"] for r in rows))
        if SEAT.stock is not None and peak > SEAT.stock:
            found.append(f"{zip_code}: {peak} seats out at once of {SEAT.stock}: " + ", ".join(
                f"{r['ref']} ({r['status']}) {_period(r)} x{r['seats']}" for r in sorted(rows, key=lambda r: r["start"])))
    return found


def _period(r: dict) -> str:
    return f"{r['start']:%d %H:%M}-{r['end']:%d %H:%M}"


def _same(branch: dict, hq: dict, now: datetime) -> list[str]:
    """How a branch's copy differs from head office's (an expiry is the branch's own bookkeeping:
    a reservation past its end that was never picked up is over on both sides)."""
    diffs = []
    status_b, status_h = branch["status"], hq["status"]
    over = branch["end"] <= now
    if status_b != status_h and not (over and status_b == "expired" and status_h in ("confirmed", "pending")):
        diffs.append(f"status {status_b} here, {status_h} at hq")
    if branch["plate"] != hq["plate"]:
        diffs.append(f"car {branch['plate']} here, {hq['plate']} at hq")
    if (branch["start"], branch["end"]) != (hq["start"], hq["end"]):
        diffs.append(f"period {_period(branch)} here, {_period(hq)} at hq")
    if branch["seats"] != hq["seats"]:
        diffs.append(f"seats {branch['seats']} here, {hq['seats']} at hq")
    return diffs


def _events(db: Database, topic: str) -> list[Envelope[Event]]:
    with db.session() as s:
        rows = s.execute(select(OutboxEvent.event_id, OutboxEvent.value).where(OutboxEvent.topic == topic)
                         .order_by(OutboxEvent.seq)).all()
    out = []
    for event_id, value in rows:
        try:
            out.append(decode(value))
        except InvalidEvent as exc:  # reported by check() as a failure, not a crash of the checker
            raise UnreadableOutbox(f"{topic} outbox row {event_id}: {exc.reason}") from None
    return out


class UnreadableOutbox(Exception):
    """An outbox row this build cannot read (what this build writes, it reads: a defect)."""


def _reservation_id(e: Envelope[Event]) -> str:
    """The reservation an event is about."""
    p = e.payload
    return p.reservation.id if isinstance(p, (ReservationRequested, Decision)) else getattr(p, "reservation_id", "")


def _first_offsets(world: World) -> dict[str, tuple[int, int]]:
    """(partition, offset) of the first copy of every event on the booking topics."""
    first: dict[str, tuple[int, int]] = {}
    for kind in (BOOKING_REQUESTS, BOOKING_EVENTS):
        for rec in world.broker.records(world.topics.name(kind)):
            first.setdefault(json.loads(rec.value)["event_id"], (rec.partition, rec.offset))
    return first


def _out_of_order(db: Database, first: dict[str, tuple[int, int]]) -> str:
    """The first pair of a database's outbox rows of one key (a pool: what must stay in order) whose
    first copies are in the log in the other order than the rows were written, or ""."""
    with db.session() as s:
        rows = s.execute(select(OutboxEvent.seq, OutboxEvent.event_id, OutboxEvent.key, OutboxEvent.value)
                         .where(OutboxEvent.topic.in_((BOOKING_REQUESTS, BOOKING_EVENTS)))
                         .order_by(OutboxEvent.seq)).all()
    last: dict[str, tuple[int, str]] = {}  # key -> (offset, what) of the latest row
    for seq, event_id, key, value in rows:
        if event_id not in first:
            continue
        offset = first[event_id][1]
        what = f"seq {seq} {json.loads(value)['type']}"
        before = last.get(key)
        if before is not None and offset < before[0]:
            return f"{key}: {what} published at offset {offset}, before {before[1]} (offset {before[0]})"
        last[key] = (offset, what)
    return ""


def _request_of(requests: dict[str, Envelope[Event]], rid: str) -> str:
    for eid, e in requests.items():
        if isinstance(e.payload, ReservationRequested) and e.payload.reservation.id == rid:
            return eid
    return ""


def check(world: World) -> list[Failure]:
    """Every invariant once quiet; a failure for each broken one."""
    try:
        return _check(world)
    except UnreadableOutbox as exc:
        return [_failure("outbox-unreadable", str(exc))]


def _check(world: World) -> list[Failure]:
    failures: list[Failure] = []
    now = world.clock()
    hq = _reservations(world.hq.db)
    branches = {b.name: _reservations(b.db) for b in world.branches}
    requests = {b.name: {e.event_id: e for e in _events(b.db, BOOKING_REQUESTS)} for b in world.branches}
    first = _first_offsets(world)

    # -- every outbox published in order (per partition, each row's first copy in the log)
    for node in world.nodes:
        inversion = _out_of_order(node.db, first)
        if inversion:
            failures.append(_failure("outbox-out-of-order", f"{node.name}: {inversion}", "relay-order"))

    # -- nothing pending once quiet; every branch equal to head office
    stuck: set[tuple[str, str]] = set()  # (branch, reservation id) held by defect 4
    moved: set[tuple[str, str]] = set()  # (branch, reservation id) on another car here (defect 5)
    stale: set[tuple[str, str]] = set()  # (branch, reservation id) left in an older state of head office's
    for name, rows in branches.items():
        for rid, r in sorted(rows.items()):
            h = hq.get(rid)
            if r["status"] == "pending" or r["awaiting"] is not None:
                at_hq = "unknown at hq" if h is None else f"{h['status']} at hq"
                waited = requests[name].get(r["awaiting"])
                awaited = waited.type if waited is not None else "?"
                defect = ""
                if awaited == "reservation.change-requested":
                    if h is None:
                        defect = "defect-4"
                    elif first.get(r["awaiting"], (0, 0)) < first.get(_request_of(requests[name], rid), (0, 0)):
                        defect = "relay-order"  # head office heard of the change before the booking
                if defect:
                    stuck.add((name, rid))
                failures.append(_failure("pending-once-quiet",
                                         f"{name}: {r['ref']} (from {r['source']}) {r['status']}, awaiting the "
                                         f"answer to {awaited} {r['awaiting']}, {at_hq}", defect))
                continue
            if h is None:
                if r["status"] != "rejected":
                    failures.append(_failure("branch-differs", f"{name}: {r['ref']} {r['status']} here, unknown at hq"))
                continue
            diffs = _same(r, h, now)
            if diffs:
                foreign = r["source"] != name
                car_only = all(d.startswith("car ") for d in diffs)
                # moved here (the version counts a move this branch made, head office's does not)
                defect = "defect-5" if car_only and r["local_moves"] else "" if car_only else "stale-answer"
                (moved if defect == "defect-5" else stale).add((name, rid))
                failures.append(_failure("branch-differs", f"{name}: {r['ref']} "
                                         f"({'another branch' if foreign else 'its own'}, from {r['source']}): "
                                         + "; ".join(diffs), defect))
        for rid, h in sorted(hq.items()):
            if rid not in rows:
                failures.append(_failure("branch-differs", f"{name}: {h['ref']} ({h['status']} at hq) missing here"))

    # -- nothing double-booked, at head office nor at any branch
    for text, _a, _b in double_bookings(world.hq.db):
        failures.append(_failure("double-booked-hq", text))
    for b in world.branches:
        for text, a, c in double_bookings(b.db):
            pair = {(b.name, a), (b.name, c)}
            defect = ("defect-4" if pair & stuck else "defect-5" if pair & moved
                      else "stale-answer" if pair & stale else "")
            failures.append(_failure("double-booked-branch", f"{b.name}: {text}", defect))

    # -- never more child seats out than a location stocks, at head office nor at any branch
    for text in seats_over_stock(world.hq.db):
        failures.append(_failure("seats-over-stock-hq", text))
    for b in world.branches:
        for text in seats_over_stock(b.db):
            failures.append(_failure("seats-over-stock-branch", f"{b.name}: {text}"))

    # -- every request decided once (applied once at head office, answered once)
    with world.hq.db.session() as s:
        applied = set(s.scalars(select(InboxEvent.event_id)))
    answers: Counter[str] = Counter()
    hq_events = _events(world.hq.db, BOOKING_EVENTS)
    for e in hq_events:
        if e.type in ANSWERS:
            answers[getattr(e.payload, "request_event_id", None) or ""] += 1
    for b in world.branches:
        for eid, e in requests[b.name].items():
            kind = e.type
            rid = _reservation_id(e)
            ref = branches[b.name].get(rid, {}).get("ref", rid)
            if eid not in applied:
                failures.append(_failure("request-not-applied", f"{b.name}: {kind} {eid} of {ref}"))
            n = answers[eid]
            if n > 1 or (n == 0 and kind in MUST_ANSWER):
                defect = ""
                if n == 0 and kind == "reservation.change-requested":
                    if rid not in hq:
                        defect = "defect-4"
                    elif first.get(eid, (0, 0)) < first.get(_request_of(requests[b.name], rid), (0, 0)):
                        defect = "relay-order"
                failures.append(_failure("request-answered-%s" % ("twice" if n > 1 else "never"),
                                         f"{b.name}: {kind} {eid} of {ref}: {n} answers", defect))

    # -- every mail sent once
    handed = Counter(event_id for event_id, *_ in world.mail.received)
    for event_id, n in handed.items():
        if n > 1:
            failures.append(_failure("mail-sent-twice", f"booking event {event_id}: {n} messages"))
    with world.hq.db.session() as s:
        notes = {n.booking_event_id: n for n in s.scalars(select(Notification))}
    for e in hq_events:
        if e.type not in KINDS or not isinstance(e.payload, Decision):
            continue
        note = notes.get(e.event_id)
        ref = e.payload.reservation.reference
        if note is None:
            failures.append(_failure("mail-missing", f"{e.type} of {ref} ({e.event_id}): no notification"))
        elif note.status == SENT and handed[e.event_id] != 1:
            failures.append(_failure("mail-missing", f"{e.type} of {ref}: marked sent, handed over "
                                     f"{handed[e.event_id]} times"))
        elif note.status != SENT and not (note.last_error == INTERRUPTED or note.last_error.startswith("simulated")):
            failures.append(_failure("mail-missing", f"{e.type} of {ref}: {note.status} ({note.last_error})"))

    # -- nothing parked: a dead letter is an event some handler could not apply
    for rec in world.broker.records(world.topics.name(DEAD_LETTER)):
        reason = dict(rec.headers).get("reason", b"").decode()
        failures.append(_failure("dead-letter", reason))
    return failures
