"""Pickup-and-delivery routing with time windows: the optimiser core shared by the app and the DARP benchmark.

Everything here is in integers the caller chooses (seconds for the app, scaled distance for the
benchmark). The model is OR-Tools' routing library: one pickup and one delivery node per request,
a time dimension (travel + service, waiting allowed), a load dimension whose demands may depend on
the vehicle (an exclusive request fills whatever vehicle carries it), ride-time limits, allowed
vehicles, optional requests with a penalty, and a fixed cost per vehicle.

How a solve goes (all of it single-threaded, and repeatable when the time limit is not what stops it):

1. Screening. A request that no allowed vehicle could serve even on its own (load above the
   capacity, a window that cannot be met from the depot, a direct trip longer than the ride limit, an
   empty window) is reported unserved and kept out of the model. For the others the windows are
   tightened by what the depots, the ride limit and the direct trip allow, and the vehicles that
   could not serve them on their own are removed from their allowed vehicles.
2. Model. The ride limit is stated both as a CP constraint and as a pickup-to-delivery limit of the
   time dimension, which the local-search filters check cheaply (without it most moves were only
   rejected by the CP solver, and the search crawled). Penalties above any possible routing cost are
   scaled down to just above it, proportionally: serving a request still beats any saving in
   distance, but a 10**12 penalty no longer swamps the objective that the metaheuristics work on.
3. Construction. Several first-solution strategies are tried, the best (fewest penalties, then
   cheapest) is kept. The first gets whatever time it needs; the others stop at `construction_share`
   of the time limit.
4. Improvement. Up to `large_fleet` vehicles and `ils_max_requests` requests: OR-Tools' iterated local
   search (ruin and recreate by random walks, then local search; on a model of its own) for
   `ils_share` of the remaining time, then guided local search from its best solution. Larger
   problems: guided local search from the best construction (there the iterated search spends its
   time in its first descent and ends worse). OR-Tools' insertion-heuristic LNS operators are
   switched off above `large_fleet` vehicles: with 150 mostly empty vehicles one of their moves can
   run for seconds past the time limit.
"""

import math
import time as clock
from dataclasses import dataclass, field
from itertools import pairwise

from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2


@dataclass(frozen=True)
class Request:
    id: str
    pickup: int  # location index
    delivery: int
    load: int
    pickup_window: tuple[int, int]  # start of service at the pickup
    delivery_window: tuple[int, int]  # start of service at the delivery
    pickup_service: int = 0
    delivery_service: int = 0
    max_ride: int | None = None  # delivery start - (pickup start + pickup service)
    vehicles: frozenset[int] | None = None  # indices of the vehicles allowed; None: any
    exclusive: bool = False  # rides alone: nobody else on board at the same time
    penalty: int = 10**9  # cost of leaving it unserved


@dataclass(frozen=True)
class Vehicle:
    id: str
    capacity: int
    start: int  # location index
    end: int | None  # location index; None: the route may end anywhere
    window: tuple[int, int]  # earliest start, latest end
    fixed_cost: int = 0
    max_duration: int | None = None


@dataclass
class Problem:
    travel: list[list[int]]  # location x location travel time
    cost: list[list[int]]  # location x location arc cost (e.g. metres)
    requests: list[Request]
    vehicles: list[Vehicle]
    one_service_per_stop: bool = True  # consecutive visits to one location share a single service time


@dataclass(frozen=True)
class Visit:
    request: str
    kind: str  # "pickup" or "delivery"
    location: int
    start: int  # start of service


@dataclass
class Route:
    vehicle: str
    start_time: int
    end_time: int
    visits: list[Visit] = field(default_factory=list)
    start_location: int = 0
    end_location: int | None = None


@dataclass
class Solution:
    routes: list[Route]
    unserved: list[str]
    objective: int  # arc costs + fixed costs of the vehicles used + penalties of the unserved requests
    status: str


FIRST_SOLUTIONS = ("LOCAL_CHEAPEST_INSERTION", "PARALLEL_CHEAPEST_INSERTION", "LOCAL_CHEAPEST_COST_INSERTION")


@dataclass(frozen=True)
class SearchOptions:
    time_limit: float = 10.0  # seconds for the whole solve, model building included
    # stop each search phase after this many solutions (makes runs repeatable when the time limit is not reached)
    solution_limit: int | None = None
    # an OR-Tools FirstSolutionStrategy name, or several: each is tried and the best start is kept
    first_solution: str | tuple[str, ...] = FIRST_SOLUTIONS
    # "AUTOMATIC" (iterated then guided local search up to `large_fleet` vehicles and `ils_max_requests` requests,
    # guided local search alone above), "ITERATED_LOCAL_SEARCH" (then guided local search), or an OR-Tools
    # LocalSearchMetaheuristic name (GUIDED_LOCAL_SEARCH, GREEDY_DESCENT, ...) run from the best construction
    metaheuristic: str = "AUTOMATIC"
    log: bool = False
    construction_share: float = 0.25  # the first-solution strategies after the first stop at this share of the time
    ils_share: float = 0.7  # share of the improvement time spent in iterated local search, when it runs
    large_fleet: int = 30  # above this many vehicles: no iterated local search, no insertion-heuristic LNS operators
    ils_max_requests: int = 120  # above this many requests AUTOMATIC uses guided local search alone


def solve(problem: Problem, options: SearchOptions = SearchOptions()) -> Solution:
    started = clock.monotonic()
    return _Model(problem, options).solve(started + options.time_limit)


def gap(problem: Problem, from_location: int | None, service: int, to_location: int | None) -> int:
    """From the start of service at one place to the earliest start of service at the next."""
    if from_location is None or to_location is None:  # open route end
        return service
    if problem.one_service_per_stop and from_location == to_location:
        service = 0
    return service + problem.travel[from_location][to_location]


def objective(problem: Problem, routes: list[Route], unserved: list[str]) -> int:
    """In the caller's units, with the penalties as given (not as scaled for the search)."""
    cost, vehicles = problem.cost, {vehicle.id: vehicle for vehicle in problem.vehicles}
    total = 0
    for route in routes:
        places = [route.start_location, *(visit.location for visit in route.visits)]
        if route.end_location is not None:
            places.append(route.end_location)
        total += vehicles[route.vehicle].fixed_cost + sum(cost[a][b] for a, b in pairwise(places))
    left = set(unserved)
    return total + sum(request.penalty for request in problem.requests if request.id in left)


ALONE = 10_000  # more riders than any vehicle has seats

_STATUS = {
    0: "not_solved",
    1: "success",
    2: "partial_success_time_limit",
    3: "fail",
    4: "fail_timeout",
    5: "invalid",
    6: "infeasible",
    7: "optimal",
}

_FOUND = {"success", "partial_success_time_limit", "optimal"}
_FAILED = {"fail", "fail_timeout", "infeasible", "invalid"}

_INSERTION_LNS = (
    "use_global_cheapest_insertion_path_lns",
    "use_local_cheapest_insertion_path_lns",
    "use_relocate_path_global_cheapest_insertion_insert_unperformed",
    "use_global_cheapest_insertion_visit_types_lns",
    "use_local_cheapest_insertion_visit_types_lns",
)


@dataclass
class _Routing:
    """One OR-Tools model of the screened requests (iterated local search needs a model of its own)."""

    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel
    time: pywrapcp.RoutingDimension
    callbacks: list  # Python callables handed to C++, which does not keep them alive


class _Model:
    """The screened requests, their tightened windows and allowed vehicles, as routing nodes."""

    def __init__(self, problem: Problem, options: SearchOptions):
        self.problem = problem
        self.options = options
        self.node_location: list[int | None] = []
        self.node_service: list[int] = []
        for vehicle in problem.vehicles:
            self._add_node(vehicle.start, 0)
        for vehicle in problem.vehicles:
            self._add_node(vehicle.end, 0)
        self.modelled: list[int] = []  # indices into problem.requests, one per pickup-delivery pair
        self.windows: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self.allowed: list[list[int] | None] = []
        self.pickup_node: list[int] = []
        self.delivery_node: list[int] = []
        self.unservable: list[int] = []
        for r, request in enumerate(problem.requests):
            screened = self._screen(request)
            if screened is None:
                self.unservable.append(r)
                continue
            windows, allowed = screened
            self.modelled.append(r)
            self.windows.append(windows)
            self.allowed.append(allowed)
            self.pickup_node.append(self._add_node(request.pickup, request.pickup_service))
            self.delivery_node.append(self._add_node(request.delivery, request.delivery_service))
        self.large = len(problem.vehicles) > options.large_fleet

    def _add_node(self, location: int | None, service: int) -> int:
        self.node_location.append(location)
        self.node_service.append(service)
        return len(self.node_location) - 1

    def _time(self, from_location: int | None, service: int, to_location: int | None) -> int:
        return gap(self.problem, from_location, service, to_location)

    def _screen(self, request: Request):
        """(pickup window, delivery window), allowed vehicles (None: all), tightened by what a vehicle could do
        with this request alone; None when no vehicle could serve it."""
        problem = self.problem
        p_window, d_window = request.pickup_window, request.delivery_window
        p_to_d = self._time(request.pickup, request.pickup_service, request.delivery)
        ride = None if request.max_ride is None else request.max_ride + request.pickup_service
        if ride is not None and p_to_d > ride:
            return None
        candidates = range(len(problem.vehicles)) if request.vehicles is None else sorted(request.vehicles)
        allowed, p_lo, p_hi, d_lo, d_hi = [], math.inf, -math.inf, math.inf, -math.inf
        for v in candidates:
            if not 0 <= v < len(problem.vehicles):
                continue
            vehicle = problem.vehicles[v]
            if request.load > vehicle.capacity:
                continue
            to_pickup = self._time(vehicle.start, 0, request.pickup)
            to_end = self._time(request.delivery, request.delivery_service, vehicle.end)
            if vehicle.max_duration is not None and to_pickup + p_to_d + to_end > vehicle.max_duration:
                continue
            pickup_earliest = max(p_window[0], vehicle.window[0] + to_pickup)
            delivery_latest = min(d_window[1], vehicle.window[1] - to_end)
            pickup_latest = min(p_window[1], delivery_latest - p_to_d)
            delivery_earliest = max(d_window[0], pickup_earliest + p_to_d)
            if ride is not None:
                pickup_earliest = max(pickup_earliest, delivery_earliest - ride)
                delivery_latest = min(delivery_latest, pickup_latest + ride)
            if pickup_earliest > pickup_latest or delivery_earliest > delivery_latest:
                continue
            allowed.append(v)
            p_lo, p_hi = min(p_lo, pickup_earliest), max(p_hi, pickup_latest)
            d_lo, d_hi = min(d_lo, delivery_earliest), max(d_hi, delivery_latest)
        if not allowed:
            return None
        windows = ((int(p_lo), int(p_hi)), (int(d_lo), int(d_hi)))
        return windows, None if len(allowed) == len(problem.vehicles) else allowed

    # ---------------------------------------------------------------- model

    def _matrices(self) -> None:
        cost = self.problem.cost
        locations, services = self.node_location, self.node_service
        self.node_time = [
            [self._time(here, services[i], there) for there in locations] for i, here in enumerate(locations)
        ]
        self.node_cost = [
            [0] * len(locations) if here is None else [0 if there is None else cost[here][there] for there in locations]
            for here in locations
        ]
        self.penalties = self._penalties()

    def _penalties(self) -> list[int]:
        """Penalties above any possible routing cost, scaled down proportionally to just above it."""
        penalties = [self.problem.requests[r].penalty for r in self.modelled]
        bound = sum(max(row) for row in self.node_cost) + sum(v.fixed_cost for v in self.problem.vehicles) + 1
        huge = [p for p in penalties if p > bound]
        if not huge:
            return penalties
        smallest = min(huge)
        return [p if p <= bound else max(bound, math.ceil(p * bound / smallest)) for p in penalties]

    def _build(self) -> _Routing:
        problem, vehicles = self.problem, self.problem.vehicles
        starts = list(range(len(vehicles)))
        ends = [len(vehicles) + v for v in range(len(vehicles))]
        manager = pywrapcp.RoutingIndexManager(len(self.node_location), len(vehicles), starts, ends)
        routing = pywrapcp.RoutingModel(manager)
        routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(self.node_cost))
        horizon = max([v.window[1] for v in vehicles] + [w[1][1] for w in self.windows] + [0]) + 1
        routing.AddDimension(routing.RegisterTransitMatrix(self.node_time), horizon, horizon, False, "time")
        time = routing.GetDimensionOrDie("time")
        self._add_load(routing)
        solver = routing.solver()
        for v, vehicle in enumerate(vehicles):
            start, end = routing.Start(v), routing.End(v)
            time.CumulVar(start).SetRange(*vehicle.window)
            time.CumulVar(end).SetRange(*vehicle.window)
            if vehicle.max_duration is not None:
                time.SetSpanUpperBoundForVehicle(vehicle.max_duration, v)
            routing.SetFixedCostOfVehicle(vehicle.fixed_cost, v)
            routing.AddVariableMinimizedByFinalizer(time.CumulVar(end))
            routing.AddVariableMaximizedByFinalizer(time.CumulVar(start))
        callbacks = []
        for pair, r in enumerate(self.modelled):
            request = problem.requests[r]
            pickup = manager.NodeToIndex(self.pickup_node[pair])
            delivery = manager.NodeToIndex(self.delivery_node[pair])
            routing.AddPickupAndDelivery(pickup, delivery)
            solver.Add(routing.VehicleVar(pickup) == routing.VehicleVar(delivery))
            solver.Add(time.CumulVar(pickup) <= time.CumulVar(delivery))
            pickup_window, delivery_window = self.windows[pair]
            time.CumulVar(pickup).SetRange(*pickup_window)
            time.CumulVar(delivery).SetRange(*delivery_window)
            if request.max_ride is not None:
                limit = request.max_ride + request.pickup_service
                solver.Add(time.CumulVar(delivery) - time.CumulVar(pickup) <= limit)
                callbacks.append(_constant(limit))
                time.SetPickupToDeliveryLimitFunctionForPair(callbacks[-1], pair)
            if self.allowed[pair] is not None:
                # SetAllowedVehiclesForIndex does not take a Python list in this OR-Tools (absl::Span argument)
                routing.VehicleVar(pickup).SetValues([-1, *self.allowed[pair]])
                routing.VehicleVar(delivery).SetValues([-1, *self.allowed[pair]])
            routing.AddDisjunction([pickup], self.penalties[pair])
            routing.AddDisjunction([delivery], 0)
            solver.Add(routing.ActiveVar(pickup) == routing.ActiveVar(delivery))
            routing.AddVariableMaximizedByFinalizer(time.CumulVar(pickup))
            routing.AddVariableMinimizedByFinalizer(time.CumulVar(delivery))
        return _Routing(manager, routing, time, callbacks)

    def _add_load(self, routing: pywrapcp.RoutingModel) -> None:
        """Seats on board, and a second count that lets an exclusive request ride alone.

        Both use demands that do not depend on the vehicle: vehicle-dependent demands combined with
        allowed vehicles and windows made some models fail at the root in this OR-Tools version.
        """
        requests = self.problem.requests
        seats = [0] * len(self.node_location)
        riders = [0] * len(self.node_location)
        for pair, r in enumerate(self.modelled):
            request = requests[r]
            seats[self.pickup_node[pair]], seats[self.delivery_node[pair]] = request.load, -request.load
            alone = ALONE if request.exclusive else 1
            riders[self.pickup_node[pair]], riders[self.delivery_node[pair]] = alone, -alone
        routing.AddDimensionWithVehicleCapacity(
            routing.RegisterUnaryTransitVector(seats), 0, [v.capacity for v in self.problem.vehicles], True, "load"
        )
        # an exclusive request counts as ALONE riders: with it on board, nobody else fits
        routing.AddDimension(routing.RegisterUnaryTransitVector(riders), 0, ALONE, True, "riders")

    def _parameters(self, first_solution: str, metaheuristic: str, seconds: float, solution_limit: int | None):
        parameters = pywrapcp.DefaultRoutingSearchParameters()
        parameters.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, first_solution)
        parameters.local_search_metaheuristic = getattr(routing_enums_pb2.LocalSearchMetaheuristic, metaheuristic)
        parameters.time_limit.FromMilliseconds(max(1, int(seconds * 1000)))
        if solution_limit:
            parameters.solution_limit = solution_limit
        parameters.log_search = self.options.log
        if self.large:
            for name in _INSERTION_LNS:
                setattr(parameters.local_search_operators, name, optional_boolean_pb2.BOOL_FALSE)
        return parameters

    # ---------------------------------------------------------------- search

    def solve(self, deadline: float) -> Solution:
        problem = self.problem
        if not self.modelled or not problem.vehicles:
            unserved = [r.id for r in problem.requests]
            return Solution(routes=[], unserved=unserved, objective=self._objective([], unserved), status="success")
        self._matrices()
        main = self._build()
        assignment = self._search(main, deadline)
        status = _STATUS.get(main.routing.status(), "not_solved")
        if assignment is None:
            status = status if status in _FAILED else "fail_timeout" if clock.monotonic() >= deadline else "fail"
            unserved = [r.id for r in problem.requests]
            return Solution(routes=[], unserved=unserved, objective=self._objective([], unserved), status=status)
        if status not in _FOUND:  # the last OR-Tools call was not a search (e.g. no time was left for one)
            status = "partial_success_time_limit" if clock.monotonic() >= deadline else "success"
        return self._read(main, assignment, status)

    def _search(self, main: _Routing, deadline: float):
        options, routing = self.options, main.routing
        strategies = (options.first_solution,) if isinstance(options.first_solution, str) else options.first_solution
        construction_end = deadline - (1 - options.construction_share) * options.time_limit
        best = best_value = best_strategy = None
        for number, strategy in enumerate(strategies):
            seconds = (deadline if number == 0 else construction_end) - clock.monotonic()
            if seconds <= 0:
                break
            found = routing.SolveWithParameters(self._parameters(strategy, "GREEDY_DESCENT", seconds, 1))
            if found is None:
                continue
            self._log(f"{strategy}: {found.ObjectiveValue()}")
            if best_value is None or found.ObjectiveValue() < best_value:
                best, best_value, best_strategy = self._routes(main, found), found.ObjectiveValue(), strategy
        if best is None:
            return None

        metaheuristic = options.metaheuristic
        if metaheuristic == "AUTOMATIC":
            small = not self.large and len(self.modelled) <= options.ils_max_requests
            metaheuristic = "ITERATED_LOCAL_SEARCH" if small else "GUIDED_LOCAL_SEARCH"
        if metaheuristic == "ITERATED_LOCAL_SEARCH":
            ils_end = clock.monotonic() + options.ils_share * (deadline - clock.monotonic())
            improved = self._iterated_local_search(best_strategy, ils_end)
            if improved is not None and improved[1] < best_value:
                best, best_value = improved
            metaheuristic = "GUIDED_LOCAL_SEARCH"
        seconds = deadline - clock.monotonic()
        parameters = self._parameters(best_strategy, metaheuristic, seconds, options.solution_limit)
        start = routing.ReadAssignmentFromRoutes(best, True)
        if start is None:  # not expected: the routes come from this model; build the best construction again
            return routing.SolveWithParameters(parameters)
        if seconds <= 0.01:
            return start
        return routing.SolveFromAssignmentWithParameters(start, parameters) or start

    def _iterated_local_search(self, strategy: str, end: float):
        """OR-Tools' ruin-and-recreate iterated local search from `strategy`'s first solution, until `end`.
        It runs on a model of its own (after it, a model cannot read routes any more) and returns
        (routes, objective) or None."""
        own = self._build()
        # closed with plain parameters first: closed with the iterated-local-search ones, the same search is
        # measurably weaker (pr05: 770 instead of 731 in 10 s)
        own.routing.CloseModelWithParameters(self._parameters(strategy, "GREEDY_DESCENT", 1, 1))
        seconds = end - clock.monotonic()
        if seconds <= 0.01:
            return None
        parameters = self._parameters(strategy, "GREEDY_DESCENT", seconds, self.options.solution_limit)
        parameters.use_iterated_local_search = True
        ils = parameters.iterated_local_search_parameters
        ils.improve_perturbed_solution = True
        recreate = ils.ruin_recreate_parameters
        del recreate.ruin_strategies[:]
        recreate.ruin_strategies.add().random_walk.num_removed_visits = 20
        ils.reference_solution_acceptance_strategy.greedy_descent.SetInParent()
        ils.best_solution_acceptance_strategy.greedy_descent.SetInParent()
        found = own.routing.SolveWithIteratedLocalSearch(parameters)
        self._log(f"iterated local search: {found and found.ObjectiveValue()}")
        return None if found is None else (self._routes(own, found), found.ObjectiveValue())

    def _log(self, message: str) -> None:
        if self.options.log:
            print(message)

    @staticmethod
    def _routes(model: _Routing, assignment) -> list[list[int]]:
        routing, routes = model.routing, []
        for v in range(routing.vehicles()):
            route, index = [], assignment.Value(routing.NextVar(routing.Start(v)))
            while not routing.IsEnd(index):
                route.append(index)
                index = assignment.Value(routing.NextVar(index))
            routes.append(route)
        return routes

    # ---------------------------------------------------------------- answer

    def _read(self, model: _Routing, assignment, status: str) -> Solution:
        routing, manager, problem, time = model.routing, model.manager, self.problem, model.time
        node_request = {}
        for pair, r in enumerate(self.modelled):
            node_request[self.pickup_node[pair]] = (problem.requests[r], "pickup")
            node_request[self.delivery_node[pair]] = (problem.requests[r], "delivery")
        routes, served = [], set()
        for v, vehicle in enumerate(problem.vehicles):
            index = routing.Start(v)
            route = Route(
                vehicle=vehicle.id,
                start_time=assignment.Value(time.CumulVar(index)),
                end_time=0,
                start_location=vehicle.start,
                end_location=vehicle.end,
            )
            index = assignment.Value(routing.NextVar(index))
            while not routing.IsEnd(index):
                node = manager.IndexToNode(index)
                request, kind = node_request[node]
                start = assignment.Value(time.CumulVar(index))
                route.visits.append(Visit(request.id, kind, self.node_location[node], start))
                served.add(request.id)
                index = assignment.Value(routing.NextVar(index))
            route.end_time = assignment.Value(time.CumulVar(index))
            if route.visits:
                routes.append(route)
        unserved = [request.id for request in problem.requests if request.id not in served]
        return Solution(routes=routes, unserved=unserved, objective=self._objective(routes, unserved), status=status)

    def _objective(self, routes: list[Route], unserved: list[str]) -> int:
        return objective(self.problem, routes, unserved)


def _constant(value: int):
    return lambda pickup_alternative, delivery_alternative: value
