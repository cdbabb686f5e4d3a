"""Sessions a delegate cannot attend."""

from datetime import UTC, datetime, timedelta

from scheduling.attendance import attendance_problems
from scheduling.model import Event, Person
from scheduling.rules import MovementRules

RULES = MovementRules()
PLACES = {"PTY": (9.0714, -79.3835), "ATL": (8.9858, -79.5118), "HIL": (8.9773, -79.5208), "PCC": (8.9245, -79.5386)}
NINE = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def session(code: str, place: str, start: datetime, minutes: int = 90) -> Event:
    return Event(code, place, start, start + timedelta(minutes=minutes))


def problems_of(person: Person, sessions: list[Event]):
    return attendance_problems(RULES, person, sessions, PLACES)


def test_a_delegate_in_town_can_attend_a_day_of_sessions():
    person = Person("D1", "PA", "HIL")
    visits = [session("PLEN", "ATL", NINE), session("WS", "PCC", NINE + timedelta(hours=2))]
    assert problems_of(person, visits) == []


def test_overlapping_sessions_are_conflicts_of_the_later_one():
    person = Person("D1", "PA", "HIL")
    problems = problems_of(person, [session("LATE", "PCC", NINE + timedelta(minutes=30)), session("PLEN", "ATL", NINE)])
    assert [(p.session, p.kind, p.reason) for p in problems] == [("LATE", "conflict", "overlaps PLEN")]


def test_back_to_back_sessions_do_not_overlap():
    person = Person("D1", "PA", "HIL")
    assert problems_of(person, [session("A", "ATL", NINE), session("B", "ATL", NINE + timedelta(minutes=90))]) == []


def test_session_before_the_delegate_can_arrive_is_reported():
    # lands 07:15, ready 08:00, 48 min to the hotel, 5 dwell, 4 min on, 5 dwell: 09:02 is too late for 08:50
    person = Person("D1", "PA", "HIL", arrival_at=NINE - timedelta(minutes=105), arrival_place="PTY")
    problems = problems_of(person, [session("PLEN", "ATL", NINE), session("PM", "ATL", NINE + timedelta(hours=5))])
    assert [(p.session, p.kind) for p in problems] == [("PLEN", "before_arrival")]


def test_session_that_keeps_the_delegate_from_the_flight_is_reported():
    person = Person("D1", "PA", "HIL", departure_at=NINE + timedelta(hours=4), departure_place="PTY")
    problems = problems_of(person, [session("PLEN", "ATL", NINE)])
    assert [(p.session, p.kind) for p in problems] == [("PLEN", "after_departure")]
    early_flight_later = Person("D1", "PA", "HIL", departure_at=NINE + timedelta(hours=6), departure_place="PTY")
    assert problems_of(early_flight_later, [session("PLEN", "ATL", NINE)]) == []


def test_an_unreachable_session_does_not_cause_a_second_conflict():
    person = Person("D1", "PA", "HIL", arrival_at=NINE - timedelta(hours=1), arrival_place="PTY")
    problems = problems_of(
        person, [session("PLEN", "ATL", NINE), session("WS", "PCC", NINE + timedelta(minutes=60), minutes=60)]
    )
    assert [(p.session, p.kind) for p in problems] == [("PLEN", "before_arrival"), ("WS", "before_arrival")]
