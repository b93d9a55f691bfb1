"""Head office's dashboard on the web site: ``/dashboard``, behind a sign-in with the one admin
password of the settings (``web.admin_password``, a :mod:`rentaldesk.passwords` hash) until staff
accounts exist.

It shows, as of now: today's bookings by channel (the counter, the web: ``reservations.channel``),
the bookings waiting for head office (pending), the rejected ones with their reasons, and the
utilisation of each pool (class at a location, :func:`rentaldesk.queries.fleet_status`, the desk's
fleet board's figure) as charts. The charts are SVG drawn on the server (no script, no inline style:
the site's content security policy holds), each with its figures as text too. The panel refreshes
itself with htmx (``hx-get`` every :attr:`DashboardSettings.refresh` seconds); a signed-out panel
answers 401 and asks to sign in again.

The sign-in posts with the CSRF token, is rate limited per client (a wrong password is counted, a
right one too: no unlimited guessing), and keeps ``admin`` in the signed session cookie, with its
time: a sign-in lasts :data:`SIGNED_IN_FOR`.
"""

from __future__ import annotations

import time
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
from ..passwords import verify_password
from ..queries import fleet_status
from ..text import printable
from .security import RateLimit, client_of

if TYPE_CHECKING:
    from .app import _Site

#: How long a sign-in lasts (then the password again).
SIGNED_IN_FOR = 8 * 60 * 60
_SESSION_KEY = "admin_since"
WRONG_PASSWORD = "That password is not the dashboard's. Try again."
NOT_SET_UP = ("The dashboard is not set up: set web.admin_password in the settings (or "
              "RENTALDESK_WEB_ADMIN_PASSWORD) to what `rentaldesk web --hash-password` prints, then restart the site.")
#: The most rows of a list the page shows (the newest first); the count says how many in all.
SHOWN = 20


@dataclass(frozen=True, slots=True)
class DashboardSettings:
    """The dashboard's sign-in and view: ``password_hash`` (``web.admin_password``), the zone "today"
    is counted in, the refresh period (seconds), and the sign-in's rate limit (tries per window)."""

    password_hash: str | None
    zone: tzinfo = field(default_factory=lambda: ZoneInfo("UTC"))
    refresh: int = 30
    sign_ins: int = 5
    window: float = 600.0


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


class _Dashboard:
    def __init__(self, site: _Site, settings: DashboardSettings) -> None:
        self.site = site
        self.settings = settings
        self.limit = RateLimit(settings.sign_ins, settings.window)

    def signed_in(self, request: Request) -> bool:
        if self.settings.password_hash is None:
            return False
        since = request.session.get(_SESSION_KEY)
        return isinstance(since, (int, float)) and 0 <= time.time() - since < SIGNED_IN_FOR

    async def _figures(self) -> Figures:
        store = self.site.store
        return await run_in_threadpool(figures, store.service.db, store.service.clock(), self.settings.zone)

    def not_set_up(self, request: Request) -> Response:
        return self.site.page(request, "problem.html", 503, title="Dashboard not set up", message=NOT_SET_UP)

    async def dashboard(self, request: Request) -> Response:
        if self.settings.password_hash is None:
            return self.not_set_up(request)
        if not self.signed_in(request):
            return self.site.page(request, "sign_in.html", title="Head office sign-in")
        return self.site.page(request, "dashboard.html", title="Dashboard", figures=await self._figures(),
                              refresh=self.settings.refresh)

    async def panel(self, request: Request) -> Response:
        if not self.signed_in(request):
            return self.site.page(request, "_signed_out.html", 401)
        return self.site.page(request, "_dashboard_panel.html", figures=await self._figures(),
                              refresh=self.settings.refresh)

    async def sign_in(self, request: Request) -> Response:
        fields = await self.site.form(request)
        if fields is None:
            return self.site.refused(request)
        hashed = self.settings.password_hash
        if hashed is None:
            return self.not_set_up(request)
        if not self.limit.allow(client_of(request)):
            return self.site.too_many(request, self.limit)
        password = fields.get("password", "")
        if not password:
            return self.site.page(request, "sign_in.html", 422, title="Head office sign-in",
                                  errors={"password": "Type the dashboard's password."})
        if not await run_in_threadpool(verify_password, password, hashed):
            return self.site.page(request, "sign_in.html", 401, title="Head office sign-in",
                                  errors={"password": WRONG_PASSWORD})
        request.session[_SESSION_KEY] = int(time.time())
        return RedirectResponse("/dashboard", status_code=303)

    async def sign_out(self, request: Request) -> Response:
        fields = await self.site.form(request)
        if fields is None:
            return self.site.refused(request)
        request.session.pop(_SESSION_KEY, None)
        return RedirectResponse("/dashboard", status_code=303)
