from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from logistics.services.imports import cells
from logistics.services.imports.cells import CellError

PANAMA = ZoneInfo("America/Panama")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("yes", True),
        ("YES", True),
        ("True", True),
        ("1", True),
        ("no", False),
        ("False", False),
        ("0", False),
        ("No", False),
    ],
)
def test_booleans_accept_the_contract_spellings_in_any_case(raw, value):
    assert cells.boolean(raw) is value


def test_local_times_take_the_conference_zone_and_offsets_are_kept():
    assert cells.moment("2026-12-07T09:00", PANAMA) == datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
    assert cells.moment("2026-12-07 09:00:30", PANAMA).second == 30
    with_offset = cells.moment("2026-12-07T09:00+01:00", PANAMA)
    assert with_offset.utcoffset() == timedelta(hours=1)
    assert cells.moment("2026-12-07T14:00Z", PANAMA) == datetime(2026, 12, 7, 9, 0, tzinfo=PANAMA)
    assert cells.moment("2026-12-07T14:00Z", PANAMA).tzinfo == UTC


@pytest.mark.parametrize("raw", ["tomorrow", "2026-13-01T09:00", "2026-02-30T09:00", "09:00"])
def test_bad_times_are_refused(raw):
    with pytest.raises(CellError, match="is not a date and time"):
        cells.moment(raw, PANAMA)


def test_coordinates_are_kept_to_six_places_and_range_checked():
    latitude = cells.decimal_between(-90, 90)
    assert latitude("8.9858") == Decimal("8.985800")
    assert latitude("-90") == Decimal("-90.000000")
    for raw in ["90.0001", "nan", "inf", "8,98"]:
        with pytest.raises(CellError):
            latitude(raw)


def test_codes_have_no_spaces_and_a_length_limit():
    read = cells.code(8)
    assert read("CASC26-1") == "CASC26-1"
    with pytest.raises(CellError, match="no spaces"):
        read("ATL X")
    with pytest.raises(CellError, match="longer than 8"):
        read("ABCDEFGHI")


def test_dates_and_countries():
    assert cells.day("2026-12-07") == date(2026, 12, 7)
    assert cells.country("pa") == "PA"
    with pytest.raises(CellError):
        cells.country("PAN")
