"""The optional columns of live operations: conference.csv's freeze_minutes, delegates.csv's dedicated_vehicle and
language. Read, stored and updated by key like the others; every bad value refused with its file, row and column;
folders without them import as before."""

import pytest

from conference.models import Conference, Session, Venue
from delegates.models import Attendance, Delegate, Delegation
from logistics.models import Vehicle
from logistics.services.imports import scenario_import
from tests.logistics.import_files import VALID, scenario

pytestmark = pytest.mark.django_db
ALL_MODELS = (Conference, Venue, Delegation, Delegate, Session, Attendance, Vehicle)
# A fourth delegate: a VIP of another delegation than P1's (PA).
US_VIP = "P4,Jane,Doe,US,Ambassador,yes,HIL,,,,,,,,,no"


def conference_csv(freeze_minutes: str) -> str:
    return (
        "code,name,timezone,start_date,end_date,freeze_minutes\n"
        f"TEST26,Test Conference,America/Panama,2026-12-07,2026-12-08,{freeze_minutes}\n"
    )


def delegates_csv(extra_rows: tuple[str, ...] = (), **cells: tuple[str, str]) -> str:
    """VALID's delegates.csv with the dedicated_vehicle and language columns: `cells` gives a delegate's pair
    (external_id = (dedicated_vehicle, language)); `extra_rows` are added below, with their pairs in `cells` too."""
    lines = VALID["delegates.csv"].splitlines() + list(extra_rows)
    rows = [lines[0] + ",dedicated_vehicle,language"]
    for line in lines[1:]:
        dedicated, language = cells.get(line.split(",")[0], ("", ""))
        rows.append(f"{line},{dedicated},{language}")
    return "\n".join(rows) + "\n"


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def refused(files, conference=None, **options) -> list[str]:
    before = row_counts()
    stored = list(Delegate.objects.values_list("external_id", "vip", "dedicated_vehicle", "language"))
    report = scenario_import(files=files, conference=conference, **options)
    assert not report.ok
    assert row_counts() == before, "a refused import must write nothing"
    assert list(Delegate.objects.values_list("external_id", "vip", "dedicated_vehicle", "language")) == stored
    return [str(error) for error in report.errors]


def imported(files, conference=None, **options):
    report = scenario_import(files=files, conference=conference, **options)
    assert report.ok, report.as_text()
    return report


def stored(external_id: str) -> tuple[str, str]:
    delegate = Delegate.objects.get(external_id=external_id)
    return delegate.dedicated_vehicle, delegate.language


# --- read and stored ---


def test_the_live_columns_are_read_and_stored():
    delegates = delegates_csv(P1=("ARM-01", "ES"), P2=("", "en"))
    imported(scenario(conference=conference_csv("30"), delegates=delegates))
    assert Conference.objects.get(code="TEST26").freeze_minutes == 30
    assert stored("P1") == ("ARM-01", "es")  # a vehicle of the same import's vehicles.csv; any case
    assert stored("P2") == ("", "en")
    assert stored("P3") == ("", "")  # empty: not given


def test_an_empty_freeze_minutes_is_the_default_hour_and_zero_is_allowed():
    imported(scenario(conference=conference_csv("")))
    assert Conference.objects.get(code="TEST26").freeze_minutes == 60
    imported(scenario(conference=conference_csv("0")))
    assert Conference.objects.get(code="TEST26").freeze_minutes == 0
    imported(scenario(conference=conference_csv("1440")))
    assert Conference.objects.get(code="TEST26").freeze_minutes == 1440


def test_a_dedicated_vehicle_may_be_one_already_stored():
    imported(scenario())
    conference = Conference.objects.get(code="TEST26")
    imported({"delegates.csv": delegates_csv(P1=("ARM-01", "")).encode()}, conference=conference)
    assert stored("P1") == ("ARM-01", "")


def test_vips_of_one_delegation_may_share_a_dedicated_vehicle():
    second_pa_vip = "P5,Juan,Ruiz,PA,Vice Minister,yes,HIL,,,,,,,,,no"
    imported(scenario(delegates=delegates_csv((second_pa_vip,), P1=("ARM-01", ""), P5=("ARM-01", ""))))
    assert stored("P1")[0] == stored("P5")[0] == "ARM-01"


# --- re-import ---


def test_reimport_updates_the_live_columns_by_key():
    imported(scenario(conference=conference_csv("30"), delegates=delegates_csv(P1=("ARM-01", "es"), P2=("", "en"))))
    vehicles = VALID["vehicles.csv"] + "ARM-02,armoured_suv,3,yes,no,DEP,PA-3,,\n"
    report = imported(
        scenario(
            conference=conference_csv("45"),
            delegates=delegates_csv(P1=("ARM-02", "en"), P2=("", ""), P3=("", "es")),
            vehicles=vehicles,
        )
    )
    assert report.counts["conference.csv"].updated == 1
    counts = report.counts["delegates.csv"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 3, 0)
    assert Conference.objects.get(code="TEST26").freeze_minutes == 45
    assert [stored(external_id) for external_id in ("P1", "P2", "P3")] == [("ARM-02", "en"), ("", ""), ("", "es")]

    imported(scenario(conference=conference_csv(""), delegates=delegates_csv(P3=("", "es"))))
    assert Conference.objects.get(code="TEST26").freeze_minutes == 60  # an empty cell: the default again
    assert stored("P1") == ("", "")  # an empty cell clears the stored value


def test_reimport_of_the_same_live_columns_changes_nothing():
    files = scenario(conference=conference_csv("30"), delegates=delegates_csv(P1=("ARM-01", "es")))
    imported(files)
    report = imported(files)
    assert all(counts.created == counts.updated == 0 for counts in report.counts.values())


def test_a_folder_without_the_columns_keeps_the_stored_values():
    imported(scenario(conference=conference_csv("30"), delegates=delegates_csv(P1=("ARM-01", "es"))))
    report = imported(scenario())  # the older contract: none of the three columns
    assert report.counts["conference.csv"].unchanged == 1
    assert report.counts["delegates.csv"].unchanged == 3
    assert Conference.objects.get(code="TEST26").freeze_minutes == 30
    assert stored("P1") == ("ARM-01", "es")


def test_an_older_folder_without_the_columns_imports_as_before():
    report = imported(scenario())
    assert {name: counts.created for name, counts in report.counts.items()} == {
        "conference.csv": 1,
        "venues.csv": 5,
        "delegations.csv": 3,
        "sessions.csv": 2,
        "delegates.csv": 3,
        "vehicles.csv": 2,
        "attendance.csv": 4,
    }
    assert Conference.objects.get(code="TEST26").freeze_minutes == 60
    assert set(Delegate.objects.values_list("dedicated_vehicle", "language")) == {("", "")}


# --- bad values: named by file, row and column, nothing written ---


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("soon", "`soon` is not a whole number"),
        ("1.5", "`1.5` is not a whole number"),
        ("1_0", "`1_0` is not a whole number"),
        ("-5", "-5 is outside 0..1440"),
        ("1441", "1441 is outside 0..1440"),
    ],
)
def test_a_bad_freeze_minutes_is_refused(value, expected):
    errors = refused(scenario(conference=conference_csv(value)))
    assert errors == [f"conference.csv, row 2, column freeze_minutes: {expected}"]


def test_a_bad_freeze_minutes_keeps_the_stored_conference():
    imported(scenario(conference=conference_csv("30")))
    refused(scenario(conference=conference_csv("two hours")))
    assert Conference.objects.get(code="TEST26").freeze_minutes == 30


@pytest.mark.parametrize("value", ["fr", "english", "e"])
def test_a_language_other_than_en_or_es_is_refused(value):
    errors = refused(scenario(delegates=delegates_csv(P2=("", value))))
    assert errors == [f"delegates.csv, row 3, column language: `{value}` is not one of en, es"]


def test_an_unknown_dedicated_vehicle_is_refused():
    errors = refused(scenario(delegates=delegates_csv(P1=("ARM-99", ""))))
    assert errors == ["delegates.csv, row 2, column dedicated_vehicle: unknown vehicle callsign `ARM-99`"]


def test_a_dedicated_vehicle_that_is_not_a_callsign_is_refused():
    errors = refused(scenario(delegates=delegates_csv(P1=("ARM 01", ""))))
    assert errors == [
        "delegates.csv, row 2, column dedicated_vehicle: "
        "code `ARM 01` may hold only letters, digits, '-', '_' and '.', with no spaces"
    ]


def test_a_dedicated_vehicle_is_for_a_vip():
    errors = refused(scenario(delegates=delegates_csv(P2=("ARM-01", ""))))
    assert errors == [
        "delegates.csv, row 3, column dedicated_vehicle: "
        "a dedicated vehicle is for a VIP: set vip to yes, or leave dedicated_vehicle empty"
    ]


def test_a_dedicated_vehicle_must_be_armoured():
    errors = refused(scenario(delegates=delegates_csv(P1=("VAN-01", ""))))
    assert errors == [
        "delegates.csv, row 2, column dedicated_vehicle: "
        "vehicle `VAN-01` is not armoured, and a VIP's dedicated vehicle must be"
    ]


def test_a_stored_vehicle_that_is_not_armoured_is_refused_as_a_dedicated_vehicle():
    imported(scenario())
    conference = Conference.objects.get(code="TEST26")
    errors = refused({"delegates.csv": delegates_csv(P1=("VAN-01", "")).encode()}, conference=conference)
    assert errors == [
        "delegates.csv, row 2, column dedicated_vehicle: "
        "vehicle `VAN-01` is not armoured, and a VIP's dedicated vehicle must be"
    ]


def test_delegates_of_two_delegations_cannot_share_a_dedicated_vehicle():
    errors = refused(scenario(delegates=delegates_csv((US_VIP,), P1=("ARM-01", ""), P4=("ARM-01", ""))))
    assert errors == [
        "delegates.csv, row 5, column dedicated_vehicle: vehicle `ARM-01` is already the dedicated vehicle of `P1` "
        "of delegation `PA`; delegates of different delegations cannot share one"
    ]


def test_a_stored_dedicated_vehicle_of_another_delegation_is_not_shared_unless_pruned():
    imported(scenario(delegates=delegates_csv(P1=("ARM-01", ""))))
    conference = Conference.objects.get(code="TEST26")
    without_p1 = "\n".join(
        line for line in delegates_csv((US_VIP,), P4=("ARM-01", "")).splitlines() if "P1," not in line
    )
    files = {"delegates.csv": (without_p1 + "\n").encode()}
    errors = refused(files, conference=conference)  # P1 is kept, with ARM-01
    assert errors == [
        "delegates.csv, row 4, column dedicated_vehicle: vehicle `ARM-01` is already the dedicated vehicle of `P1` "
        "of delegation `PA`; delegates of different delegations cannot share one"
    ]
    attendance = "delegate,session\nP2,D1-PLEN\n"
    imported(files | {"attendance.csv": attendance.encode()}, conference=conference, prune=True)  # P1 goes
    assert stored("P4") == ("ARM-01", "")


def test_a_file_without_the_vip_column_is_checked_against_the_stored_vip():
    imported(scenario())
    conference = Conference.objects.get(code="TEST26")
    delegates = "external_id,given_name,family_name,delegation,hotel,dedicated_vehicle\n"
    errors = refused({"delegates.csv": (delegates + "P2,John,Smith,US,HIL,ARM-01\n").encode()}, conference=conference)
    assert errors == [
        "delegates.csv, row 2, column dedicated_vehicle: "
        "a dedicated vehicle is for a VIP: set vip to yes, or leave dedicated_vehicle empty"
    ]
    imported({"delegates.csv": (delegates + "P1,María,Pérez,PA,HIL,ARM-01\n").encode()}, conference=conference)
    assert stored("P1")[0] == "ARM-01"


def test_a_vip_with_a_stored_dedicated_vehicle_cannot_become_a_non_vip():
    imported(scenario(delegates=delegates_csv(P1=("ARM-01", ""))))
    delegates = VALID["delegates.csv"].replace("P1,María,Pérez,PA,Minister,yes", "P1,María,Pérez,PA,Minister,no")
    errors = refused(scenario(delegates=delegates))  # no dedicated_vehicle column: P1 keeps ARM-01
    assert errors == [
        "delegates.csv, row 2, column vip: "
        "a dedicated vehicle is for a VIP: set vip to yes, or leave dedicated_vehicle empty"
    ]


def test_a_stored_dedicated_vehicle_cannot_be_made_unarmoured():
    imported(scenario(delegates=delegates_csv(P1=("ARM-01", ""))))
    conference = Conference.objects.get(code="TEST26")
    vehicles = VALID["vehicles.csv"].replace("ARM-01,armoured_suv,3,yes", "ARM-01,armoured_suv,3,no")
    errors = refused({"vehicles.csv": vehicles.encode()}, conference=conference)
    assert errors == [
        "vehicles.csv, row 2, column armoured: the vehicle is the dedicated vehicle of VIP `P1`, so it must be armoured"
    ]
    assert Vehicle.objects.get(callsign="ARM-01").armoured is True


def test_every_bad_live_value_is_reported_in_one_pass():
    pa_vip = "P5,Juan,Ruiz,PA,Vice Minister,yes,HIL,,,,,,,,,no"
    delegates = delegates_csv(
        (US_VIP, pa_vip), P1=("", "de"), P2=("ARM-01", ""), P3=("NOPE", ""), P4=("VAN-01", ""), P5=("ARM-01", "")
    )
    errors = refused(scenario(conference=conference_csv("90 min"), delegates=delegates))
    assert [error.split(": ", 1) for error in errors] == [
        ["conference.csv, row 2, column freeze_minutes", "`90 min` is not a whole number"],
        ["delegates.csv, row 2, column language", "`de` is not one of en, es"],
        [
            "delegates.csv, row 3, column dedicated_vehicle",
            "a dedicated vehicle is for a VIP: set vip to yes, or leave dedicated_vehicle empty",
        ],
        ["delegates.csv, row 4, column dedicated_vehicle", "unknown vehicle callsign `NOPE`"],
        [
            "delegates.csv, row 4, column dedicated_vehicle",
            "a dedicated vehicle is for a VIP: set vip to yes, or leave dedicated_vehicle empty",
        ],
        [
            "delegates.csv, row 5, column dedicated_vehicle",
            "vehicle `VAN-01` is not armoured, and a VIP's dedicated vehicle must be",
        ],
        [
            "delegates.csv, row 6, column dedicated_vehicle",
            "vehicle `ARM-01` is already the dedicated vehicle of `P2` of delegation `US`; "
            "delegates of different delegations cannot share one",
        ],
    ]
