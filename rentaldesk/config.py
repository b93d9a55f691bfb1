"""Settings of a rentaldesk process, and where each one comes from.

Precedence, highest first: the command line (``--db``, ``--branch``, ``--kafka``), the environment
(``RENTALDESK_*``), the config file (TOML: ``--config``, else ``$RENTALDESK_CONFIG``, else
``rentaldesk.toml`` in the user config directory, if it exists), the built-in default.

The config file::

    db = "sqlite:////var/lib/rentaldesk/branch.sqlite"
    branch = "BOS-DT"

    [kafka]
    bootstrap = "broker1:9092,broker2:9092"   # empty: a standalone branch, its own authority
    topic_prefix = "rentaldesk"
    security_protocol = "SASL_SSL"            # handed to kafka-python as is
    sasl_mechanism = "SCRAM-SHA-512"
    sasl_username = "branch-bos"
    sasl_password = "..."
    ssl_cafile = "/etc/rentaldesk/ca.pem"

    [smtp]
    host = "mail.example.com"
    port = 587
    username = "rentaldesk"
    password = "..."
    sender = "Rentaldesk <reservations@example.com>"
    starttls = true
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypedDict

from platformdirs import user_config_dir, user_data_dir

from .errors import InvalidInput

from .db import sqlite_url

APP_NAME = "rentaldesk"

#: Environment variable naming the database (an SQLAlchemy URL or an SQLite file path).
DB_ENV = "RENTALDESK_DB"

#: File name of the default SQLite database inside the user's data directory.
DEFAULT_DB_FILE = "rentaldesk.sqlite"

#: Where a setting came from; shown by the status output, and the default database is seeded.
SOURCE_OPTION = "--db"
SOURCE_ENV = DB_ENV
SOURCE_DEFAULT = "default"


@dataclass(frozen=True, slots=True)
class KafkaSettings:
    """How to reach the brokers; ``bootstrap`` empty means a standalone branch."""

    bootstrap: str = ""
    topic_prefix: str = "rentaldesk"
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.bootstrap.strip())

    def client_config(self) -> dict[str, Any]:
        """Keyword arguments for any kafka-python client."""
        config: dict[str, Any] = {
            "bootstrap_servers": [h.strip() for h in self.bootstrap.split(",") if h.strip()],
            "security_protocol": self.security_protocol,
        }
        for name in ("sasl_mechanism", "ssl_cafile", "ssl_certfile", "ssl_keyfile"):
            if getattr(self, name):
                config[name] = getattr(self, name)
        if self.sasl_username:
            config["sasl_plain_username"] = self.sasl_username
        if self.sasl_password:
            config["sasl_plain_password"] = self.sasl_password
        return config


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """The mail server head office sends customer notifications through."""

    host: str = "localhost"
    port: int = 25
    username: str | None = None
    password: str | None = None
    sender: str = "rentaldesk <reservations@localhost>"
    starttls: bool = False
    timeout: float = 10.0


@dataclass(frozen=True, slots=True)
class Settings:
    """The resolved settings of one process.

    ``db_url`` is an SQLAlchemy URL; ``db_source`` says where it came from (``"--db"``,
    ``"RENTALDESK_DB"``, ``"config"`` or ``"default"``); ``default_db_path`` is set only when the
    database is the default SQLite file. ``branch`` is this workstation's branch code.
    """

    db_url: str
    db_source: str = SOURCE_DEFAULT
    default_db_path: Path | None = None
    branch: str = ""
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    config_file: Path | None = None

    @property
    def uses_default_db(self) -> bool:
        """True when the database is the default file in the user's data directory."""
        return self.default_db_path is not None


def default_db_path() -> Path:
    """The default SQLite file: ``rentaldesk.sqlite`` in the platform's user data directory."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / DEFAULT_DB_FILE


def db_url_from(value: str) -> str:
    """An SQLAlchemy URL from what a user typed: a URL as is, a plain path as an SQLite file."""
    value = value.strip()
    return value if "://" in value else sqlite_url(value)


def check_bootstrap(text: str, origin: str) -> None:
    """Refuse (:class:`InvalidInput`) a broker list that no client could use: each address is
    ``HOST:PORT`` (an IPv6 host in brackets, ``[::1]:9092``), the port a number from 1 to 65535,
    as the Kafka clients take them. Empty is fine: a standalone branch. (A host that does not
    resolve or answer is not refused: the broker may just be away.)"""
    for entry in text.split(","):
        entry = entry.strip()
        if not entry and text.strip():
            raise InvalidInput(f"{origin}: '{text}' has an empty broker address; use HOST:PORT[,HOST:PORT...]",
                               field="kafka")
        if not entry:
            continue
        host, colon, port = entry.rpartition(":")
        if host.startswith("[") and host.endswith("]"):
            host_ok = len(host) > 2 and all(c in "0123456789abcdefABCDEF:." for c in host[1:-1])
        else:
            host_ok = bool(host) and all(c.isalnum() or c in "-._" for c in host)
        if not colon or not port:
            problem = "has no port"
        elif not (port.isdigit() and 1 <= int(port) <= 65535):
            problem = f"has no valid port ('{port}')"
        elif not host_ok:
            problem = "has no valid host"
        else:
            continue
        raise InvalidInput(f"{origin}: broker address '{entry}' {problem}; use HOST:PORT, e.g. broker1:9092",
                           field="kafka")


CONFIG_ENV = "RENTALDESK_CONFIG"

#: Environment variables of the Kafka and SMTP settings: variable -> (section, field).
ENV_FIELDS = {
    "RENTALDESK_KAFKA": ("kafka", "bootstrap"),
    "RENTALDESK_TOPIC_PREFIX": ("kafka", "topic_prefix"),
    "RENTALDESK_KAFKA_SECURITY_PROTOCOL": ("kafka", "security_protocol"),
    "RENTALDESK_KAFKA_SASL_MECHANISM": ("kafka", "sasl_mechanism"),
    "RENTALDESK_KAFKA_SASL_USERNAME": ("kafka", "sasl_username"),
    "RENTALDESK_KAFKA_SASL_PASSWORD": ("kafka", "sasl_password"),
    "RENTALDESK_KAFKA_SSL_CAFILE": ("kafka", "ssl_cafile"),
    "RENTALDESK_KAFKA_SSL_CERTFILE": ("kafka", "ssl_certfile"),
    "RENTALDESK_KAFKA_SSL_KEYFILE": ("kafka", "ssl_keyfile"),
    "RENTALDESK_SMTP_HOST": ("smtp", "host"),
    "RENTALDESK_SMTP_PORT": ("smtp", "port"),
    "RENTALDESK_SMTP_USERNAME": ("smtp", "username"),
    "RENTALDESK_SMTP_PASSWORD": ("smtp", "password"),
    "RENTALDESK_SMTP_SENDER": ("smtp", "sender"),
    "RENTALDESK_SMTP_STARTTLS": ("smtp", "starttls"),
}


def default_config_path() -> Path:
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "rentaldesk.toml"


def _coerce(section: type, name: str, value: Any, origin: str) -> Any:
    kind = {f.name: f.type for f in fields(section)}.get(name)
    if kind is None:
        raise InvalidInput(f"{origin}: unknown setting '{name}'")
    if kind == "int":
        try:
            return int(value)
        except (TypeError, ValueError):
            raise InvalidInput(f"{origin}: '{name}' must be a whole number, not {value!r}") from None
    if kind == "float":
        try:
            return float(value)
        except (TypeError, ValueError):
            raise InvalidInput(f"{origin}: '{name}' must be a number, not {value!r}") from None
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise InvalidInput(f"{origin}: '{name}' must be true or false, not {value!r}")
    if not isinstance(value, str):
        raise InvalidInput(f"{origin}: '{name}' must be text, not {value!r}")
    return value


def _read_config(path: Path, required: bool) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        if required:
            raise InvalidInput(f"config file {path} does not exist") from None
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"config file {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise InvalidInput(f"config file {path} cannot be read: {exc.strerror}") from None


class _SharedSettings(TypedDict):
    """The fields of :class:`Settings` that do not depend on where the database came from."""

    branch: str
    kafka: KafkaSettings
    smtp: SmtpSettings
    config_file: Path | None


def load_settings(
    db: str | None = None,
    environ: Mapping[str, str] = os.environ,
    *,
    branch: str | None = None,
    kafka: str | None = None,
    config: str | Path | None = None,
) -> Settings:
    """Resolve the settings: command-line values, else the environment, else the config file, else
    the defaults. An empty value counts as not given, except ``kafka`` / ``RENTALDESK_KAFKA``, where
    an empty value given on purpose means a standalone branch. A bad value raises
    :class:`InvalidInput` naming the setting and where it came from."""
    explicit = config or environ.get(CONFIG_ENV, "").strip() or None
    config_path = Path(explicit).expanduser() if explicit else default_config_path()
    data = _read_config(config_path, required=explicit is not None)
    origin = str(config_path)
    unknown = sorted(set(data) - {"db", "branch", "kafka", "smtp"})
    if unknown:
        raise InvalidInput(f"{origin}: unknown setting(s) {', '.join(unknown)}")

    sections: dict[str, dict[str, Any]] = {"kafka": {}, "smtp": {}}
    for name, cls in (("kafka", KafkaSettings), ("smtp", SmtpSettings)):
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise InvalidInput(f"{origin}: [{name}] must be a table")
        for key, value in table.items():
            sections[name][key] = _coerce(cls, key, value, f"{origin} [{name}]")
    bootstrap_origin = f"{origin} [kafka] bootstrap"
    for variable, (section, key) in ENV_FIELDS.items():
        if variable in environ and (environ[variable].strip() or variable == "RENTALDESK_KAFKA"):
            cls = KafkaSettings if section == "kafka" else SmtpSettings
            sections[section][key] = _coerce(cls, key, environ[variable].strip(), variable)
            if key == "bootstrap":
                bootstrap_origin = variable
    if kafka is not None:
        sections["kafka"]["bootstrap"] = kafka.strip()
        bootstrap_origin = "--kafka"
    if "bootstrap" in sections["kafka"]:
        check_bootstrap(sections["kafka"]["bootstrap"], bootstrap_origin)

    resolved_branch = (branch or "").strip() or environ.get("RENTALDESK_BRANCH", "").strip() or str(
        data.get("branch", "")
    ).strip()
    extras: _SharedSettings = {
        "branch": resolved_branch.upper(),
        "kafka": KafkaSettings(**sections["kafka"]),
        "smtp": SmtpSettings(**sections["smtp"]),
        "config_file": config_path if data else None,
    }
    if db and db.strip():
        return Settings(db_url=db_url_from(db), db_source=SOURCE_OPTION, **extras)
    from_env = environ.get(DB_ENV, "")
    if from_env.strip():
        return Settings(db_url=db_url_from(from_env), db_source=SOURCE_ENV, **extras)
    if str(data.get("db", "")).strip():
        return Settings(db_url=db_url_from(str(data["db"])), db_source="config", **extras)
    path = default_db_path()
    return Settings(db_url=sqlite_url(path), db_source=SOURCE_DEFAULT, default_db_path=path, **extras)
