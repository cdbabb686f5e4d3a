"""Property tests: many small random conferences, each planned and checked by the independent validator.

Every schedule must keep every rule, serve or list every movement the rules call for (read from the scenario by
scheduling/needs.py, not from the planner), keep its counters consistent, serve at least what the baselines of its
waves would have served, and say "cannot get there in time" only when the delegate really cannot. Runs are
repeatable (derandomized): HYPOTHESIS_EXAMPLES=5000 runs more examples, HYPOTHESIS_EXPLORE=1 draws new ones on
each run.
"""

import json
import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.model import Car, Event, Person, Ride, Scenario, Schedule
from scheduling.needs import needs
from scheduling.planner import PlanOptions, check_counters, plan
from scheduling.reasons import TEMPLATES, Reason
from scheduling.rules import MovementRules
from scheduling.validate import validate
from tests.scheduling.builders import PANAMA

QUICK = PlanOptions(min_slice_seconds=0.05, max_slice_seconds=0.3, solution_limit=50)
NO_TIME = PlanOptions(min_slice_seconds=0.0001, max_slice_seconds=0.0001)
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "1000"))
EXPLORE = bool(os.environ.get("HYPOTHESIS_EXPLORE"))  # new random examples on each run, instead of the same ones
# a conference in Panama, or in Madrid over a night the clocks go forward or back
MADRID = ZoneInfo("Europe/Madrid")
FIRST_DAYS = (
    datetime(2026, 12, 7, tzinfo=PANAMA),
    datetime(2026, 3, 28, tzinfo=MADRID),
    datetime(2026, 10, 24, tzinfo=MADRID),
)
DELEGATIONS = ("PA", "CR", "US")


@st.composite
def conferences(draw) -> Scenario:
    """2-5 places (an airport, 1-2 hotels, venues), 1-3 days of up to 8 sessions, 2-12 people, 0-4 vehicles,
    up to 2 ride requests. Mostly daytime sessions at venues and flights at the airport, sometimes anything."""
    hotels = [f"H{i}" for i in range(draw(st.integers(1, 2)))]
    venues = [f"V{i}" for i in range(draw(st.integers(0, 4 - len(hotels))))]
    codes = ["AIR", *hotels, *venues]
    first_day = draw(st.sampled_from(FIRST_DAYS))
    in_utc = draw(st.booleans())  # as the database gives them, or in the conference's zone

    def moment(day: int, minute: int) -> datetime:
        local = first_day + timedelta(days=day, minutes=minute)
        return local.astimezone(UTC) if in_utc else local

    # a grid of about 1 km over the city: drives of a few minutes to about an hour
    places = {code: (8.90 + draw(st.integers(0, 18)) / 100, -79.56 + draw(st.integers(0, 18)) / 100) for code in codes}
    days = draw(st.integers(1, 3))
    minutes = st.integers(6 * 60, 22 * 60).map(lambda m: m - m % 5)  # 06:00 to 22:00, on 5 minutes
    any_time = st.integers(0, 24 * 60 - 1).map(lambda m: m - m % 5)

    events: list[Event] = []
    for number in range(draw(st.integers(0, 8))):
        place = draw(st.sampled_from(venues + hotels if draw(st.integers(0, 5)) else codes))
        length = timedelta(minutes=draw(st.sampled_from([15, 30, 60, 90, 120, 240])))
        if events and draw(st.booleans()):  # back to back with the one before, often at another venue
            starts = events[-1].ends_at + timedelta(minutes=draw(st.sampled_from([0, 10, 30, 130])))
        else:
            starts = moment(draw(st.integers(0, days - 1)), draw(minutes if draw(st.integers(0, 5)) else any_time))
        events.append(Event(f"S{number}", place, starts, starts + length))

    flight_places = st.sampled_from(codes) if draw(st.integers(0, 5)) == 0 else st.just("AIR")
    separate = draw(st.sets(st.sampled_from(DELEGATIONS), max_size=1))
    people, attendance = [], {}
    for number in range(draw(st.integers(2, 12))):
        delegation = draw(st.sampled_from(DELEGATIONS))
        arrival_at = departure_at = None
        if draw(st.booleans()):
            arrival_at = moment(draw(st.integers(-1, days - 1)), draw(any_time))
        if draw(st.booleans()):
            # often a flight home in the middle of the conference, sometimes the day of arrival
            departure_at = moment(draw(st.integers(0, days)), draw(any_time))
            if arrival_at is not None and departure_at <= arrival_at + timedelta(hours=3):
                departure_at = arrival_at + timedelta(hours=draw(st.integers(3, 30)))
        pid = f"D{number}"
        people.append(
            Person(
                id=pid,
                delegation=delegation,
                hotel=draw(st.sampled_from(hotels)),
                vip=draw(st.integers(0, 4)) == 0,
                separate=delegation in separate,
                accessible=draw(st.integers(0, 5)) == 0,
                arrival_at=arrival_at,
                arrival_place=draw(flight_places) if arrival_at else None,
                departure_at=departure_at,
                departure_place=draw(flight_places) if departure_at else None,
            )
        )
        attendance[pid] = [event.code for event in events if draw(st.booleans())]

    cars = []
    for number in range(draw(st.integers(0, 4))):
        available_from = available_until = None
        if draw(st.integers(0, 3)) == 0:  # a vehicle that works only part of the conference
            available_from = moment(draw(st.integers(0, days - 1)), draw(minutes))
            available_until = available_from + timedelta(hours=draw(st.integers(2, 30)))
        cars.append(
            Car(
                callsign=f"C{number}",
                seats=draw(st.sampled_from([1, 3, 4, 8])),
                depot=draw(st.sampled_from(codes)),
                armoured=draw(st.booleans()),
                accessible=draw(st.booleans()),
                available_from=available_from,
                available_until=available_until,
            )
        )

    rides = []
    for number in range(draw(st.integers(0, 2))):
        origin, destination = draw(st.lists(st.sampled_from(codes), min_size=2, max_size=2, unique=True))
        starts = moment(draw(st.integers(0, days - 1)), draw(minutes))
        ends = starts + timedelta(minutes=draw(st.sampled_from([20, 45, 90, 180])))
        rides.append(Ride(f"REQ-{number}", draw(st.sampled_from(DELEGATIONS)), origin, destination, starts, ends, 2))

    return Scenario(MovementRules(), first_day.tzinfo, places, people, events, attendance, cars, rides)


def check(world: Scenario, schedule: Schedule) -> None:
    assert validate(world, schedule) == []
    listed = {u.movement for u in schedule.unserved if u.movement is not None}
    metrics = schedule.metrics
    assert metrics["movements"] == len(schedule.movements)
    assert metrics["served"] + len(listed) == metrics["movements"]
    assert metrics["served"] + metrics["unserved_movements"] == metrics["movements"]
    assert metrics["unserved"] == len(schedule.unserved) == sum(metrics["unserved_by_reason"].values())
    assert metrics["unserved"] == metrics["unserved_movements"] + metrics["skipped_sessions"]
    assert metrics["served"] >= metrics["baseline_served"], "never worse than the baseline"
    assert check_counters(schedule) == []
    assert json.loads(json.dumps(metrics["fallbacks"])) == metrics["fallbacks"]
    for unserved in schedule.unserved:
        reason = unserved.reason
        assert isinstance(reason, Reason) and reason.code in TEMPLATES
        assert json.loads(json.dumps(reason.to_dict())) == reason.to_dict(), "params are JSON as they are"
    for movement in schedule.movements:  # as the database stores every movement, served or not
        assert movement.earliest_pickup <= movement.latest_pickup, movement
        assert movement.earliest_dropoff <= movement.latest_dropoff, movement
        assert movement.earliest_pickup < movement.latest_dropoff, movement
    assert_late_only_when_unreachable(world, schedule)


def assert_late_only_when_unreachable(world: Scenario, schedule: Schedule) -> None:
    """A movement listed as "cannot get there in time" is one the delegate cannot make, after making every
    movement before it as early as the rules allow."""
    rules, places = world.rules, world.places
    late = {
        (u.passenger, u.origin, u.destination, u.session)
        for u in schedule.unserved
        if u.reason.code in ("cannot_reach_in_time", "request_window_too_short")
    }
    skipped = {(u.passenger, u.session) for u in schedule.unserved if u.movement is None}
    free: dict[str, datetime] = {}  # passenger -> the earliest they can be where their next movement starts
    for need in needs(world, skipped):
        direct = rules.travel_time(places[need.origin], places[need.destination])
        earliest = [need.pickup[0], free.get(need.passenger)]
        if need.dropoff[0]:  # no earlier than the longest ride allowed before the drop-off window opens
            earliest.append(need.dropoff[0] - rules.dwell - rules.max_ride_time(direct))
        pickup = max(m for m in earliest if m)  # every need has a bound below: a window, or a drop-off window
        dropoff = max(m for m in (pickup + rules.dwell + direct, need.dropoff[0]) if m)
        makes_it = (not need.pickup[1] or pickup <= need.pickup[1]) and (
            not need.dropoff[1] or dropoff <= need.dropoff[1]
        )
        key = (need.passenger, need.origin, need.destination, need.session)
        assert makes_it != (key in late), f"{need}: makes it {makes_it}, listed late {key in late}"
        if makes_it:
            free[need.passenger] = dropoff


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not EXPLORE,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(conferences())
def test_every_plan_keeps_the_rules_and_drops_nothing(world):
    check(world, plan(world, QUICK))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not EXPLORE,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(conferences())
def test_every_baseline_plan_keeps_the_rules_and_drops_nothing(world):
    """The optimiser gets no time: every wave is the baseline's, which must keep every rule just the same."""
    schedule = plan(world, NO_TIME)
    check(world, schedule)
    assert schedule.metrics["served"] == schedule.metrics["baseline_served"]
    assert all(fallback["why"] == "no_first_solution" for fallback in schedule.metrics["fallbacks"])
