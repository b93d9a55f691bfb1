"""The agreement, the receipt, the cash-up, the day's manifest and the web's booking confirmation as
PDF (fpdf2).

Core-side, with no Qt: head office renders the very same documents from the same values as the
counter (a branch's desk, ``rentaldesk agreements pdf`` and head office all call these). Text is set
in Helvetica, the PDF's own font (nothing to load: the document is drawn in milliseconds); a
document whose text holds a character outside Latin-1 (a renter's name in Greek or Cyrillic, "Ngũgĩ")
is drawn in DejaVu Sans instead, which ships in ``resources/fonts`` (Latin, Greek, Cyrillic,
Armenian, Georgian, Hebrew letters; embedded, so it looks the same everywhere). The terms are the
template ``resources/templates/agreement_terms.txt``.

Money is written with its currency ("1,234.50 USD"), times in the branch's time zone with its
abbreviation. A document is a pure function of its value: the same agreement gives the same bytes
(the PDF's creation date is the agreement's own time, not the clock's).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import datetime, tzinfo
from decimal import Decimal
from importlib.resources import as_file, files
from io import BytesIO
from pathlib import Path
from string import Template
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.errors import FPDFUnicodeEncodingException

from rentaldesk.contracts import AgreementView, LedgerEntry
from rentaldesk.damage import ZONE_BOXES, DamageMark, Zone
from rentaldesk import manifest as day_lists
from rentaldesk.display import distance, ledger_reference, long_time, start_of_day, zone_name
from rentaldesk.manifest import Manifest, ManifestRow
from rentaldesk.payments import CashUp
from rentaldesk.text import printable

FONT = "DejaVu"
CORE_FONT = "Helvetica"
_LINE = 5.5
_KIND_WORDS = {
    "payment": "Payment", "refund": "Refund", "deposit-hold": "Deposit taken", "deposit-capture": "Deposit captured",
    "deposit-release": "Deposit released", "write-off": "Written off",
}


def money(amount: Decimal, currency: str) -> str:
    """Money on a document: '1,234.50 USD'."""
    return f"{amount:,.2f} {currency}".strip()


def fuel_words(eighths: int) -> str:
    """A fuel reading: 'full', 'empty', '6/8'."""
    return "full" if eighths == 8 else "empty" if eighths == 0 else f"{eighths}/8"


def agreement_pdf(view: AgreementView) -> bytes:
    """The rental agreement the renter signs: number, renter, licence, car, period, readings out,
    the damage drawn on a top view of the car, extras, deposit, the price quoted, the terms and the
    signature."""
    zone = ZoneInfo(view.time_zone)

    def draw(pdf: _Doc) -> None:
        _heading(pdf, f"Rental agreement {view.number}", f"{view.branch_name} ({view.zip_code})")
        _pairs(pdf, [
            ("Renter", f"{view.customer_name} <{view.customer_email}>"),
            ("Driving licence", view.licence_number or "(none on file)"),
            ("Reservation", view.reservation_reference),
            ("Car", f"{view.plate_number}, {view.car_model} ({view.vehicle_class})"),
            *([("Upgrade", f"booked {view.booked_class}: {view.upgrade_reason}")] if view.upgrade_reason else []),
            ("Booked", f"{long_time(view.booked_start, zone)} to {long_time(view.booked_end, zone)}"),
            ("Checked out", long_time(view.out.at, zone)),
            ("Odometer out", distance(view.out.odometer, view.distance_unit)),
            ("Fuel out", fuel_words(view.out.fuel_eighths)),
            ("Price quoted", money(view.quoted, view.currency)),
            ("Deposit", _deposit_words(view)),
        ])
        _section(pdf, "Damage at check-out")
        _damage(pdf, [m for m in view.damage if m.stage == "out"], len(view.existing_damage))
        _section(pdf, "Extras and cover")
        if view.extras:
            _table(pdf, ["Extra", "Per", "Quantity", "Price", "At most"], [
                [e.label, e.per, str(e.quantity), money(e.price, view.currency),
                 money(e.cap, view.currency) if e.cap is not None else ""] for e in view.extras
            ], widths=(0.36, 0.12, 0.12, 0.2, 0.2), right=(2, 3, 4))
        else:
            _text(pdf, "None.")
        _section(pdf, "Terms")
        _text(pdf, terms(view), size=8.5)
        _section(pdf, "Renter's signature")
        if pdf.will_page_break(40):
            pdf.add_page()
        pdf.image(BytesIO(view.signature_png), x=pdf.l_margin, w=70, keep_aspect_ratio=True, h=30)
        pdf.set_y(pdf.get_y() + 1)
        _text(pdf, f"{view.customer_name}, {long_time(view.out.at, zone)}", size=8.5)
    return _render(f"Rental agreement {view.number}", view.created_at, draw)


def receipt_pdf(view: AgreementView) -> bytes:
    """The receipt (invoice) of a returned agreement: readings out and in, the charge lines fixed
    at check-in, the taxes, the total, every payment and the balance."""
    if view.charges is None or view.returned is None:
        raise ValueError(f"agreement {view.number} is not checked in: it has no receipt yet")
    zone = ZoneInfo(view.time_zone)
    charges = view.charges
    back = view.returned

    def draw(pdf: _Doc) -> None:
        _heading(pdf, f"Receipt for rental agreement {view.number}", f"{view.branch_name} ({view.zip_code})")
        one_way = " (a one-way return)" if back.zip_code != view.zip_code else ""
        _pairs(pdf, [
            ("Renter", f"{view.customer_name} <{view.customer_email}>"),
            ("Car", f"{view.plate_number}, {view.car_model} ({view.vehicle_class})"),
            ("Out", f"{long_time(view.out.at, zone)} at {view.zip_code}, "
                    f"{distance(view.out.odometer, view.distance_unit)}, fuel {fuel_words(view.out.fuel_eighths)}"),
            ("In", f"{long_time(back.at, zone)} at {back.zip_code}{one_way}, "
                   f"{distance(back.odometer, view.distance_unit)}, fuel {fuel_words(back.fuel_eighths)}"),
            ("Distance", distance(back.odometer - view.out.odometer, view.distance_unit)),
        ])
        _section(pdf, "Charges")
        shown = charges.billed()  # (the check-in dialog's lines: a line of nothing left out)
        rows = [[ln.label, money(ln.amount, charges.currency)] for ln in shown if not ln.code.startswith("tax:")]
        rows.append(["Subtotal", money(charges.subtotal, charges.currency)])
        rows += [[ln.label, money(ln.amount, charges.currency)] for ln in shown if ln.code.startswith("tax:")]
        rows.append(["Total", money(charges.total, charges.currency)])
        _table(pdf, ["Charge", "Amount"], rows, widths=(0.75, 0.25), right=(1,), bold_rows=(len(rows) - 1,))
        _section(pdf, "Payments")
        _ledger(pdf, view.payments, zone)
        pdf.ln(2)
        _pairs(pdf, [("Paid", money(view.paid, view.currency)), ("Deposit", _deposit_words(view)),
                     *([("Written off", view.write_off_reason)] if view.write_off_reason else []),
                     ("Balance", money(view.balance, view.currency))], bold=True)
    return _render(f"Receipt {view.number}", back.at, draw)


def cash_up_pdf(c: CashUp) -> bytes:
    """A branch's cash-up for a day: each method's payments, refunds, deposits captured and net,
    the cash deposits held and given back, then every ledger row of the day."""
    zone = ZoneInfo(c.time_zone)
    day = c.day.isoformat()

    def draw(pdf: _Doc) -> None:
        _heading(pdf, f"Cash-up {day}", f"{c.branch_name} ({c.zip_code}), times {c.time_zone}")
        rows = [[ln.method, money(ln.payments, c.currency), money(ln.refunds, c.currency),
                 money(ln.deposits_captured, c.currency), money(ln.net, c.currency), str(ln.count)] for ln in c.lines]
        rows.append(["Total", "", "", "", money(c.total, c.currency), str(sum(ln.count for ln in c.lines))])
        _table(pdf, ["Method", "Payments", "Refunds", "Deposit captured", "Net", "Rows"], rows,
               widths=(0.12, 0.19, 0.17, 0.23, 0.19, 0.1), right=(1, 2, 3, 4, 5), bold_rows=(len(rows) - 1,))
        pdf.ln(2)
        _pairs(pdf, [("Cash deposits taken", money(c.cash_deposits_held, c.currency)),
                     ("Cash deposits given back", money(c.cash_deposits_released, c.currency)),
                     ("Cash in the drawer", money(c.cash_in_drawer, c.currency))], label_width=56)
        _section(pdf, "The day's ledger")
        _ledger(pdf, c.entries, zone, numbers=True)
    return _render(f"Cash-up {c.zip_code} {day}", datetime(c.day.year, c.day.month, c.day.day, tzinfo=zone), draw)


def booking_confirmation_pdf(*, reference: str, status: str, customer_name: str, location: str,
                             vehicle_class: str, start: datetime, end: datetime, zone: tzinfo, price: str,
                             booked_at: datetime) -> bytes:
    """A customer's confirmation of a booking (the web's download): what was booked, where and when
    in the branch's zone, and the price, as the booking stands. A pure function of its values: the
    document's date is the booking's own (``booked_at``)."""

    def draw(pdf: _Doc) -> None:
        _heading(pdf, f"Booking {reference}", f"{location}, times {zone_name(zone)}")
        _pairs(pdf, [("Reference", reference), ("Status", status), ("Name", customer_name),
                     ("Pick-up at", location), ("Vehicle class", vehicle_class),
                     ("Pick-up", long_time(start, zone)), ("Return", long_time(end, zone)),
                     ("Total price", price)])
        pdf.ln(3)
        _text(pdf, "Please bring your driving licence when you collect the car, and quote the reference "
                   "above to the branch.", size=9)
    return _render(f"Booking {reference}", booked_at, draw)


def booking_confirmation_file_name(reference: str) -> str:
    return f"booking-{reference}.pdf"


def manifest_pdf(m: Manifest) -> bytes:
    """A branch's day (:func:`rentaldesk.manifest.day_manifest`), for the counter's clipboard: the
    four lists with their counts, each row with the customer's phone, as of the manifest's time."""
    zone = m.zone
    columns = {  # per list: (header, cell of a row), the widths
        "due_out": ((("Pick-up", lambda r: day_lists.when(r.start, m)), ("Reference", lambda r: r.reference),
                     ("Customer", lambda r: r.customer), ("Phone", lambda r: r.customer_phone),
                     ("Class", lambda r: r.vehicle_class), ("Car", lambda r: r.plate_number),
                     ("State", lambda r: day_lists.state(r, m))), _COMMON + (0.1, 0.1, 0.23)),
        "due_in": ((("Due back", lambda r: day_lists.when(r.end, m)), ("Reference", lambda r: r.reference),
                    ("Customer", lambda r: r.customer), ("Phone", lambda r: r.customer_phone),
                    ("Car", lambda r: r.plate_number), ("Agreement", lambda r: r.agreement_number),
                    ("State", lambda r: day_lists.state(r, m))), _COMMON + (0.09, 0.16, 0.18)),
        "overdue": ((("Due back", lambda r: day_lists.when(r.end, m)), ("Reference", lambda r: r.reference),
                     ("Customer", lambda r: r.customer), ("Phone", lambda r: r.customer_phone),
                     ("Car", lambda r: r.plate_number), ("Agreement", lambda r: r.agreement_number),
                     ("Late since", lambda r: day_lists.when(r.late_from, m))),
                    _COMMON + (0.09, 0.16, 0.18)),
        "no_shows": ((("Pick-up", lambda r: day_lists.when(r.start, m)), ("Reference", lambda r: r.reference),
                      ("Customer", lambda r: r.customer), ("Phone", lambda r: r.customer_phone),
                      ("Class", lambda r: r.vehicle_class), ("State", lambda r: day_lists.state(r, m))),
                     _COMMON + (0.1, 0.33)),
    }

    def draw(pdf: _Doc) -> None:
        # the day as the branch's documents write a date: 'Tue 05 Mar 2030'
        _heading(pdf, f"Manifest {long_time(day_start, zone)[:15]}", f"{m.branch_name} ({m.zip_code}), times {m.time_zone}; as of {long_time(m.now, zone)}")
        _text(pdf, day_lists.summary(m) + ".")
        for name, title in day_lists.LISTS:
            rows: tuple[ManifestRow, ...] = getattr(m, name)
            _section(pdf, f"{title} ({len(rows)})")
            if not rows:
                _text(pdf, "None.")
                continue
            cells, widths = columns[name]
            _table(pdf, [h for h, _ in cells], [[cell(r) for _, cell in cells] for r in rows], widths=widths)
    day_start = start_of_day(m.day, zone)
    return _render(f"Manifest {m.zip_code} {m.day.isoformat()}", m.now, draw)


#: The widths of the columns every list of the manifest begins with (time, reference, customer, phone),
#: so they line up from list to list.
_COMMON = (0.13, 0.13, 0.18, 0.13)


def manifest_file_name(m: Manifest) -> str:
    """'manifest-02108-2026-12-02.pdf'."""
    return f"manifest-{m.zip_code}-{m.day.isoformat()}.pdf"


def terms(view: AgreementView) -> str:
    """The agreement's terms: the template with the branch, currency and time zone filled in."""
    return terms_text(view.branch_name, view.currency, view.time_zone)


def terms_text(branch: str, currency: str, time_zone: str) -> str:
    """The rental terms for a branch (the agreement's, and the web's booking form's)."""
    template = files("rentaldesk.resources").joinpath("templates", "agreement_terms.txt").read_text(encoding="utf-8")
    return Template(template).safe_substitute(branch=branch, currency=currency, time_zone=time_zone).strip()


def save(data: bytes, folder: Path, name: str) -> Path:
    """Write a document into ``folder`` (made when missing) as ``name``, whole or not at all (a
    temporary file renamed into place); its path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".pdf.part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def agreement_file_name(view: AgreementView) -> str:
    """'agreement-BOS-DT-000001.pdf'."""
    return f"agreement-{view.number}.pdf"


def receipt_file_name(view: AgreementView) -> str:
    """'receipt-BOS-DT-000001.pdf'."""
    return f"receipt-{view.number}.pdf"


def cash_up_file_name(c: CashUp) -> str:
    """'cash-up-02108-2026-12-02.pdf'."""
    return f"cash-up-{c.zip_code}-{c.day.isoformat()}.pdf"


# -- drawing -------------------------------------------------------------------------------------------


class _Doc(FPDF):
    """A page being drawn, with the face its text is set in."""

    face = CORE_FONT


@contextmanager
def _document(title: str, when: datetime, *, embedded: bool) -> Iterator[_Doc]:
    with ExitStack() as stack:
        pdf = _Doc(format="A4")
        if embedded:
            fonts = files("rentaldesk.resources").joinpath("fonts")
            pdf.add_font(FONT, "", stack.enter_context(as_file(fonts.joinpath("DejaVuSans.ttf"))))
            pdf.add_font(FONT, "B", stack.enter_context(as_file(fonts.joinpath("DejaVuSans-Bold.ttf"))))
            pdf.face = FONT
        pdf.set_title(printable(title))
        pdf.set_creator("rentaldesk")
        pdf.set_creation_date(when)
        pdf.set_margins(16, 14, 16)
        pdf.set_auto_page_break(True, margin=14)
        pdf.add_page()
        pdf.set_font(pdf.face, size=10)
        yield pdf


def _render(title: str, when: datetime, draw: Callable[[_Doc], None]) -> bytes:
    """The document drawn in Helvetica, the PDF's own font (no font file to read: a few ms), or, when
    its text holds a character outside Latin-1 (a name in Greek, Cyrillic, Vietnamese...), drawn
    again in the DejaVu Sans shipped in resources/fonts (embedded, a few hundred ms)."""
    for embedded in (False, True):
        try:
            with _document(title, when, embedded=embedded) as pdf:
                draw(pdf)
                return bytes(pdf.output())
        except FPDFUnicodeEncodingException:
            if embedded:
                raise
    raise AssertionError("unreachable")


def _heading(pdf: _Doc, title: str, subtitle: str) -> None:
    pdf.set_font(pdf.face, "B", 15)
    pdf.cell(0, 8, printable(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(pdf.face, size=10)
    pdf.set_text_color(90)
    pdf.cell(0, 6, printable(subtitle), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.ln(2)


def _section(pdf: _Doc, title: str) -> None:
    if pdf.will_page_break(20):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(pdf.face, "B", 11)
    pdf.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(160)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(1.5)
    pdf.set_font(pdf.face, size=10)


def _text(pdf: _Doc, words: str, *, size: float = 10) -> None:
    pdf.set_font(pdf.face, size=size)
    pdf.multi_cell(0, size * 0.5, printable_lines(words), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(pdf.face, size=10)


def printable_lines(words: str) -> str:
    """Text for a document: each line :func:`~rentaldesk.text.printable`, the line breaks kept."""
    return "\n".join(printable(line) for line in words.split("\n"))


def _pairs(pdf: _Doc, pairs: Sequence[tuple[str, str]], *, bold: bool = False, label_width: float = 38) -> None:
    for label, value in pairs:
        pdf.set_font(pdf.face, "B", 10)
        pdf.cell(label_width, _LINE, label)
        pdf.set_font(pdf.face, "B" if bold else "", 10)
        pdf.multi_cell(0, _LINE, printable(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(pdf: _Doc, header: Sequence[str], rows: Sequence[Sequence[str]], *, widths: Sequence[float],
           right: Sequence[int] = (), bold_rows: Sequence[int] = ()) -> None:
    full = pdf.w - pdf.l_margin - pdf.r_margin
    cols = [w * full for w in widths]

    def row(cells: Sequence[str], *, bold: bool, fill: bool) -> None:
        if pdf.will_page_break(_LINE):
            pdf.add_page()
        pdf.set_font(pdf.face, "B" if bold else "", 9.5)
        for i, (cell, width) in enumerate(zip(cells, cols)):
            pdf.cell(width, _LINE + 0.5, _fitted(pdf, printable(cell), width - 2 * pdf.c_margin), border="B",
                     align="R" if i in right else "L", fill=fill)
        pdf.ln(_LINE + 0.5)

    pdf.set_fill_color(235)
    row(header, bold=True, fill=True)
    for i, cells in enumerate(rows):
        row(cells, bold=i in bold_rows, fill=False)
    pdf.set_font(pdf.face, size=10)


def _fitted(pdf: _Doc, text: str, width: float) -> str:
    """``text`` cut to fit ``width`` with '...' (a long name must not run into the next column)."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "...") > width:
        text = text[:-1]
    return text.rstrip() + "..."


def _ledger(pdf: _Doc, entries: Sequence[LedgerEntry], zone: ZoneInfo, *, numbers: bool = False) -> None:
    if not entries:
        _text(pdf, "None.")
        return
    header = ["Time", *(["Agreement"] if numbers else []), "What", "Method", "Reference", "Amount"]
    widths = (0.26, 0.15, 0.16, 0.08, 0.21, 0.14) if numbers else (0.3, 0.19, 0.11, 0.2, 0.2)
    _table(pdf, header, [
        [long_time(e.at, zone), *([e.agreement_number] if numbers else []), _KIND_WORDS.get(e.kind, e.kind),
         e.method, ledger_reference(e.reference or e.note, e.provider_reference), money(e.amount, e.currency)]
        for e in entries
    ], widths=widths, right=(len(header) - 1,))


def _deposit_words(view: AgreementView) -> str:
    d = view.deposit
    if d.amount == 0:
        return "none"
    how = f"card, pre-authorisation {d.reference}" if d.method == "card" else "cash"
    state = view.deposit_state
    held = f", {money(view.deposit_held, view.currency)} still held" if view.deposit_held > 0 and state != "held" else ""
    return f"{money(d.amount, view.currency)} ({how}): {state}{held}"


def _damage(pdf: _Doc, marks: Sequence[DamageMark], existing: int) -> None:
    """The top view of the car with its zones, and the marks numbered: grey the damage that was on
    the car before this agreement (the first ``existing``), red the marks new at this check-out."""
    width, height = 46.0, 84.0
    if pdf.will_page_break(height + 6):
        pdf.add_page()
    left, top = pdf.l_margin + 4, pdf.get_y() + 2
    pdf.set_draw_color(60)
    pdf.set_line_width(0.4)
    # the wheels, then the body over them, then each panel
    for wx, wy in ((-0.06, 0.12), (0.96, 0.12), (-0.06, 0.74), (0.96, 0.74)):
        pdf.set_fill_color(70)
        pdf.rect(left + wx * width, top + wy * height, 0.1 * width, 0.14 * height, style="F")
    pdf.set_fill_color(250)
    pdf.rect(left, top, width, height, style="DF", round_corners=True, corner_radius=6)
    pdf.set_line_width(0.2)
    for zone, (x0, y0, x1, y1) in ZONE_BOXES.items():
        if zone is Zone.WHEELS:
            continue
        glass = zone in (Zone.WINDSCREEN, Zone.REAR_WINDOW)
        pdf.set_fill_color(*((205, 225, 245) if glass else (250, 250, 250)))
        pdf.rect(left + x0 * width, top + y0 * height, (x1 - x0) * width, (y1 - y0) * height, style="DF")
    pdf.set_font(pdf.face, size=6)
    pdf.set_text_color(120)
    pdf.text(left + width / 2 - 3, top - 0.6, "front")
    pdf.set_text_color(0)
    for number, mark in enumerate(marks, 1):
        earlier = number <= existing
        pdf.set_fill_color(*((120, 120, 120) if earlier else (200, 30, 30)))
        cx, cy = left + mark.x * width, top + mark.y * height
        pdf.circle(cx, cy, 2.1, style="F")
        pdf.set_font(pdf.face, "B", 6)
        pdf.set_text_color(255)
        label = str(number)
        pdf.text(cx - pdf.get_string_width(label) / 2, cy + 0.9, label)
        pdf.set_text_color(0)
    # the list beside the drawing
    pdf.set_xy(left + width + 14, top)
    pdf.set_font(pdf.face, size=9)
    column = pdf.w - pdf.r_margin - (left + width + 14)
    if not marks:
        pdf.multi_cell(column, _LINE, "No damage recorded.", new_x=XPos.LEFT, new_y=YPos.NEXT)
    for number, mark in enumerate(marks, 1):
        when = "earlier" if number <= existing else "new"
        note = f": {mark.note}" if mark.note else ""
        photo = " (photo kept)" if mark.photo is not None else ""
        pdf.multi_cell(column, _LINE - 0.5, printable(f"{number}. {mark.zone.label}{note}{photo} ({when})"),
                       new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), top + height + 4))
    pdf.set_font(pdf.face, size=10)
