"""Head office's dashboard through the real ASGI app on a real SQLite file: its sign-in (the admin
password's hash from the settings, CSRF, the rate limit), and its figures: today's bookings by
channel, pending, rejected with reasons, utilisation per pool as SVG charts, refreshing by itself."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from rentaldesk.config import load_settings
from rentaldesk.errors import InvalidInput
from rentaldesk.models import Reservation as ReservationRow
from rentaldesk.passwords import hash_password, is_hash, verify_password
from rentaldesk.web.app import create_app
from rentaldesk.web.dashboard import NOT_SET_UP, WRONG_PASSWORD, DashboardSettings
from rentaldesk.web.storefront import Storefront
from tests.conftest import day

from .conftest import BOSTON, Site, csrf_of, error_next_to, text_of

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def hashed() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def admin(service, hashed):
    app = create_app(Storefront(service), secret_key="test-secret",
                     dashboard=DashboardSettings(hashed, refresh=15, sign_ins=3))
    with TestClient(app, base_url="http://testserver") as client:
        yield Site(client, service)


def sign_in(site: Site, password: str = PASSWORD):
    token = csrf_of(site.client.get("/dashboard").text)
    return site.client.post("/dashboard/sign-in", data={"csrf_token": token, "password": password},
                            follow_redirects=False)


def test_without_a_password_set_the_dashboard_says_how_to_set_it_up(site):
    page = site.client.get("/dashboard")
    assert page.status_code == 503 and NOT_SET_UP in text_of(page.text)
    assert "password" not in page.text.split("<main", 1)[1].split("</main>")[0].lower().replace(
        "admin_password", "").replace("--hash-password", "")  # no sign-in form
    token = site.token()
    assert site.client.post("/dashboard/sign-in", data={"csrf_token": token, "password": "x"}).status_code == 503


def test_the_sign_in_page_is_a_labelled_password_field(admin):
    page = admin.client.get("/dashboard")
    assert page.status_code == 200
    assert '<label for="password">Dashboard password</label>' in page.text
    assert 'type="password"' in page.text and 'autocomplete="current-password"' in page.text
    assert admin.client.get("/dashboard/panel").status_code == 401  # no figures before signing in


def test_a_wrong_password_is_refused_next_to_its_field(admin):
    refused = sign_in(admin, "wrong")
    assert refused.status_code == 401 and error_next_to(refused.text, "password") == WRONG_PASSWORD
    assert 'aria-invalid="true"' in refused.text
    assert sign_in(admin, "").status_code == 422
    assert admin.client.get("/dashboard/panel").status_code == 401


def test_the_sign_in_needs_its_csrf_token(admin):
    assert admin.client.post("/dashboard/sign-in", data={"password": PASSWORD}).status_code == 403
    assert admin.client.get("/dashboard/panel").status_code == 401


def test_the_sign_in_is_rate_limited_per_client(admin):
    assert [sign_in(admin, f"guess {n}").status_code for n in range(3)] == [401, 401, 401]
    limited = sign_in(admin)  # even the right password, once over the limit
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert admin.client.get("/dashboard/panel").status_code == 401


def test_signed_in_the_dashboard_shows_today_by_channel_pending_rejected_and_utilisation(admin, service):
    admin.book()  # the web
    counter = service.create_reservation(email="bo@example.com", name="Bo Chen", vehicle_class="Economy",
                                         zip_code=BOSTON, start=day(3, 14), end=day(5, 14))
    rejected = service.create_reservation(email="cy@example.com", name="Cy Park", vehicle_class="Economy",
                                          zip_code=BOSTON, start=day(6, 14), end=day(8, 14))
    pending = service.create_reservation(email="di@example.com", name="Di Ross", vehicle_class="Economy",
                                         zip_code=BOSTON, start=day(9, 14), end=day(10, 14))
    with service.db.write() as s:  # head office's decisions, as a branch stores them
        s.execute(update(ReservationRow).where(ReservationRow.id == rejected.id)
                  .values(status="rejected", status_reason="No <car> free in the pool at head office"))
        s.execute(update(ReservationRow).where(ReservationRow.id == pending.id).values(status="pending"))
    assert sign_in(admin).status_code == 303
    page = admin.client.get("/dashboard")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Booked today: 4" in words
    channels = re.search(r'<ul class="chart" id="chart-channels" aria-label="Bookings today by channel">.*?</ul>',
                         page.text, re.S)
    assert channels and text_of(channels.group(0)).split() == ["Counter", "3", "Web", "1"]
    assert "Waiting for head office: 1" in words and pending.reference in words
    assert "Rejected: 1" in words and rejected.reference in words
    assert "Why: No <car> free in the pool at head office" in words  # escaped in the page, read back here
    assert "No <car>" not in page.text
    assert counter.reference not in words.split("Rejected:")[0].split("Waiting for head office")[1]
    assert "Boston Downtown (02108)" in words
    use = re.findall(r'<ul class="chart" id="chart-use-\d+" aria-label="Utilisation at [^"]+">.*?</ul>', page.text, re.S)
    assert len(use) == 3 and all("in service" in u for u in use)  # the sample's three branches
    assert ' style="' not in page.text and "<style" not in page.text and not re.search(r"<script(?![^>]*\bsrc=)", page.text)
    assert 'hx-get="/dashboard/panel" hx-trigger="every 15s"' in page.text
    panel = admin.client.get("/dashboard/panel", headers={"hx-request": "true"})
    assert panel.status_code == 200 and panel.text.lstrip().startswith('<div id="dashboard-panel"')
    assert "Booked today: 4" in text_of(panel.text)


def test_the_charts_bars_are_as_long_as_their_share(admin, service):
    for n in range(3):
        service.create_reservation(email=f"c{n}@example.com", name=f"C {n}", vehicle_class="Economy",
                                   zip_code=BOSTON, start=day(3 + 3 * n, 14), end=day(4 + 3 * n, 14))
    admin.book()
    sign_in(admin)
    page = admin.client.get("/dashboard").text
    chart = re.search(r'<ul class="chart" id="chart-channels".*?</ul>', page, re.S)
    assert chart
    widths = re.findall(r'width="([\d.]+)" height="10" class="chart-bar"', chart.group(0))
    assert [float(w) for w in widths] == [100.0, pytest.approx(100 / 3, abs=0.1)]  # counter 3, web 1


def test_sign_out_ends_the_session(admin):
    sign_in(admin)
    page = admin.client.get("/dashboard")
    out = admin.client.post("/dashboard/sign-out", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert out.status_code == 303
    assert admin.client.get("/dashboard/panel").status_code == 401
    assert "Dashboard password" in admin.client.get("/dashboard").text


def test_password_hashes():
    hashed = hash_password("pw")
    assert is_hash(hashed) and verify_password("pw", hashed) and not verify_password("pW", hashed)
    assert hash_password("pw") != hashed  # salted
    assert not is_hash("pw") and not verify_password("pw", "pw")
    assert not verify_password("x" * 2000, hashed)


def test_the_admin_password_setting_takes_a_hash_only(tmp_path, hashed):
    settings = load_settings(db=str(tmp_path / "b.sqlite"), environ={"RENTALDESK_WEB_ADMIN_PASSWORD": hashed,
                                                                     "RENTALDESK_WEB_HTTPS_ONLY": "true"})
    assert settings.web.admin_password == hashed and settings.web.https_only
    assert load_settings(db=str(tmp_path / "b.sqlite"), environ={}).web.admin_password is None
    with pytest.raises(InvalidInput) as caught:
        load_settings(db=str(tmp_path / "b.sqlite"), environ={"RENTALDESK_WEB_ADMIN_PASSWORD": "hunter2"})
    assert "RENTALDESK_WEB_ADMIN_PASSWORD is not a password hash" in caught.value.message
    assert "hunter2" not in caught.value.message  # a password typed there is never echoed
    config = tmp_path / "rentaldesk.toml"
    config.write_text('[web]\npublic_url = "ftp://x"\n', encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_settings(db=str(tmp_path / "b.sqlite"), environ={}, config=config)
    assert "public_url" in caught.value.message and "not the site's address" in caught.value.message


def test_https_only_marks_the_cookie_secure_and_sends_hsts(service):
    with TestClient(create_app(Storefront(service), https_only=True), base_url="http://testserver") as client:
        page = client.get("/")
    assert "secure" in page.headers["set-cookie"].lower()
    assert page.headers["strict-transport-security"].startswith("max-age=")


def test_the_dashboards_pages_label_every_field_and_tie_errors(admin):
    pages = {"sign-in": admin.client.get("/dashboard").text, "refused": sign_in(admin, "wrong").text}
    sign_in(admin)
    pages["dashboard"] = admin.client.get("/dashboard").text
    for name, page in pages.items():
        assert '<html lang="en">' in page and page.count("<h1>") == 1, name
        ids = set(re.findall(r'\bid="([^"]+)"', page))
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page):
            if 'type="hidden"' in tag:
                continue
            field = re.search(r'\bid="([^"]+)"', tag)
            assert field and f'<label for="{field.group(1)}"' in page, f"{name}: {tag}"
            for described in re.findall(r'aria-describedby="([^"]+)"', tag):
                assert set(described.split()) <= ids, f"{name}: {tag}"
        assert not re.search(r'tabindex="[1-9]', page), name
    # the charts: each a labelled list; the SVG bars are decoration beside the words
    assert all('aria-hidden="true"' in svg for svg in re.findall(r"<svg\b[^>]*>", pages["dashboard"]))
    assert re.findall(r'<h2 id="([^"]+)"', pages["dashboard"]) == ["today-title", "pending-title", "rejected-title",
                                                                   "use-title"]
