"""Which sessions a delegate cannot attend: unreachable after landing, too close to the flight out, or
overlapping an earlier one. The planner skips them and the import warns about them."""

from dataclasses import dataclass
from datetime import tzinfo

from scheduling.model import Event, Person
from scheduling.reasons import Reason, local_iso
from scheduling.rules import MovementRules, Point


@dataclass(frozen=True)
class AttendanceProblem:
    session: str
    kind: str  # "conflict", "before_arrival" or "after_departure"
    reason: Reason  # session_conflict, session_before_arrival or session_after_departure


def attendance_problems(
    rules: MovementRules, person: Person, events: list[Event], places: dict[str, Point], zone: tzinfo | None = None
) -> list[AttendanceProblem]:
    """The person's sessions (`events`) they cannot attend, in time order. Moments in the reasons are in `zone`
    (as given when there is none)."""
    problems: list[AttendanceProblem] = []
    attended: list[Event] = []
    for event in sorted(events, key=lambda e: (e.starts_at, e.code)):
        problem = _reach_problem(rules, person, event, places, zone)
        if problem is None:
            clash = next((earlier for earlier in attended if event.starts_at < earlier.ends_at), None)
            if clash is not None:
                problem = AttendanceProblem(event.code, "conflict", Reason.of("session_conflict", overlaps=clash.code))
        if problem is None:
            attended.append(event)
        else:
            problems.append(problem)
    return problems


def _reach_problem(
    rules: MovementRules, person: Person, event: Event, places: dict[str, Point], zone: tzinfo | None
) -> AttendanceProblem | None:
    hotel, venue = places[person.hotel], places[event.place]
    if person.arrival_at is not None and person.arrival_place is not None:
        landing = places[person.arrival_place]
        at_hotel = person.arrival_at + rules.arrival_ready + rules.travel_time(landing, hotel) + rules.dwell
        earliest_at_venue = at_hotel + rules.travel_time(hotel, venue) + rules.dwell
        latest_at_venue = event.starts_at - rules.session_arrive_latest
        if earliest_at_venue > latest_at_venue:
            reason = Reason.of(
                "session_before_arrival",
                venue=event.place,
                landing_at=local_iso(person.arrival_at, zone),
                earliest_at=local_iso(earliest_at_venue, zone),
                needed_at=local_iso(latest_at_venue, zone),
            )
            return AttendanceProblem(event.code, "before_arrival", reason)
    if person.departure_at is not None and person.departure_place is not None:
        back_at_hotel = event.ends_at + rules.travel_time(venue, hotel) + rules.dwell
        at_airport = back_at_hotel + rules.travel_time(hotel, places[person.departure_place]) + rules.dwell
        latest_at_airport = person.departure_at - rules.departure_arrive_latest
        if at_airport > latest_at_airport:
            reason = Reason.of(
                "session_after_departure",
                venue=event.place,
                departure_venue=person.departure_place,
                ends_at=local_iso(event.ends_at, zone),
                needed_at=local_iso(latest_at_airport, zone),
                flight_at=local_iso(person.departure_at, zone),
            )
            return AttendanceProblem(event.code, "after_departure", reason)
    return None
