"""``rentaldesk payments cash-up``: a branch's day of money by method, the cash in the drawer, and
its PDF.

The same figures as the desk's cash-up screen (:func:`rentaldesk.payments.cash_up`) and the same
PDF (:func:`rentaldesk.documents.cash_up_pdf`); the branch and the day as ``rentaldesk manifest``
takes them, the PDF with ``--pdf FILE`` as every PDF-saving command. ``rentaldesk agreements
cash-up`` (an earlier spelling) runs the same handler.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import documents, payments
from ..payments import CashUp
from ..text import printable
from .desk import Desk
from .manifest import branch_zip
from .output import day_option, format_table, save_pdf, save_pdf_as


def register(commands: argparse._SubParsersAction[Any], command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``rentaldesk payments ...`` to the command line (``command`` makes a subcommand)."""
    group = commands.add_parser("payments", help="the payments ledger: a branch's cash-up",
                                description="The payments ledger of the branches.")
    actions = group.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    sub = command(actions, "cash-up", cmd_cash_up,
                  "a branch's day by method, the cash in the drawer and every ledger row (and its PDF)")
    add_cash_up_flags(sub)
    sub.add_argument("--pdf", type=Path, metavar="FILE", help="also write the cash-up as a PDF to FILE (*.pdf; else a folder it goes into)")


def add_cash_up_flags(sub: argparse.ArgumentParser, *, zip_required: bool = False) -> None:
    """The branch and the day of a cash-up."""
    sub.add_argument("--zip", required=zip_required, metavar="ZIP",
                     help="the branch (default: this branch's, --branch, or the only one)")
    sub.add_argument("--day", metavar="DATE", help="the day, YYYY-MM-DD (default: today at the branch)")


def cmd_cash_up(desk: Desk, args: argparse.Namespace) -> None:
    """The cash-up of the branch's day; its PDF with ``--pdf FILE`` (``pdf_folder``: the earlier
    ``agreements cash-up``'s folder, which always had it written)."""
    zip_code = branch_zip(desk, args.zip)
    day = day_option(args.day) if args.day else desk.service.clock().astimezone(desk.zone(zip_code)).date()
    with desk.db.session() as s:
        c = payments.cash_up(s, zip_code, day)
    path: Path | None = None
    folder: Path | None = getattr(args, "pdf_folder", None)
    if getattr(args, "pdf", None) is not None:
        path = save_pdf_as(documents.cash_up_pdf(c), args.pdf, documents.cash_up_file_name(c), "--pdf")
    elif folder is not None:
        path = save_pdf(documents.cash_up_pdf(c), folder, documents.cash_up_file_name(c), "--pdf-dir")
    data = cash_up_json(c)
    if path is not None:
        data["pdf"] = str(path)
    desk.emit(data, cash_up_text(c) + (f"\npdf {path}" if path is not None else ""))


def cash_up_json(c: CashUp) -> dict[str, Any]:
    """The cash-up as JSON data (amounts as exact strings by the output's encoder, the day ISO)."""
    data = dataclasses.asdict(c)
    data["day"] = c.day.isoformat()
    return data


def cash_up_text(c: CashUp) -> str:
    """The cash-up as the terminal shows it: the methods' table, the cash deposits and the drawer."""
    def money(amount: Any) -> str:
        return documents.money(amount, c.currency)

    rows: list[tuple[object, ...]] = [(ln.method, money(ln.payments), money(ln.refunds), money(ln.deposits_captured),
                                       money(ln.net), ln.count) for ln in c.lines]
    rows.append(("total", "", "", "", money(c.total), sum(ln.count for ln in c.lines)))
    return "\n".join([f"Cash-up {c.day.isoformat()} at {printable(c.branch_name)} ({c.zip_code})",
                      format_table(("METHOD", "PAYMENTS", "REFUNDS", "DEPOSITS CAPTURED", "NET", "ROWS"), rows),
                      f"cash deposits taken {money(c.cash_deposits_held)}, given back "
                      f"{money(c.cash_deposits_released)}",
                      f"cash in the drawer {money(c.cash_in_drawer)}"])
