"""The day's manifest of a branch (issue 11): what goes out, what comes back, what is late, who did not come.

One function, :func:`day_manifest`, for the desk's Today screen, ``rentaldesk manifest`` and the PDF
(:func:`rentaldesk.documents.manifest_pdf`); its lists, for a local day at the branch and the time
``now``:

- **due out**: the pick-ups of the day (midnight to midnight in the branch's time zone), waiting,
  picked up or returned since; a no-show is listed under no-shows instead;
- **due in**: the returns of the day: cars on rent due back that day, and cars returned that day;
- **overdue**: cars on rent past their booked return plus the rate plan's late-return grace (the
  one rule of :func:`rentaldesk.charges.late_from`, which the check-in charges by), whatever day;
- **no-shows**: the day's reservations marked no-show, and every reservation that may be marked
  now (the rule of :mod:`rentaldesk.no_show`).

Each row carries the customer's phone. Two queries whatever the number of rows (the branch, then
every reservation the lists need with its customer, car and agreement); rate plans are read once
per distinct plan text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from . import no_show
from .charges import late_from
from .display import day_bounds, money, shorter_time, status_word
from .models import Agreement, Branch, Car, Customer, ReservationStatus
from .models import Reservation as ReservationRow
from .pricing import kept_plan
from .rates import RatePlan
from .reservations import unknown_location
from .rules import require_aware

_PENDING, _CONFIRMED = ReservationStatus.PENDING.value, ReservationStatus.CONFIRMED.value
_ACTIVE, _COMPLETED = ReservationStatus.ACTIVE.value, ReservationStatus.COMPLETED.value
_NO_SHOW = ReservationStatus.NO_SHOW.value
#: The statuses a pick-up of the day is listed in (cancelled, rejected and expired ones are not).
_DUE_OUT = (_PENDING, _CONFIRMED, _ACTIVE, _COMPLETED)


@dataclass(frozen=True, slots=True)
class ManifestRow:
    """A reservation as the manifest lists it (a plain value, safe for any thread).

    ``late_from``: for a car on rent, when it is late (its booked return plus the plan's grace);
    ``no_show_from``: for one not picked up, when it may be marked a no-show; ``can_mark_no_show``:
    it may be now.
    """

    reservation_id: str
    reference: str
    status: str
    customer_name: str
    customer_email: str
    customer_phone: str
    vehicle_class: str
    plate_number: str
    start: datetime
    end: datetime
    agreement_number: str
    picked_up_at: datetime | None
    returned_at: datetime | None
    late_from: datetime | None
    no_show_from: datetime | None
    can_mark_no_show: bool
    no_show_fee: Decimal | None

    @property
    def customer(self) -> str:
        """The customer's name, or their email when no name is known."""
        return self.customer_name or self.customer_email


@dataclass(frozen=True, slots=True)
class Manifest:
    """A branch's day: its four lists, each in time order."""

    zip_code: str
    branch_code: str
    branch_name: str
    time_zone: str
    day: date
    now: datetime
    no_show_grace: timedelta
    #: The branch's no-show fee (what marking one charges unless the clerk gives another).
    no_show_fee: Decimal
    due_out: tuple[ManifestRow, ...]
    due_in: tuple[ManifestRow, ...]
    overdue: tuple[ManifestRow, ...]
    no_shows: tuple[ManifestRow, ...]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def reservation_ids(self) -> frozenset[str]:
        """Every reservation the manifest lists (what a change must touch to change it)."""
        return frozenset(r.reservation_id for rows in (self.due_out, self.due_in, self.overdue, self.no_shows)
                         for r in rows)


def branch_today(s: Session, zip_code: str, now: datetime) -> date:
    """The local date at the branch at ``now`` (the manifest's default day)."""
    return now.astimezone(ZoneInfo(_branch(s, zip_code).time_zone)).date()


def day_manifest(s: Session, zip_code: str, day: date, now: datetime) -> Manifest:
    """The manifest of the branch at ``zip_code`` for the local ``day``, as it stands at ``now``
    (see the module's lists). An unknown zip code is refused (:class:`UnknownPool`, naming the known)."""
    require_aware(now, "now")
    now = now.astimezone(timezone.utc)
    branch = _branch(s, zip_code)
    zone = ZoneInfo(branch.time_zone)
    rules = no_show.rules_of(branch)
    lo, hi = day_bounds(day, zone)
    r = ReservationRow
    here = r.zip_code == branch.zip_code
    # the branch in each term, so each is a seek of an index of 0016 (SQLite's OR by union)
    wanted = or_(
        and_(here, r.status.in_((*_DUE_OUT, _NO_SHOW)), r.start_at >= lo, r.start_at < hi),  # the day's pick-ups
        # on rent and due back that day, or overdue (so due back before now: the grace is never negative)
        and_(here, r.status == _ACTIVE, r.end_at < max(hi, now)),
        and_(here, r.returned_at >= lo, r.returned_at < hi, r.status == _COMPLETED),  # back that day
        and_(here, no_show.markable(now, rules), r.start_at < hi),  # may be marked a no-show now
    )
    q = (select(r.id, r.reference, r.status, r.vehicle_class, r.zip_code, r.start_at, r.end_at, r.price,
                r.rate_plan, r.driver_day_rate, r.extras_json, r.picked_up_at, r.returned_at, r.no_show_fee,
                Customer.name, Customer.email, Customer.phone, Car.plate_number, Agreement.number,
                Agreement.plan_json)
         .join(Customer, Customer.id == r.customer_id)
         .join(Car, Car.car_id == r.car_id)
         .outerjoin(Agreement, Agreement.reservation_id == r.id)
         .where(wanted)
         .order_by(r.start_at, r.reference))
    plans: dict[str, RatePlan] = {}
    due_out: list[ManifestRow] = []
    due_in: list[ManifestRow] = []
    overdue: list[ManifestRow] = []
    no_shows: list[ManifestRow] = []
    for found in s.execute(q):
        on_rent = found.status == _ACTIVE
        late = late_from(_plan(found, plans), found.end_at) if on_rent else None
        waiting = found.status in (_PENDING, _CONFIRMED) and found.picked_up_at is None
        markable = no_show.may_mark(found, now, rules)
        row = ManifestRow(
            reservation_id=found.id, reference=found.reference, status=found.status,
            customer_name=found.name, customer_email=found.email, customer_phone=found.phone,
            vehicle_class=found.vehicle_class, plate_number=found.plate_number, start=found.start_at,
            end=found.end_at, agreement_number=found.number or "", picked_up_at=found.picked_up_at,
            returned_at=found.returned_at, late_from=late,
            no_show_from=no_show.no_show_from(found.start_at, rules) if waiting else None,
            can_mark_no_show=markable, no_show_fee=found.no_show_fee)
        if lo <= found.start_at < hi and found.status in _DUE_OUT:
            due_out.append(row)
        if (on_rent and lo <= found.end_at < hi) or (
                found.status == _COMPLETED and found.returned_at is not None and lo <= found.returned_at < hi):
            due_in.append(row)
        if late is not None and now > late:
            overdue.append(row)
        if markable or (found.status == _NO_SHOW and lo <= found.start_at < hi):
            no_shows.append(row)
    return Manifest(
        zip_code=branch.zip_code, branch_code=branch.code, branch_name=branch.name, time_zone=branch.time_zone,
        day=day, now=now, no_show_grace=rules.grace, no_show_fee=rules.fee, due_out=tuple(due_out),
        due_in=tuple(sorted(due_in, key=lambda x: (x.end, x.reference))),
        overdue=tuple(sorted(overdue, key=lambda x: (x.end, x.reference))), no_shows=tuple(no_shows))


def _branch(s: Session, zip_code: str) -> Branch:
    key = zip_code.strip() if isinstance(zip_code, str) else ""
    branch = s.scalar(select(Branch).where(Branch.zip_code == key))
    if branch is None:
        raise unknown_location(key or str(zip_code), s.scalars(select(Branch.zip_code).order_by(Branch.zip_code)))
    return branch


def _plan(found: Any, plans: dict[str, RatePlan]) -> RatePlan:
    """The plan a car on rent is charged by: its agreement's (fixed at check-out), else the one its
    reservation was quoted with (:func:`rentaldesk.pricing.kept_plan`); read once per plan text."""
    text = found.plan_json or found.rate_plan
    if text is None:
        return kept_plan(found)
    plan = plans.get(text)
    if plan is None:
        plan = plans[text] = RatePlan.from_json(text)
    return plan


# -- words: the one way the lists read, on the screen, on paper and on the command line -----------------

#: The lists, in the order they are shown, with their titles.
LISTS = (("due_out", "Due out"), ("due_in", "Due in"), ("overdue", "Overdue"), ("no_shows", "No-shows"))


def when(value: datetime | None, m: Manifest) -> str:
    """A time as the manifest shows it: '10:30' on its day, '04 Mar 10:30' on another ('' for none)."""
    if value is None:
        return ""
    local = value.astimezone(m.zone)
    return f"{local:%H:%M}" if local.date() == m.day else shorter_time(value, m.zone)


def state(row: ManifestRow, m: Manifest) -> str:
    """Where a row stands, in a clerk's words: 'waiting', 'out 09:12', 'back 16:05', 'late since
    10:29', 'may be marked a no-show', 'no-show, fee $50.00'."""
    if row.status == _NO_SHOW:
        return f"no-show, fee {money(row.no_show_fee)}" if row.no_show_fee else "no-show"
    if row.can_mark_no_show:
        return "may be marked a no-show"
    if row.status == _ACTIVE:
        if row.late_from is not None and m.now > row.late_from:
            return f"late since {when(row.late_from, m)}"
        return f"out {when(row.picked_up_at, m)}".strip()
    if row.status == _COMPLETED:
        return f"back {when(row.returned_at, m)}".strip()
    if row.status == _CONFIRMED:
        return "waiting"
    return status_word(row.status)


def summary(m: Manifest) -> str:
    """'Due out 3, due in 2, overdue 1, no-shows 1' (the counts of the lists)."""
    return ", ".join(f"{(title if i == 0 else title.lower())} {len(getattr(m, name))}"
                     for i, (name, title) in enumerate(LISTS))
