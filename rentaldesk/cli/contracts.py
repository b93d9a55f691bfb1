"""``rentaldesk agreements ...``: check-out, check-in, payments, the agreement, its PDFs, the cash-up.

The same services as the desk (:class:`~rentaldesk.reservations.ReservationService` ``check_out`` /
``check_in``, :mod:`rentaldesk.payments`), and the same documents (:mod:`rentaldesk.documents`),
written to ``--pdf FILE`` (default: into ``documents/`` beside the SQLite file; ``--pdf-dir DIR`` is
the earlier spelling, still taken with a note).
``rentaldesk reservations pickup|return`` take the same flags and run the same handlers.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import json
import sys
from collections.abc import Callable
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import select

from .. import contracts, damage, documents
from ..agreement_service import AgreementService
from ..charges import ExtraChoice
from ..config import APP_NAME
from ..contracts import AgreementView, CheckIn, CheckOut, Deposit
from ..contract_inputs import MAX_SIGNATURE_BYTES
from ..db import sqlite_path
from ..display import distance, iso_local, parse_money, parse_time, parse_whole_number
from ..errors import InvalidInput, RentalError
from ..models import Agreement, Reservation
from ..rules import LARGEST_ODOMETER
from ..text import printable, typed
from .desk import Desk
from .extras import chosen
from . import payments as cash_up
from .output import format_table, notice, save_pdf, save_pdf_as
from .payments import add_cash_up_flags

# -- flags ---------------------------------------------------------------------------------------------


def _amount(option: str) -> Callable[[str], Decimal]:
    """Money typed on the command line: the one rule, :func:`rentaldesk.display.parse_money`."""
    def parse(text: str) -> Decimal:
        return parse_money(text, option=option)

    return parse


def _reading(text: str) -> int:
    """An odometer typed on the command line, in the one range (rules.LARGEST_ODOMETER)."""
    return parse_whole_number(text, option="--odometer", least=0, most=LARGEST_ODOMETER)


def _whole(option: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        return parse_whole_number(text, option=option, least=0)

    return parse


def _read(text: str, option: str) -> str:
    """A flag's JSON: given inline, or ``@FILE`` to read it from a file."""
    if not text.startswith("@"):
        return text
    data = _file_bytes(Path(text[1:]), option, most=JSON_FILE_LIMIT)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{option}: {typed(text[1:])} is not UTF-8 text", field=option.removeprefix("--")) from None


#: The most a flag's file is read: a JSON list of marks or extras, a signature's PNG. A bigger file
#: (or /dev/zero, a pipe) is refused, never read on and on.
JSON_FILE_LIMIT = 1_000_000
SIGNATURE_LIMIT = MAX_SIGNATURE_BYTES


def _file_bytes(path: Path, option: str, *, most: int) -> bytes:
    field = option.removeprefix("--")
    try:
        if not path.is_file():
            raise InvalidInput(f"{option}: {typed(str(path))} is not a file", field=field)
        with path.open("rb") as f:
            data = f.read(most + 1)
    except OSError as exc:
        raise InvalidInput(f"{option}: cannot read {typed(str(path))}: {exc.strerror or exc}", field=field) from None
    if len(data) > most:
        raise InvalidInput(f"{option}: {typed(str(path))} is larger than {most:,} bytes", field=field)
    return data


def add_check_out_flags(sub: argparse.ArgumentParser) -> None:
    """The flags of a check-out (``agreements check-out`` and ``reservations pickup``)."""
    sub.add_argument("reservation", metavar="ID_OR_REFERENCE", help="reservation id or reference")
    sub.add_argument("--odometer", required=True, type=_reading, metavar="READING",
                     help="odometer out (the branch's distance unit), not below the car's")
    sub.add_argument("--fuel", required=True, type=_whole("--fuel"), metavar="EIGHTHS", help="fuel out, 0 to 8 eighths")
    sub.add_argument("--licence-checked", action="store_true", help="the renter's driving licence was checked")
    sub.add_argument("--signature", required=True, type=Path, metavar="PNG", help="the renter's signature (a PNG file)")
    sub.add_argument("--car", metavar="CAR", help="hand over this car (plate or id) instead of the reservation's")
    sub.add_argument("--upgrade-reason", default="", metavar="TEXT", help="why a car of another class is given")
    sub.add_argument("--damage", metavar="JSON", help='new damage marks: [{"zone": "bonnet", "x": 0.5, "y": 0.1, '
                     '"note": "scratch"}] or @FILE (zones: ' + ", ".join(z.value for z in damage.Zone) + ")")
    sub.add_argument("--extras", metavar="JSON", help='extras confirmed: [{"code": "gps", "label": "GPS", "per": '
                     '"rental", "price": "15.00", "cap": null, "quantity": 1}] or @FILE')
    sub.add_argument("--extra", action="append", metavar="CODE[:QTY]",
                     help="an extra or cover added here, from the branch's list at today's price; repeat for several")
    sub.add_argument("--deposit", type=_amount("--deposit"), metavar="AMOUNT", help="the deposit (default: the plan's)")
    sub.add_argument("--deposit-method", default="card", metavar="card|cash", help="how the deposit is taken (card)")
    sub.add_argument("--deposit-reference", default="", metavar="REF", help="the card pre-authorisation's reference")
    _pdf_dir(sub)


def add_check_in_flags(sub: argparse.ArgumentParser, *, key: str = "agreement") -> None:
    """The flags of a check-in (``agreements check-in`` and ``reservations return``)."""
    sub.add_argument(key, metavar="AGREEMENT" if key == "agreement" else "ID_OR_REFERENCE",
                     help="agreement number or id, or the reservation's reference")
    sub.add_argument("--odometer", required=True, type=_reading, metavar="READING", help="odometer in")
    sub.add_argument("--fuel", required=True, type=_whole("--fuel"), metavar="EIGHTHS", help="fuel in, 0 to 8 eighths")
    sub.add_argument("--at", metavar="TIME", help="the actual return time (default: now)")
    sub.add_argument("--zip", metavar="ZIP", help="where the car was returned (default: where it left)")
    sub.add_argument("--damage", metavar="JSON", help="new damage marks at check-in (as for check-out)")
    sub.add_argument("--damage-charge", type=_amount("--damage-charge"), default=Decimal("0.00"), metavar="AMOUNT",
                     help="what the new damage is charged")
    sub.add_argument("--preview", action="store_true", help="show the charges only; nothing is saved")
    _pdf_dir(sub)


def _pdf_dir(sub: argparse.ArgumentParser) -> None:
    """``--pdf FILE``, the one spelling of every PDF-saving command, and ``--pdf-dir DIR``, the
    earlier one (still taken, with a note on stderr)."""
    where = sub.add_mutually_exclusive_group()
    where.add_argument("--pdf", type=Path, metavar="FILE",
                       help="write the PDF to FILE (*.pdf; else a folder it goes into; default: documents/ beside "
                            "the database file)")
    where.add_argument("--pdf-dir", type=Path, metavar="DIR", help="deprecated: --pdf FILE (the PDF is written into DIR)")


def write_pdf(desk: Desk, args: argparse.Namespace, data: bytes, name: str, *, saved: str = "") -> Path:
    """Write a command's PDF where ``--pdf FILE`` (or the earlier ``--pdf-dir DIR``) says, else into
    the documents folder (:func:`pdf_folder`); a place that cannot take it is a refusal naming the
    flag, with ``saved`` (what was recorded before) said."""
    if getattr(args, "pdf", None) is not None:
        return save_pdf_as(data, args.pdf, name, "--pdf", saved=saved)
    option = "--pdf-dir" if getattr(args, "pdf_dir", None) is not None else "--pdf"
    return save_pdf(data, pdf_folder(desk, args), name, option, saved=saved)


def note_pdf_dir(desk: Desk, args: argparse.Namespace) -> None:
    """After the result: ``--pdf-dir`` is the earlier spelling (a refusal stays its one line)."""
    if getattr(args, "pdf_dir", None) is not None:
        notice("--pdf-dir is deprecated: use --pdf FILE", sys.stderr, as_json=desk.as_json)


def note_not_mailed(desk: Desk, view: AgreementView, kind: str) -> None:
    """After the result: a branch that mails its customers says when this one has no address."""
    from ..hq.branch_mail import BranchMail

    if isinstance(desk.service.mail, BranchMail) and (note := BranchMail.note(view, kind)):
        notice(note, sys.stderr, as_json=desk.as_json)


def register(commands: argparse._SubParsersAction[Any], command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``rentaldesk agreements ...`` to the command line (``command`` makes a subcommand)."""
    group = commands.add_parser("agreements", help="check cars out and in, take payments, print agreements",
                                description="Rental agreements: check-out, check-in, payments, PDFs, cash-up.")
    actions = group.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    add_check_out_flags(command(actions, "check-out", cmd_check_out, "hand a due reservation's car over"))
    add_check_in_flags(command(actions, "check-in", cmd_check_in, "take a car back: the charges and the receipt"))
    sub = command(actions, "pay", cmd_pay, "record a payment (card, cash or voucher), at most the balance")
    sub.add_argument("agreement", metavar="AGREEMENT")
    sub.add_argument("--method", required=True, metavar="card|cash|voucher")
    sub.add_argument("--amount", required=True, type=_amount("--amount"), metavar="AMOUNT")
    sub.add_argument("--reference", default="", metavar="REF", help="the card's or voucher's reference")
    sub.add_argument("--provider-reference", default="", metavar="REF", help="a card processor's own reference")
    sub = command(actions, "refund", cmd_refund, "give money back the way it was paid, with a reason")
    sub.add_argument("agreement", metavar="AGREEMENT")
    sub.add_argument("--method", required=True, metavar="card|cash|voucher",
                     help="the way it was paid: a card payment goes back to its card, never in cash")
    sub.add_argument("--amount", required=True, type=_amount("--amount"), metavar="AMOUNT")
    sub.add_argument("--reason", required=True, metavar="TEXT")
    sub.add_argument("--reference", default="", metavar="REF",
                     help="card or voucher: the reference of the payment given back to (needed)")
    sub.add_argument("--provider-reference", default="", metavar="REF", help="a card processor's own reference")
    sub = command(actions, "deposit", cmd_deposit, "capture the held deposit against the balance, or release it")
    sub.add_argument("agreement", metavar="AGREEMENT")
    how = sub.add_mutually_exclusive_group(required=True)
    how.add_argument("--capture", nargs="?", const="all", metavar="AMOUNT",
                     help="capture AMOUNT (default: as much as the balance)")
    how.add_argument("--release", action="store_true", help="release what is still held")
    sub = command(actions, "write-off", cmd_write_off, "write the balance off with a reason and close")
    sub.add_argument("agreement", metavar="AGREEMENT")
    sub.add_argument("--reason", required=True, metavar="TEXT")
    sub = command(actions, "show", cmd_show, "show an agreement: readings, damage, charges, payments, balance")
    sub.add_argument("agreement", metavar="AGREEMENT")
    sub = command(actions, "list", cmd_list, "list agreements, newest first")
    sub.add_argument("--zip", metavar="ZIP", help="only those checked out at this branch")
    sub.add_argument("--status", choices=contracts.STATUSES, help="only this status")
    sub = command(actions, "pdf", cmd_pdf, "write an agreement's PDF (or its receipt's)")
    sub.add_argument("agreement", metavar="AGREEMENT")
    sub.add_argument("--receipt", action="store_true", help="the receipt instead of the agreement")
    _pdf_dir(sub)
    sub = command(actions, "cash-up", cmd_cash_up, "deprecated: `rentaldesk payments cash-up` (a branch's day of "
                  "payments by method, and its PDF)")
    add_cash_up_flags(sub, zip_required=True)
    sub.add_argument("--pdf-dir", type=Path, metavar="DIR",
                     help="where the PDF is written (default: documents/ beside the database file)")


# -- the handlers ----------------------------------------------------------------------------------------


def cmd_check_out(desk: Desk, args: argparse.Namespace) -> None:
    """Check the reservation's car out, then write the agreement's PDF."""
    signature = _signature(args.signature)
    with desk.db.session() as s:
        row = s.scalar(select(Reservation).where((Reservation.id == args.reservation.strip())
                                                 | (Reservation.reference == args.reservation.strip().upper())))
        asked = _asked_deposit(s, row) if row is not None and args.deposit is None else None
    value = CheckOut(
        reservation_id=args.reservation, car_id=desk.resolve_car(args.car) if args.car else None,
        upgrade_reason=args.upgrade_reason, licence_checked=args.licence_checked, odometer=args.odometer,
        fuel_eighths=args.fuel, damage=damage.from_json(_read(args.damage, "--damage")) if args.damage else (),
        extras=(_extras(args.extras) if args.extras else ())
        + (chosen(desk, row.zip_code, args.extra) if row is not None else ()),
        deposit=Deposit(args.deposit if args.deposit is not None else (asked or Decimal("0.00")),
                        args.deposit_method, args.deposit_reference),
        signature_png=signature,
    )
    view = desk.service.check_out(value)
    path = write_pdf(desk, args, documents.agreement_pdf(view), documents.agreement_file_name(view),
                     saved=f"the check-out of agreement {view.number}")
    _show(desk, view, pdf=path)
    note_pdf_dir(desk, args)
    note_not_mailed(desk, view, "agreement")


def cmd_check_in(desk: Desk, args: argparse.Namespace) -> None:
    """Check the car in (or with --preview only show its charges), then write the receipt's PDF."""
    key = getattr(args, "agreement", None) or args.reservation
    with desk.db.session() as s:
        found = contracts.find(s, key)
        zip_out = found.zip_code
    zone = desk.zone(zip_out)
    at = parse_time(args.at, zone, option="--at") if args.at else desk.service.clock().astimezone(timezone.utc)
    value = CheckIn(agreement_id=found.id, returned_at=at, zip_code=args.zip or zip_out, odometer=args.odometer,
                    fuel_eighths=args.fuel,
                    damage=damage.from_json(_read(args.damage, "--damage")) if args.damage else (),
                    damage_charge=args.damage_charge)
    if args.preview:
        with desk.db.session() as s:
            charged = contracts.preview_check_in(s, value, desk.service.clock())
        desk.emit(_jsonable(charged), "\n".join(["Charges if checked in now (nothing saved):",
                                                 *_charge_lines(charged)]))
        return
    view = desk.service.check_in(value)
    path = write_pdf(desk, args, documents.receipt_pdf(view), documents.receipt_file_name(view),
                     saved=f"the check-in of agreement {view.number}")
    _show(desk, view, pdf=path)
    note_pdf_dir(desk, args)
    note_not_mailed(desk, view, "receipt")


def cmd_pay(desk: Desk, args: argparse.Namespace) -> None:
    _show(desk, _ledger(desk).take_payment(args.agreement, args.method, args.amount, args.reference,
                                           provider_reference=args.provider_reference))


def cmd_refund(desk: Desk, args: argparse.Namespace) -> None:
    _show(desk, _ledger(desk).refund(args.agreement, args.method, args.amount, args.reference, args.reason,
                                     provider_reference=args.provider_reference))


def cmd_deposit(desk: Desk, args: argparse.Namespace) -> None:
    if args.release:
        _show(desk, _ledger(desk).release_deposit(args.agreement))
        return
    amount = None if args.capture == "all" else _amount("--capture")(args.capture)
    _show(desk, _ledger(desk).capture_deposit(args.agreement, amount))


def cmd_write_off(desk: Desk, args: argparse.Namespace) -> None:
    _show(desk, _ledger(desk).write_off(args.agreement, args.reason))


def cmd_show(desk: Desk, args: argparse.Namespace) -> None:
    with desk.db.session() as s:
        _show(desk, contracts.agreement(s, args.agreement))


def cmd_list(desk: Desk, args: argparse.Namespace) -> None:
    if args.zip:
        desk.check_filters(None, args.zip)
    with desk.db.session() as s:
        found = contracts.agreements_of(s, zip_code=args.zip, status=args.status)
    rows = [(v.number, v.status, iso_local(v.out.at, desk.zone(v.zip_code)), v.reservation_reference, v.plate_number,
             v.customer_name, _money(v.balance, v.currency)) for v in found]
    text = format_table(("NUMBER", "STATUS", "OUT", "RESERVATION", "CAR", "RENTER", "BALANCE"), rows) if rows \
        else "No agreements match."
    desk.emit([_jsonable(v) for v in found], text)


def cmd_pdf(desk: Desk, args: argparse.Namespace) -> None:
    with desk.db.session() as s:
        view = contracts.agreement(s, args.agreement)
    if args.receipt and view.charges is None:
        raise RentalError(f"agreement {view.number} is on rent: its receipt is made at check-in", field="agreement")
    data = documents.receipt_pdf(view) if args.receipt else documents.agreement_pdf(view)
    name = documents.receipt_file_name(view) if args.receipt else documents.agreement_file_name(view)
    path = write_pdf(desk, args, data, name)
    desk.emit({"number": view.number, "pdf": path}, str(path))
    note_pdf_dir(desk, args)


def cmd_cash_up(desk: Desk, args: argparse.Namespace) -> None:
    """The earlier spelling of ``rentaldesk payments cash-up``: the same handler, its PDF always
    written into the documents folder (``--pdf-dir``), and a note saying the new spelling."""
    cash_up.cmd_cash_up(desk, argparse.Namespace(**{**vars(args), "pdf": None, "pdf_folder": pdf_folder(desk, args)}))
    # after the result: a refusal stays the one line it is
    notice("`agreements cash-up` is deprecated: use `rentaldesk payments cash-up [--pdf FILE]`", sys.stderr,
           as_json=desk.as_json)


def cmd_reservation_return(desk: Desk, args: argparse.Namespace) -> None:
    """``reservations return``: the check-in of the reservation's agreement. A car picked up before
    agreements existed (an active reservation without one) is returned as before, its odometer kept."""
    with desk.db.session() as s:
        row = s.scalar(select(Reservation).where((Reservation.id == args.reservation.strip())
                                                 | (Reservation.reference == args.reservation.strip().upper())))
        has_agreement = row is not None and s.scalar(select(Agreement.id).where(Agreement.reservation_id == row.id))
    if row is not None and not has_agreement and row.status == "active":
        desk.show_reservation(desk.service.return_car(row.id, odometer=args.odometer), odometer=args.odometer)
        return
    cmd_check_in(desk, args)


# -- helpers ----------------------------------------------------------------------------------------------


def pdf_folder(desk: Desk, args: argparse.Namespace) -> Path:
    """Where this command writes its PDFs: ``--pdf-dir``, else ``documents/`` beside the SQLite
    file, else the user's data folder."""
    if getattr(args, "pdf_dir", None) is not None:
        folder: Path = args.pdf_dir
        return folder
    file = sqlite_path(desk.db.engine.url.render_as_string(hide_password=False))
    return (file.parent if file is not None else Path(user_data_dir(APP_NAME, appauthor=False))) / "documents"


def _asked_deposit(s: Any, row: Reservation) -> Decimal:
    return contracts.kept_plan(row).deposit


def _signature(path: Path) -> bytes:
    return _file_bytes(path, "--signature", most=SIGNATURE_LIMIT)


def _extras(text: str) -> tuple[ExtraChoice, ...]:
    try:
        items = json.loads(_read(text, "--extras"))
    except json.JSONDecodeError:
        raise InvalidInput("--extras is not valid JSON", field="extras") from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InvalidInput("--extras must be a JSON list of objects", field="extras")
    chosen = []
    for number, item in enumerate(items, 1):
        unknown = sorted(set(item) - {"code", "label", "per", "price", "cap", "quantity"})
        if unknown:
            raise InvalidInput(f"extra {number}: unknown key {typed(unknown[0])}", field="extras")
        try:
            price = Decimal(str(item.get("price", "")))
            cap = None if item.get("cap") is None else Decimal(str(item["cap"]))
        except InvalidOperation:
            raise InvalidInput(f"extra {number}: the price and cap must be amounts", field="extras") from None
        chosen.append(ExtraChoice(code=item.get("code", ""), label=item.get("label", ""), per=item.get("per", ""),
                                  price=price, cap=cap, quantity=item.get("quantity", 1)))
    return tuple(chosen)


def _ledger(desk: Desk) -> AgreementService:
    # the one path of a ledger change, as the desk's (it records it for head office)
    return AgreementService(desk.service)


def _money(amount: Decimal, currency: str) -> str:
    return documents.money(amount, currency)


def _charge_lines(charged: Any) -> list[str]:
    lines = [f"  {printable(ln.label)}: {_money(ln.amount, charged.currency)}" for ln in charged.billed()]
    return [*lines, f"  total {_money(charged.total, charged.currency)}"]


def _show(desk: Desk, view: AgreementView, *, pdf: Path | None = None) -> None:
    zone = desk.zone(view.zip_code)
    unit = view.distance_unit
    lines = [
        f"Agreement {view.number}: {view.status}" + (f" (written off: {view.write_off_reason})"
                                                     if view.write_off_reason else ""),
        f"  renter    {view.customer_name} <{view.customer_email}>, licence {view.licence_number or '-'}",
        f"  car       {view.plate_number} {view.car_model} ({view.vehicle_class}"
        + (f", upgrade from {view.booked_class}: {view.upgrade_reason})" if view.upgrade_reason else ")"),
        f"  booked    {iso_local(view.booked_start, zone)} to {iso_local(view.booked_end, zone)}, "
        f"reservation {view.reservation_reference}, quoted {_money(view.quoted, view.currency)}",
        f"  out       {iso_local(view.out.at, zone)} at {view.zip_code}, {distance(view.out.odometer, unit)}, "
        f"fuel {documents.fuel_words(view.out.fuel_eighths)}",
    ]
    if view.returned is not None:
        back = view.returned
        lines.append(f"  in        {iso_local(back.at, zone)} at {back.zip_code}, {distance(back.odometer, unit)}, "
                     f"fuel {documents.fuel_words(back.fuel_eighths)}")
    lines.append(f"  damage    {len(view.damage)} mark(s)"
                 + "".join(f"\n            {m.stage}: {m.zone.label}{': ' + m.note if m.note else ''}"
                           for m in view.damage))
    lines.append(f"  deposit   {_money(view.deposit.amount, view.currency)} {view.deposit.method}, {view.deposit_state}")
    if view.charges is not None:
        lines.append("  charges")
        lines += ["  " + line for line in _charge_lines(view.charges)]
    for e in view.payments:
        lines.append(f"  {e.kind:<16}{_money(e.amount, e.currency)} {e.method} {e.reference or e.note}".rstrip())
    lines.append(f"  balance   {_money(view.balance, view.currency)}")
    if pdf is not None:
        lines.append(f"  pdf       {pdf}")
    data = _jsonable(view)
    if pdf is not None:
        data["pdf"] = pdf
    desk.emit(data, "\n".join(printable(line) for line in "\n".join(lines).split("\n")))


def _jsonable(value: Any) -> dict[str, Any]:
    """A value as JSON data: bytes as base64 (the signature, photos), zones by their value."""
    def plain(item: Any) -> Any:
        if isinstance(item, bytes):
            return base64.b64encode(item).decode("ascii")
        if isinstance(item, damage.Zone):
            return item.value
        if isinstance(item, date) and not isinstance(item, datetime):
            return item.isoformat()
        if isinstance(item, dict):
            return {k: plain(v) for k, v in item.items()}
        if isinstance(item, (list, tuple)):
            return [plain(v) for v in item]
        return item

    data: dict[str, Any] = plain(dataclasses.asdict(value))
    return data
