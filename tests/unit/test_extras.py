"""Extras and cover (rentaldesk.extras): the branch's catalogue, the extras a reservation keeps as
quoted, and the one stock rule at booking, at a change of period and at check-out, on real SQLite."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rentaldesk import extras
from rentaldesk.errors import InvalidInput, NotAvailable
from rentaldesk.extras import CatalogueItem, check_stock, choose, most_in_use, parse_pick
from rentaldesk.models import Reservation
from rentaldesk.rates_file import import_rates
from rentaldesk.reservations import ReservationService
from tests.conftest import T0, Clock, PoolBuilder, day
from tests.contract_helpers import check_out_value, may_rent

SEAT = CatalogueItem(code="child-seat", label="Child seat", kind="extra", per="day", price=Decimal("12.00"),
                     cap=Decimal("72.00"), stock=2)
CDW = CatalogueItem(code="cdw", label="Collision damage waiver", kind="cover", per="day", price=Decimal("24.00"))


@pytest.fixture
def branch(db, fleet):
    fleet.cars(8, "SUV")
    with db.write() as s:
        extras.save_catalogue(s, "10001", [SEAT, CDW])


def book(svc, n: int, start, end, *picks: tuple[str, int]):
    with svc.db.session() as s:
        chosen = choose(s, "10001", list(picks))
    return svc.create_reservation(email=f"r{n}@example.com", name=f"Renter {n}", vehicle_class="SUV",
                                  zip_code="10001", start=start, end=end, extras=chosen)


def test_the_last_seat_is_not_booked_twice_and_the_refusal_names_item_branch_and_period(svc, db, branch):
    book(svc, 1, day(1), day(3), ("child-seat", 1))
    book(svc, 2, day(2), day(4), ("child-seat", 1))
    with pytest.raises(NotAvailable) as refused:
        book(svc, 3, day(2, 12), day(5), ("child-seat", 1))
    assert refused.value.field == "extras"
    assert refused.value.message == ("no child seat is free at Branch 10001 Wed 6 Mar 2030, 19:00 to Sat 9 Mar 2030, "
                                     "07:00 EST: all 2 are booked")
    with db.session() as s:
        assert s.query(Reservation).count() == 2  # nothing half-saved
    # half-open: a seat given back at day 3 is free from day 3; unlimited cover is never counted
    book(svc, 4, day(3), day(5), ("child-seat", 1), ("cdw", 1))
    with pytest.raises(NotAvailable, match="only 1 of 2 child seats is free at .*; 2 asked"):
        book(svc, 5, day(4), day(6), ("child-seat", 2))


def test_a_cancelled_reservation_gives_its_seat_back(svc, branch):
    first = book(svc, 1, day(1), day(3), ("child-seat", 2))
    with pytest.raises(NotAvailable):
        book(svc, 2, day(1), day(3), ("child-seat", 1))
    svc.cancel_reservation(first.id)
    book(svc, 2, day(1), day(3), ("child-seat", 1))


def test_a_change_of_period_is_counted_and_a_refused_one_changes_nothing(svc, db, branch):
    book(svc, 1, day(1), day(3), ("child-seat", 2))
    moving = book(svc, 2, day(5), day(7), ("child-seat", 1))
    with pytest.raises(NotAvailable, match="no child seat is free"):
        svc.update_reservation(moving.id, start=day(2), end=day(4), accept_price=Decimal("0"))
    with db.session() as s:
        row = s.get_one(Reservation, moving.id)
        assert (row.start_at, row.end_at, row.price) == (day(5), day(7), moving.price)


def test_the_reservation_keeps_its_extras_as_quoted(svc, db, branch):
    r = book(svc, 1, day(1), day(4), ("child-seat", 1), ("cdw", 1))
    bare = book(svc, 2, day(1), day(4))
    assert r.price - bare.price == Decimal("36.00") + Decimal("72.00")  # 3 days of each
    with db.write() as s:
        extras.save_catalogue(s, "10001", [SEAT.__class__(**{**_fields(SEAT), "price": Decimal("99.00")})])
    with db.session() as s:
        kept = extras.extras_from_json(s.get_one(Reservation, r.id).extras_json)
    assert [(e.code, e.price) for e in kept] == [("child-seat", Decimal("12.00")), ("cdw", Decimal("24.00"))]


def _fields(item: CatalogueItem) -> dict[str, object]:
    return {name: getattr(item, name) for name in item.__slots__}  # type: ignore[attr-defined]


def test_check_out_adds_extras_counts_their_stock_and_keeps_them(svc, db, clock, branch):
    full = book(svc, 1, day(1), day(3), ("child-seat", 2))
    r = book(svc, 2, day(1), day(4), ("cdw", 1))
    may_rent(db, r.customer_id)
    clock.now = day(1, -1)
    with db.session() as s:
        seat = choose(s, "10001", [("child-seat", 1)])
    with pytest.raises(NotAvailable, match="no child seat is free"):
        svc.check_out(check_out_value(r.id, extras=seat))
    with db.session() as s:
        assert s.get_one(Reservation, r.id).status == "confirmed"
    svc.cancel_reservation(full.id)
    with pytest.raises(InvalidInput, match="booked with the reservation already"):
        svc.check_out(check_out_value(r.id, extras=choose_one(db, "cdw")))
    view = svc.check_out(check_out_value(r.id, extras=seat))
    assert [e.code for e in view.extras] == ["cdw", "child-seat"]
    with pytest.raises(NotAvailable, match="only 1 of 2"):  # the seat on rent is held
        book(svc, 3, day(2), day(3), ("child-seat", 2))


def choose_one(db, code: str):
    with db.session() as s:
        return choose(s, "10001", [(code, 1)])


def test_an_unknown_code_and_a_bad_quantity_are_refused_by_name(db, branch):
    with db.session() as s, pytest.raises(InvalidInput, match="'sunroof' is not an extra offered at Branch 10001"):
        choose(s, "10001", [("sunroof", 1)])
    assert parse_pick("gps:2") == ("gps", 2) and parse_pick("gps") == ("gps", 1)
    for bad in ("gps:0", "gps:x", ":2", "gps:100"):
        with pytest.raises(InvalidInput, match="--extra"):
            parse_pick(bad)


def test_the_rates_file_imports_a_catalogue_and_names_a_bad_line(db, fleet, tmp_path):
    fleet.branch("10001")
    good = tmp_path / "rates.toml"
    good.write_text('[[extras]]\nzip_code = "10001"\ncode = "gps"\nlabel = "GPS"\nprice = 10.5\nstock = 3\n')
    assert import_rates(db, good).extras == 1
    with db.session() as s:
        assert extras.catalogue(s, "10001") == (CatalogueItem("gps", "GPS", "extra", "day", Decimal("10.50"),
                                                              stock=3),)
    bad = tmp_path / "bad.toml"
    bad.write_text('[[extras]]\nzip_code = "10001"\ncode = "seat"\nlabel = "Seat"\nprice = "5.00"\nstock = -1\n')
    with pytest.raises(Exception) as refused:
        import_rates(db, bad)
    assert "line 6" in str(refused.value) and "stock" in str(refused.value)
    with db.session() as s:
        assert [i.code for i in extras.catalogue(s, "10001")] == ["gps"]  # nothing of the bad file saved


periods = st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12), st.integers(1, 3)), max_size=12)


@given(periods)
def test_most_in_use_is_the_peak_of_the_half_open_holds(holds):
    as_times = [(T0 + timedelta(hours=a), T0 + timedelta(hours=a + n), q) for a, n, q in holds]
    brute = max((sum(q for lo, hi, q in as_times if lo <= T0 + timedelta(hours=h) < hi) for h in range(60)),
                default=0)
    assert most_in_use(as_times, T0, T0 + timedelta(hours=60)) == brute


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 8), st.integers(1, 4), st.integers(1, 2)), min_size=1, max_size=8))
def test_never_more_seats_out_than_the_stock(tmp_path_factory, asks):
    from rentaldesk.db import open_database
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('stock') / 'b.sqlite'}")
    try:
        PoolBuilder(db).cars(len(asks), "SUV")
        with db.write() as s:
            extras.save_catalogue(s, "10001", [SEAT])
        svc = ReservationService(db, clock=Clock())
        accepted = []
        for n, (offset, length, quantity) in enumerate(asks):
            start, end = day(1 + offset / 2), day(1 + offset / 2 + length)
            try:
                book(svc, n, start, end, ("child-seat", quantity))
                accepted.append((start, end, quantity))
            except NotAvailable as exc:
                assert exc.field == "extras"
                # refused only when it would not fit
                assert most_in_use(accepted, start, end) + quantity > SEAT.stock  # type: ignore[operator]
        edges = sorted({t for lo, hi, _ in accepted for t in (lo, hi)})
        for t in edges:
            assert sum(q for lo, hi, q in accepted if lo <= t < hi) <= 2
    finally:
        db.close()


def test_check_stock_ignores_items_without_stock_and_unknown_extras(db, branch):
    with db.session() as s:
        check_stock(s, "10001", choose(s, "10001", [("cdw", 99)]), day(1), day(2), T0)


def test_an_untaxed_item_is_left_out_of_the_taxes_and_stays_so_when_kept():
    from datetime import timedelta as td

    from rentaldesk.charges import quote
    from rentaldesk.rates import Tax
    from tests.contract_helpers import plan

    taxed = plan(taxes=(Tax("sales", "Sales tax", Decimal("0.10"), "all", "half-up"),))
    cover = CatalogueItem(code="cdw", label="CDW", kind="cover", per="day", price=Decimal("20.00"), taxable=False)
    seat = CatalogueItem(code="seat", label="Seat", kind="extra", per="rental", price=Decimal("10.00"))
    kept = extras.extras_from_json(extras.extras_to_json([cover.choice(), seat.choice()]))
    assert [e.taxable for e in kept] == [False, True]
    bare = quote(taxed, T0, T0 + td(days=2))
    with_extras = quote(taxed, T0, T0 + td(days=2), extras=kept)
    assert with_extras.tax - bare.tax == Decimal("1.00")  # 10 % of the seat only
    assert with_extras.subtotal - bare.subtotal == Decimal("50.00")
    # an extra kept before 0011 (no "taxable" key) is taxed, as it was
    assert extras.extras_from_json('[{"code": "gps", "label": "GPS", "per": "rental", "price": "5.00", '
                                   '"cap": null, "quantity": 1}]')[0].taxable is True


def test_seats_leave_with_an_early_check_out_and_are_counted_from_then(svc, db, clock, branch):
    # stock 2: A (day 1 to 2) is on rent with both seats; B (day 2 to 3) comes 3 hours early
    a = book(svc, 1, day(1), day(2), ("child-seat", 2))
    b = book(svc, 2, day(2), day(3), ("child-seat", 2))
    may_rent(db, a.customer_id)
    may_rent(db, b.customer_id)
    clock.now = day(1)
    svc.check_out(check_out_value(a.id, extras=()))
    clock.now = day(2, -3)  # inside B's pick-up window: the seats would leave now, A still has them
    with pytest.raises(NotAvailable, match="child seat") as refused:
        svc.check_out(check_out_value(b.id, extras=()))
    assert refused.value.field == "extras"
    with db.session() as s:
        assert s.get_one(Reservation, b.id).status == "confirmed"  # nothing half-saved


def test_a_car_out_early_holds_its_seats_from_when_it_left(svc, db, clock, branch):
    # stock 2: A (day 2 to 3) leaves 3 hours early with both seats; C, asked later for the 3 hours
    # before A's booked pick-up, finds none
    a = book(svc, 1, day(2), day(3), ("child-seat", 2))
    may_rent(db, a.customer_id)
    clock.now = day(2, -3)
    svc.check_out(check_out_value(a.id, extras=()))
    with db.session() as s:
        seat = choose(s, "10001", [("child-seat", 1)])
        with pytest.raises(NotAvailable, match="child seat"):  # the hours before A's booked pick-up
            check_stock(s, "10001", seat, day(2, -2.5), day(2, -0.5), clock.now)
