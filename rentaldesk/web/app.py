"""The customers' web site: an ASGI application (Starlette, Jinja2 templates, htmx for the live
search), built by :func:`create_app` around one :class:`~rentaldesk.web.storefront.Storefront`.

Pages: ``/`` the search (its results come in live with htmx, or as ``/results`` without script);
``/book`` the booking form of a class and its confirmation; ``/manage`` a booking found by its
reference and the customer's email: view, change the period, cancel; ``/terms`` the rental terms.

Every form posts, with the visitor's CSRF token; no customer data is ever in a URL: which booking a
visitor may see is kept in their signed session cookie. The booking and the look-up are rate
limited per client. Writes go through one worker thread (one writer per process), reads through the
server's thread pool, so the event loop never waits on the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from jinja2 import Environment, PackageLoader
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..charges import money_in
from ..config import SmtpSettings
from ..display import count, status_word, zone_name
from ..documents import terms_text
from ..errors import DuplicateReservation, PriceChanged, RentalError
from ..manage_links import MailedLinks, ManageLinks
from ..renters import RenterRefused
from ..text import printable
from . import manage_link
from .dashboard import DashboardSettings, routes as dashboard_routes
from .extras_form import extra_choices
from .mail import Mailer
from .security import CSRF_FIELD, RateLimit, SecureHeaders, client_of, csrf_ok, csrf_token
from .storefront import Booking, Search, Storefront

if TYPE_CHECKING:  # the standalone site never loads the Kafka client
    from .network import WebChannel

log = logging.getLogger("rentaldesk.web")

T = TypeVar("T")

#: The engine's fields, and the form field a refusal of each is shown next to.
FIELD_OF = {
    "start": "start", "end": "end", "zip_code": "zip_code", "vehicle_class": "vehicle_class",
    "email": "email", "do_not_rent": "email", "name": "name", "phone": "phone", "date_of_birth": "date_of_birth",
    "licence_number": "licence_number", "licence_expiry": "licence_expiry", "terms": "terms",
    "reference": "reference", "price": "start", "accept_price": "start", "extras": "extras",
}
#: What the web says for a refusal whose counter words tell what is on file for an email (another
#: booking's reference, the name, age or licence on the record, the do-not-rent list): anyone can type
#: an email into the booking form, so the web says it without them (by the field the rule names).
ON_FILE = {
    "email": "This email already has a booking for an overlapping period. Find it under Manage a booking "
             "with its reference, or choose other dates.",
    "do_not_rent": "We cannot take this booking online. Please call the branch.",
    "date_of_birth": "The renter does not meet this class's minimum age on the pick-up day (see the terms).",
    "licence_number": "A driving licence number is needed to book here.",
    "licence_expiry": "The driving licence must be valid until the return.",
}


def public_message(exc: RentalError) -> str:
    """A refusal as the web says it: the counter's words, but for a refusal by the customer's record
    (:data:`ON_FILE`)."""
    if isinstance(exc, (DuplicateReservation, RenterRefused)):
        return ON_FILE.get(exc.field or "", ON_FILE["do_not_rent"])
    return exc.message


#: How long a status request waits for head office's decision before answering "still pending"
#: (the page asks again at once): below the usual proxies' idle timeouts.
STATUS_WAIT = 20.0

#: The one answer of a look-up that found nothing, whether the reference or the email is wrong.
NOT_FOUND = "We found no booking with that reference and email. Check both and try again."


@dataclass(frozen=True, slots=True)
class Limits:
    """Attempts per client: bookings and look-ups, each in a sliding window of ``window`` seconds."""

    bookings: int = 10
    lookups: int = 10
    window: float = 600.0


def _templates() -> Environment:
    # auto_reload off: a template is compiled once per process, not checked on disk at every page
    env = Environment(loader=PackageLoader("rentaldesk.resources", "web/templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.globals["CSRF_FIELD"] = CSRF_FIELD
    env.filters["count"] = count
    env.filters["status_word"] = status_word
    return env


def create_app(storefront: Storefront, *, secret_key: str | None = None, limits: Limits = Limits(),
               https_only: bool = False, smtp: SmtpSettings | None = None, public_url: str = "",
               dashboard: DashboardSettings | None = None, channel: WebChannel | None = None) -> Starlette:
    """The site on ``storefront``. ``secret_key`` signs the session cookie and the manage links (a
    random one per process when None: sessions and links then end with the process); ``https_only``
    (served over TLS) marks the cookie Secure and sends HSTS on every answer. With ``smtp`` a
    booking's confirmation mail is sent, its manage link made from ``public_url`` (the site's
    address as customers reach it). Head office's dashboard is at ``/dashboard``, behind the sign-in
    of a staff account that may read it, or while the database has no staff account the password of
    ``dashboard`` (without either, the page says how to set it up).
    ``channel``: in a network, the web's channel (its sync loop runs from the app's start to its
    stop; ``storefront`` must be on ``channel.service``)."""
    if channel is not None and storefront.service is not channel.service:
        raise ValueError("in a network the storefront must book through the channel's service")
    key = secret_key or secrets.token_urlsafe(32)
    links = ManageLinks(key)
    mailer = None
    if smtp is not None:
        mailer = Mailer(storefront.service.db, smtp, MailedLinks(links, public_url), storefront.service.clock)
    site = _Site(storefront, limits, mailer, channel)
    static = StaticFiles(packages=[("rentaldesk.resources", "web/static")])
    routes = [
        Route("/", site.home, methods=["GET"]),
        Route("/results", site.results, methods=["POST"]),
        Route("/book/form", site.booking_form, methods=["POST"]),
        Route("/book", site.book, methods=["POST"]),
        Route("/confirmation", site.confirmation, methods=["GET"]),
        Route("/booking/status", site.status, methods=["GET"]),
        Route("/manage", site.manage, methods=["GET"]),
        Route("/manage", site.look_up, methods=["POST"]),
        Route("/manage/change", site.change, methods=["POST"]),
        Route("/manage/cancel", site.cancel, methods=["POST"]),
        Route("/manage/done", site.leave, methods=["POST"]),
        Route("/terms", site.terms, methods=["GET"]),
        *manage_link.routes(site, links),
        *dashboard_routes(site, dashboard or DashboardSettings(password_hash=None)),
        Mount("/static", app=static, name="static"),
    ]
    middleware = [
        Middleware(SecureHeaders, https_only=https_only),
        Middleware(SessionMiddleware, secret_key=key,
                   session_cookie="rentaldesk_session", max_age=2 * 60 * 60, same_site="strict",
                   https_only=https_only),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if mailer is not None:
            mailer.start()
        if channel is not None:
            channel.start()
        try:
            yield
        finally:
            if channel is not None:
                await run_in_threadpool(channel.stop)
            site.close()
            if mailer is not None:
                mailer.close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={404: site.not_found, 405: site.not_found, Exception: site.failed})
    app.state.site = site
    return app


class _Site:
    """The pages: each reads its form, asks the storefront, and renders."""

    def __init__(self, storefront: Storefront, limits: Limits, mailer: Mailer | None = None,
                 channel: WebChannel | None = None) -> None:
        self.store = storefront
        self.mailer = mailer
        self.channel = channel
        self.env = _templates()
        self.booking_limit = RateLimit(limits.bookings, limits.window)
        self.lookup_limit = RateLimit(limits.lookups, limits.window)
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rentaldesk-web-writer")

    def close(self) -> None:
        self.writer.shutdown(wait=True)

    # -- plumbing -------------------------------------------------------------------------------

    async def write(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.writer, fn)

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("errors", {})
        context.setdefault("values", {})
        template = self.env.get_template(name)
        body = template.render(csrf_token=csrf_token(request), **context)
        return HTMLResponse(body, status_code=status)

    async def form(self, request: Request) -> dict[str, str] | None:
        """The posted form as text fields, or None when its CSRF token is not this visitor's."""
        data = await request.form()
        fields = {key: value for key, value in data.items() if isinstance(value, str)}
        if not csrf_ok(request, fields.pop(CSRF_FIELD, None)):
            return None
        return fields

    def refused(self, request: Request) -> HTMLResponse:
        return self.page(request, "problem.html", 403, title="This page has expired",
                         message="The form was too old or came from elsewhere. Go back, reload the page and try again.")

    def too_many(self, request: Request, limit: RateLimit) -> HTMLResponse:
        wait = limit.retry_after(client_of(request))
        minutes = max(1, (wait + 59) // 60)
        response = self.page(request, "problem.html", 429, title="Too many tries",
                             message=f"Please wait {count(minutes, 'minute')} before trying again.")
        response.headers["retry-after"] = str(wait)
        return response

    async def not_found(self, request: Request, exc: Exception) -> Response:
        return self.page(request, "problem.html", 404, title="Page not found",
                         message="There is no page here. Start again from the search.")

    async def failed(self, request: Request, exc: Exception) -> Response:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return self.page(request, "problem.html", 500, title="Something went wrong",
                         message="Nothing was booked or changed. Please try again in a moment.")

    @staticmethod
    def errors_of(exc: RentalError) -> dict[str, str]:
        return {FIELD_OF.get(exc.field or "", "form"): printable(public_message(exc))}

    def _locations(self) -> dict[str, Any]:
        return {"locations": self.store.locations(), "classes": self.store.class_names()}

    # -- search ---------------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        context = await run_in_threadpool(self._locations)
        return self.page(request, "home.html", **context)

    async def results(self, request: Request) -> Response:
        fields = await self.form(request)
        if fields is None:
            return self.refused(request)

        def search() -> dict[str, Any]:
            context = self._locations()
            context.update(values=fields, errors={})
            try:
                found = self.store.search(fields)
                context.update(search=found, offers=self.store.offers(found))
            except RentalError as exc:
                context["errors"] = self.errors_of(exc)
            return context

        context = await run_in_threadpool(search)
        fragment = request.headers.get("hx-request") == "true"
        status = 200 if fragment or not context["errors"] else 422
        return self.page(request, "_search.html" if fragment else "home.html", status, **context)

    # -- booking --------------------------------------------------------------------------------

    def _booking_context(self, fields: Mapping[str, str]) -> dict[str, Any]:
        """The booking form's context: the search (re-read from the hidden fields) and what the
        class's renter rule asks for."""
        found = self.store.search(dict(fields))
        context: dict[str, Any] = {"search": found, "search_fields": found.form(), "values": dict(fields)}
        if found.vehicle_class:
            context["rules"] = self.store.renter_rules(found.vehicle_class, found.location.zip_code)
            context["class_name"] = self.store.class_names()[found.vehicle_class]
            try:
                offers = self.store.offers(found)
            except RentalError as exc:  # no longer free, or the period no longer allowed: the refusal says why
                offers, context["errors"] = [], self.errors_of(exc)
            context["offer"] = offers[0] if offers else None
            context.update(extra_choices(self.store, found, fields, context))
        return context

    async def booking_form(self, request: Request) -> Response:
        fields = await self.form(request)
        if fields is None:
            return self.refused(request)
        try:
            context = await run_in_threadpool(self._booking_context, fields)
        except RentalError as exc:
            return await self._search_again(request, fields, exc)
        if context.get("offer") is None and not context.get("errors"):
            context["errors"] = {"vehicle_class": "This class is no longer free for these dates; search again."}
        return self.page(request, "booking.html", **context)

    async def _search_again(self, request: Request, fields: dict[str, str], exc: RentalError) -> Response:
        context = await run_in_threadpool(self._locations)
        return self.page(request, "home.html", 422, values=fields, errors=self.errors_of(exc), **context)

    async def book(self, request: Request) -> Response:
        fields = await self.form(request)
        if fields is None:
            return self.refused(request)
        if not self.booking_limit.allow(client_of(request)):
            return self.too_many(request, self.booking_limit)
        try:
            search: Search = await run_in_threadpool(self.store.search, dict(fields))
        except RentalError as exc:
            return await self._search_again(request, fields, exc)
        try:
            booking = await self.write(lambda: self.store.book(search, fields))
        except RentalError as exc:
            context = await run_in_threadpool(self._booking_context, fields)
            context["errors"] = self.errors_of(exc)
            return self.page(request, "booking.html", 422, **context)
        log.info("web booking %s (%s)", booking.reservation.reference, booking.reservation.id)
        if self.mailer is not None:
            mailer = self.mailer
            try:
                await self.write(lambda: mailer.queue(booking))
            except Exception:  # the booking stands (the page shows its reference): said in the log
                log.exception("web booking %s: its confirmation mail could not be queued",
                              booking.reservation.reference)
        request.session["booked"] = booking.reservation.id
        request.session["manage"] = booking.reservation.id
        return RedirectResponse("/confirmation", status_code=303)

    async def confirmation(self, request: Request) -> Response:
        booked = request.session.get("booked")
        if not isinstance(booked, str):
            return RedirectResponse("/", status_code=303)
        booking = await run_in_threadpool(self.store.get, booked)
        return self.page(request, "confirmation.html", booking=booking, **self._waiting(booking))

    def _waiting(self, booking: Booking) -> dict[str, Any]:
        """What the status of a booking awaiting head office's decision says (``_status.html``)."""
        waiting = self.channel is not None and booking.reservation.status == "pending"
        return {"waiting": waiting,
                "unreachable": waiting and self.channel is not None and not self.channel.head_office_reachable()}

    async def status(self, request: Request) -> Response:
        """The status of the session's booking (``?of=booked`` or the managed one), for htmx: while
        it awaits head office this answer waits (up to :data:`STATUS_WAIT` seconds) for the sync
        loop to apply the decision, so the page turns the moment it does."""
        held = request.session.get("booked" if request.query_params.get("of") == "booked" else "manage")
        if not isinstance(held, str):
            return Response(status_code=204)
        try:
            booking = await run_in_threadpool(self.store.get, held)
            if self.channel is not None and booking.reservation.status == "pending":
                async def pending() -> bool:
                    nonlocal booking
                    booking = await run_in_threadpool(self.store.get, held)
                    return booking.reservation.status == "pending"

                await self.channel.decisions.wait(held, STATUS_WAIT, pending)
        except RentalError:
            return Response(status_code=204)
        of = "booked" if request.query_params.get("of") == "booked" else "manage"
        return self.page(request, "_status.html", booking=booking, of=of, **self._waiting(booking))

    # -- manage ---------------------------------------------------------------------------------

    async def _managed(self, request: Request) -> Booking | None:
        held = request.session.get("manage")
        if not isinstance(held, str):
            return None
        try:
            return await run_in_threadpool(self.store.get, held)
        except RentalError:
            request.session.pop("manage", None)
            return None

    async def manage(self, request: Request) -> Response:
        booking = await self._managed(request)
        if booking is None:
            return self.page(request, "lookup.html")
        return self.page(request, "manage.html", booking=booking, values=_period_values(booking),
                         **self._waiting(booking))

    async def look_up(self, request: Request) -> Response:
        fields = await self.form(request)
        if fields is None:
            return self.refused(request)
        if not self.lookup_limit.allow(client_of(request)):
            return self.too_many(request, self.lookup_limit)
        found = await run_in_threadpool(self.store.find, fields.get("reference", ""), fields.get("email", ""))
        if found is None:
            return self.page(request, "lookup.html", 404, errors={"form": NOT_FOUND},
                             values={"reference": fields.get("reference", "")[:40]})
        request.session["manage"] = found.reservation.id
        return RedirectResponse("/manage", status_code=303)

    async def change(self, request: Request) -> Response:
        fields = await self.form(request)
        if fields is None:
            return self.refused(request)
        booking = await self._managed(request)
        if booking is None:
            return RedirectResponse("/manage", status_code=303)
        held = booking.reservation.id
        try:
            changed = await self.write(lambda: self.store.change(held, fields))
        except PriceChanged as exc:
            currency = await run_in_threadpool(self.store.currency, booking.reservation.vehicle_class,
                                               booking.reservation.zip_code)
            return self.page(request, "manage.html", booking=booking, values=fields,
                             price_change={"old": money_in(exc.old, currency), "new": money_in(exc.new, currency),
                                           "why": exc.why, "accept": str(exc.new)})
        except RentalError as exc:
            return self.page(request, "manage.html", 422, booking=booking, values=fields, errors=self.errors_of(exc))
        return self.page(request, "manage.html", booking=changed, values=_period_values(changed),
                         notice=f"Your booking is changed: {changed.period}, {changed.price}.")

    async def cancel(self, request: Request) -> Response:
        fields = await self.form(request)
        if fields is None:
            return self.refused(request)
        booking = await self._managed(request)
        if booking is None:
            return RedirectResponse("/manage", status_code=303)
        held = booking.reservation.id
        try:
            cancelled = await self.write(lambda: self.store.cancel(held))
        except RentalError as exc:
            return self.page(request, "manage.html", 422, booking=booking, values=_period_values(booking),
                             errors={"cancel": printable(exc.message)})
        return self.page(request, "manage.html", booking=cancelled, values=_period_values(cancelled),
                         notice=f"Booking {cancelled.reservation.reference} is cancelled.")

    async def leave(self, request: Request) -> Response:
        fields = await self.form(request)
        if fields is None:
            return self.refused(request)
        request.session.pop("manage", None)
        request.session.pop("booked", None)
        return RedirectResponse("/", status_code=303)

    async def terms(self, request: Request) -> Response:
        locations = await run_in_threadpool(self.store.locations)
        zone = zone_name(locations[0].zone) if len(locations) == 1 else "the branch's"
        branch = locations[0].name if len(locations) == 1 else "the branch named in the booking"
        return self.page(request, "terms.html", terms=terms_text(branch, "the branch's currency", zone))


def _period_values(booking: Booking) -> dict[str, str]:
    zone = booking.location.zone
    start, end = booking.reservation.start.astimezone(zone), booking.reservation.end.astimezone(zone)
    return {"start_date": f"{start:%Y-%m-%d}", "start_time": f"{start:%H:%M}",
            "end_date": f"{end:%Y-%m-%d}", "end_time": f"{end:%H:%M}"}
