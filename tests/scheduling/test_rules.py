from datetime import UTC, datetime, timedelta

import pytest

from scheduling.rules import MovementRules, Place, Stay, Visit, attendance_problems, great_circle_km

RULES = MovementRules()
TOCUMEN = Place("PTY", (9.0714, -79.3835))
ATLAPA = Place("ATL", (8.9858, -79.5118))
HILTON = Place("HIL", (8.9773, -79.5208))
AMADOR = Place("PCC", (8.9245, -79.5386))
NINE = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_great_circle_distance_matches_a_known_figure():
    # Tocumen airport to ATLAPA is about 16.9 km as the crow flies
    assert great_circle_km(TOCUMEN.point, ATLAPA.point) == pytest.approx(16.9, abs=0.2)
    assert great_circle_km(ATLAPA.point, ATLAPA.point) == 0


def test_travel_time_is_road_distance_at_average_speed_rounded_up():
    km = great_circle_km(TOCUMEN.point, ATLAPA.point) * 1.3
    expected = -(-km / 30 * 60 // 1)  # ceil
    assert RULES.travel_time(TOCUMEN.point, ATLAPA.point) == timedelta(minutes=expected)
    assert RULES.travel_time(ATLAPA.point, ATLAPA.point) == timedelta(0)
    slower = MovementRules(speed_kmh=15)
    assert slower.travel_time(TOCUMEN.point, ATLAPA.point) > RULES.travel_time(TOCUMEN.point, ATLAPA.point)


def test_maximum_ride_time_is_the_larger_of_factor_and_extra():
    assert RULES.max_ride_time(timedelta(minutes=10)) == timedelta(minutes=25)  # 10 + 15 beats 15
    assert RULES.max_ride_time(timedelta(minutes=40)) == timedelta(minutes=60)  # 1.5 x 40 beats 55


def visit(code: str, place: Place, start: datetime, minutes: int = 90) -> Visit:
    return Visit(code, place, start, start + timedelta(minutes=minutes))


def test_a_delegate_in_town_can_attend_a_day_of_sessions():
    stay = Stay(hotel=HILTON)
    visits = [visit("PLEN", ATLAPA, NINE), visit("WS", AMADOR, NINE + timedelta(hours=2))]
    assert attendance_problems(RULES, stay, visits) == []


def test_overlapping_sessions_are_conflicts_of_the_later_one():
    stay = Stay(hotel=HILTON)
    problems = attendance_problems(
        RULES, stay, [visit("LATE", AMADOR, NINE + timedelta(minutes=30)), visit("PLEN", ATLAPA, NINE)]
    )
    assert [(p.session, p.kind, p.reason) for p in problems] == [("LATE", "conflict", "overlaps PLEN")]


def test_back_to_back_sessions_do_not_overlap():
    stay = Stay(hotel=HILTON)
    assert (
        attendance_problems(RULES, stay, [visit("A", ATLAPA, NINE), visit("B", ATLAPA, NINE + timedelta(minutes=90))])
        == []
    )


def test_session_before_the_delegate_can_arrive_is_reported():
    # lands 07:15, ready 08:00, 48 min to the hotel, 5 dwell, 4 min on, 5 dwell: 09:02 is too late for 08:50
    stay = Stay(hotel=HILTON, arrival_at=NINE - timedelta(minutes=105), arrival_place=TOCUMEN)
    problems = attendance_problems(
        RULES, stay, [visit("PLEN", ATLAPA, NINE), visit("PM", ATLAPA, NINE + timedelta(hours=5))]
    )
    assert [(p.session, p.kind) for p in problems] == [("PLEN", "before_arrival")]


def test_session_that_keeps_the_delegate_from_the_flight_is_reported():
    stay = Stay(hotel=HILTON, departure_at=NINE + timedelta(hours=4), departure_place=TOCUMEN)
    problems = attendance_problems(RULES, stay, [visit("PLEN", ATLAPA, NINE)])
    assert [(p.session, p.kind) for p in problems] == [("PLEN", "after_departure")]
    early_flight_later = Stay(hotel=HILTON, departure_at=NINE + timedelta(hours=6), departure_place=TOCUMEN)
    assert attendance_problems(RULES, early_flight_later, [visit("PLEN", ATLAPA, NINE)]) == []


def test_an_unreachable_session_does_not_cause_a_second_conflict():
    stay = Stay(hotel=HILTON, arrival_at=NINE - timedelta(hours=1), arrival_place=TOCUMEN)
    problems = attendance_problems(
        RULES, stay, [visit("PLEN", ATLAPA, NINE), visit("WS", AMADOR, NINE + timedelta(minutes=60), minutes=60)]
    )
    assert [(p.session, p.kind) for p in problems] == [("PLEN", "before_arrival"), ("WS", "before_arrival")]
