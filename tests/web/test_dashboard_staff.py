"""The dashboard's sign-in with staff accounts, through the real ASGI app on a real SQLite file:
a manager or an admin signs in through the desk's own sign-in (its back-off, inactive accounts),
a clerk is refused, a session ends when its account is made inactive, its password changes or its
role loses the permission, and after its idle time; the settings' password signs in only while
the database has no staff account (and its sessions end when the first one is made)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from rentaldesk.actor import Actor, acting_as
from rentaldesk.passwords import hash_password
from rentaldesk.staff import FREE_TRIES, WRONG, add_staff, update_staff
from rentaldesk.web.app import create_app
from rentaldesk.web.dashboard import (
    IDLE_FOR,
    NO_USERNAME,
    NOT_ALLOWED,
    PASSWORD_NOTE,
    SIGNED_IN_FOR,
    STAFF_NOTE,
    WRONG_PASSWORD,
    DashboardSettings,
)
from rentaldesk.web.storefront import Storefront

from .conftest import Site, csrf_of, error_next_to, text_of

ADMIN_PASSWORD = "the settings' own dashboard password"
PASSWORDS = {"max": "manager password 1", "dana": "admin password 12", "cleo": "clerk password 123"}
ADMIN = Actor("dana", "admin")


@pytest.fixture(scope="module")
def hashed() -> str:
    return hash_password(ADMIN_PASSWORD)


def make_staff(db, branches: tuple[str, ...] = ()) -> None:
    add_staff(db, username="dana", name="Dana Admin", role="admin", password=PASSWORDS["dana"])  # the first: open
    with acting_as(ADMIN):
        add_staff(db, username="max", name="Max Manager", role="manager", password=PASSWORDS["max"])
        add_staff(db, username="cleo", name="Cleo Clerk", role="clerk", password=PASSWORDS["cleo"])
        add_staff(db, username="bea", name="Bea Branch", role="manager", password="branch manager 1",
                  branches=branches)


@pytest.fixture
def dashboard(service, hashed):
    app = create_app(Storefront(service), secret_key="test-secret",
                     dashboard=DashboardSettings(hashed, sign_ins=50, idle=600))
    with TestClient(app, base_url="http://testserver") as client:
        yield Site(client, service)


@pytest.fixture
def staffed(dashboard, service):
    make_staff(service.db, branches=("02108",))
    return dashboard


def sign_in(site: Site, username: str | None, password: str):
    token = csrf_of(site.client.get("/dashboard").text)
    data = {"csrf_token": token, "password": password}
    if username is not None:
        data["username"] = username
    return site.client.post("/dashboard/sign-in", data=data, follow_redirects=False)


def signed_in(site: Site) -> bool:
    """Whether the session reads the figures (the panel: no renewal of its idle time)."""
    status = site.client.get("/dashboard/panel").status_code
    assert status in (200, 401)
    return status == 200


@pytest.mark.parametrize("username", ["max", "dana", " Max "])
def test_a_manager_or_an_admin_signs_in_with_username_and_password(staffed, username):
    page = staffed.client.get("/dashboard")
    assert page.status_code == 200 and STAFF_NOTE in text_of(page.text)
    assert '<label for="username">Username</label>' in page.text and 'autocomplete="username"' in page.text
    assert signed_in(staffed) is False
    done = sign_in(staffed, username, PASSWORDS[username.strip().lower()])
    assert done.status_code == 303 and done.headers["location"] == "/dashboard"
    assert signed_in(staffed)
    assert f"Signed in as {username.strip().lower()}." in text_of(staffed.client.get("/dashboard").text)


def test_a_wrong_password_or_unknown_name_is_refused_with_one_message(staffed):
    for username, password in (("max", "not the password"), ("nobody", PASSWORDS["max"])):
        refused = sign_in(staffed, username, password)
        assert refused.status_code == 401 and error_next_to(refused.text, "password") == WRONG
        assert 'value="' + username + '"' in refused.text  # the username stays typed
        assert signed_in(staffed) is False
    assert error_next_to(sign_in(staffed, "", PASSWORDS["max"]).text, "username") == NO_USERNAME


def test_the_back_off_of_the_desks_sign_in_holds_here(staffed, clock):
    for n in range(FREE_TRIES):
        assert sign_in(staffed, "max", f"guess {n}").status_code == 401
    waiting = sign_in(staffed, "max", PASSWORDS["max"])  # even the right password, within the wait
    assert waiting.status_code == 401 and "Too many failed sign-ins: wait" in error_next_to(waiting.text, "password")
    assert signed_in(staffed) is False
    clock.advance(seconds=60)
    assert sign_in(staffed, "max", PASSWORDS["max"]).status_code == 303 and signed_in(staffed)


def test_a_clerk_is_refused_with_a_clear_message(staffed):
    refused = sign_in(staffed, "cleo", PASSWORDS["cleo"])
    assert refused.status_code == 403
    assert error_next_to(refused.text, "username") == NOT_ALLOWED.format(username="cleo", role="clerk")
    assert signed_in(staffed) is False


def test_an_inactive_account_is_refused(staffed, service):
    with acting_as(ADMIN):
        update_staff(service.db, "max", active=False)
    refused = sign_in(staffed, "max", PASSWORDS["max"])
    assert refused.status_code == 401 and "not active" in error_next_to(refused.text, "password")
    assert signed_in(staffed) is False


def test_an_account_of_a_branch_is_refused_at_head_office(staffed):
    refused = sign_in(staffed, "bea", "branch manager 1")
    assert refused.status_code == 401 and "signs in at its branches only" in error_next_to(refused.text, "password")


def test_the_session_ends_when_the_account_is_made_inactive(staffed, service):
    assert sign_in(staffed, "max", PASSWORDS["max"]).status_code == 303 and signed_in(staffed)
    with acting_as(ADMIN):
        update_staff(service.db, "max", active=False)
    assert signed_in(staffed) is False
    with acting_as(ADMIN):
        update_staff(service.db, "max", active=True)
    assert signed_in(staffed) is False  # ended, not paused: the password again
    assert "Username" in staffed.client.get("/dashboard").text


def test_the_session_ends_when_the_account_is_given_branches(staffed, service):
    """The sign-in's rule of where an account may sign in holds for the session too: head office's
    manager made a branch's signs in at that branch only, no longer here."""
    assert sign_in(staffed, "max", PASSWORDS["max"]).status_code == 303 and signed_in(staffed)
    with acting_as(ADMIN):
        update_staff(service.db, "max", branches=["02108"])
    assert signed_in(staffed) is False


@pytest.mark.parametrize("new_password", ["a new password 1", PASSWORDS["max"]])
def test_the_session_ends_when_the_password_changes(staffed, service, new_password):
    """Also when set to the same password again (a fresh hash): an admin resetting it ends every session."""
    assert sign_in(staffed, "max", PASSWORDS["max"]).status_code == 303 and signed_in(staffed)
    other = TestClient(staffed.client.app, base_url="http://testserver")  # another browser, signed in too
    other_site = Site(other, service)
    assert sign_in(other_site, "max", PASSWORDS["max"]).status_code == 303 and signed_in(other_site)
    with acting_as(ADMIN):
        update_staff(service.db, "max", password=new_password)
    assert signed_in(staffed) is False and signed_in(other_site) is False
    assert sign_in(staffed, "max", new_password).status_code == 303 and signed_in(staffed)


def test_the_session_ends_when_the_role_loses_the_permission(staffed, service):
    assert sign_in(staffed, "max", PASSWORDS["max"]).status_code == 303 and signed_in(staffed)
    with acting_as(ADMIN):
        update_staff(service.db, "max", name="Max M. Manager")  # a change that is not about the sign-in
    assert signed_in(staffed)
    with acting_as(ADMIN):
        update_staff(service.db, "max", role="clerk")
    assert signed_in(staffed) is False


def test_the_session_ends_after_its_idle_time_and_the_panels_refresh_is_not_use(staffed, clock):
    assert sign_in(staffed, "max", PASSWORDS["max"]).status_code == 303
    for _ in range(3):  # pages asked for by the user keep it
        clock.advance(seconds=500)
        assert staffed.client.get("/dashboard").status_code == 200 and signed_in(staffed)
    clock.advance(seconds=500)
    assert signed_in(staffed)  # the panel's own refresh...
    clock.advance(seconds=101)
    assert signed_in(staffed) is False  # ...did not renew it: 601 s since the last page
    assert "Username" in staffed.client.get("/dashboard").text


def test_a_session_ends_at_the_latest_after_its_longest(staffed, clock):
    assert sign_in(staffed, "max", PASSWORDS["max"]).status_code == 303
    used = 0
    while signed_in(staffed) and used <= SIGNED_IN_FOR:  # in use all along: a page every 500 s
        staffed.client.get("/dashboard")
        clock.advance(seconds=500)
        used += 500
    assert SIGNED_IN_FOR <= used < SIGNED_IN_FOR + 500


def test_the_default_idle_time_is_shorter_than_the_longest_session():
    assert 0 < IDLE_FOR < SIGNED_IN_FOR and DashboardSettings(None).idle == IDLE_FOR


def test_without_staff_the_settings_password_signs_in_and_the_page_says_so(dashboard):
    page = dashboard.client.get("/dashboard")
    assert PASSWORD_NOTE in text_of(page.text) and '<label for="password">Dashboard password</label>' in page.text
    assert 'id="username"' not in page.text
    assert sign_in(dashboard, None, "wrong").status_code == 401
    assert sign_in(dashboard, None, ADMIN_PASSWORD).status_code == 303 and signed_in(dashboard)
    assert "Signed in with the dashboard password." in text_of(dashboard.client.get("/dashboard").text)


def test_with_staff_the_settings_password_is_refused(staffed):
    assert sign_in(staffed, None, ADMIN_PASSWORD).status_code == 422  # no username: the staff form
    for username in ("admin", "dana", "max"):
        refused = sign_in(staffed, username, ADMIN_PASSWORD)
        assert refused.status_code == 401 and error_next_to(refused.text, "password") == WRONG
    assert signed_in(staffed) is False


def test_the_first_staff_account_ends_the_settings_passwords_sessions(dashboard, service):
    assert sign_in(dashboard, None, ADMIN_PASSWORD).status_code == 303 and signed_in(dashboard)
    make_staff(service.db)
    assert signed_in(dashboard) is False
    page = dashboard.client.get("/dashboard")
    assert STAFF_NOTE in text_of(page.text) and 'id="username"' in page.text


def test_a_new_settings_password_ends_the_old_ones_sessions(service, hashed):
    app = create_app(Storefront(service), secret_key="test-secret", dashboard=DashboardSettings(hashed))
    with TestClient(app, base_url="http://testserver") as client:
        site = Site(client, service)
        assert sign_in(site, None, ADMIN_PASSWORD).status_code == 303 and signed_in(site)
        cookies = dict(client.cookies)
    renewed = create_app(Storefront(service), secret_key="test-secret",
                         dashboard=DashboardSettings(hash_password("another password")))
    with TestClient(renewed, base_url="http://testserver", cookies=cookies) as client:
        assert client.get("/dashboard/panel").status_code == 401


def test_with_staff_and_no_settings_password_the_dashboard_works(service):
    make_staff(service.db)
    app = create_app(Storefront(service), secret_key="test-secret", dashboard=DashboardSettings(None))
    with TestClient(app, base_url="http://testserver") as client:
        site = Site(client, service)
        assert sign_in(site, "dana", PASSWORDS["dana"]).status_code == 303 and signed_in(site)


def test_the_staff_sign_in_keeps_its_csrf_token_and_rate_limit(service, hashed):
    make_staff(service.db)
    app = create_app(Storefront(service), secret_key="test-secret", dashboard=DashboardSettings(hashed, sign_ins=2))
    with TestClient(app, base_url="http://testserver") as client:
        site = Site(client, service)
        assert client.post("/dashboard/sign-in", data={"username": "max", "password": PASSWORDS["max"]}).status_code == 403
        assert [sign_in(site, "max", f"guess {n}").status_code for n in range(2)] == [401, 401]
        limited = sign_in(site, "dana", PASSWORDS["dana"])
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
        assert signed_in(site) is False


def test_the_wrong_password_words_are_the_settings_passwords_only(dashboard):
    assert error_next_to(sign_in(dashboard, None, "wrong").text, "password") == WRONG_PASSWORD
