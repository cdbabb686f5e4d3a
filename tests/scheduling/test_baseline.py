"""The constructive baseline on optimiser problems: the optimiser's rules, checked by the same independent
check as the optimiser's answers, and the choices it makes."""

import random

import pytest

from scheduling.baseline import BASELINE, baseline, servable_alone
from scheduling.optimiser import Problem, Request, Vehicle
from tests.scheduling.test_optimiser import broken_rules, car, grid, problem, ride, route_of, served


def test_each_request_rides_alone_from_where_the_vehicle_is():
    requests = [
        ride("first", 1, 2, pickup_window=(10, 20), delivery_window=(0, 100), pickup_service=2, delivery_service=2),
        ride("second", 2, 3, pickup_window=(20, 100), delivery_window=(0, 100), pickup_service=2, delivery_service=2),
    ]
    p = problem([0, 10, 20, 30], requests, [car("a", end=None)])
    solution = baseline(p)
    assert broken_rules(p, solution) == []
    assert solution.status == BASELINE and solution.unserved == []
    [route] = solution.routes
    # leaves at 0 for the pickup at 10; delivers at 10 + 2 + 10; the next pickup is at that same place: no service
    assert [(v.request, v.kind, v.start) for v in route.visits] == [
        ("first", "pickup", 10),
        ("first", "delivery", 22),
        ("second", "pickup", 22),
        ("second", "delivery", 34),
    ]
    assert (route.start_time, route.end_time) == (0, 36)


def test_seats_allowed_vehicles_and_the_vehicle_window_are_kept():
    requests = [
        ride("big", 1, 2, load=5),
        ride("armoured only", 1, 2, vehicles=frozenset({1})),
        ride("too late to get home", 1, 2, pickup_window=(9_990, 9_995)),
    ]
    p = problem([0, 10, 20], requests, [car("a", capacity=4), car("b", capacity=4)])
    solution = baseline(p)
    assert broken_rules(p, solution) == []
    assert sorted(solution.unserved) == ["big", "too late to get home"]
    assert route_of(solution, "armoured only") == "b"
    assert servable_alone(p) == {"armoured only"}


def test_a_ride_is_not_started_so_early_that_it_outlasts_its_limit():
    """The vehicle could be at the pickup at 10, but the drop-off window opens at 60 and the ride may last 20
    after the pickup's service of 2: it picks up at 38."""
    request = ride("r", 1, 2, pickup_window=(0, 50), delivery_window=(60, 70), pickup_service=2, max_ride=20)
    p = problem([0, 10, 20], [request], [car("a")])
    solution = baseline(p)
    assert broken_rules(p, solution) == []
    assert [(v.kind, v.start) for v in solution.routes[0].visits] == [("pickup", 38), ("delivery", 60)]


def test_a_vehicle_on_the_road_is_preferred_to_a_new_one_and_a_versatile_one_is_kept():
    """`a` may carry everyone, `b` and `c` only the ordinary rides: the ordinary rides go in `b` (already needed,
    so no third vehicle), the special one in `a`."""
    requests = [
        ride("ordinary 1", 1, 2, pickup_window=(10, 20), delivery_window=(0, 40)),
        ride("ordinary 2", 2, 1, pickup_window=(25, 40), delivery_window=(0, 80)),
        ride("special", 1, 2, pickup_window=(10, 20), delivery_window=(0, 40), vehicles=frozenset({0})),
    ]
    cars = [car(name, fixed_cost=100) for name in "abc"]
    p = problem([0, 10, 20], requests, cars)
    solution = baseline(p)
    assert broken_rules(p, solution) == []
    assert solution.unserved == []
    assert {route.vehicle: [v.request for v in route.visits if v.kind == "pickup"] for route in solution.routes} == {
        "a": ["special"],
        "b": ["ordinary 1", "ordinary 2"],
    }


def test_the_longest_working_time_and_the_return_to_the_end_are_kept():
    requests = [
        ride("near", 1, 2, pickup_window=(10, 20), delivery_window=(0, 100)),
        ride("far", 2, 3, pickup_window=(20, 100), delivery_window=(0, 100)),
    ]
    p = problem([0, 10, 20, 60], requests, [car("a", max_duration=45)])
    solution = baseline(p)
    assert broken_rules(p, solution) == []
    assert served(solution) == {"near"} and solution.unserved == ["far"]


@pytest.mark.parametrize("seed", range(40))
def test_random_problems_keep_every_rule(seed):
    rng = random.Random(seed)
    places = 12
    travel, cost = grid(places, seed)
    requests = []
    for number in range(rng.randint(1, 30)):
        pickup, delivery = rng.sample(range(1, places), 2)
        opens = rng.randint(0, 300)
        direct = travel[pickup][delivery]
        requests.append(
            Request(
                id=f"r{number}",
                pickup=pickup,
                delivery=delivery,
                load=rng.randint(1, 5),
                pickup_window=(opens, opens + rng.randint(0, 40)),
                delivery_window=(opens + rng.randint(0, 60), opens + direct + rng.randint(20, 120)),
                pickup_service=rng.choice([0, 3]),
                delivery_service=rng.choice([0, 3]),
                max_ride=rng.choice([None, direct + 10, 2 * direct]),
                vehicles=rng.choice([None, frozenset(rng.sample(range(4), 2))]),
                exclusive=rng.random() < 0.3,
            )
        )
    vehicles = [
        Vehicle(
            id=f"v{v}",
            capacity=rng.choice([3, 4, 8]),
            start=rng.randrange(places),
            end=rng.choice([None, 0]),
            window=(rng.randint(0, 100), rng.randint(300, 600)),
            fixed_cost=rng.choice([0, 500]),
            max_duration=rng.choice([None, 250]),
        )
        for v in range(4)
    ]
    p = Problem(travel=travel, cost=cost, requests=requests, vehicles=vehicles, one_service_per_stop=rng.random() < 0.5)
    solution = baseline(p)
    assert broken_rules(p, solution) == []
