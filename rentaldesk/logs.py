"""Logging: one logger per area (``rentaldesk.db``, ``rentaldesk.reservations``, ``rentaldesk.cli``...),
to stderr at the chosen level and to a rotating file in the user log directory."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import platformdirs

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir("rentaldesk", appauthor=False))


def setup_logging(verbosity: int = 0, *, to_file: bool = True) -> Path | None:
    """Configure the ``rentaldesk`` logger once; returns the log file's path (None without a file).

    ``verbosity`` 0 shows warnings on stderr, 1 info, 2 and more debug. The file always gets info.
    """
    root = logging.getLogger("rentaldesk")
    if getattr(root, "_rentaldesk_configured", False):
        return getattr(root, "_rentaldesk_file", None)
    root.setLevel(logging.DEBUG)
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    # A record logged with extra={"console": False} goes to the file only (e.g. a traceback the
    # command has already summed up in one line).
    console.addFilter(lambda record: getattr(record, "console", True))
    root.addHandler(console)
    path = None
    if to_file:
        try:
            directory = log_dir()
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / "rentaldesk.log"
            handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
            handler.setLevel(logging.INFO)
            handler.setFormatter(logging.Formatter(FORMAT))
            root.addHandler(handler)
        except OSError as exc:  # a read-only home must not stop the counter
            root.warning("no log file: %s", exc)
            path = None
    root._rentaldesk_configured = True  # type: ignore[attr-defined]
    root._rentaldesk_file = path  # type: ignore[attr-defined]
    return path
