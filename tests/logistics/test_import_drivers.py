"""drivers.csv: who drives which vehicle, and when. Read, stored and updated by code like the other files; every bad
row refused with its file, row and column, all in one pass, nothing written; a vehicle never gets two drivers."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from conference.models import Conference
from logistics.models import Driver, Vehicle
from logistics.services.imports import scenario_folder_files, scenario_import
from logistics.services.imports.tables import FILE_ORDER
from tests.factories import DriverFactory
from tests.logistics.import_files import DRIVERS, VALID, scenario

pytestmark = pytest.mark.django_db
PANAMA = ZoneInfo("America/Panama")
HEADER = "code,name,phone,email,languages,vehicle,shift_from,shift_until"


def drivers_csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def stored_drivers() -> list[tuple]:
    return list(
        Driver.objects.order_by("code").values_list(
            "code", "name", "phone", "email", "languages", "vehicle__callsign", "shift_from", "shift_until"
        )
    )


def imported(files, conference=None):
    report = scenario_import(files=files, conference=conference)
    assert report.ok, report.as_text()
    return report


def refused(files, conference=None) -> list[str]:
    before = stored_drivers(), Vehicle.objects.count(), Conference.objects.count()
    report = scenario_import(files=files, conference=conference)
    assert not report.ok
    assert (stored_drivers(), Vehicle.objects.count(), Conference.objects.count()) == before, "nothing is written"
    return [str(error) for error in report.errors]


@pytest.fixture
def conference():
    """The valid scenario with its drivers, imported."""
    imported(scenario(drivers=DRIVERS))
    return Conference.objects.get(code="TEST26")


def local(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, 0, tzinfo=PANAMA)


# --- read and stored ---


def test_drivers_csv_comes_after_vehicles_csv():
    assert FILE_ORDER.index("drivers.csv") == FILE_ORDER.index("vehicles.csv") + 1
    assert FILE_ORDER[-1] == "attendance.csv"


def test_drivers_are_read_and_stored(conference):
    assert stored_drivers() == [
        (
            "DRV-1",
            "Luis Barrios",
            "+507 6000-1111",
            "luis@motorpool.example.org",
            "es en",
            "ARM-01",
            local(7, 6),  # local to the conference's zone
            local(7, 18),
        ),
        ("DRV-2", "Ana Mendoza", "+507 6000-2222", "", "es", "VAN-01", None, None),
        ("DRV-3", "Pedro Solís", "", "", "", None, None, None),  # empty: not given
    ]
    assert Vehicle.objects.get(callsign="ARM-01").driver.name == "Luis Barrios"
    assert all(driver.conference == conference for driver in Driver.objects.all())


def test_the_report_counts_the_drivers():
    report = imported(scenario(drivers=DRIVERS))
    counts = report.counts["drivers.csv"]
    assert (counts.created, counts.updated, counts.unchanged) == (3, 0, 0)
    assert "drivers.csv" in report.as_text()


def test_languages_are_kept_once_each_one_space_apart_and_a_shift_may_carry_an_offset():
    imported(scenario(drivers=drivers_csv('DRV-1,Luis,,," es   en\tes ",ARM-01,2026-12-07T06:00-04:00,')))
    driver = Driver.objects.get()
    assert driver.languages == "es en"
    assert driver.shift_from == local(7, 5) and driver.shift_until is None  # -04:00 is 05:00 in Panama


def test_a_driver_may_drive_a_vehicle_already_stored(conference):
    report = imported(
        {"drivers.csv": drivers_csv("DRV-9,Rosa Ibáñez,,,,VAN-01,,", "DRV-2,Ana Mendoza,,,,,,").encode()},
        conference=conference,
    )
    assert (report.counts["drivers.csv"].created, report.counts["drivers.csv"].updated) == (1, 1)
    assert Driver.objects.get(code="DRV-9").vehicle.callsign == "VAN-01"


def test_only_the_two_required_columns_are_needed():
    imported(scenario(drivers="code,name\nDRV-1,Luis Barrios\n"))
    assert stored_drivers() == [("DRV-1", "Luis Barrios", "", "", "", None, None, None)]


def test_a_folder_without_drivers_csv_imports_as_before():
    report = imported(scenario())
    assert "drivers.csv" not in report.counts
    assert not Driver.objects.exists()


# --- re-import ---


def test_reimport_updates_drivers_by_code(conference):
    changed = drivers_csv(
        "DRV-1,Luis Barrios,+507 6000-9999,luis@motorpool.example.org,en,ARM-01,2026-12-07T07:00,2026-12-07T19:00",
        "DRV-2,Ana Mendoza,+507 6000-2222,,es,VAN-01,,",
        "DRV-3,Pedro Solís,,,,,,",
    )
    report = imported({"drivers.csv": changed.encode()}, conference=conference)
    counts = report.counts["drivers.csv"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 2)
    assert Driver.objects.count() == 3
    assert stored_drivers()[0] == (
        "DRV-1",
        "Luis Barrios",
        "+507 6000-9999",
        "luis@motorpool.example.org",
        "en",
        "ARM-01",
        local(7, 7),
        local(7, 19),
    )


def test_an_empty_cell_clears_and_a_missing_column_keeps(conference):
    imported({"drivers.csv": b"code,name,phone,shift_from\nDRV-1,Luis Barrios,,\n"}, conference=conference)
    driver = Driver.objects.get(code="DRV-1")
    assert driver.phone == "" and driver.shift_from is None  # emptied
    assert driver.vehicle.callsign == "ARM-01" and driver.shift_until == local(7, 18)  # not in the file: kept
    assert driver.languages == "es en"


def test_drivers_the_file_does_not_have_are_kept(conference):
    imported({"drivers.csv": drivers_csv("DRV-1,Luis Barrios,,,,ARM-01,,").encode()}, conference=conference)
    assert Driver.objects.count() == 3


def test_two_drivers_may_swap_their_vehicles_in_one_import(conference):
    swapped = drivers_csv("DRV-1,Luis Barrios,,,,VAN-01,,", "DRV-2,Ana Mendoza,,,,ARM-01,,")
    report = imported({"drivers.csv": swapped.encode()}, conference=conference)
    assert report.counts["drivers.csv"].updated == 2
    assert dict(Driver.objects.values_list("code", "vehicle__callsign")) == {
        "DRV-1": "VAN-01",
        "DRV-2": "ARM-01",
        "DRV-3": None,
    }


def test_a_vehicle_may_pass_to_a_new_driver_when_the_file_gives_its_driver_another(conference):
    moved = drivers_csv("DRV-1,Luis Barrios,,,,,,", "DRV-4,Marta Ortega,,,,ARM-01,,")
    report = imported({"drivers.csv": moved.encode()}, conference=conference)
    counts = report.counts["drivers.csv"]
    assert (counts.created, counts.updated) == (1, 1)
    assert Vehicle.objects.get(callsign="ARM-01").driver.code == "DRV-4"
    assert Driver.objects.get(code="DRV-1").vehicle is None


def test_reimport_of_the_same_file_changes_nothing(conference):
    report = imported(scenario(drivers=DRIVERS))
    counts = report.counts["drivers.csv"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 3)


# --- bad rows: named precisely, all at once, nothing written ---


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (",Luis,,,,,,", "drivers.csv, row 2, column code: code is empty; it is required"),
        (
            "DRV 1,Luis,,,,,,",
            "drivers.csv, row 2, column code: code `DRV 1` may hold only letters, digits, '-', '_' "
            "and '.', with no spaces",
        ),
        ("DRV-1,,,,,,,", "drivers.csv, row 2, column name: name is empty; it is required"),
        ("DRV-1,Luis,,luis at pool,,,,", "drivers.csv, row 2, column email: `luis at pool` is not an e-mail address"),
        (
            "DRV-1,Luis,,,ES,,,",
            "drivers.csv, row 2, column languages: `ES` is not a language code: write each as two or three "
            "lowercase letters, separated by spaces (es en)",
        ),
        (
            "DRV-1,Luis,,,english,,,",
            "drivers.csv, row 2, column languages: `english` is not a language code: write each as two or three "
            "lowercase letters, separated by spaces (es en)",
        ),
        (
            'DRV-1,Luis,,,"es,en",,,',
            "drivers.csv, row 2, column languages: `es,en` is not a language code: write each as two or three "
            "lowercase letters, separated by spaces (es en)",
        ),
        ("DRV-1,Luis,,,,BUS-09,,", "drivers.csv, row 2, column vehicle: unknown vehicle callsign `BUS-09`"),
        (
            "DRV-1,Luis,,,,,7 Dec 6am,",
            "drivers.csv, row 2, column shift_from: time `7 Dec 6am` is not a date and time (write it as "
            "2026-12-07T09:30)",
        ),
        (
            "DRV-1,Luis,,,,,,2026-12-07",
            "drivers.csv, row 2, column shift_until: time `2026-12-07` has a date but no time of day (write it as "
            "2026-12-07T09:30)",
        ),
        (
            "DRV-1,Luis,,,,,2026-12-07T18:00,2026-12-07T06:00",
            "drivers.csv, row 2, column shift_until: shift_until is not after shift_from",
        ),
        (
            "DRV-1,Luis,,,,,2026-12-07T06:00,2026-12-07T06:00",
            "drivers.csv, row 2, column shift_until: shift_until is not after shift_from",
        ),
        (
            "DRV-1,Luis,+507 6000-1111 extension 1234567890123456789,,,,,",
            "drivers.csv, row 2, column phone: is 44 characters long; at most 40 fit",
        ),
        (
            "DRV-1,Lu\x07is,,,,,,",
            "drivers.csv, row 2, column name: has a line break or another control character (U+0007) at "
            "character 3; remove it",
        ),
    ],
)
def test_each_kind_of_bad_row_is_refused_with_file_row_and_column(row, expected):
    assert refused(scenario(drivers=drivers_csv(row))) == [expected]


def test_a_duplicate_code_is_refused():
    errors = refused(scenario(drivers=drivers_csv("DRV-1,Luis,,,,,,", "DRV-1,Ana,,,,,,")))
    assert errors == ["drivers.csv, row 3, column code: duplicate code `DRV-1` (first on row 2)"]


def test_a_missing_required_column_is_refused():
    errors = refused(scenario(drivers="code,phone\nDRV-1,+507 6000-1111\n"))
    assert errors == ["drivers.csv, row 1, column name: the required column name is missing from the header"]


def test_every_bad_row_is_reported_in_one_pass_and_nothing_is_written(conference):
    bad = drivers_csv(
        "DRV-1,Luis Barrios,,,ES,ARM-01,,",
        "DRV-2,Ana Mendoza,,nope,,,,",
        "DRV-3,Pedro Solís,,,,NOPE-1,,",
        "DRV-5,Marta Ortega,,,,,2026-12-07T10:00,2026-12-07T09:00",
        "DRV-6,,,,,,,",
    )
    errors = refused({"drivers.csv": bad.encode()}, conference=conference)
    assert [error.split(":")[0] for error in errors] == [
        "drivers.csv, row 2, column languages",
        "drivers.csv, row 3, column email",
        "drivers.csv, row 4, column vehicle",
        "drivers.csv, row 5, column shift_until",
        "drivers.csv, row 6, column name",
    ]


def test_other_files_errors_and_drivers_errors_come_together():
    vehicles = VALID["vehicles.csv"].replace("VAN-01,van,8,", "VAN-01,van,0,")
    errors = refused(scenario(vehicles=vehicles, drivers=drivers_csv("DRV-1,Luis,,,,BUS-09,,")))
    assert errors == [
        "vehicles.csv, row 3, column seats: 0 is outside 1..100",
        "drivers.csv, row 2, column vehicle: unknown vehicle callsign `BUS-09`",
    ]


def test_a_vehicle_of_the_same_imports_vehicles_csv_is_known():
    vehicles = VALID["vehicles.csv"] + "BUS-01,bus,40,no,yes,DEP,,,\n"
    imported(scenario(vehicles=vehicles, drivers=drivers_csv("DRV-1,Luis,,,,BUS-01,,")))
    assert Vehicle.objects.get(callsign="BUS-01").driver.code == "DRV-1"


# --- one driver per vehicle ---


def test_two_rows_naming_one_vehicle_are_refused_naming_both_drivers():
    errors = refused(scenario(drivers=drivers_csv("DRV-1,Luis Barrios,,,,VAN-01,,", "DRV-2,Ana Mendoza,,,,VAN-01,,")))
    assert errors == [
        "drivers.csv, row 3, column vehicle: vehicle `VAN-01` is named for two drivers: `DRV-2` (Ana Mendoza) here "
        "and `DRV-1` (Luis Barrios) on row 2; a vehicle has one driver"
    ]


def test_a_vehicle_a_stored_driver_keeps_is_refused_naming_both_drivers(conference):
    errors = refused({"drivers.csv": drivers_csv("DRV-4,Marta Ortega,,,,ARM-01,,").encode()}, conference=conference)
    assert errors == [
        "drivers.csv, row 2, column vehicle: vehicle `ARM-01` is already driven by `DRV-1` (Luis Barrios), whom "
        "this file does not give another vehicle; a vehicle has one driver: name another vehicle for `DRV-4` "
        "(Marta Ortega), or add a row for `DRV-1` with another vehicle or none"
    ]


def test_a_stored_driver_added_another_way_counts_too():
    imported(scenario())
    conference = Conference.objects.get(code="TEST26")
    DriverFactory(
        conference=conference, code="ADMIN-1", name="Rosa Ibáñez", vehicle=Vehicle.objects.get(callsign="VAN-01")
    )
    errors = refused({"drivers.csv": drivers_csv("DRV-1,Luis Barrios,,,,VAN-01,,").encode()}, conference=conference)
    assert errors == [
        "drivers.csv, row 2, column vehicle: vehicle `VAN-01` is already driven by `ADMIN-1` (Rosa Ibáñez), whom "
        "this file does not give another vehicle; a vehicle has one driver: name another vehicle for `DRV-1` "
        "(Luis Barrios), or add a row for `ADMIN-1` with another vehicle or none"
    ]


# --- a shift ends after it starts, with the stored bound too ---


def test_a_shift_until_before_the_stored_shift_from_is_refused(conference):
    errors = refused(
        {"drivers.csv": b"code,name,shift_until\nDRV-1,Luis Barrios,2026-12-07T05:00\n"}, conference=conference
    )
    assert errors == [
        "drivers.csv, row 2, column shift_until: the shift would end before it starts: the driver's stored "
        "shift_from is 2026-12-07T06:00; give shift_from and shift_until together"
    ]


def test_a_shift_from_after_the_stored_shift_until_is_refused(conference):
    errors = refused(
        {"drivers.csv": b"code,name,shift_from\nDRV-1,Luis Barrios,2026-12-07T18:00\n"}, conference=conference
    )
    assert errors == [
        "drivers.csv, row 2, column shift_from: the shift would end before it starts: the driver's stored "
        "shift_until is 2026-12-07T18:00; give shift_from and shift_until together"
    ]


def test_one_shift_column_within_the_stored_bound_is_taken(conference):
    imported({"drivers.csv": b"code,name,shift_until\nDRV-1,Luis Barrios,2026-12-07T12:00\n"}, conference=conference)
    driver = Driver.objects.get(code="DRV-1")
    assert (driver.shift_from, driver.shift_until) == (local(7, 6), local(7, 12))


# --- folders, the command and the demo ---


def test_a_folder_with_drivers_csv_imports_it(tmp_path):
    for name, text in scenario(drivers=DRIVERS).items():
        (tmp_path / name).write_bytes(text)
    assert list(scenario_folder_files(tmp_path)) == list(FILE_ORDER)
    call_command("import_scenario", str(tmp_path), "--no-recompute")
    assert Driver.objects.count() == 3


def test_the_demo_has_a_driver_for_every_vehicle(demo_scenario):
    imported(scenario_folder_files(demo_scenario))
    vehicles = Vehicle.objects.filter(conference__code="DEMO26").select_related("driver")
    assert vehicles.count() == 16
    assert all(vehicle.driver.name and vehicle.driver.phone for vehicle in vehicles)
    assert Vehicle.objects.get(callsign="ARM-01").driver.languages == "es en"
