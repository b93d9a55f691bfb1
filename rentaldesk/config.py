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
import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypedDict

from platformdirs import user_config_dir, user_data_dir

from .display import LARGEST_WHOLE_NUMBER, check_text, parse_whole_number
from .text import typed
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
BRANCH_ENV = "RENTALDESK_BRANCH"


def _branch_code(flag: str | None, environ: Mapping[str, str], data: Mapping[str, Any], origin: str) -> str:
    """This workstation's branch code: ``--branch``, else the environment, else the file; in
    capitals. A code is 1 to 16 letters, digits, '-' or '_' (as the branches file takes them);
    whether the database knows it is checked once it is open (:func:`check_branch_known`)."""
    if "branch" in data and not isinstance(data["branch"], str):
        raise InvalidInput(f"{origin}: 'branch' must be text (a branch code), not {_toml(data['branch'])}")
    for value, where in ((flag, "--branch"), (environ.get(BRANCH_ENV), BRANCH_ENV), (data.get("branch"), f"{origin}: 'branch'")):
        code = (value or "").strip().upper()
        if not code:
            continue
        if len(code) > 16 or not code[0].isalnum() or not set(code) <= _BRANCH_CHARS:
            raise InvalidInput(f"{where} '{typed(code)}' is not a branch code (1 to 16 letters, digits, '-' or '_')",
                               field="branch")
        return code
    return ""


_BRANCH_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def check_branch_known(code: str, known: Collection[str]) -> None:
    """Refuse a branch code the database does not know (when it knows any: a new branch of a network
    learns its branches from head office's fleet topic)."""
    if code and known and code not in known:
        raise InvalidInput(f"branch '{code}' is not one of this database's branches: {', '.join(sorted(known))}",
                           field="branch")

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


#: What kafka-python takes for these settings (compared in capitals, stored as given there).
SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "GSSAPI", "OAUTHBEARER", "SCRAM-SHA-256", "SCRAM-SHA-512")
#: A topic name's characters (Kafka's own rule); the prefix leaves room for ".booking-requests".
_TOPIC_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
_TOPIC_PREFIX_MAX = 200


def _choice(options: tuple[str, ...]) -> Callable[[str, str], str]:
    def check(value: str, where: str) -> str:
        if value.strip().upper() not in options:
            raise InvalidInput(f"{where} must be one of {', '.join(options)}, not '{typed(value)}'")
        return value.strip().upper()

    return check


def _topic_prefix(value: str, where: str) -> str:
    if not value or len(value) > _TOPIC_PREFIX_MAX or not set(value) <= _TOPIC_CHARS or value in (".", ".."):
        raise InvalidInput(f"{where} must be 1 to {_TOPIC_PREFIX_MAX} letters, digits, '.', '_' or '-' "
                           f"(a Kafka topic name), not '{typed(value)}'")
    return value


#: The checks of single settings beyond their type: (section, name) -> check(value, where).
_CHECKS: dict[tuple[str, str], Callable[[Any, str], Any]] = {
    ("kafka", "security_protocol"): _choice(SECURITY_PROTOCOLS),
    ("kafka", "sasl_mechanism"): _choice(SASL_MECHANISMS),
    ("kafka", "topic_prefix"): _topic_prefix,
}
#: The range of each whole-number setting.
_RANGES = {("smtp", "port"): (1, 65535)}
#: The range of each number setting (seconds).
_SPANS = {("smtp", "timeout"): (0.1, 600.0)}


def _coerce(section: str, cls: type, name: str, value: Any, origin: str) -> Any:
    """The value of setting ``name`` of ``[section]`` from a TOML value or an environment variable's
    text, checked; else :class:`InvalidInput` naming the setting and where it came from (``origin``)."""
    kind = {f.name: f.type for f in fields(cls)}.get(name)
    where = f"{origin}: '{name}'" if origin.endswith("]") else origin
    if kind is None:
        raise InvalidInput(f"{origin}: unknown setting '{name}'")
    if kind == "int":
        least, most = _RANGES.get((section, name), (0, LARGEST_WHOLE_NUMBER))
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise InvalidInput(f"{where} must be a whole number from {least} to {most}, not {_toml(value)}")
        if isinstance(value, int):
            value = str(value)
        return parse_whole_number(value, option=where, least=least, most=most)
    if kind == "float":
        low, high = _SPANS.get((section, name), (0.0, 3600.0))
        try:
            number = float(value) if not isinstance(value, bool) else math.nan
        except (TypeError, ValueError):
            number = math.nan
        if not low <= number <= high:  # nan and inf fail too
            raise InvalidInput(f"{where} must be a number from {low:g} to {high:g}, not {_toml(value)}")
        return number
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if isinstance(value, str) else None
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise InvalidInput(f"{where} must be true or false, not {_toml(value)}")
    if not isinstance(value, str):
        raise InvalidInput(f"{where} must be text, not {_toml(value)}")
    check = _CHECKS.get((section, name))
    return check(value, where) if check is not None else value


def _toml(value: Any) -> str:
    """A value as the settings file writes it, for a message: '3.7', '"x"', '["a", "b"]'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{typed(value)}'"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return typed(str(value))


def _read_config(path: Path, required: bool) -> dict[str, Any]:
    try:
        odd = path.exists() and not path.is_file()  # a folder, a pipe that would never end, /dev/zero...
    except OSError as exc:  # a name too long, a folder that cannot be searched...
        raise InvalidInput(f"config file {path} cannot be read: {exc.strerror or exc}") from None
    if odd:
        if path == Path(os.devnull):
            return {}
        raise InvalidInput(f"config file {path} is not a regular file")
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        if required:
            raise InvalidInput(f"config file {path} does not exist") from None
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"config file {path} is not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"config file {path} is not UTF-8 text (byte {exc.start + 1} is not); "
                           "save it as UTF-8") from None
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
    for variable, value in environ.items():
        if variable.startswith("RENTALDESK_"):
            check_text(value, option=variable)
    explicit = config or environ.get(CONFIG_ENV, "").strip() or None
    config_path = Path(explicit).expanduser() if explicit else default_config_path()
    data = _read_config(config_path, required=explicit is not None)
    origin = str(config_path)
    unknown = sorted(set(data) - {"db", "branch", "kafka", "smtp"})
    if unknown:
        raise InvalidInput(f"{origin}: unknown setting{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")

    sections: dict[str, dict[str, Any]] = {"kafka": {}, "smtp": {}}
    for name, cls in (("kafka", KafkaSettings), ("smtp", SmtpSettings)):
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise InvalidInput(f"{origin}: [{name}] must be a table")
        for key, value in table.items():
            sections[name][key] = _coerce(name, cls, key, value, f"{origin} [{name}]")
    bootstrap_origin = f"{origin} [kafka] bootstrap"
    for variable, (section, key) in ENV_FIELDS.items():
        if variable in environ and (environ[variable].strip() or variable == "RENTALDESK_KAFKA"):
            cls = KafkaSettings if section == "kafka" else SmtpSettings
            sections[section][key] = _coerce(section, cls, key, environ[variable].strip(), variable)
            if key == "bootstrap":
                bootstrap_origin = variable
    if kafka is not None:
        sections["kafka"]["bootstrap"] = kafka.strip()
        bootstrap_origin = "--kafka"
    if "bootstrap" in sections["kafka"]:
        check_bootstrap(sections["kafka"]["bootstrap"], bootstrap_origin)

    resolved_branch = _branch_code(branch, environ, data, origin)
    extras: _SharedSettings = {
        "branch": resolved_branch.upper(),
        "kafka": KafkaSettings(**sections["kafka"]),
        "smtp": SmtpSettings(**sections["smtp"]),
        "config_file": config_path if data else None,
    }
    if "db" in data and not isinstance(data["db"], str):
        raise InvalidInput(f"{origin}: 'db' must be text (a URL or a file path), not {_toml(data['db'])}")
    if db and db.strip():
        return Settings(db_url=db_url_from(db), db_source=SOURCE_OPTION, **extras)
    from_env = environ.get(DB_ENV, "")
    if from_env.strip():
        return Settings(db_url=db_url_from(from_env), db_source=SOURCE_ENV, **extras)
    if str(data.get("db", "")).strip():
        return Settings(db_url=db_url_from(str(data["db"])), db_source="config", **extras)
    path = default_db_path()
    return Settings(db_url=sqlite_url(path), db_source=SOURCE_DEFAULT, default_db_path=path, **extras)
