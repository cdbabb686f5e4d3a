"""From scenario to schedule: derive movements, form parties, split the conference into service days,
route each day with the optimiser (a rolling horizon of time slices), and stitch the days together.

Days are independent (every vehicle starts and ends each day at its depot), so they can be solved in
parallel: `prepare` makes JSON-ready day problems, `solve_day` solves one, `assemble` joins the results.
`plan` does all three in this process.
"""

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise

from scheduling.model import Movement, Scenario, Schedule, Stop, Trip, Unserved
from scheduling.movements import derive_movements
from scheduling.optimiser import Problem, Request, SearchOptions, Vehicle, solve
from scheduling.parties import Party, PartyOptions, build_parties
from scheduling.reasons import Reason, local_window
from scheduling.travel import TravelMatrix, formula_matrix

UNSERVED_COST_PER_SEAT = 10_000_000  # metres: leaving one person behind costs more than 10,000 km of driving
NO_SOLUTION = {"fail", "fail_timeout", "infeasible", "not_solved"}
VEHICLE_COST = 200_000  # metres: bringing in another vehicle costs more than 200 km of driving


@dataclass(frozen=True)
class PlanOptions:
    slice_requests: int = 80  # parties routed together in one optimiser run
    seconds_per_request: float = 0.012
    min_slice_seconds: float = 0.3
    max_slice_seconds: float = 6.0
    solution_limit: int | None = 200  # repeatable runs: stop after this many improvements (or at the time limit)
    parties: PartyOptions = field(default_factory=PartyOptions)

    def to_dict(self) -> dict:
        return {
            "slice_requests": self.slice_requests,
            "seconds_per_request": self.seconds_per_request,
            "min_slice_seconds": self.min_slice_seconds,
            "max_slice_seconds": self.max_slice_seconds,
            "solution_limit": self.solution_limit,
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


def solve_day(day: dict) -> dict:
    """Route one service day: plain JSON in, plain JSON out (safe to run on any worker)."""
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
        seconds = min(
            options["max_slice_seconds"], max(options["min_slice_seconds"], options["seconds_per_request"] * len(chunk))
        )
        solution = solve(
            Problem(travel=travel, cost=metres, requests=requests, vehicles=vehicles),
            # guided local search stops on time at any size; the iterated search of the benchmark may not
            SearchOptions(
                time_limit=seconds, solution_limit=options["solution_limit"], metaheuristic="GUIDED_LOCAL_SEARCH"
            ),
        )
        if solution.status in NO_SOLUTION and len(chunk) > 1:
            # the search found no solution at all for this slice: route its halves one after the other
            half = len(chunk) // 2
            queue[:0] = [chunk[:half], chunk[half:]]
            continue
        for route in solution.routes:
            for visit in route.visits:
                visits[route.vehicle].append([visit.location, visit.start, visit.kind, visit.request])
            last = route.visits[-1]
            state[route.vehicle] = (last.location, last.start + dwell)
            used.add(route.vehicle)
        for request_id in solution.unserved:
            unserved[request_id] = "no_vehicle_free"
    return {
        "day": day["day"],
        "epoch": day["epoch"],
        "visits": dict(visits),
        "depots": {car["callsign"]: car["depot"] for car in cars},
        "unserved": unserved,
        "seconds": round(time.perf_counter() - started, 2),
    }


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
    reasons = Counter(u.reason.code for u in unserved)
    left_out = {party_id for result in results for party_id in result["unserved"]}
    depot = Counter(car.depot for car in scenario.cars).most_common(1)[0][0] if scenario.cars else None
    direct_metres = sum(
        matrix.metres[index[depot]][index[p.origin]]
        + matrix.metres[index[p.origin]][index[p.destination]]
        + matrix.metres[index[p.destination]][index[depot]]
        for party_id, p in prepared.parties.items()
        if depot and party_id not in left_out
    )
    served = len({m.id for m in prepared.movements} - {u.movement for u in unserved})
    schedule = Schedule(trips=trips, movements=prepared.movements, unserved=unserved)
    schedule.metrics = {
        "movements": len(prepared.movements),
        "served": served,
        "unserved": sum(reasons.values()),
        "unserved_by_reason": dict(sorted(reasons.items())),
        "parties": len(prepared.parties),
        "days": len(results),
        "trips": len(trips),
        "vehicles_used": len({callsign for callsign, _ in raw_trips}),
        "vehicle_km": round(metres / 1000, 1),
        "direct_km": round(direct_metres / 1000, 1),  # every served party in a vehicle of its own, from the depot
        "solver_seconds": round(sum(result["seconds"] for result in results), 2),
    }
    return schedule


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
