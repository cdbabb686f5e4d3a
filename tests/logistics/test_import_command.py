import csv
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from conference.models import Conference
from delegates.models import Attendance, Delegate, Delegation
from logistics.models import Vehicle

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
