from datetime import date, timedelta

import pytest

from delegates.models import Flight
from delegates.selectors.flights import conference_flights, flight_days, flight_delegates, flight_shifts
from tests.factories import DelegateFactory
from tests.flights import flying_conference, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def flying():
    return flying_conference()


def summary(flights):
    return [(f.number, f.date, f.kind, f.venue, f.scheduled_at, f.expected_at, f.delegates) for f in flights]


def test_flights_are_grouped_by_number_local_date_and_kind_in_time_order(flying):
    assert summary(conference_flights(conference=flying.conference)) == [
        ("CM 675", date(2026, 12, 7), "arrival", "PTY", local(7, 9, 55), None, 3),
        ("CM 999", date(2026, 12, 7), "arrival", "PTY", local(7, 21, 30), None, 1),
        ("CM 675", date(2026, 12, 8), "departure", "PTY", local(8, 16), None, 1),
        ("IB 672", date(2026, 12, 8), "departure", "PTY", local(8, 18), None, 2),
    ]


def test_the_local_date_counts_not_the_utc_one(flying):
    """CM 999 lands at 21:30 in Panama on 7 December, 02:30 UTC on the 8th."""
    late = conference_flights(conference=flying.conference, number="CM 999")
    assert [(f.date, f.scheduled_at.astimezone(flying.conference.zone).hour) for f in late] == [(date(2026, 12, 7), 21)]


def test_flights_filter_by_day_kind_and_number(flying):
    conference = flying.conference
    assert [f.number for f in conference_flights(conference=conference, day=date(2026, 12, 8))] == ["CM 675", "IB 672"]
    assert {f.kind for f in conference_flights(conference=conference, kind="arrival")} == {"arrival"}
    assert [(f.date, f.kind) for f in conference_flights(conference=conference, number="CM 675")] == [
        (date(2026, 12, 7), "arrival"),
        (date(2026, 12, 8), "departure"),
    ]
    assert conference_flights(conference=conference, day=date(2026, 12, 9)) == []
    assert flight_days(flights=conference_flights(conference=conference)) == [date(2026, 12, 7), date(2026, 12, 8)]


def test_a_delegate_without_a_flight_number_is_on_no_flight(flying):
    DelegateFactory(conference=flying.conference, arrival_at=local(7, 9, 55), arrival_venue=flying.airport)
    arrivals = conference_flights(conference=flying.conference, kind="arrival")
    assert [(f.number, f.delegates) for f in arrivals] == [("CM 675", 3), ("CM 999", 1)]


def test_the_expected_time_comes_from_the_desk_and_shifts_the_flight(flying):
    Flight.objects.create(
        conference=flying.conference, number="CM 675", date=date(2026, 12, 7), kind="arrival", expected_at=local(7, 12)
    )
    Flight.objects.create(conference=flying.conference, number="IB 672", date=date(2026, 12, 8), kind="departure")
    flights = {(f.number, f.kind): f for f in conference_flights(conference=flying.conference)}
    assert flights["CM 675", "arrival"].expected_at == local(7, 12)
    assert flights["CM 675", "arrival"].shift == timedelta(hours=2, minutes=5)
    assert flights["CM 675", "departure"].expected_at is None  # the same number on another date and kind
    assert flights["IB 672", "departure"].expected_at is None and flights["IB 672", "departure"].shift == timedelta(0)


def test_listing_costs_the_same_queries_whatever_the_number_of_flights(flying, django_assert_num_queries):
    with django_assert_num_queries(4):  # arrivals, departures, expected times, places
        conference_flights(conference=flying.conference)
    for n in range(20):
        DelegateFactory(
            conference=flying.conference,
            arrival_at=local(7, 8) + timedelta(minutes=n),
            arrival_venue=flying.airport,
            arrival_flight=f"XX {n}",
        )
    with django_assert_num_queries(4):
        assert len(conference_flights(conference=flying.conference)) == 24


def test_the_delegates_on_each_flight_of_a_day(flying, django_assert_num_queries):
    with django_assert_num_queries(2):  # one query per kind, delegations joined
        on_board = flight_delegates(conference=flying.conference, day=date(2026, 12, 7))
        names = {
            key: [(d.external_id, d.delegation.code, d.flight_at) for d in people] for key, people in on_board.items()
        }
    assert names == {
        ("CM 675", date(2026, 12, 7), "arrival"): [
            ("PA-1", "PA", local(7, 9, 55)),
            ("CR-1", "CR", local(7, 10, 5)),
            ("PA-2", "PA", local(7, 10, 5)),
        ],
        ("CM 999", date(2026, 12, 7), "arrival"): [("CR-2", "CR", local(7, 21, 30))],
    }
    one = flight_delegates(conference=flying.conference, day=date(2026, 12, 8), kind="departure", number="CM 675")
    assert {key: [d.external_id for d in people] for key, people in one.items()} == {
        ("CM 675", date(2026, 12, 8), "departure"): ["CR-1"]
    }


def test_shifts_move_everyone_on_a_flight_by_expected_minus_the_earliest_scheduled_time(flying):
    conference = flying.conference
    assert flight_shifts(conference=conference) == {}
    Flight.objects.create(
        conference=conference, number="CM 675", date=date(2026, 12, 7), kind="arrival", expected_at=local(7, 11, 55)
    )
    Flight.objects.create(
        conference=conference, number="IB 672", date=date(2026, 12, 8), kind="departure", expected_at=local(8, 17, 30)
    )
    Flight.objects.create(conference=conference, number="CM 999", date=date(2026, 12, 7), kind="arrival")
    shifts = flight_shifts(conference=conference)
    assert dict(shifts) == {
        ("PA-1", "arrival"): timedelta(hours=2),
        ("PA-2", "arrival"): timedelta(hours=2),
        ("CR-1", "arrival"): timedelta(hours=2),
        ("PA-1", "departure"): timedelta(minutes=-30),
        ("PA-2", "departure"): timedelta(minutes=-30),
    }
    assert shifts[("CR-1", "departure")] == timedelta(0)  # CM 675 of 8 December has no expected time


def test_an_expected_time_of_another_date_shifts_nobody(flying):
    Flight.objects.create(
        conference=flying.conference,
        number="CM 675",
        date=date(2026, 12, 6),
        kind="arrival",
        expected_at=local(6, 12),
    )
    assert dict(flight_shifts(conference=flying.conference)) == {}
