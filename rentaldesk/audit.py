"""The audit trail: who changed what, when and where, in the change's own transaction.

One place records every change: :func:`install` puts an ``after_flush`` listener on a database's
write sessions, which reads the attribute history of the audited ORM objects the flush wrote (a
reservation, car, customer, driver, a row of the payments ledger, a staff account, a rental
agreement and its damage marks: :data:`AUDITED`) and writes one ``audit_log`` row
per object with the changed fields only (``{"field": [before, after]}``) and who did it
(:func:`rentaldesk.actor.current_actor`: username, role, branch, workstation). Every path (the
desk, the command line, a file import, head office, the web, the sync loop) writes through
:meth:`rentaldesk.db.Database.write`, so every path is covered without a line in its service.

A secret (a staff account's password or PIN hash, :data:`SECRETS`) is never written: its entry says
only ``(set)``, ``(changed)`` or ``(cleared)``, so nothing read from the trail (the History panel,
``rentaldesk audit search``, its CSV, the event forwarded to head office) holds any of it. A record
that a branch holds as head office's copy (a staff account from the fleet topic) is applied under
:func:`copy_of_head_office`: its change was recorded where it was made, at head office, once.

What the ORM does not see is recorded explicitly, at the one place it happens:

- a decision that is no row change of its own: :func:`note` (a price override accepted in
  :func:`rentaldesk.reservations.change_reservation`, a booked class overridden at check-out in
  :func:`rentaldesk.contracts.check_out`);
- a bulk Core statement on an audited table, which bypasses the ORM's events: :func:`record`
  at each of :data:`BULK_PATHS` (a test holds that list equal to the statements in the code).

The trail is append-only: nothing here updates or deletes a row, and on SQLite migration 0026's
triggers refuse an UPDATE or DELETE of ``audit_log`` from any writer. A branch of a network also
forwards each flush's entries to head office (:data:`Forward`, the branch's outbox, same
transaction); head office keeps them with ``origin`` set to the branch (:mod:`rentaldesk.hq.audit`).
"""

from __future__ import annotations

import enum
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import String, Table, and_, cast, func, insert, or_, select
from sqlalchemy.orm import InstanceState, Session, UOWTransaction, sessionmaker
from sqlalchemy.orm.base import NO_VALUE

from .actor import current_actor
from .models import (
    Agreement,
    AuditEntry,
    Base,
    Car,
    Customer,
    DamageRecord,
    Driver,
    LedgerRow,
    Reservation,
    Staff,
    table,
)

#: The kinds of record, as the trail names them.
RESERVATION, CAR, CUSTOMER, DRIVER, PAYMENT = "reservation", "car", "customer", "driver", "payment"
STAFF, AGREEMENT, DAMAGE = "staff", "agreement", "damage"
KINDS = (RESERVATION, CAR, CUSTOMER, DRIVER, PAYMENT, STAFF, AGREEMENT, DAMAGE)
#: The actions: a row made, changed or deleted; a decision that is no row change.
CREATED, CHANGED, DELETED = "created", "changed", "deleted"
PRICE_OVERRIDE, RULE_OVERRIDE = "price-override", "rule-override"
#: An agreement's own steps, named for what the counter did (see :func:`_agreement_action`).
CHECKED_OUT, CHECKED_IN, WRITTEN_OFF = "checked-out", "checked-in", "written-off"

#: The actions of an entry that lists what a new row was made with (its "before" is always empty).
_MADE = frozenset({CREATED, CHECKED_OUT})

#: The secret columns (a staff account's Argon2 hashes) and the field their entries name instead;
#: an entry holds only whether the secret was set, changed or cleared (:func:`_redacted`).
SECRETS = {"password_hash": "password", "pin_hash": "pin"}
SET, CHANGED_SECRET, CLEARED = "(set)", "(changed)", "(cleared)"

#: Bookkeeping columns that change with every change (a counter, a stamp, the sync's own
#: markers) or hold a document rather than a fact a person changed: recording them would bury
#: what the clerk did under what the engine does each time.
#: An agreement's ``plan_json`` and ``charges_json`` are documents too (its ``total`` and the
#: ledger say the figures).
_SKIPPED = frozenset({"version", "updated_at", "awaiting_event_id", "hq_version", "hq_car_id", "rate_plan",
                      "plan_json", "charges_json", "record_version"})

Label = Callable[[Session, Any], str]
Action = Callable[[str, Mapping[str, tuple[object, object]]], str]


@dataclass(frozen=True, slots=True)
class _Audited:
    kind: str
    record_id: Callable[[Any], str]
    label: Label
    columns: tuple[str, ...]
    made: tuple[str, ...]
    action: Action | None = None


def _audited(model: type[Base], kind: str, key: str, label: str | Label, action: Action | None = None, *,
             internal: tuple[str, ...] = ()) -> tuple[type[Base], _Audited]:
    # internal: an id that is no fact a person gave: a staff account's row id (the username names
    # it); the links an agreement is made with (the history of its reservation holds it) and a
    # damage mark's (its label, the agreement's number, says which; the car is the agreement's)
    columns = tuple(c.key for c in model.__mapper__.column_attrs if c.key not in _SKIPPED and c.key not in internal)
    # a new row's entry leaves out its key and its label: the entry's record_id and label say them
    made = tuple(c for c in columns if c not in (key, label))
    if isinstance(label, str):
        name = label
        label = lambda _s, o: str(getattr(o, name) or "")  # noqa: E731
    return model, _Audited(kind, lambda o: str(getattr(o, key)), label, columns, made, action)


def _agreement_of_mark(s: Session, mark: DamageRecord) -> str:
    # the agreement is in the session already (the mark is added with it, at check-out or check-in)
    found = s.get(Agreement, mark.agreement_id)
    return found.number if found is not None else str(mark.agreement_id)


def _agreement_action(action: str, changes: Mapping[str, tuple[object, object]]) -> str:
    """An agreement's entry named for the counter's step: made at check-out; on rent -> returned at
    check-in; a write-off reason given. Other changes (closed when settled) stay "changed"."""
    if action == CREATED:
        return CHECKED_OUT
    if changes.get("status", (None, None))[1] == "returned" and changes["status"][0] == "on rent":
        return CHECKED_IN
    if changes.get("write_off_reason", (None, None))[1]:
        return WRITTEN_OFF
    return action


#: The audited models: the kind the trail names, the record's id and the label people know it by
#: (a reservation's reference, a car's plate, a customer's email, a driver's licence, a ledger
#: row's agreement, a staff member's name (the id: the username, the same at head office and every
#: branch), an agreement's number, a damage mark's agreement number).
AUDITED: dict[type[Base], _Audited] = dict((
    _audited(Reservation, RESERVATION, "id", "reference"),
    _audited(Car, CAR, "car_id", "plate_number"),
    _audited(Customer, CUSTOMER, "id", "email"),
    _audited(Driver, DRIVER, "id", "licence_number"),
    _audited(LedgerRow, PAYMENT, "id", "agreement_id"),
    _audited(Staff, STAFF, "username", "name", internal=("id",)),
    _audited(Agreement, AGREEMENT, "id", "number", _agreement_action, internal=("reservation_id", "customer_id")),
    _audited(DamageRecord, DAMAGE, "id", _agreement_of_mark, internal=("agreement_id", "car_id")),
))

#: Every bulk Core statement (insert, update) on an audited table, as "module:function": each
#: records its rows with :func:`record`. tests/unit/test_audit.py finds the statements in the
#: code and holds them equal to this list, so a new one cannot slip past the trail.
BULK_PATHS = frozenset({
    "rentaldesk.reservations:_apply_moves",
    "rentaldesk.reservations:_expire",
    "rentaldesk.sync.state:apply_reservation_state",
    "rentaldesk.sync.state:apply_request_refused",
    "rentaldesk.sync.state:reconcile_pool",
    "rentaldesk.hq.batch:BookingBatch._write",
})

#: What a branch of a network does with each batch of entries, in the same transaction (the
#: outbox: :meth:`rentaldesk.sync.branch.BranchOutbox.audit_recorded`).
Forward = Callable[[Session, Sequence[Mapping[str, Any]]], None]

_T = table(AuditEntry)
_INSERT = insert(_T)


def plain(value: object) -> object:
    """A value as the trail's JSON holds it: text for amounts, times and dates; bytes by size."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return (value if value.tzinfo is None else value.astimezone(timezone.utc)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(bytes(value))} bytes>"
    return str(value)


def entry(kind: str, record_id: object, action: str, changes: Mapping[str, tuple[object, object]] | Mapping[str, object],
          *, label: object = "", at: datetime | None = None) -> dict[str, Any]:
    """One row of ``audit_log`` by the current actor (see :func:`rentaldesk.actor.current_actor`).
    ``changes``: field -> (before, after) for a row change; any facts for a note."""
    actor = current_actor()
    return {
        "event_id": str(uuid.uuid4()), "at": at or datetime.now(timezone.utc),
        "username": actor.username, "role": actor.role, "branch": actor.branch or "",
        "workstation": actor.workstation, "origin": "", "record_kind": kind, "record_id": str(record_id),
        "label": "" if label is None else str(label), "action": action,
        "changes": json.dumps({k: ([plain(v[0]), plain(v[1])] if isinstance(v, tuple) else plain(v))
                               for k, v in changes.items()}, separators=(",", ":")),  # ASCII: see events.AuditJson
    }


def write(s: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Append ``rows`` (made by :func:`entry`) in ``s``'s transaction, and forward them where the
    database forwards (a branch of a network). One INSERT for them all."""
    if not rows:
        return
    from .db import insert_many  # (db imports this module: its sessions install the hook)

    # one INSERT for the flush, handed straight to SQLite's driver: SQLAlchemy's generic
    # statement path cost more than the rest of the trail together (bench/bench_audit.py)
    insert_many(s, _T, list(rows))
    forward: Forward | None = s.info.get(_FORWARD)
    if forward is None:
        db = s.info.get("rentaldesk_db")
        forward = getattr(db, "audit_forward", None)
    if forward is not None:
        forward(s, rows)


def record(s: Session, kind: str, changes: Iterable[tuple[object, object, Mapping[str, tuple[object, object]]]],
           *, action: str = CHANGED, at: datetime | None = None) -> None:
    """Record rows a bulk statement changed (``(record_id, label, {field: (before, after)})``
    each): the explicit path of :data:`BULK_PATHS`, which the ORM's events do not see."""
    if not _enabled(s):
        return
    write(s, [entry(kind, rid, action, fields, label=label, at=at) for rid, label, fields in changes if fields])


def note(s: Session, kind: str, record_id: object, action: str, facts: Mapping[str, object], *,
         label: object = "", at: datetime | None = None) -> None:
    """Record a decision that is no row change of its own (:data:`PRICE_OVERRIDE`,
    :data:`RULE_OVERRIDE`) on the record it concerns, in ``s``'s transaction."""
    if not _enabled(s):
        return
    write(s, [entry(kind, record_id, action, facts, label=label, at=at)])


def _enabled(s: Session) -> bool:
    db = s.info.get("rentaldesk_db")
    return bool(getattr(db, "audit_enabled", True))


_COPIES = "rentaldesk_audit_copies"
_FORWARD = "rentaldesk_audit_forward"


@contextmanager
def kept_here(s: Session) -> Iterator[None]:
    """Within: entries flushed in ``s`` are kept in this database's trail (its History panels) but
    not forwarded to head office: they record head office's own facts being applied here (a
    decision, a car from the fleet topic), which head office's trail holds where they were made."""
    before = s.info.get(_FORWARD)
    s.info[_FORWARD] = _not_forwarded
    try:
        yield
    finally:
        if before is None:
            s.info.pop(_FORWARD, None)
        else:
            s.info[_FORWARD] = before


def _not_forwarded(_s: Session, _rows: Sequence[Mapping[str, Any]]) -> None:
    return None


@contextmanager
def copy_of_head_office(s: Session, kind: str) -> Iterator[None]:
    """Within: changes of ``kind`` flushed in ``s`` are head office's copy being applied here (a
    staff account from the fleet topic), recorded where they were made and not again here (nor
    forwarded back). Flush inside the block."""
    copies: set[str] = s.info.setdefault(_COPIES, set())
    fresh = kind not in copies
    copies.add(kind)
    try:
        yield
    finally:
        if fresh:
            copies.discard(kind)


# -- the one hook --------------------------------------------------------------------------------

def _redacted(changes: dict[str, tuple[object, object]]) -> dict[str, tuple[object, object]]:
    """The entry's changes with each secret's value replaced by what became of it."""
    if not SECRETS.keys() & changes.keys():
        return changes
    out: dict[str, tuple[object, object]] = {}
    for field, (before, after) in changes.items():
        name = SECRETS.get(field)
        if name is None:
            out[field] = (before, after)
        elif before is None:
            out[name] = (None, SET) if after is not None else (None, None)
        else:
            out[name] = (SET, CLEARED if after is None else CHANGED_SECRET)
    return out


def _changes(state: InstanceState[Any], audited: _Audited, action: str) -> dict[str, tuple[object, object]]:
    return _redacted(_row_changes(state, audited, action))


def _row_changes(state: InstanceState[Any], audited: _Audited, action: str) -> dict[str, tuple[object, object]]:
    values = state.dict
    if action == CREATED:  # what the new row holds, but its key and the fields left blank
        return {k: (None, v) for k in audited.made if _said(v := values.get(k))}
    if action == DELETED:
        return {k: (values[k], None) for k in audited.columns if values.get(k) is not None}
    out: dict[str, tuple[object, object]] = {}
    # committed_state holds the attributes changed since the load (SQLAlchemy's own record of the
    # history): reading the history of those only, not of every column, keeps the hook cheap.
    for key in state.committed_state:
        if key not in audited.columns:
            continue
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before is NO_VALUE:
            before = None
        if before != after:
            out[key] = (before, after)
    return out


def _said(value: object) -> bool:
    return value is not None and value is not False and value != "" and value != "[]"


def _after_flush(s: Session, _context: UOWTransaction) -> None:
    # after_flush: the new objects have their keys, and new/dirty/deleted and every attribute's
    # history still say what this flush wrote (they are reset after it).
    if not _enabled(s):
        return
    rows: list[dict[str, Any]] = []
    now = datetime.now(timezone.utc)
    copies = s.info.get(_COPIES) or ()
    for objects, action in ((s.new, CREATED), (s.dirty, CHANGED), (s.deleted, DELETED)):
        for obj in objects:
            audited = AUDITED.get(type(obj))
            if audited is None or audited.kind in copies:
                continue
            state: InstanceState[Any] = obj._sa_instance_state
            changes = _changes(state, audited, action)
            if changes or action != CHANGED:
                named = audited.action(action, changes) if audited.action is not None else action
                rows.append(entry(audited.kind, audited.record_id(obj), named, changes,
                                  label=audited.label(s, obj), at=now))
    write(s, rows)


def install(maker: sessionmaker[Session]) -> None:
    """Record every audited change made in the sessions of ``maker`` (a database's writer)."""
    from sqlalchemy import event

    event.listen(maker, "after_flush", _after_flush)


# -- reading the trail ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AuditView:
    """One entry of the trail, as screens and the command line show it."""

    id: int
    event_id: str
    at: datetime
    username: str
    role: str
    branch: str
    workstation: str
    origin: str
    record_kind: str
    record_id: str
    label: str
    action: str
    changes: dict[str, Any]

    @property
    def where(self) -> str:
        """The branch and workstation, as one text ("10001 / desk-3")."""
        return " / ".join(p for p in (self.branch, self.workstation) if p)

    @property
    def what(self) -> str:
        """What changed, in words: ``status: booked → cancelled; price: 80.00 → 95.00``."""
        return describe(self.action, self.changes)


def _word(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


def describe(action: str, changes: Mapping[str, Any]) -> str:
    """The changes of an entry in words (the History panel's and the CSV's "what")."""
    parts = []
    for field, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            before, after = value
            parts.append(f"{field}: {_word(after)}" if action in _MADE
                         else f"{field}: {_word(before)} → {_word(after)}")
        else:
            parts.append(f"{field}: {_word(value)}")
    text = "; ".join(parts)
    return f"{action}: {text}" if action != CHANGED and text else (text or action)


def _view(row: AuditEntry) -> AuditView:
    return AuditView(id=row.id, event_id=row.event_id, at=row.at, username=row.username, role=row.role,
                     branch=row.branch, workstation=row.workstation, origin=row.origin,
                     record_kind=row.record_kind, record_id=row.record_id, label=row.label,
                     action=row.action, changes=json.loads(row.changes or "{}"))


def history_ids(s: Session, kind: str, record_id: str) -> list[int]:
    """The ids of a record's entries, newest first. A reservation's include its notes' and its
    agreement's (the agreement's own, its damage marks' and its ledger rows'); a car's include
    every agreement's on it and every damage mark's; a customer's are their own rows'."""
    where = and_(_T.c.record_kind == kind, _T.c.record_id == str(record_id))
    if kind == RESERVATION:
        agreement = s.scalar(select(Agreement.id).where(Agreement.reservation_id == str(record_id)))
        if agreement is not None:
            marks = select(cast(DamageRecord.id, String)).where(DamageRecord.agreement_id == agreement)
            where = or_(where, and_(_T.c.record_kind == PAYMENT, _T.c.label == agreement),
                        and_(_T.c.record_kind == AGREEMENT, _T.c.record_id == agreement),
                        and_(_T.c.record_kind == DAMAGE, _T.c.record_id.in_(marks)))
    elif kind == CAR and str(record_id).isdigit():
        car_id = int(record_id)
        agreements = select(Agreement.id).where(Agreement.car_id == car_id)
        marks = select(cast(DamageRecord.id, String)).where(DamageRecord.car_id == car_id)
        where = or_(where, and_(_T.c.record_kind == AGREEMENT, _T.c.record_id.in_(agreements)),
                    and_(_T.c.record_kind == DAMAGE, _T.c.record_id.in_(marks)))
    return list(s.scalars(select(_T.c.id).where(where).order_by(_T.c.at.desc(), _T.c.id.desc())))


def entries(s: Session, ids: Sequence[int]) -> dict[int, AuditView]:
    """The entries of these ids (those that exist), by id."""
    if not ids:
        return {}
    return {row.id: _view(row) for row in s.scalars(select(AuditEntry).where(AuditEntry.id.in_(list(ids))))}


def search(s: Session, *, user: str | None = None, since: datetime | None = None, until: datetime | None = None,
           record: str | None = None, limit: int | None = None) -> list[AuditView]:
    """The entries by ``user`` (a username, any case), from ``since`` (inclusive) until ``until``
    (exclusive), about ``record`` (a record's id or label, any case, or ``kind:id``), oldest first.
    Needs the permission to read the audit trail (a manager's)."""
    from .permissions import Permission, require  # (permissions reads the database, which installs this module)

    require(Permission.READ_AUDIT, s)
    query = select(AuditEntry)
    if user:
        query = query.where(func.lower(AuditEntry.username) == user.strip().lower())
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    if record:
        wanted = record.strip()
        kind, sep, rid = wanted.partition(":")
        if sep and kind in KINDS:
            query = query.where(AuditEntry.record_kind == kind, or_(AuditEntry.record_id == rid,
                                                                    func.lower(AuditEntry.label) == rid.lower()))
        else:
            query = query.where(or_(AuditEntry.record_id == wanted, func.lower(AuditEntry.label) == wanted.lower()))
    query = query.order_by(AuditEntry.at, AuditEntry.id)
    if limit is not None:
        query = query.limit(limit)
    return [_view(row) for row in s.scalars(query)]


#: The CSV's columns, in order.
CSV_COLUMNS = ("at", "username", "role", "branch", "workstation", "origin", "record_kind", "record_id", "label",
               "action", "what", "changes", "event_id")


def csv_row(view: AuditView) -> list[str]:
    """One entry as a row of :data:`CSV_COLUMNS`."""
    return [view.at.isoformat(), view.username, view.role, view.branch, view.workstation, view.origin,
            view.record_kind, view.record_id, view.label, view.action, view.what,
            json.dumps(view.changes, ensure_ascii=False), view.event_id]


def audit_table() -> Table:
    """The trail's table (for head office's store and the tests)."""
    return _T


def insert_statement() -> Any:
    """The one INSERT of the trail (head office's store of the branches' entries uses it too)."""
    return _INSERT
