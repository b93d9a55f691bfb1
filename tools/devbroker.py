"""A real single-node Apache Kafka broker for developers and tests, without Docker.

The branches sync with head office through Kafka; this module runs the genuine broker (the
``kafka_2.13`` jars from Maven Central, started with the local ``java``) so the sync code is tested
against the same server it meets in production, not a fake.

Two parts:

:func:`ensure_kafka_jars`
    Resolves the broker's jars once with ``mvn`` into a per-user cache outside the repository
    (``platformdirs.user_cache_dir("rentaldesk")/kafka-<version>/libs``; the environment variable
    ``RENTALDESK_KAFKA_JARS`` names another directory, and if that one already holds the Kafka jars,
    e.g. the ``libs/`` of an unpacked Kafka distribution, they are used as they are, offline).
    Later calls return at once; a file lock makes two processes (two pytest runs) share one download.

:class:`DevBroker`
    One KRaft broker in combined mode (broker and controller in one JVM, ``node.id=1``, a static
    quorum of itself) on free ports of 127.0.0.1, with its storage and logs in a data directory::

        with DevBroker() as broker:
            producer = KafkaProducer(bootstrap_servers=broker.bootstrap)
            ...

    The broker has ``auto.create.topics.enable=false``: code and tests create their topics
    explicitly (KafkaAdminClient.create_topics), as head office's cluster requires, so a typo in a
    topic name fails instead of silently creating a topic. Internal topics (``__consumer_offsets``,
    ``__transaction_state``) have one partition and replication factor 1, so the first consumer
    group or transaction is ready in a blink.

    :meth:`DevBroker.kill` (a crash), :meth:`DevBroker.restart` (clean or crash restart) and
    :meth:`DevBroker.pause`/:meth:`DevBroker.resume` (a frozen broker: sockets open, no answers)
    let tests take the broker away mid-run; it comes back on the SAME ports with the SAME data
    (storage is formatted once, never again), so committed messages and group offsets survive.

Run by hand: ``python -m tools.devbroker [--port N] [--data-dir D]`` (or ``make kafka``)
prints the bootstrap address and serves until Ctrl-C. With ``--data-dir`` the data is kept and the
next run with the same directory carries on where the last one stopped (same ports).

Files in a data directory: ``server.properties`` and ``log4j2.xml`` (written at each start),
``devbroker.json`` (ports and cluster id), ``kraft/`` (the log.dirs: topics and metadata),
``logs/server.log`` (the broker's own log, INFO) and ``logs/console.log`` (the JVM's stdout/stderr:
warnings and errors only, plus anything the JVM itself prints).

Needs Java 17+ (Kafka 4 brokers refuse older JVMs) and, for the first resolution, Maven with access
to Maven Central. Linux/macOS only (fcntl, process groups, signals).
"""

from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

import platformdirs

log = logging.getLogger(__name__)

#: The Kafka release the sync code is written against (the broker jars resolved by default).
KAFKA_VERSION = "4.1.1"
#: Scala build of the broker artifact (``kafka_<scala>``); Kafka 4 ships only 2.13.
SCALA_VERSION = "2.13"
#: log4j2 version Kafka 4.1 is built with; the broker logs through SLF4J 1.7 (``slf4j-api 1.7.36``
#: is what ``kafka_2.13`` depends on), so the binding is ``log4j-slf4j-impl`` (SLF4J 1.x), not
#: ``log4j-slf4j2-impl`` (SLF4J 2.x, which SLF4J 1.7 cannot see: it would print "Failed to load class
#: org.slf4j.impl.StaticLoggerBinder" and drop every broker log line). Kafka's own distribution
#: ships the same trio (slf4j-api 1.7.36, log4j-slf4j-impl, log4j-core).
LOG4J_VERSION = "2.24.3"
SLF4J_VERSION = "1.7.36"

#: Environment variable: a directory holding (or to receive) the broker jars, instead of the cache.
JARS_ENV = "RENTALDESK_KAFKA_JARS"
#: Marker written in the jars directory once a resolution is complete.
MARKER = ".rentaldesk-complete"
#: Environment variable: ``0`` turns off the class-data-sharing archive (see :class:`DevBroker`).
CDS_ENV = "RENTALDESK_KAFKA_CDS"

HOST = "127.0.0.1"
NODE_ID = 1

#: A secure broker (``DevBroker(secure=True)``): its SASL mechanism, its super user (who creates the
#: topics, the ACLs and the other users' SCRAM credentials), and its authorizer (KRaft's).
SCRAM_MECHANISM = "SCRAM-SHA-512"
ADMIN_USER = "admin"
AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer"

#: JVM options: a small heap, and a JVM that starts fast rather than one that runs fast for days
#: (C1 only, class-data sharing when available, no AWT, no perf-data file in /tmp).
JVM_OPTS = (
    "-Xms256m",
    "-Xmx512m",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:TieredStopAtLevel=1",
    "-Xshare:auto",
    "-Xlog:cds*=off",  # a stale or foreign CDS archive is ignored quietly (the JVM then loads classes itself)
    "-XX:-UsePerfData",
    "-Djava.awt.headless=true",
    "-Dlog4j2.disable.jmx=true",
)

_MAVEN_TIMEOUT = 30 * 60


class DevBrokerError(RuntimeError):
    """The jars could not be resolved, or the broker did not format, start or stop."""


# --------------------------------------------------------------------------------------------- jars


def default_jars_dir(version: str = KAFKA_VERSION) -> Path:
    """Where :func:`ensure_kafka_jars` puts the jars: ``$RENTALDESK_KAFKA_JARS`` or the user cache."""
    override = os.environ.get(JARS_ENV)
    if override:
        return Path(override).expanduser().resolve()
    cache = Path(platformdirs.user_cache_dir("rentaldesk", appauthor=False))
    return cache / f"kafka-{version}" / "libs"


def _generated_pom(version: str) -> str:
    deps = [
        ("org.apache.kafka", f"kafka_{SCALA_VERSION}", version),
        # Pinned so Maven's "nearest wins" cannot pick another SLF4J than the binding's.
        ("org.slf4j", "slf4j-api", SLF4J_VERSION),
        ("org.apache.logging.log4j", "log4j-slf4j-impl", LOG4J_VERSION),
        ("org.apache.logging.log4j", "log4j-core", LOG4J_VERSION),
    ]
    body = "\n".join(
        f"    <dependency><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version></dependency>"
        for g, a, v in deps
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by tools.devbroker.ensure_kafka_jars: the jars of a Kafka {version} broker. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>rentaldesk.devbroker</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
{body}
  </dependencies>
</project>
"""


def _has_kafka_jars(directory: Path) -> bool:
    return directory.is_dir() and any(directory.glob(f"kafka_{SCALA_VERSION}-*.jar"))


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def ensure_kafka_jars(version: str = KAFKA_VERSION) -> Path:
    """Return a directory holding every jar a Kafka ``version`` broker needs, resolving it if needed.

    The directory is ``$RENTALDESK_KAFKA_JARS`` if set, else
    ``platformdirs.user_cache_dir("rentaldesk")/kafka-<version>/libs`` (outside the repository; Maven
    also keeps its own copy in ``~/.m2``, which CI can cache). A directory that already holds the
    Kafka jars without our marker (a Kafka distribution's ``libs/``) is used as it is.

    Idempotent and cheap once done (a marker file is written last). Safe across processes: an
    exclusive ``fcntl`` lock next to the directory makes a second caller wait for the first one's
    download and then reuse it. Raises :class:`DevBrokerError` naming the problem when ``mvn`` or
    ``java`` is missing or Maven fails (with the last lines of its output).
    """
    libs = default_jars_dir(version)
    if (libs / MARKER).is_file():
        return libs
    if os.environ.get(JARS_ENV) and _has_kafka_jars(libs):
        return libs  # a directory provided by hand (e.g. an unpacked Kafka distribution)
    if _java() is None:
        raise DevBrokerError("java not found (set JAVA_HOME or put java 17+ on PATH): Kafka needs it")
    mvn = shutil.which("mvn")
    if mvn is None:
        raise DevBrokerError(
            f"mvn (Apache Maven) not found on PATH: it is needed once to download the Kafka {version} "
            f"jars into {libs}; install Maven, or point {JARS_ENV} at a directory with the jars "
            "(e.g. the libs/ of an unpacked Kafka distribution)"
        )
    with _file_lock(libs.parent / f"{libs.name}.lock"):
        if (libs / MARKER).is_file():  # another process finished while we waited for the lock
            return libs
        started = time.monotonic()
        log.info("resolving the Kafka %s jars into %s with Maven", version, libs)
        with tempfile.TemporaryDirectory(prefix="rentaldesk-kafka-pom-") as work:
            pom = Path(work) / "pom.xml"
            pom.write_text(_generated_pom(version), encoding="utf-8")
            staging = Path(work) / "libs"
            cmd = [
                mvn, "-B", "-q", "-Dstyle.color=never", "-f", str(pom),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={staging}",
                "-DincludeScope=runtime",
            ]
            try:
                result = subprocess.run(
                    cmd, cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT, text=True, errors="replace", timeout=_MAVEN_TIMEOUT,
                )
            except subprocess.TimeoutExpired as exc:
                raise DevBrokerError(
                    f"mvn did not finish resolving Kafka {version} in {_MAVEN_TIMEOUT} s:\n"
                    + _tail_text(exc.output if isinstance(exc.output, str) else "")
                ) from None
            if result.returncode != 0 or not _has_kafka_jars(staging):
                raise DevBrokerError(
                    f"mvn failed to resolve the Kafka {version} jars (exit {result.returncode}; "
                    f"is Maven Central reachable?). Last lines of its output:\n{_tail_text(result.stdout)}"
                )
            if libs.exists():  # a partial copy left by an interrupted earlier run
                shutil.rmtree(libs)
            libs.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(staging), str(libs))
        (libs / MARKER).write_text(f"kafka {version}\n", encoding="utf-8")
        log.info("Kafka %s jars ready in %.1f s", version, time.monotonic() - started)
    return libs


# ------------------------------------------------------------------------------------------ helpers


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and os.access(Path(home) / "bin" / "java", os.X_OK):
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def _tail_text(text: str, lines: int = 40) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # colour codes some Maven versions print anyway
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _tail_file(path: Path, lines: int = 40) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 64 * 1024))
            return _tail_text(handle.read().decode("utf-8", "replace"), lines)
    except OSError:
        return ""


def free_port(host: str = HOST) -> int:
    """A TCP port free on ``host`` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _kafka_uuid() -> str:
    """A Kafka ``Uuid`` in its text form (URL-safe base64 of 16 random bytes, no padding), as
    ``kafka-storage random-uuid`` prints it, without spending a JVM start on it."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode("ascii").rstrip("=")
        if not text.startswith("-"):  # Kafka avoids these too: they read as an option on a command line
            return text


def _setpriv_prefix() -> list[str]:
    """``setpriv --pdeathsig KILL`` when available: the JVM dies with the Python thread that started
    it, so a killed test run leaves no orphan broker holding ports."""
    setpriv = shutil.which("setpriv") if sys.platform.startswith("linux") else None
    return [setpriv, "--pdeathsig", "KILL"] if setpriv else []


def _cds_archive(java: str, libs: Path) -> Path:
    """Where the AppCDS archive for this JVM and these jars lives (the name changes with either)."""
    digest = hashlib.sha256()
    real = Path(os.path.realpath(java))
    for path in [real, real.parent.parent / "lib" / "server" / "libjvm.so", *sorted(libs.glob("*.jar"))]:
        with contextlib.suppress(OSError):
            st = path.stat()
            digest.update(f"{path}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    cache = Path(platformdirs.user_cache_dir("rentaldesk", appauthor=False)) / "kafka-cds"
    return cache / f"broker-{digest.hexdigest()[:16]}.jsa"


_LIVE: weakref.WeakSet[DevBroker] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:  # pragma: no cover - interpreter exit
    for broker in list(_LIVE):
        with contextlib.suppress(Exception):
            broker.stop()


# ------------------------------------------------------------------------------------------- broker


class DevBroker:
    """One Kafka broker+controller (KRaft combined mode) on 127.0.0.1, for development and tests.

    Arguments (all optional):

    ``data_dir``
        Where storage and logs go. ``None``: a fresh temporary directory, removed by :meth:`stop`
        (unless ``keep``). A directory given here is kept; if it holds a previous broker (its
        ``devbroker.json``), that broker's ports and data are reused.
    ``port``, ``controller_port``
        Listener ports; ``None`` picks free ones on the first start. Both stay the same across
        :meth:`restart`, :meth:`kill` + :meth:`start` and :meth:`stop(keep=True) <stop>` + start.
    ``version``, ``jars_dir``
        Kafka release, and a directory of jars (default: :func:`ensure_kafka_jars`).
    ``startup_timeout``
        Seconds :meth:`start` waits for the broker to answer metadata requests.
    ``console``
        ``False`` (default): the JVM's stdout/stderr go to ``logs/console.log``; ``True``: they go to
        this process's terminal (the broker's warnings show; used by the command line).
    ``extra_config``
        More ``server.properties`` entries, overriding the defaults (e.g. ``{"log.cleaner.backoff.ms":
        "500"}`` for a compaction test).
    ``secure``
        Also serve a ``SASL_SSL`` listener (:attr:`secure_bootstrap`): TLS with a broker certificate
        for ``localhost``/``127.0.0.1`` signed by a CA made at the first start (:attr:`ca_file`, in
        ``tls/`` of the data directory), SASL/SCRAM-SHA-512 logins, and KRaft's StandardAuthorizer:
        on that listener a user may do only what an ACL allows, but :data:`ADMIN_USER` (password
        :attr:`admin_password`, its SCRAM credential written by the storage format), who may do
        everything and creates the other users. The ``PLAINTEXT`` listener stays, for the
        controller link and the plaintext tests: its anonymous clients are super users too (a
        development broker on 127.0.0.1; a production cluster has no such listener).
    ``class_data_sharing``
        Use an AppCDS archive of the broker's classes (default: true, unless ``RENTALDESK_KAFKA_CDS=0``).
        The first broker run of a JVM + jars pair records one when it exits cleanly (about 50 MB in
        ``user_cache_dir("rentaldesk")/kafka-cds``); every later start loads classes from it, which
        halves the JVM start (about 3.5 s to 1.5 s here). The JVM checks the archive itself and
        ignores it when the JDK or the jars changed.

    Not thread-safe; start and stop it from one long-lived thread (on Linux the JVM is tied to the
    starting thread with ``PR_SET_PDEATHSIG`` so it cannot outlive a killed test run).
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str] | None = None,
        *,
        port: int | None = None,
        controller_port: int | None = None,
        version: str = KAFKA_VERSION,
        jars_dir: str | os.PathLike[str] | None = None,
        keep: bool | None = None,
        startup_timeout: float = 60.0,
        console: bool = False,
        extra_config: dict[str, str] | None = None,
        class_data_sharing: bool | None = None,
        secure: bool = False,
        secure_port: int | None = None,
    ) -> None:
        self.version = version
        self.jars_dir = Path(jars_dir) if jars_dir is not None else None
        self.startup_timeout = startup_timeout
        self.console = console
        self.extra_config = dict(extra_config or {})
        if class_data_sharing is None:
            class_data_sharing = os.environ.get(CDS_ENV, "1").strip().lower() not in {"0", "false", "no", "off"}
        self.class_data_sharing = class_data_sharing
        self._cds_pending: tuple[Path, Path] | None = None
        self._given_data_dir = Path(data_dir).resolve() if data_dir is not None else None
        self.keep = keep if keep is not None else data_dir is not None
        self.port = port
        self.controller_port = controller_port
        self.secure = secure
        self.secure_port = secure_port
        #: The SCRAM password of :data:`ADMIN_USER` on a secure broker (made at the first start).
        self.admin_password: str | None = None
        self.cluster_id: str | None = None
        self.data_dir: Path | None = self._given_data_dir
        self._proc: subprocess.Popen[bytes] | None = None
        self._console_file = None
        self._paused = False
        #: Seconds the last :meth:`start` took (JVM launch to a broker answering metadata requests),
        #: and the storage format on the first start (None when the data was already there).
        self.last_start_seconds: float | None = None
        self.format_seconds: float | None = None

    # ---------------------------------------------------------------------------- properties

    @property
    def bootstrap(self) -> str:
        """``"127.0.0.1:<port>"``, for ``bootstrap_servers``. Valid once started."""
        if self.port is None:
            raise DevBrokerError("the broker has no port yet: call start() first")
        return f"{HOST}:{self.port}"

    @property
    def secure_bootstrap(self) -> str:
        """``"localhost:<port>"`` of the SASL_SSL listener of a ``secure`` broker (a name its
        certificate holds). Valid once started."""
        if not self.secure or self.secure_port is None:
            raise DevBrokerError("the broker has no secure listener: DevBroker(secure=True), then start()")
        return f"localhost:{self.secure_port}"

    @property
    def ca_file(self) -> Path:
        """The CA certificate a client of the secure listener trusts (``ssl_cafile``)."""
        return self._require_dir() / "tls" / "ca.pem"

    def secure_client_config(self, user: str = ADMIN_USER, password: str | None = None) -> dict[str, object]:
        """kafka-python keyword arguments for the secure listener as ``user`` (default the admin)."""
        if password is None and user == ADMIN_USER:
            password = self.admin_password
        return {"bootstrap_servers": self.secure_bootstrap, "security_protocol": "SASL_SSL",
                "sasl_mechanism": SCRAM_MECHANISM, "sasl_plain_username": user,
                "sasl_plain_password": password, "ssl_cafile": str(self.ca_file)}

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self.running and self._proc is not None else None

    @property
    def log_file(self) -> Path:
        """The broker's own log (log4j, INFO and up)."""
        return self._require_dir() / "logs" / "server.log"

    @property
    def console_file(self) -> Path:
        """The JVM's stdout/stderr (WARN and up, JVM messages), unless ``console=True``."""
        return self._require_dir() / "logs" / "console.log"

    def _require_dir(self) -> Path:
        if self.data_dir is None:
            raise DevBrokerError("the broker has no data directory yet: call start() first")
        return self.data_dir

    # ---------------------------------------------------------------------------- lifecycle

    def __enter__(self) -> DevBroker:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> DevBroker:
        """Start the broker and wait until it answers; returns ``self``.

        First start: resolve jars, pick ports, format storage. Later starts (after :meth:`kill`,
        :meth:`stop(keep=True) <stop>`, or on a reused ``data_dir``) reuse ports, cluster id and data.
        Raises :class:`DevBrokerError` with the tail of the broker log if it exits or does not answer
        within ``startup_timeout`` seconds.
        """
        if self.running:
            return self
        libs = self.jars_dir if self.jars_dir is not None else ensure_kafka_jars(self.version)
        java = _java()
        if java is None:
            raise DevBrokerError("java not found (set JAVA_HOME or put java 17+ on PATH)")
        if self.data_dir is None:
            self.data_dir = Path(tempfile.mkdtemp(prefix="rentaldesk-kafka-"))
        self._load_state()
        picked: set[int] = set()  # ports chosen here (not given, not reused): replaceable if taken
        if self.secure:
            self._ensure_tls()
        for attempt in range(3):
            if self.port is None:
                self.port = free_port()
                picked.add(self.port)
            if self.controller_port is None:
                self.controller_port = free_port()
                while self.controller_port == self.port:
                    self.controller_port = free_port()
                picked.add(self.controller_port)
            if self.secure and self.secure_port is None:
                self.secure_port = free_port()
                while self.secure_port in (self.port, self.controller_port):
                    self.secure_port = free_port()
                picked.add(self.secure_port)
            self._write_config()
            if not (self.data_dir / "kraft" / "meta.properties").is_file():
                self._format(java, libs)
            self._save_state()
            try:
                self._launch(java, libs)
                return self
            except DevBrokerError:
                # A port free when picked but taken by someone else before the JVM bound it.
                port = self._bind_failure()
                if attempt < 2 and port in picked and port in (self.port, self.controller_port, self.secure_port):
                    log.warning("port %s was taken meanwhile: trying another one", port)
                    if port == self.port:
                        self.port = None
                    elif port == self.secure_port:
                        self.secure_port = None
                    else:
                        self.controller_port = None
                    continue
                raise
        raise AssertionError("unreachable")

    def stop(self, keep: bool | None = None, timeout: float = 10.0) -> None:
        """Stop the broker cleanly: SIGTERM, up to ``timeout`` seconds, then SIGKILL.

        The temporary data directory is then removed, unless ``keep`` (default: the constructor's
        ``keep``, true for a ``data_dir`` given by the caller). With ``keep=True`` a later
        :meth:`start` brings the same broker back. Idempotent.
        """
        self._terminate(graceful=True, timeout=timeout)
        keep = self.keep if keep is None else keep
        if not keep and self.data_dir is not None and self._given_data_dir is None:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None
            self.cluster_id = None
            self.format_seconds = None

    def kill(self) -> None:
        """Crash the broker (SIGKILL, no clean shutdown); data and ports stay for :meth:`start`."""
        self._terminate(graceful=False)

    def restart(self, *, graceful: bool = True) -> DevBroker:
        """Stop the broker (cleanly, or with SIGKILL if not ``graceful``) and start it again on the
        same ports with the same data; returns when it answers again."""
        self._terminate(graceful=graceful)
        return self.start()

    def pause(self) -> None:
        """Freeze the broker (SIGSTOP): connections stay open but nothing answers, like a hung host."""
        if self.running and self._proc is not None and not self._paused:
            os.killpg(self._proc.pid, signal.SIGSTOP)
            self._paused = True

    def resume(self) -> None:
        """Unfreeze a :meth:`pause`\\ d broker (SIGCONT)."""
        if self._proc is not None and self._paused:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGCONT)
            self._paused = False

    def wait(self) -> int:
        """Block until the broker process exits; returns its exit status."""
        if self._proc is None:
            raise DevBrokerError("the broker is not running")
        return self._proc.wait()

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the broker log and of its console output, for error messages."""
        if self.data_dir is None:
            return ""
        parts = []
        for path in (self.log_file, self.console_file):
            text = _tail_file(path, lines)
            if text:
                parts.append(f"--- {path} ---\n{text}")
        return "\n".join(parts)

    # ---------------------------------------------------------------------------- internals

    def _bind_failure(self) -> int | None:
        """The port of the last "failed to bind" in the broker log, if any."""
        try:
            text = self.log_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        found = re.findall(r"failed to bind to [^\s:]+:(\d+)", text)
        return int(found[-1]) if found else None

    def _state_file(self) -> Path:
        return self._require_dir() / "devbroker.json"

    def _load_state(self) -> None:
        try:
            state = json.loads(self._state_file().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if self.port is None:
            self.port = state.get("port")
        if self.controller_port is None:
            self.controller_port = state.get("controller_port")
        if self.secure and self.secure_port is None:
            self.secure_port = state.get("secure_port")
        self.admin_password = self.admin_password or state.get("admin_password")
        self.cluster_id = self.cluster_id or state.get("cluster_id")

    def _save_state(self) -> None:
        state = {"version": self.version, "port": self.port, "controller_port": self.controller_port,
                 "cluster_id": self.cluster_id}
        if self.secure:
            state.update(secure_port=self.secure_port, admin_password=self.admin_password)
        self._state_file().write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
        if self.secure:
            self._state_file().chmod(0o600)  # it holds the admin's password

    def _ensure_tls(self) -> None:
        """The CA, the broker's certificate and the admin's password, made once per data directory."""
        from tools.devcerts import make_broker_certificate, make_ca  # cryptography: only a secure broker needs it

        tls = self._require_dir() / "tls"
        if not (tls / "broker.pem").is_file() or not self.ca_file.is_file():
            ca = make_ca(tls)
            make_broker_certificate(ca, tls)
        if self.admin_password is None:
            self.admin_password = base64.urlsafe_b64encode(os.urandom(18)).decode("ascii")

    def _config(self) -> dict[str, str]:
        data = self._require_dir()
        controller = f"{HOST}:{self.controller_port}"
        config = {
            # KRaft combined mode, a static quorum of this one node (no --standalone/dynamic quorum:
            # the voter is read from this file at every start, nothing about it is stored).
            "process.roles": "broker,controller",
            "node.id": str(NODE_ID),
            "controller.quorum.voters": f"{NODE_ID}@{controller}",
            "listeners": f"PLAINTEXT://{HOST}:{self.port},CONTROLLER://{controller}",
            "advertised.listeners": f"PLAINTEXT://{HOST}:{self.port}",
            "inter.broker.listener.name": "PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(data / "kraft"),
            # One node: every replication factor and ISR is 1; internal topics get one partition.
            "num.partitions": "1",
            "default.replication.factor": "1",
            "min.insync.replicas": "1",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            # After a crash (kill()) the new incarnation can only register once the controller has
            # fenced the old one for missing heartbeats: 9 s by default, 3 s here.
            "broker.heartbeat.interval.ms": "500",
            "broker.session.timeout.ms": "3000",
            # Topics are created explicitly, by the code and by the tests.
            "auto.create.topics.enable": "false",
            # Small: a development box, two cores.
            "num.network.threads": "2",
            "num.io.threads": "4",
            "background.threads": "4",
            "num.recovery.threads.per.data.dir": "1",
            "log.cleaner.threads": "1",
            "log.cleaner.dedupe.buffer.size": str(16 * 1024 * 1024),
            "log.segment.bytes": str(16 * 1024 * 1024),
            "log.index.size.max.bytes": str(1024 * 1024),
            "log.retention.check.interval.ms": "60000",
        }
        if self.secure:
            secure = f"SASL_SSL://localhost:{self.secure_port}"
            config.update({
                "listeners": f"{config['listeners']},{secure}",
                "advertised.listeners": f"{config['advertised.listeners']},{secure}",
                "listener.security.protocol.map": f"{config['listener.security.protocol.map']},SASL_SSL:SASL_SSL",
                "sasl.enabled.mechanisms": SCRAM_MECHANISM,
                # The server side of SCRAM needs a login module; the credentials are in the metadata.
                f"listener.name.sasl_ssl.{SCRAM_MECHANISM.lower()}.sasl.jaas.config":
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "ssl.keystore.type": "PEM",
                "ssl.keystore.location": str(data / "tls" / "broker.pem"),
                "authorizer.class.name": AUTHORIZER,
                # ANONYMOUS: the PLAINTEXT and CONTROLLER listeners' clients (the broker itself on
                # the controller link, the plaintext tests), on 127.0.0.1 only.
                "super.users": f"User:ANONYMOUS;User:{ADMIN_USER}",
                "allow.everyone.if.no.acl.found": "false",
            })
        config.update(self.extra_config)
        return config

    def _write_config(self) -> None:
        data = self._require_dir()
        (data / "logs").mkdir(parents=True, exist_ok=True)
        lines = ["# Written by tools.devbroker at each start; edits are overwritten."]
        lines += [f"{key}={value}" for key, value in self._config().items()]
        (data / "server.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")
        if self.secure:
            (data / "server.properties").chmod(0o600)
        server_log = quoteattr(str(data / "logs" / "server.log"))
        pattern = quoteattr(str(data / "logs" / "server.log") + ".%i")
        (data / "log4j2.xml").write_text(
            f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- rentaldesk dev broker: INFO and up to logs/server.log, WARN and up to the console. -->
<Configuration status="WARN" name="rentaldesk-devbroker" shutdownHook="disable">
  <Appenders>
    <Console name="console" target="SYSTEM_OUT">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <!-- Warnings every healthy start or stop prints: the file still has them. -->
      <RegexFilter regex="(?s).*(Performing controller activation|Attempting to close NetworkClient that has already been closed).*"
                   onMatch="DENY" onMismatch="NEUTRAL"/>
    </Console>
    <RollingFile name="file" fileName={server_log} filePattern={pattern}>
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <Policies><SizeBasedTriggeringPolicy size="20 MB"/></Policies>
      <DefaultRolloverStrategy max="3"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Root level="INFO">
      <AppenderRef ref="console" level="WARN"/>
      <AppenderRef ref="file"/>
    </Root>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="org.apache.kafka.clients.NetworkClient" level="WARN"/>
  </Loggers>
</Configuration>
""",
            encoding="utf-8",
        )

    def _java_cmd(self, java: str, libs: Path, main: str, *args: str, record_cds: bool = False) -> list[str]:
        data = self._require_dir()
        cds: list[str] = []
        if self.class_data_sharing:
            archive = _cds_archive(java, libs)
            if archive.is_file():
                cds = [f"-XX:SharedArchiveFile={archive}"]
            elif record_cds:
                # Recorded by the JVM when it exits (a clean stop); _terminate moves it into place.
                archive.parent.mkdir(parents=True, exist_ok=True)
                pending = archive.with_name(f"{archive.stem}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
                self._cds_pending = (pending, archive)
                cds = [f"-XX:ArchiveClassesAtExit={pending}"]
        return [
            java, *JVM_OPTS, *cds,
            f"-Dlog4j2.configurationFile={data / 'log4j2.xml'}",
            f"-Dkafka.logs.dir={data / 'logs'}",
            "-cp", f"{libs}{os.sep}*",
            main, *args,
        ]

    def _format(self, java: str, libs: Path) -> None:
        data = self._require_dir()
        if self.cluster_id is None:
            self.cluster_id = _kafka_uuid()
        started = time.monotonic()
        # kafka-storage.sh runs kafka.tools.StorageTool (still the Scala class in core in 4.1).
        scram: list[str] = []
        if self.secure:  # the admin's credential, in the metadata from the start (KRaft: no ZooKeeper to add it to)
            scram = ["--add-scram", f"{SCRAM_MECHANISM}=[name={ADMIN_USER},password={self.admin_password}]"]
        cmd = self._java_cmd(java, libs, "kafka.tools.StorageTool", "format",
                             "-t", self.cluster_id, "-c", str(data / "server.properties"), *scram)
        result = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, errors="replace", timeout=120)
        if result.returncode != 0:
            raise DevBrokerError(f"formatting the Kafka storage in {data / 'kraft'} failed "
                                 f"(exit {result.returncode}):\n{_tail_text(result.stdout)}")
        self.format_seconds = time.monotonic() - started
        log.debug("Kafka storage formatted in %.1f s", self.format_seconds)

    def _launch(self, java: str, libs: Path) -> None:
        data = self._require_dir()
        cmd = _setpriv_prefix() + self._java_cmd(java, libs, "kafka.Kafka", str(data / "server.properties"),
                                                 record_cds=True)
        if self.console:
            out = None
        else:
            self._console_file = open(self.console_file, "ab")  # noqa: SIM115 - closed in _terminate
            out = self._console_file
        started = time.monotonic()
        self._proc = subprocess.Popen(  # own session: Ctrl-C in a terminal reaches us, not the JVM
            cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT if out else None,
            start_new_session=True, cwd=data,
        )
        self._paused = False
        _LIVE.add(self)
        try:
            self._wait_ready(started)
        except BaseException:
            self._terminate(graceful=False)
            raise
        self.last_start_seconds = time.monotonic() - started
        log.info("Kafka %s broker ready at %s in %.1f s (pid %s, data %s)", self.version, self.bootstrap,
                 self.last_start_seconds, self._proc.pid, data)

    def _wait_ready(self, started: float) -> None:
        with warnings.catch_warnings():
            # kafka-python 3.0 calls importlib.resources.read_text, deprecated on Python 3.11/3.12.
            warnings.filterwarnings("ignore", message="(read_text|open_text) is deprecated", category=DeprecationWarning)
            from kafka import KafkaAdminClient  # imported here: the jar helpers do not need it
            from kafka.errors import KafkaError

        deadline = started + self.startup_timeout
        last_error: Exception | None = None
        while True:
            assert self._proc is not None
            code = self._proc.poll()
            if code is not None:
                raise DevBrokerError(f"the Kafka broker exited with status {code} while starting:\n"
                                     + self.log_tail())
            if _port_open(HOST, self.port or 0):
                try:
                    admin = KafkaAdminClient(
                        bootstrap_servers=self.bootstrap, client_id="rentaldesk-devbroker-probe",
                        bootstrap_timeout_ms=3000, request_timeout_ms=5000,
                    )
                    try:
                        admin.list_topics()
                        if admin.describe_cluster().get("brokers"):
                            return
                    finally:
                        admin.close()
                except KafkaError as exc:
                    last_error = exc
            if time.monotonic() > deadline:
                raise DevBrokerError(
                    f"the Kafka broker at {self.bootstrap} did not answer within {self.startup_timeout:.0f} s"
                    f" (last error: {last_error!r}):\n{self.log_tail()}"
                )
            time.sleep(0.1)

    def _terminate(self, *, graceful: bool, timeout: float = 10.0) -> None:
        proc = self._proc
        if proc is not None:
            if proc.poll() is None:
                self.resume()  # a stopped process does not act on SIGTERM
                sig = signal.SIGTERM if graceful else signal.SIGKILL
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, sig)
                try:
                    proc.wait(timeout=timeout if graceful else 30)
                except subprocess.TimeoutExpired:
                    log.warning("Kafka broker pid %s ignored SIGTERM for %.0f s: killing it", proc.pid, timeout)
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=30)
            self._proc = None
            self._paused = False
            self._settle_cds(proc.returncode)
        _LIVE.discard(self)
        if self._console_file is not None:
            self._console_file.close()
            self._console_file = None


    def _settle_cds(self, returncode: int | None) -> None:
        """Put the class archive a JVM wrote at exit in place (not one cut short by SIGKILL)."""
        if self._cds_pending is None:
            return
        pending, archive = self._cds_pending
        self._cds_pending = None
        try:
            if returncode != -signal.SIGKILL and pending.is_file() and pending.stat().st_size > 0:
                os.replace(pending, archive)
                log.info("recorded the Kafka class-data archive %s", archive)
                day_ago = time.time() - 86400
                for old in archive.parent.glob("broker-*"):  # a former JDK's or jar set's, crashed runs'
                    if old.suffix == ".jsa" and old != archive or old.suffix == ".tmp" and old.stat().st_mtime < day_ago:
                        old.unlink(missing_ok=True)
        except OSError as exc:
            log.debug("no class-data archive: %s", exc)
        finally:
            pending.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.devbroker",
        description="Run a single-node Apache Kafka broker (KRaft) on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, help="broker port (default: a free one, or the data dir's last one)")
    parser.add_argument("--data-dir", type=Path,
                        help="keep the data here and reuse it next time (default: a temporary directory)")
    parser.add_argument("--kafka-version", default=KAFKA_VERSION, help=f"default {KAFKA_VERSION}")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the broker (60)")
    parser.add_argument("--secure", action="store_true",
                        help="also serve SASL_SSL (TLS, SCRAM-SHA-512, ACLs) on another port; prints the CA file "
                             "and the admin's password")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if not (default_jars_dir(args.kafka_version) / MARKER).is_file():
            print(f"Resolving the Kafka {args.kafka_version} jars with Maven (once)...", flush=True)
        t0 = time.monotonic()
        jars = ensure_kafka_jars(args.kafka_version)
        broker = DevBroker(args.data_dir, port=args.port, version=args.kafka_version, jars_dir=jars,
                           startup_timeout=args.timeout, console=True, secure=args.secure)
        broker.start()
    except DevBrokerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    # The broker now runs in its own session, so Ctrl-C reaches only us: stop it cleanly then.
    try:
        print(f"Kafka {args.kafka_version} broker ready in {time.monotonic() - t0:.1f} s", flush=True)
        print(f"  bootstrap: {broker.bootstrap}")
        if broker.secure:
            print(f"  secure:    {broker.secure_bootstrap} (SASL_SSL, {SCRAM_MECHANISM}, ACLs)")
            print(f"  CA:        {broker.ca_file}")
            print(f"  admin:     {ADMIN_USER} / {broker.admin_password} (super user: creates users and ACLs)")
        print(f"  data:      {broker.data_dir}{'' if broker.keep else ' (removed on exit)'}")
        print(f"  log:       {broker.log_file}")
        print("Ctrl-C to stop.", flush=True)
        code = broker.wait()
        print(f"error: the broker exited with status {code}:\n{broker.log_tail()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping the broker...", flush=True)
        return 0
    finally:
        broker.stop()


if __name__ == "__main__":
    raise SystemExit(main())
