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


@pytest.mark.parametrize(
    ("raw", "code", "position"),
    [
        ("Ana\nMaría", 0x0A, 4),
        ("Ana\rMaría", 0x0D, 4),
        ("\x00Ana", 0x00, 1),
        ("Ana\x1b[31m", 0x1B, 4),
        ("Ana\x7f", 0x7F, 4),
        ("Ana\x85", 0x85, 4),
        ("Ana\u2028María", 0x2028, 4),
        ("Ana\u2029", 0x2029, 4),
    ],
)
def test_control_characters_are_named_with_their_code_and_place(raw, code, position):
    error = cells.control_character(raw)
    assert str(error) == (
        f"has a line break or another control character (U+{code:04X}) at character {position}; remove it"
    )


@pytest.mark.parametrize(
    "raw",
    [
        "Ana María",
        "Ana\tMaría",
        "Núñez-O'Brien",
        "\u0645\u062d\u0645\u062f\u200c\u0631\u0636\u0627",
        "李 小龙",
        "Zoë 🚗",
    ],
)
def test_ordinary_text_tabs_and_joiners_are_not_control_characters(raw):
    assert cells.control_character(raw) is None


def test_a_cell_error_makes_its_words_when_shown():
    error = CellError("`%(value)s` is not a number", {"value": "x"})
    assert str(error) == "`x` is not a number"
    assert str(CellError("plain words")) == "plain words"
    with pytest.raises(CellError, match="is not a whole number"):
        cells.positive_int(10)("ten")


def test_time_zone_names_are_read_from_a_cached_list():
    assert cells.timezone_name("America/Panama") == "America/Panama"
    with pytest.raises(CellError, match="is not an IANA time zone"):
        cells.timezone_name("Panama/City")
    assert cells._time_zones.cache_info().hits >= 1
