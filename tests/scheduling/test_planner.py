"""The whole scheduler on small hand-made cases, each result checked by the independent validator."""

from collections import defaultdict

import pytest

from scheduling.planner import plan
from scheduling.validate import validate
from tests.scheduling.builders import at, car, person, scenario


def riders_by_vehicle(schedule):
    movements = {m.id: m for m in schedule.movements}
    riders = defaultdict(set)
    for trip in schedule.trips:
        for stop in trip.stops:
            for movement_id in stop.board:
                riders[trip.vehicle].add(movements[movement_id].passenger)
    return riders


def planned(people, cars, **kwargs):
    world = scenario(people, cars, **kwargs)
    schedule = plan(world)
    assert validate(world, schedule) == []
    return schedule


def test_vip_rides_armoured_and_never_with_another_delegation():
    schedule = planned(
        [person("V1", "PA", vip=True), person("N1", "CR"), person("N2", "CR")],
        [car("VAN-01"), car("ARM-01", seats=3, armoured=True)],
    )
    assert schedule.metrics["served"] == schedule.metrics["movements"] == 6
    assert "V1" in riders_by_vehicle(schedule)["ARM-01"]
    assert "V1" not in riders_by_vehicle(schedule)["VAN-01"]


def test_separate_transport_delegation_gets_a_vehicle_of_its_own():
    schedule = planned([person("S1", "US", separate=True), person("N1", "CR")], [car("VAN-01"), car("VAN-02")])
    assert schedule.metrics["served"] == 4  # and the validator found nobody riding with S1


def test_groups_are_cut_to_the_seats_of_the_vehicles():
    people = [person(f"P{i}") for i in range(6)]
    schedule = planned(people, [car("SUV-01", seats=4), car("SUV-02", seats=4)])
    assert schedule.metrics["served"] == 12  # in groups of at most four, as the validator confirmed


def test_accessible_need_is_served_only_by_an_accessible_vehicle_or_listed():
    schedule = planned([person("A1", accessible=True)], [car("VAN-01")])
    assert schedule.metrics["served"] == 0
    assert {u.reason for u in schedule.unserved} == {"no accessible vehicle with 1 seats in the fleet that day"}
    schedule = planned([person("A1", accessible=True)], [car("VAN-01"), car("VAN-02", accessible=True)])
    assert set(riders_by_vehicle(schedule)) == {"VAN-02"}


def test_windows_and_availability_are_kept_or_the_movement_is_listed():
    # the only vehicle starts work after the plenary: the morning ride cannot be served, the ride home can
    schedule = planned([person("P1")], [car("VAN-01", available_from=at(7, 9, 30))])
    assert [u.reason for u in schedule.unserved] == ["no vehicle free in time"]
    assert schedule.metrics["served"] == 1


@pytest.mark.parametrize("hotel", ["HIL", "JWM"])
def test_every_vehicle_day_starts_and_ends_at_its_depot(hotel):
    schedule = planned([person("P1", hotel=hotel), person("P2", hotel=hotel)], [car("VAN-01")])
    trips = sorted(schedule.trips, key=lambda t: t.stops[0].arrive_at)
    assert trips[0].stops[0].place == "DEP" and trips[-1].stops[-1].place == "DEP"
