"""Fixtures of the tests against a real Kafka broker (see :mod:`tools.devbroker`),
for tests/kafka and tests/e2e (registered by the root conftest as a plugin).

One broker serves the whole session: ``kafka_broker`` starts it on first use (a few seconds; the
first run on a machine also resolves the jars with Maven, about 15 s) and stops it at the end. With
``RENTALDESK_TEST_KAFKA=host:port`` the tests use that broker instead and never stop it; tests that
need to take the broker down are skipped then.

The broker does not auto-create topics: a test creates its own, named from ``topic_prefix`` (unique
per test), and joins consumer groups named ``group_id`` (unique per test), so tests never see each
other's data. Everything here is marked ``kafka`` (``pytest -m "not kafka"`` leaves it out).
"""

from __future__ import annotations

import gc
import os
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rentaldesk.config import KafkaSettings
from tools.devbroker import DevBroker

# kafka-python 3.0 reads its protocol schemas with importlib.resources.read_text, deprecated on
# Python 3.11/3.12: importing it under `filterwarnings = error` would fail. Import it once here,
# with just that warning silenced (the import loads every protocol module; nothing loads later).
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="(read_text|open_text) is deprecated", category=DeprecationWarning)
    import kafka  # noqa: F401

#: ``host:port`` of a broker to test against instead of starting one.
EXTERNAL_ENV = "RENTALDESK_TEST_KAFKA"

_BROKER_DIRS = (Path(__file__).parent / "kafka", Path(__file__).parent / "e2e")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Called with the items of the whole session: mark the ones in the broker directories.
    for item in items:
        if any(d in item.path.parents for d in _BROKER_DIRS):
            item.add_marker(pytest.mark.kafka)


def pytest_runtest_teardown(item: pytest.Item) -> None:
    # A test that stops or pauses the broker and fails before restoring it must not take the
    # following tests down with it.
    if "kafka_broker" in getattr(item, "fixturenames", ()):
        broker = item.funcargs.get("kafka_broker") if hasattr(item, "funcargs") else None
        if broker is not None:
            broker.ensure_running()


class KafkaTestBroker:
    """What the ``kafka_broker`` fixture yields: the bootstrap address and, for a broker this session
    started, the means to take it down and bring it back (same port, same data)."""

    def __init__(self, bootstrap: str, broker: DevBroker | None) -> None:
        self.bootstrap = bootstrap
        self.broker = broker

    @property
    def external(self) -> bool:
        """True for a broker given by ``RENTALDESK_TEST_KAFKA``: it cannot be stopped here."""
        return self.broker is None

    def _own(self) -> DevBroker:
        if self.broker is None:
            pytest.skip(f"needs a broker the tests start and stop ({EXTERNAL_ENV} is set)")
        return self.broker

    def stop(self, keep: bool = True) -> None:
        """Stop the broker cleanly; :meth:`start` brings it back with its data (unless ``keep`` is
        false: then it comes back empty)."""
        self._own().stop(keep=keep)

    def start(self) -> None:
        """Start the broker again (same port, same data) and wait until it answers."""
        self._own().start()

    def restart(self, *, graceful: bool = True) -> None:
        """Stop (cleanly, or SIGKILL if not ``graceful``) and start again; returns once it answers."""
        self._own().restart(graceful=graceful)

    def kill(self) -> None:
        """Crash the broker (SIGKILL); :meth:`start` brings it back with its data."""
        self._own().kill()

    def pause(self) -> None:
        """Freeze the broker (SIGSTOP): connections stay open, nothing answers."""
        self._own().pause()

    def resume(self) -> None:
        self._own().resume()

    def ensure_running(self) -> None:
        if self.broker is not None:
            self.broker.resume()
            if not self.broker.running:
                self.broker.start()


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[KafkaTestBroker]:
    """The session's Kafka broker: ``.bootstrap`` is its ``host:port``."""
    external = os.environ.get(EXTERNAL_ENV, "").strip()
    if external:
        yield KafkaTestBroker(external, None)
        return
    broker = DevBroker()
    broker.start()
    try:
        yield KafkaTestBroker(broker.bootstrap, broker)
    finally:
        broker.stop()


@pytest.fixture
def restartable_broker(kafka_broker: KafkaTestBroker) -> KafkaTestBroker:
    """``kafka_broker``, for a test that stops or restarts it: skips the test, before any other
    fixture runs (list it first), when the broker is external."""
    kafka_broker._own()
    return kafka_broker


@pytest.fixture
def broker_outage(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """For a test that keeps kafka-python clients open while the broker is down.

    kafka-python 3.0.12 does not close the socket of a failed connection attempt
    (``kafka/net/inet.py``): every reconnect while the broker is away leaves one behind, reachable
    from the exception it logs (the error log records pytest keeps for the report hold the
    exception, its traceback, the frame, the socket). Whenever those are finally collected Python
    warns "unclosed socket" (ResourceWarning), an error here, in whatever test runs then or at the
    end of the session. This fixture ignores that warning in the test, and at teardown, while it is
    still ignored, drops the test's captured log records (their text is already in the report) and
    collects the garbage.
    """
    # pytest restores the warning filters after each test (setup to teardown): no need to undo this.
    # (a TLS connection's socket too: kafka-python leaves an ssl.SSLSocket the same way)
    warnings.filterwarnings("ignore", message="unclosed <(socket.socket|ssl.SSLSocket)", category=ResourceWarning)
    yield
    for when in ("setup", "call"):
        caplog.get_records(when).clear()
    gc.collect()


@pytest.fixture
def topic_prefix() -> str:
    """A prefix unique to this test for its topic names: ``f"{topic_prefix}-orders"``."""
    return f"t{uuid.uuid4().hex[:8]}"


@pytest.fixture
def group_id() -> str:
    """A consumer group id unique to this test."""
    return f"g{uuid.uuid4().hex[:8]}"


class SecureTestBroker:
    """What ``secure_kafka`` yields: a broker with a SASL_SSL listener (TLS, SCRAM-SHA-512, ACLs),
    its CA file, and the means to make users and grant a network's ACLs (as its admin)."""

    def __init__(self, broker: DevBroker) -> None:
        self.broker = broker
        self.bootstrap = broker.secure_bootstrap
        self.ca_file = str(broker.ca_file)
        self._passwords: dict[str, str] = {}

    def admin(self) -> Any:
        from kafka import KafkaAdminClient

        return KafkaAdminClient(client_id="rentaldesk-test-admin", **self.broker.secure_client_config())

    def user(self, name: str) -> str:
        """Create (once per session) the SCRAM-SHA-512 user ``name``; its password."""
        if name not in self._passwords:
            from kafka.admin import UserScramCredentialUpsertion

            password = f"pw-{uuid.uuid4().hex}"
            admin = self.admin()
            try:
                result = admin.alter_user_scram_credentials(
                    [UserScramCredentialUpsertion(name, "SCRAM-SHA-512", password)])
            finally:
                admin.close()
            assert result == {name: None}, result
            self._passwords[name] = password
        return self._passwords[name]

    def kafka(self, user: str, prefix: str, *, password: str | None = None, ca_file: str | None = None) -> KafkaSettings:
        """The settings of ``user`` (its password unless another is given) on topics ``prefix``."""
        return KafkaSettings(bootstrap=self.bootstrap, topic_prefix=prefix, security_protocol="SASL_SSL",
                             sasl_mechanism="SCRAM-SHA-512", sasl_username=user,
                             sasl_password=password if password is not None else self.user(user),
                             ssl_cafile=ca_file or self.ca_file)

    def grant(self, prefix: str, head_office: str, branches: dict[str, str]) -> None:
        """The ACLs of a network on ``prefix`` (``rentaldesk.sync.acls``, as printed for production)."""
        from rentaldesk.sync.acls import acl_rules, apply_acls

        for user in (head_office, *branches.values()):
            self.user(user)
        admin = self.admin()
        try:
            apply_acls(admin, acl_rules(prefix, head_office, branches))
        finally:
            admin.close()


@pytest.fixture(scope="session")
def secure_kafka() -> Iterator[SecureTestBroker]:
    """A second broker of the session, started by the first test that asks for it (a few seconds),
    serving SASL_SSL with StandardAuthorizer: the plaintext tests keep their own broker as it was."""
    if os.environ.get(EXTERNAL_ENV, "").strip():
        pytest.skip(f"the secure broker is started here ({EXTERNAL_ENV} names a plaintext one)")
    broker = DevBroker(secure=True)
    broker.start()
    try:
        yield SecureTestBroker(broker)
    finally:
        broker.stop()
