import random
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from conference.errors import Invalid, Refused
from logistics.models import RunStatus, ScheduleRun, StatusOutcome, VehicleStatus, VehicleStatusEvent
from logistics.scheduler_adapter import scheduling_scenario
from logistics.services.fleet import TRANSITIONS, vehicle_status_report
from tests.factories import UserFactory, VehicleFactory

S = VehicleStatus
ALL_PAIRS = [(a, b) for a in S.values for b in S.values if a != b]
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in TRANSITIONS[a]]
ILLEGAL = [(a, b) for a, b in ALL_PAIRS if b not in TRANSITIONS[a]]


def pair_id(pair) -> str:
    return f"{pair[0]}->{pair[1]}"


def report(vehicle, event_id, status, **fields):
    return vehicle_status_report(vehicle_id=vehicle.pk, event_id=event_id, status=status, **fields)


def minutes_ago(minutes: float):
    # status updates come from phones now; their timestamps may not lie more than 5 minutes ahead of the server
    return timezone.now() - timedelta(minutes=minutes)


# One update at a time (on SQLite and PostgreSQL)


@pytest.mark.django_db
def test_an_update_moves_the_vehicle_and_is_kept_as_an_applied_event():
    vehicle = VehicleFactory()
    user = UserFactory()
    at = minutes_ago(1)
    event, replayed = report(
        vehicle,
        "e-1",
        S.EN_ROUTE,
        latitude=Decimal("8.985800"),
        longitude=Decimal("-79.511800"),
        accuracy_m=Decimal("12.5"),
        reported_at=at,
        note="leaving the depot",
        user=user,
    )
    assert replayed is False
    vehicle.refresh_from_db()
    assert vehicle.status == S.EN_ROUTE and vehicle.status_reported_at == at
    assert (vehicle.last_latitude, vehicle.last_longitude) == (Decimal("8.985800"), Decimal("-79.511800"))
    assert vehicle.last_position_at == at
    kept = VehicleStatusEvent.objects.get()
    assert kept.pk == event.pk and kept.vehicle == vehicle and kept.event_id == "e-1"
    assert (kept.previous_status, kept.status, kept.resulting_status) == (S.AVAILABLE, S.EN_ROUTE, S.EN_ROUTE)
    assert kept.outcome == StatusOutcome.APPLIED
    assert kept.reported_at == at and kept.reported_by == user and kept.note == "leaving the depot"
    assert kept.accuracy_m == Decimal("12.5")


@pytest.mark.django_db
def test_an_update_without_a_timestamp_is_dated_when_received():
    vehicle = VehicleFactory()
    before = timezone.now()
    event, _ = report(vehicle, "e-1", S.EN_ROUTE)
    vehicle.refresh_from_db()
    assert before <= event.reported_at <= timezone.now()
    assert vehicle.status_reported_at == event.reported_at


@pytest.mark.django_db
def test_an_update_without_a_position_keeps_the_last_position():
    vehicle = VehicleFactory()
    first = minutes_ago(2)
    report(vehicle, "e-1", S.EN_ROUTE, latitude=Decimal("8.9"), longitude=Decimal("-79.5"), reported_at=first)
    report(vehicle, "e-2", S.AT_PICKUP, reported_at=minutes_ago(1))
    vehicle.refresh_from_db()
    assert vehicle.status == S.AT_PICKUP
    assert (vehicle.last_latitude, vehicle.last_longitude, vehicle.last_position_at) == (
        Decimal("8.9"),
        Decimal("-79.5"),
        first,
    )


@pytest.mark.django_db
def test_repeat_of_an_event_id_applies_once():
    vehicle = VehicleFactory()
    at = minutes_ago(3)
    fields = {"latitude": Decimal("8.9"), "longitude": Decimal("-79.5"), "reported_at": at, "note": "n"}
    first, first_replayed = report(vehicle, "e-1", S.EN_ROUTE, **fields)
    # meanwhile the vehicle moved on; the repeat must neither fail on the transition nor move it back
    report(vehicle, "e-2", S.AT_PICKUP, reported_at=minutes_ago(2))
    again, again_replayed = report(vehicle, "e-1", S.EN_ROUTE, **fields)
    assert (first_replayed, again_replayed) == (False, True)
    assert again.pk == first.pk and again.outcome == StatusOutcome.APPLIED
    assert VehicleStatusEvent.objects.filter(vehicle=vehicle, event_id="e-1").count() == 1
    assert VehicleStatusEvent.objects.count() == 2
    vehicle.refresh_from_db()
    assert vehicle.status == S.AT_PICKUP


@pytest.mark.django_db
def test_repeat_of_an_event_id_without_its_timestamp_is_the_same_update():
    vehicle = VehicleFactory()
    first, _ = report(vehicle, "e-1", S.EN_ROUTE)
    again, replayed = report(vehicle, "e-1", S.EN_ROUTE)
    assert replayed is True and again.pk == first.pk
    assert VehicleStatusEvent.objects.count() == 1


@pytest.mark.django_db
def test_the_same_event_id_on_another_vehicle_is_another_update():
    one, two = VehicleFactory(), VehicleFactory()
    report(one, "e-1", S.EN_ROUTE)
    _, replayed = report(two, "e-1", S.DELAYED)
    assert replayed is False
    assert VehicleStatusEvent.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changed",
    [
        {"status": S.DELAYED},
        {"latitude": Decimal("8.900001")},
        {"latitude": None, "longitude": None},
        {"note": "another note"},
        {"reported_at_shift": timedelta(seconds=1)},
        {"accuracy_m": Decimal("50.0")},
    ],
    ids=["status", "latitude", "no position", "note", "timestamp", "accuracy"],
)
def test_an_event_id_reused_for_another_update_is_refused(changed):
    vehicle = VehicleFactory()
    at = minutes_ago(3)
    original = {
        "status": S.EN_ROUTE,
        "latitude": Decimal("8.9"),
        "longitude": Decimal("-79.5"),
        "accuracy_m": Decimal("10.0"),
        "reported_at": at,
        "note": "n",
    }
    report(vehicle, "e-1", **original)
    changed = dict(changed)
    shift = changed.pop("reported_at_shift", None)
    other = {**original, **changed}
    if shift:
        other["reported_at"] = at + shift
    with pytest.raises(Refused, match="The event id e-1 was already used for a different update") as refusal:
        report(vehicle, "e-1", **other)
    assert refusal.value.field == "event_id" and not isinstance(refusal.value, Invalid)
    assert VehicleStatusEvent.objects.count() == 1
    vehicle.refresh_from_db()
    assert vehicle.status == S.EN_ROUTE


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "wanted"), ALLOWED, ids=[pair_id(p) for p in ALLOWED])
def test_an_allowed_transition_is_applied(current, wanted):
    vehicle = VehicleFactory(status=current)
    event, _ = report(vehicle, "e-1", wanted)
    assert (event.previous_status, event.resulting_status, event.outcome) == (current, wanted, StatusOutcome.APPLIED)
    vehicle.refresh_from_db()
    assert vehicle.status == wanted


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "wanted"), ILLEGAL, ids=[pair_id(p) for p in ILLEGAL])
def test_an_illegal_transition_is_refused_and_nothing_is_recorded(current, wanted):
    vehicle = VehicleFactory(status=current)
    at = minutes_ago(1)
    with pytest.raises(Refused, match=f"is {current} and cannot become {wanted}") as refusal:
        report(vehicle, "e-1", wanted, latitude=Decimal("8.9"), longitude=Decimal("-79.5"), reported_at=at)
    assert not isinstance(refusal.value, Invalid) and refusal.value.field == "status"
    assert ", ".join(sorted(TRANSITIONS[current])) in refusal.value.message
    assert not VehicleStatusEvent.objects.exists()
    assert not ScheduleRun.objects.exists()
    vehicle.refresh_from_db()
    assert vehicle.status == current
    assert vehicle.status_reported_at is None and vehicle.last_position_at is None and vehicle.last_latitude is None


def test_every_status_has_transitions_and_the_illegal_ones_are_tested():
    assert set(TRANSITIONS) == set(S.values)
    assert len(ALLOWED) + len(ILLEGAL) == len(S.values) * (len(S.values) - 1)
    assert ILLEGAL  # the table does refuse something
    assert all(status not in TRANSITIONS[status] for status in S.values)  # a repeat is allowed separately


@pytest.mark.django_db
@pytest.mark.parametrize("status", S.values)
def test_reporting_the_current_status_again_updates_the_position(status):
    vehicle = VehicleFactory(status=status)
    at = minutes_ago(1)
    event, _ = report(vehicle, "e-1", status, latitude=Decimal("9.1"), longitude=Decimal("-79.4"), reported_at=at)
    assert (event.previous_status, event.resulting_status, event.outcome) == (status, status, StatusOutcome.APPLIED)
    vehicle.refresh_from_db()
    assert vehicle.status == status and vehicle.status_reported_at == at
    assert (vehicle.last_latitude, vehicle.last_longitude, vehicle.last_position_at) == (
        Decimal("9.1"),
        Decimal("-79.4"),
        at,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "late_status",
    [S.AT_PICKUP, S.PASSENGERS_ON_BOARD, S.OUT_OF_SERVICE],
    ids=["legal", "illegal", "out of service"],
)
def test_an_update_older_than_the_last_applied_one_is_recorded_as_stale_and_changes_nothing(late_status):
    vehicle = VehicleFactory()
    applied_at = minutes_ago(1)
    report(vehicle, "e-1", S.EN_ROUTE, latitude=Decimal("8.9"), longitude=Decimal("-79.5"), reported_at=applied_at)
    runs_before = ScheduleRun.objects.count()
    stale, replayed = report(
        vehicle, "e-0", late_status, latitude=Decimal("9.5"), longitude=Decimal("-78.0"), reported_at=minutes_ago(2)
    )
    assert replayed is False
    assert stale.outcome == StatusOutcome.STALE
    assert (stale.status, stale.previous_status, stale.resulting_status) == (late_status, S.EN_ROUTE, S.EN_ROUTE)
    assert (stale.latitude, stale.longitude) == (Decimal("9.5"), Decimal("-78.0"))
    vehicle.refresh_from_db()
    assert vehicle.status == S.EN_ROUTE and vehicle.status_reported_at == applied_at
    assert (vehicle.last_latitude, vehicle.last_longitude, vehicle.last_position_at) == (
        Decimal("8.9"),
        Decimal("-79.5"),
        applied_at,
    )
    assert ScheduleRun.objects.count() == runs_before
    assert VehicleStatusEvent.objects.filter(vehicle=vehicle).count() == 2


@pytest.mark.django_db
def test_an_update_as_old_as_the_last_applied_one_is_applied():
    vehicle = VehicleFactory()
    at = minutes_ago(1)
    report(vehicle, "e-1", S.EN_ROUTE, reported_at=at)
    event, _ = report(vehicle, "e-2", S.AT_PICKUP, reported_at=at)
    assert event.outcome == StatusOutcome.APPLIED
    vehicle.refresh_from_db()
    assert vehicle.status == S.AT_PICKUP


@pytest.mark.django_db
def test_a_timestamp_more_than_five_minutes_ahead_is_refused():
    vehicle = VehicleFactory()
    with pytest.raises(Invalid, match="more than 0:05:00 ahead of the server's clock") as refusal:
        report(vehicle, "e-1", S.EN_ROUTE, reported_at=timezone.now() + timedelta(minutes=6))
    assert refusal.value.field == "timestamp"
    assert not VehicleStatusEvent.objects.exists()
    vehicle.refresh_from_db()
    assert vehicle.status == S.AVAILABLE and vehicle.status_reported_at is None


@pytest.mark.django_db
def test_a_clock_a_little_ahead_is_accepted():
    vehicle = VehicleFactory()
    event, _ = report(vehicle, "e-1", S.EN_ROUTE, reported_at=timezone.now() + timedelta(minutes=4))
    assert event.outcome == StatusOutcome.APPLIED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "position",
    [{"latitude": Decimal("8.9")}, {"longitude": Decimal("-79.5")}],
    ids=["latitude alone", "longitude alone"],
)
def test_half_a_position_is_refused(position):
    vehicle = VehicleFactory()
    with pytest.raises(Invalid, match="Send latitude and longitude together, or neither"):
        report(vehicle, "e-1", S.EN_ROUTE, **position)
    assert not VehicleStatusEvent.objects.exists()
    vehicle.refresh_from_db()
    assert vehicle.status == S.AVAILABLE


# What a status change does to the schedule


@pytest.mark.django_db
def test_going_out_of_service_and_coming_back_recompute_the_schedule(
    small_conference, django_capture_on_commit_callbacks
):
    vehicle = small_conference.vehicles.get(callsign="VAN-02")
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        report(vehicle, "e-1", S.OUT_OF_SERVICE, reported_at=minutes_ago(2), user=user)
    run = ScheduleRun.objects.get(conference=small_conference)
    assert run.trigger == "vehicle VAN-02 out of service" and run.triggered_by == user
    assert run.status == RunStatus.SUCCEEDED, run.error  # no broker in tests: the recompute ran in-process
    cars = {car.callsign: car for car in scheduling_scenario(conference=small_conference).cars}
    assert cars["VAN-02"].out_of_service  # kept for the trips it had started; nothing new is given to it

    with django_capture_on_commit_callbacks(execute=True):
        report(vehicle, "e-2", S.AVAILABLE, reported_at=minutes_ago(1))
    back = ScheduleRun.objects.filter(conference=small_conference).exclude(pk=run.pk).get()
    assert back.trigger == "vehicle VAN-02 back in service"
    assert back.status == RunStatus.SUCCEEDED, back.error
    cars = {car.callsign: car for car in scheduling_scenario(conference=small_conference).cars}
    assert not cars["VAN-02"].out_of_service


@pytest.mark.django_db
def test_other_status_changes_and_positions_do_not_recompute_the_schedule(
    small_conference, django_capture_on_commit_callbacks
):
    vehicle = small_conference.vehicles.get(callsign="VAN-01")
    steps = [S.EN_ROUTE, S.AT_PICKUP, S.PASSENGERS_ON_BOARD, S.DELAYED, S.RETURNING, S.AVAILABLE, S.AVAILABLE]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for number, status in enumerate(steps):
            report(
                vehicle,
                f"e-{number}",
                status,
                latitude=Decimal("8.9") + Decimal(number) / 100,
                longitude=Decimal("-79.5"),
                reported_at=minutes_ago(10 - number),
            )
        report(vehicle, "e-stale", S.OUT_OF_SERVICE, reported_at=minutes_ago(30))  # stale: not applied
    assert callbacks == []
    assert not ScheduleRun.objects.exists()
    vehicle.refresh_from_db()
    assert vehicle.status == S.AVAILABLE and vehicle.last_latitude == Decimal("8.96")


# Concurrency: PostgreSQL only (SQLite has no row locks and serialises whole transactions)

N_THREADS = 8


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(
            f"concurrent status updates need PostgreSQL's row locks; this run uses {connection.vendor} (run make test)"
        )


def run_in_threads(calls):
    """Start every call at the same moment, each in its own thread with its own connection; return the results
    and the exceptions, in the order of `calls`."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list = [None] * len(calls)

    def work(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:
            errors[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a status update hung"
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_updates_of_one_vehicle_are_all_recorded_and_the_newest_wins():
    needs_postgresql()
    # en_route, at_pickup and delayed can each follow any other, so whichever order the updates take is legal
    cycle = [S.AT_PICKUP, S.DELAYED, S.EN_ROUTE]
    vehicle = VehicleFactory(status=S.EN_ROUTE)
    start = minutes_ago(10)
    updates = [
        {
            "event_id": f"e-{i}",
            "status": cycle[i % len(cycle)],
            "latitude": Decimal("8.900000") + Decimal(i) / 1000,
            "longitude": Decimal("-79.500000"),
            "reported_at": start + timedelta(seconds=i),
        }
        for i in range(N_THREADS)
    ]
    shuffled = updates[:]
    random.Random(20261207).shuffle(shuffled)
    calls = [lambda update=update: vehicle_status_report(vehicle_id=vehicle.pk, **update) for update in shuffled]

    results, errors = run_in_threads(calls)

    assert errors == [None] * N_THREADS
    assert all(replayed is False for _, replayed in results)
    events = list(VehicleStatusEvent.objects.filter(vehicle=vehicle).order_by("pk"))  # the order they took the lock
    assert sorted(e.event_id for e in events) == sorted(u["event_id"] for u in updates)
    # replay the recorded order: each update saw the vehicle as the ones before it left it
    status, last_applied = S.EN_ROUTE, None
    for event in events:
        stale = last_applied is not None and event.reported_at < last_applied
        assert event.outcome == (StatusOutcome.STALE if stale else StatusOutcome.APPLIED), event.event_id
        assert event.previous_status == status, event.event_id
        if not stale:
            status, last_applied = event.status, event.reported_at
        assert event.resulting_status == status
    newest = updates[-1]
    vehicle.refresh_from_db()
    assert vehicle.status == newest["status"] == status
    assert vehicle.status_reported_at == newest["reported_at"] == last_applied
    assert (vehicle.last_latitude, vehicle.last_longitude) == (newest["latitude"], newest["longitude"])
    assert vehicle.last_position_at == newest["reported_at"]


@pytest.mark.django_db(transaction=True)
def test_the_same_event_sent_concurrently_is_recorded_once():
    needs_postgresql()
    vehicle = VehicleFactory()
    update = {
        "event_id": "retry-1",
        "status": S.EN_ROUTE,
        "latitude": Decimal("8.9"),
        "longitude": Decimal("-79.5"),
        "reported_at": minutes_ago(1),
    }
    calls = [lambda: vehicle_status_report(vehicle_id=vehicle.pk, **update)] * N_THREADS

    results, errors = run_in_threads(calls)

    assert errors == [None] * N_THREADS  # in particular no IntegrityError
    event = VehicleStatusEvent.objects.get(vehicle=vehicle)
    assert {e.pk for e, _ in results} == {event.pk}
    assert {(e.event_id, e.status, e.outcome) for e, _ in results} == {("retry-1", S.EN_ROUTE, StatusOutcome.APPLIED)}
    assert sorted(replayed for _, replayed in results) == [False] + [True] * (N_THREADS - 1)
    vehicle.refresh_from_db()
    assert vehicle.status == S.EN_ROUTE and vehicle.status_reported_at == update["reported_at"]
