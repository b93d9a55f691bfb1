"""The manage link of a confirmation mail: a signed token that names one reservation and nothing else.

One place makes and checks it, for every mail that carries it: the standalone web site's own
confirmation mail (:mod:`rentaldesk.web.mail`) and, in a network, head office's confirmation of a
web booking (:mod:`rentaldesk.hq.notifications`), both from the settings' shared ``[web]`` section
(:func:`mailed_links`: the site's ``public_url`` and its signing ``secret``); the web site checks it
(:mod:`rentaldesk.web.manage_link`). It is core-side (not in ``rentaldesk.web``) because head office
makes links too and never imports the web site.

``/manage/link/<token>`` opens that booking's manage page (the token is checked, the reservation's id
kept in the visitor's signed session cookie, and the visitor sent on to ``/manage``, so the token
leaves the address bar). The token is ``itsdangerous``'s URL-safe signature (HMAC-SHA1 keyed by the
site's secret key and :data:`SALT`, so no other signature of the site, such as the session cookie,
can stand in for it) of the reservation's id: no customer data, only an id that is a random UUID.

A token is refused when:

* its signature is not the site's (tampered with, cut short, or made with another key):
  :data:`TAMPERED`;
* the rental has ended (the reservation's *current* return, so a change of the period moves the
  expiry with it) or the reservation is no longer live (cancelled, rejected, expired, no-show,
  completed): :data:`SPENT`. The link is bound to the reservation's status as it is *when the link
  is used* (read from the database, not carried in the token): a cancellation changes it for good,
  so no copy of the link works after a cancellation, whoever holds it, while a confirmation or a
  change of the period (which keep the booking live) leave the link working.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer

from .config import WebSettings
from .models import ReservationStatus
from .values import Reservation

#: Separates the manage link's signatures from every other signature made with the site's key.
SALT = "rentaldesk.web.manage-link"
#: The path a link points at (the token follows it).
LINK_PATH = "/manage/link/"
#: The statuses a link works in: the booking is still there to view, change or cancel.
USABLE = (ReservationStatus.PENDING.value, ReservationStatus.CONFIRMED.value, ReservationStatus.ACTIVE.value)
#: The longest token accepted: an id and its signature are well under it; anything longer
#: is refused before any work.
LONGEST = 200

TAMPERED = "This link is not valid: it may have been cut short by your mail program. Copy the whole link, " \
           "or find your booking with its reference and email."
SPENT = "This link no longer works: the booking was cancelled or the rental is over. You can still find " \
        "it with its reference and email."


class LinkRefused(Exception):
    """A manage link that cannot be used; ``message`` says why in the customer's words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class ManageLinks:
    """Makes and checks the manage links of one site (one secret key, never in a ``repr``)."""

    secret_key: str = field(repr=False)

    def _serializer(self) -> URLSafeSerializer:
        return URLSafeSerializer(self.secret_key, salt=SALT)

    def token(self, reservation_id: str) -> str:
        """The token of the manage link of the reservation ``reservation_id``."""
        return str(self._serializer().dumps(reservation_id))

    def url(self, base_url: str, reservation_id: str) -> str:
        """The whole link: ``base_url`` (the site's public address) then the path and the token."""
        return f"{base_url.rstrip('/')}{LINK_PATH}{self.token(reservation_id)}"

    def reservation_id(self, token: str) -> str:
        """The id a token names; :class:`LinkRefused` (:data:`TAMPERED`) when it is not the site's."""
        if not token or len(token) > LONGEST:
            raise LinkRefused(TAMPERED)
        try:
            payload = self._serializer().loads(token)
        except BadSignature:
            raise LinkRefused(TAMPERED) from None
        if not isinstance(payload, str):
            raise LinkRefused(TAMPERED)
        return payload

    @staticmethod
    def check(reservation: Reservation, now: datetime) -> None:
        """Refuse (:data:`SPENT`) a link to a reservation that is not live any more or whose rental
        has ended by ``now``."""
        if reservation.status not in USABLE or now >= reservation.end:
            raise LinkRefused(SPENT)


@dataclass(frozen=True, slots=True)
class MailedLinks:
    """The manage links a mail carries: signed by ``links`` and made from ``public_url``, the site's
    address as customers reach it (never a request's Host header, which a visitor chooses)."""

    links: ManageLinks
    public_url: str

    def url(self, reservation_id: str) -> str:
        return self.links.url(self.public_url, reservation_id)


def mailed_links(web: WebSettings) -> MailedLinks | None:
    """The manage links of the settings' ``[web]`` section (``public_url`` and ``secret``, the same at
    the web site and at head office), or None when either is unset: a link signed with a key the
    site does not have, or pointing nowhere, would not open."""
    if not web.public_url or not web.secret:
        return None
    return MailedLinks(ManageLinks(web.secret), web.public_url)
