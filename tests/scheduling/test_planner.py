"""The whole scheduler on small hand-made cases, each result checked by the independent validator."""

import dataclasses
from collections import defaultdict
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from scheduling import planner
from scheduling.model import Car, Event, Ride
from scheduling.optimiser import Solution, objective, solve
from scheduling.planner import PlanOptions, _stops, check_counters, counters, plan, solve_day
from scheduling.reasons import Reason
from scheduling.rules import MovementRules
from scheduling.travel import formula_matrix
from scheduling.validate import validate, without_movements
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


# ---------------------------------------------------------------- never worse than simple, never a false success

NO_TIME = PlanOptions(min_slice_seconds=0.0001, max_slice_seconds=0.0001)  # the optimiser finds nothing in time


def planned_by_baseline(people, cars, **kwargs):
    world = scenario(people, cars, **kwargs)
    schedule = plan(world, NO_TIME)
    assert validate(world, schedule) == []
    assert check_counters(schedule) == []
    metrics = schedule.metrics
    assert metrics["fallback_waves"] == metrics["waves"] >= 1
    assert {fallback["why"] for fallback in metrics["fallbacks"]} == {"no_first_solution"}
    assert metrics["served"] == metrics["baseline_served"]
    return schedule


def test_a_wave_the_optimiser_finds_nothing_for_is_served_by_the_baseline():
    people = [person(f"P{i}", hotel="HIL" if i % 2 else "JWM") for i in range(10)]
    schedule = planned_by_baseline(people, [car("VAN-01"), car("VAN-02"), car("SUV-01", seats=4)])
    assert schedule.metrics["served"] == schedule.metrics["movements"] == 20
    assert len(schedule.trips) >= 2  # not an empty schedule called a success


def test_the_baseline_keeps_armoured_exclusive_accessible_seats_and_windows():
    people = [
        person("V1", "PA", vip=True),
        person("S1", "US", separate=True),
        person("A1", "CR", accessible=True),
        *(person(f"N{i}", "CR") for i in range(6)),
    ]
    cars = [car("ARM-01", seats=3, armoured=True), car("SUV-01", seats=4), car("VAN-01", accessible=True)]
    cars.append(car("LATE-01", available_from=at(7, 9, 30)))
    schedule = planned_by_baseline(people, cars)  # the validator checks every rule of every trip
    assert schedule.metrics["served"] == schedule.metrics["movements"] == 18
    riders = riders_by_vehicle(schedule)
    assert "V1" in riders["ARM-01"] and all("V1" not in riders[c] for c in riders if c != "ARM-01")
    assert "A1" in riders["VAN-01"] and all("A1" not in riders[c] for c in riders if c != "VAN-01")


def test_what_no_vehicle_is_free_for_is_listed_by_the_baseline_too():
    schedule = planned_by_baseline([person("P1")], [car("VAN-01", available_from=at(7, 9, 30))])
    assert [u.reason.code for u in schedule.unserved] == ["no_vehicle_free"]
    assert schedule.metrics["served"] == schedule.metrics["baseline_served"] == 1


def test_an_optimiser_answer_that_serves_less_than_the_baseline_is_replaced(monkeypatch):
    """As with a 600-vehicle fleet: the optimiser returned a 'solution' that served nobody, and it was published."""

    def serves_nobody(problem, options):
        unserved = [request.id for request in problem.requests]
        return Solution(routes=[], unserved=unserved, objective=objective(problem, [], unserved), status="success")

    monkeypatch.setattr(planner, "solve", serves_nobody)
    world = scenario([person("P1"), person("P2", "CR", hotel="JWM")], [car("VAN-01")])
    schedule = plan(world)
    assert validate(world, schedule) == [] and check_counters(schedule) == []
    metrics = schedule.metrics
    assert metrics["served"] == metrics["baseline_served"] == metrics["movements"] == 4
    assert [(f["why"], f["optimiser_served"], f["baseline_served"]) for f in metrics["fallbacks"]] == [
        ("worse_than_baseline", 0, 4)
    ]
    assert metrics["worse_than_baseline"] is False


def test_the_optimiser_answer_is_kept_when_it_does_better():
    """Two parties from two hotels to the plenary: the baseline takes two vehicles, the optimiser one."""
    world = scenario([person("P1", hotel="HIL"), person("P2", hotel="JWM")], [car("VAN-01"), car("VAN-02")])
    schedule = plan(world)
    assert validate(world, schedule) == [] and check_counters(schedule) == []
    assert schedule.metrics["fallback_waves"] == 0
    assert schedule.metrics["vehicles_used"] == 1


def test_the_optimiser_is_offered_the_baselines_vehicles_and_one_idle_vehicle_of_each_kind(monkeypatch):
    offered = []

    def recording(problem, options):
        offered.append(sorted(vehicle.id for vehicle in problem.vehicles))
        return solve(problem, options)

    monkeypatch.setattr(planner, "solve", recording)
    vans = [car(f"VAN-{number:02d}") for number in range(1, 7)]
    world = scenario([person("P1"), person("V1", vip=True)], [*vans, car("ARM-01", seats=3, armoured=True)])
    schedule = plan(world)
    assert validate(world, schedule) == [] and check_counters(schedule) == []
    assert schedule.metrics["served"] == schedule.metrics["movements"] == 4
    # the baseline takes VAN-01 for P1 and ARM-01 for V1: besides those, one idle van (ARM-01 is the only one)
    assert offered[0] == ["ARM-01", "VAN-01", "VAN-02"]


def one_car_day(requests: list[dict], options: PlanOptions = NO_TIME) -> dict:
    """A day problem as `prepare` makes it: two places ten minutes apart, one car at the first."""
    return {
        "day": "2026-12-07",
        "epoch": "2026-12-07T04:00:00-05:00",
        "dwell": 300,
        "travel": [[0, 600], [600, 0]],
        "metres": [[0, 5000], [5000, 0]],
        "cars": [
            {"callsign": "VAN-01", "seats": 8, "depot": 0, "armoured": False, "accessible": False}
            | {"window": [0, 20 * 3600], "rank": 0}
        ],
        "requests": requests,
        "options": options.to_dict(),
    }


def party(pid: str, pickup: list[int], dropoff: list[int]) -> dict:
    return {
        "id": pid,
        "origin": 0,
        "destination": 1,
        "seats": 2,
        "movements": 2,
        "pickup": pickup,
        "dropoff": dropoff,
        "max_ride": 1500,
        "exclusive": True,
        "armoured": False,
        "accessible": False,
    }


def test_a_wave_is_cut_in_two_only_when_the_baseline_leaves_out_what_a_vehicle_could_take():
    # two exclusive parties wanting the only car at the same moment: the baseline takes one, either could go
    contested = one_car_day([party("A", [3600, 3900], [4500, 4800]), party("B", [3600, 3900], [4500, 4800])])
    result = solve_day(contested)
    assert result["waves"] == 2
    # the first half falls back to the baseline; for the second no vehicle is left, the optimiser says so too
    assert [(f["parties"], f["baseline_served"]) for f in result["fallbacks"]] == [(1, 2)]
    assert result["unserved"] == {"B": "no_vehicle_free"}
    # one after the other: the baseline serves both, the wave is not cut
    apart = one_car_day([party("A", [3600, 3900], [4500, 4800]), party("B", [7200, 7500], [8100, 8400])])
    result = solve_day(apart)
    assert [(f["parties"], f["baseline_served"]) for f in result["fallbacks"]] == [(2, 4)]
    assert result["waves"] == 1 and result["baseline_served"] == 4


def test_on_wave_is_told_after_each_wave():
    requests = [
        party(f"R{hour}", [hour * 3600, hour * 3600 + 300], [hour * 3600 + 900, hour * 3600 + 1500])
        for hour in (1, 3, 5)
    ]
    day = one_car_day(requests, dataclasses.replace(NO_TIME, slice_requests=1))
    told = []
    result = solve_day(day, on_wave=lambda done, known: told.append((done, known)))
    assert told == [(1, 3), (2, 3), (3, 3)]
    assert result["waves"] == 3
    assert solve_day(day)["visits"] == result["visits"]  # and without it, the same day


def test_counters_add_up_and_say_what_does_not():
    late = person("P1", arrival_at=at(7, 10), arrival_place="PTY")  # misses the plenary: a skipped session
    world = scenario([late, person("P2")], [car("VAN-01")])
    schedule = plan(world)
    metrics = schedule.metrics
    assert check_counters(schedule) == []
    assert metrics["served"] + metrics["unserved_movements"] == metrics["movements"]
    assert metrics["unserved"] == metrics["unserved_movements"] + metrics["skipped_sessions"] == len(schedule.unserved)
    assert metrics["skipped_sessions"] == 1
    # taking a served movement off its trip without counting again: the numbers no longer match the schedule
    ridden = next(m for trip in schedule.trips for stop in trip.stops for m in stop.board)
    taken_off = without_movements(schedule, {ridden: Reason.of("legacy", text="taken off by the test")})
    taken_off.metrics = dict(metrics)
    assert any(problem.startswith("served is") for problem in check_counters(taken_off))
    # counted again, it adds up, and it serves fewer than the baseline did: no success
    taken_off.metrics |= counters(taken_off, metrics["baseline_served"])
    assert taken_off.metrics["worse_than_baseline"] is True
    assert metrics["served"] == metrics["baseline_served"]
    served, baseline_served = metrics["served"] - 1, metrics["baseline_served"]
    assert check_counters(taken_off) == [f"serves {served} movements, fewer than the baseline's {baseline_served}"]


def test_a_movement_listed_twice_is_found():
    """How a published summary could say "served": -19: movements already unserved, taken off the trips again
    for a broken rule, listed a second time and subtracted from the served once more."""
    schedule = plan(scenario([person("P1")], [car("VAN-01", available_from=at(7, 9, 30))]))
    twice = dataclasses.replace(schedule, unserved=[*schedule.unserved, schedule.unserved[0]])
    twice.metrics = {**schedule.metrics, "served": schedule.metrics["served"] - 1}
    assert check_counters(twice) == [
        "served is 0, the schedule has 1",
        "unserved is 1, the schedule has 2",
        "unserved_by_reason is {'no_vehicle_free': 1}, the schedule has {'no_vehicle_free': 2}",
        "served 0 + unserved movements 1 != movements 2",
        f"1 movement(s) listed as unserved more than once, first {schedule.unserved[0].movement}",
        "served is 0 but 1 movement(s) ride on the trips",
    ]
    # taking a listed movement off the trips again lists it once, and the counters still hold
    again = without_movements(schedule, {schedule.unserved[0].movement: Reason.of("legacy", text="again")})
    assert again.unserved == schedule.unserved
    again.metrics = schedule.metrics
    assert check_counters(again) == []
