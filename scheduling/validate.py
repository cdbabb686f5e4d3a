"""An independent check of a schedule against every movement rule. It trusts nothing the optimiser did:
the optimiser's output, a manual edit or a schedule read back from the database all go through it.
Nor does it trust the planner's movements: what each passenger needs, and who they are, it reads from the
scenario itself (scheduling/needs.py), so a needed movement that the planner never derived is caught too.
"""

import dataclasses
from collections import defaultdict
from datetime import timedelta
from itertools import pairwise

from scheduling.model import Car, Movement, Scenario, Schedule, Stop, Trip, Unserved
from scheduling.needs import Need, Rider, needs, riders
from scheduling.reasons import Reason, local_iso, local_window
from scheduling.travel import TravelMatrix, formula_matrix


class Violation(Reason):
    """A broken rule; `movements` names the movements it is about, when it is about some."""

    movements: tuple[str, ...]

    def __new__(cls, code: str, params: dict | None = None, movements=()):
        violation = super().__new__(cls, code, params)
        violation.movements = tuple(movements)
        return violation

    def __getnewargs__(self):
        return (self.code, self.params, self.movements)


def without_movements(schedule: Schedule, reasons: dict[str, str]) -> Schedule:
    """The schedule with these movements taken off their trips and listed as unserved with the given reason; one
    already listed stays listed once, with its own reason. Its counters are as they were: count them again
    (scheduling.planner.counters)."""
    by_id = {m.id: m for m in schedule.movements}
    listed = {u.movement for u in schedule.unserved}
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
        if m in by_id and m not in listed
    ]
    return dataclasses.replace(schedule, trips=trips, unserved=unserved)


def rule_breaking_reasons(violations: list[Violation]) -> dict[str, Reason]:
    """For `without_movements`: each movement a violation names, with the first rule it breaks."""
    reasons: dict[str, Reason] = {}
    for violation in violations:
        for movement_id in violation.movements:
            reasons.setdefault(movement_id, Reason.of("broke_rule", rule=violation.code, violation=violation.to_dict()))
    return reasons


def validate(scenario: Scenario, schedule: Schedule, matrix: TravelMatrix | None = None) -> list[Violation]:
    """Every violation; an empty list means the schedule keeps every rule."""
    matrix = matrix or formula_matrix(scenario.places, scenario.rules)
    index = matrix.index()
    rules, zone = scenario.rules, scenario.zone
    cars = {car.callsign: car for car in scenario.cars}
    movements = {movement.id: movement for movement in schedule.movements}
    known = riders(scenario)
    problems: list[Violation] = []

    def travel(a: str, b: str) -> timedelta:
        return timedelta(seconds=matrix.seconds[index[a]][index[b]])

    def rider(movement: Movement) -> Rider:
        """Who rides, as the scenario says; as the movement says for a passenger the scenario does not know."""
        return known.get(movement.passenger) or Rider(
            movement.passenger,
            movement.delegation,
            movement.seats,
            movement.vip,
            movement.separate,
            movement.accessible,
            movement.kind == "request",
        )

    boarded: dict[str, Stop] = {}  # movement id -> the stop where it boards
    alighted: dict[str, Stop] = {}
    trips_of: dict[str, list[Trip]] = defaultdict(list)
    for trip in schedule.trips:
        name = {"trip": trip.id, "vehicle": trip.vehicle}
        car = cars.get(trip.vehicle)
        if car is None:
            problems.append(Violation("unknown_vehicle", name))
            continue
        if len(trip.stops) < 2:
            problems.append(Violation("trip_too_short", name))
            continue
        trips_of[trip.vehicle].append(trip)
        on_board: dict[str, Movement] = {}
        for number, stop in enumerate(trip.stops):
            where = {**name, "stop": number + 1, "place": stop.place}
            if stop.place not in index:
                problems.append(Violation("unknown_place", where))
                continue
            if stop.depart_at < stop.arrive_at:
                problems.append(Violation("stop_leaves_before_arriving", where))
            if (stop.board or stop.alight) and stop.depart_at - stop.arrive_at < rules.dwell:
                problems.append(Violation("stop_too_short", {**where, "minutes": _minutes(rules.dwell)}))
            if number:
                previous = trip.stops[number - 1]
                if previous.place in index and stop.arrive_at - previous.depart_at < travel(previous.place, stop.place):
                    drive = travel(previous.place, stop.place)
                    params = {"arrive_at": local_iso(stop.arrive_at, zone), "minutes": _minutes(drive)}
                    problems.append(Violation("drive_too_fast", {**where, **params, "from": previous.place}))
            for movement_id in stop.alight:
                movement = movements.get(movement_id)
                if movement is None:
                    problems.append(Violation("unknown_movement", {**where, "movement": movement_id}))
                    continue
                if on_board.pop(movement_id, None) is None:
                    params = {**where, "passenger": movement.passenger}
                    problems.append(Violation("alights_without_boarding", params, [movement_id]))
                    continue
                alighted[movement_id] = stop
            for movement_id in stop.board:
                movement = movements.get(movement_id)
                if movement is None:
                    problems.append(Violation("unknown_movement", {**where, "movement": movement_id}))
                    continue
                if movement_id in boarded:
                    params = {**where, "passenger": movement.passenger, "movement": movement_id}
                    problems.append(Violation("boards_twice", params, [movement_id]))
                    continue
                boarded[movement_id] = stop
                on_board[movement_id] = movement
            problems += _on_board_problems(where, car, {m.id: rider(m) for m in on_board.values()})
        if on_board:
            passengers = sorted(m.passenger for m in on_board.values())
            problems.append(Violation("never_alights", {**name, "passengers": passengers}, on_board))

    served = {m: (boarded[m], alighted[m]) for m in boarded.keys() & alighted.keys()}
    for movement_id, (board_stop, alight_stop) in served.items():
        movement = movements[movement_id]
        who = _who(movement)
        if board_stop.place != movement.origin:
            problems.append(Violation("wrong_pickup_place", {**who, "place": board_stop.place}, [movement_id]))
        if alight_stop.place != movement.destination:
            problems.append(Violation("wrong_dropoff_place", {**who, "place": alight_stop.place}, [movement_id]))
        pickup = max(board_stop.arrive_at, movement.earliest_pickup)
        if pickup > min(board_stop.depart_at, movement.latest_pickup):
            params = {
                **who,
                "stop_window": local_window(board_stop.arrive_at, board_stop.depart_at, zone),
                "window": local_window(movement.earliest_pickup, movement.latest_pickup, zone),
            }
            problems.append(Violation("pickup_window", params, [movement_id]))
        if not movement.earliest_dropoff <= alight_stop.arrive_at <= movement.latest_dropoff:
            params = {
                **who,
                "dropoff_at": local_iso(alight_stop.arrive_at, zone),
                "window": local_window(movement.earliest_dropoff, movement.latest_dropoff, zone),
            }
            problems.append(Violation("dropoff_window", params, [movement_id]))
        if movement.origin in index and movement.destination in index:
            limit = rules.max_ride_time(travel(movement.origin, movement.destination))
            ride = alight_stop.arrive_at - board_stop.depart_at
            if ride > limit:
                params = {**who, "minutes": _minutes(ride), "max_minutes": _minutes(limit)}
                problems.append(Violation("ride_too_long", params, [movement_id]))

    problems += _dedicated_problems(scenario, schedule, movements)
    problems += _continuity_problems(cars, trips_of, zone)
    problems += _coverage_problems(schedule, served)
    problems += _need_problems(scenario, schedule, served)
    return problems


def _dedicated_problems(scenario: Scenario, schedule: Schedule, movements: dict[str, Movement]) -> list[Violation]:
    """A VIP with a dedicated vehicle rides only in it, and during the VIP's stay it carries no one of another
    delegation."""
    people = {person.id: person for person in scenario.people}
    stays: dict[str, list] = defaultdict(list)
    for person in scenario.people:
        if person.vip and person.dedicated_vehicle:
            stays[person.dedicated_vehicle].append(person)
    problems = []
    for trip in schedule.trips:
        for stop in trip.stops:
            for movement_id in stop.board:
                movement = movements.get(movement_id)
                person = people.get(movement.passenger) if movement else None
                if person and person.vip and person.dedicated_vehicle and person.dedicated_vehicle != trip.vehicle:
                    params = {**_who(movement), "vehicle": trip.vehicle, "dedicated": person.dedicated_vehicle}
                    problems.append(Violation("not_in_dedicated_vehicle", params, [movement_id]))
                for vip in stays.get(trip.vehicle, ()):
                    during = (vip.arrival_at is None or stop.arrive_at >= vip.arrival_at) and (
                        vip.departure_at is None or stop.arrive_at <= vip.departure_at
                    )
                    if movement and during and movement.delegation != vip.delegation:
                        params = {**_who(movement), "vehicle": trip.vehicle, "vip": vip.id}
                        problems.append(Violation("dedicated_vehicle_shared", params, [movement_id]))
    return problems


def _who(movement: Movement) -> dict:
    return {"passenger": movement.passenger, "kind": movement.kind, "from": movement.origin, "to": movement.destination}


def _on_board_problems(where: dict, car: Car, on_board: dict[str, Rider]) -> list[Violation]:
    """The contract's rules for who may ride together and in what, and the planner's grouping rules."""
    problems = []
    seats = sum(rider.seats for rider in on_board.values())
    if seats > car.seats:
        problems.append(Violation("seats_exceeded", {**where, "on_board": seats, "seats": car.seats}, on_board))
    for movement_id, rider in on_board.items():
        about = {**where, "passenger": rider.id}
        others = {m: other for m, other in on_board.items() if m != movement_id}
        other_delegations = sorted({other.delegation for other in others.values()} - {rider.delegation})
        if rider.vip and not car.armoured:
            problems.append(Violation("vip_not_armoured", about, [movement_id]))
        if rider.accessible and not car.accessible:
            problems.append(Violation("not_accessible", about, [movement_id]))
        if (rider.vip or rider.separate) and other_delegations:
            code = "vip_with_other_delegation" if rider.vip else "separate_with_other_delegation"
            params = {**about, "delegation": rider.delegation, "others": other_delegations}
            problems.append(Violation(code, params, [movement_id]))
        # the planner's grouping (parties.py): a VIP rides only with VIPs of the same delegation; a request alone
        non_vips = sorted(o.id for o in others.values() if o.delegation == rider.delegation and not o.vip)
        if rider.vip and non_vips:
            problems.append(Violation("vip_with_non_vip", {**about, "others": non_vips}, [movement_id]))
        if rider.request and others:
            params = {**about, "others": sorted(other.id for other in others.values())}
            problems.append(Violation("request_not_alone", params, [movement_id]))
    return problems


def _continuity_problems(cars: dict[str, Car], trips_of: dict[str, list[Trip]], zone) -> list[Violation]:
    problems = []
    for callsign, trips in trips_of.items():
        car = cars[callsign]
        trips = sorted(trips, key=lambda t: (t.stops[0].arrive_at, t.id))
        first_stop, last_stop = trips[0].stops[0], trips[-1].stops[-1]
        if first_stop.place != car.depot:
            params = {"vehicle": callsign, "trip": trips[0].id, "place": first_stop.place, "depot": car.depot}
            problems.append(Violation("trip_not_from_depot", params))
        if last_stop.place != car.depot:
            params = {"vehicle": callsign, "trip": trips[-1].id, "place": last_stop.place, "depot": car.depot}
            problems.append(Violation("trip_not_to_depot", params))
        for before, after in pairwise(trips):
            end, start = before.stops[-1], after.stops[0]
            if start.place != end.place:
                params = {"vehicle": callsign, "trip": after.id, "place": start.place}
                params |= {"previous_trip": before.id, "previous_place": end.place}
                problems.append(Violation("trips_not_continuous", params))
            if start.arrive_at < end.depart_at:
                params = {"vehicle": callsign, "trip": after.id, "starts_at": local_iso(start.arrive_at, zone)}
                params |= {"previous_trip": before.id, "ends_at": local_iso(end.depart_at, zone)}
                problems.append(Violation("trips_overlap", params))
        first, last = trips[0].stops[0].depart_at, trips[-1].stops[-1].arrive_at
        if car.available_from and first < car.available_from:
            params = {"leaves_at": local_iso(first, zone), "available_at": local_iso(car.available_from, zone)}
            problems.append(Violation("before_available", {"vehicle": callsign, **params}))
        if car.available_until and last > car.available_until:
            params = {"back_at": local_iso(last, zone), "until_at": local_iso(car.available_until, zone)}
            problems.append(Violation("after_available", {"vehicle": callsign, **params}))
    return problems


def _coverage_problems(schedule: Schedule, served: dict) -> list[Violation]:
    """Every movement of the schedule is served or listed as unserved with a reason, and not both."""
    problems = []
    movements = {movement.id for movement in schedule.movements}
    listed = defaultdict(int)
    for unserved in schedule.unserved:
        if unserved.movement is None:
            continue
        listed[unserved.movement] += 1
        if not unserved.reason:
            problems.append(Violation("unserved_without_reason", {"movement": unserved.movement}))
        if unserved.movement not in movements:
            # what is stored of a schedule is its movements: an entry naming no movement would be lost
            params = {"movement": unserved.movement, "passenger": unserved.passenger}
            problems.append(Violation("unserved_unknown_movement", params))
    for movement in schedule.movements:
        params = {"movement": movement.id, "passenger": movement.passenger}
        if movement.id in served and listed[movement.id]:
            problems.append(Violation("served_and_unserved", params, [movement.id]))
        if movement.id not in served and not listed[movement.id]:
            problems.append(Violation("movement_not_covered", params))
    return problems


def _need_problems(scenario: Scenario, schedule: Schedule, served: dict) -> list[Violation]:
    """Every movement the rules call for (read from the scenario, not from the planner) is in the schedule, and
    served within the rules' windows if it is served; the schedule has no movement the rules do not call for;
    each passenger's rides come one after the other, in the order of their needs."""
    zone = scenario.zone
    skipped = {(u.passenger, u.session) for u in schedule.unserved if u.movement is None and u.session}
    unmatched: dict[tuple, list[Movement]] = defaultdict(list)
    for movement in schedule.movements:
        unmatched[(movement.passenger, movement.kind, movement.origin, movement.destination, movement.session)].append(
            movement
        )
    problems = []
    rides_in_order: dict[str, list[Movement]] = defaultdict(list)
    for need in needs(scenario, skipped):
        matching = unmatched[(need.passenger, need.kind, need.origin, need.destination, need.session)]
        if not matching:
            problems.append(Violation("need_not_covered", _need_params(need)))
            continue
        movement = matching.pop(0)
        if movement.id in served:
            problems += _window_problems(need, movement, *served[movement.id], zone)
            rides_in_order[need.passenger].append(movement)
    for movement in (m for left in unmatched.values() for m in left):
        problems.append(Violation("movement_without_need", {"movement": movement.id, **_who(movement)}, [movement.id]))
    for passenger, rides in rides_in_order.items():
        for first, second in pairwise(rides):
            until, since = served[first.id][1].arrive_at, served[second.id][0].depart_at
            if since < until:
                params = {"passenger": passenger, "first_from": first.origin, "first_to": first.destination}
                params |= {"until_at": local_iso(until, zone), "second_from": second.origin}
                params |= {"second_to": second.destination, "since_at": local_iso(since, zone)}
                problems.append(Violation("two_places_at_once", params, [second.id]))
    return problems


def _need_params(need: Need) -> dict:
    return {
        "passenger": need.passenger,
        "kind": need.kind,
        "from": need.origin,
        "to": need.destination,
        "session": need.session,
    }


def _window_problems(need: Need, movement: Movement, board_stop: Stop, alight_stop: Stop, zone) -> list[Violation]:
    """Picked up when the vehicle is at the boarding place some moment inside the pickup window; dropped off when
    it reaches the alighting place."""
    problems = []
    (pickup_from, pickup_until), (dropoff_from, dropoff_until) = need.pickup, need.dropoff
    if (pickup_from and board_stop.depart_at < pickup_from) or (pickup_until and board_stop.arrive_at > pickup_until):
        params = {
            **_who(movement),
            "stop_window": local_window(board_stop.arrive_at, board_stop.depart_at, zone),
            "window": local_window(pickup_from, pickup_until, zone),
        }
        problems.append(Violation("pickup_outside_rules", params, [movement.id]))
    dropoff = alight_stop.arrive_at
    if (dropoff_from and dropoff < dropoff_from) or (dropoff_until and dropoff > dropoff_until):
        params = {
            **_who(movement),
            "dropoff_at": local_iso(dropoff, zone),
            "window": local_window(dropoff_from, dropoff_until, zone),
        }
        problems.append(Violation("dropoff_outside_rules", params, [movement.id]))
    return problems


def _minutes(span: timedelta) -> int:
    return round(span.total_seconds() / 60)
