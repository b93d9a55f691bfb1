"""Extras and cover on the web's booking form: the branch's catalogue listed with its prices, the
price with the extras (the engine's quote), the booking keeping them, a bad quantity refused, and
the stock rule shared with the counter (the last child seat taken at the counter is refused on the
web, next to the extras, nothing saved)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from rentaldesk import extras
from rentaldesk.extras import CatalogueItem, choose
from rentaldesk.models import Reservation as ReservationRow
from rentaldesk.web.storefront import Storefront

from .conftest import BOSTON, PERIOD, error_next_to, text_of

SEAT = CatalogueItem(code="child-seat", label="Child seat", kind="extra", per="day", price=Decimal("12.00"),
                     cap=Decimal("72.00"), stock=1)
CDW = CatalogueItem(code="cdw", label="Collision damage waiver", kind="cover", per="day", price=Decimal("24.00"))


@pytest.fixture
def catalogue(service):
    with service.db.write() as s:
        extras.save_catalogue(s, BOSTON, [SEAT, CDW])


def booking_form(site, **fields: str):
    return site.post("/book/form", {"zip_code": BOSTON, **PERIOD, "vehicle_class": "SUV", **fields})


def price_on(page: str) -> str:
    found = re.search(r'<span class="amount">([^<]+)</span>', page)
    assert found
    return found.group(1)


def test_the_form_lists_the_branchs_extras_with_their_prices(site, catalogue):
    page = booking_form(site)
    assert page.status_code == 200
    assert '<label for="extra_child-seat">Child seat' in page.text and "$12.00 a day, at most $72.00" in page.text
    assert '<label for="extra_cdw">Collision damage waiver' in page.text
    seat = re.search(r'<select id="extra_child-seat".*?</select>', page.text, re.S)
    assert seat and re.findall(r'value="(\d)"', seat.group(0)) == ["0", "1"]  # the stock: one seat
    assert 'hx-post="/book/form" hx-trigger="change" hx-target="#summary"' in page.text
    # without script, a button shows the price with them; inside <noscript>, so never the default button
    assert '<noscript><div class="actions"><button type="submit" class="link" formaction="/book/form">' in page.text


def test_no_catalogue_no_extras(site, service):
    with service.db.write() as s:
        extras.save_catalogue(s, BOSTON, [])
    assert "Extras and cover" not in booking_form(site).text


def test_the_price_with_the_extras_is_the_engines_quote(site, service, catalogue):
    plain = price_on(booking_form(site).text)
    page = booking_form(site, **{"extra_child-seat": "1", "extra_cdw": "1"})
    with service.db.session() as s:
        chosen = choose(s, BOSTON, [("child-seat", 1), ("cdw", 1)])
    search = Storefront(service).search({"zip_code": BOSTON, **PERIOD, "vehicle_class": "SUV"})
    quoted = service.quote_charges(vehicle_class="SUV", zip_code=BOSTON, start=search.start, end=search.end,
                                   extras=chosen)
    assert price_on(page.text) == f"${quoted.total:,.2f}" != plain
    assert "with your extras" in text_of(page.text)
    assert f"Book for ${quoted.total:,.2f}" in text_of(page.text)


def test_a_booking_keeps_its_extras_in_its_price(site, service, catalogue):
    site.book(**{"extra_child-seat": "1", "extra_cdw": "1"})
    with service.db.session() as s:
        row = s.scalar(select(ReservationRow))
        assert row is not None
        kept = extras.extras_from_json(row.extras_json)
    assert sorted((e.code, e.quantity) for e in kept) == [("cdw", 1), ("child-seat", 1)]
    plain = service.quote_charges(vehicle_class="SUV", zip_code=BOSTON, start=row.start_at, end=row.end_at)
    assert row.price > plain.total


@pytest.mark.parametrize("quantity", ["2", "-1", "lots"])
def test_a_bad_quantity_is_refused_next_to_the_extras_and_nothing_is_saved(site, service, catalogue, quantity):
    page = site.book(**{"extra_child-seat": quantity})
    assert page.status_code == 422
    assert error_next_to(page.text, "extras") == "Child seat: choose it or not"
    with service.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReservationRow)) == 0


def test_the_last_seat_taken_at_the_counter_is_refused_on_the_web(site, service, catalogue):
    with service.db.session() as s:
        seat = choose(s, BOSTON, [("child-seat", 1)])
    search = Storefront(service).search({"zip_code": BOSTON, **PERIOD, "vehicle_class": "SUV"})
    service.create_reservation(email="bo@example.com", name="Bo Chen", vehicle_class="SUV", zip_code=BOSTON,
                               start=search.start, end=search.end, extras=seat)
    page = site.book(**{"extra_child-seat": "1"})
    assert page.status_code == 422
    said = error_next_to(page.text, "extras")
    assert said.startswith("no child seat is free at Boston Downtown") and "the only one is booked" in said
    with service.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReservationRow)) == 1  # the counter's only
    assert site.book().status_code == 303  # without the seat it books
