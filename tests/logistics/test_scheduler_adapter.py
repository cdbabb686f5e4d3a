"""The adapter's vehicles: a vehicle serves within its availability narrowed to its driver's shift, and the shift is
part of the run's inputs (its fingerprint)."""

from datetime import timedelta

import pytest

from logistics.models import RunStatus, StopPassenger, Trip
from logistics.scheduler_adapter import scheduling_problem, scheduling_scenario
from logistics.services.schedule import schedule_recompute
from tests.factories import MORNING, DriverFactory

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def car(conference, callsign: str):
    return {car.callsign: car for car in scheduling_scenario(conference=conference).cars}[callsign]


def window(conference, callsign: str):
    found = car(conference, callsign)
    return found.available_from, found.available_until


@pytest.fixture
def van(small_conference):
    """VAN-01, available from 06:00 to 20:00 on the morning's day."""
    vehicle = small_conference.vehicles.get(callsign="VAN-01")
    vehicle.available_from, vehicle.available_until = MORNING - 3 * HOUR, MORNING + 11 * HOUR
    vehicle.save()
    return vehicle


def test_a_vehicle_without_a_driver_keeps_its_availability(small_conference, van):
    assert window(small_conference, "VAN-01") == (MORNING - 3 * HOUR, MORNING + 11 * HOUR)


def test_a_driver_without_a_shift_leaves_the_availability_alone(small_conference, van):
    DriverFactory(conference=small_conference, vehicle=van)
    assert window(small_conference, "VAN-01") == (MORNING - 3 * HOUR, MORNING + 11 * HOUR)


@pytest.mark.parametrize(
    ("shift", "expected"),
    [
        ((-2, 8), (-2, 8)),  # within the availability: the shift
        ((-5, 13), (-3, 11)),  # wider: the availability
        ((-5, 8), (-3, 8)),  # starts earlier, ends earlier: the later start, the earlier end
        ((-2, None), (-2, 11)),  # only a start: the availability's end
        ((None, 8), (-3, 8)),  # only an end: the availability's start
    ],
)
def test_the_narrower_of_availability_and_shift_bounds_the_car(small_conference, van, shift, expected):
    starts, ends = (None if hours is None else MORNING + hours * HOUR for hours in shift)
    DriverFactory(conference=small_conference, vehicle=van, shift_from=starts, shift_until=ends)
    assert window(small_conference, "VAN-01") == tuple(MORNING + hours * HOUR for hours in expected)


def test_a_vehicle_with_no_availability_serves_its_drivers_shift(small_conference):
    vehicle = small_conference.vehicles.get(callsign="VAN-02")
    assert window(small_conference, "VAN-02") == (None, None)
    DriverFactory(conference=small_conference, vehicle=vehicle, shift_from=MORNING - HOUR, shift_until=MORNING + HOUR)
    assert window(small_conference, "VAN-02") == (MORNING - HOUR, MORNING + HOUR)


def test_a_driver_without_a_vehicle_changes_no_car(small_conference, van):
    before = scheduling_scenario(conference=small_conference).cars
    DriverFactory(conference=small_conference, shift_from=MORNING, shift_until=MORNING + HOUR)
    assert scheduling_scenario(conference=small_conference).cars == before


def test_the_input_hash_changes_with_the_drivers_shift_and_not_with_the_phone(small_conference, van):
    driver = DriverFactory(conference=small_conference, vehicle=van)
    _prepared, no_shift = scheduling_problem(conference=small_conference)
    driver.shift_from, driver.shift_until = MORNING - 2 * HOUR, MORNING + 8 * HOUR
    driver.save()
    _prepared, shift = scheduling_problem(conference=small_conference)
    assert shift != no_shift
    driver.shift_until = MORNING + 7 * HOUR
    driver.save()
    _prepared, shorter = scheduling_problem(conference=small_conference)
    assert shorter not in (shift, no_shift)
    driver.phone, driver.name = "+507 6999-9999", "Someone Else"
    driver.save()
    assert scheduling_problem(conference=small_conference)[1] == shorter


def test_a_vehicle_is_not_planned_outside_its_drivers_shift(small_conference):
    """The armoured car's driver goes home before the plenary: the VIP cannot be carried, and is listed unserved."""
    armoured = small_conference.vehicles.get(callsign="ARM-01")
    DriverFactory(
        conference=small_conference, vehicle=armoured, shift_from=MORNING - 6 * HOUR, shift_until=MORNING - 4 * HOUR
    )
    run = schedule_recompute(conference_id=small_conference.pk)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.metrics["movements"] == 6 and run.metrics["served"] == 4
    assert not Trip.objects.filter(vehicle=armoured).exists()
    assert not StopPassenger.objects.filter(movement__delegate__external_id="D1").exists()
