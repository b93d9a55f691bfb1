"""Fleet, drivers and branch files: validation, upsert, and the shipped sample data."""

from __future__ import annotations

import csv
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
    assert import_fleet(db, write(tmp_path, [HEADER, *GOOD])) == 3
    got = cars(db)
    assert set(got) == {"AB-123", "CD 456", "EF789"}
    kia = got["CD 456"]
    assert (kia.transmission, kia.cost_per_day, kia.vehicle_class, kia.status) == (
        "manual", Decimal("39.50"), "ECONOMY", "available")
    with db.session() as s:
        assert set(s.scalars(select(Branch.zip_code))) == {"10001", "20002"}
        branch = s.scalar(select(Branch).where(Branch.zip_code == "20002"))
        assert (branch.lead_time_minutes, branch.min_rental_minutes, branch.turnaround_minutes) == (120, 1440, 0)
        assert s.get(VehicleClass, "SUV").day_rate == Decimal("79.00")


def test_importing_a_known_plate_updates_it(db, tmp_path):
    import_fleet(db, write(tmp_path, [HEADER, *GOOD]))
    again = [HEADER + ",status,odometer", "AB-123,Toyota RAV4,2024,Green,automatic,85.00,SUV,10001,maintenance,12000"]
    assert import_fleet(db, write(tmp_path, again, "again.csv")) == 1
    got = cars(db)
    assert len(got) == 3
    rav = got["AB-123"]
    assert (rav.color, rav.cost_per_day, rav.status, rav.odometer) == ("Green", Decimal("85.00"), "maintenance", 12000)


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("GH1,Model,1800,Blue,automatic,50,SUV,10001", "year", "1800 is outside 1950"),
        ("GH1,Model,twenty,Blue,automatic,50,SUV,10001", "year", "'twenty' is not a whole number"),
        ("GH1,,2020,Blue,automatic,50,SUV,10001", "model", "model is empty"),
        ("GH1,Model,2020,Blue,cvt-ish,50,SUV,10001", "transmission", "'cvt-ish' is not one of automatic, manual"),
        ("GH1,Model,2020,Blue,automatic,-5,SUV,10001", "cost_per_day", "-5 must be more than 0"),
        ("GH1,Model,2020,Blue,automatic,5.555,SUV,10001", "cost_per_day", "more than 2 decimals"),
        ("GH1,Model,2020,Blue,automatic,abc,SUV,10001", "cost_per_day", "'abc' is not an amount"),
        ("G#1,Model,2020,Blue,automatic,50,SUV,10001", "plate_number", "'G#1' is not a plate number"),
        ("GH1,Model,2020,Blue,automatic,50,S U V,10001", "vehicle_class", "is not a class code"),
        ("AB-123,Model,2020,Blue,automatic,50,SUV,10001", "plate_number", "AB-123 is already on line 2"),
    ],
)
def test_a_bad_row_names_line_and_field_and_saves_nothing(db, tmp_path, row, field, message):
    path = write(tmp_path, [HEADER, *GOOD, row])
    with pytest.raises(FleetFileError) as exc:
        import_fleet(db, path)
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
        import_fleet(db, write(tmp_path, rows))
    assert [(line, field) for line, field, _ in exc.value.problems] == [
        (2, "cost_per_day"), (3, "year"), (3, "transmission")]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "the file is empty"),
        ([HEADER], "no rows"),
        (["plate_number,model,year"], "the header lacks color, transmission"),
        ([HEADER, "A1,M,2020"], "has 3 fields, the header has 8"),
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


def test_bom_and_blank_lines_and_extra_columns_are_fine(db, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("\ufeff" + HEADER + ",notes\n\n" + GOOD[0] + ",keep me\n\n", encoding="utf-8")
    assert import_fleet(db, path) == 1


def test_car_with_default_driver(db, tmp_path):
    import_drivers(db, write(tmp_path, ["name,licence_number,day_rate", "Dee Driver,D123-456,70"], "d.csv"))
    import_fleet(db, write(tmp_path, [HEADER + ",driver_licence", GOOD[0] + ",d123-456"]))
    with db.session() as s:
        driver = s.scalar(select(Driver))
        assert s.scalar(select(Car.driver_id)) == driver.id
    with pytest.raises(FleetFileError, match="no driver with licence X999"):
        import_fleet(db, write(tmp_path, [HEADER + ",driver_licence", GOOD[1] + ",X999"], "x.csv"))


def test_branch_file_validates_time_zones(db, tmp_path):
    head = "code,name,zip_code,time_zone"
    with pytest.raises(FleetFileError, match="'Mars/Olympus' is not an IANA time zone"):
        import_branches(db, write(tmp_path, [head, "MRS,Mars,00001,Mars/Olympus"], "b.csv"))
    assert import_branches(db, write(tmp_path, [head, "BER,Berlin Mitte,10115,Europe/Berlin"], "b.csv")) == 1


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
