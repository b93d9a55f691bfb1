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

    [web]
    admin_password = "scrypt$16384$8$1$..."   # rentaldesk web --hash-password
    public_url = "https://book.example.com"    # the confirmation mail's manage link
    secret = "..."                             # signs the manage links and the site's session cookie
    https_only = true                          # served over TLS: Secure cookie, HSTS

The ``[web]`` section is shared by the web site and head office: in a network head office mails
the confirmation of a web booking, and its manage link is made from ``public_url`` and signed with
``secret``, so both processes must read the same two values.
"""

from __future__ import annotations

import logging
import math
import os
import re
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from platformdirs import user_config_dir, user_data_dir

from .display import LARGEST_WHOLE_NUMBER, check_text, parse_whole_number
from .text import TextKind, branch_code, problem, typed
from .errors import InvalidInput
from .passwords import is_hash

from .db import sqlite_uri_url, sqlite_url

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
    #: never in a repr (nor a log line or ``--json`` that prints one): :func:`settings_view` shows "***"
    sasl_password: str | None = field(default=None, repr=False)
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
    password: str | None = field(default=None, repr=False)
    sender: str = "rentaldesk <reservations@localhost>"
    starttls: bool = False
    timeout: float = 10.0


@dataclass(frozen=True, slots=True)
class WebSettings:
    """The web site's settings (``[web]``): ``admin_password`` the scrypt hash of the head-office
    dashboard's password (``rentaldesk web --hash-password``; unset: no dashboard), ``public_url``
    the site's address as customers reach it (the confirmation mail's manage link is made from it;
    unset: no confirmation mail), ``secret`` the key that signs the manage links and the visitors'
    session cookies (``RENTALDESK_WEB_SECRET``; unset: a random one per start of the site, and no
    manage link in head office's mails), ``https_only`` whether the site is served over TLS (a Secure
    session cookie, HSTS). Head office reads ``public_url`` and ``secret`` too
    (:func:`rentaldesk.manage_links.mailed_links`): its confirmation of a web booking carries the link."""

    admin_password: str | None = None
    public_url: str = ""
    #: never in a repr (nor a log line): :func:`settings_view` does not show the web section's secret
    secret: str | None = field(default=None, repr=False)
    https_only: bool = False


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
    #: where ``branch`` came from, quoting it as typed, for a refusal: ``--branch 'bos-dx'``
    branch_given: str = ""
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    #: True when any SMTP setting was given (the config file's ``[smtp]`` or a ``RENTALDESK_SMTP_*``
    #: variable): a standalone branch then mails its customers their agreement and receipt itself
    smtp_given: bool = False
    web: WebSettings = field(default_factory=WebSettings)
    config_file: Path | None = None

    @property
    def uses_default_db(self) -> bool:
        """True when the database is the default file in the user's data directory."""
        return self.default_db_path is not None

    def __repr__(self) -> str:
        # the database URL may hold a password (postgresql://user:secret@host/db)
        return (f"Settings(db_url={hide_url_password(self.db_url)!r}, db_source={self.db_source!r}, "
                f"branch={self.branch!r}, kafka={self.kafka!r}, smtp={self.smtp!r}, "
                f"config_file={self.config_file!r})")


#: What :func:`settings_view` shows for a password that is set.
HIDDEN = "***"


def hide_url_password(url: str) -> str:
    """An SQLAlchemy URL with its password (if any) shown as ``***``."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL we can parse: say nothing of it rather than leak it
        return url if "@" not in url else HIDDEN


def settings_view(settings: Settings) -> dict[str, Any]:
    """The settings as plain values for showing (``rentaldesk settings``, ``--json``): every
    password shown as ``***`` when set (None when not), the database URL without its password."""
    def section(values: Any, secret: str) -> dict[str, Any]:
        out = {name: getattr(values, name) for name in values.__dataclass_fields__}
        if out[secret] is not None:
            out[secret] = HIDDEN
        return out

    return {
        "db": hide_url_password(settings.db_url), "db_source": settings.db_source, "branch": settings.branch,
        "config_file": str(settings.config_file) if settings.config_file else None,
        "kafka": section(settings.kafka, "sasl_password"), "smtp": section(settings.smtp, "password"),
    }


def _holds_password(data: Mapping[str, Any]) -> bool:
    kafka, smtp, web = data.get("kafka"), data.get("smtp"), data.get("web")
    db = data.get("db")
    return bool((isinstance(kafka, dict) and kafka.get("sasl_password"))
                or (isinstance(smtp, dict) and smtp.get("password"))
                or (isinstance(web, dict) and web.get("secret"))
                or (isinstance(db, str) and hide_url_password(db) != db))


def warn_if_readable(path: Path, data: Mapping[str, Any]) -> str | None:
    """The warning for a settings file that holds a password and that others may read (group or
    other permission bits set), logged on ``rentaldesk.config``; None when it is fine."""
    if not _holds_password(data):
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if not mode & 0o077:
        return None
    message = (f"{path} holds a password and others can read it (mode {mode & 0o777:o}); "
               f"make it yours alone: chmod 600 {path}")
    logging.getLogger("rentaldesk.config").warning("%s", message)
    return message


def default_db_path() -> Path:
    """The default SQLite file: ``rentaldesk.sqlite`` in the platform's user data directory."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / DEFAULT_DB_FILE


def db_url_from(value: str) -> str:
    """An SQLAlchemy URL from what a user typed: a URL as is, an SQLite URI (``file:b.sqlite?mode=ro``,
    ``file:///srv/b.sqlite``) as that URI, a plain path as an SQLite file."""
    value = value.strip()
    if value[:5].lower() == "file:":
        return sqlite_uri_url(value)
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



def check_branch_known(code: str, known: Collection[str], given: str = "") -> None:
    """Refuse a branch code the database does not know (when it knows any: a new branch of a network
    learns its branches from head office's fleet topic). ``given`` names where the code came from
    and quotes it as it was typed (:attr:`Settings.branch_given`, e.g. ``--branch 'bos-dx'``)."""
    if code and known and code not in known:
        named = given or f"branch '{code}'"
        raise InvalidInput(f"{named} is not one of this database's branches: {', '.join(sorted(known))}",
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
    "RENTALDESK_WEB_ADMIN_PASSWORD": ("web", "admin_password"),
    "RENTALDESK_WEB_PUBLIC_URL": ("web", "public_url"),
    "RENTALDESK_WEB_SECRET": ("web", "secret"),
    "RENTALDESK_WEB_HTTPS_ONLY": ("web", "https_only"),
}


def default_config_path() -> Path:
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "rentaldesk.toml"


# -- the one check of every setting ----------------------------------------------------------------
#
# Every value, from the file (a TOML value), the environment or a flag (text), goes through
# check_setting with the rule of its key: its kind, its range, its form. A TOML value must be of the
# setting's kind (port = "25" is text, not a port); text from the environment is read as that kind.

#: What kafka-python takes for these settings (compared in capitals, stored as given there).
SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "GSSAPI", "OAUTHBEARER", "SCRAM-SHA-256", "SCRAM-SHA-512")
#: A topic name's characters (Kafka's own rule); the prefix leaves room for ".booking-requests".
_TOPIC_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
_TOPIC_PREFIX_MAX = 200
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")
_IPV6_CHARS = frozenset("0123456789abcdefABCDEF:.")
#: An address of a mail's sender, alone or after a name in angle brackets.
_ADDRESS = r"[^\s<>@\"]+@[^\s<>@\"]+"
_SENDER = re.compile(rf"(?:[^<>]*<{_ADDRESS}>|{_ADDRESS})")


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


def _bootstrap(value: str, where: str) -> str:
    check_bootstrap(value, where)
    return value.strip()


def _host(value: str, where: str) -> str:
    """A mail server's host name or address (its port is the setting ``port``)."""
    name = value.strip()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    ipv6 = ":" in name and set(name) <= _IPV6_CHARS
    if not name or len(name) > 253 or not (ipv6 or set(name) <= _HOST_CHARS) or name.startswith(("-", ".")):
        hint = "; the port goes in 'port'" if ":" in name and not ipv6 else ""
        raise InvalidInput(f"{where} '{typed(value)}' is not a host name or address, e.g. mail.example.com{hint}")
    return name


def _sender(value: str, where: str) -> str:
    """A mail's sender: an address, or a name and the address in angle brackets."""
    if not _SENDER.fullmatch(value.strip()):
        raise InvalidInput(f"{where} '{typed(value)}' is not a mail sender: write an address, e.g. "
                           "reservations@example.com, or a name and one: Rentaldesk <reservations@example.com>")
    return value.strip()


def _file(value: str, where: str) -> str:
    """A file the Kafka client reads (a certificate, a key): it must be there, or every connection
    would fail later with the client's own words."""
    try:
        there = Path(value).expanduser().is_file()
    except (RuntimeError, OSError, ValueError):  # '~nobody' (no such user's home), a NUL, a name too long
        there = False
    if not there:
        raise InvalidInput(f"{where} '{typed(value)}' is not a file (a certificate or key file, e.g. /etc/rentaldesk/ca.pem)")
    return value


def _branch(value: str, where: str) -> str:
    """A branch code, in capitals: 1 to 16 letters, digits, '-' or '_' (as the branches file takes
    them); whether the database knows it is checked once it is open (:func:`check_branch_known`)."""
    code = branch_code(value)
    if code is None:
        raise InvalidInput(f"{where} '{typed(value.strip())}' is not a branch code (1 to 16 letters, digits, '-' or '_')",
                           field="branch")
    return code


def _password_hash(value: str, where: str) -> str:
    """A password hash of :func:`rentaldesk.passwords.hash_password` (never the password itself)."""
    if not is_hash(value):
        raise InvalidInput(f"{where} is not a password hash: make one with `rentaldesk web --hash-password` "
                           "(it reads the password from its input) and put what it prints here", field="admin_password")
    return value.strip()


def _public_url(value: str, where: str) -> str:
    """The site's address: http(s)://host[:port][/path], no query."""
    url = value.strip().rstrip("/")
    if not url:
        return ""
    if not _PUBLIC_URL.fullmatch(url):
        raise InvalidInput(f"{where} '{typed(value)}' is not the site's address, e.g. https://book.example.com")
    return url


#: The fewest characters of the web's signing key.
WEB_SECRET_SHORTEST = 16


def _web_secret(value: str, where: str) -> str:
    """The key that signs the manage links: long enough not to be guessed (never echoed back)."""
    key = value.strip()
    if len(key) < WEB_SECRET_SHORTEST:
        raise InvalidInput(f"{where} is too short for a signing key: at least {WEB_SECRET_SHORTEST} characters "
                           "(e.g. what `python3 -c \"import secrets; print(secrets.token_urlsafe(32))\"` prints)",
                           field="secret")
    return key


_PUBLIC_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?")


@dataclass(frozen=True, slots=True)
class _Rule:
    """What one setting takes: its ``kind`` ("text", "whole", "number", "bool"), its range (whole
    numbers and numbers), whether it may be unset (``optional``: no value, None), whether empty text
    is a value (``empty``: RENTALDESK_KAFKA= is a standalone branch), the most characters of text,
    and the check of a text's form (it returns the value kept)."""

    kind: str
    least: float = 0
    most: float = LARGEST_WHOLE_NUMBER
    optional: bool = False
    empty: bool = False
    longest: int = 255
    check: Callable[[str, str], str] | None = None
    wants: str = "text"


_KAFKA_USER = _Rule("text", optional=True, wants="a user name")
_SECRET = _Rule("text", optional=True, longest=1024, wants="a password")
_CERT = _Rule("text", optional=True, longest=4096, check=_file, wants="a file")

#: Every setting of the file and the environment, by (section, key); "" is the file's top level.
RULES: dict[tuple[str, str], _Rule] = {
    ("", "db"): _Rule("text", optional=True, longest=4096, wants="a URL or a file path"),
    ("", "branch"): _Rule("text", optional=True, longest=64, check=_branch, wants="a branch code"),
    ("kafka", "bootstrap"): _Rule("text", empty=True, longest=4096, check=_bootstrap,
                                  wants="HOST:PORT[,HOST:PORT...]"),
    ("kafka", "topic_prefix"): _Rule("text", check=_topic_prefix, wants="a topic prefix"),
    ("kafka", "security_protocol"): _Rule("text", check=_choice(SECURITY_PROTOCOLS),
                                          wants=f"one of {', '.join(SECURITY_PROTOCOLS)}"),
    ("kafka", "sasl_mechanism"): _Rule("text", optional=True, check=_choice(SASL_MECHANISMS),
                                       wants=f"one of {', '.join(SASL_MECHANISMS)}"),
    ("kafka", "sasl_username"): _KAFKA_USER,
    ("kafka", "sasl_password"): _SECRET,
    ("kafka", "ssl_cafile"): _CERT,
    ("kafka", "ssl_certfile"): _CERT,
    ("kafka", "ssl_keyfile"): _CERT,
    ("smtp", "host"): _Rule("text", check=_host, wants="a host name such as mail.example.com"),
    ("smtp", "port"): _Rule("whole", least=1, most=65535, wants="a whole number from 1 to 65535"),
    ("smtp", "username"): _Rule("text", optional=True, wants="a user name"),
    ("smtp", "password"): _SECRET,
    ("smtp", "sender"): _Rule("text", longest=320, check=_sender,
                              wants="a sender such as Rentaldesk <reservations@example.com>"),
    ("smtp", "starttls"): _Rule("bool", wants="true or false"),
    ("web", "admin_password"): _Rule("text", optional=True, longest=200, check=_password_hash,
                                     wants="a password hash"),
    ("web", "public_url"): _Rule("text", empty=True, longest=2000, check=_public_url, wants="an http(s) address"),
    ("web", "secret"): _Rule("text", optional=True, longest=1024, check=_web_secret, wants="a secret key"),
    ("web", "https_only"): _Rule("bool", wants="true or false"),
    ("smtp", "timeout"): _Rule("number", least=0.1, most=600.0, wants="a number from 0.1 to 600 (seconds)"),
}

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")


def check_setting(section: str, name: str, value: Any, where: str, *, from_text: bool) -> Any:
    """The value kept for setting ``name`` of ``[section]`` ("" for the top level), checked by its
    rule (:data:`RULES`): from the settings file (``from_text`` False) a TOML value of the setting's
    kind; from the environment or a flag (``from_text``) text read as that kind, where empty means
    unset (None) for an optional setting and is refused for another. Else :class:`InvalidInput`
    naming ``where`` (the file and key, the variable or the flag) and what it takes."""
    rule = RULES.get((section, name))
    if rule is None:
        raise InvalidInput(f"{where}: unknown setting '{typed(name)}'")
    if from_text and not isinstance(value, str):  # pragma: no cover - callers give text
        raise TypeError(name)
    if isinstance(value, str) and not value.strip() and not rule.empty:
        if rule.optional:
            return None
        if from_text:
            raise InvalidInput(f"{where} is empty; set it to {rule.wants}, or unset it", field=name)
    if rule.kind == "whole":
        return _whole(rule, value, where, from_text)
    if rule.kind == "number":
        return _number(rule, value, where, from_text)
    if rule.kind == "bool":
        word = value.strip().lower() if from_text else None
        if isinstance(value, bool) and not from_text:
            return value
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise InvalidInput(f"{where} must be true or false, not {_toml(value)}", field=name)
    if not isinstance(value, str):
        raise InvalidInput(f"{where} must be text ({rule.wants}), not {_toml(value)}", field=name)
    why = problem(value.strip(), TextKind(name, rule.longest))
    if why is not None:
        raise InvalidInput(f"{where} {why}", field=name)
    return rule.check(value, where) if rule.check is not None else value.strip()


def _whole(rule: _Rule, value: Any, where: str, from_text: bool) -> int:
    least, most = int(rule.least), int(rule.most)
    if from_text:
        return parse_whole_number(value, option=where, least=least, most=most)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{where} must be {rule.wants}, not {_toml(value)}")
    return parse_whole_number(str(value), option=where, least=least, most=most)


def _number(rule: _Rule, value: Any, where: str, from_text: bool) -> float:
    if from_text:
        number = float(value) if _NUMBER.fullmatch(value.strip()) else math.nan
    else:
        number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan
    if not rule.least <= number <= rule.most:  # nan and inf fail too
        raise InvalidInput(f"{where} must be {rule.wants}, not {_toml(value)}")
    return number


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
    branch_given: str
    kafka: KafkaSettings
    smtp: SmtpSettings
    smtp_given: bool
    web: WebSettings
    config_file: Path | None


def _given(value: Any) -> str:
    """What was typed, quoted for a refusal."""
    return f"'{typed(str(value).strip())}'"


def load_settings(
    db: str | None = None,
    environ: Mapping[str, str] = os.environ,
    *,
    branch: str | None = None,
    kafka: str | None = None,
    config: str | Path | None = None,
) -> Settings:
    """Resolve the settings: command-line values, else the environment, else the config file, else
    the defaults. Every value given anywhere is checked by :func:`check_setting` (so a bad one is
    refused even where another source overrides it). An empty ``--db``, ``--branch``,
    ``RENTALDESK_DB`` or ``RENTALDESK_BRANCH`` counts as not given; ``kafka`` / ``RENTALDESK_KAFKA``
    empty on purpose means a standalone branch. A bad value raises :class:`InvalidInput` naming the
    setting and where it came from."""
    for variable, value in environ.items():
        if variable.startswith("RENTALDESK_"):
            check_text(value, option=variable)
    explicit = config or environ.get(CONFIG_ENV, "").strip() or None
    config_path = Path(explicit).expanduser() if explicit else default_config_path()
    data = _read_config(config_path, required=explicit is not None)
    warn_if_readable(config_path, data)
    origin = str(config_path)
    unknown = sorted(set(data) - {"db", "branch", "kafka", "smtp", "web"})
    if unknown:
        raise InvalidInput(f"{origin}: unknown setting{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")

    sections: dict[str, dict[str, Any]] = {"kafka": {}, "smtp": {}, "web": {}}
    for name in sections:
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise InvalidInput(f"{origin}: [{name}] must be a table")
        for key, value in table.items():
            sections[name][key] = check_setting(name, key, value, f"{origin} [{name}]: '{key}'", from_text=False)
    for variable, (section, key) in ENV_FIELDS.items():
        if variable in environ:
            sections[section][key] = check_setting(section, key, environ[variable], variable, from_text=True)
    if kafka is not None:
        sections["kafka"]["bootstrap"] = check_setting("kafka", "bootstrap", kafka, "--kafka", from_text=True)

    # the top level: each source checked by the same rules; the first given wins
    top: dict[str, list[tuple[str, str, Any]]] = {"db": [], "branch": []}
    for key, flag_value, variable in (("db", db, DB_ENV), ("branch", branch, BRANCH_ENV)):
        sources: tuple[tuple[Any, str, bool], ...] = (
            (flag_value, f"--{key}", True), (environ.get(variable), variable, True),
            (data.get(key), f"{origin}: '{key}'", False))
        for value, where, from_text in sources:
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            top[key].append((where, value, check_setting("", key, value, where, from_text=from_text)))
    branch_where, branch_typed, code = top["branch"][0] if top["branch"] else ("", "", "")
    extras: _SharedSettings = {
        "branch": code,
        "branch_given": f"{branch_where} {_given(branch_typed)}" if code else "",
        "kafka": KafkaSettings(**sections["kafka"]),
        "smtp": SmtpSettings(**sections["smtp"]),
        "smtp_given": bool(sections["smtp"]),
        "web": WebSettings(**sections["web"]),
        "config_file": config_path if data else None,
    }
    if top["db"]:
        where, _typed, value = top["db"][0]
        source = SOURCE_OPTION if where == "--db" else SOURCE_ENV if where == DB_ENV else "config"
        return Settings(db_url=db_url_from(value), db_source=source, **extras)
    path = default_db_path()
    return Settings(db_url=sqlite_url(path), db_source=SOURCE_DEFAULT, default_db_path=path, **extras)
