"""An independent check of a schedule against every movement rule. It trusts nothing the optimiser did:
the optimiser's output, a manual edit or a schedule read back from the database all go through it.
"""

import dataclasses
from collections import defaultdict
from datetime import datetime, timedelta
from itertools import pairwise

from scheduling.model import Car, Movement, Scenario, Schedule, Unserved
from scheduling.travel import TravelMatrix, formula_matrix


class Violation(str):
    """A broken rule in words; `movements` names the movements it is about, when it is about some."""

    movements: tuple[str, ...]

    def __new__(cls, text: str, movements=()):
        violation = super().__new__(cls, text)
        violation.movements = tuple(movements)
        return violation


def without_movements(schedule: Schedule, reasons: dict[str, str]) -> Schedule:
    """The schedule with these movements taken off their trips and listed as unserved with the given reason."""
    by_id = {m.id: m for m in schedule.movements}
    trips = [
        dataclasses.replace(
            trip,
            stops=tuple(
                dataclasses.replace(
                    stop,
                    board=tuple(m for m in stop.board if m not in reasons),
                    alight=tuple(m for m in stop.alight if m not in reasons),
                )
                for stop in trip.stops
            ),
        )
        for trip in schedule.trips
    ]
    unserved = list(schedule.unserved) + [
        Unserved(m, by_id[m].passenger, by_id[m].origin, by_id[m].destination, reason, by_id[m].session)
        for m, reason in sorted(reasons.items())
        if m in by_id
    ]
    return dataclasses.replace(schedule, trips=trips, unserved=unserved)


def validate(scenario: Scenario, schedule: Schedule, matrix: TravelMatrix | None = None) -> list[str]:
    """Every violation, in words; an empty list means the schedule keeps every rule."""
    matrix = matrix or formula_matrix(scenario.places, scenario.rules)
    index = matrix.index()
    rules = scenario.rules
    cars = {car.callsign: car for car in scenario.cars}
    movements = {movement.id: movement for movement in schedule.movements}
    problems: list[str] = []

    def travel(a: str, b: str) -> timedelta:
        return timedelta(seconds=matrix.seconds[index[a]][index[b]])

    def clock(moment: datetime) -> str:
        return moment.astimezone(scenario.zone).strftime("%d %b %H:%M")

    boarded: dict[str, tuple] = {}  # movement id -> (trip, stop)
    alighted: dict[str, tuple] = {}
    trips_of: dict[str, list] = defaultdict(list)
    for trip in schedule.trips:
        name = f"{trip.id} ({trip.vehicle})"
        car = cars.get(trip.vehicle)
        if car is None:
            problems.append(f"{name}: no vehicle {trip.vehicle} in the fleet")
            continue
        if len(trip.stops) < 2:
            problems.append(f"{name}: a trip needs at least two stops")
            continue
        trips_of[trip.vehicle].append(trip)
        on_board: dict[str, Movement] = {}
        for number, stop in enumerate(trip.stops):
            where = f"{name} stop {number + 1} at {stop.place}"
            if stop.place not in index:
                problems.append(f"{where}: unknown place")
                continue
            if stop.depart_at < stop.arrive_at:
                problems.append(f"{where}: leaves before it arrives")
            if (stop.board or stop.alight) and stop.depart_at - stop.arrive_at < rules.dwell:
                problems.append(f"{where}: people board or alight but the stop lasts less than {_minutes(rules.dwell)}")
            if number:
                previous = trip.stops[number - 1]
                if previous.place in index and stop.arrive_at - previous.depart_at < travel(previous.place, stop.place):
                    problems.append(
                        f"{where}: arrives {clock(stop.arrive_at)}, sooner than the "
                        f"{_minutes(travel(previous.place, stop.place))} drive from {previous.place} allows"
                    )
            for movement_id in stop.alight:
                movement = movements.get(movement_id)
                if movement is None:
                    problems.append(f"{where}: unknown movement {movement_id} alights")
                    continue
                if on_board.pop(movement_id, None) is None:
                    problems.append(f"{where}: {movement.passenger} alights without having boarded this trip")
                    continue
                alighted[movement_id] = (trip, stop)
            for movement_id in stop.board:
                movement = movements.get(movement_id)
                if movement is None:
                    problems.append(f"{where}: unknown movement {movement_id} boards")
                    continue
                if movement_id in boarded:
                    problems.append(f"{where}: {movement.passenger} boards movement {movement_id} a second time")
                    continue
                boarded[movement_id] = (trip, stop)
                on_board[movement_id] = movement
            problems += _on_board_problems(where, car, on_board)
        if on_board:
            problems.append(f"{name}: {', '.join(sorted(m.passenger for m in on_board.values()))} never alight")

    for movement_id, (_, board_stop) in boarded.items():
        movement = movements[movement_id]
        if movement_id not in alighted:
            continue
        _, alight_stop = alighted[movement_id]
        who = f"{movement.passenger} ({movement.kind} {movement.origin}->{movement.destination})"
        if board_stop.place != movement.origin:
            problems.append(Violation(f"{who}: boards at {board_stop.place}, not at {movement.origin}", [movement_id]))
        if alight_stop.place != movement.destination:
            problems.append(
                Violation(f"{who}: alights at {alight_stop.place}, not at {movement.destination}", [movement_id])
            )
        pickup = max(board_stop.arrive_at, movement.earliest_pickup)
        if pickup > min(board_stop.depart_at, movement.latest_pickup):
            problems.append(
                Violation(
                    f"{who}: picked up {clock(board_stop.arrive_at)}-{clock(board_stop.depart_at)}, outside "
                    f"{clock(movement.earliest_pickup)}-{clock(movement.latest_pickup)}",
                    [movement_id],
                )
            )
        if not movement.earliest_dropoff <= alight_stop.arrive_at <= movement.latest_dropoff:
            problems.append(
                Violation(
                    f"{who}: dropped off {clock(alight_stop.arrive_at)}, outside "
                    f"{clock(movement.earliest_dropoff)}-{clock(movement.latest_dropoff)}",
                    [movement_id],
                )
            )
        limit = rules.max_ride_time(travel(movement.origin, movement.destination))
        ride = alight_stop.arrive_at - board_stop.depart_at
        if ride > limit:
            problems.append(
                Violation(f"{who}: rides {_minutes(ride)}, more than the {_minutes(limit)} allowed", [movement_id])
            )

    problems += _continuity_problems(cars, trips_of, travel, clock)
    problems += _coverage_problems(schedule, boarded, alighted)
    problems += _presence_problems(movements, boarded, alighted, clock)
    return problems


def _on_board_problems(where: str, car: Car, on_board: dict[str, Movement]) -> list[str]:
    problems = []
    seats = sum(m.seats for m in on_board.values())
    if seats > car.seats:
        problems.append(Violation(f"{where}: {seats} passengers on board, the vehicle has {car.seats} seats", on_board))
    delegations = {m.delegation for m in on_board.values()}
    for movement in on_board.values():
        if movement.vip and not car.armoured:
            problems.append(
                Violation(f"{where}: VIP {movement.passenger} in a vehicle that is not armoured", [movement.id])
            )
        if movement.accessible and not car.accessible:
            problems.append(Violation(f"{where}: {movement.passenger} needs an accessible vehicle", [movement.id]))
        if (movement.vip or movement.separate) and len(delegations) > 1:
            rule = "VIP" if movement.vip else "separate transport"
            problems.append(
                Violation(
                    f"{where}: {movement.passenger} ({rule}, {movement.delegation}) rides with another delegation "
                    f"({', '.join(sorted(delegations - {movement.delegation}))})",
                    [movement.id],
                )
            )
    return problems


def _continuity_problems(cars, trips_of, travel, clock) -> list[str]:
    problems = []
    for callsign, trips in trips_of.items():
        car = cars[callsign]
        trips = sorted(trips, key=lambda t: (t.stops[0].arrive_at, t.id))
        first_stop, last_stop = trips[0].stops[0], trips[-1].stops[-1]
        if first_stop.place != car.depot:
            problems.append(f"{callsign}: {trips[0].id} starts at {first_stop.place}, not at the depot {car.depot}")
        if last_stop.place != car.depot:
            problems.append(f"{callsign}: {trips[-1].id} ends at {last_stop.place}, not at the depot {car.depot}")
        for before, after in pairwise(trips):
            end, start = before.stops[-1], after.stops[0]
            if start.place != end.place:
                problems.append(f"{callsign}: {after.id} starts at {start.place} but {before.id} ended at {end.place}")
            if start.arrive_at < end.depart_at:
                problems.append(
                    f"{callsign}: {after.id} starts {clock(start.arrive_at)}, "
                    f"before {before.id} ends {clock(end.depart_at)}"
                )
        first, last = trips[0].stops[0].depart_at, trips[-1].stops[-1].arrive_at
        if car.available_from and first < car.available_from:
            problems.append(f"{callsign}: leaves {clock(first)}, before it is available ({clock(car.available_from)})")
        if car.available_until and last > car.available_until:
            problems.append(
                f"{callsign}: back {clock(last)}, after it stops being available ({clock(car.available_until)})"
            )
    return problems


def _coverage_problems(schedule: Schedule, boarded, alighted) -> list[str]:
    problems = []
    listed = defaultdict(int)
    for unserved in schedule.unserved:
        if unserved.movement is not None:
            listed[unserved.movement] += 1
            if not unserved.reason:
                problems.append(f"movement {unserved.movement}: listed as unserved without a reason")
    for movement in schedule.movements:
        served = movement.id in boarded and movement.id in alighted
        if served and listed[movement.id]:
            problems.append(f"movement {movement.id} of {movement.passenger}: both served and listed as unserved")
        if not served and not listed[movement.id]:
            problems.append(f"movement {movement.id} of {movement.passenger}: neither served nor listed as unserved")
    return problems


def _presence_problems(movements, boarded, alighted, clock) -> list[str]:
    problems = []
    rides = defaultdict(list)
    for movement_id in boarded.keys() & alighted.keys():
        movement = movements[movement_id]
        rides[movement.passenger].append(
            (boarded[movement_id][1].depart_at, alighted[movement_id][1].arrive_at, movement)
        )
    for passenger, spans in rides.items():
        spans.sort(key=lambda span: span[0])
        for (_, end, first), (next_start, _, second) in pairwise(spans):
            if next_start < end:
                problems.append(
                    Violation(
                        f"{passenger}: in two places at once, {first.origin}->{first.destination} until {clock(end)} "
                        f"and {second.origin}->{second.destination} from {clock(next_start)}",
                        [second.id],
                    )
                )
    return problems


def _minutes(span: timedelta) -> str:
    return f"{span.total_seconds() / 60:.0f} min"
