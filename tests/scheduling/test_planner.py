"""The whole scheduler on small hand-made cases, each result checked by the independent validator."""

import dataclasses
from collections import defaultdict
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from scheduling.model import Car, Event, Ride
from scheduling.planner import PlanOptions, _stops, plan
from scheduling.rules import MovementRules
from scheduling.travel import formula_matrix
from scheduling.validate import validate
from tests.scheduling.builders import PLACES, at, car, person, scenario


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


def test_a_flight_home_soon_after_the_last_session_is_driven():
    """The plenary ends 10:30, the flight leaves 14:10: back to the hotel and on to the airport, both driven."""
    leaving = person("P1", departure_at=at(7, 14, 10), departure_place="PTY")
    schedule = planned([leaving], [car("VAN-01")])
    assert [m.kind for m in schedule.movements] == ["to_session", "to_hotel", "departure"]
    assert schedule.metrics["served"] == 3 and schedule.unserved == []


def test_counters_count_every_movement_once_and_reasons_by_code():
    late = person("P1", arrival_at=at(7, 10), arrival_place="PTY")  # misses the plenary
    too_short = Ride("REQ-1", "US", "HIL", "PTY", at(7, 14), at(7, 14, 30), 2)  # listed before any routing
    schedule = planned([late, person("A1", accessible=True)], [car("VAN-01")], rides=[too_short])
    metrics = schedule.metrics
    assert metrics["movements"] == len(schedule.movements) == 4
    assert metrics["served"] == 1, "the arrival; the request was once subtracted from the served too"
    assert metrics["unserved_by_reason"] == {
        "no_vehicle_in_fleet": 2,
        "request_window_too_short": 1,
        "session_before_arrival": 1,
    }


def test_the_night_the_clocks_go_back_moves_nobody_an_hour():
    """Madrid, 25 October 2026: 03:00 summer time is 02:00 winter time. Landing 01:30, the pickup window runs
    02:15 to 03:00 on the clock; the vehicle's times used to be read an hour off."""
    madrid = ZoneInfo("Europe/Madrid")
    landing = datetime(2026, 10, 25, 1, 30, tzinfo=madrid)
    van = Car("VAN-01", 8, "DEP")
    world = dataclasses.replace(
        scenario([person("P1", arrival_at=landing, arrival_place="PTY")], [van], {}), zone=madrid
    )
    schedule = plan(world)
    assert validate(world, schedule) == []
    assert schedule.metrics["served"] == 1


def test_a_stop_begins_when_the_last_one_alighting_may_be_dropped_off():
    """Found by the property tests. One vehicle brings D5 home after the morning session and takes D0 and D6 to a
    session in their hotel: it reaches H0 at 09:43, D5 gets off then, D0 and D6 only from 09:45. The stop where
    all three alight used to begin at 09:43, dropping D0 and D6 off too early."""
    places = {"AIR": (8.9, -79.56), "H0": (8.9, -79.56), "V0": (8.9, -79.5)}
    morning = Event("S0", "V0", at(7, 6, 50), at(7, 8, 50))
    in_the_hotel = Event("S1", "H0", at(7, 10, 30), at(7, 10, 45))
    people = [person(pid, hotel="H0") for pid in ("D0", "D5", "D6")]
    cars = [Car(f"C{i}", 1, "AIR") for i in range(3)] + [Car("C3", 3, "AIR")]
    world = dataclasses.replace(
        scenario(people, cars, {"D0": ["S0", "S1"], "D5": ["S0"], "D6": ["S0", "S1"]}, events=(morning, in_the_hotel)),
        places=places,
    )
    schedule = plan(world, PlanOptions(min_slice_seconds=0.05, max_slice_seconds=0.3, solution_limit=50))
    assert validate(world, schedule) == []
    assert schedule.metrics["served"] == schedule.metrics["movements"] == 6


def test_stops_merge_visits_at_one_place_and_begin_with_the_last_drop_off():
    """Visits at one place within a dwell make one stop; a delivery that waits for its window makes it begin then."""
    matrix = formula_matrix(PLACES, MovementRules())
    index = matrix.index()
    parties = {name: SimpleNamespace(movements=(SimpleNamespace(id=name),)) for name in ("home", "onward")}
    path = [
        [index["ATL"], 0, "pickup", "home"],
        [index["ATL"], 60, "pickup", "onward"],
        [index["HIL"], 900, "delivery", "home"],
        [index["HIL"], 1020, "delivery", "onward"],  # its drop-off window opens two minutes after the vehicle came
    ]
    stops = _stops(path, parties, at(7, 9), matrix, index["DEP"], timedelta(minutes=5))
    assert [(s.place, s.board, s.alight) for s in stops] == [
        ("DEP", (), ()),
        ("ATL", ("home", "onward"), ()),
        ("HIL", (), ("home", "onward")),
        ("DEP", (), ()),
    ]
    assert (stops[2].arrive_at, stops[2].depart_at) == (at(7, 9, 17), at(7, 9, 22))
