from datetime import timedelta

import pytest

from scheduling.rules import MovementRules, great_circle_km

RULES = MovementRules()
TOCUMEN = (9.0714, -79.3835)
ATLAPA = (8.9858, -79.5118)


def test_great_circle_distance_matches_a_known_figure():
    # Tocumen airport to ATLAPA is about 16.9 km as the crow flies
    assert great_circle_km(TOCUMEN, ATLAPA) == pytest.approx(16.9, abs=0.2)
    assert great_circle_km(ATLAPA, ATLAPA) == 0


def test_travel_time_is_road_distance_at_average_speed_rounded_up():
    km = great_circle_km(TOCUMEN, ATLAPA) * 1.3
    expected = -(-km / 30 * 60 // 1)  # ceil
    assert RULES.travel_time(TOCUMEN, ATLAPA) == timedelta(minutes=expected)
    assert RULES.travel_time(ATLAPA, ATLAPA) == timedelta(0)
    slower = MovementRules(speed_kmh=15)
    assert slower.travel_time(TOCUMEN, ATLAPA) > RULES.travel_time(TOCUMEN, ATLAPA)


def test_maximum_ride_time_is_the_larger_of_factor_and_extra():
    assert RULES.max_ride_time(timedelta(minutes=10)) == timedelta(minutes=25)  # 10 + 15 beats 15
    assert RULES.max_ride_time(timedelta(minutes=40)) == timedelta(minutes=60)  # 1.5 x 40 beats 55
