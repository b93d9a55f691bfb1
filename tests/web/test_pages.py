"""Every page of the customers' site through the real ASGI app (TestClient), on a real SQLite file:
the search and its results, the booking, the manage pages, and every bad input, each refused with
the engine's words next to its field and nothing saved."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from rentaldesk.customers import CustomerEdit, update_customer
from rentaldesk.errors import RentalError
from rentaldesk.models import Customer, Reservation as ReservationRow
from rentaldesk.renters import set_rule
from rentaldesk.web.app import ON_FILE, Limits
from rentaldesk.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import T0, day

from .conftest import BOSTON, CUSTOMER, PERIOD, Site, csrf_of, error_next_to, text_of


def counts(service) -> tuple[int, int]:
    with service.db.session() as s:
        return (s.scalar(select(func.count()).select_from(ReservationRow)) or 0,
                s.scalar(select(func.count()).select_from(Customer)) or 0)


def refusal(call) -> str:
    """What the counter's service says to the same request."""
    with pytest.raises(RentalError) as caught:
        call()
    return caught.value.message


# -- the search ----------------------------------------------------------------------------------


def test_home_has_a_labelled_search_form_and_the_secure_headers(site):
    page = site.client.get("/")
    assert page.status_code == 200
    body = page.text
    for field in ("zip_code", "start_date", "start_time", "end_date", "end_time", "vehicle_class"):
        assert re.search(rf'<label for="{field}">', body), field
        assert f'id="{field}"' in body
    assert "Boston Downtown (02108)" in body and "Minivan" in body  # the class as the branch calls it
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "strict-transport-security" not in page.headers  # plain HTTP: HSTS only over TLS
    assert not re.search(r"<script(?![^>]*\bsrc=)", body), "no inline script (the CSP forbids it)"
    assert ' style="' not in body and "<style" not in body
    assert '<script src="/static/htmx.min.js" defer>' in body
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_static_files_are_served(site):
    css = site.client.get("/static/site.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    js = site.client.get("/static/htmx.min.js")
    assert js.status_code == 200 and "htmx" in js.text[:200]


def test_hsts_over_tls(service):
    from starlette.testclient import TestClient

    from rentaldesk.web.app import create_app
    from rentaldesk.web.storefront import Storefront

    with TestClient(create_app(Storefront(service)), base_url="https://testserver") as client:
        assert client.get("/").headers["strict-transport-security"].startswith("max-age=")


def test_results_list_the_free_classes_with_the_engines_quote(site, service):
    page = site.search()
    assert page.status_code == 200
    words = text_of(page.text)
    assert "5 classes free at Boston Downtown" in words
    assert "Tue 12 Mar 2030, 10:00 to Fri 15 Mar 2030, 10:00 EDT" in words
    start, end = day(8, 2), day(11, 2)  # 10:00 in Boston (EDT from 10 March: UTC-4) is 14:00 UTC
    for code, name in (("ECONOMY", "Economy"), ("VAN", "Minivan"), ("LUXURY", "Luxury")):
        quote = service.quote(vehicle_class=code, zip_code=BOSTON, start=start, end=end)
        assert f"{name} ${quote:,.2f} for the whole rental" in words
    assert "For example: Lexus ES, or similar" in words  # the pool's cars in service, not those in maintenance


def test_one_class_searched(site):
    words = text_of(site.search(vehicle_class="VAN").text)
    assert "1 class free" in words and "Minivan" in words and "Economy $" not in words


def test_the_live_search_answers_htmx_with_the_search_area_alone(site):
    page = site.client.post("/results", data={"csrf_token": site.token(), "zip_code": BOSTON, **PERIOD},
                            headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert page.text.lstrip().startswith('<div id="search-area">') and "<html" not in page.text
    assert "classes free at Boston Downtown" in text_of(page.text)


@pytest.mark.parametrize("change, field, message", [
    ({"start_date": ""}, "start", "the pick-up date is needed"),
    ({"end_time": ""}, "end", "the return time is needed"),
    ({"start_date": "2030-02-30"}, "start", "the pick-up date '2030-02-30' is not a date (e.g. 2030-03-05)"),
    ({"end_time": "25:00"}, "end", "the return time '25:00' is not a time (e.g. 09:30)"),
    ({"zip_code": ""}, "zip_code", "choose a pick-up location"),
    ({"start_date": "2030-03-10", "start_time": "02:30"}, "start",
     "the pick-up 2030-03-10 02:30 does not exist in America/New_York (the clocks jump forward then); pick another time"),
])
def test_a_bad_search_is_refused_next_to_its_field(site, change, field, message):
    page = site.search(**change)
    assert page.status_code == 422
    assert error_next_to(page.text, field) == message
    assert "classes free" not in page.text


def test_an_unknown_location_or_class_is_refused_naming_the_known_ones(site):
    page = site.search(zip_code="99999")
    assert "unknown zip code" in error_next_to(page.text, "zip_code") and "02108" in error_next_to(page.text, "zip_code")
    page = site.search(vehicle_class="TRUCK")
    assert "TRUCK" in error_next_to(page.text, "vehicle_class")


@pytest.mark.parametrize("period", [
    {"start_date": "2030-03-04", "start_time": "08:30"},  # 30 minutes after the clock: under the 2-hour lead time
    {"end_date": "2030-03-12", "end_time": "20:00"},  # 10 hours: under the minimum day
    {"end_date": "2030-03-11"},  # return before pick-up
    {"start_date": "2033-03-12", "end_date": "2033-03-15"},  # past the booking horizon
])
def test_the_period_rules_give_the_counters_words(site, service, period):
    from rentaldesk.display import parse_time
    from zoneinfo import ZoneInfo

    fields = {**PERIOD, **period}
    zone = ZoneInfo("America/New_York")
    start = parse_time(f"{fields['start_date']}T{fields['start_time']}", zone, option="start")
    end = parse_time(f"{fields['end_date']}T{fields['end_time']}", zone, option="end")
    with pytest.raises(RentalError) as caught:
        service.is_rental_available(vehicle_class="SUV", zip_code=BOSTON, start=start, end=end)
    page = site.search(**period)
    assert page.status_code == 422
    assert error_next_to(page.text, caught.value.field) == caught.value.message


# -- the booking ---------------------------------------------------------------------------------


def test_the_booking_form_shows_the_rental_and_asks_what_the_counter_needs(site):
    page = site.post("/book/form", {"zip_code": BOSTON, **PERIOD, "vehicle_class": "LUXURY"})
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Book the Luxury" in words and "Tue 12 Mar 2030, 10:00 to Fri 15 Mar 2030, 10:00" in words
    assert "at least 25 on the pick-up day" in words  # the class's renter rule at that branch
    for field in ("name", "email", "phone", "date_of_birth", "terms"):
        assert f'<label for="{field}"' in page.text
    assert 'id="licence_number"' not in page.text  # the sample branches ask for the licence at check-out


def test_a_booking_is_saved_where_the_counter_reads_it(site, service, sample_db):
    answer = site.book("SUV", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/confirmation"
    page = site.client.get("/confirmation")
    reference = re.search(r'<p class="reference" id="reference">(\w+)</p>', page.text).group(1)
    # the counter: its own service on its own connection to the same file
    from rentaldesk.db import open_database
    from rentaldesk.reservations import ReservationService

    counter_db = open_database(sample_db.url)
    try:
        r = ReservationService(counter_db).get_reservation(reference)
        with counter_db.session() as s:
            born = s.scalar(select(Customer.date_of_birth).where(Customer.email == CUSTOMER["email"]))
    finally:
        counter_db.close()
    assert (r.vehicle_class, r.zip_code, r.status, r.customer_name) == ("SUV", BOSTON, "confirmed", "Ann Lee")
    assert (r.start, r.end) == (day(8, 2), day(11, 2))
    assert born == date(1990, 5, 17)
    words = text_of(page.text)
    assert f"Your reference {reference}" in words and f"${r.price:,.2f}" in words
    assert reference not in answer.headers["location"] and "ann" not in answer.headers["location"]


@pytest.mark.parametrize("change, field, message", [
    ({"email": "ann.example.com"}, "email", "'ann.example.com' is not an email address"),
    ({"email": ""}, "email", "an email is needed"),
    ({"name": "  "}, "name", "the customer's name is needed"),
    ({"phone": "call me"}, "phone", None),
    ({"date_of_birth": ""}, "date_of_birth", "your date of birth is needed"),
    ({"date_of_birth": "next year"}, "date_of_birth", "'next year' is not a date (e.g. 1990-05-17 or 17 May 1990)"),
    ({"date_of_birth": "2031-01-01"}, "date_of_birth", None),
    ({"terms": ""}, "terms", "please read and accept the rental terms"),
])
def test_a_bad_booking_is_refused_next_to_its_field_and_nothing_is_saved(site, service, change, field, message):
    page = site.book("SUV", **change)
    assert page.status_code == 422
    shown = error_next_to(page.text, field)
    assert shown and (message is None or shown == message), shown
    assert counts(service) == (0, 0)
    assert f'value="{change[next(iter(change))]}"' in page.text or not change[next(iter(change))].strip()


def test_too_young_for_the_class_is_refused_without_the_record_s_facts(site, service, clock):
    # the counter: the same renter (name, date of birth) booking the same Luxury at the desk names
    # the renter and the age on file; the web, where anyone may type an email, names neither
    with service.db.write() as s:
        from rentaldesk.customers import get_or_create_customer

        c = get_or_create_customer(s, "young@example.com", now=clock(), name="Ann Lee")
        update_customer(s, c.id, CustomerEdit(date_of_birth=date(2007, 1, 1)), today=T0.date())
    counter = refusal(lambda: service.create_reservation(
        email="young@example.com", name="Ann Lee", vehicle_class="LUXURY", zip_code=BOSTON,
        start=day(8, 2), end=day(11, 2)))
    page = site.book("LUXURY", email="ann.young@example.com", date_of_birth="2007-01-01")
    assert error_next_to(page.text, "date_of_birth") == ON_FILE["date_of_birth"]
    assert "is 23 on the pick-up day" in counter and "23" not in ON_FILE["date_of_birth"]
    assert counts(service) == (0, 1)  # the counter's customer only


def test_a_duplicate_booking_never_shows_the_other_booking_s_reference(site, service):
    assert site.book("SUV").status_code == 303
    [held] = service.list_reservations()
    counter = refusal(lambda: service.create_reservation(
        email=CUSTOMER["email"], name="Ann Lee", vehicle_class="SUV", zip_code=BOSTON, start=day(8, 2), end=day(11, 2)))
    assert held.reference in counter  # the counter names it to the clerk
    stranger = Site(TestClient(site.client.app, base_url="http://testserver"), service)  # another browser, Ann's email
    page = stranger.book("SUV")
    assert page.status_code == 422
    assert error_next_to(page.text, "email") == ON_FILE["email"]
    assert held.reference not in page.text  # (the name on the form is the one the stranger typed)
    assert counts(service) == (1, 1)


def test_the_last_car_gone_gets_the_counters_words(site, service):
    # the one Luxury in service at Boston, taken at the counter while the customer fills the form
    form = site.post("/book/form", {"zip_code": BOSTON, **PERIOD, "vehicle_class": "LUXURY"})
    assert "Book for $" in text_of(form.text)
    service.create_reservation(email="desk@example.com", name="Walk In", vehicle_class="LUXURY", zip_code=BOSTON,
                               start=day(8, 2), end=day(11, 2))
    counter = refusal(lambda: service.create_reservation(
        email="other@example.com", name="Other", vehicle_class="LUXURY", zip_code=BOSTON, start=day(8, 2), end=day(11, 2)))
    page = site.book("LUXURY")
    assert page.status_code == 422
    assert error_next_to(page.text, "vehicle_class") == counter
    assert counts(service) == (1, 1)
    assert "Luxury" not in text_of(site.search().text).split("free at")[1]  # and the results no longer offer it
    asked = site.search(vehicle_class="LUXURY")  # asked for alone: the counter's words for why not
    assert asked.status_code == 422 and error_next_to(asked.text, "vehicle_class") == counter
    form = site.post("/book/form", {"zip_code": BOSTON, **PERIOD, "vehicle_class": "LUXURY"})
    assert error_next_to(form.text, "vehicle_class") == counter


def test_a_period_gone_by_while_the_form_was_filled_is_refused_on_the_form(site, service, clock):
    site.post("/book/form", {"zip_code": BOSTON, **PERIOD, "vehicle_class": "SUV"})
    clock.now = day(8, 1)  # an hour before the pick-up: inside the lead time now
    page = site.book("SUV")
    assert page.status_code == 422
    assert error_next_to(page.text, "start") == "pick-up must be at least 2 hours from now; it is 1 hour too early"
    assert counts(service) == (0, 0)


def test_a_branch_that_asks_for_the_licence_at_booking(site, service):
    with service.db.write() as s:
        set_rule(s, BOSTON, None, licence_at_booking=True)
    form = site.post("/book/form", {"zip_code": BOSTON, **PERIOD, "vehicle_class": "SUV"})
    assert '<label for="licence_number">' in form.text and '<label for="licence_expiry">' in form.text
    page = site.book("SUV")
    assert error_next_to(page.text, "licence_number") == ON_FILE["licence_number"]
    assert counts(service) == (0, 0)
    expired = site.book("SUV", licence_number="S123 4567", licence_expiry="2030-03-13")
    assert error_next_to(expired.text, "licence_expiry") == ON_FILE["licence_expiry"]
    assert site.book("SUV", licence_number="s123 4567", licence_expiry="2032-01-31").status_code == 303
    with service.db.session() as s:
        assert s.scalar(select(Customer.licence_number)) == "S123 4567"


def test_a_known_customers_record_is_filled_in_never_overwritten(site, service, clock):
    with service.db.write() as s:
        from rentaldesk.customers import get_or_create_customer

        c = get_or_create_customer(s, CUSTOMER["email"], now=clock(), name="Ann Lee")
        update_customer(s, c.id, CustomerEdit(date_of_birth=date(1980, 1, 2)), today=T0.date())
    assert site.book("SUV", date_of_birth="1999-09-09").status_code == 303
    with service.db.session() as s:
        assert s.scalar(select(Customer.date_of_birth)) == date(1980, 1, 2)


def test_output_is_escaped(site):
    assert site.book("SUV", name="<b>Ann</b> & co").status_code == 303
    page = site.client.get("/confirmation").text
    assert "&lt;b&gt;Ann&lt;/b&gt; &amp; co" in page and "<b>Ann</b>" not in page


def test_every_form_needs_its_csrf_token(site, service):
    fields = {"zip_code": BOSTON, **PERIOD, "vehicle_class": "SUV", **CUSTOMER}
    for path in ("/results", "/book/form", "/book", "/manage", "/manage/change", "/manage/cancel", "/manage/done"):
        for token in ({}, {"csrf_token": "forged"}):
            page = site.client.post(path, data={**fields, **token})
            assert page.status_code == 403, path
            assert "This page has expired" in page.text
    assert counts(service) == (0, 0)
    # and every form of the pages carries it
    site.book("SUV")
    for page in (site.client.get("/").text, site.client.get("/manage").text, site.search().text):
        assert page.count("<form") == page.count('name="csrf_token"')


def test_a_token_from_another_visitor_is_refused(site, service):
    from starlette.testclient import TestClient

    other = TestClient(site.client.app, base_url="http://testserver")
    theirs = csrf_of(other.get("/").text)
    page = site.client.post("/book", data={"csrf_token": theirs, "zip_code": BOSTON, **PERIOD,
                                           "vehicle_class": "SUV", **CUSTOMER})
    assert page.status_code == 403 and counts(service) == (0, 0)


# -- manage --------------------------------------------------------------------------------------


def booked(site) -> str:
    site.book("SUV")
    reference = re.search(r'id="reference">(\w+)<', site.client.get("/confirmation").text).group(1)
    site.post("/manage/done", {})  # a new visit: nothing remembered
    return reference


def test_look_up_by_reference_and_email_gives_one_answer_for_either_wrong(site):
    reference = booked(site)
    wrong_email = site.post("/manage", {"reference": reference, "email": "someone@example.com"})
    wrong_reference = site.post("/manage", {"reference": "R0000000", "email": CUSTOMER["email"]})
    not_an_email = site.post("/manage", {"reference": reference, "email": "nope"})
    an_id = site.post("/manage", {"reference": "1", "email": CUSTOMER["email"]})

    def answer(page):  # the page, less the visitor's token and what they typed
        return page.status_code, re.sub(r'value="[^"]*"', "", page.text)

    assert answer(wrong_email) == answer(wrong_reference) == answer(not_an_email) == answer(an_id)
    assert wrong_email.status_code == 404
    assert "We found no booking with that reference and email" in error_next_to(wrong_email.text, "form")
    found = site.post("/manage", {"reference": reference.lower(), "email": " ANN.LEE@example.com "},
                      follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == "/manage"
    words = text_of(site.client.get("/manage").text)
    assert f"Booking {reference}" in words and "Confirmed" in words and "Ann Lee" in words


def test_change_the_period_shows_the_new_price_then_changes_it(site, service):
    reference = booked(site)
    site.post("/manage", {"reference": reference, "email": CUSTOMER["email"]})
    longer = {**PERIOD, "end_date": "2030-03-16"}
    asked = site.post("/manage/change", longer)
    words = text_of(asked.text)
    assert "The new dates change the price from $237.00 to $316.00" in words
    assert service.get_reservation(reference).end == day(11, 2)  # not yet
    accepted = site.post("/manage/change", {**longer, "accept_price": re.search(
        r'name="accept_price" value="([^"]+)"', asked.text).group(1)})
    assert "Your booking is changed" in text_of(accepted.text)
    r = service.get_reservation(reference)
    assert r.end == day(12, 2) and r.price == 316


def test_a_bad_change_gets_the_engines_words_and_changes_nothing(site, service):
    reference = booked(site)
    site.post("/manage", {"reference": reference, "email": CUSTOMER["email"]})
    page = site.post("/manage/change", {**PERIOD, "end_date": "2030-03-12", "end_time": "12:00"})
    assert page.status_code == 422
    assert error_next_to(page.text, "end") == "a rental lasts at least 1 day; this one is 22 hours too short"
    assert service.get_reservation(reference).end == day(11, 2)


def test_cancel_with_the_branchs_rule(site, service):
    reference = booked(site)
    site.post("/manage", {"reference": reference, "email": CUSTOMER["email"]})
    page = site.post("/manage/cancel", {})
    assert f"Booking {reference} is cancelled" in text_of(page.text)
    assert service.get_reservation(reference).status == "cancelled"
    assert "/manage/cancel" not in page.text  # nothing left to cancel
    again = site.post("/manage/cancel", {})
    assert error_next_to(again.text, "cancel") == f"reservation {reference} is already cancelled"


def test_a_picked_up_booking_cannot_be_cancelled_on_the_web(site, service, clock):
    reference = booked(site)
    site.post("/manage", {"reference": reference, "email": CUSTOMER["email"]})
    clock.now = day(8, 1)
    service.pick_up(reference)
    counter = refusal(lambda: service.cancel_reservation(reference))
    page = site.client.get("/manage")
    assert "On rent" in text_of(page.text) and "/manage/cancel" not in page.text  # no cancel button
    posted = site.post("/manage/cancel", {})  # and a cancel posted anyway gets the counter's refusal
    assert posted.status_code == 422 and error_next_to(posted.text, "cancel") == counter
    assert service.get_reservation(reference).status == "active"


def test_manage_without_a_look_up_asks_for_one(site):
    assert "Find my booking" in site.client.get("/manage").text
    assert site.post("/manage/cancel", {}, follow_redirects=False).headers["location"] == "/manage"
    assert site.client.get("/confirmation", follow_redirects=False).status_code == 303


# -- limits and the rest -------------------------------------------------------------------------


@pytest.mark.parametrize("limits", [Limits(bookings=2, lookups=3)])
def test_look_ups_and_bookings_are_rate_limited_per_client(site, service, limits):
    for _ in range(3):
        assert site.post("/manage", {"reference": "R0000000", "email": "a@example.com"}).status_code == 404
    limited = site.post("/manage", {"reference": "R0000000", "email": "a@example.com"})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert "Please wait 10 minutes before trying again." in text_of(limited.text)
    assert site.book("SUV", email="").status_code == 422
    assert site.book("SUV", email="").status_code == 422
    assert site.book("SUV").status_code == 429
    assert counts(service) == (0, 0)


def test_rate_limit_window_slides():
    from rentaldesk.web.security import RateLimit

    now = [0.0]
    limit = RateLimit(2, 60, clock=lambda: now[0])
    assert limit.allow("a") and limit.allow("a") and not limit.allow("a") and limit.allow("b")
    now[0] = 59.0
    assert not limit.allow("a") and limit.retry_after("a") == 2
    now[0] = 60.5
    assert limit.allow("a")


def test_unknown_pages_and_methods_answer_a_page(site):
    page = site.client.get("/admin")
    assert page.status_code == 404 and "Page not found" in page.text
    assert site.client.get("/book").status_code == 404  # a booking is posted, never fetched
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_terms_page(site):
    words = text_of(site.client.get("/terms").text)
    assert "Terms of this rental agreement" in words and "$branch" not in words


def test_no_customer_data_in_any_url(site):
    reference = booked(site)
    urls: list[str] = []
    for page in (site.post("/manage", {"reference": reference, "email": CUSTOMER["email"]}, follow_redirects=True),
                 site.book("VAN", follow_redirects=True)):
        urls += [str(r.url) for r in (*page.history, page)]
        urls += re.findall(r'(?:href|action|hx-post|src)="([^"]+)"', page.text)
    assert urls
    for url in urls:
        assert reference not in url and "example.com" not in url and "Ann" not in url, url


def test_two_visitors_get_two_bookings(site, service):
    assert site.book("SUV").status_code == 303
    from starlette.testclient import TestClient

    other = TestClient(site.client.app, base_url="http://testserver")
    token = csrf_of(other.get("/").text)
    answer = other.post("/book", data={"csrf_token": token, "zip_code": BOSTON, **PERIOD, "vehicle_class": "SUV",
                                       **CUSTOMER, "email": "bo@example.com", "name": "Bo"}, follow_redirects=False)
    assert answer.status_code == 303
    assert counts(service) == (2, 2)
    theirs = text_of(other.get("/confirmation").text)
    assert "Name Bo " in theirs and "Ann Lee" not in theirs
