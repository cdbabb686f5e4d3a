import itertools
from datetime import timedelta

from scheduling.movements import derive_movements
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
    assert [(u.session, u.reason.split(":")[0]) for u in unserved] == [("PLEN", "skipped"), ("WS", "skipped")]
    assert [m.kind for m in movements] == ["arrival"]
    clash = {"P2": ["WS", "WS-ATL"]}
    _, _, unserved = movements_of([person("P2")], clash)
    assert [(u.session, u.reason) for u in unserved] == [("WS-ATL", "conflict: overlaps WS")]


def test_approved_vehicle_requests_become_movements_of_their_delegation():
    movements, unserved = derive_movements(scenario([], [car("VAN-01")], {}, rides=[ride("REQ-1", "US", seats=3)]))
    assert [(m.kind, m.passenger, m.seats, m.separate) for m in movements] == [("request", "REQ-1", 3, True)]
    assert unserved == []
