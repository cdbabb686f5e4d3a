"""What each passenger needs, read straight from the data contract (design/data-formats.md, movement rules).

This is the validator's own derivation. It is written apart from movements.py, parties.py and planner.py and
imports none of them, so that a movement the planner never derives, or derives wrongly, does not go unnoticed.
Its windows are the contract's plain reading; an end the contract leaves open is None.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from scheduling.model import Person, Scenario

Window = tuple[datetime | None, datetime | None]


@dataclass(frozen=True)
class Need:
    passenger: str  # a delegate's id, or a ride request's id
    kind: str  # arrival, to_session, to_hotel, departure, request
    origin: str
    destination: str
    session: str | None  # the session it goes to (to_session) or comes back from (to_hotel)
    pickup: Window
    dropoff: Window


@dataclass(frozen=True)
class Rider:
    """Who a passenger is, as the scenario says: the grouping rules are checked against this, not the movements."""

    id: str
    delegation: str
    seats: int
    vip: bool = False
    separate: bool = False
    accessible: bool = False
    request: bool = False


def riders(scenario: Scenario) -> dict[str, Rider]:
    found = {p.id: Rider(p.id, p.delegation, 1, p.vip, p.separate, p.accessible) for p in scenario.people}
    for ride in scenario.rides:
        found[ride.id] = Rider(ride.id, ride.delegation, ride.seats, request=True)
    return found


def needs(scenario: Scenario, skipped: set[tuple[str, str]]) -> list[Need]:
    """Every movement the rules call for, each passenger's in the order they make them.
    `skipped`: (delegate, session) pairs listed as skipped or in conflict; the delegate does not go to those."""
    found: list[Need] = []
    for person in scenario.people:
        found += _person_needs(scenario, person, skipped)
    for ride in scenario.rides:
        found.append(
            Need(
                ride.id,
                "request",
                ride.origin,
                ride.destination,
                None,
                (ride.window_start, None),
                (None, ride.window_end),
            )
        )
    return found


def _person_needs(scenario: Scenario, person: Person, skipped: set[tuple[str, str]]) -> list[Need]:
    rules = scenario.rules
    hotel = person.hotel
    found: list[Need] = []

    # 1. arrival: ready 45 minutes after landing, picked up within 45 minutes of being ready
    if person.arrival_at and person.arrival_place and person.arrival_place != hotel:
        ready = person.arrival_at + rules.arrival_ready
        pickup = (ready, ready + rules.arrival_pickup_window)
        found.append(Need(person.id, "arrival", person.arrival_place, hotel, None, pickup, (None, None)))

    # 2. and 3. each day's sessions, from the hotel or the previous session, and back to the hotel
    sessions = {event.code: event for event in scenario.events}
    going = [
        sessions[code]
        for code in dict.fromkeys(scenario.attendance.get(person.id, []))
        if code in sessions and (person.id, code) not in skipped
    ]
    days = defaultdict(list)
    for session in sorted(going, key=lambda s: (s.starts_at, s.code)):
        days[session.starts_at.astimezone(scenario.zone).date()].append(session)
    for day in sorted(days):
        here, previous = hotel, None
        for session in days[day]:
            gap = session.starts_at - previous.ends_at if previous else None
            if here != hotel and gap > rules.return_to_hotel_gap:
                found.append(_back_to_hotel(scenario, person, here, previous))
                here = hotel
            if here != session.place:
                leaves_after = previous.ends_at if previous and here == previous.place else None
                arrives = (
                    session.starts_at - rules.session_arrive_earliest,
                    session.starts_at - rules.session_arrive_latest,
                )
                found.append(
                    Need(person.id, "to_session", here, session.place, session.code, (leaves_after, None), arrives)
                )
                here = session.place
            previous = session
        if here != hotel:
            found.append(_back_to_hotel(scenario, person, here, previous))

    # 4. departure: at the airport between 240 and 150 minutes before the flight
    if person.departure_at and person.departure_place and person.departure_place != hotel:
        arrives = (
            person.departure_at - rules.departure_arrive_earliest,
            person.departure_at - rules.departure_arrive_latest,
        )
        found.append(Need(person.id, "departure", hotel, person.departure_place, None, (None, None), arrives))
    return found


def _back_to_hotel(scenario: Scenario, person: Person, here: str, session) -> Need:
    pickup = (session.ends_at, session.ends_at + scenario.rules.hotel_pickup_window)
    return Need(person.id, "to_hotel", here, person.hotel, session.code, pickup, (None, None))
