"""Delegates of the conference that a re-imported delegates.csv does not have: named and kept, or pruned."""

import pytest

from conference.models import Conference
from delegates.models import Attendance, Delegate
from logistics.models import Movement
from logistics.services.imports import scenario_import
from tests.factories import MovementFactory, ScheduleVersionFactory
from tests.logistics.import_files import VALID, scenario

pytestmark = pytest.mark.django_db

WITHOUT_P3 = "\n".join(line for line in VALID["delegates.csv"].splitlines() if not line.startswith("P3,")) + "\n"
ATTENDANCE_WITHOUT_P3 = "delegate,session\nP1,D1-PLEN\nP2,D1-PLEN\nP2,D1-WS1\n"


@pytest.fixture
def imported():
    """The test scenario imported, and a movement of P3 in a published schedule."""
    assert scenario_import(files=scenario(), recompute=False).ok
    conference = Conference.objects.get(code="TEST26")
    version = ScheduleVersionFactory(conference=conference, is_current=True)
    MovementFactory(version=version, delegate=Delegate.objects.get(external_id="P3"))
    return conference


def test_delegates_not_in_a_reimported_file_are_named_and_kept(imported):
    report = scenario_import(files={"delegates.csv": WITHOUT_P3.encode()}, conference=imported, recompute=False)
    assert report.ok, report.as_text()
    assert report.not_in_file == {"delegates.csv": ["P3"]} and not report.pruned
    counts = report.counts["delegates.csv"]
    assert (counts.unchanged, counts.removed) == (2, 0)
    assert Delegate.objects.filter(external_id="P3").exists()
    assert Attendance.objects.filter(delegate__external_id="P3").count() == 1
    assert Movement.objects.filter(delegate__external_id="P3").count() == 1
    assert (
        "1 delegate(s) of TEST26 are not in delegates.csv and were kept: P3. Import with --prune to remove them."
        in (report.as_text())
    )
    assert report.as_dict()["not_in_file"] == {"delegates.csv": {"count": 1, "keys": ["P3"], "removed": False}}


def test_prune_removes_them_with_their_attendance_and_movements_and_queues_a_recompute(imported):
    report = scenario_import(files={"delegates.csv": WITHOUT_P3.encode()}, conference=imported, prune=True)
    assert report.ok, report.as_text()
    assert report.not_in_file == {"delegates.csv": ["P3"]} and report.pruned
    assert report.counts["delegates.csv"].removed == 1
    assert sorted(Delegate.objects.values_list("external_id", flat=True)) == ["P1", "P2"]
    assert not Attendance.objects.filter(delegate__external_id="P3").exists()
    assert Attendance.objects.count() == 3
    assert not Movement.objects.filter(delegate__external_id="P3").exists()
    assert report.recompute_run is not None  # the recompute re-plans without them
    assert "1 delegate(s) not in delegates.csv were removed, with their attendance and movements: P3." in (
        report.as_text()
    )
    assert report.as_dict()["not_in_file"]["delegates.csv"]["removed"] is True


def test_a_full_file_reports_nothing_missing(imported):
    report = scenario_import(files=scenario(), prune=True, recompute=False)
    assert report.ok and report.not_in_file == {"delegates.csv": []} and not report.pruned
    assert Delegate.objects.count() == 3
    assert "not in delegates.csv" not in report.as_text()


def test_without_delegates_csv_nothing_is_missing_and_nothing_pruned(imported):
    report = scenario_import(
        files={"attendance.csv": b"delegate,session\nP1,D1-WS1\n"}, conference=imported, prune=True, recompute=False
    )
    assert report.ok, report.as_text()
    assert report.not_in_file == {} and not report.pruned
    assert Delegate.objects.count() == 3


def test_a_first_import_has_nobody_missing():
    report = scenario_import(files=scenario(), prune=True, recompute=False)
    assert report.ok and report.not_in_file == {"delegates.csv": []}


def test_a_refused_import_prunes_nothing(imported):
    delegates = WITHOUT_P3 + "P9,Bad,Row,PA,,no,NOWHERE,,,,,,,,,no\n"
    report = scenario_import(files={"delegates.csv": delegates.encode()}, conference=imported, prune=True)
    assert not report.ok and report.not_in_file == {}
    assert Delegate.objects.count() == 3


def test_pruning_refuses_attendance_of_a_delegate_it_would_remove(imported):
    files = {"delegates.csv": WITHOUT_P3.encode(), "attendance.csv": VALID["attendance.csv"].encode()}
    report = scenario_import(files=files, conference=imported, prune=True)
    assert [str(error) for error in report.errors] == [
        "attendance.csv, row 5, column delegate: delegate `P3` is not in delegates.csv, "
        "and pruning removes the delegates it does not have"
    ]
    assert Delegate.objects.count() == 3
    files["attendance.csv"] = ATTENDANCE_WITHOUT_P3.encode()
    assert scenario_import(files=files, conference=imported, prune=True, recompute=False).ok
    assert Delegate.objects.count() == 2


def test_many_missing_delegates_are_listed_in_part_on_the_command_line_and_whole_in_json(imported):
    extra = "".join(f"X{n:03},Extra,Person,PA,,no,HIL,,,,,,,,,no\n" for n in range(30))
    assert scenario_import(files={"delegates.csv": (VALID["delegates.csv"] + extra).encode()}, conference=imported).ok
    report = scenario_import(files={"delegates.csv": WITHOUT_P3.encode()}, conference=imported, recompute=False)
    assert len(report.not_in_file["delegates.csv"]) == 31
    assert "31 delegate(s) of TEST26 are not in delegates.csv and were kept: P3, X000, X001," in report.as_text()
    assert "X018, ... and 11 more. Import with --prune" in report.as_text()
    assert report.as_dict()["not_in_file"]["delegates.csv"]["count"] == 31
    assert len(report.as_dict()["not_in_file"]["delegates.csv"]["keys"]) == 31
