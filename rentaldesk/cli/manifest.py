"""``rentaldesk manifest`` (a branch's day: due out, due in, overdue, no-shows; and its PDF) and
``rentaldesk reservations no-show`` (the one write path, :meth:`ReservationService.mark_no_show`).

The same lists and words as the desk's Today screen (:mod:`rentaldesk.manifest`) and the same PDF
(:func:`rentaldesk.documents.manifest_pdf`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from .. import documents
from .. import manifest as day_lists
from ..display import parse_money
from ..errors import InvalidInput
from ..manifest import Manifest, ManifestRow
from ..models import Branch
from ..text import printable
from .desk import Desk
from .output import day_option, format_table, save_pdf_as


def register(commands: argparse._SubParsersAction[Any], command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``rentaldesk manifest`` to the command line (``command`` makes a subcommand)."""
    sub = command(commands, "manifest", cmd_manifest,
                  "the day's manifest of a branch: due out, due in, overdue (with phones) and no-shows")
    sub.add_argument("--zip", metavar="ZIP", help="the branch (default: this branch's, --branch, or the only one)")
    sub.add_argument("--day", metavar="DATE", help="the day, YYYY-MM-DD (default: today at the branch)")
    sub.add_argument("--pdf", type=Path, metavar="FILE",
                     help="also write the manifest as a PDF to FILE (*.pdf; else a folder it is written into, as before)")


def add_no_show(actions: argparse._SubParsersAction[Any], command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``rentaldesk reservations no-show``."""
    sub = command(actions, "no-show", cmd_no_show,
                  "mark a reservation not picked up a no-show, once the branch's grace after its pick-up time "
                  "has passed: its car is free at once")
    sub.add_argument("reservation", metavar="ID_OR_REFERENCE", help="reservation id or reference")
    sub.add_argument("--fee", type=_fee, metavar="AMOUNT",
                     help="the no-show fee charged (default: the branch's; 0 waives it)")


def _fee(text: str) -> Any:
    return parse_money(text, option="--fee")


def cmd_no_show(desk: Desk, args: argparse.Namespace) -> None:
    desk.show_reservation(desk.service.mark_no_show(args.reservation, fee=args.fee))


def cmd_manifest(desk: Desk, args: argparse.Namespace) -> None:
    zip_code = branch_zip(desk, args.zip)
    now = desk.service.clock()
    with desk.db.session() as s:
        day = day_option(args.day) if args.day else day_lists.branch_today(s, zip_code, now)
        m = day_lists.day_manifest(s, zip_code, day, now)
    path = None
    if args.pdf is not None:
        path = save_pdf_as(documents.manifest_pdf(m), args.pdf, documents.manifest_file_name(m), "--pdf")
    data = manifest_json(m)
    if path is not None:
        data["pdf"] = str(path)
    desk.emit(data, manifest_text(m) + (f"\npdf {path}" if path is not None else ""))


def branch_zip(desk: Desk, given: str | None) -> str:
    """The branch a command is about: ``--zip`` (checked), else this workstation's branch
    (``--branch``), else the only branch of the database; else refused naming the branches."""
    if given is not None:
        desk.check_filters(None, given)
        return given.strip()
    with desk.db.session() as s:
        mine = desk.settings.branch if desk.settings is not None else None
        if mine:
            found = s.scalar(select(Branch.zip_code).where(Branch.code == mine))
            if found is not None:
                return found
        zips = list(s.scalars(select(Branch.zip_code).order_by(Branch.zip_code)))
    if len(zips) == 1:
        return zips[0]
    raise InvalidInput(f"give the branch: --zip ZIP (the branches are at {', '.join(zips) or 'none yet'})",
                       field="--zip")


def manifest_json(m: Manifest) -> dict[str, Any]:
    """The manifest as JSON data: the branch, the day, the grace, and each list's rows with their
    state in a clerk's words (``to_json`` writes the times in UTC and money as text)."""
    def row(r: ManifestRow) -> dict[str, Any]:
        return {"reservation_id": r.reservation_id, "reference": r.reference, "status": r.status,
                "state": day_lists.state(r, m), "customer_name": r.customer_name,
                "customer_email": r.customer_email, "customer_phone": r.customer_phone,
                "vehicle_class": r.vehicle_class, "plate_number": r.plate_number, "start": r.start, "end": r.end,
                "agreement_number": r.agreement_number or None, "picked_up_at": r.picked_up_at,
                "returned_at": r.returned_at, "late_from": r.late_from, "no_show_from": r.no_show_from,
                "can_mark_no_show": r.can_mark_no_show, "no_show_fee": r.no_show_fee}

    return {"zip_code": m.zip_code, "branch": m.branch_name, "time_zone": m.time_zone, "day": m.day.isoformat(),
            "as_of": m.now, "no_show_grace_minutes": int(m.no_show_grace.total_seconds() // 60), "no_show_fee": m.no_show_fee,
            **{name: [row(r) for r in getattr(m, name)] for name, _ in day_lists.LISTS}}


def manifest_text(m: Manifest) -> str:
    """The manifest for a terminal: a heading, the counts, then each list as a table."""
    lines = [f"Manifest {m.day.isoformat()} at {printable(m.branch_name)} ({m.zip_code}), times {m.time_zone}, "
             f"as of {day_lists.when(m.now, m)}", day_lists.summary(m)]
    for name, title in day_lists.LISTS:
        rows: tuple[ManifestRow, ...] = getattr(m, name)
        lines.append("")
        lines.append(f"{title} ({len(rows)})" + (": none" if not rows else ""))
        if rows:
            timed = "PICK-UP" if name in ("due_out", "no_shows") else "DUE BACK"
            lines.append(format_table(
                (timed, "REFERENCE", "CUSTOMER", "PHONE", "CLASS", "CAR", "AGREEMENT", "STATE"),
                [(day_lists.when(r.start if timed == "PICK-UP" else r.end, m), r.reference, r.customer,
                  r.customer_phone, r.vehicle_class, r.plate_number, r.agreement_number, day_lists.state(r, m))
                 for r in rows]))
    return "\n".join(lines)
