"""The constructive baseline: a plan for an optimiser problem that is simple, fast and repeatable, for the
planner to fall back on when the optimiser finds nothing in its time or does worse.

Requests are taken in order of pickup time. Each rides alone, one trip per request: the vehicle goes from
wherever it is to the pickup, then to the delivery. It goes in the vehicle that can still serve it in time
and whose choice costs least: a vehicle already on the road before a new one (fewer vehicles), then one that
fewer of the problem's requests may use (an armoured or accessible vehicle is kept for those who need one),
then the cheapest (a new vehicle's fixed cost and the drive to the pickup), then the first.

Times follow the optimiser's model exactly (scheduling/optimiser.py: `gap` between places, service times,
waiting, both windows, the ride limit, the vehicle's window and end, its longest working time), and the answer
is an optimiser `Solution`, so the planner stitches both alike and the validator checks both alike.
"""

from dataclasses import dataclass, field

from scheduling.optimiser import Problem, Request, Route, Solution, Vehicle, Visit, gap, objective

BASELINE = "baseline"  # the status of a baseline solution


@dataclass
class _OnTheRoad:
    """Where a vehicle is in the baseline's plan: the start of service at its last place, and that service."""

    location: int
    time: int
    service: int = 0
    visits: list[Visit] = field(default_factory=list)
    leaves: int | None = None  # when it leaves its start, once it has a request


def baseline(problem: Problem) -> Solution:
    """Every request that some vehicle can still take alone, in order of pickup time; the others unserved."""
    vehicles = problem.vehicles
    road = [_OnTheRoad(vehicle.start, vehicle.window[0]) for vehicle in vehicles]
    versatility = _versatility(problem)
    # idle vehicles alike in everything the choice looks at are tried once per request: the first of them
    by_cost = sorted(range(len(vehicles)), key=lambda v: (vehicles[v].fixed_cost, v))
    unserved = []
    order = sorted(
        range(len(problem.requests)),
        key=lambda r: (
            problem.requests[r].pickup_window[0],
            problem.requests[r].pickup_window[1],
            problem.requests[r].delivery_window[1],
            r,
        ),
    )
    for r in order:
        request = problem.requests[r]
        best, best_key, best_times = None, None, None
        tried_idle = set()
        for v in by_cost:
            if request.vehicles is not None and v not in request.vehicles:
                continue
            vehicle, here = vehicles[v], road[v]
            idle = not here.visits
            if idle:
                alike = (vehicle.start, vehicle.window, vehicle.capacity, vehicle.end, vehicle.max_duration)
                if (alike, versatility[v]) in tried_idle:
                    continue
                tried_idle.add((alike, versatility[v]))
            times = _alone(problem, vehicle, here, request)
            if times is None:
                continue
            added = (vehicle.fixed_cost if idle else 0) + problem.cost[here.location][request.pickup]
            key = (idle, versatility[v], added, v)
            if best_key is None or key < best_key:
                best, best_key, best_times = v, key, times
        if best is None:
            unserved.append(request.id)
            continue
        _take(problem, road[best], request, *best_times)
    routes = [_route(problem, vehicle, here) for vehicle, here in zip(vehicles, road, strict=True) if here.visits]
    return Solution(routes=routes, unserved=unserved, objective=objective(problem, routes, unserved), status=BASELINE)


def servable_alone(problem: Problem) -> set[str]:
    """The requests that some vehicle could serve on its own, from where it starts: no plan serves any other."""
    servable = set()
    for request in problem.requests:
        allowed = range(len(problem.vehicles)) if request.vehicles is None else request.vehicles
        for v in allowed:
            if not 0 <= v < len(problem.vehicles):
                continue
            vehicle = problem.vehicles[v]
            if _alone(problem, vehicle, _OnTheRoad(vehicle.start, vehicle.window[0]), request) is not None:
                servable.add(request.id)
                break
    return servable


def _alone(problem: Problem, vehicle: Vehicle, here: _OnTheRoad, request: Request) -> tuple[int, int] | None:
    """(pickup, delivery) start times for the request riding alone next in this vehicle; None if it cannot."""
    if request.load > vehicle.capacity:
        return None
    ride_limit = None if request.max_ride is None else request.max_ride + request.pickup_service
    pickup = max(here.time + gap(problem, here.location, here.service, request.pickup), request.pickup_window[0])
    if ride_limit is not None:  # not so early that the ride would outlast its limit waiting for the drop-off window
        pickup = max(pickup, request.delivery_window[0] - ride_limit)
    if pickup > request.pickup_window[1]:
        return None
    delivery = max(
        pickup + gap(problem, request.pickup, request.pickup_service, request.delivery), request.delivery_window[0]
    )
    if delivery > request.delivery_window[1] or (ride_limit is not None and delivery - pickup > ride_limit):
        return None
    end = delivery + gap(problem, request.delivery, request.delivery_service, vehicle.end)
    if end > vehicle.window[1]:
        return None
    if vehicle.max_duration is not None:
        leaves = here.leaves if here.visits else pickup - problem.travel[vehicle.start][request.pickup]
        if end - leaves > vehicle.max_duration:
            return None
    return pickup, delivery


def _take(problem: Problem, here: _OnTheRoad, request: Request, pickup: int, delivery: int) -> None:
    if not here.visits:  # it leaves its start as late as it can and still be at the pickup in time
        here.leaves = pickup - problem.travel[here.location][request.pickup]
    here.visits += [
        Visit(request.id, "pickup", request.pickup, pickup),
        Visit(request.id, "delivery", request.delivery, delivery),
    ]
    here.location, here.time, here.service = request.delivery, delivery, request.delivery_service


def _route(problem: Problem, vehicle: Vehicle, here: _OnTheRoad) -> Route:
    return Route(
        vehicle=vehicle.id,
        start_time=here.leaves,
        end_time=here.time + gap(problem, here.location, here.service, vehicle.end),
        visits=here.visits,
        start_location=vehicle.start,
        end_location=vehicle.end,
    )


def _versatility(problem: Problem) -> list[int]:
    """For each vehicle, how many of the problem's requests it may carry (by the requests' allowed vehicles)."""
    open_to_all = sum(1 for request in problem.requests if request.vehicles is None)
    counts = [open_to_all] * len(problem.vehicles)
    for request in problem.requests:
        for v in request.vehicles or ():
            if 0 <= v < len(counts):
                counts[v] += 1
    return counts
