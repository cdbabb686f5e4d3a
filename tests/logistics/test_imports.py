from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from conference.models import Conference, Session, Venue
from delegates.models import Attendance, Delegate, Delegation
from logistics.models import Vehicle
from logistics.services.imports import scenario_folder_files, scenario_import
from tests.factories import ConferenceFactory
from tests.logistics.import_files import VALID, replace_line, scenario

pytestmark = pytest.mark.django_db
PANAMA = ZoneInfo("America/Panama")
ALL_MODELS = (Conference, Venue, Delegation, Delegate, Session, Attendance, Vehicle)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def assert_refused_whole(files, conference=None):
    before = row_counts()
    report = scenario_import(files=files, conference=conference)
    assert not report.ok
    assert row_counts() == before, "a refused import must write nothing"
    return report.errors


def test_valid_scenario_imports_everything():
    report = scenario_import(files=scenario())
    assert report.ok, report.as_text()
    assert report.conference == "TEST26"
    assert {name: counts.created for name, counts in report.counts.items()} == {
        "conference.csv": 1,
        "venues.csv": 5,
        "delegations.csv": 3,
        "sessions.csv": 2,
        "delegates.csv": 3,
        "vehicles.csv": 2,
        "attendance.csv": 4,
    }
    smith = Delegate.objects.get(external_id="P2")
    assert smith.delegation.separate_transport is True
    assert smith.accessible_vehicle is True
    assert smith.arrival_venue.code == "PTY" and smith.arrival_flight == "AA 1"
    assert smith.arrival_at == datetime(2026, 12, 6, 10, 0, tzinfo=PANAMA)
    assert Delegation.objects.get(code="OAS").country == ""
    assert Venue.objects.get(code="ATL").latitude == Decimal("8.985800")
    assert Vehicle.objects.get(callsign="ARM-01").armoured is True
    assert sorted(smith.sessions.values_list("code", flat=True)) == ["D1-PLEN", "D1-WS1"]


def test_reimport_of_the_same_files_changes_nothing():
    scenario_import(files=scenario())
    before = row_counts()
    report = scenario_import(files=scenario())
    assert report.ok
    assert row_counts() == before
    assert all(counts.created == counts.updated == counts.removed == 0 for counts in report.counts.values())
    assert report.counts["delegates.csv"].unchanged == 3


def test_reimport_updates_by_key_and_adds_new_rows():
    scenario_import(files=scenario())
    delegates = replace_line("delegates.csv", "P3,Ana,Núñez,OAS,Analyst", "P3,Ana,Núñez,OAS,Director") + (
        "P4,Luis,Gómez,PA,Officer,no,HIL,,,,,,,,,no\n"
    )
    report = scenario_import(files=scenario(delegates=delegates))
    assert report.ok, report.as_text()
    counts = report.counts["delegates.csv"]
    assert (counts.created, counts.updated, counts.unchanged) == (1, 1, 2)
    assert Delegate.objects.get(external_id="P3").role == "Director"
    assert Delegate.objects.count() == 4


def test_a_subset_of_files_imports_into_an_existing_conference():
    scenario_import(files=scenario())
    conference = Conference.objects.get(code="TEST26")
    vehicles = VALID["vehicles.csv"] + "BUS-01,bus,40,no,yes,DEP,,,\n"
    report = scenario_import(files={"vehicles.csv": vehicles.encode()}, conference=conference)
    assert report.ok, report.as_text()
    assert report.counts == {"vehicles.csv": report.counts["vehicles.csv"]}
    assert report.counts["vehicles.csv"].created == 1
    assert Vehicle.objects.get(callsign="BUS-01").available_from is None


def test_a_column_left_out_keeps_the_stored_values():
    scenario_import(files=scenario())
    without_email = "external_id,given_name,family_name,delegation,hotel\nP1,María,Pérez,PA,HIL\n"
    report = scenario_import(files=scenario(delegates=without_email))
    assert report.ok, report.as_text()
    assert Delegate.objects.get(external_id="P1").email == "maria@pa.example.org"
    assert report.counts["delegates.csv"].unchanged == 1


def test_an_empty_optional_cell_clears_the_stored_value():
    scenario_import(files=scenario())
    delegates = replace_line("delegates.csv", "maria@pa.example.org", "")
    scenario_import(files=scenario(delegates=delegates))
    assert Delegate.objects.get(external_id="P1").email == ""


def test_attendance_file_is_the_full_list_for_the_delegates_it_names():
    scenario_import(files=scenario())
    attendance = "delegate,session\nP2,D1-WS1\n"  # P2 dropped the plenary; P1 and P3 are not named
    report = scenario_import(files=scenario(attendance=attendance))
    counts = report.counts["attendance.csv"]
    assert (counts.created, counts.unchanged, counts.removed) == (0, 1, 1)
    assert list(Delegate.objects.get(external_id="P2").sessions.values_list("code", flat=True)) == ["D1-WS1"]
    assert Attendance.objects.count() == 3


def test_byte_order_mark_and_crlf_line_ends_are_accepted():
    files = scenario()
    files["delegates.csv"] = b"\xef\xbb\xbf" + VALID["delegates.csv"].replace("\n", "\r\n").encode()
    report = scenario_import(files=files)
    assert report.ok, report.as_text()
    assert Delegate.objects.get(external_id="P1").given_name == "María"


def test_extra_columns_free_order_and_boolean_spellings():
    delegations = "notes,separate_transport,name,code\nx,TRUE,Panamá,PA\ny,0,United States,US\nz,No,OAS,OAS\n"
    report = scenario_import(files=scenario(delegations=delegations))
    assert report.ok, report.as_text()
    assert list(Delegation.objects.order_by("code").values_list("code", "separate_transport")) == [
        ("OAS", False),
        ("PA", True),
        ("US", False),
    ]


def test_times_with_an_offset_are_taken_as_given():
    sessions = replace_line("sessions.csv", "2026-12-07T11:15,", "2026-12-07T16:15Z,")
    scenario_import(files=scenario(sessions=sessions))
    assert Session.objects.get(code="D1-WS1").starts_at == datetime(2026, 12, 7, 11, 15, tzinfo=PANAMA)


# --- every error class: named precisely, all at once, nothing written ---


def test_unknown_codes_are_reported_with_file_row_and_column():
    delegates = replace_line("delegates.csv", "P2,John,Smith,US,Advisor,no,HIL", "P2,John,Smith,XX,Advisor,no,ATLX")
    errors = assert_refused_whole(scenario(delegates=delegates))
    assert [str(error) for error in errors] == [
        "delegates.csv, row 3, column delegation: unknown delegation code `XX`",
        "delegates.csv, row 3, column hotel: unknown venue code `ATLX`",
    ]


def test_unknown_delegate_and_session_in_attendance():
    errors = assert_refused_whole(scenario(attendance="delegate,session\nP9,D1-PLEN\nP1,D9-NONE\n"))
    assert [str(error) for error in errors] == [
        "attendance.csv, row 2, column delegate: unknown delegate external_id `P9`",
        "attendance.csv, row 3, column session: unknown session code `D9-NONE`",
    ]


@pytest.mark.parametrize(
    ("file_name", "old", "new", "expected"),
    [
        (
            "venues.csv",
            "ATL,ATLAPA,venue,8.9858",
            "ATL,ATLAPA,venue,200",
            "venues.csv, row 3, column latitude: 200 is outside -90..90",
        ),
        ("venues.csv", "-79.5118", "-279.5", "venues.csv, row 3, column longitude: -279.5 is outside -180..180"),
        (
            "venues.csv",
            "ATL,ATLAPA,venue",
            "ATL,ATLAPA,stadium",
            "venues.csv, row 3, column kind: `stadium` is not one of airport, airfield, hotel, venue, government, embassy, base, depot, other",
        ),
        ("vehicles.csv", "VAN-01,van,8,", "VAN-01,van,0,", "vehicles.csv, row 3, column seats: 0 is outside 1..100"),
        (
            "vehicles.csv",
            "VAN-01,van,8,",
            "VAN-01,van,eight,",
            "vehicles.csv, row 3, column seats: `eight` is not a whole number",
        ),
        (
            "vehicles.csv",
            "ARM-01,armoured_suv,3,yes",
            "ARM-01,armoured_suv,3,maybe",
            "vehicles.csv, row 2, column armoured: `maybe` is not yes or no (true/false and 1/0 work too)",
        ),
        (
            "delegations.csv",
            "PA,Panamá,PA",
            "PA,Panamá,Panama",
            "delegations.csv, row 2, column country: `Panama` is not a two-letter ISO 3166-1 country code (leave it empty for organisations)",
        ),
        (
            "delegates.csv",
            "maria@pa.example.org",
            "maria at pa",
            "delegates.csv, row 2, column email: `maria at pa` is not an e-mail address",
        ),
        (
            "conference.csv",
            "America/Panama",
            "Panama/City",
            "conference.csv, row 2, column timezone: `Panama/City` is not an IANA time zone (for example America/Panama)",
        ),
    ],
)
def test_out_of_range_and_unknown_values(file_name, old, new, expected):
    errors = assert_refused_whole(scenario(**{file_name[:-4]: replace_line(file_name, old, new)}))
    assert [str(error) for error in errors] == [expected]


@pytest.mark.parametrize(
    ("file_name", "old", "new", "expected"),
    [
        (
            "sessions.csv",
            "2026-12-07T11:15",
            "31/02/2026 9h",
            "sessions.csv, row 3, column starts_at: time `31/02/2026 9h` is not a date and time (write it as 2026-12-07T09:30)",
        ),
        (
            "sessions.csv",
            "2026-12-07T11:15",
            "2026-12-07",
            "sessions.csv, row 3, column starts_at: time `2026-12-07` has a date but no time of day (write it as 2026-12-07T09:30)",
        ),
        (
            "conference.csv",
            "2026-12-08",
            "8 Dec",
            "conference.csv, row 2, column end_date: `8 Dec` is not a date (write it as 2026-12-07)",
        ),
        (
            "sessions.csv",
            "2026-12-07T11:15,2026-12-07T12:45",
            "2026-12-07T11:15,2026-12-07T10:45",
            "sessions.csv, row 3, column ends_at: the session ends before it starts",
        ),
        (
            "delegates.csv",
            "2026-12-09T12:00,PTY,AA 2",
            "2026-12-05T12:00,PTY,AA 2",
            "delegates.csv, row 3, column departure_at: departure is not after arrival",
        ),
        (
            "delegates.csv",
            "2026-12-06T10:00,PTY,AA 1",
            "2026-12-06T10:00,,AA 1",
            "delegates.csv, row 3, column arrival_venue: arrival_at is given, so arrival_venue is needed too",
        ),
        (
            "conference.csv",
            "2026-12-07,2026-12-08",
            "2026-12-08,2026-12-07",
            "conference.csv, row 2, column end_date: end_date is before start_date",
        ),
    ],
)
def test_unparseable_and_inconsistent_times(file_name, old, new, expected):
    errors = assert_refused_whole(scenario(**{file_name[:-4]: replace_line(file_name, old, new)}))
    assert [str(error) for error in errors] == [expected]


def test_missing_required_column():
    venues = VALID["venues.csv"].replace("latitude,", "lat,")
    errors = assert_refused_whole(scenario(venues=venues))
    assert [str(error) for error in errors] == [
        "venues.csv, row 1, column latitude: the required column latitude is missing from the header"
    ]


def test_empty_required_cell():
    errors = assert_refused_whole(scenario(delegates=replace_line("delegates.csv", "P1,María,Pérez", "P1,,Pérez")))
    assert [str(error) for error in errors] == [
        "delegates.csv, row 2, column given_name: given_name is empty; it is required"
    ]


def test_duplicate_keys():
    delegates = VALID["delegates.csv"] + "P2,Johnny,Smith,US,Advisor,no,HIL,,,,,,,,,no\n"
    attendance = VALID["attendance.csv"] + "P1,D1-PLEN\n"
    errors = assert_refused_whole(scenario(delegates=delegates, attendance=attendance))
    assert [str(error) for error in errors] == [
        "delegates.csv, row 5, column external_id: duplicate external_id `P2` (first on row 3)",
        "attendance.csv, row 6: duplicate delegate/session `P1 / D1-PLEN` (first on row 2)",
    ]


def test_wrong_encoding_is_refused_with_a_message_that_says_so():
    files = scenario()
    files["delegates.csv"] = VALID["delegates.csv"].encode("latin-1")
    errors = assert_refused_whole(files)
    assert len(errors) == 1
    assert errors[0].file == "delegates.csv"
    assert "is not UTF-8 text (byte 0xED on line 2)" in errors[0].message
    assert "save it as 'CSV UTF-8'" in errors[0].message


@pytest.mark.parametrize("content", ["", "\n\n", "\ufeff"])
def test_empty_file_is_refused(content):
    errors = assert_refused_whole(scenario(vehicles=content))
    assert [str(error) for error in errors] == ["vehicles.csv: the file is empty; it needs at least a header row"]


def test_a_row_with_an_unquoted_comma_is_refused():
    venues = VALID["venues.csv"] + "CEN,Central Hotel,hotel,8.95,-79.53,Plaza, Casco Viejo\n"
    errors = assert_refused_whole(scenario(venues=venues))
    assert [str(error) for error in errors] == [
        "venues.csv, row 7: the row has 7 cells but the header has 6; is a comma inside a value missing its quotes?"
    ]


def test_several_errors_in_several_files_are_reported_together_in_file_order():
    files = scenario(
        venues=replace_line("venues.csv", "8.9858", "91"),
        sessions=replace_line("sessions.csv", "2026-12-07T11:15", "soon"),
        vehicles=replace_line("vehicles.csv", "DEP,PA-2", "NOPE,PA-2").replace(",3,yes", ",-3,yes"),
        attendance="delegate,session\nP1,D1-PLEN\nP404,D1-PLEN\n",
    )
    files["delegations.csv"] = "code,name\nPA,Panamá\nPA,Panamá again\n".encode("utf-16")
    errors = assert_refused_whole(files)
    assert [(error.file, error.row, error.column) for error in errors] == [
        ("venues.csv", 3, "latitude"),
        ("delegations.csv", 1, None),
        ("sessions.csv", 3, "starts_at"),
        ("vehicles.csv", 2, "seats"),
        ("vehicles.csv", 3, "depot"),
        ("attendance.csv", 3, "delegate"),
    ]
    assert "not UTF-8" in errors[1].message


def test_conference_file_is_needed_for_a_new_conference():
    errors = assert_refused_whole(scenario(conference=None))
    assert [str(error) for error in errors] == [
        "conference.csv: is missing; include it, or choose the conference to import into"
    ]


def test_conference_file_must_match_the_chosen_conference():
    other = ConferenceFactory(code="OTHER")
    errors = assert_refused_whole(scenario(), conference=other)
    assert [str(error) for error in errors] == [
        "conference.csv, row 2, column code: the file is for conference `TEST26`, but it is being imported into `OTHER`"
    ]


def test_conference_file_holds_one_row():
    conference = VALID["conference.csv"] + "X26,Another,UTC,2026-01-01,2026-01-02\n"
    errors = assert_refused_whole(scenario(conference=conference))
    assert [str(error) for error in errors] == ["conference.csv: must hold exactly one conference row, not 2"]


def test_unknown_file_names_are_refused():
    files = scenario()
    files["flights.csv"] = b"a,b\n"
    errors = assert_refused_whole(files)
    assert errors[0].file == "flights.csv"


def test_errors_in_an_update_keep_the_earlier_import():
    scenario_import(files=scenario())
    before = row_counts()
    delegates = replace_line("delegates.csv", "P1,María,Pérez,PA,Minister", "P1,María,Pérez,PA,President") + (
        "P5,Bad,Row,PA,,no,NOWHERE,,,,,,,,,no\n"
    )
    errors = assert_refused_whole(scenario(delegates=delegates))
    assert [error.column for error in errors] == ["hotel"]
    assert row_counts() == before
    assert Delegate.objects.get(external_id="P1").role == "Minister"


# --- warnings about sessions a delegate cannot attend ---


def test_warnings_name_overlaps_and_sessions_out_of_reach():
    delegates = replace_line(
        "delegates.csv", "2026-12-06T11:00,PTY,CM 3,2026-12-09T12:00", "2026-12-06T11:00,PTY,CM 3,2026-12-07T14:00"
    )
    delegates = delegates.replace("2026-12-06T10:00,PTY,AA 1", "2026-12-07T10:00,PTY,AA 1")
    sessions = VALID["sessions.csv"] + "D1-SIDE,Side event,bilateral,,ATL,2026-12-07T10:00,2026-12-07T11:00\n"
    attendance = VALID["attendance.csv"] + "P1,D1-SIDE\nP3,D1-WS1\n"
    report = scenario_import(files=scenario(delegates=delegates, sessions=sessions, attendance=attendance))
    assert report.ok, report.as_text()
    assert len(report.warnings) == 5, report.warnings
    by_session = {
        (warning.split()[0], warning.split(" cannot attend ")[1].split(":")[0]): warning for warning in report.warnings
    }
    assert "overlaps D1-PLEN" in by_session[("P1", "D1-SIDE")]
    assert "lands Mon 07 Dec 10:00" in by_session[("P2", "D1-PLEN")]
    assert (
        "cannot be at PCC before Mon 07 Dec 12:00; the session needs them there by Mon 07 Dec 11:05"
        in by_session[("P2", "D1-WS1")]
    )
    assert "must be at PTY by Mon 07 Dec 11:30 for their flight at Mon 07 Dec 14:00" in by_session[("P3", "D1-WS1")]
    assert "must be at PTY by Mon 07 Dec 11:30" in by_session[("P3", "D1-PLEN")]


def test_reading_a_folder_picks_the_contract_files(tmp_path):
    (tmp_path / "delegates.csv").write_text(VALID["delegates.csv"])
    (tmp_path / "notes.txt").write_text("not a scenario file")
    assert list(scenario_folder_files(tmp_path)) == ["delegates.csv"]
    with pytest.raises(FileNotFoundError):
        scenario_folder_files(tmp_path / "missing")


# --- control characters: refused in every cell, placed like every other error ---


def test_a_line_break_inside_a_quoted_name_is_refused_with_file_row_and_column():
    delegates = replace_line("delegates.csv", "P2,John,Smith", 'P2,"John\nPaul",Smith')
    errors = assert_refused_whole(scenario(delegates=delegates))
    assert [str(error) for error in errors] == [
        "delegates.csv, row 3, column given_name: "
        "has a line break or another control character (U+000A) at character 5; remove it"
    ]


@pytest.mark.parametrize(
    ("file_name", "old", "new", "column", "code"),
    [
        ("delegates.csv", "Minister", '"Mini\rster"', "role", 0x0D),  # quoted: unquoted, it ends the line
        ("venues.csv", "Av. Balboa", "Av.\x1bBalboa", "address", 0x1B),
        ("sessions.csv", "Workshop", "Work\u2028shop", "title", 0x2028),
        ("vehicles.csv", "PA-1", "PA\x07-1", "plate", 0x07),
        ("delegations.csv", "PA,Panamá,PA", "P\x0bA,Panamá,PA", "code", 0x0B),
    ],
)
def test_control_characters_are_refused_in_every_column(file_name, old, new, column, code):
    errors = assert_refused_whole(scenario(**{file_name[:-4]: replace_line(file_name, old, new)}))
    assert (errors[0].file, errors[0].column) == (file_name, column)  # (a refused code is unknown to other files)
    assert errors[0].message.startswith(f"has a line break or another control character (U+{code:04X})")


def test_a_nul_byte_refuses_the_whole_file():
    errors = assert_refused_whole(scenario(delegates=replace_line("delegates.csv", "John", "Jo\x00hn")))
    assert [str(error) for error in errors] == ["delegates.csv: the file holds NUL bytes; it is not a CSV text file"]


def test_a_tab_inside_a_text_cell_is_kept():
    report = scenario_import(files=scenario(venues=replace_line("venues.csv", "Av. Balboa", "Av.\tBalboa")))
    assert report.ok, report.as_text()
    assert Venue.objects.get(code="HIL").address == "Av.\tBalboa"
