import dataclasses
import pickle
from datetime import timedelta

import pytest

from scheduling.model import Ride, Schedule, Stop, Trip, Unserved
from scheduling.movements import derive_movements
from scheduling.travel import formula_matrix
from scheduling.validate import rule_breaking_reasons, validate, without_movements
from tests.scheduling.builders import at, car, person, scenario

MATRIX_CACHE = {}


def drive(world, legs, start):
    """Stops along legs [(place, board, alight, not_before)], each as soon as travel allows."""
    matrix = formula_matrix(world.places, world.rules)
    index = matrix.index()
    stops, clock, here = [], start, None
    for place, board, alight, not_before in legs:
        if here is not None:
            clock += timedelta(seconds=matrix.seconds[index[here]][index[place]])
        arrive = max(clock, not_before or clock)
        depart = arrive + (world.rules.dwell if board or alight else timedelta(0))
        stops.append(Stop(place, arrive, depart, tuple(board), tuple(alight)))
        clock, here = depart, place
    return tuple(stops)


def plenary_day(people, cars, rides=()):
    """Both delegates (and any ride request) to the plenary and back in VAN-01: a schedule that keeps every rule."""
    world = scenario(people, cars, rides=rides)
    movements, unserved = derive_movements(world)
    out = [m.id for m in movements if m.kind in ("to_session", "request")]
    back = [m.id for m in movements if m.kind == "to_hotel"]
    morning = drive(
        world, [("DEP", [], [], None), ("HIL", out, [], None), ("ATL", [], out, at(7, 8, 20))], at(7, 7, 50)
    )
    evening = drive(
        world,
        [
            (morning[-1].place, [], [], None),
            ("ATL", back, [], at(7, 10, 30)),
            ("HIL", [], back, None),
            ("DEP", [], [], None),
        ],
        morning[-1].depart_at,
    )
    trips = [Trip("T-0001", cars[0].callsign, morning), Trip("T-0002", cars[0].callsign, evening)]
    return world, Schedule(trips=trips, movements=movements, unserved=unserved)


PEOPLE = [person("P1", "PA"), person("P2", "PA")]


def test_a_schedule_that_keeps_every_rule_has_no_violation():
    world, schedule = plenary_day(PEOPLE, [car("VAN-01")])
    assert validate(world, schedule) == []


def replace_stop(schedule, trip_number, stop_number, **changes):
    trips = list(schedule.trips)
    trip = trips[trip_number]
    stops = list(trip.stops)
    stops[stop_number] = dataclasses.replace(stops[stop_number], **changes)
    trips[trip_number] = dataclasses.replace(trip, stops=tuple(stops))
    return dataclasses.replace(schedule, trips=trips)


def only(violations, text):
    assert any(text in v for v in violations), violations
    return violations


def test_seats_are_never_exceeded():
    world, schedule = plenary_day(PEOPLE, [car("SED-01", seats=1)])
    only(validate(world, schedule), "2 passengers on board, the vehicle has 1 seats")


def test_vip_needs_an_armoured_vehicle_and_no_other_delegation():
    people = [person("P1", "PA", vip=True), person("P2", "CR")]
    world, schedule = plenary_day(people, [car("VAN-01")])
    violations = validate(world, schedule)
    only(violations, "VIP P1 in a vehicle that is not armoured")
    only(violations, "P1 (VIP, PA) rides with another delegation (CR)")
    world, schedule = plenary_day(people, [car("ARM-01", seats=3, armoured=True)])
    assert not any("armoured" in v for v in validate(world, schedule))


def test_separate_transport_delegation_never_shares():
    world, schedule = plenary_day([person("P1", "US", separate=True), person("P2", "CR")], [car("VAN-01")])
    only(validate(world, schedule), "P1 (separate transport, US) rides with another delegation (CR)")
    world, schedule = plenary_day(
        [person("P1", "US", separate=True), person("P2", "US", separate=True)], [car("VAN-01")]
    )
    assert validate(world, schedule) == []


def test_accessible_needs_an_accessible_vehicle():
    world, schedule = plenary_day([person("P1", accessible=True), person("P2")], [car("VAN-01")])
    only(validate(world, schedule), "P1 needs an accessible vehicle")
    world, schedule = plenary_day([person("P1", accessible=True), person("P2")], [car("VAN-01", accessible=True)])
    assert validate(world, schedule) == []


def test_dropoff_outside_the_window_and_ride_too_long():
    world, schedule = plenary_day(PEOPLE, [car("VAN-01")])
    late = schedule.trips[0].stops[2]
    broken = replace_stop(schedule, 0, 2, arrive_at=at(7, 8, 55), depart_at=at(7, 9))
    only(validate(world, broken), "dropped off Mon 07 Dec 08:55, outside Mon 07 Dec 08:15-08:50")
    early_pickup = replace_stop(schedule, 0, 1, arrive_at=at(7, 6), depart_at=at(7, 6, 5))
    only(validate(world, early_pickup), "rides")
    assert late.arrive_at < at(7, 8, 50)


def test_short_stops_fast_driving_and_broken_chains_are_caught():
    world, schedule = plenary_day(PEOPLE, [car("VAN-01")])
    pickup = schedule.trips[0].stops[1]
    short = replace_stop(schedule, 0, 1, depart_at=pickup.arrive_at + timedelta(minutes=2))
    only(validate(world, short), "the stop lasts less than 5 min")
    fast = replace_stop(schedule, 0, 2, arrive_at=pickup.depart_at + timedelta(minutes=1))
    only(validate(world, fast), "sooner than the")
    moved = replace_stop(schedule, 1, 0, place="PCC")
    only(validate(world, moved), "T-0002 starts at PCC but T-0001 ended at ATL")
    not_home = replace_stop(schedule, 1, 3, place="JWM")
    only(validate(world, not_home), "ends at JWM, not at the depot DEP")
    not_from_depot = replace_stop(schedule, 0, 0, place="JWM")
    only(validate(world, not_from_depot), "starts at JWM, not at the depot DEP")


def test_availability_of_the_vehicle():
    world, schedule = plenary_day(PEOPLE, [car("VAN-01", available_from=at(7, 8))])
    only(validate(world, schedule), "before it is available")


def test_every_movement_is_served_or_listed_with_a_reason():
    world, schedule = plenary_day(PEOPLE, [car("VAN-01")])
    dropped = dataclasses.replace(schedule, trips=schedule.trips[:1])
    violations = validate(world, dropped)
    only(violations, "neither served nor listed as unserved")
    movement = schedule.movements[0]
    listed = dataclasses.replace(
        schedule, unserved=[Unserved(movement.id, movement.passenger, movement.origin, movement.destination, "x")]
    )
    only(validate(world, listed), "both served and listed as unserved")


def test_a_person_is_never_in_two_places_at_once():
    world, schedule = plenary_day(PEOPLE, [car("VAN-01")])
    morning = schedule.trips[0]
    other = car("VAN-02")
    world.cars.append(other)
    back = [m.id for m in schedule.movements if m.kind == "to_hotel" and m.passenger == "P1"]
    # P1 is also driven home by VAN-02 while still riding to the plenary in VAN-01
    copy = drive(
        world,
        [("DEP", [], [], None), ("ATL", back, [], None), ("HIL", [], back, None), ("DEP", [], [], None)],
        at(7, 7, 55),
    )
    evening = dataclasses.replace(
        schedule.trips[1],
        stops=tuple(
            dataclasses.replace(
                s, board=tuple(b for b in s.board if b not in back), alight=tuple(a for a in s.alight if a not in back)
            )
            for s in schedule.trips[1].stops
        ),
    )
    broken = dataclasses.replace(schedule, trips=[morning, evening, Trip("T-0003", "VAN-02", copy)])
    violations = validate(world, broken)
    only(violations, "P1: in two places at once")


@pytest.mark.parametrize("field", ["board", "alight"])
def test_unknown_movements_and_vehicles_are_reported(field):
    world, schedule = plenary_day(PEOPLE, [car("VAN-01")])
    only(validate(world, replace_stop(schedule, 0, 1, **{field: ("nobody#1",)})), "unknown movement nobody#1")
    ghost = dataclasses.replace(schedule, trips=[dataclasses.replace(schedule.trips[0], vehicle="GHOST")])
    only(validate(world, ghost), "no vehicle GHOST in the fleet")


def test_violations_name_their_movements_and_those_can_be_taken_off():
    world, schedule = plenary_day([person("P1", "PA", vip=True), person("P2", "PA")], [car("VAN-01")])
    violations = validate(world, schedule)
    only(violations, "VIP P1 rides with P2, who are not VIPs")
    assert {v.code for v in violations} == {"vip_not_armoured", "vip_with_non_vip"}
    vip_movements = {m for v in violations for m in v.movements}
    assert vip_movements and all(m.startswith("P1#") for m in vip_movements)
    reasons = rule_breaking_reasons(violations)
    repaired = without_movements(schedule, reasons)
    assert validate(world, repaired) == []
    assert {u.movement for u in repaired.unserved} == vip_movements
    to_plenary = next(m for m in vip_movements if "#to:" in m)
    reason = reasons[to_plenary]
    assert (reason.code, reason.params["rule"]) == ("broke_rule", "vip_not_armoured")
    assert reason.startswith("could not be fitted within the rules (T-0001 (VAN-01) stop 2 at HIL: VIP P1 in a")


def test_a_violation_keeps_its_code_and_movements_through_pickle():
    world, schedule = plenary_day(PEOPLE, [car("SED-01", seats=1)])
    violation = validate(world, schedule)[0]
    again = pickle.loads(pickle.dumps(violation))
    assert (again, again.code, again.params, again.movements) == (
        violation,
        violation.code,
        violation.params,
        violation.movements,
    )


def test_who_rides_is_read_from_the_scenario_not_from_the_movements():
    world, schedule = plenary_day([person("P1", "PA", vip=True), person("P2", "CR")], [car("VAN-01")])
    unmarked = dataclasses.replace(schedule, movements=[dataclasses.replace(m, vip=False) for m in schedule.movements])
    only(validate(world, unmarked), "VIP P1 in a vehicle that is not armoured")


def test_a_ride_request_rides_alone():
    request = Ride("REQ-1", "US", "HIL", "ATL", at(7, 7, 30), at(7, 9), 2)
    world, schedule = plenary_day([person("P1")], [car("VAN-01")], rides=[request])
    violations = validate(world, schedule)
    only(violations, "request REQ-1 shares the vehicle with P1")
    assert {v.code for v in violations} == {"request_not_alone"}


def without(schedule, kind, passenger="P1"):
    """The schedule as a planner that never derived this movement would make it."""
    (gone,) = [m.id for m in schedule.movements if m.kind == kind and m.passenger == passenger]
    schedule = without_movements(schedule, {gone: "x"})
    return dataclasses.replace(
        schedule,
        movements=[m for m in schedule.movements if m.id != gone],
        unserved=[u for u in schedule.unserved if u.movement != gone],
    )


def test_a_needed_movement_the_planner_never_derived_is_caught():
    world, schedule = plenary_day(PEOPLE, [car("VAN-01")])
    violations = validate(world, without(schedule, "to_hotel"))
    assert [(v.code, v) for v in violations] == [
        (
            "need_not_covered",
            "P1 (to_hotel ATL->HIL): the rules call for this movement but the schedule neither has it nor lists it as unserved",
        )
    ]


def test_an_unserved_entry_must_name_a_movement_of_the_schedule():
    """What is stored of a schedule is its movements: an unserved entry that names none would be lost."""
    world, schedule = plenary_day(PEOPLE, [car("VAN-01")])
    dropped = without(schedule, "to_hotel")
    dropped.unserved.append(Unserved("P1#9", "P1", "ATL", "HIL", "cannot get from ATL to HIL in time", "PLEN"))
    codes = [v.code for v in validate(world, dropped)]
    assert codes == ["unserved_unknown_movement", "need_not_covered"]


def test_a_movement_the_rules_do_not_call_for_is_caught():
    world, schedule = plenary_day(PEOPLE, [car("VAN-01")])
    first = schedule.movements[0]
    extra = dataclasses.replace(first, id="P1#9", kind="departure", destination="PTY", session=None)
    listed = Unserved(extra.id, "P1", "HIL", "PTY", "no vehicle free in time")
    padded = dataclasses.replace(schedule, movements=[*schedule.movements, extra], unserved=[listed])
    only(validate(world, padded), "movement P1#9 of P1 (departure HIL->PTY): not a movement the rules call for")


def test_served_times_are_checked_against_the_rules_not_only_the_planners_windows():
    """A planner that let the ride home start before the plenary ends is caught, though the ride keeps its own
    (wrong) window."""
    world, schedule = plenary_day(PEOPLE, [car("VAN-01")])
    loose = [
        dataclasses.replace(m, earliest_pickup=at(7, 10), earliest_dropoff=at(7, 10)) if m.kind == "to_hotel" else m
        for m in schedule.movements
    ]
    early = replace_stop(
        dataclasses.replace(schedule, movements=loose), 1, 1, arrive_at=at(7, 10, 10), depart_at=at(7, 10, 15)
    )
    early = replace_stop(early, 1, 2, arrive_at=at(7, 10, 19), depart_at=at(7, 10, 24))
    violations = validate(world, early)
    only(
        violations,
        "P1 (to_hotel ATL->HIL): picked up Mon 07 Dec 10:10-10:15, outside Mon 07 Dec 10:30-11:00 that the rules give",
    )
    assert {v.code for v in violations} == {"pickup_outside_rules"}
