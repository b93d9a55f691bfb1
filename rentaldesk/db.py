"""Opening a branch database: engine set-up, migrations, and the unit-of-work sessions.

Every write of a process goes through :meth:`Database.write`, one transaction each. On SQLite that
transaction starts with ``BEGIN IMMEDIATE``, so two processes deciding on the same file take turns
(the second waits up to ``busy_timeout``) instead of failing with "database is locked" at commit.
On other databases the engine serialises a pool with a row lock (see ``lock_pool``).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from functools import cached_property
from operator import itemgetter
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, create_engine, event, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.orm import Session, sessionmaker

from .errors import RentalError
from .models import Branch, UTCDateTime

log = logging.getLogger("rentaldesk.db")

#: How long a writer waits for another process's write transaction on SQLite (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 30_000


class DatabaseBusy(RentalError):
    """A write transaction waited too long for another one of the same process; nothing was
    saved, and the clerk can try again (a refusal like any other, not a crash dialog)."""


class _NoLock:
    """Databases with row locks need no process-wide writer lock."""

    def acquire(self, timeout: float = -1) -> bool:  # noqa: ARG002 - the Lock API
        return True

    def release(self) -> None:
        pass


#: The triggers of migration 0003 that bump ``pool_versions``.
POOL_VERSION_TRIGGERS = frozenset(
    f"trg_{table}_pool_{op}" for table in ("reservations", "cars", "branches", "vehicle_classes")
    for op in ("insert", "update", "delete"))


class Database:
    """An open, migrated database: ``session()`` for reads, ``write()`` for one write transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        # Re-entrant: a nested write() in one thread behaves as it did without the lock.
        self._write_lock = threading.RLock() if self.is_sqlite else _NoLock()
        self._reader = sessionmaker(engine, expire_on_commit=False)
        self._writer = sessionmaker(
            engine.execution_options(rentaldesk_write=True), expire_on_commit=False
        )

    @cached_property
    def tracks_pool_versions(self) -> bool:
        """Whether the ``pool_versions`` triggers (migration 0003) keep a counter per pool, so head
        office may keep pools in memory across batches. True on a migrated SQLite database."""
        if not self.is_sqlite:
            return False
        with self.engine.connect() as conn:
            found = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
        return POOL_VERSION_TRIGGERS <= found

    def defer_checkpoints(self) -> None:
        """Leave WAL checkpoints to another process (head office's publisher), which calls
        :meth:`checkpoint`: a commit that passes the WAL's 1,000 pages otherwise copies them into
        the database file and syncs it, a few ms in the middle of head office's decisions."""
        if not self.is_sqlite:
            return
        event.listen(self.engine, "connect", lambda conn, _record: conn.execute("PRAGMA wal_autocheckpoint = 0"))
        self.engine.dispose()  # connections opened from now on have it

    def checkpoint(self) -> None:
        """Copy what the WAL holds into the database file, as far as no reader needs it (PASSIVE)."""
        if self.is_sqlite:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read unit of work; closed (its transaction rolled back) at the end. Objects read stay
        usable, detached, with what was loaded."""
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back whole on an error.

        On SQLite the writers of this process also queue on a lock: a waiting thread gets the
        file the moment the other commits, instead of in SQLite's busy-handler sleeps (1, 2, 5,
        10 ... 100 ms), which made a branch's relay and inbox, or head office's authority and
        relay, wait for each other far longer than their transactions took.
        """
        if not self._write_lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            raise DatabaseBusy(f"the database is busy: another change held {self.url} for more than "
                               f"{SQLITE_BUSY_TIMEOUT_MS / 1000:.0f} s; nothing was saved, try again")
        try:
            with self._writer() as session:
                with session.begin():
                    yield session
        finally:
            self._write_lock.release()

    def lock_pool(self, session: Session, zip_code: str) -> None:
        """Serialise decisions on a location's pools where the database has row locks.

        SQLite needs nothing here: ``BEGIN IMMEDIATE`` already made this transaction the only writer.
        """
        if not self.is_sqlite:
            session.execute(select(Branch.id).where(Branch.zip_code == zip_code).with_for_update())

    def close(self) -> None:
        self.engine.dispose()


#: How :func:`insert_many` hands a table's rows to SQLite's driver: the ``INSERT`` statement, a getter
#: of a row's values in column order, and the bind processors by column index.
_InsertPlan = tuple[str, Callable[[Mapping[str, Any]], tuple[Any, ...]], list[tuple[int, Callable[[Any], Any]]]]

_INSERTS: dict[tuple[Table, tuple[str, ...]], _InsertPlan | None] = {}


def insert_many(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """``INSERT`` many rows (dicts with the same keys) in the session's transaction.

    On SQLite each value goes through its column's own bind processor (UTC times through an
    equivalent that :func:`_utc_text_matches` checks once against SQLAlchemy's), and the tuples to
    the driver's ``executemany``: SQLAlchemy's generic per-row parameter handling took more than
    half of head office's bulk writes. Elsewhere, or when a missing column has a Python-side default,
    a Core ``executemany``.
    """
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    keys = tuple(rows[0])
    plan: _InsertPlan | None | Literal[False] = _INSERTS.get((table, keys), False) if dialect.name == "sqlite" else None
    if plan is False:
        plan = _INSERTS[(table, keys)] = _insert_plan(table, keys, dialect)
    if plan is None:
        conn.execute(insert(table), rows)
        return
    sql, getter, processors = plan
    params = []
    for row in rows:
        values = list(getter(row))
        for i, process in processors:
            values[i] = process(values[i])
        params.append(tuple(values))
    conn.exec_driver_sql(sql, params)


def _insert_plan(table: Table, keys: tuple[str, ...], dialect: Any) -> _InsertPlan | None:
    """(SQL, a getter of the row's values in column order, [(index, processor)]), or None when
    the driver cannot be given the rows straight."""
    if len(keys) < 2 or any(c.default is not None and c.name not in keys for c in table.columns):
        return None
    quote = dialect.identifier_preparer.quote
    processors: list[tuple[int, Callable[[Any], Any]]] = []
    for i, key in enumerate(keys):
        column = table.columns[key]
        if isinstance(column.type, UTCDateTime) and _utc_text_matches(column.type, dialect):
            processors.append((i, _utc_text))
        elif (process := column.type._cached_bind_processor(dialect)) is not None:
            processors.append((i, process))
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(k) for k in keys)}) "
           f"VALUES ({', '.join('?' for _ in keys)})")
    return sql, itemgetter(*keys), processors


_UTC = UTCDateTime()


def _utc_text(value: datetime | None) -> str | None:
    """What ``UTCDateTime`` stores on SQLite: its own conversion to naive UTC, then the text form
    of SQLite's DATETIME without SQLAlchemy's generic layer."""
    naive = _UTC.process_bind_param(value, None)
    return None if naive is None else naive.isoformat(" ", "microseconds")


def _utc_text_matches(column_type: Any, dialect: Any) -> bool:
    full = column_type._cached_bind_processor(dialect)
    samples = [datetime(2030, 3, 4, 12, 0, tzinfo=timezone.utc),
               datetime(1999, 12, 31, 23, 59, 59, 123456, tzinfo=timezone(timedelta(hours=-5)))]
    return full is not None and all(full(v) == _utc_text(v) for v in samples)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        # Statement journals in memory: every write to a table with triggers (the pool counters of
        # migration 0003) needs one, and in a temp file it cost 20 us a row, four times the trigger.
        cur.execute("PRAGMA temp_store = MEMORY")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("rentaldesk_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and immediate write transactions."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _sqlite_setup(engine)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def open_database(url: str) -> Database:
    """Open ``url`` (any SQLAlchemy URL) and bring its schema up to date. Adds no data."""
    from .migrations import upgrade

    engine = make_engine(url)
    try:
        upgrade(engine)
    except Exception:
        engine.dispose()
        raise
    return Database(engine)


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).expanduser().resolve()}"
