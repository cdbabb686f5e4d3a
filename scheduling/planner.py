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
from datetime import date, datetime, timedelta
from itertools import pairwise

from scheduling.baseline import baseline, servable_alone
from scheduling.model import Movement, Scenario, Schedule, Stop, Trip, Unserved
from scheduling.movements import derive_movements
from scheduling.optimiser import Problem, Request, SearchOptions, Solution, Vehicle, solve
from scheduling.parties import Party, PartyOptions, build_parties
from scheduling.reasons import Reason, local_window
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


def plan(
    scenario: Scenario, options: PlanOptions = PlanOptions(), matrix: TravelMatrix | None = None, progress=None
) -> Schedule:
    started = time.perf_counter()
    prepared = prepare(scenario, options, matrix)
    results = []
    for number, day in enumerate(prepared.days, start=1):
        results.append(solve_day(day))
        if progress:
            progress(number, len(prepared.days))
    schedule = assemble(prepared, results)
    schedule.metrics["seconds"] = round(time.perf_counter() - started, 2)
    return schedule


def prepare(scenario: Scenario, options: PlanOptions = PlanOptions(), matrix: TravelMatrix | None = None) -> Prepared:
    matrix = matrix or formula_matrix(scenario.places, scenario.rules)
    movements, unserved = derive_movements(scenario)
    listed = {u.movement for u in unserved}
    parties = build_parties([m for m in movements if m.id not in listed], scenario.cars, options.parties)
    boundary = _quietest_hour(parties, scenario.zone)
    by_day: dict[date, list[Party]] = defaultdict(list)
    for party in parties:
        by_day[_service_day(party.earliest_pickup, scenario.zone, boundary)].append(party)
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
                cars.append(
                    {
                        "callsign": car.callsign,
                        "seats": car.seats,
                        "depot": index[car.depot],
                        "armoured": car.armoured,
                        "accessible": car.accessible,
                        "window": [offset(start), offset(finish)],
                        "rank": rank,
                    }
                )
        requests = []
        for party in by_day[day]:
            direct = matrix.seconds[index[party.origin]][index[party.destination]]
            requests.append(
                {
                    "id": party.id,
                    "origin": index[party.origin],
                    "destination": index[party.destination],
                    "seats": party.seats,
                    "movements": len(party.movements),
                    "pickup": [offset(party.earliest_pickup), offset(party.latest_pickup)],
                    "dropoff": [offset(party.earliest_dropoff), offset(party.latest_dropoff)],
                    "max_ride": int(scenario.rules.max_ride_time(timedelta(seconds=direct)).total_seconds()),
                    "exclusive": party.exclusive,
                    "armoured": party.armoured,
                    "accessible": party.accessible,
                }
            )
        days.append(
            {
                "day": day.isoformat(),
                "epoch": epoch.isoformat(),
                "dwell": dwell,
                "travel": [list(row) for row in matrix.seconds],
                "metres": [list(row) for row in matrix.metres],
                "cars": cars,
                "requests": requests,
                "options": options.to_dict(),
            }
        )
    for day in days:
        day["count"] = len(days)
    return Prepared(scenario, matrix, movements, unserved, {p.id: p for p in parties}, days)


def solve_day(day: dict, on_wave: Callable[[int, int], None] | None = None) -> dict:
    """Route one service day: plain JSON in, plain JSON out (safe to run on any worker).

    `on_wave(waves_done, waves_known)` is called after each wave is routed (a wave cut in two adds one to the
    waves known), for the caller to record progress and that the work goes on."""
    started = time.perf_counter()
    options = day["options"]
    travel, metres, dwell = day["travel"], day["metres"], day["dwell"]
    cars = day["cars"]
    to_depot_max = {car["callsign"]: max(row[car["depot"]] for row in travel) for car in cars}
    state = {car["callsign"]: (car["depot"], car["window"][0]) for car in cars}
    used: set[str] = set()
    visits: dict[str, list[list]] = defaultdict(list)
    unserved: dict[str, str] = {}  # party id -> reason code
    pending = []
    for request in sorted(day["requests"], key=lambda r: (r["pickup"][0], r["dropoff"][1], r["id"])):
        able = [car for car in cars if _can_carry(car, request)]
        if not able:
            unserved[request["id"]] = "no_vehicle_in_fleet"
        else:
            pending.append(request)
    queue = list(_slices(pending, options["slice_requests"]))
    waves, fallbacks, baseline_served = 0, [], 0
    while queue:
        chunk = queue.pop(0)
        slice_cars = [
            car for car in cars if state[car["callsign"]][1] < car["window"][1] - to_depot_max[car["callsign"]]
        ]
        vehicles = [
            Vehicle(
                id=car["callsign"],
                capacity=car["seats"],
                start=state[car["callsign"]][0],
                end=None,
                window=(state[car["callsign"]][1], car["window"][1] - to_depot_max[car["callsign"]]),
                fixed_cost=0 if car["callsign"] in used else VEHICLE_COST + car["rank"],
            )
            for car in slice_cars
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
                vehicles=frozenset(i for i, car in enumerate(slice_cars) if _can_carry(car, request)),
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
        for route in solution.routes:
            for visit in route.visits:
                visits[route.vehicle].append([visit.location, visit.start, visit.kind, visit.request])
            last = route.visits[-1]
            state[route.vehicle] = (last.location, last.start + dwell)
            used.add(route.vehicle)
        for request_id in solution.unserved:
            unserved[request_id] = "no_vehicle_free"
        if on_wave:
            on_wave(waves, waves + len(queue))
    return {
        "day": day["day"],
        "epoch": day["epoch"],
        "visits": dict(visits),
        "depots": {car["callsign"]: car["depot"] for car in cars},
        "unserved": unserved,
        "waves": waves,
        "fallbacks": fallbacks,
        "baseline_served": baseline_served,
        "seconds": round(time.perf_counter() - started, 2),
    }


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
    for result in results:
        epoch = datetime.fromisoformat(result["epoch"])
        for callsign, path in sorted(result["visits"].items()):
            depot = result["depots"][callsign]
            stops = _stops(path, prepared.parties, epoch, matrix, depot, dwell)
            metres += sum(matrix.metres[index[a.place]][index[b.place]] for a, b in pairwise(stops))
            raw_trips += [(callsign, trip) for trip in _split_trips(stops)]
        for party_id, code in sorted(result["unserved"].items()):
            party = prepared.parties[party_id]
            reason = _fleet_reason(party) if code == "no_vehicle_in_fleet" else _busy_reason(party, scenario.zone)
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
    baseline_served = sum(result["baseline_served"] for result in results)
    schedule.metrics = {
        **counters(schedule, baseline_served),
        "parties": len(prepared.parties),
        "days": len(results),
        "trips": len(trips),
        "vehicles_used": len({callsign for callsign, _ in raw_trips}),
        "vehicle_km": round(metres / 1000, 1),
        "direct_km": round(direct_metres / 1000, 1),  # every served party in a vehicle of its own, from the depot
        "solver_seconds": round(sum(result["seconds"] for result in results), 2),
        "waves": sum(result["waves"] for result in results),
        "fallback_waves": len(fallbacks),
        "fallbacks": fallbacks[:MAX_FALLBACKS_LISTED],
    }
    return schedule


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


def _stops(path, parties, epoch, matrix: TravelMatrix, depot: int, dwell: timedelta) -> list[Stop]:
    """A vehicle's day: depot, its visits merged into stops per place, depot again."""
    places, seconds = matrix.places, matrix.seconds

    def at(value: int) -> datetime:
        return epoch + timedelta(seconds=value)

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
    first = grouped[0]
    leave = first["first"] - seconds[depot][first["place"]]
    stops = [Stop(places[depot], at(leave), at(leave))]
    for number, stop in enumerate(grouped):
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


def _quietest_hour(parties: list[Party], zone) -> int:
    """The local hour at which the fewest parties are under way: days are cut there."""
    crossing = Counter()
    for party in parties:
        start = party.earliest_pickup.astimezone(zone)
        end = party.latest_dropoff.astimezone(zone)
        hour = start.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        while hour <= end:
            crossing[hour.hour] += 1
            hour += timedelta(hours=1)
    return min(range(24), key=lambda h: (crossing[h], abs(h - 4)))
