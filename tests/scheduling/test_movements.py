import itertools
from datetime import timedelta

from scheduling.model import Event, Ride
from scheduling.movements import derive_movements
from scheduling.planner import plan
from tests.scheduling.builders import EVENING, PLENARY, SAME_VENUE, WORKSHOP, at, car, person, ride, scenario


def movements_of(people, attendance, **kwargs):
    movements, unserved = derive_movements(scenario(people, [car("VAN-01")], attendance, **kwargs))
    return [(m.kind, m.origin, m.destination) for m in movements], movements, unserved


def test_arrival_is_picked_up_within_45_minutes_of_being_ready():
    traveller = person("P1", arrival_at=at(6, 10), arrival_place="PTY")
    route, movements, unserved = movements_of([traveller], {})
    assert route == [("arrival", "PTY", "HIL")]
    assert (movements[0].earliest_pickup, movements[0].latest_pickup) == (at(6, 10, 45), at(6, 11, 30))
    assert unserved == []


def test_session_day_from_hotel_to_venues_and_back():
    route, movements, _ = movements_of([person("P1")], {"P1": ["PLEN", "WS"]})
    assert route == [("to_session", "HIL", "ATL"), ("to_session", "ATL", "PCC"), ("to_hotel", "PCC", "HIL")]
    to_plenary, to_workshop, home = movements
    assert (to_plenary.earliest_dropoff, to_plenary.latest_dropoff) == (at(7, 8, 15), at(7, 8, 50))
    assert to_workshop.earliest_pickup >= PLENARY.ends_at, "not picked up before the plenary ends"
    assert to_workshop.latest_dropoff == at(7, 11, 5)
    assert to_workshop.earliest_dropoff > at(7, 10, 30), "the plenary ends 10:30, then the drive"
    assert (home.earliest_pickup, home.latest_pickup) == (WORKSHOP.ends_at, WORKSHOP.ends_at + timedelta(minutes=30))


def test_no_movement_between_sessions_at_the_same_venue():
    route, _, _ = movements_of([person("P1")], {"P1": ["PLEN", "WS-ATL"]})
    assert route == [("to_session", "HIL", "ATL"), ("to_hotel", "ATL", "HIL")]
    assert SAME_VENUE.place == PLENARY.place


def test_long_gap_sends_the_delegate_back_to_the_hotel_in_between():
    route, movements, _ = movements_of([person("P1")], {"P1": ["WS", "RECEPTION"]})
    assert route == [
        ("to_session", "HIL", "PCC"),
        ("to_hotel", "PCC", "HIL"),
        ("to_session", "HIL", "PCC"),
        ("to_hotel", "PCC", "HIL"),
    ]
    assert movements[1].earliest_pickup == WORKSHOP.ends_at
    assert movements[2].latest_dropoff == EVENING.starts_at - timedelta(minutes=10)


def test_departure_arrives_between_240_and_150_minutes_before_the_flight():
    leaving = person("P1", departure_at=at(9, 15), departure_place="PTY")
    route, movements, _ = movements_of([leaving], {})
    assert route == [("departure", "HIL", "PTY")]
    assert (movements[0].earliest_dropoff, movements[0].latest_dropoff) == (at(9, 11), at(9, 12, 30))


def test_movements_of_one_person_never_overlap_in_their_windows():
    traveller = person("P1", arrival_at=at(7, 6), arrival_place="PTY", departure_at=at(7, 23), departure_place="PTY")
    _, movements, unserved = movements_of([traveller], {"P1": ["PLEN", "WS"]})
    for before, after in itertools.pairwise(movements):
        assert after.earliest_pickup >= before.latest_dropoff
    assert all(u.session for u in unserved)


def test_sessions_before_arrival_and_conflicts_are_reported_not_dropped():
    late = person("P1", arrival_at=at(7, 10), arrival_place="PTY")
    _, movements, unserved = movements_of([late], {"P1": ["PLEN", "WS"]})
    assert [(u.session, u.reason.code) for u in unserved] == [
        ("PLEN", "session_before_arrival"),
        ("WS", "session_before_arrival"),
    ]
    assert [m.kind for m in movements] == ["arrival"]
    clash = {"P2": ["WS", "WS-ATL"]}
    _, _, unserved = movements_of([person("P2")], clash)
    assert [(u.session, u.reason) for u in unserved] == [("WS-ATL", "overlaps WS")]


def test_approved_vehicle_requests_become_movements_of_their_delegation():
    movements, unserved = derive_movements(scenario([], [car("VAN-01")], {}, rides=[ride("REQ-1", "US", seats=3)]))
    assert [(m.kind, m.passenger, m.seats, m.separate) for m in movements] == [("request", "REQ-1", 3, True)]
    assert unserved == []


def test_a_flight_home_soon_after_the_last_session_leaves_time_for_both_rides():
    """The ride back from the plenary (ends 10:30) may end as late as 11:24, but the ride to a 14:10 flight must
    leave by 10:47: the time between is split so that both stay possible. The departure used to start only at
    11:24, was listed as impossible, and was lost from the published schedule."""
    leaving = person("P1", departure_at=at(7, 14, 10), departure_place="PTY")
    route, movements, unserved = movements_of([leaving], {"P1": ["PLEN"]})
    assert route == [("to_session", "HIL", "ATL"), ("to_hotel", "ATL", "HIL"), ("departure", "HIL", "PTY")]
    assert unserved == []
    _, home, departure = movements
    assert home.latest_dropoff == departure.earliest_pickup == at(7, 10, 43)
    assert home.earliest_pickup <= home.latest_pickup and home.earliest_dropoff <= home.latest_dropoff
    assert departure.latest_pickup == at(7, 10, 47) and departure.latest_dropoff == at(7, 11, 40)


def test_a_session_soon_after_landing_can_still_be_reached():
    """Landing 06:45, ready 07:30: at the hotel by 08:22 and at the plenary by 08:31 if picked up at once. The ride
    from the airport may end as late as 09:30, which used to leave the ride to the plenary no time at all."""
    landing = person("P1", arrival_at=at(7, 6, 45), arrival_place="PTY")
    route, movements, unserved = movements_of([landing], {"P1": ["PLEN"]})
    assert route == [("arrival", "PTY", "HIL"), ("to_session", "HIL", "ATL"), ("to_hotel", "ATL", "HIL")]
    assert unserved == []
    arrival, to_plenary, _ = movements
    assert arrival.latest_dropoff == to_plenary.earliest_pickup <= to_plenary.latest_pickup


def test_a_movement_that_cannot_be_made_stays_among_the_movements_and_is_listed():
    """Back to back at two venues: no ride gets the delegate from ATL (ends 11:00) to PCC by 10:50. The ride is
    listed as unserved and kept among the movements (what is stored of a schedule is its movements); the delegate
    goes on from the session they were late for."""
    first = Event("A", "ATL", at(7, 9), at(7, 11))
    second = Event("B", "PCC", at(7, 11), at(7, 12))
    route, movements, unserved = movements_of([person("P1")], {"P1": ["A", "B"]}, events=(first, second))
    assert route == [("to_session", "HIL", "ATL"), ("to_session", "ATL", "PCC"), ("to_hotel", "PCC", "HIL")]
    assert [(u.movement, u.reason.code, u.reason) for u in unserved] == [
        (movements[1].id, "cannot_reach_in_time", "cannot get from ATL to PCC in time")
    ]
    late = movements[1]  # kept with windows that do not end before they start, as the database stores them
    assert late.earliest_pickup == at(7, 11) and late.latest_pickup >= late.earliest_pickup
    assert late.latest_dropoff >= late.earliest_dropoff


def test_a_request_too_short_for_the_drive_is_listed_and_kept():
    short = Ride("REQ-1", "US", "HIL", "PTY", at(7, 14), at(7, 14, 30), 2)
    movements, unserved = derive_movements(scenario([], [car("VAN-01")], {}, rides=[short]))
    assert [m.id for m in movements] == ["REQ-1"]
    assert [(u.movement, u.reason.code) for u in unserved] == [("REQ-1", "request_window_too_short")]
    kept = movements[0]
    assert kept.earliest_pickup == at(7, 14) and kept.latest_pickup == at(7, 14)
    assert kept.earliest_pickup < kept.latest_dropoff and kept.earliest_dropoff <= kept.latest_dropoff


def test_a_movement_the_desk_cancelled_stays_listed_and_is_not_routed():
    world = scenario([person("P1")], [car("VAN-01")], attendance={"P1": [PLENARY.code]})
    world.cancelled = frozenset({f"P1#hotel:{PLENARY.code}"})
    movements, unserved = derive_movements(world)
    assert f"P1#hotel:{PLENARY.code}" in {m.id for m in movements}
    assert [(u.movement, u.reason.code) for u in unserved] == [(f"P1#hotel:{PLENARY.code}", "cancelled_by_desk")]
    schedule = plan(world)
    riding = {m for trip in schedule.trips for stop in trip.stops for m in stop.board}
    assert f"P1#to:{PLENARY.code}" in riding and f"P1#hotel:{PLENARY.code}" not in riding
