"""Pickup-and-delivery routing with time windows: the optimiser core shared by the app and the DARP benchmark.

Everything here is in integers the caller chooses (seconds for the app, scaled distance for the
benchmark). The model is OR-Tools' routing library: one pickup and one delivery node per request,
a time dimension (travel + service, waiting allowed), a load dimension whose demands may depend on
the vehicle (an exclusive request fills whatever vehicle carries it), ride-time limits, allowed
vehicles, optional requests with a penalty, and a fixed cost per vehicle.
"""

import math
import time as clock
from dataclasses import dataclass, field

from ortools.constraint_solver import pywrapcp, routing_enums_pb2


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
    objective: int
    status: str


@dataclass(frozen=True)
class SearchOptions:
    time_limit: float = 10.0  # seconds; the search stops at this bound if not sooner
    solution_limit: int | None = None  # stop after this many improving solutions (makes runs repeatable)
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    log: bool = False
    # experimental knobs
    portfolio: tuple[str, ...] = ()
    portfolio_share: float = 0.3
    ride_filter: bool = True
    ride_constraint: bool = True
    tighten: bool = True
    scale_penalty: bool = True
    ils: tuple = ()
    gls: tuple = ()
    ops: tuple = ()
    lns: str = ""
    order: str = ""
    hybrid: float = 0.0


def solve(problem: Problem, options: SearchOptions = SearchOptions()) -> Solution:
    started = clock.monotonic()
    model = _Model(problem, options)
    return model.solve(options, started)


def _status_name(status: int) -> str:
    names = {
        0: "not_solved",
        1: "success",
        2: "partial_success_time_limit",
        3: "fail",
        4: "fail_timeout",
        5: "invalid",
        6: "infeasible",
        7: "optimal",
    }
    return names.get(status, str(status))


class _Model:
    """The routing model of the requests that some vehicle could serve on its own."""

    def __init__(self, problem: Problem, options: SearchOptions):
        self.problem = problem
        self.options = options
        vehicles = problem.vehicles
        self.node_location: list[int | None] = []
        self.node_service: list[int] = []
        for vehicle in vehicles:
            self._add_node(vehicle.start, 0)
        for vehicle in vehicles:
            self._add_node(vehicle.end, 0)
        self.served_requests: list[int] = []  # indices into problem.requests
        self.windows: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self.allowed: list[list[int] | None] = []
        self.pickup_node: list[int] = []
        self.delivery_node: list[int] = []
        self.unservable: list[int] = []
        screened = []
        for r, request in enumerate(problem.requests):
            verdict = self._screen(request)
            if verdict is None:
                self.unservable.append(r)
            else:
                screened.append((r, *verdict))
        if options.order == "time":
            screened.sort(key=lambda item: (item[1][0][0] + item[1][0][1], item[0]))
        elif options.order == "late":
            screened.sort(key=lambda item: (item[1][1][1], item[0]))
        for r, windows, allowed in screened:
            request = problem.requests[r]
            self.served_requests.append(r)
            self.windows.append(windows)
            self.allowed.append(allowed)
            self.pickup_node.append(self._add_node(request.pickup, request.pickup_service))
            self.delivery_node.append(self._add_node(request.delivery, request.delivery_service))

    def _add_node(self, location: int | None, service: int) -> int:
        self.node_location.append(location)
        self.node_service.append(service)
        return len(self.node_location) - 1

    def _time(self, from_location: int | None, service: int, to_location: int | None) -> int:
        if from_location is None or to_location is None:  # open route end
            return service
        if self.problem.one_service_per_stop and from_location == to_location:
            service = 0
        return service + self.problem.travel[from_location][to_location]

    def _screen(self, request: Request):
        """Windows tightened by what any single allowed vehicle could do, and the vehicles that could; None if none."""
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
            pe = max(p_window[0], vehicle.window[0] + to_pickup)
            dl = min(d_window[1], vehicle.window[1] - to_end)
            pl = min(p_window[1], dl - p_to_d)
            de = max(d_window[0], pe + p_to_d)
            if ride is not None:
                pe = max(pe, de - ride)
                dl = min(dl, pl + ride)
            if pe > pl or de > dl:
                continue
            allowed.append(v)
            p_lo, p_hi, d_lo, d_hi = min(p_lo, pe), max(p_hi, pl), min(d_lo, de), max(d_hi, dl)
        if not allowed:
            return None
        if not self.options.tighten:
            p_lo, p_hi, d_lo, d_hi = *p_window, *d_window
        everyone = len(allowed) == len(problem.vehicles)
        return ((int(p_lo), int(p_hi)), (int(d_lo), int(d_hi))), None if everyone else allowed

    def _node_matrices(self) -> tuple[list[list[int]], list[list[int]]]:
        cost = self.problem.cost
        locations, services = self.node_location, self.node_service
        time_rows, cost_rows = [], []
        for i, from_location in enumerate(locations):
            time_rows.append([self._time(from_location, services[i], to) for to in locations])
            if from_location is None:
                cost_rows.append([0] * len(locations))
            else:
                row = cost[from_location]
                cost_rows.append([0 if to is None else row[to] for to in locations])
        return time_rows, cost_rows

    def _penalties(self) -> list[int]:
        """Penalties scaled down so that the biggest stay lexicographic (above any routing cost) without
        dwarfing the routing cost: huge penalties make guided local search blind to the arc costs."""
        penalties = [self.problem.requests[r].penalty for r in self.served_requests]
        if not self.options.scale_penalty:
            return penalties
        node_cost = self.node_cost
        bound = sum(max(row) for row in node_cost) + sum(v.fixed_cost for v in self.problem.vehicles) + 1
        huge = [p for p in penalties if p > bound]
        if not huge:
            return penalties
        smallest = min(huge)
        out = [p if p <= bound else max(bound, math.ceil(p * bound / smallest)) for p in penalties]
        return out

    def solve(self, options: SearchOptions, started: float) -> Solution:
        problem = self.problem
        unservable = [problem.requests[r].id for r in self.unservable]
        if not self.served_requests or not problem.vehicles:
            return Solution(routes=[], unserved=[r.id for r in problem.requests], objective=0, status="success")
        self._build()
        deadline = started + options.time_limit
        assignment = self._search(options, deadline)
        status = self.routing.status()
        if assignment is None:
            return Solution(
                routes=[], unserved=[r.id for r in problem.requests], objective=0, status=_status_name(status)
            )
        solution = self._read(assignment, _status_name(status))
        solution.unserved = sorted(
            [*solution.unserved, *unservable], key={r.id: i for i, r in enumerate(problem.requests)}.get
        )
        return solution

    def _build(self) -> None:
        problem, options = self.problem, self.options
        vehicles = problem.vehicles
        count = len(self.node_location)
        starts = list(range(len(vehicles)))
        ends = [len(vehicles) + v for v in range(len(vehicles))]
        self.manager = manager = pywrapcp.RoutingIndexManager(count, len(vehicles), starts, ends)
        self.routing = routing = pywrapcp.RoutingModel(manager)
        node_time, self.node_cost = self._node_matrices()
        routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(self.node_cost))
        time_index = routing.RegisterTransitMatrix(node_time)
        horizon = max([v.window[1] for v in vehicles] + [w[1][1] for w in self.windows] + [0]) + 1
        routing.AddDimension(time_index, horizon, horizon, False, "time")
        self.time = time = routing.GetDimensionOrDie("time")
        self._add_load()
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
        self._limits = []
        for k, r in enumerate(self.served_requests):
            request = problem.requests[r]
            pickup = manager.NodeToIndex(self.pickup_node[k])
            delivery = manager.NodeToIndex(self.delivery_node[k])
            routing.AddPickupAndDelivery(pickup, delivery)
            solver.Add(routing.VehicleVar(pickup) == routing.VehicleVar(delivery))
            solver.Add(time.CumulVar(pickup) <= time.CumulVar(delivery))
            pickup_window, delivery_window = self.windows[k]
            time.CumulVar(pickup).SetRange(*pickup_window)
            time.CumulVar(delivery).SetRange(*delivery_window)
            if request.max_ride is not None:
                limit = request.max_ride + request.pickup_service
                if options.ride_constraint:
                    solver.Add(time.CumulVar(delivery) - time.CumulVar(pickup) <= limit)
                if options.ride_filter:
                    function = _constant(limit)
                    self._limits.append(function)  # the C++ side does not own it
                    time.SetPickupToDeliveryLimitFunctionForPair(function, k)
            if self.allowed[k] is not None:
                # this wrapper's SetAllowedVehiclesForIndex rejects Python lists; -1 is "unperformed"
                routing.VehicleVar(pickup).SetValues([-1, *self.allowed[k]])
                routing.VehicleVar(delivery).SetValues([-1, *self.allowed[k]])
        for k, penalty in enumerate(self._penalties()):
            pickup = manager.NodeToIndex(self.pickup_node[k])
            delivery = manager.NodeToIndex(self.delivery_node[k])
            routing.AddDisjunction([pickup], penalty)
            routing.AddDisjunction([delivery], 0)
            solver.Add(routing.ActiveVar(pickup) == routing.ActiveVar(delivery))
            routing.AddVariableMaximizedByFinalizer(time.CumulVar(pickup))
            routing.AddVariableMinimizedByFinalizer(time.CumulVar(delivery))

    def _add_load(self) -> None:
        routing, vehicles, requests = self.routing, self.problem.vehicles, self.problem.requests
        evaluators: dict[int, int] = {}
        for capacity in sorted({vehicle.capacity for vehicle in vehicles}):
            demand = [0] * len(self.node_location)
            for k, r in enumerate(self.served_requests):
                request = requests[r]
                load = capacity if request.exclusive else request.load
                demand[self.pickup_node[k]] = load
                demand[self.delivery_node[k]] = -load
            evaluators[capacity] = routing.RegisterUnaryTransitVector(demand)
        routing.AddDimensionWithVehicleTransitAndCapacity(
            [evaluators[vehicle.capacity] for vehicle in vehicles],
            0,
            [vehicle.capacity for vehicle in vehicles],
            True,
            "load",
        )

    def _parameters(self, first_solution: str, metaheuristic: str, seconds: float, solution_limit: int | None):
        options = self.options
        parameters = pywrapcp.DefaultRoutingSearchParameters()
        parameters.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, first_solution)
        parameters.local_search_metaheuristic = getattr(routing_enums_pb2.LocalSearchMetaheuristic, metaheuristic)
        parameters.time_limit.FromMilliseconds(max(1, int(seconds * 1000)))
        if solution_limit:
            parameters.solution_limit = solution_limit
        parameters.log_search = options.log
        if options.ils:
            _ils(parameters, dict(options.ils))
        for key, value in options.gls:
            setattr(parameters, key, value)
        for key, value in options.ops:
            setattr(parameters.local_search_operators, key, pywrapcp_bool(value))
        return parameters

    def _search(self, options: SearchOptions, deadline: float):
        routing = self.routing
        if not options.portfolio:
            parameters = self._parameters(
                options.first_solution, options.metaheuristic, deadline - clock.monotonic(), options.solution_limit
            )
            return routing.SolveWithParameters(parameters)
        best, best_value = None, None
        portfolio_end = clock.monotonic() + options.portfolio_share * (deadline - clock.monotonic())
        for number, strategy in enumerate(options.portfolio):
            limit = (deadline if number == 0 else portfolio_end) - clock.monotonic()
            if limit <= 0:
                break
            assignment = routing.SolveWithParameters(self._parameters(strategy, "GREEDY_DESCENT", limit, 1))
            if assignment is None:
                continue
            value = assignment.ObjectiveValue()
            if options.log:
                print(f"{strategy}: {value}")
            if best_value is None or value < best_value:
                best, best_value, best_strategy = self._routes(assignment), value, strategy
        if best is None:
            return None
        if options.ils:
            remaining = deadline - clock.monotonic()
            share = options.hybrid or 1.0
            parameters = self._parameters(best_strategy, "GREEDY_DESCENT", remaining * share, options.solution_limit)
            found = routing.SolveWithIteratedLocalSearch(parameters)
            if found is not None and found.ObjectiveValue() < best_value:
                best, best_value = self._routes(found), found.ObjectiveValue()
            if options.log:
                print(f"ils: {found and found.ObjectiveValue()}")
        start = routing.ReadAssignmentFromRoutes(best, True)
        remaining = deadline - clock.monotonic()
        if remaining <= 0.01 or (options.ils and not options.hybrid):
            return start
        parameters = self._parameters(options.first_solution, options.metaheuristic, remaining, options.solution_limit)
        improved = routing.SolveFromAssignmentWithParameters(start, parameters)
        return improved or start

    def _routes(self, assignment) -> list[list[int]]:
        routing = self.routing
        routes = []
        for v in range(len(self.problem.vehicles)):
            route, index = [], assignment.Value(routing.NextVar(routing.Start(v)))
            while not routing.IsEnd(index):
                route.append(index)
                index = assignment.Value(routing.NextVar(index))
            routes.append(route)
        return routes

    def _read(self, assignment, status: str) -> Solution:
        routing, manager, problem, time = self.routing, self.manager, self.problem, self.time
        node_request = {}
        for k, r in enumerate(self.served_requests):
            request = problem.requests[r]
            node_request[self.pickup_node[k]] = (request, "pickup")
            node_request[self.delivery_node[k]] = (request, "delivery")
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
                route.visits.append(
                    Visit(request.id, kind, self.node_location[node], assignment.Value(time.CumulVar(index)))
                )
                served.add(request.id)
                index = assignment.Value(routing.NextVar(index))
            route.end_time = assignment.Value(time.CumulVar(index))
            if route.visits:
                routes.append(route)
        unserved = [problem.requests[r].id for r in self.served_requests if problem.requests[r].id not in served]
        return Solution(routes=routes, unserved=unserved, objective=assignment.ObjectiveValue(), status=status)


def _constant(value: int):
    return lambda pickup_alternative, delivery_alternative: value


def pywrapcp_bool(value):
    from ortools.util import optional_boolean_pb2

    return optional_boolean_pb2.BOOL_TRUE if value else optional_boolean_pb2.BOOL_FALSE


def _ils(parameters, knobs):
    from ortools.constraint_solver import routing_ils_pb2 as ils

    parameters.use_iterated_local_search = True
    p = parameters.iterated_local_search_parameters
    rr = p.ruin_recreate_parameters
    del rr.ruin_strategies[:]
    kind = knobs.get("ruin", "sisr")
    strategy = rr.ruin_strategies.add()
    if kind == "sisr":
        strategy.sisr.max_removed_sequence_size = knobs.get("seq", 10)
        strategy.sisr.avg_num_removed_visits = knobs.get("avg", 10)
        strategy.sisr.bypass_factor = knobs.get("bypass", 0.01)
    elif kind == "walk":
        strategy.random_walk.num_removed_visits = knobs.get("avg", 10)
    else:
        strategy.spatially_close_routes.num_ruined_routes = knobs.get("routes", 2)
    if "recreate" in knobs:
        rr.recreate_strategy.heuristic = getattr(routing_enums_pb2.FirstSolutionStrategy, knobs["recreate"])
    p.improve_perturbed_solution = knobs.get("improve", True)
    acc = knobs.get("accept", "sa")
    if acc == "greedy":
        p.reference_solution_acceptance_strategy.greedy_descent.SetInParent()
    else:
        sa = p.reference_solution_acceptance_strategy.simulated_annealing
        sa.initial_temperature = knobs.get("t0", 100)
        sa.final_temperature = knobs.get("t1", 0.01)
        sa.automatic_temperatures = knobs.get("auto", False)
