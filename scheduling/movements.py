"""Derive every movement the rules call for, and every session need that cannot become one."""

import dataclasses
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from scheduling.attendance import attendance_problems
from scheduling.model import Event, Movement, Person, Scenario, Unserved
from scheduling.reasons import Reason

LONG_AGO = datetime(1900, 1, 1, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def derive_movements(scenario: Scenario) -> tuple[list[Movement], list[Unserved]]:
    """Every movement the rules call for, and what cannot be served whatever the fleet: the sessions a delegate
    skips, the movements that cannot be made in time, and those the desk cancelled. Those movements stay in the
    list (the unserved entry names them), so that no needed movement is missing from a schedule."""
    events = {event.code: event for event in scenario.events}
    movements: list[Movement] = []
    unserved: list[Unserved] = []
    for person in scenario.people:
        attended = [events[code] for code in scenario.attendance.get(person.id, []) if code in events]
        person_movements, person_unserved = _person_movements(scenario, person, attended)
        movements += person_movements
        unserved += person_unserved
    rules, places = scenario.rules, scenario.places
    for ride in scenario.rides:
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
            unserved.append(unserved_of(movement, Reason.of("request_window_too_short")))
            movement = _ordered(movement)
        movements.append(movement)
    listed = {entry.movement for entry in unserved}
    for movement in movements:
        if movement.id in scenario.cancelled and movement.id not in listed:
            unserved.append(unserved_of(movement, Reason.of("cancelled_by_desk")))
    return movements, unserved


def _person_movements(
    scenario: Scenario, person: Person, attended: list[Event]
) -> tuple[list[Movement], list[Unserved]]:
    rules, places, zone = scenario.rules, scenario.places, scenario.zone

    skipped = {problem.session: problem for problem in attendance_problems(rules, person, attended, places, zone)}
    unserved = [
        Unserved(None, person.id, None, event.place, skipped[event.code].reason, session=event.code)
        for event in attended
        if event.code in skipped
    ]
    legs = _legs(scenario, person, [event for event in attended if event.code not in skipped])

    def drive(movement: Movement) -> timedelta:
        return rules.dwell + rules.travel_time(places[movement.origin], places[movement.destination])

    fitted = {movement.id: movement for movement in _in_sequence(legs, drive)}
    for leg in legs:
        if leg.id not in fitted:
            reason = Reason("cannot_reach_in_time", {"from": leg.origin, "to": leg.destination})
            unserved.append(unserved_of(leg, reason))
    return [fitted.get(leg.id) or _ordered(leg) for leg in legs], unserved


def _legs(scenario: Scenario, person: Person, sessions: list[Event]) -> list[Movement]:
    """The person's movements in the order they make them, each with the windows of its own rule."""
    rules, places, zone = scenario.rules, scenario.places, scenario.zone
    legs: list[Movement] = []

    def add(kind, origin, destination, pickup=None, dropoff=None, session=None, not_before=None) -> None:
        """pickup/dropoff: (earliest, latest); one of them is given, the other follows from the drive."""
        direct = rules.travel_time(places[origin], places[destination])
        limit = rules.max_ride_time(direct)
        if pickup is None:
            pickup = (dropoff[0] - rules.dwell - limit, dropoff[1] - rules.dwell - direct)
        if dropoff is None:
            dropoff = (pickup[0] + rules.dwell + direct, pickup[1] + rules.dwell + limit)
        earliest_pickup = pickup[0] if not_before is None else max(pickup[0], not_before)
        legs.append(
            Movement(
                id=_movement_id(person.id, kind, session),
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
        )

    def back_to_hotel(here: str, previous: Event) -> None:
        pickup = (previous.ends_at, previous.ends_at + rules.hotel_pickup_window)
        add("to_hotel", here, hotel, pickup=pickup, session=previous.code)

    hotel = person.hotel
    if person.arrival_at is not None and person.arrival_place is not None and person.arrival_place != hotel:
        ready = person.arrival_at + rules.arrival_ready
        add("arrival", person.arrival_place, hotel, pickup=(ready, ready + rules.arrival_pickup_window))

    by_day: dict = defaultdict(list)
    for event in sorted(sessions, key=lambda e: (e.starts_at, e.code)):
        by_day[event.starts_at.astimezone(zone).date()].append(event)
    for day in sorted(by_day):
        here, previous = hotel, None
        for event in by_day[day]:
            if (
                previous is not None
                and here != hotel
                and event.starts_at - previous.ends_at > rules.return_to_hotel_gap
            ):
                back_to_hotel(here, previous)
                here = hotel
            if here != event.place:
                # leaving the previous session's venue: not before it ends
                not_before = previous.ends_at if previous is not None and here == previous.place else None
                arrive = (
                    event.starts_at - rules.session_arrive_earliest,
                    event.starts_at - rules.session_arrive_latest,
                )
                add("to_session", here, event.place, dropoff=arrive, session=event.code, not_before=not_before)
            # the delegate is at the session even when they cannot be driven there in time
            here, previous = event.place, event
        if here != hotel and previous is not None:
            back_to_hotel(here, previous)

    if person.departure_at is not None and person.departure_place is not None and person.departure_place != hotel:
        arrive = (
            person.departure_at - rules.departure_arrive_earliest,
            person.departure_at - rules.departure_arrive_latest,
        )
        add("departure", hotel, person.departure_place, dropoff=arrive)
    return legs


def _movement_id(person: str, kind: str, session: str | None) -> str:
    """Stable across runs and inputs (a pin, a change record and the re-planner find a movement by it): a person
    makes each kind of movement at most once per session, and one arrival and one departure."""
    if kind == "to_session":
        return f"{person}#to:{session}"
    if kind == "to_hotel":
        return f"{person}#hotel:{session}"
    return f"{person}#{kind}"


def _in_sequence(legs: list[Movement], drive) -> list[Movement]:
    """One person's legs with windows that do not overlap: each leg's latest drop-off is the next leg's earliest
    pickup, so that the legs can be routed apart and the person is never in two places at once.

    The cut between two legs is the first leg's latest drop-off, unless that leaves the later legs no time (a
    session that ends shortly before the ride to the airport): then the time the two legs have is split half and
    half, so both stay possible whenever the person can make both. A leg the person cannot make even at the
    earliest (after the legs before it) is left out: the caller lists it as unserved.
    `drive(leg)`: the dwell at the pickup and the drive, the least a leg takes.
    """
    fitting, free = [], LONG_AGO  # free: the earliest the person can be at the next leg's origin
    for leg in legs:
        dropoff = max(leg.earliest_dropoff, max(leg.earliest_pickup, free) + drive(leg))
        if max(leg.earliest_pickup, free) <= leg.latest_pickup and dropoff <= leg.latest_dropoff:
            fitting.append(leg)
            free = dropoff
    # the latest each leg can be picked up with every later leg still possible
    latest_start: list = [None] * len(fitting)
    for number in reversed(range(len(fitting))):
        leg = fitting[number]
        following = latest_start[number + 1] if number + 1 < len(fitting) else None
        latest_dropoff = leg.latest_dropoff if following is None else min(leg.latest_dropoff, following)
        latest_start[number] = min(leg.latest_pickup, latest_dropoff - drive(leg))
    fitted, free = [], LONG_AGO
    for number, leg in enumerate(fitting):
        earliest_pickup = max(leg.earliest_pickup, free)
        earliest_dropoff = max(leg.earliest_dropoff, earliest_pickup + drive(leg))
        following = latest_start[number + 1] if number + 1 < len(fitting) else None
        if following is None or leg.latest_dropoff <= following:
            cut = leg.latest_dropoff
        else:
            cut = _halfway(earliest_dropoff, following)
        fitted.append(
            dataclasses.replace(
                leg,
                earliest_pickup=earliest_pickup,
                latest_pickup=min(leg.latest_pickup, cut - drive(leg)),
                earliest_dropoff=earliest_dropoff,
                latest_dropoff=cut,
            )
        )
        free = cut
    return fitted


def _ordered(leg: Movement) -> Movement:
    """An unserved leg whose windows do not end before they start, as every stored movement's: where the earliest
    pickup (after a session, at a request's start) lies past the latest, the latest moves up to it."""
    return dataclasses.replace(
        leg,
        latest_pickup=max(leg.latest_pickup, leg.earliest_pickup),
        latest_dropoff=max(leg.latest_dropoff, leg.earliest_dropoff),
    )


def _halfway(start: datetime, end: datetime) -> datetime:
    """Halfway between, on a whole minute from `start` (so that windows stay in whole minutes)."""
    half = (end - start) / 2
    return start + (half - half % MINUTE)


def unserved_of(movement: Movement, reason: Reason) -> Unserved:
    return Unserved(movement.id, movement.passenger, movement.origin, movement.destination, reason, movement.session)
