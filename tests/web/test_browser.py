"""End to end in a real browser (headless Chromium, Selenium): a customer searches, books, sees the
reference, looks the booking up by reference and email and cancels it; the counter's service on
its own connection reads the booking, then the cancellation, from the same SQLite file. The
browser runs the pages as they are: htmx from the site, the CSP enforced (a violation fails)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.keys import Keys

from rentaldesk.db import open_database
from tests.conftest import unavailable
from rentaldesk.fleet import load_sample_data
from rentaldesk.reservations import ReservationService
from rentaldesk.web.app import create_app
from rentaldesk.web.storefront import Storefront
from tools.web_browser import browser_missing, chromium, serving

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

BOSTON = ZoneInfo("America/New_York")


def set_value(driver, element_id: str, value: str) -> None:
    """Type into a date or time field (their keyboard entry follows the browser's locale)."""
    field = driver.find_element("id", element_id)
    driver.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
        field, value)


def fits_the_width(driver) -> bool:
    """Nothing sticks out sideways (no sideways scrolling on a phone)."""
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def wait_for(driver, css: str, timeout: float = 15):
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(expected_conditions.presence_of_element_located(("css selector", css)))


def press(driver, button_css: str, then_css: str, timeout: float = 15):
    """Click a button that loads a new page, and wait for `then_css` on the new page, not the old one
    (a notice of the same kind on the page being left would otherwise be read, then go stale)."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element("tag name", "html")
    driver.find_element("css selector", button_css).click()
    WebDriverWait(driver, timeout).until(expected_conditions.staleness_of(page))
    return wait_for(driver, then_css, timeout)


def test_a_customer_books_finds_and_cancels(tmp_path):
    missing = browser_missing()
    if missing:
        unavailable(missing)
    url = f"sqlite:///{tmp_path / 'branch.sqlite'}"
    db = open_database(url)
    load_sample_data(db)
    counter_db = open_database(url)
    pick_up = datetime.combine(datetime.now(BOSTON).date() + timedelta(days=5), time(10), tzinfo=BOSTON)
    back = pick_up + timedelta(days=3)
    try:
        with serving(create_app(Storefront(ReservationService(db)))) as base, chromium(390, 844) as driver:
            driver.get(base + "/")
            assert driver.title == "Find a car · RentalDesk"
            driver.find_element("css selector", "#zip_code option[value='02108']").click()
            set_value(driver, "start_date", f"{pick_up:%Y-%m-%d}")
            set_value(driver, "start_time", "10:00")
            set_value(driver, "end_date", f"{back:%Y-%m-%d}")
            set_value(driver, "end_time", "10:00")
            driver.execute_script("window.stillHere = true")
            driver.find_element("css selector", "form.search button[type=submit]").click()  # htmx: swapped in place
            wait_for(driver, ".offers .offer")
            assert driver.execute_script("return window.stillHere === true"), "the results came in without a page load"
            assert "5 classes free at Boston Downtown" in driver.find_element("id", "results").text
            assert fits_the_width(driver)

            press(driver, "button[aria-label^='Book the SUV']", "#name")
            assert fits_the_width(driver)
            # the keyboard: Tab from the name goes to the email, then the phone, then the date of birth
            order = []
            driver.find_element("id", "name").click()
            for _ in range(3):
                driver.switch_to.active_element.send_keys(Keys.TAB)
                order.append(driver.switch_to.active_element.get_attribute("id"))
            assert order == ["email", "phone", "date_of_birth"]
            driver.find_element("id", "name").send_keys("Ann Lee")
            driver.find_element("id", "email").send_keys("ann.lee@example.com")
            driver.find_element("id", "phone").send_keys("+1 617 555 0100")
            set_value(driver, "date_of_birth", "1990-05-17")
            driver.find_element("id", "terms").click()
            reference = press(driver, "form[action='/book'] button[type=submit]", "#reference").text
            assert fits_the_width(driver)
            assert driver.current_url == base + "/confirmation"

            at_counter = ReservationService(counter_db).get_reservation(reference)
            assert (at_counter.customer_email, at_counter.vehicle_class, at_counter.status) == (
                "ann.lee@example.com", "SUV", "confirmed")
            assert at_counter.start == pick_up

            driver.delete_all_cookies()  # a later visit, on another day: nothing remembered
            driver.get(base + "/manage")
            driver.find_element("id", "reference").send_keys(reference.lower())
            driver.find_element("id", "email").send_keys("Ann.Lee@example.com")
            press(driver, "form[action='/manage'] button[type=submit]", "form[action='/manage/cancel']")
            assert f"Booking {reference}" in driver.find_element("tag name", "h1").text
            notice = press(driver, "form[action='/manage/cancel'] button", ".notice.good").text
            assert fits_the_width(driver)
            assert notice == f"Booking {reference} is cancelled."
            assert driver.current_url == base + "/manage/cancel"

            problems = [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
            assert problems == []
        assert ReservationService(counter_db).get_reservation(reference).status == "cancelled"
    finally:
        counter_db.close()
        db.close()


def test_the_mailed_manage_link_changes_and_cancels_then_is_refused(tmp_path, server):
    """Book in the browser; the confirmation mail (a real SMTP server) carries the manage link; a
    fresh browser session opens it, changes the dates (accepting the new price), cancels; the link
    is then refused. The counter reads each step from the same file."""
    import re

    from rentaldesk.manage_links import SPENT
    from tests.unit.hq.test_notifications import settings_for

    missing = browser_missing()
    if missing:
        unavailable(missing)
    url = f"sqlite:///{tmp_path / 'branch.sqlite'}"
    db = open_database(url)
    load_sample_data(db)
    counter_db = open_database(url)
    pick_up = datetime.combine(datetime.now(BOSTON).date() + timedelta(days=5), time(10), tzinfo=BOSTON)
    back = pick_up + timedelta(days=3)
    try:
        with serving(create_app(Storefront(ReservationService(db)), smtp=settings_for(server),
                                public_url="http://placeholder")) as base, chromium(390, 844) as driver:
            driver.get(base + "/")
            driver.find_element("css selector", "#zip_code option[value='02108']").click()
            for field, value in (("start_date", f"{pick_up:%Y-%m-%d}"), ("start_time", "10:00"),
                                 ("end_date", f"{back:%Y-%m-%d}"), ("end_time", "10:00")):
                set_value(driver, field, value)
            driver.find_element("css selector", "form.search button[type=submit]").click()  # htmx: swapped in place
            wait_for(driver, ".offers .offer")
            press(driver, "button[aria-label^='Book the SUV']", "#name").send_keys("Ann Lee")
            driver.find_element("id", "email").send_keys("ann.lee@example.com")
            set_value(driver, "date_of_birth", "1990-05-17")
            # an extra: the price updates in place (htmx), the form kept as typed
            price = driver.find_element("css selector", "#summary .amount").text
            driver.execute_script("window.stillHere = true")
            driver.find_element("css selector", "#extra_cdw option[value='1']").click()
            from selenium.webdriver.support.ui import WebDriverWait

            WebDriverWait(driver, 15).until(  # read in the page: the summary is swapped whole
                lambda d: d.execute_script("return document.querySelector('#summary .amount').textContent") != price)
            assert "with your extras" in driver.find_element("id", "summary").text
            assert driver.execute_script("return window.stillHere === true")
            assert driver.find_element("id", "name").get_attribute("value") == "Ann Lee"
            driver.find_element("id", "terms").click()
            reference = press(driver, "form[action='/book'] button[type=submit]", "#reference").text

            assert server.recorder.arrived.wait(20), "no confirmation mail"
            text = server.received[0].message.get_body(preferencelist=("plain",)).get_content()
            found = re.search(r"http://placeholder(/manage/link/\S+)", text)
            assert found and reference in server.received[0].message["Subject"]
            link = base + found.group(1)

            driver.delete_all_cookies()  # the customer opens the mail on another day: nothing remembered
            driver.get(link)
            wait_for(driver, "form[action='/manage/cancel']")
            assert driver.current_url == base + "/manage"  # the token left the address bar
            assert f"Booking {reference}" in driver.find_element("tag name", "h1").text
            set_value(driver, "end_date", f"{back + timedelta(days=1):%Y-%m-%d}")
            press(driver, "form[action='/manage/change'] button[type=submit]", "input[name=accept_price]")
            assert "Your booking is changed" in press(
                driver, "form[action='/manage/change'] button[type=submit]", ".notice.good").text
            assert ReservationService(counter_db).get_reservation(reference).end == back + timedelta(days=1)
            assert press(driver, "form[action='/manage/cancel'] button",
                         ".notice.good").text == f"Booking {reference} is cancelled."
            assert ReservationService(counter_db).get_reservation(reference).status == "cancelled"
            from sqlalchemy import select

            from rentaldesk.extras import extras_from_json
            from rentaldesk.models import Reservation as ReservationRow

            with counter_db.session() as s:
                kept = s.scalar(select(ReservationRow.extras_json).where(ReservationRow.reference == reference))
            assert kept is not None and [e.code for e in extras_from_json(kept)] == ["cdw"]

            driver.get(link)
            assert SPENT in wait_for(driver, "p.notice.bad").text
            assert fits_the_width(driver)
            problems = [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
            assert [p for p in problems if "410" not in p] == []  # the refused link's own status is logged
    finally:
        counter_db.close()
        db.close()


def test_a_manager_signs_in_to_the_dashboard_a_clerk_is_refused(tmp_path):
    """The dashboard's staff sign-in in the browser, at a phone's width: a clerk is refused next to
    the username, a manager reaches the figures, which refresh (htmx) until the account is made
    inactive: then the panel says the session is over, and the sign-in form is back."""
    from rentaldesk.actor import Actor, acting_as
    from rentaldesk.staff import add_staff, update_staff
    from rentaldesk.web.dashboard import NOT_ALLOWED, DashboardSettings

    missing = browser_missing()
    if missing:
        unavailable(missing)
    db = open_database(f"sqlite:///{tmp_path / 'branch.sqlite'}")
    load_sample_data(db)
    add_staff(db, username="dana", name="Dana Admin", role="admin", password="admin password 12")
    with acting_as(Actor("dana", "admin")):
        add_staff(db, username="max", name="Max Manager", role="manager", password="manager password 1")
        add_staff(db, username="cleo", name="Cleo Clerk", role="clerk", password="clerk password 123")
    try:
        app = create_app(Storefront(ReservationService(db)), dashboard=DashboardSettings(None, refresh=1))
        with serving(app) as base, chromium(390, 844) as driver:
            def sign_in(username: str, password: str, then: str):
                driver.find_element("id", "username").clear()
                driver.find_element("id", "username").send_keys(username)
                driver.find_element("id", "password").send_keys(password)
                return press(driver, "form[action='/dashboard/sign-in'] button[type=submit]", then)

            driver.get(base + "/dashboard")
            assert "no longer signs in" in wait_for(driver, "#sign-in-note").text
            refused = sign_in("cleo", "clerk password 123", "#username-error")
            assert refused.text == NOT_ALLOWED.format(username="cleo", role="clerk")
            assert driver.find_element("id", "username").get_attribute("aria-invalid") == "true"
            panel = sign_in("max", "manager password 1", "#dashboard-panel")
            assert "Booked today" in panel.text and "Signed in as max." in driver.find_element("tag name", "main").text
            assert fits_the_width(driver)
            with acting_as(Actor("dana", "admin")):
                update_staff(db, "max", active=False)
            from selenium.webdriver.support.ui import WebDriverWait

            WebDriverWait(driver, 15).until(  # the panel's next refresh is refused
                lambda d: "You are signed out" in d.find_element("id", "dashboard-panel").text)
            driver.get(base + "/dashboard")
            assert wait_for(driver, "#username")
            problems = [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
            assert [p for p in problems if " 401 " not in p and " 403 " not in p and "(Unauthorized)" not in p
                    and "(Forbidden)" not in p] == []  # the refusals' own statuses are logged
    finally:
        db.close()
