"""Alembic migrations of the branch database, applied by :func:`rentaldesk.db.open_database`."""

from __future__ import annotations

import logging
from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

log = logging.getLogger("rentaldesk.db")


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("rentaldesk.migrations")))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    """Every schema revision this version can read and upgrade."""
    return {r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the schema to ``revision``; a database already there is left untouched."""
    cfg = alembic_config()
    if revision == "head" and current_revision(engine) == head_revision():
        return
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        log.info("migrating %s to %s", engine.url.render_as_string(hide_password=True), revision)
        command.upgrade(cfg, revision)
