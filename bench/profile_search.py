#!/usr/bin/env python
"""Where one availability search's time goes (issue 12): ``POST /results`` as htmx posts it, through
the whole ASGI app (middleware, CSRF, the storefront, the engine, Jinja), profiled with cProfile.

The app is called in this thread (the thread pool hop made inline, so one profile sees all of it),
on the sample fleet with ``--bookings`` bookings at Boston, acting as the web service account as
``rentaldesk web`` does. Prints the search's time per call without the profiler (and the static
page's, through the same app), then the profiled share of each part: the parts overlap where one
calls the other (the engine's SQL is inside ``offers_at``), so they do not sum to 100 %.

    .venv/bin/python bench/profile_search.py [--searches 60] [--bookings 30] [--top 0]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BOSTON = ZoneInfo("America/New_York")

#: The parts, each by the functions whose cumulative time it is (file fragment, function name).
PARTS = [
    ("whole request (app)", "starlette/applications.py", "__call__"),
    ("middleware: security headers and below", "rentaldesk/web/security.py", "__call__"),
    ("middleware: session cookie and below", "starlette/middleware/sessions.py", "__call__"),
    ("form parsing", "starlette/requests.py", "_get_form"),
    ("storefront: search (form -> Search)", "rentaldesk/web/storefront.py", "search"),
    ("storefront: offers", "rentaldesk/web/storefront.py", "offers"),
    ("  engine: offers_at", "rentaldesk/reservations.py", "offers_at"),
    ("    the location's pools read (when not kept)", "rentaldesk/reservations.py", "_location_pools"),
    ("      one-way moves (SQL, one per class)", "rentaldesk/reservations.py", "one_way_moves"),
    ("      rate plans (plans_at)", "rentaldesk/rates.py", "plans_at"),
    ("    holds near the period (SQL)", "rentaldesk/reservations.py", "_location_holds"),
    ("    decision (_decide_with)", "rentaldesk/reservations.py", "_decide_with"),
    ("    pricing (booking_quote)", "rentaldesk/pricing.py", "booking_quote"),
    ("    permission check", "rentaldesk/permissions.py", "require"),
    ("catalogue: locations", "rentaldesk/web/storefront.py", "locations"),
    ("catalogue: class names", "rentaldesk/web/storefront.py", "class_names"),
    ("catalogue: example models", "rentaldesk/web/storefront.py", "_examples"),
    ("SQL statements (SQLAlchemy execute)", "sqlalchemy/engine/base.py", "_execute_context"),
    ("Jinja rendering", "jinja2/environment.py", "render"),
    ("CSRF token", "rentaldesk/web/security.py", "csrf_token"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--searches", type=int, default=60)
    parser.add_argument("--bookings", type=int, default=30)
    parser.add_argument("--top", type=int, default=0, help="also print pstats' top N by cumulative time")
    args = parser.parse_args()

    import rentaldesk.web.app as webapp
    from rentaldesk import actor
    from rentaldesk.db import open_database
    from rentaldesk.errors import NotAvailable
    from rentaldesk.fleet import load_sample_data
    from rentaldesk.permissions import service_actor
    from rentaldesk.reservations import ReservationService
    from rentaldesk.web.storefront import Storefront

    async def inline(fn: Any, *a: Any, **k: Any) -> Any:
        return fn(*a, **k)

    setattr(webapp, "run_in_threadpool", inline)  # noqa: B010 - the thread pool hop made inline
    db = open_database(f"sqlite:///{Path(tempfile.mkdtemp(prefix='profile-search-')) / 'web.sqlite'}")
    load_sample_data(db)
    svc = ReservationService(db)
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    for n in range(args.bookings):
        start = now + timedelta(days=3 + n % 30)
        try:
            svc.create_reservation(email=f"c{n}@example.com", name=f"Customer {n}", zip_code="02108",
                                   vehicle_class=("ECONOMY", "COMPACT", "SUV")[n % 3], start=start,
                                   end=start + timedelta(days=2))
        except NotAvailable:
            pass
    actor.sign_in(service_actor("web"))  # the data made, the site acts as `rentaldesk web` does
    app = webapp.create_app(Storefront(svc), secret_key="profile",
                            limits=webapp.Limits(bookings=10**9, lookups=10**9))
    rng = random.Random(3)
    forms = []
    for _ in range(args.searches):
        first = datetime.now(BOSTON).date() + timedelta(days=rng.randrange(3, 40))
        last = first + timedelta(days=rng.randrange(1, 6))
        forms.append({"zip_code": "02108", "start_date": f"{first}", "start_time": "10:00", "end_date": f"{last}",
                      "end_time": "10:00", "vehicle_class": ""})
    cookie = [b""]

    async def call(method: str, path: str, body: bytes = b"", hx: bool = False) -> tuple[int, bytes]:
        headers = [(b"host", b"profile"), (b"content-length", str(len(body)).encode())]
        if body:
            headers.append((b"content-type", b"application/x-www-form-urlencoded"))
        if cookie[0]:
            headers.append((b"cookie", cookie[0]))
        if hx:
            headers.append((b"hx-request", b"true"))
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
                 "headers": headers, "client": ("127.0.0.1", 1), "server": ("profile", 80), "root_path": "",
                 "state": {}}
        done = False
        status, out = 0, b""

        async def receive() -> dict[str, Any]:
            nonlocal done
            if done:
                await asyncio.sleep(3600)
            done = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: Any) -> None:
            nonlocal status, out
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message["headers"]:
                    if name == b"set-cookie":
                        cookie[0] = value.split(b";")[0]
            elif message["type"] == "http.response.body":
                out += message.get("body", b"")

        await app(scope, receive, send)
        return status, out

    async def run() -> None:
        found = re.search(rb'name="csrf_token" value="([^"]+)"', (await call("GET", "/"))[1])
        assert found, "no CSRF field"
        token = found.group(1).decode()

        async def search(form: dict[str, str]) -> None:
            status, body = await call("POST", "/results", urlencode({"csrf_token": token, **form}).encode(), hx=True)
            assert status == 200 and b'class="offer' in body, body[:300]

        for form in forms[:5]:
            await search(form)
        took = []
        for form in forms:
            began = time.perf_counter()
            await search(form)
            took.append(time.perf_counter() - began)
        static = []
        for _ in forms:
            began = time.perf_counter()
            await call("GET", "/static/site.css")
            static.append(time.perf_counter() - began)
        profile = cProfile.Profile()
        profile.enable()
        for form in forms:
            await search(form)
        profile.disable()
        stats = pstats.Stats(profile)
        print(f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}; {args.searches} searches, "
              f"{args.bookings} bookings at Boston")
        print(f"search POST /results (the app, no HTTP), unprofiled: p50 {statistics.median(took) * 1000:.2f} ms, "
              f"min {min(took) * 1000:.2f} ms; the static page through the same app: p50 "
              f"{statistics.median(static) * 1000:.2f} ms")
        entries: Any = stats.stats  # type: ignore[attr-defined]
        whole = 0.0
        rows = []
        for label, fragment, name in PARTS:
            cumulative = sum(ct for (file, _line, fn), (_cc, _nc, _tt, ct, _callers) in entries.items()
                             if fragment in file.replace(os.sep, "/") and fn == name)
            calls = sum(nc for (file, _line, fn), (_cc, nc, _tt, _ct, _callers) in entries.items()
                        if fragment in file.replace(os.sep, "/") and fn == name)
            whole = whole or cumulative
            rows.append((label, cumulative, calls))
        print(f"profiled ({stats.total_calls / args.searches:,.0f} function calls a search):")  # type: ignore[attr-defined]
        for label, cumulative, calls in rows:
            print(f"  {label:48} {cumulative / args.searches * 1000:7.3f} ms {cumulative / whole:6.1%}"
                  f"  ({calls / args.searches:.1f} calls)")
        if args.top:
            stats.sort_stats("cumulative").print_stats(args.top)

    asyncio.run(run())
    db.close()


if __name__ == "__main__":
    main()
