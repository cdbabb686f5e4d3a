"""From scenario to schedule: derive movements, form parties, split the conference into service days,
route each day with the optimiser (a rolling horizon of time slices), and stitch the days together.

Days are independent (every vehicle starts and ends each day at its depot), so they can be solved in
parallel: `prepare` makes JSON-ready day problems, `solve_day` solves one, `assemble` joins the results.
`plan` does all three in this process.

Never worse than simple: each wave also gets the constructive baseline (scheduling/baseline.py, one trip per
party, deterministic), and when the optimiser finds no solution in its time or serves fewer movements (or as
many, at a higher cost) the baseline's plan is taken instead, and the day's result says so (`fallbacks`).
Never a false success: `assemble` counts served and unserved from the schedule itself (`counters`), and
`check_counters` says what does not add up, for the caller to refuse to publish.
"""

import dataclasses
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from scheduling.baseline import baseline, servable_alone
from scheduling.model import Car, Movement, Scenario, Schedule, Stop, Trip, Unserved
from scheduling.movements import derive_movements, unserved_of
from scheduling.optimiser import Problem, Request, SearchOptions, Solution, Vehicle, solve
from scheduling.parties import Party, PartyOptions, build_parties
from scheduling.reasons import Reason, local_iso, local_window
from scheduling.replan import Kept, Live, keep_published
from scheduling.travel import TravelMatrix, formula_matrix

UNSERVED_COST_PER_SEAT = 10_000_000  # metres: leaving one person behind costs more than 10,000 km of driving
NO_SOLUTION = {"fail", "fail_timeout", "infeasible", "not_solved"}
VEHICLE_COST = 200_000  # metres: bringing in another vehicle costs more than 200 km of driving
MAX_FALLBACKS_LISTED = 50  # the metrics name the first waves that fell back to the baseline (and count them all)
# the metrics `counters` counts from the schedule itself, and `check_counters` checks
COUNTERS = (
    "movements",
    "served",
    "unserved_movements",
    "skipped_sessions",
    "unserved",
    "unserved_by_reason",
    "baseline_served",
    "worse_than_baseline",
)


@dataclass(frozen=True)
class PlanOptions:
    slice_requests: int = 80  # parties routed together in one optimiser run
    seconds_per_request: float = 0.012
    min_slice_seconds: float = 0.3
    max_slice_seconds: float = 6.0
    solution_limit: int | None = 200  # repeatable runs: stop after this many improvements (or at the time limit)
    # the optimiser gets the vehicles the wave's baseline uses and this many idle ones of each kind (None: all)
    idle_offered: int | None = 1
    parties: PartyOptions = field(default_factory=PartyOptions)

    def to_dict(self) -> dict:
        return {
            "slice_requests": self.slice_requests,
            "seconds_per_request": self.seconds_per_request,
            "min_slice_seconds": self.min_slice_seconds,
            "max_slice_seconds": self.max_slice_seconds,
            "solution_limit": self.solution_limit,
            "idle_offered": self.idle_offered,
        }


@dataclass
class Prepared:
    scenario: Scenario
    matrix: TravelMatrix
    movements: list[Movement]
    unserved: list[Unserved]
    parties: dict[str, Party]
    days: list[dict]  # JSON-ready day problems
    kept: Kept = field(default_factory=Kept)  # what of the published schedule stays (live operations)
    live: Live | None = None
    previous: Schedule | None = None
    boundary: int = 4  # the local hour at which service days are cut
    previous_version: int | None = None  # the caller's number of `previous`, when it has one


def plan(
    scenario: Scenario,
    options: PlanOptions = PlanOptions(),
    matrix: TravelMatrix | None = None,
    progress=None,
    previous: Schedule | None = None,
    live: Live | None = None,
) -> Schedule:
    started = time.perf_counter()
    prepared = prepare(scenario, options, matrix, previous=previous, live=live)
    results = []
    for number, day in enumerate(prepared.days, start=1):
        results.append(solve_day(day))
        if progress:
            progress(number, len(prepared.days))
    schedule = assemble(prepared, results)
    schedule.metrics["seconds"] = round(time.perf_counter() - started, 2)
    return schedule


def prepare(
    scenario: Scenario,
    options: PlanOptions = PlanOptions(),
    matrix: TravelMatrix | None = None,
    previous: Schedule | None = None,
    live: Live | None = None,
) -> Prepared:
    """The day problems of a run. With a `previous` (published) schedule and a clock (`live`), the run re-plans:
    the published legs that still serve their movements are kept (scheduling/replan.py) and only the others are
    routed, around them; without, everything is routed (the clock is not used: nothing has been announced)."""
    matrix = matrix or formula_matrix(scenario.places, scenario.rules)
    movements, unserved = derive_movements(scenario)
    listed = static_unserved = {u.movement for u in unserved}
    by_id = {movement.id: movement for movement in movements}
    pins = {pin.movement: pin for pin in scenario.pins if pin.movement in by_id}
    dedicated = {p.id: p.dedicated_vehicle for p in scenario.people if p.dedicated_vehicle and p.vip}
    live = live if previous is not None else None
    kept = Kept()
    if live is not None:
        cars_by_callsign = {car.callsign: car for car in scenario.cars}
        kept = keep_published(
            previous,
            by_id,
            cars_by_callsign,
            live,
            unservable=listed,
            pins=pins,
            dedicated=dedicated,
            reserved=_reserved(scenario, dedicated),
        )
    scenario = dataclasses.replace(scenario, cars=_fleet_of_the_run(scenario.cars, kept, live, matrix))
    to_route = [m for m in movements if m.id not in listed and m.id not in kept.legs]
    if live is not None:
        for movement in to_route:
            if movement.latest_pickup < live.as_of:
                unserved.append(
                    unserved_of(movement, Reason.of("before_the_clock", clock_at=local_iso(live.as_of, scenario.zone)))
                )
        listed = {u.movement for u in unserved}
        to_route = [m for m in to_route if m.id not in listed]
    cars_by_callsign = {car.callsign: car for car in scenario.cars}
    usual = _usual_cars(scenario, dedicated, cars_by_callsign, movements)

    def vehicle_choice(movement: Movement) -> tuple:
        pin = pins.get(movement.id)
        if pin is not None and pin.vehicle in cars_by_callsign:
            return (pin.vehicle, pin.pickup_at, True, None)
        if movement.passenger in dedicated:
            return (dedicated[movement.passenger], None, False, None)
        if movement.vip:
            return (None, None, False, usual.get(movement.passenger))
        return (None, None, False, None)

    parties = build_parties(to_route, scenario.cars, options.parties, vehicle_choice)
    reserved = _reserved(scenario, dedicated)
    boundary = _quietest_hour([m for m in movements if m.id not in static_unserved], scenario.zone)
    by_day: dict[date, list[Party]] = defaultdict(list)
    for party in parties:
        by_day[_service_day(party.earliest_pickup, scenario.zone, boundary)].append(party)
    blocks_by_day: dict[date, dict[str, list[list[Stop]]]] = defaultdict(lambda: defaultdict(list))
    for callsign, trips in kept.stops.items():
        for stops in trips:
            blocks_by_day[_service_day(stops[0].arrive_at, scenario.zone, boundary)][callsign].append(stops)
    index = matrix.index()
    dwell = int(scenario.rules.dwell.total_seconds())
    days = []
    for day in sorted(by_day):
        epoch = datetime.combine(day, datetime.min.time(), scenario.zone) + timedelta(hours=boundary)
        end = epoch + timedelta(days=1)

        def offset(moment: datetime, epoch=epoch) -> int:
            # seconds elapsed: subtracting two datetimes of the same zone would give wall-clock time across a
            # change of the clocks (the offsets are read back from the epoch's fixed offset)
            return int(moment.timestamp() - epoch.timestamp())

        cars = []
        for rank, car in enumerate(scenario.cars):
            start = max(epoch, car.available_from or epoch)
            finish = min(end, car.available_until or end)
            if finish > start:
                blocks = sorted(blocks_by_day[day].get(car.callsign, []), key=lambda stops: stops[0].arrive_at)
                cars.append(
                    {
                        "callsign": car.callsign,
                        "seats": car.seats,
                        "depot": index[car.depot],
                        "armoured": car.armoured,
                        "accessible": car.accessible,
                        "window": [offset(start), offset(finish)],
                        "rank": rank,
                        "blocks": [
                            [
                                index[stops[0].place],
                                offset(stops[0].arrive_at),
                                index[stops[-1].place],
                                offset(stops[-1].depart_at),
                            ]
                            for stops in blocks
                        ],
                        "reserved": [
                            [delegation, offset(since), offset(until)]
                            for delegation, since, until in reserved.get(car.callsign, ())
                        ],
                    }
                )
        requests = []
        for party in by_day[day]:
            direct = matrix.seconds[index[party.origin]][index[party.destination]]
            pickup = [offset(party.earliest_pickup), offset(party.latest_pickup)]
            if party.pickup_at is not None and party.earliest_pickup <= party.pickup_at <= party.latest_pickup:
                pickup = [offset(party.pickup_at), offset(party.pickup_at)]
            requests.append(
                {
                    "id": party.id,
                    "origin": index[party.origin],
                    "destination": index[party.destination],
                    "seats": party.seats,
                    "movements": len(party.movements),
                    "pickup": pickup,
                    "dropoff": [offset(party.earliest_dropoff), offset(party.latest_dropoff)],
                    "max_ride": int(scenario.rules.max_ride_time(timedelta(seconds=direct)).total_seconds()),
                    "exclusive": party.exclusive,
                    "armoured": party.armoured,
                    "accessible": party.accessible,
                    "delegations": sorted({movement.delegation for movement in party.movements}),
                    "only": party.only,
                    "pinned": party.pinned,
                    "prefer": party.prefer,
                }
            )
        days.append(
            {
                "day": day.isoformat(),
                "epoch": epoch.isoformat(),
                "dwell": dwell,
                "clock": None if live is None else offset(live.as_of),
                "travel": [list(row) for row in matrix.seconds],
                "metres": [list(row) for row in matrix.metres],
                "cars": cars,
                "requests": requests,
                "options": options.to_dict(),
            }
        )
    for day in days:
        day["count"] = len(days)
    return Prepared(
        scenario, matrix, movements, unserved, {p.id: p for p in parties}, days, kept, live, previous, boundary
    )


def _fleet_of_the_run(cars: list[Car], kept: Kept, live: Live | None, matrix: TravelMatrix) -> list[Car]:
    """The vehicles the run may use: those in service, and those out of service only for the trips they had
    already started (the schedule keeps them, and the validator checks them against the shortened availability)."""
    fleet, index = [], matrix.index()
    for car in cars:
        if car.out_of_service:
            if live is None:
                continue
            until = live.as_of
            if car.callsign in kept.until:  # the trips it had started, and the drive home after the last
                ends_at, place = kept.until[car.callsign]
                until = max(until, ends_at + timedelta(seconds=matrix.seconds[index[place]][index[car.depot]]))
            car = dataclasses.replace(car, available_until=min(car.available_until or until, until))
        fleet.append(car)
    return fleet


def _usual_cars(
    scenario: Scenario, dedicated: dict[str, str], cars: dict[str, Car], movements: list[Movement]
) -> dict[str, str]:
    """Each VIP's usual armoured car (person id -> callsign), tried first for all the VIP's movements so that a head
    of delegation keeps one car (and one driver) over the stay. VIPs take the free armoured cars in callsign
    order, in the order of their first movement (then by id): a VIP who comes later never changes the car of one
    who came before, so a day's plan does not depend on later days. When the cars run out, a VIP shares the car
    of the first VIP of their delegation. Cars dedicated to a VIP are left out."""
    taken = set(dedicated.values())
    armoured = sorted(
        car.callsign for car in cars.values() if car.armoured and not car.out_of_service and car.callsign not in taken
    )
    vips = {p.id: p for p in scenario.people if p.vip and p.id not in dedicated}
    first: dict[str, datetime] = {}
    for movement in movements:
        if movement.passenger in vips:
            first[movement.passenger] = min(
                first.get(movement.passenger, movement.earliest_pickup), movement.earliest_pickup
            )
    usual: dict[str, str] = {}
    leader: dict[str, str] = {}  # delegation -> its first VIP with a car
    for person_id in sorted(first, key=lambda person_id: (first[person_id], person_id)):
        delegation = vips[person_id].delegation
        if len(usual) < len(armoured):
            usual[person_id] = armoured[len(usual)]
            leader.setdefault(delegation, person_id)
        elif delegation in leader:
            usual[person_id] = usual[leader[delegation]]
    return usual


def _reserved(scenario: Scenario, dedicated: dict[str, str]) -> dict[str, list[tuple]]:
    """callsign -> (delegation, from, until): a dedicated vehicle carries no one of another delegation during its
    VIP's stay (the whole conference, when the stay has no dates)."""
    far_past, far_future = datetime(1900, 1, 1, tzinfo=UTC), datetime(2999, 1, 1, tzinfo=UTC)
    reserved: dict[str, list[tuple]] = defaultdict(list)
    for person in scenario.people:
        callsign = dedicated.get(person.id)
        if callsign:
            reserved[callsign].append(
                (person.delegation, person.arrival_at or far_past, person.departure_at or far_future)
            )
    return reserved


def solve_day(day: dict, on_wave: Callable[[int, int], None] | None = None) -> dict:
    """Route one service day: plain JSON in, plain JSON out (safe to run on any worker).

    Each vehicle's day is cut into free pieces around the trips a re-plan keeps (`blocks`) and after the run's
    clock: a piece starts where the vehicle is and, before a kept trip, must end where that trip starts, in time.
    Waves of requests (by pickup time) are routed in turn over the pieces they overlap. A request with a vehicle
    of its own (`only`: a pin or a dedicated vehicle) or a usual one (`prefer`: a VIP's car) is offered that
    vehicle alone first; a pinned or usual request that does not fit there is routed again with any vehicle
    (a pin that could not be kept is reported), a dedicated one is left unserved.

    `on_wave(waves_done, waves_known)` is called after each wave is routed (a wave cut in two adds one to the
    waves known), for the caller to record progress and that the work goes on."""
    started = time.perf_counter()
    options = day["options"]
    travel, metres, dwell = day["travel"], day["metres"], day["dwell"]
    cars = {car["callsign"]: car for car in day["cars"]}
    pieces = _free_pieces(day, travel)
    used = {car["callsign"] for car in day["cars"] if car.get("blocks")}
    visits: dict[str, list[list]] = defaultdict(list)
    unserved: dict[str, str] = {}  # party id -> reason code
    pins_not_kept: dict[str, str] = {}  # party id -> why
    pending = []
    for request in sorted(day["requests"], key=lambda r: (r["pickup"][0], r["dropoff"][1], r["id"])):
        only = request.get("only")
        able = [car for car in cars.values() if _can_carry(car, request) and (only is None or car["callsign"] == only)]
        if not able and only and request.get("pinned"):
            pins_not_kept[request["id"]] = "vehicle_cannot_carry"
            request = {**request, "only": None, "pinned": False}
            able = [car for car in cars.values() if _can_carry(car, request)]
        if not able:
            unserved[request["id"]] = "dedicated_vehicle_unsuitable" if only else "no_vehicle_in_fleet"
        else:
            pending.append(request)
    queue = list(_slices(pending, options["slice_requests"]))
    waves, fallbacks, baseline_served, time_cut = 0, [], 0, 0
    while queue:
        chunk = queue.pop(0)
        span = (min(r["pickup"][0] for r in chunk), max(r["dropoff"][1] for r in chunk))
        offered = [
            piece for piece in pieces if piece["start"][1] < min(span[1], piece["end"][1]) and piece["end"][1] > span[0]
        ]
        vehicles = [
            Vehicle(
                id=piece["id"],
                capacity=cars[piece["car"]]["seats"],
                start=piece["start"][0],
                end=piece["end"][0],
                window=(piece["start"][1], piece["end"][1]),
                fixed_cost=0 if piece["car"] in used else VEHICLE_COST + cars[piece["car"]]["rank"],
            )
            for piece in offered
        ]
        requests = [
            Request(
                id=request["id"],
                pickup=request["origin"],
                delivery=request["destination"],
                load=request["seats"],
                pickup_window=tuple(request["pickup"]),
                delivery_window=tuple(request["dropoff"]),
                pickup_service=dwell,
                delivery_service=dwell,
                max_ride=request["max_ride"],
                vehicles=frozenset(
                    i for i, piece in enumerate(offered) if _may_take(cars[piece["car"]], request, piece)
                ),
                exclusive=request["exclusive"],
                penalty=UNSERVED_COST_PER_SEAT * request["seats"],
            )
            for request in chunk
        ]
        problem = Problem(travel=travel, cost=metres, requests=requests, vehicles=vehicles)
        floor = baseline(problem)
        seconds = min(
            options["max_slice_seconds"], max(options["min_slice_seconds"], options["seconds_per_request"] * len(chunk))
        )
        solution = solve(
            _offered(problem, floor, options["idle_offered"]),
            # guided local search stops on time at any size; the iterated search of the benchmark may not
            SearchOptions(
                time_limit=seconds, solution_limit=options["solution_limit"], metaheuristic="GUIDED_LOCAL_SEARCH"
            ),
        )
        found = solution.status not in NO_SOLUTION
        if not found and len(chunk) > 1 and _halves_may_do_better(problem, floor):
            # no solution at all, and the baseline leaves out parties some vehicle could take: route the halves
            # one after the other (not when the baseline serves all it can: halving a big wave is slow)
            half = len(chunk) // 2
            queue[:0] = [chunk[:half], chunk[half:]]
            continue
        waves += 1
        time_cut += solution.status == "fail_timeout" or getattr(solution, "cut_by_time", False)
        by_id = {request["id"]: request for request in chunk}
        optimised, simple = _quality(solution, by_id), _quality(floor, by_id)
        baseline_served += simple[0]
        if not found or optimised < simple:
            fallbacks.append(
                {
                    "wave": waves,
                    "parties": len(chunk),
                    "why": "worse_than_baseline" if found else "no_first_solution",
                    "optimiser_served": optimised[0] if found else 0,
                    "baseline_served": simple[0],
                }
            )
            solution = floor
        by_piece = {piece["id"]: piece for piece in offered}
        for route in solution.routes:
            piece = by_piece[route.vehicle]
            for visit in route.visits:
                visits[piece["car"]].append([visit.location, visit.start, visit.kind, visit.request])
            last = route.visits[-1]
            piece["start"] = (last.location, last.start + dwell)
            used.add(piece["car"])
        again = []
        for request_id in solution.unserved:
            request = by_id[request_id]
            if request.get("pinned") or request.get("prefer"):
                if request.get("pinned"):
                    pins_not_kept[request_id] = "vehicle_not_free"
                again.append({**request, "only": None, "pinned": False, "prefer": None})
            elif request.get("only"):
                unserved[request_id] = "dedicated_vehicle_busy"
            else:
                unserved[request_id] = "no_vehicle_free"
        if again:
            queue.insert(0, again)
        if on_wave:
            on_wave(waves, waves + len(queue))
    return {
        "day": day["day"],
        "epoch": day["epoch"],
        "visits": {callsign: sorted(path, key=lambda visit: visit[1]) for callsign, path in visits.items()},
        "depots": {car["callsign"]: car["depot"] for car in day["cars"]},
        "unserved": unserved,
        "pins_not_kept": pins_not_kept,
        "waves": waves,
        "time_cut_waves": time_cut,
        "fallbacks": fallbacks,
        "baseline_served": baseline_served,
        "seconds": round(time.perf_counter() - started, 2),
    }


MIN_PIECE = 600  # seconds: a free piece shorter than this cannot take a trip worth routing


def _free_pieces(day: dict, travel: list[list[int]]) -> list[dict]:
    """Every vehicle's free time of the day: from its depot (or the end of a kept trip, or where it is at the
    run's clock) to the start of its next kept trip, or to the end of its day with time left to drive home."""
    clock = day.get("clock")
    pieces = []
    for car in day["cars"]:
        to_depot_max = max(row[car["depot"]] for row in travel)
        place, moment = car["depot"], car["window"][0]
        bounds = [*car.get("blocks", []), [None, car["window"][1] - to_depot_max, None, None]]
        for first_place, first_arrive, last_place, last_depart in bounds:
            since = moment if clock is None else max(moment, clock)
            if first_arrive - since >= MIN_PIECE:
                pieces.append({"car": car["callsign"], "start": (place, since), "end": (first_place, first_arrive)})
            place, moment = last_place, last_depart
    count = Counter(piece["car"] for piece in pieces)
    number = Counter()
    for piece in pieces:  # a vehicle with one piece keeps its callsign as its id
        number[piece["car"]] += 1
        piece["id"] = piece["car"] if count[piece["car"]] == 1 else f"{piece['car']}/{number[piece['car']]}"
    return pieces


def _may_take(car: dict, request: dict, piece: dict) -> bool:
    if not _can_carry(car, request):
        return False
    wanted = request.get("only") or request.get("prefer")
    if wanted and car["callsign"] != wanted:
        return False
    for delegation, since, until in car.get("reserved", ()):
        others = any(given != delegation for given in request.get("delegations", ()))
        if others and since < request["dropoff"][1] and request["pickup"][0] < until:
            return False
    return True


def _offered(problem: Problem, floor: Solution, idle_per_kind: int) -> Problem:
    """The wave's problem with the vehicles the optimiser may use: those the baseline uses, and a few idle ones of
    each kind. The baseline's plan stays within reach (it uses no other vehicle), and the model stays small:
    with every vehicle of a 600-vehicle fleet in it, building the model alone outlasted the time limit."""
    if idle_per_kind is None:
        return problem
    kept = {route.vehicle for route in floor.routes}
    offered, idle = [], Counter()
    for v, vehicle in sorted(enumerate(problem.vehicles), key=lambda item: (item[1].fixed_cost, item[0])):
        allowed_for = frozenset(r for r, request in enumerate(problem.requests) if v in request.vehicles)
        kind = (vehicle.start, vehicle.window, vehicle.capacity, vehicle.fixed_cost > 0, allowed_for)
        if vehicle.id in kept or (vehicle.fixed_cost > 0 and idle[kind] < idle_per_kind):
            offered.append(v)
            idle[kind] += vehicle.id not in kept
    position = {v: i for i, v in enumerate(sorted(offered))}
    return dataclasses.replace(
        problem,
        vehicles=[problem.vehicles[v] for v in sorted(offered)],
        requests=[
            dataclasses.replace(request, vehicles=frozenset(position[v] for v in request.vehicles if v in position))
            for request in problem.requests
        ],
    )


def _quality(solution: Solution, requests: dict[str, dict]) -> tuple[int, int, int]:
    """What makes one plan of a wave better than another, best highest: movements served (what the schedule
    counts), then seats, then the lower objective (the fixed costs of the vehicles brought in, and distance)."""
    served = {visit.request for route in solution.routes for visit in route.visits}
    return (
        sum(requests[r]["movements"] for r in served),
        sum(requests[r]["seats"] for r in served),
        -solution.objective,
    )


def _halves_may_do_better(problem: Problem, floor: Solution) -> bool:
    """Whether the baseline leaves out a request that some vehicle could still take on its own."""
    return bool(servable_alone(problem) & set(floor.unserved))


def assemble(prepared: Prepared, results: list[dict]) -> Schedule:
    matrix, scenario = prepared.matrix, prepared.scenario
    index = matrix.index()
    dwell = scenario.rules.dwell
    unserved = list(prepared.unserved)
    raw_trips: list[tuple[str, list[Stop]]] = []
    metres = 0
    routed = {(result["day"], callsign): path for result in results for callsign, path in result["visits"].items()}
    epochs = {result["day"]: datetime.fromisoformat(result["epoch"]) for result in results}
    depots = {(day, car.callsign): index[car.depot] for day in epochs for car in scenario.cars}
    depots |= {(result["day"], callsign): depot for result in results for callsign, depot in result["depots"].items()}
    cars = {car.callsign: car for car in scenario.cars}
    kept_by_day: dict[tuple[str, str], list[list[Stop]]] = defaultdict(list)
    for callsign, trips in prepared.kept.stops.items():
        for stops in trips:
            day = _service_day(stops[0].arrive_at, scenario.zone, prepared.boundary).isoformat()
            kept_by_day[(day, callsign)].append(stops)
    for key in sorted(set(routed) | set(kept_by_day)):
        day, callsign = key
        epoch = epochs.get(day) or (
            datetime.combine(date.fromisoformat(day), datetime.min.time(), scenario.zone)
            + timedelta(hours=prepared.boundary)
        )
        kept = sorted(kept_by_day.get(key, []), key=lambda stops: stops[0].arrive_at)
        depot = depots.get(key, index[cars[callsign].depot])
        stops = _stops(routed.get(key, []), prepared.parties, epoch, matrix, depot, dwell, kept)
        metres += sum(matrix.metres[index[a.place]][index[b.place]] for a, b in pairwise(stops))
        raw_trips += [(callsign, trip) for trip in _split_trips(stops)]
    for result in results:
        for party_id, code in sorted(result["unserved"].items()):
            party = prepared.parties[party_id]
            if code == "no_vehicle_in_fleet":
                reason = _fleet_reason(party)
            elif code.startswith("dedicated_vehicle"):
                reason = Reason.of(code, vehicle=party.only)
            else:
                reason = _busy_reason(party, scenario.zone)
            for movement in party.movements:
                unserved.append(
                    Unserved(
                        movement.id, movement.passenger, movement.origin, movement.destination, reason, movement.session
                    )
                )
    raw_trips.sort(key=lambda item: (item[1][0].depart_at, item[0]))
    trips = [Trip(f"T-{number:04d}", callsign, tuple(stops)) for number, (callsign, stops) in enumerate(raw_trips, 1)]
    left_out = {party_id for result in results for party_id in result["unserved"]}
    depot = Counter(car.depot for car in scenario.cars).most_common(1)[0][0] if scenario.cars else None
    direct_metres = sum(
        matrix.metres[index[depot]][index[p.origin]]
        + matrix.metres[index[p.origin]][index[p.destination]]
        + matrix.metres[index[p.destination]][index[depot]]
        for party_id, p in prepared.parties.items()
        if depot and party_id not in left_out
    )
    fallbacks = [{"day": result["day"], **fallback} for result in results for fallback in result["fallbacks"]]
    schedule = Schedule(trips=trips, movements=prepared.movements, unserved=unserved)
    baseline_served = sum(result["baseline_served"] for result in results) + len(prepared.kept.legs)
    schedule.metrics = {
        **counters(schedule, baseline_served),
        "parties": len(prepared.parties),
        "days": len(results),
        "trips": len(trips),
        "vehicles_used": len({callsign for callsign, _ in raw_trips}),
        "vehicle_km": round(metres / 1000, 1),
        "direct_km": round(direct_metres / 1000, 1),  # every routed party in a vehicle of its own, from the depot
        "solver_seconds": round(sum(result["seconds"] for result in results), 2),
        "waves": sum(result["waves"] for result in results),
        "time_cut_waves": sum(result.get("time_cut_waves", 0) for result in results),
        "fallback_waves": len(fallbacks),
        "fallbacks": fallbacks[:MAX_FALLBACKS_LISTED],
        **_live_metrics(prepared, results),
    }
    return schedule


def _pin_finding(code: str, movement: str, vehicle: str | None) -> dict:
    """A pin the run could not keep: a reason ({code, params}) with the movement and vehicle beside it."""
    params = {"movement": movement, "vehicle": vehicle}
    return {"code": code, "params": params, **params}


def _live_metrics(prepared: Prepared, results: list[dict]) -> dict:
    """What a re-plan kept and let go, and what became of the pins."""
    kept, live = prepared.kept, prepared.live
    not_kept = {party_id: why for result in results for party_id, why in result.get("pins_not_kept", {}).items()}
    left_out = {party_id for result in results for party_id in result["unserved"]}
    pins = {pin.movement: pin for pin in prepared.scenario.pins}
    infeasible, honoured = [], []
    for party_id, party in sorted(prepared.parties.items()):
        if not party.pinned:
            continue
        for movement in party.movements:
            if party_id in not_kept or party_id in left_out:
                why = not_kept.get(party_id, "vehicle_not_free")
                infeasible.append(_pin_finding(f"pin_{why}", movement.id, party.only))
            else:
                honoured.append(movement.id)
    honoured += [movement for movement in kept.legs if movement in pins]
    known = {movement.id for movement in prepared.movements}
    infeasible += [
        _pin_finding("pin_movement_gone", pin.movement, pin.vehicle)
        for pin in prepared.scenario.pins
        if pin.movement not in known
    ]
    fleet = {car.callsign for car in prepared.scenario.cars if not car.out_of_service}
    by_id = {movement.id: movement for movement in prepared.movements}
    for pin in prepared.scenario.pins:
        movement = by_id.get(pin.movement)
        if movement is None:
            continue
        if pin.pickup_at and not movement.earliest_pickup <= pin.pickup_at <= movement.latest_pickup:
            infeasible.append(_pin_finding("pin_pickup_outside_window", pin.movement, pin.vehicle))
            honoured = [given for given in honoured if given != pin.movement]
        elif pin.vehicle not in fleet and pin.movement not in honoured:
            infeasible.append(_pin_finding("pin_vehicle_not_free", pin.movement, pin.vehicle))
    listed = {u.movement for u in prepared.unserved}
    infeasible += [
        _pin_finding("pin_movement_unservable", pin.movement, pin.vehicle)
        for pin in prepared.scenario.pins
        if pin.movement in listed
    ]
    metrics = {"pins": {"kept": sorted(honoured), "infeasible": infeasible}}
    if live is not None:
        metrics["live"] = {
            "as_of": live.as_of.isoformat(),
            "freeze_minutes": int(live.freeze.total_seconds() // 60),
            "from_scratch": live.from_scratch,
            "kept_legs": len(kept.legs),
            "frozen_legs": len(kept.frozen),
            "released_legs": len(kept.released),
            "released_by_reason": dict(sorted(Counter(kept.released.values()).items())),
            "routed_parties": len(prepared.parties),
        }
    return metrics


def counters(schedule: Schedule, baseline_served: int) -> dict:
    """The schedule's counters, counted from the schedule itself (call it again after taking movements off
    trips, rather than adjusting the numbers):

    - `movements`: every movement the rules call for;
    - `served`: movements not listed as unserved; `unserved_movements`: movements listed as unserved, each once;
      so `served + unserved_movements == movements`;
    - `skipped_sessions`: sessions a delegate cannot attend (listed, but never a movement);
    - `unserved`: every entry listed, `unserved_movements + skipped_sessions`, by reason code in
      `unserved_by_reason`;
    - `baseline_served`: what the waves' baselines alone would have served; `worse_than_baseline`: the schedule
      serves fewer movements than that, and must not be called a success.
    """
    movement_ids = {movement.id for movement in schedule.movements}
    listed = {u.movement for u in schedule.unserved if u.movement is not None} & movement_ids
    served = len(movement_ids - listed)
    reasons = Counter(u.reason.code for u in schedule.unserved)
    return {
        "movements": len(movement_ids),
        "served": served,
        "unserved_movements": len(listed),
        "skipped_sessions": sum(1 for u in schedule.unserved if u.movement is None),
        "unserved": len(schedule.unserved),
        "unserved_by_reason": dict(sorted(reasons.items())),
        "baseline_served": baseline_served,
        "worse_than_baseline": served < baseline_served,
    }


def check_counters(schedule: Schedule) -> list[str]:
    """What does not add up between the schedule and its counters (empty: they all do). To call before
    publishing: a schedule whose counters are wrong, or that serves less than the baselines, is no success."""
    metrics, problems = schedule.metrics, []
    missing = [key for key in COUNTERS if key not in metrics]
    if missing:
        return [f"metrics lack {', '.join(missing)}"]
    expected = counters(schedule, metrics["baseline_served"])
    for key in COUNTERS:
        if metrics[key] != expected[key]:
            problems.append(f"{key} is {metrics[key]}, the schedule has {expected[key]}")
    if metrics["served"] + metrics["unserved_movements"] != metrics["movements"]:
        problems.append(
            f"served {metrics['served']} + unserved movements {metrics['unserved_movements']}"
            f" != movements {metrics['movements']}"
        )
    listed = [u.movement for u in schedule.unserved if u.movement is not None]
    twice = sorted(movement for movement, count in Counter(listed).items() if count > 1)
    if twice:
        problems.append(f"{len(twice)} movement(s) listed as unserved more than once, first {twice[0]}")
    on_trips = {m for trip in schedule.trips for stop in trip.stops for m in stop.board}
    riding = len(on_trips & ({movement.id for movement in schedule.movements} - set(listed)))
    if riding != metrics["served"]:
        problems.append(f"served is {metrics['served']} but {riding} movement(s) ride on the trips")
    if metrics["worse_than_baseline"]:
        problems.append(f"serves {metrics['served']} movements, fewer than the baseline's {metrics['baseline_served']}")
    return problems


def _stops(path, parties, epoch, matrix: TravelMatrix, depot: int, dwell: timedelta, kept=()) -> list[Stop]:
    """A vehicle's day: depot, its stops (routed visits merged into stops per place, and the stops of the trips a
    re-plan keeps, exactly as published), depot again."""
    places, seconds = matrix.places, matrix.seconds
    index = matrix.index()

    def at(value: int) -> datetime:
        return epoch + timedelta(seconds=value)

    def offset(moment: datetime) -> int:
        return int(moment.timestamp() - epoch.timestamp())

    grouped: list[dict] = []
    wait = int(dwell.total_seconds())
    for location, start, kind, party_id in path:
        # a visit that starts a full dwell after the stop began (the vehicle waited) is a stop of its own
        if not grouped or grouped[-1]["place"] != location or start - grouped[-1]["first"] >= wait:
            grouped.append({"place": location, "first": start, "begins": start, "board": [], "alight": []})
        stop = grouped[-1]
        stop["last"] = start
        ids = [m.id for m in parties[party_id].movements]
        if kind == "pickup":
            stop["board"].extend(ids)
        else:
            # everyone who alights at a stop is dropped off when it begins: not before the last of them may be
            # (the optimiser may let a delivery wait a few minutes after the vehicle came)
            stop["alight"].extend(ids)
            stop["begins"] = start
    for stops in kept:
        for stop in stops:
            grouped.append(
                {
                    "place": index[stop.place],
                    "first": offset(stop.arrive_at),
                    "begins": offset(stop.arrive_at),
                    "last": offset(stop.depart_at) - wait,
                    "board": list(stop.board),
                    "alight": list(stop.alight),
                    "kept": stop,
                }
            )
    grouped.sort(key=lambda stop: (stop["first"], "kept" not in stop))
    first = grouped[0]
    leave = first["first"] - seconds[depot][first["place"]]
    stops = [Stop(places[depot], at(leave), at(leave))]
    for number, stop in enumerate(grouped):
        if "kept" in stop:
            stops.append(stop["kept"])
            continue
        if number + 1 < len(grouped):
            following = grouped[number + 1]
            depart = following["first"] - seconds[stop["place"]][following["place"]]
        else:
            depart = stop["last"] + wait
        board, alight = tuple(stop["board"]), tuple(stop["alight"])
        stops.append(Stop(places[stop["place"]], at(stop["begins"]), at(depart), board, alight))
    back = stops[-1].depart_at + timedelta(seconds=seconds[grouped[-1]["place"]][depot])
    stops.append(Stop(places[depot], back, back))
    return stops


def _split_trips(stops: list[Stop]) -> list[list[Stop]]:
    """Cut a vehicle's day where it is empty: each trip starts where the previous one ended."""
    trips, current, on_board = [], [stops[0]], 0
    for stop in stops[1:]:
        current.append(stop)
        on_board += len(stop.board) - len(stop.alight)
        if on_board == 0 and (stop.board or stop.alight):
            trips.append(current)
            current = [Stop(stop.place, stop.depart_at, stop.depart_at)]
    if len(current) > 1:
        if trips and not any(s.board or s.alight for s in current):
            trips[-1] = trips[-1] + current[1:]  # the drive home ends the last trip
        else:
            trips.append(current)
    return trips


def _slices(requests: list[dict], size: int) -> list[list[dict]]:
    """Consecutive groups of about `size` requests (by pickup time), cut where no request of the group is
    still under way, so that a wave of movements is routed together; a wave larger than three groups is cut anyway."""
    slices, current, busy_until = [], [], None
    for request in requests:
        quiet = busy_until is not None and request["pickup"][0] >= busy_until
        if current and ((len(current) >= size and quiet) or len(current) >= 3 * size):
            slices.append(current)
            current, busy_until = [], None
        current.append(request)
        busy_until = max(busy_until or 0, request["dropoff"][1])
    if current:
        slices.append(current)
    return slices


def _can_carry(car: dict, request: dict) -> bool:
    return (
        car["seats"] >= request["seats"]
        and (car["armoured"] or not request["armoured"])
        and (car["accessible"] or not request["accessible"])
    )


def _needs(party: Party) -> list[str]:
    return [word for word, flag in (("armoured", party.armoured), ("accessible", party.accessible)) if flag]


def _fleet_reason(party: Party) -> Reason:
    return Reason.of("no_vehicle_in_fleet", needs=_needs(party), seats=party.seats)


def _busy_reason(party: Party, zone) -> Reason:
    window = local_window(party.earliest_pickup, party.latest_pickup, zone)
    return Reason.of("no_vehicle_free", needs=_needs(party), seats=party.seats, window=window)


def _service_day(moment: datetime, zone, boundary: int) -> date:
    return (moment.astimezone(zone) - timedelta(hours=boundary)).date()


def _quietest_hour(movements: list[Movement], zone) -> int:
    """The local hour at which the fewest movements are under way: days are cut there. Counted over every
    movement the inputs call for (not over what a re-plan routes), so that a re-plan cuts days where its
    published schedule did."""
    crossing = Counter()
    for movement in movements:
        start = movement.earliest_pickup.astimezone(zone)
        end = movement.latest_dropoff.astimezone(zone)
        hour = start.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        while hour <= end:
            crossing[hour.hour] += 1
            hour += timedelta(hours=1)
    return min(range(24), key=lambda h: (crossing[h], abs(h - 4)))
