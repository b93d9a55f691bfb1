"""Opening a branch database: engine set-up, migrations, and the unit-of-work sessions.

Every write of a process goes through :meth:`Database.write`, one transaction each. On SQLite that
transaction starts with ``BEGIN IMMEDIATE``, so two processes deciding on the same file take turns
(the second waits up to ``busy_timeout``) instead of failing with "database is locked" at commit.
On other databases the engine serialises a pool with a row lock (see ``lock_pool``).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import Any, Literal, TypeVar, cast
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from functools import cached_property
from operator import itemgetter
from importlib.resources import files
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from sqlalchemy import Connection, Engine, Table, create_engine, event, insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool
from sqlalchemy.orm import Session, sessionmaker

from . import audit
from .errors import RentalError
from .models import Branch, UTCDateTime

log = logging.getLogger("rentaldesk.db")

T = TypeVar("T")

#: How long a writer waits for another process's write transaction on SQLite (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: After this long waiting for another process's write, the writer says it is waiting (ms).
SQLITE_WAIT_NOTICE_MS = 2_000

#: The first bytes of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"


class DatabaseBusy(RentalError):
    """A write transaction waited too long for another one (of this process or another); nothing
    was saved, and the clerk can try again (a refusal like any other, not a crash dialog)."""

    default_field = "db"


class DatabaseUnusable(RentalError):
    """The database cannot be opened or written as asked: not a database, read-only, disk full, no
    driver... The message says which, and what to do; nothing was saved."""

    default_field = "db"


def database_problem(exc: BaseException, url: str) -> RentalError | None:
    """The refusal an error of the database's driver means, or None for one that is a bug.

    The one reading of SQLite's errors, for opening and for every write: busy, read-only, full,
    not a database.
    """
    text_ = str(getattr(exc, "orig", None) or exc).lower()
    where = database_name(url)
    if "database is locked" in text_ or "database table is locked" in text_:
        return DatabaseBusy(f"the database {where} is busy: another program held it for more than "
                            f"{SQLITE_BUSY_TIMEOUT_MS / 1000:.0f} s; nothing was saved, try again")
    if "readonly" in text_ or "read-only" in text_:
        return DatabaseUnusable(f"the database {where} is read-only here; nothing was saved")
    if "disk is full" in text_ or "disk i/o error" in text_:
        folder = _sqlite_folder(url)
        if folder is not None and _nearly_full(folder):
            return DatabaseUnusable(f"the disk holding {where} is full; nothing was saved: free some space and try again")
        return DatabaseUnusable(f"the disk holding {where} failed to read or write (disk I/O error); nothing was saved")
    if "file is not a database" in text_ or "database disk image is malformed" in text_:
        return DatabaseUnusable(f"{where} is not an SQLite database (or it is damaged)")
    if "no such access mode" in text_ or "no such vfs" in text_:
        return DatabaseUnusable(f"cannot open the database {where}: its URI asks SQLite for what it does not know "
                                f"({text_}); mode is ro, rw, rwc or memory")
    if "unable to open database file" in text_:
        return DatabaseUnusable(f"cannot open the database {where}: the file or its folder cannot be opened")
    return None


def database_name(url: str) -> str:
    """A database as messages name it: an SQLite file by its path, another by its URL (no password)."""
    path = sqlite_path(url)
    return str(path) if path is not None else make_url(url).render_as_string(hide_password=True)


def _sqlite_folder(url: str) -> Path | None:
    path = sqlite_path(url)
    return None if path is None else path.parent


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < 1024 * 1024
    except OSError:
        return False


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

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        #: Opened read-only (the file or its disk cannot be written): reads work, a write is refused.
        self.read_only = read_only
        # Re-entrant: a nested write() in one thread behaves as it did without the lock.
        self._write_lock = threading.RLock() if self.is_sqlite else _NoLock()
        self._reader = sessionmaker(engine, expire_on_commit=False)
        self._writer = sessionmaker(
            engine.execution_options(rentaldesk_write=True), expire_on_commit=False,
            info={"rentaldesk_db": self},
        )
        #: Every write records its audited changes (rentaldesk.audit), in the same transaction;
        #: False only for the benchmark's baseline (bench/bench_audit.py).
        self.audit_enabled = True
        #: A branch of a network forwards each batch of audit entries to head office through its
        #: outbox (set by :meth:`rentaldesk.sync.branch.BranchOutbox.forward_audit`).
        self.audit_forward: audit.Forward | None = None
        audit.install(self._writer)
        # What :meth:`kept` holds, and the generation it was read at (see :meth:`generation`).
        self._kept: dict[Hashable, Any] = {}
        self._kept_at: int | None = None
        self._kept_lock = threading.Lock()
        self._watch: Any = None  # the connection that only asks SQLite for its data version
        self._watch_lock = threading.Lock()

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

    @property
    def name(self) -> str:
        """The database as messages name it (see :func:`database_name`)."""
        return database_name(self.engine.url.render_as_string(hide_password=False))

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
        if self.read_only:
            raise DatabaseUnusable(f"the database {self.name} is read-only here (the file or its disk cannot be "
                                   "written); nothing was saved")
        if not self._write_lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            raise DatabaseBusy(f"the database is busy: another change held {self.name} for more than "
                               f"{SQLITE_BUSY_TIMEOUT_MS / 1000:.0f} s; nothing was saved, try again")
        try:
            with self._writer() as session:
                with session.begin():
                    yield session
        except DBAPIError as exc:
            problem = database_problem(exc, self.engine.url.render_as_string(hide_password=False))
            if problem is None:
                raise
            raise problem from exc
        finally:
            self._write_lock.release()

    def generation(self) -> int | None:
        """A number that changes whenever a write is committed to the database, by this process or
        any other (SQLite's ``PRAGMA data_version``, asked on a connection of its own that never
        writes, so every commit is another connection's); None where that cannot be told (not an
        SQLite file), and then :meth:`kept` keeps nothing."""
        if not self._watchable:
            return None
        with self._watch_lock:
            try:
                if self._watch is None:
                    self._watch = self.engine.raw_connection()
                return int(self._watch.driver_connection.execute("PRAGMA data_version").fetchone()[0])
            except (DBAPIError, sqlite3.Error):
                log.warning("the data version of %s cannot be read: nothing is kept", self.name, exc_info=True)
                self._drop_watch()
                return None

    @cached_property
    def _watchable(self) -> bool:
        # a file, through a pool of several connections: a pool that hands a thread its one
        # connection (SingletonThreadPool, StaticPool) would make the watch the writer's own, whose
        # data_version never moves on its own commits
        return (self.is_sqlite and isinstance(self.engine.pool, QueuePool)
                and sqlite_path(self.engine.url.render_as_string(hide_password=False)) is not None)

    def _drop_watch(self) -> None:
        """Close the watch connection; what was kept is forgotten (the next watch counts afresh)."""
        watch, self._watch = self._watch, None
        with self._kept_lock:
            self._kept.clear()
            self._kept_at = None
        if watch is not None:
            with contextlib.suppress(Exception):
                watch.close()

    def kept(self, key: Hashable, load: Callable[[Session], T]) -> T:
        """``load``'s answer (read in a session of its own), kept under ``key`` until anything is
        committed to the database (:meth:`generation`), then read again: for what every request
        of a page repeats (the web's catalogue, a location's pools). The generation is taken
        before the read, so an answer read across a commit is never kept past it. The answer is
        shared by every thread: ``load`` returns what no caller changes."""
        at = self.generation()
        if at is None:
            with self.session() as s:
                return load(s)
        with self._kept_lock:
            # something was committed (or the watch connection was replaced, whose count starts
            # afresh: a count equal to the old one says nothing): forget it all
            if self._kept_at is None or at != self._kept_at:
                self._kept.clear()
                self._kept_at = at
            if at == self._kept_at and key in self._kept:
                return cast(T, self._kept[key])
        with self.session() as s:
            value = load(s)
        with self._kept_lock:
            if self._kept_at == at:
                self._kept[key] = value
        return value

    def lock_pool(self, session: Session, zip_code: str) -> None:
        """Serialise decisions on a location's pools where the database has row locks.

        SQLite needs nothing here: ``BEGIN IMMEDIATE`` already made this transaction the only writer.
        """
        if not self.is_sqlite:
            session.execute(select(Branch.id).where(Branch.zip_code == zip_code).with_for_update())

    def close(self) -> None:
        with self._watch_lock:
            self._drop_watch()
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


def _say_waiting(url: str) -> None:
    log.info("waiting for another program's change to %s (up to %.0f s more)", url,
                (SQLITE_BUSY_TIMEOUT_MS - SQLITE_WAIT_NOTICE_MS) / 1000)


def _sqlite_setup(engine: Engine, *, read_only: bool, waiting: Callable[[str], None]) -> None:
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
        if engine.url.database not in (None, "", ":memory:") and not read_only:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if not conn.get_execution_options().get("rentaldesk_write", False):
            conn.exec_driver_sql("BEGIN")
            return
        # Another process's write: wait quietly a little, then say so and wait the rest. (The
        # pragmas straight on the driver's connection: a few microseconds, no SQLAlchemy round.)
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute(f"PRAGMA busy_timeout = {SQLITE_WAIT_NOTICE_MS}")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as exc:
            if "locked" not in str(exc.orig):
                raise
            waiting(database_name(engine.url.render_as_string(hide_password=False)))
            raw.execute(f"PRAGMA busy_timeout = {max(0, SQLITE_BUSY_TIMEOUT_MS - SQLITE_WAIT_NOTICE_MS)}")
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # still locked: DatabaseBusy, by write()
        finally:
            raw.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (a plain one, or a ``file:`` URI with ``uri=true``); None for
    another database or one in memory."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    name = parsed.database
    if parsed.query.get("uri") == "true" or name.startswith("file:"):
        if not name.startswith("file:"):
            return Path(name).expanduser()
        rest = unquote(urlsplit(name).path)
        if rest in ("", ":memory:") or "mode=memory" in name or parsed.query.get("mode") == "memory":
            return None
        return Path(rest).expanduser()
    return Path(name).expanduser()


def check_sqlite_file(path: Path) -> bool:
    """Refuse (:class:`DatabaseUnusable`) a path that is no SQLite database: a folder, a device, a
    file of other data. True when the file can be written, False when it can only be read (an
    immutable file, a read-only disk). A file that does not exist yet is fine (True)."""
    try:
        return _check_sqlite_file(path)
    except OSError as exc:  # a name too long, a folder that cannot be searched...
        raise DatabaseUnusable(f"cannot use the database {path}: {exc.strerror or exc}") from None


def _check_sqlite_file(path: Path) -> bool:
    if path.is_dir():
        raise DatabaseUnusable(f"the database {path} is a folder, not a file")
    if not path.exists():
        if path.parent.is_dir() and not os.access(path.parent, os.W_OK):
            raise DatabaseUnusable(f"cannot make the database {path}: its folder cannot be written (read-only)")
        return True
    if not path.is_file():
        raise DatabaseUnusable(f"the database {path} is not a regular file (a device or a pipe)")
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseUnusable(f"cannot read the database {path}: {exc.strerror}") from None
    if head and head != SQLITE_HEADER:
        raise DatabaseUnusable(f"{path} is not an SQLite database (it holds other data)")
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


#: The driver each database needs that does not come with rentaldesk, and how to install it.
DRIVER_EXTRAS = {"postgresql": "pip install 'rentaldesk[postgres]'"}


def make_engine(url: str, *, read_only: bool = False,
                waiting: Callable[[str], None] | None = None) -> Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and immediate write transactions
    (a writer kept waiting by another program for 2 s says so through ``waiting``, by default the
    log). ``read_only``: an SQLite file opened for reading only (``mode=ro``; ``immutable`` when
    its folder cannot be written either). ``postgresql://`` without a driver means psycopg 3."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        connect_args: dict[str, Any] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        if path is not None and read_only:
            # immutable too where no -shm file can be made beside it (nothing can change it there)
            query = {"uri": "true", "mode": "ro", **({} if os.access(path.parent, os.W_OK) else {"immutable": "1"})}
            parsed = parsed.set(database=f"file:{quote(str(path.resolve()))}", query=query)
        elif path is not None and not (parsed.database or "").startswith("file:") and parsed.query.get("uri") != "true":
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args=connect_args)
        _sqlite_setup(engine, read_only=read_only, waiting=waiting or _say_waiting)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except ImportError as exc:
        backend = parsed.get_backend_name()
        install = DRIVER_EXTRAS.get(backend, f"install the Python module '{exc.name}'" if exc.name else "install it")
        raise DatabaseUnusable(f"cannot open the database {parsed.render_as_string(hide_password=True)}: "
                               f"its driver is not installed ({exc}); {install}") from None


def open_database(url: str, *, waiting: Callable[[str], None] | None = None) -> Database:
    """Open ``url`` (any SQLAlchemy URL) and bring its schema up to date. Adds no data.

    An SQLite file that cannot be written (immutable, on a read-only disk) is opened for reading
    when its schema is up to date. What is not a database, or cannot be opened, is refused
    (:class:`DatabaseUnusable`, :class:`DatabaseBusy`), never a driver's error.
    """
    path = sqlite_path(url)
    writable = check_sqlite_file(path) if path is not None else True
    new_file = path is not None and not path.exists()
    if path is not None and "mode=ro" in url:  # asked for read-only in a file: URI
        writable = False
    engine = make_engine(url, read_only=not writable, waiting=waiting)
    try:
        if _schema_is_newest(engine):
            # the common start: nothing to migrate, so alembic (a fifth of a command's start) is not loaded
            return Database(engine, read_only=not writable)
        from .migrations import current_revision, head_revision, known_revisions, upgrade

        found = current_revision(engine)
        if found is not None and found not in known_revisions():
            raise DatabaseUnusable(f"the database {database_name(url)} was made by a newer version of rentaldesk "
                                   f"(schema {found}); use that version or newer")
        if writable:
            upgrade(engine)
        elif current_revision(engine) != head_revision():
            raise DatabaseUnusable(f"the database {path} is read-only here and its schema is older than this "
                                   "version's; open it once where it can be written")
    except BaseException as exc:
        engine.dispose()
        if new_file and path is not None:  # leave no half-made database behind
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                with contextlib.suppress(OSError):
                    leftover.unlink(missing_ok=True)
        problem = database_problem(exc, url) if isinstance(exc, DBAPIError) else None
        if problem is None:
            raise
        raise problem from exc
    return Database(engine, read_only=not writable)


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).expanduser().resolve()}"


def sqlite_uri_url(uri: str) -> str:
    """The SQLAlchemy URL of an SQLite URI as SQLite writes it (``file:b.sqlite?mode=ro``,
    ``file:///srv/b.sqlite?mode=ro``): ``sqlite:///file:...&uri=true``. A URI that names no file
    and no memory database (``file:?mode=ro``) is refused (:class:`DatabaseUnusable`)."""
    parts = urlsplit(uri)
    if not unquote(parts.path) and "mode=memory" not in parts.query:
        raise DatabaseUnusable(f"the database URI '{uri[:80]}' names no file; write file:PATH?mode=ro, "
                               "e.g. file:/srv/branch.sqlite?mode=ro")
    query = "&".join(p for p in parts.query.split("&") if p and p.lower() != "uri=true")
    return f"sqlite:///file:{uri[5:].split('?', 1)[0]}?{query + '&' if query else ''}uri=true"


#: A migration's own lines naming its revision and the one it follows (alembic's generated form).
_REVISION_LINE = re.compile(r"^revision = '([0-9A-Za-z_]+)'$", re.M)
_DOWN_REVISION_LINE = re.compile(r"^down_revision = (?:None|'([0-9A-Za-z_]+)')$", re.M)


@functools.cache
def migration_head() -> str | None:
    """The newest schema revision of this build, read from the migration files' ``revision`` and
    ``down_revision`` lines without loading alembic; None when the files do not say it plainly
    (a line in another form, a fork of the chain), and then alembic, which owns the chain, decides.
    A test holds it equal to alembic's head."""
    revisions: dict[str, str | None] = {}
    for entry in (files("rentaldesk") / "migrations" / "versions").iterdir():  # not importing the package: alembic
        if not entry.name.endswith(".py") or entry.name.startswith("__"):
            continue
        source = entry.read_text(encoding="utf-8")
        up, down = _REVISION_LINE.findall(source), _DOWN_REVISION_LINE.findall(source)
        if len(up) != 1 or len(down) != 1 or up[0] in revisions:
            return None
        revisions[up[0]] = down[0] or None
    heads = set(revisions) - set(revisions.values())
    return heads.pop() if len(heads) == 1 else None


def _schema_is_newest(engine: Engine) -> bool:
    """Whether the database's recorded revision is :func:`migration_head` (one plain query)."""
    head = migration_head()
    if head is None:
        return False
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return found == [head]
