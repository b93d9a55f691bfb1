"""``rentaldesk customers list|show|edit``: the renters' records, through the service functions the
desk's Customers screen calls (:mod:`rentaldesk.customers`)."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any

from ..customers import (
    EDIT_FIELDS,
    CustomerView,
    HistoryRow,
    customer_view,
    edit_from_text,
    history,
    search_customers,
    update_customer,
)
from ..display import iso_local, money, status_word
from ..errors import InvalidInput, RentalError
from ..renters import DEFAULT_MIN_AGE, RuleView, list_rules, set_rule
from ..text import printable
from .desk import Desk
from .output import format_table

#: The flag of each field ``customers edit`` sets (a refusal names the flag).
FLAGS: dict[str, str] = {
    "name": "--name", "phone": "--phone", "date_of_birth": "--date-of-birth",
    "licence_number": "--licence-number", "licence_region": "--licence-region",
    "licence_expiry": "--licence-expiry", "address_line1": "--address", "address_line2": "--address-line2",
    "city": "--city", "postcode": "--postcode", "country": "--country",
    "do_not_rent": "--do-not-rent", "do_not_rent_reason": "--do-not-rent",
}
assert set(FLAGS) == set(EDIT_FIELDS)


def add_commands(commands: Any, command: Any, *, whole: Any, amount: Any) -> None:
    """The ``customers`` group, added to the parser's commands (``command`` makes one action;
    ``whole`` and ``amount`` are the parser's readers of a whole number and an amount)."""
    group = commands.add_parser("customers", help="find, show and edit customers",
                                description="The customers: their licence, date of birth, address and the "
                                            "do-not-rent flag.")
    actions = group.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    sub = command(actions, "list", cmd_customers_list, "list customers (by name)")
    sub.add_argument("--search", metavar="TEXT", default="", help="name, email, phone or licence number contains TEXT")
    who = "the customer's email or id"
    sub = command(actions, "show", cmd_customers_show, "show a customer's record and history")
    sub.add_argument("customer", metavar="EMAIL_OR_ID", help=who)
    sub = command(actions, "edit", cmd_customers_edit,
                  "change a customer's record (only the fields given; an empty value clears one)")
    sub.add_argument("customer", metavar="EMAIL_OR_ID", help=who)
    sub.add_argument("--name", help="the customer's name")
    sub.add_argument("--phone", help="the phone number")
    sub.add_argument("--date-of-birth", metavar="DATE", help="e.g. 1990-05-17 or 17 May 1990")
    sub.add_argument("--licence-number", metavar="NUMBER", help="the driving licence number")
    sub.add_argument("--licence-region", metavar="WHERE", help="the country or state that issued the licence")
    sub.add_argument("--licence-expiry", metavar="DATE", help="the last day the licence is valid")
    sub.add_argument("--address", dest="address_line1", metavar="LINE", help="the first address line")
    sub.add_argument("--address-line2", metavar="LINE", help="the second address line")
    sub.add_argument("--city")
    sub.add_argument("--postcode")
    sub.add_argument("--country")
    command(actions, "rules", cmd_customers_rules, "the renters' rules: minimum age and young-driver fee by branch and class")
    sub_rule = command(actions, "rule", cmd_customers_rule,
                       "set a branch's renter rule (with --class: that class's; else every class without its own)")
    sub_rule.add_argument("--zip", required=True, metavar="ZIP", help="zip code of the branch")
    sub_rule.add_argument("--class", dest="vehicle_class", metavar="CLASS", help="only this vehicle class")
    sub_rule.add_argument("--min-age", type=whole("--min-age"), metavar="YEARS", help="the youngest renter (16-99)")
    sub_rule.add_argument("--young-driver-age", type=whole("--young-driver-age"), metavar="YEARS",
                          help="below this age the young-driver fee is charged")
    sub_rule.add_argument("--young-driver-fee", type=amount, metavar="AMOUNT", help="the fee a day (0: none)")
    booking = sub_rule.add_mutually_exclusive_group()
    booking.add_argument("--licence-at-booking", action="store_true", default=None,
                         help="the licence must be on file to book (else only to check out)")
    booking.add_argument("--licence-at-check-out", dest="licence_at_booking", action="store_false",
                         help="the licence is needed at check-out only (the default)")
    flag = sub.add_mutually_exclusive_group()
    flag.add_argument("--do-not-rent", metavar="REASON",
                      help="flag the customer do-not-rent, with the reason (for the staff; never shown to the customer)")
    flag.add_argument("--may-rent", action="store_true", help="clear the do-not-rent flag and its reason")


def _today(desk: Desk) -> date:
    """The workstation's date: what the clerk reads on the wall calendar."""
    return desk.service.clock().astimezone().date()


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def customer_json(c: CustomerView) -> dict[str, Any]:
    """A customer as a JSON object (dates ISO 8601; :func:`rentaldesk.cli.output.to_json` writes the
    time in UTC)."""
    return {
        "id": c.id, "email": c.email, "name": c.name, "phone": c.phone,
        "date_of_birth": _day(c.date_of_birth), "licence_number": c.licence_number,
        "licence_region": c.licence_region, "licence_expiry": _day(c.licence_expiry),
        "address_line1": c.address_line1, "address_line2": c.address_line2, "city": c.city,
        "postcode": c.postcode, "country": c.country, "do_not_rent": c.do_not_rent,
        "do_not_rent_reason": c.do_not_rent_reason, "created_at": c.created_at,
    }


def history_json(h: HistoryRow) -> dict[str, Any]:
    return {"kind": h.kind, "id": h.id, "reference": h.reference, "start": h.start, "end": h.end,
            "vehicle_class": h.vehicle_class, "zip_code": h.zip_code, "status": h.status,
            "amount": h.amount, "detail": h.detail}


def format_customer(c: CustomerView) -> str:
    """A customer for a clerk: one labelled line per fact (stored text printed escaped)."""
    address = ", ".join(p for p in (c.address_line1, c.address_line2, c.city, c.postcode, c.country) if p)
    licence = " ".join(p for p in (c.licence_number, f"({c.licence_region})" if c.licence_region else "") if p)
    if c.licence_expiry is not None:
        licence += f", valid to {c.licence_expiry.isoformat()}"
    lines = [
        f"Customer {c.name or c.email}" + (" - DO NOT RENT" if c.do_not_rent else ""),
        f"  email     {c.email}",
        f"  phone     {c.phone or '-'}",
        f"  born      {_day(c.date_of_birth) or '-'}",
        f"  licence   {licence or '-'}",
        f"  address   {address or '-'}",
    ]
    if c.do_not_rent:
        lines.append(f"  reason    {c.do_not_rent_reason}")
    lines.append(f"  id        {c.id}")
    return "\n".join(printable(line) for line in lines)


def cmd_customers_list(desk: Desk, args: argparse.Namespace) -> None:
    with desk.db.session() as s:
        found = search_customers(s, args.search)
    text = format_table(
        ["EMAIL", "NAME", "PHONE", "LICENCE", "EXPIRES", "BORN", "DO NOT RENT"],
        ([c.email, c.name, c.phone, c.licence_number, _day(c.licence_expiry) or "", _day(c.date_of_birth) or "",
          "yes" if c.do_not_rent else ""] for c in found),
    ) if found else "No customers match."
    desk.emit([customer_json(c) for c in found], text)


def _history_text(desk: Desk, rows: list[HistoryRow]) -> str:
    if not rows:
        return "  no reservations"
    return format_table(
        ["REFERENCE", "STATUS", "PICK-UP", "RETURN", "CLASS", "ZIP", "PRICE"],
        ([h.reference, status_word(h.status), _local(desk, h.start, h.zip_code), _local(desk, h.end, h.zip_code),
          h.vehicle_class, h.zip_code, money(h.amount) if h.amount is not None else ""] for h in rows),
    )


def _local(desk: Desk, value: datetime | None, zip_code: str) -> str:
    return "" if value is None else iso_local(value, desk.zone(zip_code))


def cmd_customers_show(desk: Desk, args: argparse.Namespace) -> None:
    with desk.db.session() as s:
        c = customer_view(s, args.customer)
        rows = history(s, c.id)
    desk.emit({**customer_json(c), "history": [history_json(h) for h in rows]},
              f"{format_customer(c)}\nHistory\n{_history_text(desk, rows)}")


def cmd_customers_edit(desk: Desk, args: argparse.Namespace) -> None:
    values: dict[str, str | bool] = {
        field: getattr(args, field) for field in EDIT_FIELDS
        if field not in ("do_not_rent", "do_not_rent_reason") and getattr(args, field) is not None
    }
    if args.do_not_rent is not None:
        values.update(do_not_rent=True, do_not_rent_reason=args.do_not_rent)
    elif args.may_rent:
        values["do_not_rent"] = False
    if not values:
        raise InvalidInput("nothing to change: give at least one field (see customers edit --help)")
    try:
        edit = edit_from_text(values, _today(desk))
        with desk.db.write() as s:
            c = update_customer(s, customer_view(s, args.customer).id, edit, today=_today(desk))
    except RentalError as exc:
        flag = FLAGS.get(exc.field or "")
        if flag is None:
            raise
        raise InvalidInput(f"{flag}: {exc.message}", field=exc.field) from None
    desk.emit(customer_json(c), format_customer(c))


def rule_json(v: RuleView) -> dict[str, Any]:
    return {"zip_code": v.zip_code, "vehicle_class": v.vehicle_class, "min_age": v.rules.min_age,
            "young_driver_age": v.rules.young_driver_age, "young_driver_fee_per_day": v.rules.young_driver_fee_per_day,
            "licence_at_booking": v.rules.licence_at_booking}


def _rules_text(found: list[RuleView]) -> str:
    if not found:
        return f"No rules set: every branch asks {DEFAULT_MIN_AGE} years and charges no young-driver fee."
    return format_table(
        ["ZIP", "CLASS", "MIN AGE", "YOUNG BELOW", "FEE A DAY", "LICENCE NEEDED"],
        ([v.zip_code, v.vehicle_class or "every class", v.rules.min_age, v.rules.young_driver_age,
          money(v.rules.young_driver_fee_per_day), "to book" if v.rules.licence_at_booking else "to check out"]
         for v in found))


def cmd_customers_rules(desk: Desk, args: argparse.Namespace) -> None:
    with desk.db.session() as s:
        found = list_rules(s)
    desk.emit([rule_json(v) for v in found], _rules_text(found))


RULE_FLAGS = {"min_age": "--min-age", "young_driver_age": "--young-driver-age", "young_driver_fee": "--young-driver-fee"}


def cmd_customers_rule(desk: Desk, args: argparse.Namespace) -> None:
    try:
        with desk.db.write() as s:
            done = set_rule(s, args.zip, args.vehicle_class, min_age=args.min_age,
                            young_driver_age=args.young_driver_age, young_driver_fee_per_day=args.young_driver_fee,
                            licence_at_booking=args.licence_at_booking)
    except RentalError as exc:
        flag = RULE_FLAGS.get(exc.field or "")
        if flag is None:
            raise
        raise InvalidInput(f"{flag}: {exc.message}", field=exc.field) from None
    desk.emit(rule_json(done), _rules_text([done]))
