#!/usr/bin/env python
"""The web channel's figures (issue 12) against a real broker (started here unless --kafka is given).

Head office runs in this process (threads, as in bench_sync's one-process run); the web site runs
as its own process (``serve`` below: ``rentaldesk web --kafka``'s app, its replica database filled
from the topics, its sync loop in the app's lifespan), so its memory is its own. An HTTP load
generator in this process (asyncio, one kept-alive connection and session cookie per client:
:class:`Visitor`) drives it:

1. Availability search: ``--clients`` concurrent visitors (default 50) each get the home page (a
   CSRF token), then post the search as the page's htmx does, for ``--seconds``; the pool has
   bookings (made through the site and confirmed by head office first). Figures: server time p50 /
   p99 (measured inside the web process, from the request's arrival at the app to the last byte of
   its answer), requests/s, client round trip p50; beside the same clients getting a static file
   of the same server (``/static/site.css``) in the same run. Then the same clients paced as
   customers are, each reading its results ``--think`` seconds on average (default 0.5) before the
   next search: the server time when the process is not saturated.
2. A booking's decision on the customer's page: ``--bookings`` bookings through the form, a few at
   a time; each page asks ``/booking/status`` as its htmx does (a long poll); measured from head
   office's decision (the ``occurred_at`` of its event on ``booking-events``) to the page's answer
   showing it.
3. Memory of the web process (resident set, its worker processes included): idle, and the peak
   while the search load runs.

4. With ``--compare-search TREE`` (``git worktree add /tmp/base main``): the storefront's search in
   this process, this checkout's beside TREE's, on copies of the replica after the load, one call
   of each in turn, and whether their answers are the same (:func:`compare_search`).

The load average is printed before and after each part: other engineers share the machine, so
compare the figures of one run (search beside static, before beside after), not runs.

Targets: search p50 <= 20 ms server time, >= 300 requests/s; decision p50 <= 100 ms.

    .venv/bin/python bench/bench_web.py [--clients 50] [--seconds 15] [--bookings 30] [--think 0.5] [--kafka HOST:PORT]
                                        [--compare-search TREE [--samples 200]]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
with warnings.catch_warnings():  # kafka-python reads its schemas with a deprecated call
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    import kafka  # noqa: F401

import httpx2  # noqa: E402

BOSTON = ZoneInfo("America/New_York")
TIMINGS = "/__bench/timings"
#: In the web process: how many times a search read its location's pools from the database
#: (``offers_at`` keeps them until the replica changes), answered with the timings.
POOL_READS = [0]
POOL_READS_KEY = "pool reads"


# -- the web process ---------------------------------------------------------------------------------


class Timing:
    """ASGI middleware: each request's server time (arrival at the app to the last byte of the
    answer), by path; ``GET /__bench/timings`` answers them as JSON and starts afresh."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.times: dict[str, list[float]] = defaultdict(list)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path == TIMINGS:
            body = json.dumps({**self.times, POOL_READS_KEY: POOL_READS[0]}).encode()
            self.times = defaultdict(list)
            POOL_READS[0] = 0
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": body})
            return
        began = time.perf_counter()

        async def timed(message: Any) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.times[path].append(time.perf_counter() - began)

        await self.app(scope, receive, timed)


def serve(args: argparse.Namespace) -> None:
    """The web process: the site of ``rentaldesk web --kafka`` (rate limits lifted for the load)."""
    from rentaldesk.config import KafkaSettings
    from rentaldesk.db import open_database
    from rentaldesk.web.app import Limits, create_app
    from rentaldesk.web.network import WebChannel
    from rentaldesk.web.storefront import Storefront
    import uvicorn

    from rentaldesk import actor, reservations
    from rentaldesk.permissions import service_actor

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    actor.sign_in(service_actor("web"))  # as `rentaldesk web` acts (rentaldesk.cli.act_as)
    read = reservations._location_pools

    def counted(s: Any, zip_code: str) -> Any:  # how often a search read its location's pools afresh
        POOL_READS[0] += 1
        return read(s, zip_code)

    reservations._location_pools = counted
    db = open_database(f"sqlite:///{args.db}")
    channel = WebChannel(db, KafkaSettings(bootstrap=args.kafka, topic_prefix=args.prefix))
    lifted = Limits(bookings=10**9, lookups=10**9)
    app = create_app(Storefront(channel.service), secret_key="bench", limits=lifted, channel=channel)
    uvicorn.run(Timing(app), host="127.0.0.1", port=args.port, log_level="warning", server_header=False,
                access_log=False)


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and its children (KiB)."""
    total = 0
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


# -- the load ---------------------------------------------------------------------------------------


def token_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


def period_fields(day: int, days: int) -> dict[str, str]:
    start = datetime.now(BOSTON).date() + timedelta(days=day)
    end = start + timedelta(days=days)
    return {"zip_code": "02108", "start_date": f"{start}", "start_time": "10:00", "end_date": f"{end}",
            "end_time": "10:00"}


class Visitor:
    """One client on one kept-alive HTTP/1.1 connection, with its session cookie: a load generator
    that costs little next to the server it drives (a full client library spent more CPU per
    request than the site's static page, on the same two cores)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookie = ""
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, form: dict[str, str] | None = None,
                      headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        body = urlencode(form).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        if form is not None:
            lines.append("Content-Type: application/x-www-form-urlencoded")
        if self.cookie:
            lines.append(f"Cookie: {self.cookie}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        fields = [line.split(":", 1) for line in head[1:] if ":" in line]
        length = 0
        for name, value in fields:
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "set-cookie":
                self.cookie = value.strip().split(";", 1)[0]
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def drive(base: str, clients: int, seconds: float, kind: str, think: float = 0.0) -> tuple[list[float], int]:
    """``clients`` visitors, each in a loop for ``seconds``: ``kind`` "search" (post the search as
    htmx does) or "static" (get the stylesheet), with ``think`` seconds on average (uniform over
    0 to twice it) between one answer and the next request: 0 posts back to back (the throughput),
    more is customers reading the results. Their round trips (s) and the requests answered."""
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    rng = random.Random(7)
    host, port = base.removeprefix("http://").split(":")

    async def visitor() -> None:
        nonlocal errors
        me = Visitor(host, int(port))
        try:
            token = token_of((await me.request("GET", "/"))[1].decode())
            while time.monotonic() < deadline:
                began = time.perf_counter()
                if kind == "search":
                    status, body = await me.request(
                        "POST", "/results", {"csrf_token": token, "vehicle_class": "",
                                             **period_fields(rng.randrange(3, 40), rng.randrange(1, 6))},
                        headers={"HX-Request": "true"})
                    ok = status == 200 and b'class="offer' in body
                else:
                    status, body = await me.request("GET", "/static/site.css")
                    ok = status == 200
                latencies.append(time.perf_counter() - began)
                errors += not ok
                if think:
                    await asyncio.sleep(rng.uniform(0, 2 * think))
        finally:
            me.close()

    await asyncio.gather(*(visitor() for _ in range(clients)))
    return latencies, errors


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def book_and_watch(base: str, n: int, day: int) -> tuple[str, float, str]:
    """One customer: book, then watch the page's status until decided; (reference, wall time the
    page showed the decision, what it showed)."""
    async with httpx2.AsyncClient(base_url=base, timeout=60) as client:
        token = token_of((await client.get("/")).text)
        classes = ("ECONOMY", "COMPACT", "SUV")
        answer = await client.post("/book", data={
            "csrf_token": token, **period_fields(day, 2), "vehicle_class": classes[n % 3],
            "name": f"Web Customer {n}", "email": f"web{n}.{uuid.uuid4().hex[:6]}@example.com",
            "phone": "+1 617 555 0100", "date_of_birth": "1980-05-17", "terms": "yes"})
        assert answer.status_code == 303, answer.text[:300]
        page = (await client.get("/confirmation")).text
        reference = re.search(r'id="reference">([A-Z0-9]+)<', page)
        assert reference, page[:300]
        while True:
            status = await client.get("/booking/status", params={"of": "booked"})
            if "hx-get" not in status.text:
                shown = "confirmed" if "status-confirmed" in status.text else "rejected"
                return reference.group(1), time.time(), shown


def decisions_of(bootstrap: str, topic: str, seen: dict[str, float], stop: threading.Event) -> None:
    """Head office's decision times (``occurred_at``, epoch s) by reference, from the topic."""
    from kafka import KafkaConsumer
    from rentaldesk.sync.envelope import decode
    from rentaldesk.sync.events import Decision

    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             consumer_timeout_ms=200)
    while not stop.is_set():
        for record in consumer:
            event = decode(record.value)
            if isinstance(event.payload, Decision):
                seen[event.payload.reservation.reference] = event.occurred_at.timestamp()
    consumer.close()


# -- the run ----------------------------------------------------------------------------------------


def run(args: argparse.Namespace, bootstrap: str) -> None:
    from rentaldesk.config import KafkaSettings, Settings
    from rentaldesk.db import open_database
    from rentaldesk.fleet import load_sample_data
    from rentaldesk.hq.service import HeadOffice
    from rentaldesk.models import Car
    from rentaldesk.sync.topics import ensure_topics
    from tools.devbroker import free_port
    from tools.polling import count, wait_for

    root = Path(tempfile.mkdtemp(prefix="bench-web-"))
    prefix = f"bw{uuid.uuid4().hex[:6]}"
    kafka_settings = KafkaSettings(bootstrap=bootstrap, topic_prefix=prefix)
    ensure_topics(kafka_settings)
    hq_db = open_database(f"sqlite:///{root / 'hq.sqlite'}")
    load_sample_data(hq_db)
    hq = HeadOffice(hq_db, Settings(db_url="x", kafka=kafka_settings), notifications=False)
    hq.start()
    seen: dict[str, float] = {}
    stop = threading.Event()
    watcher = threading.Thread(target=decisions_of, args=(bootstrap, f"{prefix}.booking-events", seen, stop),
                               daemon=True)
    watcher.start()
    web_db = root / "web.sqlite"
    open_database(f"sqlite:///{web_db}").close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web = subprocess.Popen([sys.executable, __file__, "serve", "--db", str(web_db), "--kafka", bootstrap,
                            "--prefix", prefix, "--port", str(port)], stdout=sys.stderr, stderr=sys.stderr)
    try:
        replica = open_database(f"sqlite:///{web_db}")
        wait_for(lambda: count(replica, Car) == count(hq_db, Car), timeout=120, what="the web's replica")
        replica.close()
        wait_for(lambda: _answers(base), timeout=60, what="the web site")

        # 2. decisions (these bookings are also the holds the searches then see)
        async def bookings() -> list[tuple[str, float, str]]:
            out: list[tuple[str, float, str]] = []
            for first in range(0, args.bookings, 5):
                out += await asyncio.gather(*(book_and_watch(base, n, 3 + n % 30)
                                              for n in range(first, min(first + 5, args.bookings))))
            return out

        decided = asyncio.run(bookings())
        wait_for(lambda: all(ref in seen for ref, _, _ in decided), timeout=30, what="the decisions on the topic")
        after = [(at - seen[ref]) * 1000 for ref, at, _ in decided]
        outcomes = {shown for _, _, shown in decided}

        idle = rss_kib(web.pid)
        peak = [idle]
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.is_set():
                peak.append(rss_kib(web.pid))
                time.sleep(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        load_before = os.getloadavg()
        asyncio.run(drive(base, 5, 2, "search"))  # warm-up
        httpx2.get(base + TIMINGS)
        alone, _ = asyncio.run(drive(base, 1, 5, "search"))  # one client: the request's own cost
        alone_server = httpx2.get(base + TIMINGS).json().get("/results", [])
        static, static_errors = asyncio.run(drive(base, args.clients, args.seconds, "static"))
        static_server = httpx2.get(base + TIMINGS).json().get("/static/site.css", [])
        searched, search_errors = asyncio.run(drive(base, args.clients, args.seconds, "search"))
        answered = httpx2.get(base + TIMINGS).json()
        search_server = answered.get("/results", [])
        pool_reads = answered.get(POOL_READS_KEY, 0)
        paced, _ = asyncio.run(drive(base, args.clients, args.seconds, "search", think=args.think))
        paced_server = httpx2.get(base + TIMINGS).json().get("/results", [])
        sampling.set()
        sampler.join()

        print(f"\nload average (1, 5, 15 min) before the load {_load(load_before)}, at the end {_load(os.getloadavg())}")
        print(f"web channel, {args.clients} concurrent clients, {args.seconds:.0f} s each, "
              f"{os.cpu_count()} cores, one web process (uvicorn, one worker)")
        print(f"{'':34}{'search /results':>18}{'static page':>16}")
        print(f"{'server time p50 (ms)':34}{pct(search_server, .5) * 1000:>18.1f}{pct(static_server, .5) * 1000:>16.1f}")
        print(f"{'server time p99 (ms)':34}{pct(search_server, .99) * 1000:>18.1f}{pct(static_server, .99) * 1000:>16.1f}")
        print(f"{'round trip p50 (ms)':34}{pct(searched, .5) * 1000:>18.1f}{pct(static, .5) * 1000:>16.1f}")
        print(f"{'requests/s':34}{len(searched) / args.seconds:>18.0f}{len(static) / args.seconds:>16.0f}")
        print(f"{'errors':34}{search_errors:>18}{static_errors:>16}")
        print(f"{args.clients} clients each reading the results {args.think:g} s on average between searches: "
              f"{len(paced) / args.seconds:.0f} searches/s, server time p50 {pct(paced_server, .5) * 1000:.1f} ms, "
              f"p99 {pct(paced_server, .99) * 1000:.1f} ms")
        print(f"one client alone, search: server time p50 {pct(alone_server, .5) * 1000:.1f} ms, "
              f"{len(alone) / 5:.0f} requests/s")
        print(f"decision on the page after head office decided ({len(after)} bookings, {sorted(outcomes)}): "
              f"p50 {pct(after, .5):.1f} ms, p99 {pct(after, .99):.1f} ms, max {max(after):.1f} ms")
        print(f"web process memory: idle {idle / 1024:.0f} MiB, peak under the load {max(peak) / 1024:.0f} MiB")
        print(f"the location's pools read afresh {pool_reads} times for {len(search_server)} searches "
              "(kept until the replica changes)")
    finally:
        web.send_signal(signal.SIGINT)
        try:
            web.wait(20)
        except subprocess.TimeoutExpired:
            web.kill()
        stop.set()
        hq.stop()
        hq_db.close()
    if args.compare_search:
        compare_search(Path(args.compare_search), web_db, args.samples)


def _load(avg: tuple[float, float, float]) -> str:
    return ", ".join(f"{x:.1f}" for x in avg)


def compare_search(tree: Path, replica: Path, samples: int) -> None:
    """The storefront's search (``search`` then ``offers``, what ``POST /results`` asks) in this
    process, this checkout's beside ``tree``'s (imported as ``rentaldesk_compared``, as
    bench_reservations' ``--compare-engine`` does), each on its own copy of the web's replica after
    the load, one call of each in turn (which goes first alternates), so both see the same load;
    their answers compared."""
    import shutil
    import statistics

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_reservations import load_placement

    from rentaldesk import actor
    from rentaldesk.db import open_database
    from rentaldesk.permissions import service_actor
    from rentaldesk.reservations import ReservationService
    from rentaldesk.web.storefront import Storefront

    load_placement(tree)
    import importlib

    other = importlib.import_module("rentaldesk_compared.web.storefront")
    other_db = importlib.import_module("rentaldesk_compared.db")
    other_service = importlib.import_module("rentaldesk_compared.reservations")
    other_actor = importlib.import_module("rentaldesk_compared.actor")
    other_permissions = importlib.import_module("rentaldesk_compared.permissions")
    actor.sign_in(service_actor("web"))
    other_actor.sign_in(other_permissions.service_actor("web"))
    copies = {}
    for name in ("this", "tree"):
        copies[name] = replica.with_name(f"compare-{name}.sqlite")
        shutil.copyfile(replica, copies[name])
    stores = {
        "this": Storefront(ReservationService(open_database(f"sqlite:///{copies['this']}"))),
        "tree": other.Storefront(other_service.ReservationService(other_db.open_database(f"sqlite:///{copies['tree']}"))),
    }
    rng = random.Random(11)
    forms = [{**period_fields(rng.randrange(3, 40), rng.randrange(1, 6)), "vehicle_class": ""} for _ in range(samples)]
    times: dict[str, list[float]] = {"this": [], "tree": []}
    differ = 0

    def answer(store: Any, form: dict[str, str]) -> list[tuple[str, str]]:
        return [(o.vehicle_class, o.price) for o in store.offers(store.search(form))]

    load_before = os.getloadavg()
    for f in forms[:5]:  # warm-up
        answer(stores["this"], f), answer(stores["tree"], f)
    for n, f in enumerate(forms):
        got = {}
        for name in (("this", "tree") if n % 2 else ("tree", "this")):
            began = time.perf_counter()
            got[name] = answer(stores[name], f)
            times[name].append(time.perf_counter() - began)
        differ += got["this"] != got["tree"]
    print(f"\nin-process search (storefront search + offers, all classes at Boston), {samples} calls each, "
          f"alternating; load average before {_load(load_before)}, after {_load(os.getloadavg())}")
    for name, label in (("tree", f"before ({tree})"), ("this", "after (this checkout)")):
        print(f"  {label:44} p50 {statistics.median(times[name]) * 1000:7.2f} ms   "
              f"min {min(times[name]) * 1000:7.2f} ms")
    print(f"  the same answers (classes and prices) on {samples - differ}/{samples} searches")


def _answers(base: str) -> bool:
    try:
        return httpx2.get(base + "/", timeout=5).status_code == 200
    except httpx2.HTTPError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    s = sub.add_parser("serve", help="(internal) the web process")
    s.add_argument("--db", required=True)
    s.add_argument("--kafka", required=True)
    s.add_argument("--prefix", required=True)
    s.add_argument("--port", type=int, required=True)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--bookings", type=int, default=30)
    parser.add_argument("--think", type=float, default=0.5,
                        help="the paced phase: seconds between a client's answer and its next search, on average")
    parser.add_argument("--kafka", help="use this broker instead of starting one")
    parser.add_argument("--compare-search", metavar="TREE",
                        help="then the in-process search of this checkout beside TREE's (git worktree add)")
    parser.add_argument("--samples", type=int, default=200, help="searches of --compare-search (default 200)")
    args = parser.parse_args()
    if args.command == "serve":
        serve(args)
        return
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    from tools.devbroker import DevBroker

    if args.kafka:
        run(args, args.kafka)
        return
    broker = DevBroker()
    broker.start()
    try:
        run(args, broker.bootstrap)
    finally:
        broker.stop()


if __name__ == "__main__":
    main()
