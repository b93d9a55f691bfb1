"""The web site's guards: the secure headers of every answer, the CSRF token of every form, and the
per-client rate limit of the booking and the look-up."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: No inline script or style anywhere (htmx is told not to add its indicator style: base.html);
#: forms post to this site only; no page of it may be framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURE_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
#: Over TLS only (a plain-HTTP answer cannot set it): a year, the site's subdomains too.
HSTS = "max-age=31536000; includeSubDomains"


class SecureHeaders:
    """ASGI middleware: :data:`SECURE_HEADERS` on every answer, HSTS when the request came over
    TLS (or always with ``https_only``: the site is served over TLS, by a proxy that may not say
    so), and no caching of the pages (they hold a customer's booking)."""

    def __init__(self, app: ASGIApp, https_only: bool = False) -> None:
        self.app = app
        self.https_only = https_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = self.https_only or scope.get("scheme") == "https"
        static = scope.get("path", "").startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURE_HEADERS.items():
                    headers[name] = value
                if tls:
                    headers["strict-transport-security"] = HSTS
                if not static:
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


# -- CSRF -----------------------------------------------------------------------------------------

CSRF_FIELD = "csrf_token"
_SESSION_KEY = "csrf"


def csrf_token(request: Request) -> str:
    """This visitor's token (kept in their signed session cookie), made on first use."""
    token = request.session.get(_SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[_SESSION_KEY] = token
    return token


def csrf_ok(request: Request, sent: object) -> bool:
    """Whether a form's token is this visitor's (compared in constant time)."""
    token = request.session.get(_SESSION_KEY)
    return (isinstance(token, str) and bool(token) and isinstance(sent, str)
            and hmac.compare_digest(token.encode(), sent.encode()))


# -- rate limits ----------------------------------------------------------------------------------


@dataclass
class RateLimit:
    """At most ``limit`` attempts per client in any ``window`` seconds (a sliding window, in memory:
    one process serves the site). ``clock`` is monotonic seconds."""

    limit: int
    window: float
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, deque[float]] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def allow(self, client: str) -> bool:
        """Count an attempt of ``client``; False (not counted) when it is over the limit."""
        now = self.clock()
        with self._lock:
            if len(self._seen) > 10_000:  # forget clients that went quiet, so memory stays bounded
                for key in [k for k, q in self._seen.items() if not q or q[-1] <= now - self.window]:
                    del self._seen[key]
            seen = self._seen.setdefault(client, deque())
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) >= self.limit:
                return False
            seen.append(now)
            return True

    def retry_after(self, client: str) -> int:
        """Seconds until ``client`` may try again (at least 1)."""
        with self._lock:
            seen = self._seen.get(client)
            if not seen:
                return 1
            return max(1, int(seen[0] + self.window - self.clock()) + 1)


def client_of(request: Request) -> str:
    """Who a request is from, for the rate limits: the peer's address (a proxy in front must set
    it, e.g. uvicorn's --proxy-headers)."""
    return request.client.host if request.client else "unknown"
