"""Head office's dashboard on the web site: ``/dashboard``, behind a sign-in with a staff account
that may read it (:attr:`~rentaldesk.permissions.Permission.READ_DASHBOARD`: managers and admins),
or, only while the database has no staff account at all, with the one admin password of the
settings (``web.admin_password``, a :mod:`rentaldesk.passwords` hash).

It shows, as of now: today's bookings by channel (the counter, the web: ``reservations.channel``),
the bookings waiting for head office (pending), the rejected ones with their reasons, and the
utilisation of each pool (class at a location, :func:`rentaldesk.queries.fleet_status`, the desk's
fleet board's figure) as charts. The charts are SVG drawn on the server (no script, no inline style:
the site's content security policy holds), each with its figures as text too. The panel refreshes
itself with htmx (``hx-get`` every :attr:`DashboardSettings.refresh` seconds); a signed-out panel
answers 401 and asks to sign in again.

The sign-in posts with the CSRF token, is rate limited per client (a wrong password is counted, a
right one too: no unlimited guessing), and goes through :func:`rentaldesk.staff.sign_in_session`,
the desk's own sign-in, so its back-off after failures under one username holds here too, and an
inactive account is refused. A staff account signs in as head office's people do (no branch): one
tied to branches is refused with the sign-in's own words.

The signed session cookie keeps who signed in, a stamp of their password's hash
(:func:`rentaldesk.staff.session_actor`; of ``web.admin_password`` for the settings' password), the
sign-in's time and the last use. Every request checks them against the database as it is now: the
session ends when the account is made inactive, its password changes, its role loses the
permission, when the first staff account is made (for the settings' password), after
:attr:`DashboardSettings.idle` seconds without the user asking for a page (the panel's own
refresh does not count, or a screen left open would never idle out), and at the latest
:data:`SIGNED_IN_FOR` after the sign-in. Times are the storefront's clock's.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..db import Database
from ..display import long_time, period_text, zone_name
from ..models import CHANNELS, Branch, ReservationStatus, VehicleClass
from ..models import Reservation as ReservationRow
from ..errors import SignInFailed
from ..passwords import verify_password
from ..permissions import Permission, allowed
from ..queries import fleet_status
from ..staff import has_staff, session_actor, sign_in_session
from ..text import printable
from .security import RateLimit, client_of

if TYPE_CHECKING:
    from .app import _Site

#: How long a sign-in lasts at most (then the password again), and by default without use.
SIGNED_IN_FOR = 8 * 60 * 60
IDLE_FOR = 30 * 60
_SESSION_KEY = "dashboard"
WRONG_PASSWORD = "That password is not the dashboard's. Try again."
NOT_SET_UP = ("The dashboard is not set up: add a staff account (a manager or an admin: rentaldesk staff add), "
              "or until there is one set web.admin_password in the settings (or "
              "RENTALDESK_WEB_ADMIN_PASSWORD) to what `rentaldesk web --hash-password` prints, then restart the site.")
NO_USERNAME = "Type your username."
NO_PASSWORD = "Type your password."
NO_DASHBOARD_PASSWORD = "Type the dashboard's password."
#: A staff member whose role may not read the dashboard (a clerk).
NOT_ALLOWED = ("The account '{username}' ({role}) may not read the dashboard: it is for managers and admins. "
               "Ask an admin.")
#: What the sign-in page says of the settings' password, by whether staff accounts exist.
STAFF_NOTE = ("Sign in with your staff account (managers and admins). The dashboard password of the settings "
              "(web.admin_password) no longer signs in: this database has staff accounts.")
PASSWORD_NOTE = ("This database has no staff accounts yet, so the dashboard password of the settings "
                 "(web.admin_password) signs in. Once the first staff account is made, only staff accounts "
                 "do (managers and admins), and this password's sessions end.")
#: The most rows of a list the page shows (the newest first); the count says how many in all.
SHOWN = 20


@dataclass(frozen=True, slots=True)
class DashboardSettings:
    """The dashboard's sign-in and view: ``password_hash`` (``web.admin_password``, which signs in
    only while the database has no staff account), the zone "today" is counted in, the refresh
    period (seconds), the sign-in's rate limit (tries per window), and the idle time (seconds)."""

    password_hash: str | None
    zone: tzinfo = field(default_factory=lambda: ZoneInfo("UTC"))
    refresh: int = 30
    sign_ins: int = 5
    window: float = 600.0
    #: Seconds without a page asked for by the user after which the session ends.
    idle: float = IDLE_FOR


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a chart: its label, its value as a share of the chart's width, and as text."""

    label: str
    share: float
    text: str


@dataclass(frozen=True, slots=True)
class Listed:
    reference: str
    location: str
    vehicle_class: str
    period: str
    channel: str
    when: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Figures:
    """What the dashboard shows as of ``now``."""

    now: str
    day: str
    by_channel: tuple[Bar, ...]
    booked_today: int
    pending: tuple[Listed, ...]
    pending_count: int
    rejected: tuple[Listed, ...]
    rejected_count: int
    utilisation: tuple[tuple[str, tuple[Bar, ...]], ...]


def figures(db: Database, now: datetime, zone: tzinfo) -> Figures:
    """The dashboard's figures on ``db`` as of ``now``, "today" being ``now``'s day in ``zone``."""
    local = now.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    # Aware arithmetic in a ZoneInfo is wall-clock: one day on is the next midnight, over a clock change too.
    day_start, day_end = midnight.astimezone(timezone.utc), (midnight + timedelta(days=1)).astimezone(timezone.utc)
    with db.session() as s:
        branches = {b.zip_code: (b.name, ZoneInfo(b.time_zone)) for b in s.scalars(select(Branch))}
        classes = {c.code: c.name for c in s.scalars(select(VehicleClass))}
        counted = Counter({channel: 0 for channel in CHANNELS})
        for channel, n in s.execute(
                select(ReservationRow.channel, func.count()).where(
                    ReservationRow.created_at >= day_start, ReservationRow.created_at < day_end)
                .group_by(ReservationRow.channel)):
            counted[channel] += n

        def listed(status: str) -> tuple[tuple[Listed, ...], int]:
            total = s.scalar(select(func.count()).select_from(ReservationRow).where(ReservationRow.status == status)) or 0
            rows = s.scalars(select(ReservationRow).where(ReservationRow.status == status)
                             .order_by(ReservationRow.updated_at.desc()).limit(SHOWN))
            found = []
            for r in rows:
                name, branch_zone = branches.get(r.zip_code, (r.zip_code, zone))
                found.append(Listed(r.reference, f"{name} ({r.zip_code})", classes.get(r.vehicle_class, r.vehicle_class),
                                    period_text(r.start_at, r.end_at, branch_zone), r.channel,
                                    long_time(r.updated_at, zone), printable(r.status_reason) or "no reason was given"))
            return tuple(found), total

        pending = listed(ReservationStatus.PENDING.value)
        rejected = listed(ReservationStatus.REJECTED.value)
    most = max(counted.values()) or 1
    by_channel = tuple(Bar(channel.capitalize(), n / most, str(n)) for channel, n in counted.items())
    pools: dict[str, list[Bar]] = {}
    for pool in fleet_status(db, now):
        name = branches.get(pool.zip_code, (pool.zip_code, zone))[0]
        pools.setdefault(f"{name} ({pool.zip_code})", []).append(
            Bar(classes.get(pool.vehicle_class, pool.vehicle_class), pool.utilisation,
                f"{pool.utilisation:.0%} of {pool.in_service} in service"))
    return Figures(now=long_time(now, zone), day=f"{local:%a %d %b %Y} ({zone_name(zone)})",
                   by_channel=by_channel, booked_today=sum(counted.values()),
                   pending=pending[0], pending_count=pending[1], rejected=rejected[0], rejected_count=rejected[1],
                   utilisation=tuple((place, tuple(bars)) for place, bars in pools.items()))


def routes(site: _Site, settings: DashboardSettings) -> list[Route]:
    """The dashboard's routes on ``site``."""
    pages = _Dashboard(site, settings)
    return [
        Route("/dashboard", pages.dashboard, methods=["GET"]),
        Route("/dashboard/panel", pages.panel, methods=["GET"]),
        Route("/dashboard/sign-in", pages.sign_in, methods=["POST"]),
        Route("/dashboard/sign-out", pages.sign_out, methods=["POST"]),
    ]


def _password_stamp(hashed: str) -> str:
    """The stamp of a session signed in with the settings' password: a digest of its hash, so a
    new ``web.admin_password`` ends the sessions of the old one."""
    return hashlib.sha256(f"rentaldesk.web.dashboard\0{hashed}".encode()).hexdigest()[:32]


class _Dashboard:
    def __init__(self, site: _Site, settings: DashboardSettings) -> None:
        self.site = site
        self.settings = settings
        self.limit = RateLimit(settings.sign_ins, settings.window)

    @property
    def db(self) -> Database:
        return self.site.store.service.db

    def now(self) -> float:
        return self.site.store.service.clock().timestamp()

    def mode(self) -> str | None:
        """How one signs in now: ``"staff"`` (the database has staff accounts), ``"password"`` (none,
        and the settings have the dashboard's password), or None (neither: not set up)."""
        if has_staff(self.db):
            return "staff"
        return "password" if self.settings.password_hash is not None else None

    def _session_stands(self, held: object) -> str | None:
        """Who the session ``held`` is signed in as ('' for the settings' password) while it stands."""
        if not isinstance(held, dict):
            return None
        who, stamp, since, seen = (held.get(k) for k in ("user", "stamp", "since", "seen"))
        if not (isinstance(who, str) and isinstance(stamp, str) and isinstance(since, (int, float))
                and isinstance(seen, (int, float))):
            return None
        now = self.now()
        if not (0 <= now - since < SIGNED_IN_FOR and 0 <= now - seen < self.settings.idle):
            return None
        if who == "":
            hashed = self.settings.password_hash
            if hashed is None or has_staff(self.db) or not hmac.compare_digest(stamp, _password_stamp(hashed)):
                return None
            return who
        actor = session_actor(self.db, who, stamp)
        return who if actor is not None and allowed(actor, Permission.READ_DASHBOARD) else None

    async def signed_in(self, request: Request, *, renew: bool) -> str | None:
        """Who is signed in on ``request``'s session, checked against the database now (None: nobody,
        and a session that no longer stands is dropped); ``renew`` counts the request as use."""
        held = request.session.get(_SESSION_KEY)
        if held is None:
            return None
        who = await run_in_threadpool(self._session_stands, held)
        if who is None:
            request.session.pop(_SESSION_KEY, None)
        elif renew:
            request.session[_SESSION_KEY] = {**held, "seen": self.now()}
        return who

    def _start_session(self, request: Request, who: str, stamp: str) -> None:
        now = self.now()
        request.session[_SESSION_KEY] = {"user": who, "stamp": stamp, "since": now, "seen": now}

    async def _figures(self) -> Figures:
        store = self.site.store
        return await run_in_threadpool(figures, store.service.db, store.service.clock(), self.settings.zone)

    def not_set_up(self, request: Request) -> Response:
        return self.site.page(request, "problem.html", 503, title="Dashboard not set up", message=NOT_SET_UP)

    def sign_in_page(self, request: Request, mode: str, status: int = 200, errors: dict[str, str] | None = None,
                     values: dict[str, str] | None = None) -> Response:
        return self.site.page(request, "sign_in.html", status, title="Head office sign-in", mode=mode,
                              note=STAFF_NOTE if mode == "staff" else PASSWORD_NOTE,
                              errors=errors or {}, values=values or {})

    async def dashboard(self, request: Request) -> Response:
        mode = await run_in_threadpool(self.mode)
        if mode is None:
            return self.not_set_up(request)
        who = await self.signed_in(request, renew=True)
        if who is None:
            return self.sign_in_page(request, mode)
        return self.site.page(request, "dashboard.html", title="Dashboard", figures=await self._figures(),
                              refresh=self.settings.refresh, who=who)

    async def panel(self, request: Request) -> Response:
        if await self.signed_in(request, renew=False) is None:
            return self.site.page(request, "_signed_out.html", 401)
        return self.site.page(request, "_dashboard_panel.html", figures=await self._figures(),
                              refresh=self.settings.refresh)

    async def sign_in(self, request: Request) -> Response:
        fields = await self.site.form(request)
        if fields is None:
            return self.site.refused(request)
        mode = await run_in_threadpool(self.mode)
        if mode is None:
            return self.not_set_up(request)
        if not self.limit.allow(client_of(request)):
            return self.site.too_many(request, self.limit)
        request.session.pop(_SESSION_KEY, None)
        password = fields.get("password", "")
        if mode == "password":
            hashed = self.settings.password_hash
            assert hashed is not None, "mode() says so"
            if not password:
                return self.sign_in_page(request, mode, 422, {"password": NO_DASHBOARD_PASSWORD})
            if not await run_in_threadpool(verify_password, password, hashed):
                return self.sign_in_page(request, mode, 401, {"password": WRONG_PASSWORD})
            self._start_session(request, "", _password_stamp(hashed))
            return RedirectResponse("/dashboard", status_code=303)
        username = printable(fields.get("username", "")).strip()[:64]
        values = {"username": username}
        if not username:
            return self.sign_in_page(request, mode, 422, {"username": NO_USERNAME}, values)
        if not password:
            return self.sign_in_page(request, mode, 422, {"password": NO_PASSWORD}, values)
        db, now = self.db, self.site.store.service.clock()
        try:  # the sign-in writes (its failures, for the back-off): through the site's one writer
            actor, stamp = await self.site.write(
                lambda: sign_in_session(db, username, password, branch=None, workstation="web dashboard", now=now))
        except SignInFailed as exc:
            return self.sign_in_page(request, mode, 401, {"password": exc.message}, values)
        if not allowed(actor, Permission.READ_DASHBOARD):
            return self.sign_in_page(request, mode, 403,
                                     {"username": NOT_ALLOWED.format(username=actor.username, role=actor.role)},
                                     values)
        self._start_session(request, actor.username, stamp)
        return RedirectResponse("/dashboard", status_code=303)

    async def sign_out(self, request: Request) -> Response:
        fields = await self.site.form(request)
        if fields is None:
            return self.site.refused(request)
        request.session.pop(_SESSION_KEY, None)
        return RedirectResponse("/dashboard", status_code=303)
