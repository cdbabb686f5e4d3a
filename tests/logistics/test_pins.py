"""Pins: an organizer puts a leg of the published schedule in a vehicle (optionally at a fixed pickup time); what is
refused and why, replacing and removing, and the recompute each change asks for."""

from datetime import UTC, datetime, timedelta

import pytest

from conference.errors import Invalid, Refused
from logistics.models import Pin, RunStatus, ScheduleRun
from logistics.run_reasons import trigger
from logistics.selectors.pins import (
    INFEASIBLE,
    KEPT,
    WAITING,
    pin_outcomes,
    pin_problem_english,
    pin_row,
    vehicles_able_to_carry,
)
from logistics.services.pins import pin_create, pin_delete
from tests.factories import (
    MORNING,
    ConferenceFactory,
    DelegateFactory,
    MovementFactory,
    ResourceRequestFactory,
    ScheduleVersionFactory,
    UserFactory,
    VehicleFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

# the movement's pickup window: 08:00 to 08:20 in Panama (UTC-5), see MovementFactory
EARLIEST, LATEST = MORNING - timedelta(hours=1), MORNING - timedelta(minutes=40)


@pytest.fixture
def conference():
    return ConferenceFactory(code="CASC")


@pytest.fixture
def version(conference):
    return ScheduleVersionFactory(conference=conference, is_current=True)


@pytest.fixture
def depot(conference):
    return VenueFactory(conference=conference, kind="depot")


@pytest.fixture
def van(conference, depot):
    return VehicleFactory(conference=conference, callsign="VAN-01", depot=depot)


@pytest.fixture
def armoured(conference, depot):
    return VehicleFactory(
        conference=conference, callsign="ARM-01", kind="armoured_suv", seats=3, armoured=True, depot=depot
    )


@pytest.fixture
def accessible(conference, depot):
    return VehicleFactory(conference=conference, callsign="ACC-01", seats=4, accessible=True, depot=depot)


@pytest.fixture
def movement(version):
    delegate = DelegateFactory(conference=version.conference, external_id="D0001", given_name="Ana")
    return MovementFactory(version=version, delegate=delegate, code="D0001#to:S12")


@pytest.fixture
def organizer():
    return UserFactory()


def queued_triggers(conference) -> list[dict]:
    run = ScheduleRun.objects.get(conference=conference, status=RunStatus.QUEUED)
    return run.triggers


# Setting a pin


def test_a_pin_puts_the_movement_in_the_vehicle_and_asks_for_a_recompute(conference, movement, van, organizer):
    pin = pin_create(conference=conference, movement="D0001#to:S12", vehicle="VAN-01", user=organizer)
    assert Pin.objects.get() == pin
    assert (pin.movement, pin.vehicle, pin.delegate, pin.pickup_at) == ("D0001#to:S12", van, movement.delegate, None)
    assert pin.created_by == organizer and pin.conference == conference
    run = ScheduleRun.objects.get(conference=conference)
    assert run.status == RunStatus.QUEUED and run.triggered_by == organizer
    assert run.triggers == [trigger("pin_set", movement="D0001#to:S12", vehicle="VAN-01")]
    assert run.trigger == "D0001#to:S12 pinned to vehicle VAN-01"


def test_a_naive_pickup_time_is_the_conferences_local_time(conference, movement, van):
    pin = pin_create(
        conference=conference, movement=movement.code, vehicle="VAN-01", pickup_at=datetime(2026, 12, 7, 8, 10)
    )
    assert pin.pickup_at == datetime(2026, 12, 7, 13, 10, tzinfo=UTC)


def test_an_aware_pickup_time_is_kept_as_the_moment_it_names(conference, movement, van):
    pin = pin_create(conference=conference, movement=movement.code, vehicle="VAN-01", pickup_at=EARLIEST)
    assert pin.pickup_at == EARLIEST
    pin = pin_create(conference=conference, movement=movement.code, vehicle="VAN-01", pickup_at=LATEST)
    assert pin.pickup_at == LATEST  # both ends of the window are in it


def test_pinning_again_replaces_the_movements_pin(conference, movement, van, armoured):
    first = pin_create(conference=conference, movement=movement.code, vehicle="VAN-01")
    second = pin_create(conference=conference, movement=movement.code, vehicle="ARM-01", pickup_at=LATEST)
    assert Pin.objects.count() == 1 and second.pk == first.pk
    stored = Pin.objects.get()
    assert (stored.vehicle, stored.pickup_at) == (armoured, LATEST)
    assert queued_triggers(conference) == [  # the changes of a burst share one queued run
        trigger("pin_set", movement=movement.code, vehicle="VAN-01"),
        trigger("pin_set", movement=movement.code, vehicle="ARM-01"),
    ]


def test_setting_the_same_pin_again_changes_nothing(conference, movement, van):
    first = pin_create(conference=conference, movement=movement.code, vehicle="VAN-01", pickup_at=EARLIEST)
    ScheduleRun.objects.all().delete()
    again = pin_create(conference=conference, movement=movement.code, vehicle="VAN-01", pickup_at=EARLIEST)
    assert again.pk == first.pk and again.created_at == first.created_at
    assert not ScheduleRun.objects.exists()


def test_a_ride_request_is_pinned_without_a_delegate(conference, version, depot):
    request = ResourceRequestFactory(
        conference=conference, kind="vehicle", from_venue=depot, to_venue=VenueFactory(conference=conference), seats=6
    )
    ride = MovementFactory(
        version=version,
        delegate=None,
        request=request,
        kind="request",
        from_venue=depot,
        seats=6,
        code=f"REQ-{request.pk}",
    )
    VehicleFactory(conference=conference, callsign="BUS-01", seats=40, depot=depot)
    pin = pin_create(conference=conference, movement=ride.code, vehicle="BUS-01")
    assert pin.delegate is None and pin.vehicle.callsign == "BUS-01"


# What is refused


def test_a_conference_without_a_published_schedule_has_nothing_to_pin(conference, van):
    with pytest.raises(Invalid) as refused:
        pin_create(conference=conference, movement="D0001#arrival", vehicle="VAN-01")
    assert refused.value.field == "movement" and "no published schedule" in refused.value.message


def test_an_unknown_movement_is_refused(conference, movement, van):
    with pytest.raises(Invalid) as refused:
        pin_create(conference=conference, movement="D0001#arrival", vehicle="VAN-01")
    assert refused.value.field == "movement" and "D0001#arrival" in refused.value.message
    assert not Pin.objects.exists() and not ScheduleRun.objects.exists()


def test_a_movement_of_an_earlier_version_only_is_refused(conference, version, van):
    old = ScheduleVersionFactory(conference=conference, is_current=False)
    MovementFactory(version=old, code="D0009#arrival")
    with pytest.raises(Invalid) as refused:
        pin_create(conference=conference, movement="D0009#arrival", vehicle="VAN-01")
    assert refused.value.field == "movement"


def test_a_movement_of_another_conference_is_refused(conference, version, van):
    other = ScheduleVersionFactory(conference=ConferenceFactory(code="OTHER"), is_current=True)
    MovementFactory(version=other, code="D0009#arrival")
    with pytest.raises(Invalid) as refused:
        pin_create(conference=conference, movement="D0009#arrival", vehicle="VAN-01")
    assert refused.value.field == "movement"


def test_an_unknown_vehicle_is_refused(conference, movement):
    VehicleFactory(conference=ConferenceFactory(code="OTHER"), callsign="VAN-07")
    for callsign in ("NOPE", "VAN-07"):  # a vehicle of another conference is unknown here
        with pytest.raises(Invalid) as refused:
            pin_create(conference=conference, movement=movement.code, vehicle=callsign)
        assert refused.value.field == "vehicle" and callsign in refused.value.message


def test_a_vehicle_out_of_service_is_refused(conference, movement, van):
    van.status = "out_of_service"
    van.save()
    ScheduleRun.objects.all().delete()  # the vehicle's save asked for one
    with pytest.raises(Refused) as refused:
        pin_create(conference=conference, movement=movement.code, vehicle="VAN-01")
    assert not isinstance(refused.value, Invalid) and refused.value.status == 409
    assert refused.value.field == "vehicle" and "out of service" in refused.value.message
    assert not Pin.objects.exists() and not ScheduleRun.objects.exists()


def test_a_vip_rides_only_in_an_armoured_vehicle(conference, movement, van, armoured):
    movement.delegate.vip = True
    movement.delegate.save()
    with pytest.raises(Invalid) as refused:
        pin_create(conference=conference, movement=movement.code, vehicle="VAN-01")
    assert refused.value.field == "vehicle" and "armoured" in refused.value.message
    assert pin_create(conference=conference, movement=movement.code, vehicle="ARM-01").vehicle == armoured


def test_a_delegate_who_needs_an_accessible_vehicle_gets_one(conference, movement, van, accessible):
    movement.delegate.accessible_vehicle = True
    movement.delegate.save()
    with pytest.raises(Invalid) as refused:
        pin_create(conference=conference, movement=movement.code, vehicle="VAN-01")
    assert refused.value.field == "vehicle" and "accessible" in refused.value.message
    assert pin_create(conference=conference, movement=movement.code, vehicle="ACC-01").vehicle == accessible


def test_a_ride_request_needs_enough_seats(conference, version, depot, armoured):
    request = ResourceRequestFactory(
        conference=conference, kind="vehicle", from_venue=depot, to_venue=VenueFactory(conference=conference), seats=5
    )
    ride = MovementFactory(
        version=version,
        delegate=None,
        request=request,
        kind="request",
        from_venue=depot,
        seats=5,
        code=f"REQ-{request.pk}",
    )
    with pytest.raises(Invalid) as refused:
        pin_create(conference=conference, movement=ride.code, vehicle="ARM-01")
    assert refused.value.field == "vehicle" and "5 seats" in refused.value.message and "has 3" in refused.value.message


@pytest.mark.parametrize(
    "pickup_at",
    [EARLIEST - timedelta(minutes=1), LATEST + timedelta(minutes=1), datetime(2026, 12, 7, 7, 59)],
    ids=["before", "after", "naive-before"],
)
def test_a_pickup_time_outside_the_pickup_window_is_refused(conference, movement, van, pickup_at):
    with pytest.raises(Invalid) as refused:
        pin_create(conference=conference, movement=movement.code, vehicle="VAN-01", pickup_at=pickup_at)
    assert refused.value.field == "pickup_at"
    assert "2026-12-07 08:00" in refused.value.message and "2026-12-07 08:20" in refused.value.message
    assert not Pin.objects.exists()


def test_a_pickup_time_without_an_equivalent_in_utc_is_refused(conference, movement, van):
    from datetime import timezone as tz

    with pytest.raises(Invalid) as refused:
        pin_create(
            conference=conference,
            movement=movement.code,
            vehicle="VAN-01",
            pickup_at=datetime(1, 1, 1, tzinfo=tz(timedelta(hours=5))),
        )
    assert refused.value.field == "pickup_at"


# Removing a pin


def test_removing_a_pin_by_id_asks_for_a_recompute(conference, movement, van, organizer):
    pin = pin_create(conference=conference, movement=movement.code, vehicle="VAN-01")
    ScheduleRun.objects.all().delete()
    removed = pin_delete(conference=conference, pin_id=pin.pk, user=organizer)
    assert removed.movement == movement.code and not Pin.objects.exists()
    run = ScheduleRun.objects.get(conference=conference)
    assert run.triggers == [trigger("pin_removed", movement=movement.code, vehicle="VAN-01")]
    assert run.triggered_by == organizer and run.trigger == f"pin of {movement.code} to vehicle VAN-01 removed"


def test_removing_a_pin_by_movement(conference, movement, van):
    pin_create(conference=conference, movement=movement.code, vehicle="VAN-01")
    pin_delete(conference=conference, movement=movement.code)
    assert not Pin.objects.exists()


def test_removing_a_missing_pin_or_another_conferences_pin_raises_does_not_exist(conference, movement, van):
    pin = pin_create(conference=conference, movement=movement.code, vehicle="VAN-01")
    with pytest.raises(Pin.DoesNotExist):
        pin_delete(conference=ConferenceFactory(code="OTHER"), pin_id=pin.pk)
    with pytest.raises(Pin.DoesNotExist):
        pin_delete(conference=conference, movement="D0001#arrival")
    assert Pin.objects.count() == 1


def test_removing_needs_the_pins_id_or_its_movement(conference):
    with pytest.raises(Invalid):
        pin_delete(conference=conference)
    with pytest.raises(Invalid):
        pin_delete(conference=conference, pin_id=1, movement="D0001#arrival")


# What the published version made of the pins (logistics.selectors.pins)


def test_vehicles_able_to_carry_a_movement(conference, movement, van, armoured, accessible, depot):
    VehicleFactory(conference=conference, callsign="VAN-02", status="out_of_service", depot=depot)
    assert [v.callsign for v in vehicles_able_to_carry(conference=conference, movement=movement)] == [
        "ACC-01",
        "ARM-01",
        "VAN-01",
    ]
    movement.delegate.vip = True
    assert [v.callsign for v in vehicles_able_to_carry(conference=conference, movement=movement)] == ["ARM-01"]
    movement.delegate.vip, movement.delegate.accessible_vehicle = False, True
    assert [v.callsign for v in vehicles_able_to_carry(conference=conference, movement=movement)] == ["ACC-01"]


def test_a_pins_state_follows_the_published_versions_metrics(conference, version, movement, van, depot):
    other = MovementFactory(version=version, code="D0002#arrival")
    kept = pin_create(conference=conference, movement=movement.code, vehicle="VAN-01")
    infeasible = pin_create(conference=conference, movement=other.code, vehicle="VAN-01")
    problem = {"movement": other.code, "vehicle": "VAN-01", "code": "pin_infeasible", "params": {"why": "too late"}}
    version.metrics = {"pins": {"kept": [movement.code], "infeasible": [problem]}}
    version.computed_at = kept.created_at + timedelta(seconds=5)
    version.save()
    assert pin_outcomes(version=version).state(kept) == KEPT
    row = pin_row(pin=infeasible)
    assert row.state == INFEASIBLE and row.problem == problem
    version.computed_at = kept.created_at - timedelta(seconds=5)  # the pins came after the version
    version.save()
    assert pin_row(pin=kept).state == WAITING and pin_row(pin=infeasible).state == WAITING
    assert pin_outcomes(version=None).state(kept) == WAITING


def test_a_pin_problem_in_english_does_not_depend_on_the_reason_being_known():
    assert pin_problem_english({"code": "some_new_reason", "params": {"why": "VAN-01 is busy"}}) == "VAN-01 is busy"
    assert pin_problem_english({"code": "some_new_reason", "params": {}}) == "some_new_reason"
    nested = {"code": "x", "params": {"why": {"code": "no_vehicle_free", "params": {"needs": []}}}}
    assert pin_problem_english(nested) == "no vehicle free in time"
