"""The routing optimiser core on small hand-made problems: every rule it promises, checked on its answers."""

import random
import time

import pytest

from scheduling.optimiser import Problem, Request, SearchOptions, Solution, Vehicle, solve

QUICK = SearchOptions(time_limit=2.0, solution_limit=100)
DAY = (0, 10_000)


def line(*positions: int) -> tuple[list[list[int]], list[list[int]]]:
    """Travel and cost matrices for places on a straight road (one time unit per distance unit)."""
    matrix = [[abs(a - b) for b in positions] for a in positions]
    return matrix, [row[:] for row in matrix]


def grid(count: int, seed: int) -> tuple[list[list[int]], list[list[int]]]:
    rng = random.Random(seed)
    points = [(rng.randint(0, 60), rng.randint(0, 60)) for _ in range(count)]
    matrix = [[round(((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5) for bx, by in points] for ax, ay in points]
    return matrix, [row[:] for row in matrix]


def problem(positions, requests, vehicles, **extra) -> Problem:
    travel, cost = line(*positions)
    return Problem(travel=travel, cost=cost, requests=requests, vehicles=vehicles, **extra)


def car(name: str, capacity: int = 4, start: int = 0, end: int | None = 0, **extra) -> Vehicle:
    return Vehicle(id=name, capacity=capacity, start=start, end=end, window=extra.pop("window", DAY), **extra)


def ride(name: str, pickup: int, delivery: int, load: int = 1, **extra) -> Request:
    return Request(
        id=name,
        pickup=pickup,
        delivery=delivery,
        load=load,
        pickup_window=extra.pop("pickup_window", DAY),
        delivery_window=extra.pop("delivery_window", DAY),
        **extra,
    )


def broken_rules(problem: Problem, solution: Solution) -> list[str]:
    """Everything a returned schedule must respect, checked independently of the optimiser."""
    requests = {request.id: request for request in problem.requests}
    vehicles = {vehicle.id: (v, vehicle) for v, vehicle in enumerate(problem.vehicles)}
    seen, broken = [], []
    for route in solution.routes:
        v, vehicle = vehicles[route.vehicle]
        here, ready, previous_service = vehicle.start, route.start_time, 0
        if route.start_time < vehicle.window[0]:
            broken.append(f"{route.vehicle} starts before its window")
        on_board: dict[str, int] = {}
        picked: dict[str, int] = {}
        for visit in route.visits:
            request = requests[visit.request]
            same_stop = problem.one_service_per_stop and here == visit.location
            ready = ready + (0 if same_stop else previous_service) + problem.travel[here][visit.location]
            if visit.start < ready:
                broken.append(f"{visit.request} {visit.kind} starts before the car can be there")
            window = request.pickup_window if visit.kind == "pickup" else request.delivery_window
            if not window[0] <= visit.start <= window[1]:
                broken.append(f"{visit.request} {visit.kind} at {visit.start} outside {window}")
            if request.vehicles is not None and v not in request.vehicles:
                broken.append(f"{visit.request} rides in {route.vehicle}, which it may not")
            if visit.kind == "pickup":
                if (on_board and request.exclusive) or any(requests[r].exclusive for r in on_board):
                    broken.append(f"{visit.request} shares the car with an exclusive ride")
                on_board[visit.request] = vehicle.capacity if request.exclusive else request.load
                picked[visit.request] = visit.start
                seen.append(visit.request)
                previous_service = request.pickup_service
            else:
                if visit.request not in picked:
                    broken.append(f"{visit.request} delivered before (or without) its pickup")
                else:
                    riding = visit.start - picked[visit.request] - request.pickup_service
                    if request.max_ride is not None and riding > request.max_ride:
                        broken.append(f"{visit.request} rides {riding} > {request.max_ride}")
                on_board.pop(visit.request, None)
                previous_service = request.delivery_service
            if sum(on_board.values()) > vehicle.capacity:
                broken.append(f"{route.vehicle} carries {sum(on_board.values())} > {vehicle.capacity}")
            here, ready = visit.location, visit.start
        if on_board:
            broken.append(f"{route.vehicle} never delivers {sorted(on_board)}")
        if vehicle.end is not None:
            dwell = 0 if problem.one_service_per_stop and here == vehicle.end else previous_service
            if route.end_time < ready + dwell + problem.travel[here][vehicle.end]:
                broken.append(f"{route.vehicle} is back at its depot too early")
        if route.end_time > vehicle.window[1]:
            broken.append(f"{route.vehicle} ends after its window")
        if vehicle.max_duration is not None and route.end_time - route.start_time > vehicle.max_duration:
            broken.append(f"{route.vehicle} works longer than {vehicle.max_duration}")
    if sorted(seen) != sorted(set(seen)):
        broken.append("a request is served twice")
    if set(seen) | set(solution.unserved) != set(requests) or set(seen) & set(solution.unserved):
        broken.append("served and unserved do not partition the requests")
    return broken


def served(solution: Solution) -> set[str]:
    return {visit.request for route in solution.routes for visit in route.visits}


def route_of(solution: Solution, request: str) -> str:
    return next(route.vehicle for route in solution.routes for visit in route.visits if visit.request == request)


def test_capacity_is_never_exceeded():
    # six people want the same trip at the same moment; two cars of three seats each
    requests = [ride(f"r{i}", 1, 2, pickup_window=(10, 12), delivery_window=(0, 30)) for i in range(6)]
    p = problem([0, 10, 20], requests, [car("a", capacity=3), car("b", capacity=3)])
    solution = solve(p, QUICK)
    assert broken_rules(p, solution) == []
    assert solution.unserved == []
    assert {route.vehicle for route in solution.routes} == {"a", "b"}


def test_a_party_bigger_than_every_car_is_unserved_and_the_rest_still_routed():
    requests = [ride("big", 1, 2, load=5), ride("small", 1, 2, load=2)]
    p = problem([0, 10, 20], requests, [car("a", capacity=4)])
    solution = solve(p, QUICK)
    assert broken_rules(p, solution) == []
    assert solution.unserved == ["big"]
    assert served(solution) == {"small"}


def test_time_windows_hold_and_the_car_waits_when_early():
    requests = [
        ride("late", 1, 2, pickup_window=(100, 110), delivery_window=(0, 200), pickup_service=3),
        ride("early", 3, 4, pickup_window=(0, 40), delivery_window=(0, 60)),
    ]
    p = problem([0, 10, 20, 30, 40], requests, [car("a")])
    solution = solve(p, QUICK)
    assert broken_rules(p, solution) == []
    assert served(solution) == {"late", "early"}
    pickup = next(v for r in solution.routes for v in r.visits if v.request == "late" and v.kind == "pickup")
    assert 100 <= pickup.start <= 110


def test_maximum_ride_time_forbids_a_long_detour():
    # "hurried" (picked up at 10 on the dot) would rather ride along while the car fetches "other" at 20,
    # which is cheaper (40 instead of 60) but makes it ride 30 when it may ride 12
    requests = [
        ride("hurried", 1, 3, max_ride=12, pickup_window=(10, 10)),
        ride("other", 2, 4, pickup_window=(0, 100)),
    ]
    p = problem([0, 10, 20, 0, 0], requests, [car("a")])
    solution = solve(p, QUICK)
    assert broken_rules(p, solution) == []
    assert solution.unserved == []
    visits = [(v.request, v.kind) for v in solution.routes[0].visits]
    assert visits.index(("hurried", "delivery")) < visits.index(("other", "pickup"))
    assert solution.objective == 60


def test_an_exclusive_request_rides_alone():
    requests = [
        ride("vip", 1, 2, exclusive=True, pickup_window=(10, 30), delivery_window=(0, 100)),
        ride("a", 1, 2, pickup_window=(10, 30), delivery_window=(0, 100)),
        ride("b", 1, 2, pickup_window=(10, 30), delivery_window=(0, 100)),
    ]
    p = problem([0, 10, 15], requests, [car("only", capacity=4)])
    solution = solve(p, QUICK)
    assert broken_rules(p, solution) == []
    assert solution.unserved == []
    visits = [(v.request, v.kind) for v in solution.routes[0].visits]
    vip = visits.index(("vip", "pickup"))
    assert visits[vip + 1] == ("vip", "delivery")


def test_allowed_vehicles_are_respected():
    # the nearest car is "near", but the request may only ride in "far" (say, the armoured one)
    requests = [ride("minister", 1, 2, vehicles=frozenset({1})), ride("anyone", 1, 2)]
    p = problem([0, 1, 5, 50], requests, [car("near", start=0, end=0), car("far", start=3, end=3)])
    solution = solve(p, QUICK)
    assert broken_rules(p, solution) == []
    assert solution.unserved == []
    assert route_of(solution, "minister") == "far"


def test_unservable_requests_are_reported_not_fatal():
    requests = [
        ride("too-late", 1, 2, pickup_window=(0, 5)),  # the car needs 10 to get there
        ride("empty-window", 1, 2, pickup_window=(50, 40)),
        ride("too-long", 1, 2, max_ride=3),  # the direct trip takes 10
        ride("nobody", 1, 2, vehicles=frozenset()),
        ride("fine", 1, 2),
    ]
    p = problem([0, 10, 20], requests, [car("a")])
    solution = solve(p, QUICK)
    assert broken_rules(p, solution) == []
    assert served(solution) == {"fine"}
    assert solution.unserved == ["too-late", "empty-window", "too-long", "nobody"]


def test_no_vehicles_leaves_everything_unserved():
    p = problem([0, 10, 20], [ride("x", 1, 2)], [])
    solution = solve(p, QUICK)
    assert solution.routes == [] and solution.unserved == ["x"]


def test_when_only_one_of_two_fits_the_bigger_penalty_wins():
    # one car, one seat, both want the same slot: serve the party that costs more to leave behind
    requests = [
        ride("one", 1, 2, pickup_window=(10, 10), delivery_window=(0, 25), penalty=10**9),
        ride("two", 1, 2, pickup_window=(10, 10), delivery_window=(0, 25), penalty=2 * 10**9),
    ]
    p = problem([0, 10, 20], requests, [car("a", capacity=1)])
    solution = solve(p, QUICK)
    assert broken_rules(p, solution) == []
    assert solution.unserved == ["one"]
    assert solution.objective == 40 + 10**9  # driving, plus the original penalty of the one left behind


def test_an_open_route_ends_at_its_last_stop():
    requests = [ride("x", 1, 2, delivery_service=4)]
    p = problem([0, 10, 30], requests, [car("a", end=None)])
    solution = solve(p, QUICK)
    assert broken_rules(p, solution) == []
    (route,) = solution.routes
    assert route.end_location is None
    assert route.end_time == route.visits[-1].start + 4
    assert solution.objective == 30  # no way back to count


def test_a_fixed_cost_per_vehicle_means_fewer_vehicles():
    # two cars at opposite ends, one request near each: two cars drive 8 in all, one car 18
    requests = [ride("west", 1, 2), ride("east", 4, 3)]
    positions = [0, 1, 2, 10, 9, 8]  # 0 and 5 are the depots
    cars = [car("w", start=0, end=0), car("e", start=5, end=5)]
    free = solve(problem(positions, requests, cars), QUICK)
    assert len(free.routes) == 2 and free.objective == 8
    priced = [car("w", start=0, end=0, fixed_cost=100), car("e", start=5, end=5, fixed_cost=100)]
    p = problem(positions, requests, priced)
    paid = solve(p, QUICK)
    assert broken_rules(p, paid) == []
    assert len(paid.routes) == 1 and paid.unserved == []
    assert paid.objective == 118


def test_route_duration_limit_splits_the_work():
    requests = [ride("a", 1, 2, pickup_window=(10, 12)), ride("b", 3, 4, pickup_window=(40, 42))]
    positions = [0, 10, 0, 10, 0]
    cars = [car("x", max_duration=25), car("y", max_duration=25)]
    p = problem(positions, requests, cars)
    solution = solve(p, QUICK)
    assert broken_rules(p, solution) == []
    assert solution.unserved == [] and len(solution.routes) == 2


def test_consecutive_stops_at_one_place_share_their_service_time():
    # three people boarding together at 10-12 fit only if they board in one stop
    requests = [
        ride(f"r{i}", 1, 2, pickup_service=5, delivery_service=5, pickup_window=(10, 12), max_ride=12) for i in range(3)
    ]
    p = problem([0, 10, 20], requests, [car("a")])
    solution = solve(p, QUICK)
    assert broken_rules(p, solution) == []
    assert solution.unserved == []
    one_by_one = problem([0, 10, 20], requests, [car("a")], one_service_per_stop=False)
    solution = solve(one_by_one, QUICK)
    assert broken_rules(one_by_one, solution) == []
    assert len(solution.unserved) == 2


def random_problem(seed: int, size: int = 24) -> Problem:
    rng = random.Random(seed)
    travel, cost = grid(2 * size + 1, seed)
    requests = []
    for i in range(size):
        pickup, delivery = 1 + 2 * i, 2 + 2 * i
        earliest = rng.randint(0, 300)
        direct = travel[pickup][delivery]
        requests.append(
            ride(
                f"r{i}",
                pickup,
                delivery,
                load=rng.choice([1, 1, 2, 3]),
                pickup_window=(earliest, earliest + 30),
                delivery_window=(0, earliest + 30 + 2 * direct + 20),
                pickup_service=2,
                delivery_service=2,
                max_ride=2 * direct + 20,
                exclusive=i % 11 == 0,
                vehicles=frozenset({0, 1}) if i % 7 == 0 else None,
            )
        )
    vehicles = [car(f"v{k}", capacity=4, window=(0, 600), fixed_cost=50) for k in range(5)]
    return Problem(travel=travel, cost=cost, requests=requests, vehicles=vehicles)


def test_a_random_day_is_feasible():
    p = random_problem(3)
    solution = solve(p, SearchOptions(time_limit=2.0))
    assert broken_rules(p, solution) == []
    assert len(solution.unserved) <= 2


def test_same_input_and_solution_limit_give_the_same_routes():
    p = random_problem(5)
    options = SearchOptions(time_limit=30.0, solution_limit=60)

    def shape(solution: Solution):
        return [(r.vehicle, [(v.request, v.kind, v.start) for v in r.visits]) for r in solution.routes]

    first, second = solve(p, options), solve(p, options)
    assert broken_rules(p, first) == []
    assert shape(first) == shape(second)
    assert first.objective == second.objective and first.unserved == second.unserved


@pytest.mark.parametrize(
    "options",
    [
        SearchOptions(time_limit=1.0),
        SearchOptions(time_limit=1.0, metaheuristic="GUIDED_LOCAL_SEARCH"),
        SearchOptions(time_limit=1.0, metaheuristic="ITERATED_LOCAL_SEARCH", first_solution="LOCAL_CHEAPEST_INSERTION"),
        SearchOptions(time_limit=1.0, metaheuristic="GREEDY_DESCENT", first_solution=("PARALLEL_CHEAPEST_INSERTION",)),
        SearchOptions(time_limit=1.0, large_fleet=2),  # the path taken by big fleets
    ],
    ids=["automatic", "guided", "iterated", "descent", "large-fleet"],
)
def test_every_search_path_returns_a_feasible_schedule_in_time(options):
    p = random_problem(3)
    started = time.monotonic()
    solution = solve(p, options)
    assert time.monotonic() - started < options.time_limit + 0.5
    assert solution.status in {"success", "partial_success_time_limit", "optimal"}
    assert broken_rules(p, solution) == []
    assert len(solution.unserved) <= 3
