#!/usr/bin/env python
"""Render every page of the customers' web site to PNG files in docs/screenshots/web/, at a phone's
width (375 px) and a desktop's (1280 px), each page whole (as tall as it is).

    .venv/bin/python docs/render_web_screenshots.py [--out DIR]

The site runs on a fresh SQLite file with the sample fleet and a fixed clock (Monday 4 March 2030,
noon UTC), in headless Chromium (Debian's chromium and chromium-driver), so the pictures are the
same on every run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root: tools/

from rentaldesk.db import open_database  # noqa: E402
from rentaldesk.fleet import load_sample_data  # noqa: E402
from rentaldesk.reservations import ReservationService  # noqa: E402
from rentaldesk.models import Reservation  # noqa: E402
from rentaldesk import actor as actors  # noqa: E402
from rentaldesk.permissions import service_actor  # noqa: E402
from rentaldesk.staff import add_staff  # noqa: E402
from rentaldesk.web.app import create_app  # noqa: E402
from rentaldesk.web.dashboard import DashboardSettings  # noqa: E402
from rentaldesk.web.storefront import Storefront  # noqa: E402
from tools.web_browser import browser_missing, chromium, serving  # noqa: E402

NOW = datetime(2030, 3, 4, 12, 0, tzinfo=timezone.utc)
#: The dashboard's staff (made after the counter's bookings): a manager signs in, a clerk is refused.
STAFF = (("dana", "Dana Admin", "admin"), ("max", "Max Manager", "manager"), ("cleo", "Cleo Clerk", "clerk"))
STAFF_PASSWORD = "screenshots"
WIDTHS = (375, 1280)
OUT = Path(__file__).resolve().parent / "screenshots" / "web"


def fill(driver, values: dict[str, str]) -> None:
    for element_id, value in values.items():
        field = driver.find_element("id", element_id)
        if field.tag_name == "select":
            field.find_element("css selector", f"option[value='{value}']").click()
        else:
            driver.execute_script("arguments[0].value = arguments[1];", field, value)


def click(driver, css: str) -> None:
    driver.find_element("css selector", css).click()


def wait(driver, css: str) -> None:
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(expected_conditions.presence_of_element_located(("css selector", css)))


SEARCH = {"zip_code": "02108", "start_date": "2030-03-12", "start_time": "10:00", "end_date": "2030-03-15",
          "end_time": "10:00"}


def shoot(driver, path: Path, width: int) -> None:
    height = driver.execute_script("return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": int(height), "deviceScaleFactor": 1, "mobile": width < 600})
    driver.save_screenshot(str(path))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600})


def render(base: str, driver, width: int, out: Path, customer: str) -> list[Path]:
    made: list[Path] = []
    email = f"{customer}@example.com"

    def page(name: str, steps: Callable[[], None]) -> None:
        steps()
        path = out / f"{name}-{width}.png"
        shoot(driver, path, width)
        made.append(path)

    def home() -> None:
        driver.get(base + "/")

    def results() -> None:
        home()
        fill(driver, SEARCH)
        click(driver, "form.search button[type=submit]")
        wait(driver, ".offers .offer")
        driver.execute_script("document.querySelector('.offer details').open = true")

    def search_refused() -> None:
        home()
        fill(driver, {**SEARCH, "start_date": "2030-03-04", "start_time": "08:30"})
        click(driver, "form.search button[type=submit]")
        wait(driver, "#start-error")

    def booking() -> None:
        results()
        click(driver, "button[aria-label^='Book the SUV']")
        wait(driver, "#name")

    def booking_refused() -> None:
        booking()
        driver.find_element("id", "name").send_keys("Ann Lee")
        driver.find_element("id", "email").send_keys("ann.example.com")
        fill(driver, {"date_of_birth": "1990-05-17"})
        click(driver, "#terms")
        click(driver, "form[action='/book'] button[type=submit]")
        wait(driver, "#email-error")

    def confirmation() -> None:
        booking()
        driver.find_element("id", "name").send_keys("Ann Lee")
        driver.find_element("id", "email").send_keys(email)
        driver.find_element("id", "phone").send_keys("+1 617 555 0100")
        fill(driver, {"date_of_birth": "1990-05-17"})
        click(driver, "#terms")
        click(driver, "form[action='/book'] button[type=submit]")
        wait(driver, "#reference")

    def look_up_refused() -> None:
        driver.delete_all_cookies()
        driver.get(base + "/manage")
        driver.find_element("id", "reference").send_keys("R0000000")
        driver.find_element("id", "email").send_keys(email)
        click(driver, "form[action='/manage'] button[type=submit]")
        wait(driver, "#form-error")

    reference: list[str] = []

    def manage() -> None:
        driver.get(base + "/manage")
        driver.find_element("id", "reference").send_keys(reference[0])
        driver.find_element("id", "email").send_keys(email)
        click(driver, "form[action='/manage'] button[type=submit]")
        wait(driver, "form[action='/manage/cancel']")

    def price_change() -> None:
        fill(driver, {"end_date": "2030-03-16"})
        click(driver, "form[action='/manage/change'] button[type=submit]")
        wait(driver, "input[name=accept_price]")

    def cancelled() -> None:
        click(driver, "form[action='/manage/cancel'] button")
        wait(driver, ".notice.good")

    def terms() -> None:
        driver.get(base + "/terms")

    def link_refused() -> None:
        driver.get(base + "/manage/link/not-a-real-token")

    def sign_in() -> None:
        driver.delete_all_cookies()
        driver.get(base + "/dashboard")
        wait(driver, "#username")

    def signing_in(username: str) -> None:
        sign_in()
        driver.find_element("id", "username").send_keys(username)
        driver.find_element("id", "password").send_keys(STAFF_PASSWORD)
        click(driver, "form[action='/dashboard/sign-in'] button[type=submit]")

    def sign_in_refused() -> None:  # a clerk: the dashboard is for managers and admins
        signing_in("cleo")
        wait(driver, "#username-error")

    def dashboard() -> None:
        signing_in("max")
        wait(driver, "#dashboard-panel")

    page("1-home", home)
    page("2-results", results)
    page("3-search-refused", search_refused)
    page("4-booking", booking)
    page("5-booking-refused", booking_refused)
    page("6-confirmation", confirmation)
    reference.append(driver.find_element("id", "reference").text)
    page("7-look-up", lambda: (driver.delete_all_cookies(), driver.get(base + "/manage")))
    page("8-look-up-refused", look_up_refused)
    page("9-manage", manage)
    page("10-price-change", price_change)
    page("11-cancelled", cancelled)
    page("12-terms", terms)
    page("13-link-refused", link_refused)
    page("14-dashboard-sign-in", sign_in)
    page("15-dashboard-sign-in-refused", sign_in_refused)
    page("16-dashboard", dashboard)
    return made


def counter_bookings(service: ReservationService) -> None:
    """A few bookings taken at the counter, one waiting for head office and one it rejected, so the
    dashboard has something to show."""
    for n, (email, vclass, status, reason) in enumerate([
        ("bo.chen@example.com", "Economy", "confirmed", ""),
        ("cy.park@example.com", "Compact", "pending", ""),
        ("di.ross@example.com", "SUV", "rejected", "No SUV free in the pool at head office for those days"),
        ("ed.wu@example.com", "Economy", "confirmed", ""),
    ]):
        r = service.create_reservation(email=email, name=email.split("@")[0].replace(".", " ").title(),
                                       vehicle_class=vclass, zip_code="02108",
                                       start=NOW + timedelta(days=2 + n), end=NOW + timedelta(days=4 + n))
        if status != "confirmed":  # head office's decision, as a branch stores it
            with service.db.write() as s:
                s.execute(update(Reservation).where(Reservation.id == r.id).values(status=status, status_reason=reason))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    missing = browser_missing()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(f"sqlite:///{Path(folder) / 'web.sqlite'}")
        try:
            load_sample_data(db)
            service = ReservationService(db, clock=lambda: NOW)
            counter_bookings(service)
            for n, (username, name, role) in enumerate(STAFF):  # the first is made in the first-start state
                with actors.acting_as(actors.Actor(STAFF[0][0], "admin") if n else actors.SYSTEM):
                    add_staff(db, username=username, name=name, role=role, password=STAFF_PASSWORD)
            actors.sign_in(service_actor("web"))  # as `rentaldesk web` does: the site acts as its service account
            app = create_app(Storefront(service), secret_key="screenshots", dashboard=DashboardSettings(None))
            with serving(app) as base:
                for width in WIDTHS:
                    with chromium(width, 800) as driver:
                        for path in render(base, driver, width, args.out, customer=f"ann.lee.{width}"):
                            print(path)
        finally:
            db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
