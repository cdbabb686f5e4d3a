import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from conference.models import Conference
from logistics.models import Movement, RunStatus, ScheduleRun, ScheduleVersion, StopPassenger, Trip
from logistics.run_reasons import trigger
from logistics.scheduler_adapter import published_schedule, scheduling_problem, scheduling_scenario
from logistics.services.imports import scenario_folder_files, scenario_import
from logistics.services.schedule import schedule_publish, schedule_recompute, schedule_recompute_request
from scheduling.planner import solve_day
from scheduling.validate import validate
from tests.factories import (
    MORNING,
    VehicleFactory,
)

pytestmark = pytest.mark.django_db


def test_recompute_publishes_a_valid_schedule_as_the_current_version(small_conference):
    run = schedule_recompute(conference_id=small_conference.pk)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.progress == 100 and run.finished_at >= run.started_at
    version = ScheduleVersion.objects.get(conference=small_conference, is_current=True)
    assert version.number == 1 and version.run == run
    assert run.metrics["movements"] == 6 and run.metrics["served"] == 6
    assert Movement.objects.filter(version=version, unserved_code="").count() == 6
    vip_rides = StopPassenger.objects.filter(movement__delegate__external_id="D1", action="board")
    assert {p.stop.trip.vehicle.callsign for p in vip_rides} == {"ARM-01"}


def test_unchanged_inputs_make_the_second_run_a_no_op(small_conference):
    first = schedule_recompute(conference_id=small_conference.pk)
    second = schedule_recompute(conference_id=small_conference.pk)
    assert second.status == RunStatus.SUCCEEDED and second.metrics["unchanged"] is True
    assert ScheduleVersion.objects.filter(conference=small_conference).count() == 1
    assert second.metrics["version"] == first.metrics["version"] == 1


def test_changed_inputs_make_a_new_version_and_keep_the_old_one(small_conference):
    schedule_recompute(conference_id=small_conference.pk)
    VehicleFactory(
        conference=small_conference, callsign="BUS-01", seats=40, depot=small_conference.venues.get(code="DEP")
    )
    run = schedule_recompute(conference_id=small_conference.pk)
    assert run.metrics["version"] == 2
    assert list(ScheduleVersion.objects.filter(conference=small_conference).values_list("number", "is_current")) == [
        (2, True),
        (1, False),
    ]


def test_each_new_version_records_what_changed_against_the_published_one(small_conference):
    schedule_recompute(conference_id=small_conference.pk)
    first = ScheduleVersion.objects.get(conference=small_conference, number=1)
    assert first.changes["first"] is True and first.changes["since_version"] is None
    small_conference.sessions.update(
        starts_at=F("starts_at") + timedelta(hours=1), ends_at=F("ends_at") + timedelta(hours=1)
    )
    schedule_recompute(conference_id=small_conference.pk)
    second = ScheduleVersion.objects.get(conference=small_conference, number=2)
    assert second.changes["since_version"] == 1 and second.changes["first"] is False
    assert second.changes["summary"]["legs_moved"] == 6  # to the plenary and back, for each of three delegates
    assert second.changes["summary"]["delegates"] == 3


def test_a_failed_run_leaves_the_published_schedule_untouched(small_conference, settings):
    schedule_recompute(conference_id=small_conference.pk)
    trips_before = list(Trip.objects.values_list("pk", flat=True))
    VehicleFactory(
        conference=small_conference, callsign="BUS-01", seats=40, depot=small_conference.venues.get(code="DEP")
    )
    settings.ROUTING_SERVICE_URL = "http://127.0.0.1:9/"  # nothing listens there: the travel table cannot be had
    run = schedule_recompute(conference_id=small_conference.pk)
    assert run.status == RunStatus.FAILED
    assert "routing service" in run.error
    current = ScheduleVersion.objects.get(conference=small_conference, is_current=True)
    assert current.number == 1
    assert list(Trip.objects.values_list("pk", flat=True)) == trips_before


def publish_tampered(conference, tamper):
    """Publish today's solved days after `tamper` changed them (as a manual edit or a faulty solver might)."""
    VehicleFactory(conference=conference, callsign="BUS-01", seats=40, depot=conference.venues.get(code="DEP"))
    prepared, input_hash = scheduling_problem(conference=conference, from_scratch=True)
    results = [solve_day(day) for day in prepared.days]
    for result in results:
        tamper(result, prepared)
    run = ScheduleRun.objects.create(
        conference=conference,
        triggers=[trigger("recompute")],
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        input_hash=input_hash,
    )
    return schedule_publish(run_id=run.pk, results=results, prepared=prepared)


def test_publishing_refuses_a_schedule_the_validator_rejects(small_conference):
    schedule_recompute(conference_id=small_conference.pk)

    def start_away_from_the_depot(result, prepared):
        hotel = prepared.matrix.index()["HIL"]
        result["depots"] = {callsign: hotel for callsign in result["depots"]}

    run = publish_tampered(small_conference, start_away_from_the_depot)
    assert run.status == RunStatus.FAILED
    assert "the validator rejected the schedule" in run.error and "not at the depot DEP" in run.error
    assert run.findings[0] == {"code": "validator_refused", "params": {"count": len(run.findings) - 1}}
    assert {finding["code"] for finding in run.findings[1:]} >= {"trip_not_from_depot", "trip_not_to_depot"}
    assert ScheduleVersion.objects.get(conference=small_conference, is_current=True).number == 1


def vip_in_a_van(result, prepared):
    if "ARM-01" in result["visits"]:
        result["visits"]["VAN-02"] = result["visits"].pop("ARM-01")
        result["depots"]["VAN-02"] = result["depots"]["ARM-01"]


def test_movements_that_break_a_rule_are_listed_unserved_not_published(small_conference):
    def vip_in_a_van_and_no_armoured_car_for_the_baseline_either(result, prepared):
        vip_in_a_van(result, prepared)
        result["baseline_served"] -= 2

    run = publish_tampered(small_conference, vip_in_a_van_and_no_armoured_car_for_the_baseline_either)
    assert run.status == RunStatus.SUCCEEDED, run.error
    version = ScheduleVersion.objects.get(conference=small_conference, is_current=True)
    vip = Movement.objects.get(version=version, delegate__external_id="D1", kind="to_session")
    assert "could not be fitted within the rules" in vip.unserved_reason and "not armoured" in vip.unserved_reason
    assert vip.unserved_code == "broke_rule" and vip.unserved_params["violation"]["code"] == "vip_not_armoured"
    assert not StopPassenger.objects.filter(movement=vip).exists()
    assert run.metrics["unserved_by_reason"]["broke_rule"] == 2
    assert run.metrics["served"] + run.metrics["unserved_movements"] == run.metrics["movements"]


def test_a_schedule_that_serves_less_than_the_simple_plan_is_not_published(small_conference):
    run = publish_tampered(small_conference, vip_in_a_van)  # the VIP's two rides come off: 4 served, the plan 6
    assert run.status == RunStatus.FAILED
    assert run.findings == [
        {"code": "counters_wrong", "params": {"problems": ["serves 4 movements, fewer than the baseline's 6"]}}
    ]
    assert "fewer than the baseline" in run.error
    assert not ScheduleVersion.objects.filter(conference=small_conference).exists()


def test_a_burst_of_changes_shares_one_queued_run(small_conference, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = schedule_recompute_request(
            conference_id=small_conference.pk, trigger=trigger("input_changed", what="vehicle", object="VAN-01")
        )
        second = schedule_recompute_request(
            conference_id=small_conference.pk, trigger=trigger("input_changed", what="delegate", object="D2")
        )
        schedule_recompute_request(
            conference_id=small_conference.pk, trigger=trigger("input_changed", what="delegate", object="D2")
        )
    assert first.pk == second.pk
    assert ScheduleRun.objects.get().trigger == "vehicle VAN-01 changed; delegate D2 changed"
    assert ScheduleRun.objects.get().triggers[1] == {
        "code": "input_changed",
        "params": {"what": "delegate", "object": "D2"},
    }
    assert len(callbacks) == 1


def test_edits_to_inputs_queue_a_recompute_after_commit(small_conference, django_capture_on_commit_callbacks):
    delegate = small_conference.delegates.get(external_id="D2")
    with django_capture_on_commit_callbacks(execute=True):
        delegate.role = "Advisor"
        delegate.save()
    run = ScheduleRun.objects.get(conference=small_conference)
    assert "D2" in run.trigger
    assert run.status == RunStatus.SUCCEEDED  # no broker in this test: the task ran in-process


def test_position_updates_do_not_queue_a_recompute(small_conference, django_capture_on_commit_callbacks):
    vehicle = small_conference.vehicles.get(callsign="VAN-01")
    vehicle.last_latitude, vehicle.last_longitude, vehicle.last_position_at = 8.98, -79.52, MORNING
    with django_capture_on_commit_callbacks(execute=True):
        vehicle.save(update_fields=["last_latitude", "last_longitude", "last_position_at"])
    assert not ScheduleRun.objects.exists()


def test_a_run_is_claimed_once(small_conference):
    run = ScheduleRun.objects.create(conference=small_conference, triggers=[trigger("recompute")])
    assert schedule_recompute(conference_id=small_conference.pk, run_id=run.pk).status == RunStatus.SUCCEEDED
    assert schedule_recompute(conference_id=small_conference.pk, run_id=run.pk) is None
    assert ScheduleVersion.objects.count() == 1


def test_commands_print_the_run_summary_and_the_contract_export(small_conference, capsys):
    with pytest.raises(CommandError, match="no published schedule"):
        call_command("export_schedule", small_conference.code)
    call_command("recompute_schedule", small_conference.code, "--wait")
    summary = json.loads(capsys.readouterr().out)
    assert summary["status"] == "succeeded" and summary["served"] == 6 and summary["unserved"] == 0
    assert {"movements", "unserved_by_reason", "vehicles_used", "vehicle_km", "seconds"} <= summary.keys()
    call_command("export_schedule", small_conference.code)
    export = json.loads(capsys.readouterr().out)
    assert export["conference"] == small_conference.code and export["version"] == 1
    assert export["computed_at"].endswith("-05:00")
    stops = [stop for trip in export["trips"] for stop in trip["stops"]]
    assert all(stop["arrive_at"].endswith("-05:00") for stop in stops)
    boarded = sorted(d for stop in stops for d in stop["board"])
    assert boarded == ["D1", "D1", "D2", "D2", "D3", "D3"]
    assert export["unserved"] == []
    with pytest.raises(CommandError, match="no conference with code"):
        call_command("recompute_schedule", "NOPE")


@pytest.mark.slow
def test_panama_small_is_scheduled_with_zero_violations(panama_small):
    report = scenario_import(files=scenario_folder_files(panama_small), recompute=False)
    conference = Conference.objects.get(code=report.conference)
    run = schedule_recompute(conference_id=conference.pk)
    assert run.status == RunStatus.SUCCEEDED, run.error
    metrics = run.metrics
    assert metrics["served"] + sum(metrics["unserved_by_reason"].values()) >= metrics["movements"]
    # read back from the database, the published schedule still keeps every rule
    published = published_schedule(conference=conference)
    assert validate(scheduling_scenario(conference=conference), published) == []
    assert len(published.movements) == metrics["movements"]


def legs_by_movement(conference) -> dict[str, tuple]:
    """movement code -> (vehicle, pickup, drop-off) in the current version."""
    legs = {}
    schedule = published_schedule(conference=conference)
    for trip in schedule.trips:
        boarded = {}
        for stop in trip.stops:
            boarded |= {movement: stop.arrive_at for movement in stop.board}
            for movement in stop.alight:
                legs[movement] = (trip.vehicle, boarded[movement], stop.arrive_at)
    return legs


def test_a_run_has_a_clock_and_a_re_plan_keeps_the_frozen_legs(small_conference):
    first = schedule_recompute(conference_id=small_conference.pk)
    assert first.as_of is not None  # the rehearsal clock of the tests, or the time it started
    before = legs_by_movement(small_conference)
    # the clock is 20 minutes before the morning pickups: within the 60-minute horizon, they are frozen
    clock = min(pickup for _, pickup, _ in before.values()) - timedelta(minutes=20)
    small_conference.vehicles.filter(callsign="VAN-01").update(status="out_of_service")
    VehicleFactory(
        conference=small_conference, callsign="VAN-09", seats=8, depot=small_conference.venues.get(code="DEP")
    )
    run = schedule_recompute_request(conference_id=small_conference.pk, trigger=trigger("recompute"), as_of=clock)
    run = schedule_recompute(conference_id=small_conference.pk, run_id=run.pk)
    assert run.status == RunStatus.SUCCEEDED, run.error
    version = ScheduleVersion.objects.get(conference=small_conference, is_current=True)
    assert version.as_of == clock and run.metrics["live"]["as_of"] == clock.isoformat()
    after = legs_by_movement(small_conference)
    for movement, (vehicle, pickup, dropoff) in before.items():
        if pickup < clock + timedelta(minutes=small_conference.freeze_minutes) and vehicle != "VAN-01":
            assert after[movement] == (vehicle, pickup, dropoff)  # frozen: exactly as published
    # the van out of service had not left yet at the clock: its passengers ride another vehicle
    assert "VAN-01" not in {vehicle for vehicle, _, _ in after.values()}
    assert run.metrics["served"] == first.metrics["served"]


def test_a_from_scratch_run_is_never_a_no_op_and_records_it(small_conference):
    schedule_recompute(conference_id=small_conference.pk)
    run = schedule_recompute_request(conference_id=small_conference.pk, trigger=trigger("recompute"), from_scratch=True)
    run = schedule_recompute(conference_id=small_conference.pk, run_id=run.pk)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.from_scratch and "unchanged" not in run.metrics and run.metrics["live"]["from_scratch"] is True


def test_the_command_takes_a_clock_and_refuses_a_bad_one(small_conference, capsys):
    call_command("recompute_schedule", small_conference.code, "--wait")
    call_command("recompute_schedule", small_conference.code, "--wait", "--now", "2026-12-07T08:00", "--from-scratch")
    summary = json.loads(capsys.readouterr().out.split("\n}\n")[-2] + "\n}")
    assert summary["as_of"] == "2026-12-07T08:00:00-05:00" and summary["from_scratch"] is True
    with pytest.raises(CommandError, match="--now: 'noon' is not an ISO 8601 time"):
        call_command("recompute_schedule", small_conference.code, "--now", "noon")
