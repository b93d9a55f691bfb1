"""Fleet, drivers and branch files: validation, upsert, and the shipped sample data."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from rentaldesk.errors import FleetFileError
from rentaldesk.fleet import (
    import_branches,
    import_drivers,
    import_fleet,
    load_sample_data,
    sample_file,
)
from rentaldesk.models import Branch, Car, Driver, VehicleClass

NEXT_YEAR = date.today().year + 1
HEADER = "plate_number,model,year,color,transmission,cost_per_day,vehicle_class,zip_code"
GOOD = [
    "ab-123,Toyota RAV4,2024,Blue,automatic,79.00,suv,10001",
    "CD 456,Kia Rio,2023,Red,Manual,39.5,ECONOMY,10001",
    "EF789,Ford Transit,2022,White,automatic,95,VAN,20002",
]


def write(tmp_path, lines, name="fleet.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cars(db):
    with db.session() as s:
        return {c.plate_number: c for c in s.scalars(select(Car))}


def test_import_creates_cars_classes_and_locations(db, tmp_path):
    assert import_fleet(db, write(tmp_path, [HEADER, *GOOD]), allow_new=True).count == 3
    got = cars(db)
    assert set(got) == {"AB123", "CD456", "EF789"}
    kia = got["CD456"]
    assert (kia.transmission, kia.cost_per_day, kia.vehicle_class, kia.status) == (
        "manual", Decimal("39.50"), "ECONOMY", "available")
    with db.session() as s:
        assert set(s.scalars(select(Branch.zip_code))) == {"10001", "20002"}
        branch = s.scalar(select(Branch).where(Branch.zip_code == "20002"))
        assert (branch.lead_time_minutes, branch.min_rental_minutes, branch.turnaround_minutes) == (120, 1440, 0)
        assert s.get(VehicleClass, "SUV").day_rate == Decimal("79.00")


def test_importing_a_known_plate_updates_it(db, tmp_path):
    import_fleet(db, write(tmp_path, [HEADER, *GOOD]), allow_new=True)
    again = [HEADER + ",status,odometer", "AB-123,Toyota RAV4,2024,Green,automatic,85.00,SUV,10001,maintenance,12000"]
    assert import_fleet(db, write(tmp_path, again, "again.csv")).count == 1
    got = cars(db)
    assert len(got) == 3
    rav = got["AB123"]
    assert (rav.color, rav.cost_per_day, rav.status, rav.odometer) == ("Green", Decimal("85.00"), "maintenance", 12000)


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("GH1,Model,1800,Blue,automatic,50,SUV,10001", "year",
         f"year 1800 is before 1950; the year must be between 1950 and {NEXT_YEAR}"),
        ("GH1,Model,3000,Blue,automatic,50,SUV,10001", "year",
         f"year 3000 is after {NEXT_YEAR}; the year must be between 1950 and {NEXT_YEAR}"),
        ("GH1,Model,twenty,Blue,automatic,50,SUV,10001", "year",
         "the year 'twenty' is not a whole number; type a year such as 2024"),
        ("GH1,Model,,Blue,automatic,50,SUV,10001", "year", "the year is empty; type a year such as 2024"),
        ("GH1,,2020,Blue,automatic,50,SUV,10001", "model", "the model is empty; type the model, such as Toyota Corolla"),
        ("GH1,Model,2020,Blue,cvt-ish,50,SUV,10001", "transmission",
         "the gearbox 'cvt-ish' is not one of: automatic, manual"),
        ("GH1,Model,2020,Blue,automatic,-5,SUV,10001", "cost_per_day", "the day rate -5 must be more than 0"),
        ("GH1,Model,2020,Blue,automatic,0.00,SUV,10001", "cost_per_day", "the day rate 0.00 must be more than 0"),
        ("GH1,Model,2020,Blue,automatic,5.555,SUV,10001", "cost_per_day",
         "the day rate '5.555' has more than 2 decimals; type an amount such as 49.00"),
        ("GH1,Model,2020,Blue,automatic,abc,SUV,10001", "cost_per_day",
         "the day rate 'abc' is not an amount; type an amount such as 49.00"),
        ("GH1,Model,2020,Blue,automatic,,SUV,10001", "cost_per_day",
         "the day rate is empty; type an amount such as 49.00"),
        ("G#1,Model,2020,Blue,automatic,50,SUV,10001", "plate_number", "the plate 'G#1' is not valid; a plate is"),
        ("GH1,Model,2020,Blue,automatic,50,S U V,10001", "vehicle_class", "the class 'S U V' is not valid"),
        ("AB-123,Model,2020,Blue,automatic,50,SUV,10001", "plate_number", "AB123 is already on line 2"),
        ("ab 123,Model,2020,Blue,automatic,50,SUV,10001", "plate_number", "AB123 is already on line 2"),
    ],
)
def test_a_bad_row_names_line_and_field_and_saves_nothing(db, tmp_path, row, field, message):
    path = write(tmp_path, [HEADER, *GOOD, row])
    with pytest.raises(FleetFileError) as exc:
        import_fleet(db, path, allow_new=True)
    err = exc.value
    assert err.problems[0][0] == 5 and err.problems[0][1] == field
    assert message in str(err)
    assert f"line 5, field '{field}'" in str(err)
    assert cars(db) == {}
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Branch)) == 0
        assert s.scalar(select(func.count()).select_from(VehicleClass)) == 0


def test_every_problem_is_listed(db, tmp_path):
    rows = [HEADER, "A1,M,2020,Blue,automatic,0,SUV,10001", "A2,M,3000,Blue,xx,50,SUV,10001"]
    with pytest.raises(FleetFileError, match=r"and 2 more problems") as exc:
        import_fleet(db, write(tmp_path, rows), allow_new=True)
    assert [(line, field) for line, field, _ in exc.value.problems] == [
        (2, "cost_per_day"), (3, "year"), (3, "transmission")]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "the file is empty"),
        ([HEADER], "no rows"),
        (["plate_number,model,year"], "the header lacks color, transmission"),
        ([HEADER, "A1,M,2020"], "this line has 3 values where the header line names 8 columns: a value or a comma missing?"),
        ([HEADER, "A1,M,2020,Blue,manual,40,SUV,10001,x"],
         "this line has 9 values where the header line names 8 columns: a comma too many?"),
    ],
)
def test_malformed_files(db, tmp_path, lines, message):
    path = tmp_path / "f.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(FleetFileError, match=message):
        import_fleet(db, path)
    assert cars(db) == {}


def test_missing_and_binary_files(db, tmp_path):
    with pytest.raises(FleetFileError, match="file not found"):
        import_fleet(db, tmp_path / "nope.csv")
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(FleetFileError, match="not UTF-8"):
        import_fleet(db, path)


def test_bom_and_blank_lines_are_fine(db, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("\ufeff" + HEADER + "\n\n" + GOOD[0] + "\n\n", encoding="utf-8")
    assert import_fleet(db, path, allow_new=True).count == 1


def test_car_with_default_driver(db, tmp_path):
    import_drivers(db, write(tmp_path, ["name,licence_number,day_rate", "Dee Driver,D123-456,70"], "d.csv"))
    import_fleet(db, write(tmp_path, [HEADER + ",driver_licence", GOOD[0] + ",d123-456"]), allow_new=True)
    with db.session() as s:
        driver = s.scalar(select(Driver))
        assert s.scalar(select(Car.driver_id)) == driver.id
    with pytest.raises(FleetFileError, match="no driver with licence X999"):
        import_fleet(db, write(tmp_path, [HEADER + ",driver_licence", GOOD[1] + ",X999"], "x.csv"), allow_new=True)


def test_branch_file_validates_time_zones(db, tmp_path):
    head = "code,name,zip_code,time_zone"
    with pytest.raises(FleetFileError, match="'Mars/Olympus' is not an IANA time zone"):
        import_branches(db, write(tmp_path, [head, "MRS,Mars,00001,Mars/Olympus"], "b.csv"))
    assert import_branches(db, write(tmp_path, [head, "BER,Berlin Mitte,10115,Europe/Berlin"], "b.csv")).count == 1


def test_sample_data_is_realistic(db):
    counts = load_sample_data(db)
    assert counts["fleet"] >= 60
    with db.session() as s:
        assert len(set(s.scalars(select(Car.zip_code)))) >= 3
        assert len(set(s.scalars(select(Car.vehicle_class)))) >= 5
        assert s.scalar(select(func.count()).select_from(Driver)) >= 6
        zones = set(s.scalars(select(Branch.time_zone)))
        assert len(zones) == 3
    # every class is present at every branch, so a newcomer can book anything anywhere
    with sample_file("sample_fleet.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    pools = {(r["vehicle_class"], r["zip_code"]) for r in rows}
    assert len(pools) == 15
    assert load_sample_data(db) == {"branches": 0, "classes": 0, "drivers": 0, "fleet": 0}


# -- the fleet's one write path: a held car, plates, location codes ----------------------------------

from rentaldesk.cars import update_car  # noqa: E402
from rentaldesk.rules import normalize_plate  # noqa: E402
from rentaldesk.models import Reservation as ReservationRow  # noqa: E402

from ..conftest import day  # noqa: E402


def plate_of(db, car_id):
    with db.session() as s:
        return s.get(Car, car_id).plate_number


def no_car_double_booked(db):
    """No car holds two overlapping live reservations, and no live reservation of a class sits on
    an in-service car of another pool."""
    with db.session() as s:
        live = list(s.scalars(select(ReservationRow).where(ReservationRow.status.in_(("pending", "confirmed", "active")))))
        cars_by_id = {c.car_id: c for c in s.scalars(select(Car))}
    by_car = {}
    for r in live:
        by_car.setdefault(r.car_id, []).append(r)
        car = cars_by_id[r.car_id]
        if car.status == "available":
            assert (car.vehicle_class, car.zip_code) == (r.vehicle_class, r.zip_code), r.reference
    for rs in by_car.values():
        rs.sort(key=lambda r: r.start_at)
        for a, b in zip(rs, rs[1:]):
            assert a.end_at <= b.start_at, f"{a.reference} and {b.reference} overlap on car {a.car_id}"


def fleet_row(plate, vehicle_class="LUXURY", zip_code="10001", status="available"):
    return f"{plate},Test Model,2025,White,automatic,90.00,{vehicle_class},{zip_code},{status},1000"


FLEET_STATUS_HEADER = HEADER + ",status,odometer"


@pytest.mark.parametrize("change", [("SUV", "10001"), ("LUXURY", "20002")])
def test_a_file_cannot_move_a_pinned_car_out_of_its_pool(db, fleet, svc, tmp_path, change):
    """Defect 1: a fleet file moved a car held by a reservation asked for by car into another pool."""
    (lux,) = fleet.cars(1, "LUXURY")
    suvs = fleet.cars(6, "SUV")
    fleet.branch("20002")
    plate = plate_of(db, lux)
    pinned = svc.create_reservation(email="a@example.com", name="A", vehicle_class="LUXURY", zip_code="10001",
                                    start=day(1), end=day(3), car_id=lux)
    path = write(tmp_path, [FLEET_STATUS_HEADER, fleet_row(plate, *change)])
    with pytest.raises(FleetFileError) as exc:
        import_fleet(db, path)
    line, column, message = exc.value.problems[0]
    assert (line, column) == (2, "vehicle_class" if change[0] == "SUV" else "zip_code")
    assert pinned.reference in message and plate in message
    with db.session() as s:
        assert (s.get(Car, lux).vehicle_class, s.get(Car, lux).zip_code) == ("LUXURY", "10001")
    for n in range(7):  # the SUV pool has 6 cars, not 7
        try:
            svc.create_reservation(email=f"s{n}@example.com", name="S", vehicle_class="SUV", zip_code="10001",
                                   start=day(1), end=day(3))
        except Exception as exc:  # noqa: BLE001
            assert n == 6, exc
    no_car_double_booked(db)
    assert len(suvs) == 6


def test_a_file_moves_class_reservations_off_a_car_leaving_its_pool(db, fleet, svc, tmp_path):
    lux, spare = fleet.cars(2, "LUXURY")
    fleet.cars(1, "SUV")
    r = svc.create_reservation(email="a@example.com", name="A", vehicle_class="LUXURY", zip_code="10001",
                               start=day(1), end=day(3))
    held = r.car_id
    free = spare if held == lux else lux
    import_fleet(db, write(tmp_path, [FLEET_STATUS_HEADER, fleet_row(plate_of(db, held), "SUV")]))
    after = svc.get_reservation(r.id)
    assert after.car_id == free and not after.needs_car
    with db.session() as s:
        assert s.get(Car, held).vehicle_class == "SUV"
    # the car now serves the SUV pool: two SUVs for the period
    for n in range(2):
        svc.create_reservation(email=f"s{n}@example.com", name="S", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(3))
    no_car_double_booked(db)


def test_retiring_held_cars_moves_what_can_move_and_refuses_the_rest(db, fleet, svc, tmp_path):
    """Defect 1: a file that retired two held SUVs was taken, both reservations left on retired cars."""
    cars_ = fleet.cars(3, "SUV")
    a = svc.create_reservation(email="a@example.com", name="A", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(3))
    b = svc.create_reservation(email="b@example.com", name="B", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(3))
    held = [a.car_id, b.car_id]
    rows = [fleet_row(plate_of(db, c), "SUV", status="retired") for c in held]
    with pytest.raises(FleetFileError) as exc:
        import_fleet(db, write(tmp_path, [FLEET_STATUS_HEADER, *rows]))
    # the first retirement fits (its reservation moves to the third car); the second has no room
    assert [(line, column) for line, column, _ in exc.value.problems] == [(3, "status")]
    assert "cannot be retired" in exc.value.problems[0][2]
    assert {svc.get_reservation(a.id).car_id, svc.get_reservation(b.id).car_id} == set(held)  # nothing saved
    with db.session() as s:
        assert {s.get(Car, c).status for c in cars_} == {"available"}
    import_fleet(db, write(tmp_path, [FLEET_STATUS_HEADER, rows[0]], "one.csv"))
    assert svc.get_reservation(a.id).car_id not in held[:1]
    no_car_double_booked(db)


def test_a_car_sent_to_maintenance_leaves_what_cannot_move_needing_a_car(db, fleet, svc, clock, tmp_path):
    (only,) = fleet.cars(1, "SUV")
    r = svc.create_reservation(email="a@example.com", name="A", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(3))
    assert not svc.get_reservation(r.id).needs_car
    values = {"plate_number": plate_of(db, only), "model": "Test Model", "year": 2025, "color": "White",
              "transmission": "automatic", "cost_per_day": "90.00", "vehicle_class": "SUV", "zip_code": "10001",
              "status": "maintenance"}
    done = update_car(db, only, values, now=clock())
    assert done.needs_car == (r.reference,) and done.moved == {}
    assert svc.get_reservation(r.id).needs_car
    assert svc.list_reservations()[0].needs_car
    # a new car in the pool: the next booking also finds the stranded one a car
    (new,) = fleet.cars(1, "SUV")
    fleet.cars(1, "SUV")
    svc.create_reservation(email="b@example.com", name="B", vehicle_class="SUV", zip_code="10001",
                           start=day(1), end=day(3))
    after = svc.get_reservation(r.id)
    assert after.car_id != only and not after.needs_car
    no_car_double_booked(db)


def test_the_sample_data_goes_through_the_same_rules(db, fleet, svc, tmp_path):
    """Defect 1: ``fleet sample`` over an existing car moved it out of its pool."""
    with sample_file("sample_fleet.csv").open(encoding="utf-8") as f:
        first = next(csv.DictReader(f))
    fleet.branch(first["zip_code"])
    other_class = "ZZTOP"
    fleet.cars(1, other_class, first["zip_code"])
    import_fleet(db, write(tmp_path, [FLEET_STATUS_HEADER, fleet_row(first["plate_number"], other_class, first["zip_code"])]))
    car_id = svc.free_cars(vehicle_class=other_class, zip_code=first["zip_code"], start=day(1), end=day(2))[0]
    with db.session() as s:
        car_id = s.scalar(select(Car.car_id).where(Car.plate_number == normalize_plate(first["plate_number"])))
    r = svc.create_reservation(email="a@example.com", name="A", vehicle_class=other_class,
                               zip_code=first["zip_code"], start=day(1), end=day(3), car_id=car_id)
    with pytest.raises(FleetFileError) as exc:
        load_sample_data(db)
    assert r.reference in str(exc.value.problems)
    no_car_double_booked(db)


def test_plates_are_one_car_whatever_the_spelling(db, tmp_path):
    """Defect 3: AB-123, AB123 and AB 123 became three cars."""
    for n, spelling in enumerate(("AB-123", "AB123", "ab 123", " a-b 1-2-3 ")):
        import_fleet(db, write(tmp_path, [HEADER, f"{spelling},Model,2020,Blue,automatic,50,SUV,10001"], f"{n}.csv"),
                     allow_new=True)
    assert set(cars(db)) == {"AB123"}
    assert normalize_plate("Ab -\t12 3") == "AB123"


@pytest.mark.timeout(30)
def test_zip_codes_that_differ_in_case_get_their_own_location_codes(db, tmp_path):
    """Defect 2: the third of these imports looped for ever holding the write lock."""
    zips = ("ABCDEFGHIJKLMNO", "abcdefghijklmno", "aBCDEFGHIJKLMNO", "ABCDEFGHIJKLMN-", "ABCDEFGHIJKLM 9")
    for n, zip_code in enumerate(zips):
        import_fleet(db, write(tmp_path, [HEADER, f"Z{n},Model,2020,Blue,automatic,50,SUV,{zip_code}"], f"{n}.csv"),
                     allow_new=True)
    with db.session() as s:
        codes = dict(s.execute(select(Branch.zip_code, Branch.code)).all())
    assert set(codes) == set(zips)
    assert len(set(codes.values())) == len(zips)
    assert all(len(code) <= 16 for code in codes.values())


# -- any file: an import or a report of problems by line and field, never another exception ---------

import io  # noqa: E402
import unicodedata  # noqa: E402

from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from rentaldesk.fleet import FLEET_SPEC, MAX_AMOUNT  # noqa: E402

COLUMNS = [c.name for c in FLEET_SPEC]
GOOD_CELLS = {
    "plate_number": ["AB-123", "cd 456", "EF789", "X1", "ZZ-9"], "model": ["Kia Rio", "Toyota RAV4"],
    "year": ["2020", "1950", "2024"], "color": ["Red", "Blue"], "transmission": ["automatic", "Manual"],
    "cost_per_day": ["49", "49.5", "79.00"], "vehicle_class": ["SUV", "economy", "VAN"],
    "zip_code": ["10001", "20002", "021"], "status": ["available", "maintenance", "retired", ""],
    "odometer": ["0", "12000", ""], "driver_licence": [""],
}
HOSTILE_CELLS = ["", " ", "1e308", "1e30", "-0", "NaN", "sNaN", "Infinity", "0.001", "99999999.995", "1" * 40,
                 "\x00", "a\nb", '"', '""', ",", "\x1b[31m", "\u202e", "١٢", "1_0", "x" * 200, "2" * 20]


def _cell(column: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(GOOD_CELLS.get(column, [""])), st.sampled_from(HOSTILE_CELLS),
                     st.text(max_size=20))


@st.composite
def fleet_files(draw: st.DrawFn) -> bytes:
    """Fleet files a clerk or a hostile user could make: good rows and bad cells, headers with
    columns missing, repeated, misspelt or unknown, CSV well- or ill-formed, or any bytes at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    header = draw(st.one_of(
        st.just(COLUMNS[:8]), st.just(COLUMNS[:8]), st.just(COLUMNS[:10]),
        st.lists(st.one_of(st.sampled_from(COLUMNS + ["statuss", "driver_license", "", "notes"]), st.text(max_size=8)),
                 max_size=12),
    ))
    good = st.tuples(*[st.from_regex(r"[A-Z]{2}-?[0-9]{1,5}", fullmatch=True) if c == "plate_number"
                       else st.sampled_from(GOOD_CELLS.get(c, [""])) for c in header]).map(list)
    rows = draw(st.lists(st.one_of(
        good, good, good,
        st.tuples(*[_cell(c) for c in header]).map(list),
        st.lists(st.text(max_size=10), max_size=len(header) + 2),
    ), min_size=1, max_size=6))
    if draw(st.booleans()):  # well-formed CSV (the csv module's own quoting)
        out = io.StringIO()
        csv.writer(out).writerows([header, *rows])
        content = out.getvalue()
    else:  # cells joined as they are: quotes and line breaks break the rows
        content = "\n".join(",".join(cells) for cells in [header, *rows])
    return content.encode("utf-8", "surrogatepass") if draw(st.booleans()) else content.encode("utf-8", "replace")


def _stored(db):
    with db.session() as s:
        return (sorted(tuple(getattr(c, k.key) for k in Car.__table__.columns) for c in s.scalars(select(Car))),
                sorted(s.scalars(select(VehicleClass.code))), sorted(s.scalars(select(Branch.zip_code))))


def _visible(message: str) -> bool:
    return not any(unicodedata.category(c) in {"Cc", "Cf", "Cs", "Zl", "Zp"} for c in message)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=fleet_files(), allow_new=st.booleans())
def test_any_file_is_imported_whole_or_reported_by_line_and_field(db, tmp_path, content, allow_new):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(content)
    before = _stored(db)
    try:
        done = import_fleet(db, path, allow_new=allow_new)
    except FleetFileError as exc:
        event("refused")
        assert _stored(db) == before  # nothing half-imported
        assert exc.problems
        for line, column, message in exc.problems:
            assert isinstance(line, int) and line >= 0
            assert column is None or (isinstance(column, str) and _visible(column) and len(column) <= 40)
            assert isinstance(message, str) and _visible(message) and len(message) < 600, message
        assert _visible(str(exc))
    else:
        event("imported")
        assert done.count >= 1
        if not allow_new:
            assert (done.new_classes, done.new_locations) == ((), ())
        cars_, classes, zips = _stored(db)
        assert set(done.new_classes) <= set(classes) and set(done.new_locations) <= set(zips)
        with db.session() as s:
            for car in s.scalars(select(Car)):
                assert _visible(car.model) and _visible(car.color) and 0 < len(car.model) <= 80
                assert Decimal(0) < car.cost_per_day <= MAX_AMOUNT


# -- the column parsers: properties, and the same rule on every path --------------------------------

from rentaldesk.fleet import validate_car  # noqa: E402

CAR_VALUES = {"plate_number": "NY-900", "model": "Mazda CX-5", "year": "2024", "color": "Red",
              "transmission": "automatic", "cost_per_day": "82.50", "vehicle_class": "SUV", "zip_code": "10001"}


@settings(max_examples=300, deadline=None)
@given(cents=st.integers(1, int(MAX_AMOUNT * 100)), style=st.sampled_from(["{}", "{:.2f}", "00{}", " {} "]))
def test_every_amount_a_clerk_types_is_read_exactly(cents, style):
    amount = Decimal(cents) / 100
    typed = style.format(amount.normalize() if style == "{}" else amount)
    if "E" in typed:  # Decimal's own str of 1E+2: not how a clerk types 100
        typed = style.format(f"{amount:f}")
    assert validate_car({**CAR_VALUES, "cost_per_day": typed})["cost_per_day"] == amount


@settings(max_examples=400, deadline=None)
@given(field=st.sampled_from(sorted(CAR_VALUES) + ["status", "odometer"]),
       value=st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE_CELLS),
                       st.from_regex(r"-?[0-9]{0,40}(\.[0-9]{0,5})?([eE][+-]?[0-9]{1,4})?", fullmatch=True)))
def test_any_value_of_any_field_is_parsed_or_said_in_one_line_naming_the_field(field, value):
    try:
        parsed = validate_car({**CAR_VALUES, field: value})
    except FleetFileError as exc:
        ((line, column, message),) = exc.problems
        assert (line, column) == (0, field)
        assert _visible(message) and len(message) < 300, message
        assert message.startswith(("the ", "year ", "odometer ")), message
    else:
        got = parsed.get(field)
        if got is None:  # a blank optional field is left out
            assert field in ("status", "odometer") and not value.strip()
        elif field == "cost_per_day":
            assert Decimal("0.01") <= got <= MAX_AMOUNT and got == got.quantize(Decimal("0.01"))
        elif field in ("year", "odometer"):
            assert isinstance(got, int) and got == int(value.strip())
        else:
            assert isinstance(got, str) and _visible(got) and got == got.strip() and got


def test_a_field_a_car_does_not_have_is_named_not_ignored():
    with pytest.raises(FleetFileError) as exc:
        validate_car({**CAR_VALUES, "statuss": "retired"})
    assert exc.value.problems == [(0, "statuss", exc.value.problems[0][2])]
    assert "(did you mean status?)" in exc.value.problems[0][2]


def test_a_drivers_file_creates_no_location_from_a_typo(db, tmp_path):
    from rentaldesk.fleet import NewInFile

    head = "name,licence_number,day_rate,zip_code"
    with pytest.raises(NewInFile) as exc:
        import_drivers(db, write(tmp_path, [head, "Dee Driver,D123-456,70,O2108"], "d.csv"))
    assert exc.value.problems[0][:2] == (2, "zip_code") and exc.value.new == ("location at zip O2108",)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Branch)) == 0
        assert s.scalar(select(func.count()).select_from(Driver)) == 0
    done = import_drivers(db, write(tmp_path, [head, "Dee Driver,D123-456,70,O2108"], "d.csv"), allow_new=True)
    assert (done.count, done.new_locations, done.news) == (1, ("O2108",), "new location at zip O2108")


def test_a_drivers_name_and_phone_hold_to_the_text_rule(db, tmp_path):
    head = "name,licence_number,phone,day_rate"
    with pytest.raises(FleetFileError) as exc:
        import_drivers(db, write(tmp_path, [head, '"Dee\nDriver",D123-456,555,70', "Eve,E123-456,555\x1b[2J,70",
                                            f"{'F' * 121},F123-456,,70"], "d.csv"))
    assert [(line, column) for line, column, _ in exc.value.problems] == [(2, "name"), (4, "phone"), (5, "name")]
    assert "the name holds a line break at character 4" in exc.value.problems[0][2]
    assert "the name is 121 characters long; at most 120" in exc.value.problems[2][2]
