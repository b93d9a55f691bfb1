"""The web site's fixtures: the sample branches on a real SQLite file, the engine's clock held by the
test, and the site around them (Starlette's TestClient: the real ASGI app, in-process)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from rentaldesk.db import Database, open_database
from rentaldesk.fleet import load_sample_data
from rentaldesk.reservations import ReservationService
from rentaldesk.web.app import Limits, create_app
from rentaldesk.web.storefront import Storefront
from tests.conftest import Clock

#: The sample's Boston branch (America/New_York) and a period there well ahead of the test clock
#: (T0 is Monday 4 March 2030, noon UTC): Tuesday 12 to Friday 15 March, 10:00 local.
BOSTON = "02108"
PERIOD = {"start_date": "2030-03-12", "start_time": "10:00", "end_date": "2030-03-15", "end_time": "10:00"}
CUSTOMER = {"name": "Ann Lee", "email": "ann.lee@example.com", "phone": "+1 617 555 0100",
            "date_of_birth": "1990-05-17", "terms": "yes"}


@pytest.fixture
def sample_db(tmp_path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'branch.sqlite'}")
    load_sample_data(database)
    yield database
    database.close()


@pytest.fixture
def service(sample_db, clock: Clock) -> ReservationService:
    return ReservationService(sample_db, clock=clock)


@dataclass
class Site:
    """A visitor of the site: the client, and what a test needs to fill forms."""

    client: TestClient
    service: ReservationService

    def token(self) -> str:
        """The visitor's CSRF token, read from a page the way a browser gets it."""
        return csrf_of(self.client.get("/").text)

    def post(self, path: str, data: dict[str, str], **kwargs: object):
        return self.client.post(path, data={"csrf_token": self.token(), **data}, **kwargs)

    def search(self, **fields: str):
        return self.post("/results", {"zip_code": BOSTON, "vehicle_class": "", **PERIOD, **fields})

    def book(self, vehicle_class: str = "SUV", follow_redirects: bool = False, **fields: str):
        return self.post("/book", {"zip_code": BOSTON, **PERIOD, "vehicle_class": vehicle_class, **CUSTOMER, **fields},
                         follow_redirects=follow_redirects)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no CSRF field"
    return found.group(1)


def text_of(page: str) -> str:
    """A page's words, tags taken out and entities read."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def error_next_to(page: str, field: str) -> str:
    """The error shown next to ``field`` (its ``<field>-error`` paragraph), as text; '' for none."""
    found = re.search(rf'<p class="error" id="{field}-error" role="alert">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)).strip() if found else ""


@pytest.fixture
def limits() -> Limits:
    return Limits()


@pytest.fixture
def site(service, limits) -> Iterator[Site]:
    app = create_app(Storefront(service), secret_key="test-secret", limits=limits)
    with TestClient(app, base_url="http://testserver") as client:
        yield Site(client, service)
