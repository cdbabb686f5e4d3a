"""Live operations: what of the published schedule a run keeps, and what it routes again.

A run has a clock (`Live.as_of`). A published leg whose trip starts before the clock plus the freeze horizon is
frozen; every other published leg is the starting point of the re-plan (least change). A leg is kept, frozen or
not, as long as it still serves its movement as the inputs now describe it: the same places, a pickup and a
drop-off inside the movement's windows, a vehicle that exists, is in service (or had already left) and may
carry it, and no pin or dedicated vehicle that says otherwise. Everything else is released, with the reason,
and routed again around what is kept. "From scratch" keeps only the frozen legs.

Plain data only: the planner calls `keep_published`, the validator's companion `frozen_changes` checks a new
schedule against the old one.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from scheduling.model import Car, Movement, Pin, Schedule, Stop, Trip

SIGNIFICANT = timedelta(minutes=5)  # a pickup or drop-off moved by more than this is a changed leg


@dataclass(frozen=True)
class Live:
    as_of: datetime
    freeze: timedelta = timedelta(minutes=60)
    from_scratch: bool = False

    @property
    def horizon(self) -> datetime:
        return self.as_of + self.freeze


@dataclass(frozen=True)
class Leg:
    """Where a movement rides in a schedule."""

    movement: str
    vehicle: str
    trip: int  # index in the schedule's trips
    board: int  # stop index in the trip
    alight: int
    pickup_at: datetime
    dropoff_at: datetime
    trip_starts_at: datetime


@dataclass
class Kept:
    stops: dict[str, list[list[Stop]]] = field(default_factory=dict)  # callsign -> kept trips' stops with people
    legs: dict[str, Leg] = field(default_factory=dict)  # kept movement id -> its published leg
    frozen: set[str] = field(default_factory=set)  # kept movements whose trip is frozen
    released: dict[str, str] = field(default_factory=dict)  # movement id -> why its published leg was let go
    # out-of-service callsign -> where and when its last kept trip ends (it may still drive home from there)
    until: dict[str, tuple[datetime, str]] = field(default_factory=dict)


def legs_of(schedule: Schedule) -> dict[str, Leg]:
    legs: dict[str, Leg] = {}
    for number, trip in enumerate(schedule.trips):
        boarded: dict[str, int] = {}
        for index, stop in enumerate(trip.stops):
            for movement in stop.board:
                boarded[movement] = index
            for movement in stop.alight:
                if movement in boarded:
                    start = boarded[movement]
                    legs[movement] = Leg(
                        movement,
                        trip.vehicle,
                        number,
                        start,
                        index,
                        trip.stops[start].arrive_at,
                        stop.arrive_at,
                        trip.stops[0].arrive_at,
                    )
    return legs


def keep_published(
    previous: Schedule,
    movements: dict[str, Movement],
    cars: dict[str, Car],
    live: Live,
    *,
    unservable: set[str] = frozenset(),
    pins: dict[str, Pin] | None = None,
    dedicated: dict[str, str] | None = None,
    reserved: dict[str, list[tuple]] | None = None,
) -> Kept:
    """What of `previous` the run keeps. `movements`: what the inputs call for now; `unservable`: those listed as
    unserved whatever the fleet; `cars`: every vehicle, in service or not; `dedicated`: person -> callsign;
    `reserved`: callsign -> (delegation, from, until) of the dedicated vehicles."""
    pins, dedicated, reserved = pins or {}, dedicated or {}, reserved or {}
    kept = Kept()
    legs = legs_of(previous)
    by_trip: dict[int, list[Leg]] = defaultdict(list)
    for leg in legs.values():
        by_trip[leg.trip].append(leg)
    for number, trip in enumerate(previous.trips):
        frozen = trip.stops[0].arrive_at < live.horizon
        car = cars.get(trip.vehicle)
        started = trip.stops[0].arrive_at < live.as_of
        staying = []
        for leg in by_trip.get(number, ()):
            why = _why_released(leg, trip, movements.get(leg.movement), car, started, unservable, pins, dedicated)
            movement = movements.get(leg.movement)
            if why is None and any(
                delegation != movement.delegation and since < leg.dropoff_at and leg.pickup_at < until
                for delegation, since, until in reserved.get(trip.vehicle, ())
            ):
                why = "dedicated_vehicle"
            if why is None and live.from_scratch and not frozen:
                why = "re_optimised"
            if why is None:
                staying.append(leg)
            else:
                kept.released[leg.movement] = why
        staying = _within_group_rules(staying, trip, movements, car, kept.released)
        if not staying:
            continue
        ids = {leg.movement for leg in staying}
        stops = [
            Stop(
                stop.place,
                stop.arrive_at,
                stop.depart_at,
                tuple(m for m in stop.board if m in ids),
                tuple(m for m in stop.alight if m in ids),
            )
            for stop in trip.stops
        ]
        kept.stops.setdefault(trip.vehicle, []).append([stop for stop in stops if stop.board or stop.alight])
        for leg in staying:
            kept.legs[leg.movement] = leg
            if frozen:
                kept.frozen.add(leg.movement)
        if car is not None and car.out_of_service:
            last = (trip.stops[-1].depart_at, trip.stops[-1].place)
            kept.until[trip.vehicle] = max(kept.until.get(trip.vehicle, last), last)
    return kept


def _why_released(
    leg: Leg,
    trip: Trip,
    movement: Movement | None,
    car: Car | None,
    started: bool,
    unservable: set[str],
    pins: dict[str, Pin],
    dedicated: dict[str, str],
) -> str | None:
    if movement is None:
        return "movement_gone"
    if movement.id in unservable:
        return "movement_unservable"
    if car is None:
        return "vehicle_gone"
    if car.out_of_service and not started:
        return "vehicle_out_of_service"
    board, alight = trip.stops[leg.board], trip.stops[leg.alight]
    if board.place != movement.origin or alight.place != movement.destination:
        return "places_changed"
    if board.arrive_at > movement.latest_pickup or board.depart_at < movement.earliest_pickup:
        return "pickup_window_moved"
    if not movement.earliest_dropoff <= alight.arrive_at <= movement.latest_dropoff:
        return "dropoff_window_moved"
    if (movement.vip and not car.armoured) or (movement.accessible and not car.accessible):
        return "vehicle_unsuitable"
    if movement.seats > car.seats:
        return "vehicle_unsuitable"
    wanted = dedicated.get(movement.passenger)
    if wanted and wanted != car.callsign:
        return "dedicated_vehicle"
    pin = pins.get(movement.id)
    if pin and (pin.vehicle != car.callsign or (pin.pickup_at and pin.pickup_at != board.arrive_at)):
        return "pinned_elsewhere"
    return None


def _within_group_rules(
    staying: list[Leg], trip: Trip, movements: dict[str, Movement], car: Car | None, released: dict[str, str]
) -> list[Leg]:
    """The legs that stay on a trip, unless together they break a rule of who rides with whom or the seats (a
    delegate who became a VIP, a delegation that now travels apart, a vehicle with fewer seats): then the trip's
    legs are all routed again."""
    if not staying or car is None:
        return staying
    ids = {leg.movement for leg in staying}
    on_board: set[str] = set()
    for stop in trip.stops:
        on_board -= set(stop.alight)
        on_board |= {m for m in stop.board if m in ids}
        riders = [movements[m] for m in on_board]
        apart = any(m.vip or m.separate or m.kind == "request" for m in riders)
        mixed = len({m.delegation for m in riders}) > 1 or (
            any(m.vip for m in riders) and not all(m.vip for m in riders)
        )
        if (apart and mixed) or sum(m.seats for m in riders) > car.seats:
            for leg in staying:
                released[leg.movement] = "group_rules"
            return []
    return staying


def frozen_changes(previous: Schedule, current: Schedule, live: Live, released: set[str]) -> list[dict]:
    """Frozen legs of `previous` that `current` does not keep exactly (same vehicle, pickup, drop-off, places),
    other than those released for a reason. Empty: nothing frozen changed."""
    before, after = legs_of(previous), legs_of(current)
    problems = []
    for movement, leg in sorted(before.items()):
        if leg.trip_starts_at >= live.horizon or movement in released:
            continue
        now = after.get(movement)
        old_trip = previous.trips[leg.trip]
        same = (
            now is not None
            and now.vehicle == leg.vehicle
            and now.pickup_at == leg.pickup_at
            and now.dropoff_at == leg.dropoff_at
            and current.trips[now.trip].stops[now.board].place == old_trip.stops[leg.board].place
            and current.trips[now.trip].stops[now.alight].place == old_trip.stops[leg.alight].place
        )
        if not same:
            problems.append({"movement": movement, "vehicle": leg.vehicle, "pickup_at": leg.pickup_at.isoformat()})
    return problems
