#!/usr/bin/env python
"""The cost of reading (and writing) one event: the typed contracts beside what they replaced, in one process.

Three decoders of the same bytes, each validating the whole event:

* ``msgspec`` — this build: :func:`rentaldesk.sync.envelope.decode` (msgspec Structs, decoded and
  validated in one step, the payload read by attribute);
* ``dict schemas (36566ba)`` — the build before typed events: ``json.loads`` and the schema dicts
  checked field by field; its module is read from git (``git show 36566ba:...``), so the baseline
  is the real code, not a copy;
* ``pydantic v2`` — the other candidate, the same contract written as pydantic models (only when
  pydantic is installed: ``.venv/bin/pip install pydantic``; it is not a dependency).

The events are what a branch's inbox reads most: head office's decisions (``reservation.confirmed``
with the whole reservation), and the requests head office reads (``reservation.requested``).

    .venv/bin/python bench/bench_events.py              # 20,000 events, 5 rounds
    .venv/bin/python bench/bench_events.py --events 100000
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
import types
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rentaldesk.sync import events as ev  # noqa: E402
from rentaldesk.sync.envelope import Envelope, decode  # noqa: E402

BASELINE = "36566ba"
T = datetime(2030, 3, 4, 12, 0, tzinfo=timezone.utc)


def sample_events(n: int) -> list[bytes]:
    out = []
    for i in range(n):
        state = ev.ReservationState(
            id=str(uuid.uuid4()), reference=f"R{i:07d}", status="confirmed",
            customer=ev.Customer(email=f"c{i}@example.com", name=f"Customer {i}", phone="555-0100"),
            vehicle_class="SUV", zip_code="02108", pinned=False, start=T + timedelta(hours=i % 500),
            end=T + timedelta(hours=i % 500 + 48), price=Decimal("158.00"), version=1 + i % 3,
            source="BOS-DT", reason="", car_plate=f"P{i % 40:05d}",
        )
        payload: ev.Event
        if i % 2:
            payload = ev.Confirmed(reservation=state, request_event_id=str(uuid.uuid4()))
        else:
            payload = ev.ReservationRequested(reservation=ev.replace(state, status="pending"), requested_at=T)
        out.append(Envelope(payload=payload, source="hq").encode())
    return out


def old_decoder() -> Callable[[bytes], object] | None:
    """The decode of the build before typed events, loaded from git."""
    try:
        source = subprocess.run(["git", "-C", str(ROOT), "show", f"{BASELINE}:rentaldesk/sync/envelope.py"],
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("envelope_36566ba")
    sys.modules[module.__name__] = module  # its dataclasses look their module up
    exec(compile(source, "envelope_36566ba.py", "exec"), module.__dict__)  # noqa: S102  (our own history)

    def read(raw: bytes) -> object:
        envelope = module.decode(raw)
        return envelope.payload["reservation"]["customer"]["email"]  # and read a field, as a handler does

    return read


def pydantic_decoder() -> Callable[[bytes], object] | None:
    if importlib.util.find_spec("pydantic") is None:
        return None
    from typing import Annotated, Any, Literal, Union

    from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

    Text = Annotated[str, Field(pattern=r"\S")]
    Uuid = Annotated[str, Field(pattern=ev.UUID_PATTERN)]
    Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=False, frozen=True)

    class Customer(Strict):
        email: Text
        name: str
        phone: str

    class State(Strict):
        id: Uuid
        reference: Text
        status: Text
        customer: Customer
        vehicle_class: Text
        zip_code: Text
        pinned: bool
        start: datetime
        end: datetime
        price: Money
        version: int
        source: str
        reason: str
        car_plate: Text | None = None
        driver_licence: Text | None = None

    class Requested(Strict):
        reservation: State
        requested_at: datetime

    class Confirmed(Strict):
        reservation: State
        request_event_id: Uuid | None = None

    class WireRequested(Strict):
        event_id: Uuid
        type: Literal["reservation.requested"]
        schema_version: Literal[1]
        occurred_at: datetime
        source: str
        payload: Requested

    class WireConfirmed(Strict):
        event_id: Uuid
        type: Literal["reservation.confirmed"]
        schema_version: Literal[1]
        occurred_at: datetime
        source: str
        payload: Confirmed

    adapter: TypeAdapter[Any] = TypeAdapter(
        Annotated[Union[WireRequested, WireConfirmed], Field(discriminator="type")])

    def read(raw: bytes) -> object:
        return adapter.validate_json(raw).payload.reservation.customer.email

    return read


def new_decoder(raw: bytes) -> object:
    event = decode(raw).payload
    return event.reservation.customer.email  # type: ignore[attr-defined]


def per_event_us(read: Callable[[bytes], object], raws: list[bytes], rounds: int) -> tuple[float, float]:
    """Median and best of ``rounds`` passes, microseconds per event."""
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for raw in raws:
            read(raw)
        times.append((time.perf_counter() - t0) / len(raws) * 1e6)
    return statistics.median(times), min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    raws = sample_events(args.events)
    candidates: list[tuple[str, Callable[[bytes], object] | None]] = [
        ("msgspec (this build)", new_decoder),
        (f"dict schemas ({BASELINE})", old_decoder()),
        ("pydantic v2", pydantic_decoder()),
    ]
    for _name, read in candidates:
        if read is not None:
            read(raws[0])  # warm up, and prove it reads these bytes
    print(f"decode + validate + read one field, {args.events:,} events (half confirmed, half requested), "
          f"{args.rounds} rounds; {sum(map(len, raws)) / len(raws):.0f} bytes an event")
    print(f"{'decoder':<26} {'median us/event':>16} {'best':>8} {'events/s':>10} {'vs this build':>14}")
    mine = None
    for name, read in candidates:
        if read is None:
            print(f"{name:<26} {'(not available)':>16}")
            continue
        median, best = per_event_us(read, raws, args.rounds)
        mine = mine or median
        print(f"{name:<26} {median:>16.2f} {best:>8.2f} {1e6 / median:>10,.0f} {median / mine:>13.2f}x")
    # and the writer's side: this build validates what it encodes (it decodes its own bytes)
    payloads = [decode(r).payload for r in raws[:5000]]
    t0 = time.perf_counter()
    for p in payloads:
        Envelope(payload=p, source="hq").encode()
    print(f"encode (validated) this build: {(time.perf_counter() - t0) / len(payloads) * 1e6:.2f} us/event")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
