from datetime import timedelta
from decimal import Decimal

import pytest

from tests.dbchecks import assert_refused
from tests.factories import (
    MORNING,
    MovementFactory,
    ResourceRequestFactory,
    ScheduleRunFactory,
    ScheduleVersionFactory,
    StopFactory,
    StopPassengerFactory,
    TripFactory,
    VehicleFactory,
)

pytestmark = pytest.mark.django_db


def test_vehicle_callsigns_are_unique_within_a_conference():
    vehicle = VehicleFactory(callsign="ARM-01")
    VehicleFactory(callsign="ARM-01")
    assert_refused(VehicleFactory, conference=vehicle.conference, callsign="ARM-01")


@pytest.mark.parametrize(
    "fields",
    [
        {"seats": 0},
        {"kind": "tank"},
        {"status": "lost"},
        {"available_from": MORNING, "available_until": MORNING},
        {"last_latitude": Decimal("8.9"), "last_longitude": Decimal("-79.5")},  # no time of fix
        {"last_latitude": Decimal("95"), "last_longitude": Decimal("-79.5"), "last_position_at": MORNING},
        {"last_latitude": Decimal("8.9"), "last_longitude": Decimal("-181"), "last_position_at": MORNING},
    ],
)
def test_vehicle_bad_values_are_refused(fields):
    assert_refused(VehicleFactory, **fields)


def test_vehicle_with_a_full_position_is_kept():
    vehicle = VehicleFactory(last_latitude=Decimal("8.97"), last_longitude=Decimal("-79.54"), last_position_at=MORNING)
    assert vehicle.status == "available"


@pytest.mark.parametrize(
    "fields",
    [
        {"window_end": MORNING},
        {"seats": 0},
        {"kind": "helicopter"},
        {"status": "maybe"},
        {"kind": "vehicle"},  # a vehicle request needs from and to
        {"status": "approved"},  # a decision needs its time
    ],
)
def test_resource_request_bad_values_are_refused(fields):
    assert_refused(ResourceRequestFactory, **fields)


def test_only_one_schedule_version_is_current_per_conference():
    current = ScheduleVersionFactory(is_current=True)
    ScheduleVersionFactory(conference=current.conference, is_current=False)
    ScheduleVersionFactory(is_current=True)  # another conference
    assert_refused(ScheduleVersionFactory, conference=current.conference, is_current=True)
    assert_refused(ScheduleVersionFactory, conference=current.conference, number=current.number)


def test_schedule_run_progress_is_a_percentage():
    assert_refused(ScheduleRunFactory, progress=101)
    assert_refused(ScheduleRunFactory, started_at=MORNING, finished_at=MORNING - timedelta(seconds=1))


def test_movement_must_change_place_and_have_an_ordered_window():
    movement = MovementFactory()
    assert_refused(
        MovementFactory, version=movement.version, to_venue=movement.from_venue, from_venue=movement.from_venue
    )
    assert_refused(MovementFactory, version=movement.version, latest_dropoff=movement.earliest_pickup)


def test_trip_and_stop_times_are_ordered_and_sequences_unique():
    trip = TripFactory()
    assert_refused(TripFactory, version=trip.version, code=trip.code)
    assert_refused(TripFactory, starts_at=MORNING, ends_at=MORNING - timedelta(minutes=1))
    stop = StopFactory(trip=trip, sequence=1)
    assert_refused(StopFactory, trip=trip, sequence=1)
    assert_refused(
        StopFactory, trip=trip, sequence=2, arrive_at=stop.arrive_at, depart_at=stop.arrive_at - timedelta(minutes=1)
    )


def test_a_movement_boards_and_alights_once():
    boarding = StopPassengerFactory()
    assert_refused(StopPassengerFactory, stop=boarding.stop, movement=boarding.movement, action="board")
    StopPassengerFactory(stop=boarding.stop, movement=boarding.movement, action="alight")
