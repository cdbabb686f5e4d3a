"""Live re-planning on small hand-made cases: a published schedule is re-planned with a clock
(`plan(scenario, previous=published, live=Live(as_of, freeze, from_scratch))`), keeping what is frozen, changing as
little as the disruption forces, and honouring or reporting pins and dedicated vehicles. Every schedule is checked
by the independent validator, as a run of the app checks it (against the run's own fleet, `prepared.scenario`)."""

import dataclasses
from datetime import timedelta

import pytest

from scheduling.model import Event, Pin, Ride
from scheduling.planner import assemble, check_counters, plan, prepare, solve_day
from scheduling.replan import SIGNIFICANT, Live, frozen_changes, legs_of
from scheduling.validate import validate
from tests.scheduling.builders import EVENING, PLENARY, SAME_VENUE, WORKSHOP, at, car, person, scenario

# ---------------------------------------------------------------------------------------------------------- helpers


def checked(world, schedule):
    """The schedule, once the validator and the counters find nothing wrong with it."""
    assert validate(world, schedule) == []
    assert check_counters(schedule) == []
    return schedule


def published_plan(world):
    return checked(world, plan(world))


def replanned(world, published, live):
    """A re-plan as a run of the app makes it (`plan` does the same three steps): what `prepare` kept and let go,
    and the schedule, validated against the run's fleet (out-of-service vehicles cut to the trips they keep)."""
    prepared = prepare(world, previous=published, live=live)
    schedule = assemble(prepared, [solve_day(day) for day in prepared.days])
    assert validate(world, schedule) == []
    assert validate(prepared.scenario, schedule, prepared.matrix) == []
    assert check_counters(schedule) == []
    return prepared, schedule


def changed_legs(before, after, people=None):
    """Movements of `before` (of these people, when given) that `after` no longer serves, or serves in another
    vehicle, or with a pickup or drop-off moved by more than five minutes."""
    old, new = legs_of(before), legs_of(after)
    changed = []
    for movement, leg in sorted(old.items()):
        if people is not None and movement.split("#")[0] not in people:
            continue
        now = new.get(movement)
        if (
            now is None
            or now.vehicle != leg.vehicle
            or abs(now.pickup_at - leg.pickup_at) > SIGNIFICANT
            or abs(now.dropoff_at - leg.dropoff_at) > SIGNIFICANT
        ):
            changed.append(movement)
    return changed


def exact_leg(schedule, movement):
    """(vehicle, boarding stop, alighting stop) of a movement: what 'kept exactly' compares."""
    leg = legs_of(schedule)[movement]
    trip = schedule.trips[leg.trip]
    board, alight = trip.stops[leg.board], trip.stops[leg.alight]
    return (
        leg.vehicle,
        (board.place, board.arrive_at, board.depart_at),
        (alight.place, alight.arrive_at, alight.depart_at),
    )


def vehicles_of(schedule, passenger):
    return {leg.vehicle for leg in legs_of(schedule).values() if leg.movement.split("#")[0] == passenger}


def riders(schedule, vehicle):
    """Passengers who ride in this vehicle."""
    by_id = {m.id: m for m in schedule.movements}
    return {
        by_id[m].passenger for trip in schedule.trips if trip.vehicle == vehicle for s in trip.stops for m in s.board
    }


def unserved_codes(schedule):
    return {u.movement: u.reason.code for u in schedule.unserved if u.movement is not None}


def with_people(world, *people, attendance=None):
    return dataclasses.replace(
        world, people=[*world.people, *people], attendance={**world.attendance, **(attendance or {})}
    )


def with_person_changed(world, pid, **fields):
    return dataclasses.replace(
        world, people=[dataclasses.replace(p, **fields) if p.id == pid else p for p in world.people]
    )


def out_of_service(world, callsign):
    return dataclasses.replace(
        world, cars=[dataclasses.replace(c, out_of_service=True) if c.callsign == callsign else c for c in world.cars]
    )


# A conference of fourteen delegates in five delegations (a VIP, a separate_transport delegation), arrivals on the
# 6th, four sessions on the 7th, departures on the 8th, six vehicles.
ROSTER = [
    ("V1", "PA", "HIL", {"vip": True}, ["PLEN", "WS", "RECEPTION"]),
    ("A1", "PA", "HIL", {}, ["PLEN", "WS"]),
    ("A2", "PA", "HIL", {}, ["PLEN", "WS-ATL"]),
    ("C1", "CR", "JWM", {}, ["PLEN", "WS"]),
    ("C2", "CR", "JWM", {}, ["PLEN", "WS"]),
    ("C3", "CR", "HIL", {}, ["PLEN", "RECEPTION"]),
    ("C4", "CR", "JWM", {}, ["WS-ATL"]),
    ("S1", "US", "HIL", {"separate": True}, ["PLEN", "WS"]),
    ("S2", "US", "HIL", {"separate": True}, ["PLEN", "RECEPTION"]),
    ("M1", "MX", "JWM", {}, ["PLEN", "WS-ATL", "RECEPTION"]),
    ("M2", "MX", "JWM", {}, ["PLEN", "WS-ATL"]),
    ("M3", "MX", "HIL", {}, ["PLEN", "WS"]),
    ("M4", "MX", "HIL", {}, ["PLEN"]),
    ("G1", "GT", "JWM", {}, ["WS", "RECEPTION"]),
]


def conference(events=(PLENARY, WORKSHOP, SAME_VENUE, EVENING)):
    people, attendance = [], {}
    for number, (pid, delegation, hotel, fields, sessions) in enumerate(ROSTER):
        if number % 2 == 0:
            fields = {**fields, "arrival_at": at(6, 12 + number % 4, 10 * (number % 3)), "arrival_place": "PTY"}
        if number % 3 == 0:
            fields = {**fields, "departure_at": at(8, 16 + number % 3), "departure_place": "PTY"}
        people.append(person(pid, delegation, hotel, **fields))
        attendance[pid] = sessions
    cars = [
        car("VAN-01"),
        car("VAN-02"),
        car("VAN-03"),
        car("SUV-01", seats=4),
        car("ARM-01", seats=3, armoured=True),
        car("ARM-02", seats=3, armoured=True),
    ]
    return scenario(people, cars, attendance, events=events)


@pytest.fixture(scope="module")
def published_conference():
    world = conference()
    schedule = published_plan(world)
    assert schedule.metrics["served"] == schedule.metrics["movements"]  # a full plan to re-plan
    return world, schedule


# ------------------------------------------------------------------------ 1. least change with nothing to change


@pytest.mark.parametrize(
    "clock",
    [at(6, 5), at(6, 13), at(7, 8, 40), at(7, 10, 35), at(7, 12), at(7, 20), at(8, 11), at(9, 12)],
    ids=lambda c: c.strftime("%d-%H%M"),
)
@pytest.mark.parametrize("freeze", [0, 60, 180])
def test_unchanged_inputs_replanned_at_any_clock_keep_every_trip(published_conference, clock, freeze):
    world, published = published_conference
    live = Live(clock, timedelta(minutes=freeze))
    prepared, again = replanned(world, published, live)
    assert again.trips == published.trips  # same ids, vehicles, stops, times, passengers
    assert unserved_codes(again) == unserved_codes(published) == {}
    assert prepared.kept.released == {}
    assert again.metrics["live"]["routed_parties"] == 0
    assert again.metrics["live"]["kept_legs"] == len(legs_of(published))


def test_a_replan_of_a_replan_changes_nothing_either(published_conference):
    world, published = published_conference
    _, first = replanned(world, published, Live(at(7, 9)))
    _, second = replanned(world, first, Live(at(7, 11)))
    assert second.trips == first.trips == published.trips


# ------------------------------------------------------------------------------------------ 2. frozen legs stay


def four_delegates():
    """P1, P2 at the Hilton, P3, P4 (CR) at the JW Marriott; all at the plenary, P1 and P3 at the workshop too."""
    people = [person("P1"), person("P2"), person("P3", "CR", hotel="JWM"), person("P4", "CR", hotel="JWM")]
    attendance = {"P1": ["PLEN", "WS"], "P2": ["PLEN"], "P3": ["PLEN", "WS"], "P4": ["PLEN"]}
    return scenario(people, [car("VAN-01"), car("VAN-02")], attendance)


def six_more_at_the_jw_marriott(world):
    newcomers = [person(f"Q{number}", "US", hotel="JWM") for number in range(6)]
    return with_people(world, *newcomers, attendance={p.id: ["PLEN"] for p in newcomers})


@pytest.mark.parametrize("from_scratch", [False, True], ids=["least_change", "from_scratch"])
@pytest.mark.parametrize("freeze", [60, 120])
def test_frozen_legs_are_kept_exactly_when_a_change_would_move_them(from_scratch, freeze):
    world = four_delegates()
    published = published_plan(world)
    live = Live(at(7, 8, 40), timedelta(minutes=freeze), from_scratch)  # inside the morning trip
    frozen = sorted(m for m, leg in legs_of(published).items() if leg.trip_starts_at < live.horizon)
    started = [m for m, leg in legs_of(published).items() if leg.trip_starts_at < live.as_of]
    assert started and len(frozen) >= 4  # the clock is inside a trip; something is frozen
    changed = six_more_at_the_jw_marriott(world)
    # planned without the published schedule, the change moves frozen legs: the test can see them kept
    assert frozen_changes(published, published_plan(changed), live, set()) != []

    prepared, again = replanned(changed, published, live)

    assert set(frozen) <= set(prepared.kept.frozen)
    assert not set(frozen) & set(prepared.kept.released)
    assert frozen_changes(published, again, live, set()) == []
    for movement in frozen:
        assert exact_leg(again, movement) == exact_leg(published, movement), movement
    if from_scratch:
        assert set(prepared.kept.released.values()) == {"re_optimised"}  # only what is not frozen was let go
        assert set(prepared.kept.released) == set(legs_of(published)) - set(frozen)


# ---------------------------------------------------------------------------- 3. a vehicle taken out of service


def three_vans():
    people = [person("P1"), person("P2"), person("P3", "CR", hotel="JWM")]
    attendance = {"P1": ["PLEN", "WS"], "P2": ["PLEN"], "P3": ["PLEN"]}
    return scenario(people, [car("VAN-01"), car("VAN-02"), car("VAN-03")], attendance)


def test_out_of_service_vehicle_keeps_the_trip_it_started_and_gives_up_the_others():
    world = three_vans()
    published = published_plan(world)
    clock = at(7, 10)
    legs = legs_of(published)
    on_van = {m: leg for m, leg in legs.items() if leg.vehicle == "VAN-01"}
    started = sorted(m for m, leg in on_van.items() if leg.trip_starts_at < clock)
    waiting = sorted(m for m, leg in on_van.items() if leg.trip_starts_at >= clock)
    # VAN-01 drove the three to the plenary and, after the clock, takes P2 home and P1 on to the workshop
    assert started == ["P1#to:PLEN", "P2#to:PLEN", "P3#to:PLEN"]
    assert {"P1#to:WS", "P2#hotel:PLEN"} <= set(waiting)
    assert any(legs[m].trip_starts_at < clock + timedelta(minutes=60) for m in waiting)  # one of them is frozen

    live = Live(clock)
    prepared, again = replanned(out_of_service(world, "VAN-01"), published, live)

    assert prepared.kept.released == {m: "vehicle_out_of_service" for m in waiting}
    for movement in started:  # the trip under way stays exactly as published
        assert exact_leg(again, movement) == exact_leg(published, movement)
    now = legs_of(again)
    assert unserved_codes(again) == {}
    for movement in waiting:  # VAN-03 was idle: the passengers ride it, and nothing new starts before the clock
        assert now[movement].vehicle not in ("VAN-01", None)
        assert now[movement].trip_starts_at >= clock
    for trip in again.trips:  # a trip with anyone not kept from the published schedule starts after the clock
        if {m for stop in trip.stops for m in stop.board} - set(prepared.kept.legs):
            assert trip.stops[0].arrive_at >= clock, trip.id
    assert all(leg.trip_starts_at < clock for leg in now.values() if leg.vehicle == "VAN-01")
    assert frozen_changes(published, again, live, set(prepared.kept.released)) == []


def test_out_of_service_vehicle_in_mid_trip_passes_the_runs_validator():
    """As `logistics.services.schedule.schedule_publish` checks it: against the run's fleet, where the vehicle is
    available until the end of the trip it keeps. The trip ends at a venue (the vehicle had more trips that day);
    out of service, it then drives back to its depot."""
    world = scenario([person("P1")], [car("VAN-01"), car("VAN-02")], {"P1": ["PLEN", "WS"]})
    published = published_plan(world)
    assert {leg.vehicle for leg in legs_of(published).values()} == {"VAN-01"}
    prepared, again = replanned(out_of_service(world, "VAN-01"), published, Live(at(7, 10)))
    assert unserved_codes(again) == {}
    assert [str(v) for v in validate(prepared.scenario, again, prepared.matrix)] == []


# ---------------------------------------------------------------------------------------------- 4. a late flight


def one_flight():
    """P1, P2 (Hilton) and P3 (CR, JW Marriott) land at 14:00-14:10 and ride in from the airport together."""
    people = [
        person("P1", arrival_at=at(6, 14), arrival_place="PTY"),
        person("P2", arrival_at=at(6, 14), arrival_place="PTY"),
        person("P3", "CR", hotel="JWM", arrival_at=at(6, 14, 10), arrival_place="PTY"),
    ]
    return scenario(people, [car("VAN-01"), car("VAN-02")], {})


def test_a_late_flight_releases_its_passenger_and_keeps_the_others_of_the_trip():
    world = one_flight()
    published = published_plan(world)
    legs = legs_of(published)
    assert len({legs[m].trip for m in ("P1#arrival", "P2#arrival", "P3#arrival")}) == 1  # one trip
    live = Live(at(6, 13, 30))  # the trip starts within the hour: it is frozen
    assert legs["P1#arrival"].trip_starts_at < live.horizon
    late = with_person_changed(world, "P1", arrival_at=at(6, 15, 30))

    prepared, again = replanned(late, published, live)

    assert prepared.kept.released == {"P1#arrival": "pickup_window_moved"}
    for movement in ("P2#arrival", "P3#arrival"):
        assert exact_leg(again, movement) == exact_leg(published, movement)
    assert unserved_codes(again) == {}
    ready = at(6, 15, 30) + late.rules.arrival_ready
    leg = legs_of(again)["P1#arrival"]
    pickup_stop = again.trips[leg.trip].stops[leg.board]
    assert pickup_stop.place == "PTY" and pickup_stop.depart_at >= ready
    assert leg.pickup_at <= ready + late.rules.arrival_pickup_window
    assert frozen_changes(published, again, live, set(prepared.kept.released)) == []


# ---------------------------------------------------------------------------- 5. least change on a small change


def c1_skips_the_workshop(world):
    return dataclasses.replace(world, attendance={**world.attendance, "C1": ["PLEN"]})


def a_new_delegate(world):
    return with_people(world, person("N1", "CR", hotel="JWM"), attendance={"N1": ["PLEN", "WS"]})


def m3_cancels(world):
    return dataclasses.replace(
        world,
        people=[p for p in world.people if p.id != "M3"],
        attendance={k: v for k, v in world.attendance.items() if k != "M3"},
    )


@pytest.mark.parametrize(
    "change, touched",
    [(c1_skips_the_workshop, {"C1"}), (a_new_delegate, {"N1"}), (m3_cancels, {"M3"})],
    ids=["skips_a_session", "delegate_added", "delegate_removed"],
)
@pytest.mark.parametrize("clock", [at(6, 6), at(7, 6), at(7, 9, 30)], ids=lambda c: c.strftime("%d-%H%M"))
def test_one_delegate_changed_leaves_every_other_delegate_as_published(published_conference, change, touched, clock):
    world, published = published_conference
    changed = change(world)
    prepared, again = replanned(changed, published, Live(clock))
    others = {p.id for p in world.people} - touched
    assert changed_legs(published, again, others) == []
    assert {m.split("#")[0] for m in prepared.kept.released} <= touched
    # nobody else is left behind; what the change calls for is served unless its time has passed
    codes = unserved_codes(again)
    assert {m for m in codes if m.split("#")[0] not in touched} == set()
    assert set(codes.values()) <= {"before_the_clock"}
    new_legs = {m: leg for m, leg in legs_of(again).items() if m not in legs_of(published)}
    assert all(leg.pickup_at >= clock for leg in new_legs.values())


# ------------------------------------------------------------------------------------------------------ 6. pins


def two_hotels():
    """P1 (PA, Hilton) and P2 (CR, JW Marriott) to the plenary and back: one van takes both."""
    return scenario([person("P1"), person("P2", "CR", hotel="JWM")], [car("VAN-01"), car("VAN-02")])


def test_a_pin_puts_the_movement_in_the_vehicle_the_plan_would_not_choose():
    world = two_hotels()
    assert vehicles_of(published_plan(world), "P1") == {"VAN-01"}
    pinned = dataclasses.replace(world, pins=[Pin("P1#to:PLEN", "VAN-02")])
    schedule = published_plan(pinned)
    assert legs_of(schedule)["P1#to:PLEN"].vehicle == "VAN-02"
    assert schedule.metrics["pins"] == {"kept": ["P1#to:PLEN"], "infeasible": []}


def test_a_pin_with_a_pickup_time_is_picked_up_then():
    world = two_hotels()
    movement = next(m for m in plan(world).movements if m.id == "P1#to:PLEN")
    pickup_at = at(7, 8, 5)
    assert movement.earliest_pickup < pickup_at < movement.latest_pickup
    assert legs_of(plan(world))["P1#to:PLEN"].pickup_at != pickup_at  # not where it would be anyway
    pinned = dataclasses.replace(world, pins=[Pin("P1#to:PLEN", "VAN-02", pickup_at)])
    schedule = published_plan(pinned)
    leg = legs_of(schedule)["P1#to:PLEN"]
    assert (leg.vehicle, leg.pickup_at) == ("VAN-02", pickup_at)
    assert schedule.trips[leg.trip].stops[leg.board].arrive_at == pickup_at
    assert schedule.metrics["pins"] == {"kept": ["P1#to:PLEN"], "infeasible": []}


def test_a_pin_added_live_moves_the_leg_and_every_later_run_keeps_it():
    world = two_hotels()
    published = published_plan(world)
    pickup_at = at(7, 8, 5)
    pinned = dataclasses.replace(world, pins=[Pin("P1#to:PLEN", "VAN-02", pickup_at)])
    prepared, again = replanned(pinned, published, Live(at(7, 6)))
    assert prepared.kept.released == {"P1#to:PLEN": "pinned_elsewhere"}
    leg = legs_of(again)["P1#to:PLEN"]
    assert (leg.vehicle, leg.pickup_at) == ("VAN-02", pickup_at)
    assert again.metrics["pins"] == {"kept": ["P1#to:PLEN"], "infeasible": []}
    assert changed_legs(published, again, {"P2"}) == []
    # the next run keeps the pinned leg as it is, and still says the pin is kept
    prepared, later = replanned(pinned, again, Live(at(7, 7)))
    assert prepared.kept.released == {}
    assert later.trips == again.trips
    assert later.metrics["pins"] == {"kept": ["P1#to:PLEN"], "infeasible": []}


# --------------------------------------------------------------------------------------- 7. pins that cannot hold


def mixed_fleet(rides=()):
    people = [person("V1", "PA", vip=True), person("S1", "US", separate=True), person("N1", "CR")]
    cars = [car("VAN-01"), car("VAN-02"), car("SED-01", seats=3), car("ARM-01", seats=3, armoured=True)]
    return scenario(people, cars, rides=rides)


def pin_findings(schedule):
    return [(f["code"], f["movement"], f["vehicle"]) for f in schedule.metrics["pins"]["infeasible"]]


def test_a_vip_pinned_to_a_sedan_rides_armoured_and_the_pin_is_reported():
    world = dataclasses.replace(mixed_fleet(), pins=[Pin("V1#to:PLEN", "SED-01")])
    schedule = published_plan(world)
    assert legs_of(schedule)["V1#to:PLEN"].vehicle == "ARM-01"
    assert pin_findings(schedule) == [("pin_vehicle_cannot_carry", "V1#to:PLEN", "SED-01")]
    assert schedule.metrics["pins"]["kept"] == []


def test_a_party_pinned_to_a_vehicle_with_too_few_seats_rides_another_and_the_pin_is_reported():
    four = Ride("REQ-1", "US", "HIL", "PCC", at(7, 14), at(7, 15, 30), 4)
    world = dataclasses.replace(mixed_fleet(rides=[four]), pins=[Pin("REQ-1", "SED-01")])
    schedule = published_plan(world)
    assert legs_of(schedule)["REQ-1"].vehicle in ("VAN-01", "VAN-02")
    assert pin_findings(schedule) == [("pin_vehicle_cannot_carry", "REQ-1", "SED-01")]


@pytest.mark.parametrize("order", [1, -1], ids=["as_given", "reversed"])
def test_two_pins_to_one_vehicle_at_one_time_keep_one_and_report_the_other(order):
    """S1 travels apart from other delegations, so S1 and N1 cannot share VAN-01 at 08:30."""
    pins = [Pin("S1#to:PLEN", "VAN-01", at(7, 8, 30)), Pin("N1#to:PLEN", "VAN-01", at(7, 8, 30))][::order]
    schedule = published_plan(dataclasses.replace(mixed_fleet(), pins=pins))
    kept = schedule.metrics["pins"]["kept"]
    findings = pin_findings(schedule)
    assert len(kept) == len(findings) == 1
    (code, movement, vehicle) = findings[0]
    assert (code, vehicle) == ("pin_vehicle_not_free", "VAN-01")
    assert {movement, *kept} == {"S1#to:PLEN", "N1#to:PLEN"}
    legs = legs_of(schedule)
    assert legs[kept[0]].vehicle == "VAN-01"
    assert legs[movement].vehicle != "VAN-01"  # still served, in another vehicle
    assert unserved_codes(schedule) == {}


def test_a_pin_to_a_vehicle_busy_with_a_frozen_trip_is_reported_and_the_movement_still_served():
    world = two_hotels()
    published = published_plan(world)
    # P1 and P2 share VAN-01 home from the plenary at 10:30; VAN-01's morning trip has started
    assert vehicles_of(published, "P1") == vehicles_of(published, "P2") == {"VAN-01"}
    # X1 (new, at the JW Marriott) is pinned to VAN-01 when VAN-01 is there on its frozen trip
    later = with_people(world, person("X1", "MX", hotel="JWM"), attendance={"X1": ["PLEN"]})
    pickup_at = legs_of(published)["P2#to:PLEN"].pickup_at
    later = dataclasses.replace(later, pins=[Pin("X1#to:PLEN", "VAN-01", pickup_at)])
    prepared, again = replanned(later, published, Live(at(7, 8)))
    assert pin_findings(again) == [("pin_vehicle_not_free", "X1#to:PLEN", "VAN-01")]
    leg = legs_of(again).get("X1#to:PLEN")
    assert (leg is not None and leg.vehicle == "VAN-02") or "X1#to:PLEN" in unserved_codes(again)
    assert frozen_changes(published, again, Live(at(7, 8)), set(prepared.kept.released)) == []


def test_a_pin_to_a_vehicle_out_of_service_is_reported():
    world = out_of_service(two_hotels(), "VAN-02")
    schedule = published_plan(dataclasses.replace(world, pins=[Pin("P1#to:PLEN", "VAN-02")]))
    assert legs_of(schedule)["P1#to:PLEN"].vehicle == "VAN-01"
    assert [(code.startswith("pin_"), m, v) for code, m, v in pin_findings(schedule)] == [
        (True, "P1#to:PLEN", "VAN-02")
    ]


def test_a_pin_to_an_unknown_vehicle_is_reported():
    schedule = published_plan(dataclasses.replace(two_hotels(), pins=[Pin("P1#to:PLEN", "VAN-99")]))
    assert legs_of(schedule)["P1#to:PLEN"].vehicle == "VAN-01"
    assert [(code.startswith("pin_"), m, v) for code, m, v in pin_findings(schedule)] == [
        (True, "P1#to:PLEN", "VAN-99")
    ]


def test_a_pin_with_a_pickup_time_outside_the_window_is_not_called_kept():
    world = two_hotels()
    too_early = at(7, 6)  # the window opens at 07:51
    schedule = published_plan(dataclasses.replace(world, pins=[Pin("P1#to:PLEN", "VAN-02", too_early)]))
    leg = legs_of(schedule)["P1#to:PLEN"]
    assert leg.pickup_at != too_early
    assert "P1#to:PLEN" not in schedule.metrics["pins"]["kept"]
    assert [m for _, m, _ in pin_findings(schedule)] == ["P1#to:PLEN"]


def test_a_pin_whose_movement_is_gone_is_reported():
    schedule = published_plan(dataclasses.replace(two_hotels(), pins=[Pin("P9#to:PLEN", "VAN-02")]))
    assert pin_findings(schedule) == [("pin_movement_gone", "P9#to:PLEN", "VAN-02")]


# ------------------------------------------------------------------------------- 8. same inputs, same plan; days


def test_the_same_inputs_give_the_same_plan(published_conference):
    world, published = published_conference
    again = plan(world)
    assert again.trips == published.trips
    assert again.unserved == published.unserved


DAY_TWO = Event("DAY2", "PCC", at(8, 9), at(8, 11))


def trips_before(schedule, day):
    return [(t.vehicle, t.stops) for t in schedule.trips if t.stops[0].arrive_at < at(day, 4)]


@pytest.mark.parametrize(
    "newcomer",
    [
        person("N1", "CR", hotel="JWM", departure_at=at(8, 19), departure_place="PTY"),
    ],
    ids=["delegate"],
)
def test_a_delegate_of_the_last_day_leaves_the_earlier_days_alone(newcomer):
    world = conference(events=(PLENARY, WORKSHOP, SAME_VENUE, EVENING, DAY_TWO))
    published = published_plan(world)
    added = with_people(world, newcomer, attendance={newcomer.id: ["DAY2"]})
    again = published_plan(added)
    assert {leg.trip_starts_at.date() for m, leg in legs_of(again).items() if m.startswith(newcomer.id)} == {
        at(8, 0).date()
    }
    assert trips_before(published, 8)
    assert trips_before(again, 8) == trips_before(published, 8)


def test_a_vip_delegation_of_the_last_day_leaves_the_earlier_days_alone():
    """The VIP of a delegation that comes on the last day only must not change who drives the other VIPs on the
    days before (each VIP's usual armoured car is handed out over every VIP of the conference)."""
    world = conference(events=(PLENARY, WORKSHOP, SAME_VENUE, EVENING, DAY_TWO))
    published = published_plan(world)
    added = with_people(world, person("N2", "BR", vip=True), attendance={"N2": ["DAY2"]})
    again = published_plan(added)
    assert trips_before(published, 8)
    assert trips_before(again, 8) == trips_before(published, 8)


# -------------------------------------------------------------------------------------- 9. VIPs and their cars


def vip_stay(dedicated=None):
    """V1 (PA, VIP) from the 6th to the 8th, at every session; the CR delegation on the morning of the 7th;
    two armoured cars (ARM-02 is what the CR delegation rides when nothing is dedicated) and a small SUV."""
    people = [
        person(
            "V1",
            "PA",
            vip=True,
            arrival_at=at(6, 14),
            arrival_place="PTY",
            departure_at=at(8, 18),
            departure_place="PTY",
            dedicated_vehicle=dedicated,
        ),
        person("C1", "CR"),
        person("C2", "CR"),
        person("C3", "CR", hotel="JWM"),
    ]
    attendance = {"V1": ["PLEN", "WS"], "C1": ["PLEN", "WS"], "C2": ["PLEN"], "C3": ["PLEN"]}
    cars = [car("SUV-01", seats=2), car("ARM-01", seats=3, armoured=True), car("ARM-02", seats=3, armoured=True)]
    return scenario(people, cars, attendance)


def others_during_the_stay(world, schedule, vip_id, vehicle):
    vip = next(p for p in world.people if p.id == vip_id)
    by_id = {m.id: m for m in schedule.movements}
    found = []
    for trip in schedule.trips:
        if trip.vehicle != vehicle:
            continue
        for stop in trip.stops:
            for movement in stop.board:
                during = vip.arrival_at <= stop.arrive_at <= vip.departure_at
                if during and by_id[movement].delegation != vip.delegation:
                    found.append(movement)
    return found


def test_a_dedicated_vehicle_carries_its_vip_and_no_other_delegation_during_the_stay():
    undedicated = published_plan(vip_stay())
    assert others_during_the_stay(vip_stay(), undedicated, "V1", "ARM-02")  # it would carry CR otherwise
    world = vip_stay(dedicated="ARM-02")
    schedule = published_plan(world)
    assert vehicles_of(schedule, "V1") == {"ARM-02"}
    assert len(legs_of(schedule)) - len([m for m in legs_of(schedule) if not m.startswith("V1")]) == 5
    assert others_during_the_stay(world, schedule, "V1", "ARM-02") == []


def test_a_vehicle_dedicated_live_takes_its_vip_and_lets_the_other_delegation_go():
    published = published_plan(vip_stay())
    world = vip_stay(dedicated="ARM-02")
    prepared, again = replanned(world, published, Live(at(6, 6)))
    assert vehicles_of(again, "V1") == {"ARM-02"}
    assert others_during_the_stay(world, again, "V1", "ARM-02") == []
    assert set(prepared.kept.released.values()) <= {"dedicated_vehicle"}
    assert unserved_codes(again) == {}


def test_a_vip_keeps_one_armoured_car_over_the_stay():
    stay = {"arrival_at": at(6, 14), "arrival_place": "PTY", "departure_at": at(8, 18), "departure_place": "PTY"}
    people = [person("V1", "PA", "HIL", vip=True, **stay), person("V2", "US", "JWM", vip=True, **stay)]
    people += [person("C1", "CR"), person("C2", "CR", hotel="JWM")]
    attendance = {"V1": ["PLEN", "WS", "RECEPTION"], "V2": ["PLEN", "WS", "RECEPTION"], "C1": ["PLEN", "WS"]}
    attendance["C2"] = ["PLEN"]
    cars = [car("VAN-01")] + [car(f"ARM-0{n}", seats=3, armoured=True) for n in (1, 2, 3)]
    schedule = published_plan(scenario(people, cars, attendance))
    for vip in ("V1", "V2"):
        assert len([m for m in legs_of(schedule) if m.startswith(f"{vip}#")]) == 7
        assert len(vehicles_of(schedule, vip)) == 1, vip
    assert vehicles_of(schedule, "V1") != vehicles_of(schedule, "V2")


def test_vips_of_more_delegations_than_armoured_cars_are_planned():
    """Two VIP delegations, one armoured car: both VIPs ride it in turn, or one is listed unserved; no crash."""
    world = scenario(
        [person("V1", "PA", vip=True), person("V2", "US", vip=True, hotel="JWM"), person("N1", "CR")],
        [car("VAN-01"), car("ARM-01", seats=3, armoured=True)],
    )
    schedule = published_plan(world)
    served = set(legs_of(schedule))
    assert served | set(unserved_codes(schedule)) == {m.id for m in schedule.movements}
    assert {leg.vehicle for m, leg in legs_of(schedule).items() if m.startswith("V")} <= {"ARM-01"}
    assert served >= {"N1#to:PLEN", "N1#hotel:PLEN"}


def test_a_late_vip_keeps_the_usual_car_in_a_replan(published_conference):
    world, published = published_conference
    usual = vehicles_of(published, "V1")
    assert len(usual) == 1
    arrival = next(p for p in world.people if p.id == "V1").arrival_at
    late = with_person_changed(world, "V1", arrival_at=arrival + timedelta(hours=1))
    prepared, again = replanned(late, published, Live(at(6, 6)))
    assert prepared.kept.released == {"V1#arrival": "pickup_window_moved"}
    assert vehicles_of(again, "V1") == usual


# ---------------------------------------------------------------------------------------- 10. before the clock


def test_what_was_not_served_and_is_past_the_clock_is_listed_before_the_clock():
    world = scenario([person("P1"), person("P2")], [car("VAN-01", available_from=at(7, 9, 30))])
    published = published_plan(world)
    assert unserved_codes(published) == {"P1#to:PLEN": "no_vehicle_free", "P2#to:PLEN": "no_vehicle_free"}
    # a second van comes, and a third delegate, when the plenary has begun
    later = with_people(
        dataclasses.replace(world, cars=[*world.cars, car("VAN-02")]),
        person("P3", "CR", hotel="JWM"),
        attendance={"P3": ["PLEN"]},
    )
    clock = at(7, 10)
    _, again = replanned(later, published, Live(clock))
    codes = unserved_codes(again)
    assert codes == {m: "before_the_clock" for m in ("P1#to:PLEN", "P2#to:PLEN", "P3#to:PLEN")}
    assert {u.reason.params["clock_at"] for u in again.unserved} == {clock.isoformat()}
    # what was served stays served, and the new delegate still goes home
    legs = legs_of(again)
    assert {"P1#hotel:PLEN", "P2#hotel:PLEN", "P3#hotel:PLEN"} <= set(legs)
    assert legs["P3#hotel:PLEN"].trip_starts_at >= clock


def test_nothing_new_starts_before_the_clock():
    """A delegate added at 08:00 whose pickup window opened at 07:51: the vehicle leaves its depot after the clock."""
    world = two_hotels()
    published = published_plan(world)
    later = with_people(world, person("P3", "MX", separate=True), attendance={"P3": ["PLEN"]})
    clock = at(7, 8)
    movement = next(m for m in plan(later).movements if m.id == "P3#to:PLEN")
    assert movement.earliest_pickup < clock < movement.latest_pickup
    prepared, again = replanned(later, published, Live(clock, timedelta(0)))
    assert prepared.kept.released == {}
    leg = legs_of(again)["P3#to:PLEN"]
    assert leg.trip_starts_at >= clock and leg.pickup_at >= clock
    assert all(trip.stops[0].arrive_at >= clock for trip in again.trips if trip.vehicle == leg.vehicle)
