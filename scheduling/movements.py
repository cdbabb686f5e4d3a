"""Derive every movement the rules call for, and every session need that cannot become one."""

import itertools
from collections import defaultdict
from datetime import datetime

from scheduling.model import Event, Movement, Person, Scenario, Unserved
from scheduling.rules import Place, Stay, Visit, attendance_problems

NEVER = datetime.min.replace(year=1900)


def derive_movements(scenario: Scenario) -> tuple[list[Movement], list[Unserved]]:
    events = {event.code: event for event in scenario.events}
    movements: list[Movement] = []
    unserved: list[Unserved] = []
    for person in scenario.people:
        attended = [events[code] for code in scenario.attendance.get(person.id, []) if code in events]
        person_movements, person_unserved = _person_movements(scenario, person, attended)
        movements += person_movements
        unserved += person_unserved
    for ride in scenario.rides:
        rules, places = scenario.rules, scenario.places
        direct = rules.travel_time(places[ride.origin], places[ride.destination])
        movement = Movement(
            id=f"{ride.id}",
            kind="request",
            passenger=ride.id,
            delegation=ride.delegation,
            origin=ride.origin,
            destination=ride.destination,
            earliest_pickup=ride.window_start,
            latest_pickup=ride.window_end - direct - rules.dwell,
            earliest_dropoff=ride.window_start + rules.dwell + direct,
            latest_dropoff=ride.window_end,
            seats=ride.seats,
            separate=True,
            ride=ride.id,
        )
        if movement.latest_pickup < movement.earliest_pickup:
            unserved.append(_unserved(movement, "the requested window is shorter than the drive"))
        else:
            movements.append(movement)
    return movements, unserved


def _person_movements(scenario: Scenario, person: Person, attended: list[Event]):
    rules, places, zone = scenario.rules, scenario.places, scenario.zone
    movements: list[Movement] = []
    unserved: list[Unserved] = []

    def place(code: str) -> Place:
        return Place(code, places[code])

    stay = Stay(
        hotel=place(person.hotel),
        arrival_at=person.arrival_at,
        arrival_place=place(person.arrival_place) if person.arrival_place else None,
        departure_at=person.departure_at,
        departure_place=place(person.departure_place) if person.departure_place else None,
    )
    visits = [Visit(e.code, place(e.place), e.starts_at, e.ends_at) for e in attended]
    skipped = {problem.session: problem for problem in attendance_problems(rules, stay, visits)}
    for event in attended:
        if event.code in skipped:
            problem = skipped[event.code]
            reason = {"conflict": "conflict: ", "before_arrival": "skipped: ", "after_departure": "skipped: "}[
                problem.kind
            ] + problem.detail
            unserved.append(Unserved(None, person.id, None, event.place, reason, session=event.code))

    def add(kind, origin, destination, pickup, dropoff, session=None) -> Movement | None:
        """pickup/dropoff: (earliest, latest) windows; either may be None and is derived from the other."""
        direct = rules.travel_time(places[origin], places[destination])
        limit = rules.max_ride_time(direct)
        if pickup is None:
            pickup = (dropoff[0] - rules.dwell - limit, dropoff[1] - rules.dwell - direct)
        if dropoff is None:
            dropoff = (pickup[0] + rules.dwell + direct, pickup[1] + rules.dwell + limit)
        earliest_pickup = max(pickup[0], free_from[0])
        movement = Movement(
            id=f"{person.id}#{next(numbers)}",
            kind=kind,
            passenger=person.id,
            delegation=person.delegation,
            origin=origin,
            destination=destination,
            earliest_pickup=earliest_pickup,
            latest_pickup=pickup[1],
            earliest_dropoff=max(dropoff[0], earliest_pickup + rules.dwell + direct),
            latest_dropoff=dropoff[1],
            vip=person.vip,
            separate=person.separate,
            accessible=person.accessible,
            session=session,
        )
        if movement.latest_pickup < movement.earliest_pickup or movement.latest_dropoff < movement.earliest_dropoff:
            unserved.append(_unserved(movement, f"cannot get from {origin} to {destination} in time"))
            return None
        movements.append(movement)
        free_from[0] = movement.latest_dropoff
        return movement

    free_from = [NEVER.replace(tzinfo=zone)]
    numbers = itertools.count(1)
    hotel = person.hotel
    if person.arrival_at is not None and person.arrival_place is not None and person.arrival_place != hotel:
        ready = person.arrival_at + rules.arrival_ready
        add("arrival", person.arrival_place, hotel, (ready, ready + rules.arrival_pickup_window), None)

    by_day: dict = defaultdict(list)
    for event in sorted(attended, key=lambda e: (e.starts_at, e.code)):
        if event.code not in skipped:
            by_day[event.starts_at.astimezone(zone).date()].append(event)
    for day in sorted(by_day):
        here, previous = hotel, None
        for event in by_day[day]:
            if (
                previous is not None
                and here != hotel
                and event.starts_at - previous.ends_at > rules.return_to_hotel_gap
            ):
                _back_to_hotel(add, rules, here, hotel, previous)
                here = hotel
            if here == event.place:
                previous = event
                continue
            if previous is not None and here == previous.place:
                free_from[0] = max(free_from[0], previous.ends_at)
            arrive = (event.starts_at - rules.session_arrive_earliest, event.starts_at - rules.session_arrive_latest)
            if add("to_session", here, event.place, None, arrive, session=event.code) is None:
                continue  # could not get there: the person stays where they are
            here, previous = event.place, event
        if here != hotel and previous is not None:
            _back_to_hotel(add, rules, here, hotel, previous)

    if person.departure_at is not None and person.departure_place is not None and person.departure_place != hotel:
        latest = person.departure_at - rules.departure_arrive_latest
        add(
            "departure",
            hotel,
            person.departure_place,
            None,
            (person.departure_at - rules.departure_arrive_earliest, latest),
        )
    return movements, unserved


def _back_to_hotel(add, rules, here: str, hotel: str, previous: Event) -> None:
    pickup = (previous.ends_at, previous.ends_at + rules.hotel_pickup_window)
    add("to_hotel", here, hotel, pickup, None, session=previous.code)


def _unserved(movement: Movement, reason: str) -> Unserved:
    return Unserved(movement.id, movement.passenger, movement.origin, movement.destination, reason, movement.session)
