"""``make chaos``: the real processes under faults, then the protocol's invariants from the databases.

A Kafka broker (:class:`tools.devbroker.DevBroker`), an SMTP server (aiosmtpd, in this
process), ``rentaldesk hq`` and one ``rentaldesk sync`` per branch (each branch on its own SQLite
file, its fleet from the fleet topic). Then a seeded burst of commands from every branch (reserve,
some by car; update; cancel; pick-up; return), while the broker is stopped and started, head office
is SIGKILLed and started again, and a branch's sync loop is SIGKILLed and started again. Once quiet
(every outbox drained, every answer applied, every mail settled; a bounded wait), everything stops
and the invariants are checked from head office's and every branch's database and the mails received:

- ``no double booking``: no car holds two overlapping live reservations (pending, confirmed, active),
  at head office nor at any branch;
- ``nothing pending``: once quiet no reservation is pending or waits for an answer, no outbox row is
  unsent, every branch applied every event of head office;
- ``branches equal head office``: every branch holds head office's reservations with head office's
  status, car (plate) and period; one head office does not hold is a rejected create;
- ``decided once``: every request of every branch has exactly one answer, and no answer names a
  request nobody made;
- ``mailed once``: no mail arrives twice (its Message-ID is the booking event), every mail recorded
  as sent arrived, every mailable decision has one mail, none failed but by an interrupted send.

The commands: a share (``--cli-share``, default 0.25) runs as real ``rentaldesk ... --json``
subprocesses; the rest are in-process :class:`ReservationService` calls with the branch's
:class:`BranchOutbox` link, the very path the command line takes (a subprocess costs about 1.5 s of CPU
to start and import on this two-core machine, up to 4 s of wall time while the rest runs, so all of
them would stretch the burst several times over and leave the faults to hit an idle network). Each branch's clerk runs in its own thread.

The seed fixes every choice (commands, targets, periods, fault times by progress); the interleaving
with the real processes is not reproducible, so a failing seed shows the kind of run, not the exact
one: the logs of every process stay in the run's directory (printed) when an invariant breaks.

    python -m tools.chaos --branches 3 --commands 240 --seed 7      # or: make chaos ARGS="--seed 7"
    python -m tools.chaos --short                                    # the CI run (tests/e2e/test_chaos.py)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol

with warnings.catch_warnings():  # kafka-python 3.0 on Python 3.11/3.12 (see tests/kafka_fixtures.py)
    warnings.filterwarnings("ignore", message="(read_text|open_text) is deprecated", category=DeprecationWarning)
    import kafka  # noqa: F401

from aiosmtpd.controller import Controller
from sqlalchemy import select

from rentaldesk.db import Database, open_database
from rentaldesk.errors import PriceChanged, RentalError
from rentaldesk.fleet import load_sample_data
from rentaldesk.models import Car
from rentaldesk.models import Reservation as Row
from rentaldesk.reservations import ReservationService
from rentaldesk.sync.branch import BranchOutbox
from tools.polling import count, wait_for
from tools.devbroker import DevBroker, free_port

from .chaos_checks import check, unquiet

log = logging.getLogger("rentaldesk.chaos")

#: The sample's branches (code, zip code).
BRANCHES = (("BOS-DT", "02108"), ("ORD-AP", "60666"), ("SFO-AP", "94128"))
#: Pools the clerks book into, weighted: the vans (3 cars a pool) run out, so requests are refused
#: and moves happen; every branch books into every pool, so branches compete for the same cars.
POOLS = ((("VAN", "02108"), 4), (("ECONOMY", "02108"), 3), (("VAN", "60666"), 2), (("SUV", "94128"), 2))
OPERATIONS = (("reserve", 40), ("update", 15), ("cancel", 12), ("pickup", 18), ("return", 15))


class Broker(Protocol):
    """What the run needs of a broker: :class:`DevBroker`, or the tests' ``KafkaTestBroker``."""

    bootstrap: str

    def stop(self, keep: bool = ...) -> None: ...
    def start(self) -> object: ...


@dataclass(frozen=True)
class Plan:
    branches: int = 3
    commands: int = 240
    seed: int = 0
    short: bool = False
    cli_share: float = 0.25
    quiet_timeout: float = 180.0
    #: (progress of the burst, fault): "broker", "hq" or "branch:<index>".
    faults: tuple[tuple[float, str], ...] = ()

    @staticmethod
    def make(branches: int = 3, commands: int | None = None, seed: int | None = None, short: bool = False,
             cli_share: float = 0.25, quiet_timeout: float = 180.0) -> Plan:
        if not 1 <= branches <= len(BRANCHES):
            raise ValueError(f"--branches: 1 to {len(BRANCHES)} (the sample's branches)")
        seed = random.SystemRandom().randrange(1 << 31) if seed is None else seed
        rng = random.Random(seed)
        if short:
            commands = commands or 60
            faults = [(rng.uniform(0.15, 0.3), "broker"), (rng.uniform(0.4, 0.55), "hq"),
                      (rng.uniform(0.65, 0.8), f"branch:{rng.randrange(branches)}")]
        else:
            commands = commands or 240
            faults = [(rng.uniform(0.1, 0.2), "broker"), (rng.uniform(0.25, 0.35), "hq"),
                      (rng.uniform(0.4, 0.5), f"branch:{rng.randrange(branches)}"),
                      (rng.uniform(0.55, 0.65), "broker"), (rng.uniform(0.7, 0.8), "hq"),
                      (rng.uniform(0.85, 0.95), f"branch:{rng.randrange(branches)}"),
                      # at the very end: the wait until quiet rides out the clients' reconnection
                      (rng.uniform(0.97, 0.99), "broker")]
        return Plan(branches, commands, seed, short, cli_share, quiet_timeout, tuple(sorted(faults)))

    def replay(self) -> str:
        args = f"--seed {self.seed} --branches {self.branches} --commands {self.commands}"
        if self.short:
            args += " --short"
        if self.cli_share != 0.25:
            args += f" --cli-share {self.cli_share}"
        return f'make chaos ARGS="{args}"'


@dataclass
class Result:
    plan: Plan
    root: Path
    violations: dict[str, list[str]] = field(default_factory=dict)
    outcomes: Counter = field(default_factory=Counter)
    faults: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    answers: Counter = field(default_factory=Counter)
    mails: int = 0
    burst_seconds: float = 0.0
    quiet_seconds: float | None = None
    total_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def violate(self, invariant: str, detail: str) -> None:
        self.violations.setdefault(invariant, []).append(detail)

    def summary(self) -> str:
        p = self.plan
        lines = [f"chaos: seed {p.seed}, {p.branches} branches, {p.commands} commands"
                 f"{' (short)' if p.short else ''}, {p.cli_share:.0%} through the command line"]
        lines.append(f"  burst {self.burst_seconds:.0f} s; quiet after "
                     + (f"{self.quiet_seconds:.0f} s" if self.quiet_seconds is not None else "NEVER (timed out)")
                     + f"; whole run {self.total_seconds:.0f} s")
        lines.append("  faults: " + "; ".join(self.faults))
        by_op: dict[str, list[str]] = defaultdict(list)
        for (op, how, outcome), n in sorted(self.outcomes.items()):
            by_op[op].append(f"{outcome} {n} ({how})")
        for op, parts in by_op.items():
            lines.append(f"  {op:8} " + ", ".join(parts))
        lines.append("  head office: " + ", ".join(f"{s} {n}" for s, n in sorted(self.statuses.items()))
                     + f"; mails received {self.mails}")
        lines.append("  answers: " + ", ".join(f"{t.removeprefix('reservation.')} {n}"
                                              for t, n in sorted(self.answers.items())))
        lines.extend(f"  note: {n}" for n in self.notes)
        if self.ok:
            lines.append("  every invariant holds")
        else:
            for invariant, details in self.violations.items():
                lines.append(f"  VIOLATED: {invariant} ({len(details)})")
                lines.extend(f"    - {d}" for d in details[:20])
                if len(details) > 20:
                    lines.append(f"    ... and {len(details) - 20} more")
            lines.append(f"  logs and databases: {self.root}")
        lines.append(f"  replay: {p.replay()}")
        return "\n".join(lines)


# -- the processes -----------------------------------------------------------------------------------


class Mailbox:
    """aiosmtpd's handler: every mail received, as (recipient, raw bytes)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bytes]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802 - aiosmtpd's API
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append((rcpt, envelope.content))
        return "250 OK"


class Processes:
    """``rentaldesk hq`` and the branches' ``rentaldesk sync``, each in its own session (process group),
    so stopping one takes its children along; their output appends to ``<name>.log``."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env
        self.running: dict[str, subprocess.Popen] = {}
        #: Process groups of crashed processes (name, pgid): their children are to stop on their own.
        self.crashed: list[tuple[str, int]] = []

    def start(self, name: str, args: list[str]) -> None:
        with open(self.root / f"{name}.log", "ab") as out:
            out.write(f"--- {datetime.now(timezone.utc).isoformat()} start\n".encode())
            out.flush()
            self.running[name] = subprocess.Popen(
                [sys.executable, "-m", "rentaldesk", *args], env=self.env, stdout=out, stderr=out,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )

    def crash(self, name: str) -> None:
        """SIGKILL the process itself (not its group): its children must notice on their own."""
        proc = self.running[name]
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait(30)
        self.crashed.append((name, proc.pid))
        with open(self.root / f"{name}.log", "ab") as out:
            out.write(f"--- {datetime.now(timezone.utc).isoformat()} SIGKILL\n".encode())

    def stop(self, name: str) -> None:
        proc = self.running.pop(name)
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)  # the group: a head office's publisher child too
            try:
                proc.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # whatever of the group outlived its leader

    def stop_all(self) -> list[str]:
        """Stop every process; returns the crashed processes' children still alive (then killed)."""
        for name in list(self.running):
            self.stop(name)
        orphans = []
        for name, pgid in self.crashed:
            alive = group_members(pgid)
            if alive:
                orphans.append(f"{name} (killed pid {pgid}) left {len(alive)} process(es) running: {alive}")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pgid, signal.SIGKILL)
        self.crashed.clear()
        return orphans


def group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of process group ``pgid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            found.append(int(stat.parent.name))
    return found


# -- the clerks --------------------------------------------------------------------------------------


@dataclass
class Clerk:
    """One branch's counter: its share of the burst, seeded, in a thread."""

    code: str
    db_path: Path
    db: Database
    rng: random.Random
    plan: Plan
    env: dict[str, str]
    bootstrap: str
    commands: int
    outcomes: Counter
    progress: Callable[[], None]
    made: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: The last refusal of the command line (its --json error), or None.
    refusal: dict[str, object] | None = None

    def __post_init__(self) -> None:
        self.service = ReservationService(self.db, link=BranchOutbox(self.code))
        self.now = datetime.now(timezone.utc)

    def run(self) -> None:
        for i in range(self.commands):
            try:
                self.step(i)
            except Exception as exc:  # noqa: BLE001 - a crash of a command is reported, the burst goes on
                self.errors.append(f"{self.code} command {i}: {exc!r}")
                self.outcomes[("?", "-", "crashed")] += 1
            self.progress()
            time.sleep(self.rng.uniform(0.0, 0.12))

    def local(self, rid: str) -> tuple[str, datetime]:
        with self.db.session() as s:
            row = s.get(Row, rid)
            return row.status, row.start_at

    def targets(self, op: str) -> list[str]:
        soon = datetime.now(timezone.utc) + timedelta(hours=11)
        found = []
        for rid in self.made:
            status, start = self.local(rid)
            if op in ("update", "cancel") and status in ("pending", "confirmed") or \
               op == "pickup" and status == "confirmed" and start <= soon or op == "return" and status == "active":
                found.append(rid)
        return found

    def period(self) -> tuple[datetime, datetime]:
        base = (self.now + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        if self.rng.random() < 0.35:  # soon: it can be picked up (the pick-up opens 12 h before)
            start = base + timedelta(hours=self.rng.randrange(0, 6))
        else:
            start = base + timedelta(hours=self.rng.randrange(0, 24 * 3))  # a crowded week: some refused
        return start, start + timedelta(days=self.rng.choice((1, 1, 2, 3)))

    def step(self, i: int) -> None:
        op = self.rng.choices([o for o, _ in OPERATIONS], weights=[w for _, w in OPERATIONS])[0]
        targets = self.targets(op) if op != "reserve" else []
        if op != "reserve" and not targets:
            op = "reserve"
        cli = self.rng.random() < self.plan.cli_share
        how = "cli" if cli else "call"
        if op == "reserve":
            (vehicle_class, zip_code), = self.rng.choices([p for p, _ in POOLS], weights=[w for _, w in POOLS])
            start, end = self.period()
            car = None
            if self.rng.random() < 0.2:
                with self.db.session() as s:
                    plates = sorted(s.scalars(select(Car.plate_number).where(
                        Car.vehicle_class == vehicle_class, Car.zip_code == zip_code)))
                car = self.rng.choice(plates) if plates else None
                op = "reserve-car"
            email = f"{self.code.lower()}-{i}-{self.rng.randrange(10**6)}@example.com"
            if cli:
                args = ["reserve", "--email", email, "--name", f"Customer {self.code} {i}",
                        "--class", vehicle_class, "--zip", zip_code,
                        "--start", start.isoformat(), "--end", end.isoformat()]
                result = self.cli(args + (["--car", car] if car else []))
            else:
                car_id = None
                if car:
                    with self.db.session() as s:
                        car_id = s.scalar(select(Car.car_id).where(Car.plate_number == car))
                result = self.call(lambda: self.service.create_reservation(
                    email=email, name=f"Customer {self.code} {i}", vehicle_class=vehicle_class,
                    zip_code=zip_code, start=start, end=end, car_id=car_id).id)
            if result is not None:
                self.made.append(result)
            self.outcomes[(op, how, "done" if result is not None else "refused")] += 1
            return
        rid = self.rng.choice(targets)
        if op == "update":
            start, end = self.period()
            # as the desk does: asked without a price; refused with the new one (old -> new), the
            # clerk accepts it and asks again
            if cli:
                asked = ["reservations", "update", rid, "--start", start.isoformat(), "--end", end.isoformat()]
                result = self.cli(asked)
                new_price = (self.refusal or {}).get("new") if result is None else None
                if new_price is not None:
                    result = self.cli([*asked, "--accept-price", str(new_price)])
            else:
                def change() -> str:
                    try:
                        return self.service.update_reservation(rid, start=start, end=end).id
                    except PriceChanged as shown:
                        return self.service.update_reservation(rid, start=start, end=end, accept_price=shown.new).id

                result = self.call(change)
        elif op == "cancel":
            result = self.cli(["reservations", "cancel", rid]) if cli else \
                self.call(lambda: self.service.cancel_reservation(rid).id)
        elif op == "pickup":
            result = self.cli(["reservations", "pickup", rid]) if cli else \
                self.call(lambda: self.service.pick_up(rid).id)
        else:
            result = self.cli(["reservations", "return", rid]) if cli else \
                self.call(lambda: self.service.return_car(rid).id)
        self.outcomes[(op, how, "done" if result is not None else "refused")] += 1

    def call(self, action: Callable[[], str]) -> str | None:
        try:
            return action()
        except RentalError:
            return None

    def cli(self, args: list[str]) -> str | None:
        cmd = [sys.executable, "-m", "rentaldesk", "--db", str(self.db_path), "--branch", self.code,
               "--kafka", self.bootstrap, "--json", *args]
        done = subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        self.refusal = None
        if done.returncode == 2:
            with contextlib.suppress(ValueError):
                self.refusal = json.loads(done.stderr.strip().splitlines()[-1])
        if done.returncode == 0:
            return json.loads(done.stdout)["id"]
        if done.returncode != 1 and done.returncode != 2 or "Traceback" in done.stderr:
            self.errors.append(f"{self.code} `rentaldesk {' '.join(args)}` exit {done.returncode}: "
                               f"{done.stderr.strip()[-400:]}")
        return None


# -- the run -----------------------------------------------------------------------------------------


def run(plan: Plan, *, broker: Broker | None = None, root: Path | None = None, prefix: str | None = None,
        keep: bool = False, echo: Callable[[str], None] = print) -> Result:
    """Run ``plan``: every process, the burst and its faults, the wait until quiet, the checks.

    With ``broker`` (anything with ``bootstrap``, ``stop(keep=True)`` and ``start()``, e.g. the tests'
    session broker) the run uses it and leaves it running; else it starts a :class:`DevBroker` of
    its own and stops it at the end. The run's directory (databases, logs) is removed unless
    ``keep``, an invariant is violated or the run itself failed; a ``root`` given is never removed.
    """
    started = time.monotonic()
    own_root = root is None
    root = Path(tempfile.mkdtemp(prefix="rentaldesk-chaos-")) if root is None else root
    root.mkdir(parents=True, exist_ok=True)
    result = Result(plan, root)
    own_broker: DevBroker | None = None
    if broker is None:
        echo("chaos: starting the broker...")
        own_broker = DevBroker(root / "broker", keep=False).start()
        broker = own_broker
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    (root / "none.toml").write_text("")
    env = {
        **os.environ,
        "RENTALDESK_KAFKA": broker.bootstrap,
        "RENTALDESK_TOPIC_PREFIX": prefix or f"chaos{uuid.uuid4().hex[:8]}",
        "RENTALDESK_SMTP_HOST": "127.0.0.1",
        "RENTALDESK_SMTP_PORT": str(smtp.port),
        "RENTALDESK_CONFIG": str(root / "none.toml"),
        "HOME": str(root),
        "PYTHONWARNINGS": "ignore",
    }
    env.pop("RENTALDESK_DB", None)
    env.pop("RENTALDESK_BRANCH", None)
    procs = Processes(root, env)
    hq_db = open_database(f"sqlite:///{root / 'hq.sqlite'}")
    branches = BRANCHES[: plan.branches]
    dbs = {code: open_database(f"sqlite:///{root / f'{code}.sqlite'}") for code, _ in branches}
    hq_args = ["--db", str(root / "hq.sqlite"), "-v", "hq"]

    def sync_args(code: str) -> list[str]:
        return ["--db", str(root / f"{code}.sqlite"), "--branch", code, "-v", "sync"]

    finished = False
    try:
        load_sample_data(hq_db)
        cars = count(hq_db, Car)
        procs.start("hq", hq_args)
        for code, _ in branches:
            procs.start(code, sync_args(code))
        for code, _ in branches:
            wait_for(lambda db=dbs[code]: count(db, Car) == cars, 120, f"the fleet at {code}", interval=0.5)
        echo(f"chaos: head office and {len(branches)} branches up; the burst ({plan.commands} commands)...")

        rng = random.Random(plan.seed)
        done = [0]
        lock = threading.Lock()

        def progress() -> None:
            with lock:
                done[0] += 1

        share = [plan.commands // len(branches) + (1 if i < plan.commands % len(branches) else 0)
                 for i in range(len(branches))]
        clerks = [Clerk(code, root / f"{code}.sqlite", dbs[code], random.Random(rng.randrange(1 << 31)), plan, env,
                        broker.bootstrap, n, result.outcomes, progress)
                  for (code, _), n in zip(branches, share)]
        fault_rng = random.Random(rng.randrange(1 << 31))
        burst_start = time.monotonic()
        threads = [threading.Thread(target=c.run, name=f"clerk-{c.code}", daemon=True) for c in clerks]
        for t in threads:
            t.start()
        t0 = time.monotonic()
        for at, fault in plan.faults:
            while done[0] < at * plan.commands and any(t.is_alive() for t in threads):
                time.sleep(0.05)
            stamp = f"{time.monotonic() - t0:.0f} s, command {done[0]}"
            if fault == "broker":
                down = fault_rng.uniform(3, 8)
                broker.stop(keep=True)
                time.sleep(down)
                broker.start()
                result.faults.append(f"broker stopped for {down:.0f} s at {stamp}")
            elif fault == "hq":
                procs.crash("hq")
                time.sleep(fault_rng.uniform(0.5, 3))
                procs.start("hq", hq_args)
                result.faults.append(f"head office SIGKILLed at {stamp}")
            else:
                code = branches[int(fault.split(":")[1])][0]
                procs.crash(code)
                time.sleep(fault_rng.uniform(0.5, 3))
                procs.start(code, sync_args(code))
                result.faults.append(f"{code}'s sync SIGKILLed at {stamp}")
            echo(f"chaos: {result.faults[-1]}")
        for t in threads:
            t.join()
        result.burst_seconds = time.monotonic() - burst_start
        for c in clerks:  # a command that crashed (not a refusal) is a defect, not a note
            for error in c.errors:
                result.violate("commands-never-crash", error)
        echo(f"chaos: burst done in {result.burst_seconds:.0f} s; waiting until quiet "
             f"(at most {plan.quiet_timeout:.0f} s)...")
        quiet_start = time.monotonic()
        try:
            wait_for(lambda: not unquiet(hq_db, dbs), plan.quiet_timeout, "quiet", interval=0.5)
            result.quiet_seconds = time.monotonic() - quiet_start
        except TimeoutError:
            result.violate("nothing pending once quiet",
                           f"not quiet after {plan.quiet_timeout:.0f} s: " + "; ".join(unquiet(hq_db, dbs)))
        # A crashed head office's publisher must have stopped with it long ago (README: "the child
        # stops with it, even when head office is killed").
        for orphan in procs.stop_all():
            result.violate("a killed process leaves nothing running", orphan)
        time.sleep(0.5)  # a mail in flight reaches the mailbox
        with mailbox.lock:
            received = list(mailbox.received)
        check(result, hq_db, dbs, received)
        finished = True
    finally:
        procs.stop_all()
        smtp.stop()
        hq_db.close()
        for db in dbs.values():
            db.close()
        if own_broker is not None:
            own_broker.stop(keep=False)
        result.total_seconds = time.monotonic() - started
        if own_root and finished and result.ok and not keep:  # a crashed run keeps its logs too
            shutil.rmtree(root, ignore_errors=True)
    return result



def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.chaos", description=__doc__.split("\n\n")[0])
    parser.add_argument("--branches", type=int, default=3, help="how many branches (1-3; default 3)")
    parser.add_argument("--commands", type=int, help="commands in the burst (default 240; short: 60)")
    parser.add_argument("--seed", type=int, help="the seed (default: a random one, printed)")
    parser.add_argument("--short", action="store_true", help="the CI run: fewer commands, each fault once")
    parser.add_argument("--cli-share", type=float, default=0.25,
                        help="share of commands run as `rentaldesk` subprocesses (default 0.25)")
    parser.add_argument("--quiet-timeout", type=float, default=180.0,
                        help="seconds to wait for quiet after the burst (default 180)")
    parser.add_argument("--keep", action="store_true", help="keep the run's directory even when all is well")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    plan = Plan.make(args.branches, args.commands, args.seed, args.short, args.cli_share, args.quiet_timeout)
    print(f"chaos: seed {plan.seed} (replay: {plan.replay()})", flush=True)
    result = run(plan, keep=args.keep, echo=lambda line: print(line, flush=True))
    print(result.summary())
    if result.ok and args.keep:
        print(f"  kept: {result.root}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
