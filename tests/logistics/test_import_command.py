import csv
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from conference.models import Conference
from delegates.models import Attendance, Delegate, Delegation
from logistics.models import RunStatus, ScheduleRun, Vehicle

pytestmark = pytest.mark.django_db


def data_rows(folder, name: str) -> int:
    with (folder / name).open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


@pytest.mark.parametrize("fixture", ["panama_small", "panama_summit"])
def test_shared_scenarios_import_as_they_are_and_reimport_unchanged(fixture, request, capsys):
    folder = request.getfixturevalue(fixture)
    call_command("import_scenario", str(folder))
    assert Delegate.objects.count() == data_rows(folder, "delegates.csv")
    assert Delegation.objects.count() == data_rows(folder, "delegations.csv")
    assert Vehicle.objects.count() == data_rows(folder, "vehicles.csv")
    assert Attendance.objects.count() == data_rows(folder, "attendance.csv")
    assert Conference.objects.get().code == "CASC26"
    first = capsys.readouterr().out

    call_command("import_scenario", str(folder), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert all(counts["created"] == counts["updated"] == 0 for counts in report["counts"].values())
    assert report["counts"]["delegates.csv"]["unchanged"] == data_rows(folder, "delegates.csv")
    assert "Imported into conference CASC26" in first


def test_a_bad_folder_imports_nothing_and_fails(panama_small, tmp_path, capsys):
    folder = tmp_path / "scenario"
    shutil.copytree(panama_small, folder)
    venues = (folder / "venues.csv").read_text(encoding="utf-8").replace("8.9858,", "200,")
    (folder / "venues.csv").write_text(venues, encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_scenario", str(folder))
    assert "venues.csv, row 5, column latitude: 200 is outside -90..90" in capsys.readouterr().out
    assert not Conference.objects.exists()


def test_folder_without_conference_file_needs_the_conference_named(demo_scenario, tmp_path):
    call_command("import_scenario", str(demo_scenario))
    (tmp_path / "vehicles.csv").write_bytes((demo_scenario / "vehicles.csv").read_bytes())
    call_command("import_scenario", str(tmp_path), "--conference", "DEMO26")
    with pytest.raises(CommandError, match="no conference with code 'NOPE'"):
        call_command("import_scenario", str(tmp_path), "--conference", "NOPE")


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("import_scenario", str(tmp_path / "nowhere"))


def write_scenario(folder, **changes):
    from tests.logistics.import_files import scenario

    folder.mkdir(exist_ok=True)
    for name, data in scenario(**changes).items():
        (folder / name).write_bytes(data)
    return folder


def test_the_limits_are_the_settings_and_the_flags_override_them(settings, tmp_path, capsys):
    folder = write_scenario(tmp_path / "scenario")
    settings.IMPORT_MAX_ROWS = 4
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_scenario", str(folder))
    assert "venues.csv: the file has more than 4 rows below the header" in capsys.readouterr().out
    call_command("import_scenario", str(folder), "--max-rows", "5", "--no-recompute")
    assert Delegate.objects.count() == 3

    with pytest.raises(CommandError, match="Nothing was imported"):
        (folder / "notes.csv").write_bytes(b"")  # not a contract file: left alone
        (folder / "attendance.csv").write_bytes(b"delegate,session\n" + b"P1,D1-PLEN\n" * 100_000)
        call_command("import_scenario", str(folder), "--max-rows", "1000000", "--max-file-mb", "1")
    assert "attendance.csv: the file is 1.1 MB; files up to 1 MB can be imported" in capsys.readouterr().out


def test_limit_flags_take_whole_numbers_of_at_least_one(tmp_path):
    with pytest.raises(CommandError, match="is not 1 or more"):
        call_command("import_scenario", str(tmp_path), "--max-rows", "0")
    with pytest.raises(CommandError, match="is not a whole number"):
        call_command("import_scenario", str(tmp_path), "--max-file-mb", "lots")


def test_many_errors_print_the_first_and_count_the_rest(tmp_path, capsys):
    folder = write_scenario(tmp_path / "scenario", attendance="delegate,session\n" + "!,D1-PLEN\n" * 1000)
    with pytest.raises(CommandError, match=r"Nothing was imported from .*: 1,000 problem\(s\)"):
        call_command("import_scenario", str(folder))
    out = capsys.readouterr().out
    assert out.count("attendance.csv, row") == 200
    assert "  ... and 800 more (the first 200 are listed)." in out
    with pytest.raises(CommandError):
        call_command("import_scenario", str(folder), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["error_count"] == 1000 and len(report["errors"]) == 200


def test_delegates_not_in_the_file_are_listed_and_kept_or_pruned(tmp_path, capsys):
    from tests.logistics.test_import_prune import ATTENDANCE_WITHOUT_P3, WITHOUT_P3

    call_command("import_scenario", str(write_scenario(tmp_path / "full")), "--no-recompute")
    smaller = write_scenario(tmp_path / "smaller", delegates=WITHOUT_P3, attendance=ATTENDANCE_WITHOUT_P3)
    capsys.readouterr()
    call_command("import_scenario", str(smaller), "--no-recompute")
    assert "1 delegate(s) of TEST26 are not in delegates.csv and were kept: P3." in capsys.readouterr().out
    call_command("import_scenario", str(smaller), "--no-recompute", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["not_in_file"] == {"delegates.csv": {"count": 1, "keys": ["P3"], "removed": False}}
    assert Delegate.objects.filter(external_id="P3").exists()

    call_command("import_scenario", str(smaller), "--no-recompute", "--prune", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["not_in_file"]["delegates.csv"]["removed"] is True
    assert report["counts"]["delegates.csv"]["removed"] == 1
    assert not Delegate.objects.filter(external_id="P3").exists()


def test_prune_needs_delegates_csv_in_the_folder(tmp_path):
    folder = tmp_path / "only-attendance"
    folder.mkdir()
    (folder / "attendance.csv").write_text("delegate,session\n")
    with pytest.raises(CommandError, match=r"--prune removes delegates that delegates\.csv does not have"):
        call_command("import_scenario", str(folder), "--conference", "X", "--prune")


def test_the_import_returns_with_the_recompute_queued_and_wait_waits_for_it(demo_scenario, capsys):
    call_command("import_scenario", str(demo_scenario))
    assert "Schedule recompute queued (run" in capsys.readouterr().out
    run = ScheduleRun.objects.get()
    assert run.status == RunStatus.QUEUED  # nothing computed inside the import
    call_command("import_scenario", str(demo_scenario), "--wait")
    assert "succeeded" in capsys.readouterr().err
    assert ScheduleRun.objects.get().status == RunStatus.SUCCEEDED  # the queued run, computed by the command
