"""Settings of a rentaldesk process, and where each one comes from.

Precedence, highest first: the command line, the environment, the built-in default. Today there is
one setting, the database; a later change adds a TOML file and the Kafka and SMTP settings here, as
more fields of :class:`Settings` resolved by :func:`load_settings` in the same way.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

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
class Settings:
    """The resolved settings of one process.

    ``db_url`` is an SQLAlchemy URL; ``db_source`` says where it came from (``"--db"``,
    ``"RENTALDESK_DB"`` or ``"default"``); ``default_db_path`` is set only when the database is the
    default SQLite file.
    """

    db_url: str
    db_source: str = SOURCE_DEFAULT
    default_db_path: Path | None = None

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


def load_settings(db: str | None = None, environ: Mapping[str, str] = os.environ) -> Settings:
    """Resolve the settings: ``db`` (the ``--db`` option), else ``$RENTALDESK_DB``, else the default.

    An empty value counts as not given.
    """
    if db and db.strip():
        return Settings(db_url=db_url_from(db), db_source=SOURCE_OPTION)
    from_env = environ.get(DB_ENV, "")
    if from_env.strip():
        return Settings(db_url=db_url_from(from_env), db_source=SOURCE_ENV)
    path = default_db_path()
    return Settings(db_url=sqlite_url(path), db_source=SOURCE_DEFAULT, default_db_path=path)
