"""Bounded input: the file size and row limits, streaming reads, and the first errors shown with the count of all."""

import io
import math
from datetime import UTC

import pytest

from delegates.models import Delegate
from logistics.services.imports import MAX_ERRORS_SHOWN, scenario_folder_files, scenario_import
from logistics.services.imports.tables import file_specs, read_table
from tests.logistics.import_files import VALID, scenario

pytestmark = pytest.mark.django_db
ATTENDANCE = file_specs(UTC)["attendance.csv"]


def attendance_rows(count: int, row: str = "P{n},D1-PLEN\n") -> bytes:
    return ("delegate,session\n" + "".join(row.format(n=n) for n in range(count))).encode()


class Unseekable(io.RawIOBase):
    """A stream that can only be read forward, like a socket: the row limit must hold without counting first."""

    def __init__(self, data: bytes):
        self.data = io.BytesIO(data)
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        self.read_bytes += len(chunk)
        return len(chunk)


def test_a_file_over_the_size_limit_is_refused_without_being_read():
    files = scenario()
    files["attendance.csv"] = b"\xff not UTF-8, and never decoded " * 50_000  # 1.5 MB
    report = scenario_import(files=files, max_file_bytes=2**20)
    assert not report.ok
    assert [str(error) for error in report.errors] == [
        "attendance.csv: the file is 1.5 MB; files up to 1 MB can be imported"
    ]
    assert report.as_dict()["errors"][0] | {"text": ""} == {
        "file": "attendance.csv",
        "row": None,
        "column": None,
        "message": "the file is 1.5 MB; files up to 1 MB can be imported",
        "text": "",
    }
    assert Delegate.objects.count() == 0


def test_the_limits_come_from_the_settings(settings, tmp_path):
    settings.IMPORT_MAX_FILE_MB = 1
    data = attendance_rows(90_000)
    (tmp_path / "attendance.csv").write_bytes(data)
    report = scenario_import(files=scenario_folder_files(tmp_path))
    size = f"{math.ceil(len(data) * 10 / 2**20) / 10:.1f}"  # rounded up
    assert f"attendance.csv: the file is {size} MB; files up to 1 MB can be imported" in map(str, report.errors)
    settings.IMPORT_MAX_ROWS = 4
    assert scenario_import(files=scenario(attendance=VALID["attendance.csv"], venues=None)).ok is False  # no venues
    assert [str(e) for e in scenario_import(files=scenario()).errors] == [
        "venues.csv: the file has more than 4 rows below the header; at most 4 can be imported at once"
    ]


def test_a_file_with_more_rows_than_the_limit_is_refused_with_one_error_and_nothing_read():
    files = scenario()
    files["attendance.csv"] = attendance_rows(11, row="bad cell {n}\n")
    report = scenario_import(files=files, max_rows=10)
    assert [str(error) for error in report.errors] == [
        "attendance.csv: the file has more than 10 rows below the header; at most 10 can be imported at once"
    ]
    assert scenario_import(files=scenario(), max_rows=5).ok  # venues.csv has 5 rows, the most of the scenario


def test_blank_rows_count_towards_the_row_limit_as_spreadsheet_rows():
    files = scenario(attendance=VALID["attendance.csv"] + "\n" * 10)
    assert scenario_import(files=files, max_rows=14).ok
    assert not scenario_import(files=scenario(attendance=VALID["attendance.csv"] + "\n" * 11), max_rows=14).ok


def test_line_breaks_inside_quotes_are_not_rows():
    """Counting line breaks only bounds the rows; past the bound the CSV records are counted."""
    venues = "code,name,kind,latitude,longitude,address,notes\n" + "".join(
        f'{line},"two\nlines"\n' for line in VALID["venues.csv"].splitlines()[1:]
    )
    assert venues.count("\n") == 11  # 5 rows below the header, each over two lines (notes is not imported)
    report = scenario_import(files=scenario(venues=venues), max_rows=5)
    assert report.ok, report.as_text()
    assert not scenario_import(files=scenario(venues=venues), max_rows=4).ok


def test_the_row_limit_holds_on_a_stream_that_cannot_be_counted_first():
    stream = Unseekable(attendance_rows(100_000))
    table, errors = read_table(ATTENDANCE, io.BufferedReader(stream), max_rows=1000, max_errors=10)
    assert [str(error) for error in errors.kept] == [
        "attendance.csv: the file has more than 1,000 rows below the header; at most 1,000 can be imported at once"
    ]
    assert not table.readable and table.rows == []
    assert stream.read_bytes < 200_000  # stopped reading soon after the limit, not at the end (1.3 MB)


def test_reading_is_a_line_at_a_time_and_keeps_line_numbers_for_encoding_errors():
    data = attendance_rows(50_000) + b"P\xe9rez,D1-PLEN\n" + attendance_rows(10)[17:]
    table, errors = read_table(ATTENDANCE, data, max_rows=100_000, max_errors=10)
    assert [str(error) for error in errors.kept] == [
        "attendance.csv, row 50002: the file is not UTF-8 text (byte 0xE9 on line 50002); "
        "save it as 'CSV UTF-8' and import it again"
    ]
    assert not table.readable and table.rows == []


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_every_line_ending_reads_the_same(ending):
    data = attendance_rows(3).decode().replace("\n", ending).encode()
    table, errors = read_table(ATTENDANCE, data, max_rows=10, max_errors=10)
    assert not errors
    assert [(row["delegate"], row["_row"]) for row in table.rows] == [("P0", 2), ("P1", 3), ("P2", 4)]


def test_only_the_first_errors_are_kept_and_every_one_is_counted():
    files = scenario(attendance="delegate,session\n" + "!bad,D1-PLEN\n" * 3000)
    report = scenario_import(files=files)
    assert report.error_count == 3000
    assert len(report.errors) == MAX_ERRORS_SHOWN == 200
    assert [error.row for error in report.errors] == list(range(2, 202))
    text = report.as_text()
    assert text.startswith("Nothing was imported: 3,000 problem(s) to fix.")
    assert text.endswith("  ... and 2,800 more (the first 200 are listed).")
    data = report.as_dict()
    assert data["error_count"] == 3000 and len(data["errors"]) == 200


def test_the_errors_shown_are_the_first_in_file_and_row_order_across_files():
    files = scenario(
        venues=VALID["venues.csv"] + "".join(f"V{n},Venue,stadium,8.9,-79.5,\n" for n in range(5)),
        attendance="delegate,session\n" + "".join(f"P1,NOPE{n}\n" for n in range(5)),
        vehicles=VALID["vehicles.csv"] + "".join(f"BUS-{n},bus,0,no,no,DEP,,,\n" for n in range(5)),
    )
    report = scenario_import(files=files, max_errors=7)
    assert report.error_count == 15
    assert [(error.file, error.row) for error in report.errors] == [
        ("venues.csv", 7),
        ("venues.csv", 8),
        ("venues.csv", 9),
        ("venues.csv", 10),
        ("venues.csv", 11),
        ("vehicles.csv", 4),
        ("vehicles.csv", 5),
    ]


def test_problems_with_a_whole_file_come_before_the_row_errors():
    files = scenario(
        venues=VALID["venues.csv"] + "".join(f"V{n},Venue,stadium,8.9,-79.5,\n" for n in range(5)),
        attendance="delegate,session\n" + "P1,D1-PLEN\n" * 20,
    )
    report = scenario_import(files=files, max_rows=10, max_errors=3)
    assert [(error.file, error.row) for error in report.errors] == [
        ("attendance.csv", None),
        ("venues.csv", 7),
        ("venues.csv", 8),
    ]


def test_a_million_bad_rows_cost_a_counter_not_a_million_messages():
    table, errors = read_table(ATTENDANCE, attendance_rows(20_000, row="!\n"), max_rows=50_000, max_errors=5)
    assert errors.count == 40_000 and len(errors.kept) == 5  # a bad delegate and no session on each row
    assert [str(error) for error in errors.kept[:2]] == [
        "attendance.csv, row 2, column delegate: code `!` may hold only letters, digits, '-', '_' and '.', with no spaces",
        "attendance.csv, row 2, column session: session is empty; it is required",
    ]
    assert table.rows == []
