"""What the command prints: a reservation, a table, JSON (times in UTC, money exact), the exit codes."""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timezone, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import inspect

from .. import documents
from ..display import iso_local, money, status_word, zone_name
from ..errors import InvalidInput
from ..models import Car
from ..text import printable, shown
from ..values import Reservation


PROG = "rentaldesk"
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_REFUSED = 2
#: The reader of the output went away (128 + SIGPIPE, as the shell's own tools end).
EXIT_PIPE_CLOSED = 141

UTC = timezone.utc


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def notice(message: str, stream: TextIO, *, as_json: bool) -> None:
    """A line on stderr that is neither the result nor a refusal (waiting for a lock, a first start,
    a service starting): ``rentaldesk: message``, or with ``--json`` one JSON object
    ``{"notice": message}`` on its line, so every line on stderr under ``--json`` is JSON."""
    line = json.dumps({"notice": message}, ensure_ascii=False) if as_json else f"{PROG}: {message}"
    print(line, file=stream, flush=True)


class _JsonLines(logging.Formatter):
    """A log record as one JSON object: ``{"level": "warning", "logger": "rentaldesk.db", "message": ...}``."""

    def format(self, record: logging.LogRecord) -> str:
        data = {"level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def json_log_lines() -> None:
    """With ``--json``, what the log shows on stderr (warnings; more with ``-v``) is JSON too, one
    object a line; the log file keeps its text lines."""
    for handler in logging.getLogger("rentaldesk").handlers:
        if type(handler) is logging.StreamHandler:  # the console's, not a file's (a StreamHandler too)
            handler.setFormatter(_JsonLines())


def to_json(data: object) -> str:
    """JSON text: times as ISO 8601 in UTC, money as a string (exact), indented for reading."""
    return json.dumps(data, default=_json_default, indent=2, ensure_ascii=False)


def reservation_json(r: Reservation) -> dict[str, Any]:
    """A reservation as a JSON object (:func:`to_json` writes its times as ISO 8601 in UTC)."""
    return dataclasses.asdict(r)


def car_json(car: Car) -> dict[str, Any]:
    """A car row as a JSON object: every column."""
    return {attr.key: getattr(car, attr.key) for attr in inspect(Car).column_attrs}


def format_reservation(r: Reservation, zone: tzinfo, class_name: str | None = None) -> str:
    """A reservation for a clerk: one labelled line per fact, times in the branch's time zone, its
    status in the desk's word and its class by the desk's name (``class_name``; else its code)."""
    # stored text printed escaped: a name kept by an older build cannot forge a line (rentaldesk.text)
    contact = printable(" ".join(p for p in (r.customer_name, f"<{r.customer_email}>", r.customer_phone) if p))
    car = f"{r.plate_number} (car {r.car_id}{', asked for by the customer' if r.pinned else ''})"
    lines = [
        f"Reservation {r.reference}: {status_word(r.status)}" + (f" ({r.status_reason})" if r.status_reason else "")
        + (" - NEEDS A CAR: its car is out of service" if r.needs_car else ""),
        f"  customer  {contact}",
        f"  class     {printable(class_name or r.vehicle_class)} at {r.zip_code} ({zone_name(zone)})",
        f"  car       {car}",
        f"  pick-up   {iso_local(r.start, zone)}",
        f"  return    {iso_local(r.end, zone)}"
        + (f" at {r.return_zip_code} (one-way)" if r.return_zip_code is not None else ""),
        f"  price     {money(r.price)}",
    ]
    if r.driver_id is not None:
        lines.insert(4, f"  driver    {r.driver_id}")
    lines.append(f"  id        {r.id}")
    return "\n".join(lines)


def format_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Rows as left-aligned columns under a header line."""
    cells = [[printable(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    return "\n".join(
        "  ".join(value.ljust(width) for value, width in zip(line, widths)).rstrip()
        for line in [list(headers), *cells]
    )


RESERVATION_COLUMNS = ("REFERENCE", "STATUS", "PICK-UP", "RETURN", "CLASS", "ZIP", "CAR", "CUSTOMER", "PRICE")


def reservation_row(r: Reservation, zone: tzinfo, class_name: str | None = None) -> tuple[object, ...]:
    """A reservation as one row under :data:`RESERVATION_COLUMNS` (its class by ``class_name``)."""
    return (
        r.reference,
        f"{status_word(r.status)}, NEEDS A CAR" if r.needs_car else status_word(r.status),
        iso_local(r.start, zone),
        iso_local(r.end, zone),
        class_name or r.vehicle_class,
        r.zip_code,
        r.plate_number,
        r.customer_name or r.customer_email,
        money(r.price),
    )


#: The days a report (the manifest, the cash-up) may be asked for.
REPORT_DAYS = (date(2000, 1, 1), date(2199, 12, 31))


def day_option(text: str, option: str = "--day") -> date:
    """A day typed on the command line (``--day 2026-12-02``), or :class:`InvalidInput` naming the option."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{option} {shown(text)} is not a date: use YYYY-MM-DD", field=option) from None
    first, last = REPORT_DAYS
    if not first <= day <= last:
        raise InvalidInput(f"{option} {day.isoformat()} is outside {first.year}-{last.year}", field=option)
    return day


def save_pdf_as(data: bytes, target: Path, name: str, option: str, *, saved: str = "") -> Path:
    """A PDF-saving command's ``--pdf FILE`` (the one spelling, :func:`save_pdf`'s refusals): the
    file ``target`` when it ends in ``.pdf``; else a folder (made when missing: the spelling an
    earlier ``manifest --pdf FOLDER`` took), which gets ``name`` in it."""
    if target.is_dir() or target.suffix.lower() != ".pdf":
        return save_pdf(data, target, name, option, saved=saved)
    return save_pdf(data, target.parent, target.name, option, saved=saved)


def save_pdf(data: bytes, folder: Path, name: str, option: str, *, saved: str = "") -> Path:
    """:func:`rentaldesk.documents.save`, with a folder that cannot take it (a file, no permission, a
    full disk) one refusal naming ``option``, not a traceback. ``saved``: what was recorded before
    (the check-out), said in the refusal with how to write the PDF again."""
    try:
        return documents.save(data, folder, name)
    except OSError as exc:
        why = ("the disk is full" if exc.errno in (errno.ENOSPC, errno.EDQUOT)
               else "it is a file, not a folder" if folder.exists() and not folder.is_dir()
               else (exc.strerror or str(exc)).lower())
        again = f" ({saved} is saved: `rentaldesk agreements pdf` writes the PDF again)" if saved else ""
        raise InvalidInput(f"{option}: cannot write {name} in {shown(str(folder))}: {why}{again}",
                           field=option.removeprefix("--")) from None
