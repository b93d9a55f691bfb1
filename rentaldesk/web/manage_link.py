"""The manage link's pages: ``/manage/link/<token>`` (from the confirmation mail) and the download of
a booking's confirmation, ``/manage/confirmation.pdf``.

The link's token (:mod:`rentaldesk.manage_links`) is checked against the reservation as it is now
(live, rental not over); a good one keeps the reservation's id in the visitor's session cookie, as a
look-up by reference and email does, and sends the visitor to ``/manage``: the token leaves the
address bar, and every later step (change, cancel) is the manage page's own, with its CSRF token.

The confirmation is a PDF (:func:`rentaldesk.documents.booking_confirmation_pdf`), drawn like the
counter's agreement and receipt: one file the customer keeps or prints, the same on every device
and offline, in the embedded font when the name needs it; a printable HTML page would depend on
the browser's print settings and on this site's stylesheet being reachable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..documents import booking_confirmation_file_name, booking_confirmation_pdf
from ..display import status_word
from ..errors import InvalidInput, ReservationNotFound
from ..manage_links import TAMPERED, LinkRefused, ManageLinks
from .security import client_of
from .storefront import Booking

if TYPE_CHECKING:
    from .app import _Site


def routes(site: _Site, links: ManageLinks) -> list[Route]:
    """The routes of the manage link and the confirmation download, on ``site``."""
    pages = _LinkPages(site, links)
    return [
        Route("/manage/link/{token}", pages.open_link, methods=["GET"]),
        Route("/manage/confirmation.pdf", pages.download, methods=["GET"]),
    ]


class _LinkPages:
    def __init__(self, site: _Site, links: ManageLinks) -> None:
        self.site = site
        self.links = links

    def _linked(self, token: str) -> Booking:
        """The booking a token opens; :class:`LinkRefused` saying why not."""
        reservation_id = self.links.reservation_id(token)
        try:
            booking = self.site.store.get(reservation_id)
        except (ReservationNotFound, InvalidInput):  # signed here, but no such booking (another database?)
            # or at a branch this site does not offer (--branch)
            raise LinkRefused(TAMPERED) from None
        self.links.check(booking.reservation, self.site.store.service.clock())
        return booking

    async def open_link(self, request: Request) -> Response:
        token = str(request.path_params.get("token", ""))
        client = client_of(request)
        # The look-up's limit: a link is a look-up by another key, and guessing either is limited alike.
        if not self.site.lookup_limit.allow(client):
            return self.site.too_many(request, self.site.lookup_limit)
        try:
            booking = await run_in_threadpool(self._linked, token)
        except LinkRefused as exc:
            request.session.pop("manage", None)
            return self.site.page(request, "problem.html", 410 if exc.message != TAMPERED else 400,
                                  title="This link cannot be used", message=exc.message,
                                  action=("/manage", "Find a booking"))
        request.session["manage"] = booking.reservation.id
        return RedirectResponse("/manage", status_code=303)

    async def download(self, request: Request) -> Response:
        booking = await self.site._managed(request)
        if booking is None:
            return RedirectResponse("/manage", status_code=303)
        pdf = await run_in_threadpool(_pdf, booking)
        name = booking_confirmation_file_name(booking.reservation.reference)
        return Response(pdf, media_type="application/pdf",
                        headers={"content-disposition": f'attachment; filename="{name}"'})


def _pdf(booking: Booking) -> bytes:
    r = booking.reservation
    zone = booking.location.zone
    return booking_confirmation_pdf(
        reference=r.reference, status=status_word(r.status).capitalize(), customer_name=r.customer_name,
        location=f"{booking.location.name} ({booking.location.zip_code})", vehicle_class=booking.class_name,
        start=r.start, end=r.end, zone=zone, price=booking.price, booked_at=r.created_at,
    )
