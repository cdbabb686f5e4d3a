"""What changed between two published schedules, as JSON-ready data: per delegate the legs added, removed and
moved, per vehicle the trips added, removed and changed, and a summary.

A movement's id is stable across versions (`D0001#arrival`, `D0001#to:S12`, `REQ-7`), so legs are compared by
id. A leg is the vehicle of the trip the movement boards, its pickup (the boarding stop's arrival) and its
drop-off (the alighting stop's arrival). A leg is *added* when it is served now and was not before (a new
movement, or one that was unserved), *removed* when it was served and is not now (the movement is gone, or
unserved: `unserved` holds the reason code of the side that is not served), and *moved* when its vehicle, pickup
or drop-off changed at all; it is *significant* when the vehicle changed or a time moved by more than
`SIGNIFICANT` (added and removed legs always are).

A trip is identified by its vehicle and its stops (place, arrival, departure, who boards and alights): a trip
found in both schedules has not changed. Of the others, an old and a new trip of one vehicle that carry a
movement in common are the same trip *changed*; the rest are *removed* and *added*.

Moments are ISO 8601 strings with the offset of `zone` (the conference's) when given; every list is sorted and
every dict is keyed by code, so the same schedules always give the same answer. Linear in the size of the
schedules, apart from sorting.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from typing import NamedTuple

from scheduling.model import Movement, Schedule, Trip

SIGNIFICANT = timedelta(minutes=5)  # a pickup or drop-off moved by more than this is worth telling the delegate
LEG_LISTS = ("added", "removed", "moved")


class _Ride(NamedTuple):
    vehicle: str
    pickup_at: datetime
    dropoff_at: datetime | None


def schedule_changes(previous: Schedule | None, current: Schedule, *, zone: tzinfo | None = None) -> dict:
    """What changed from `previous` to `current`: {"first", "delegates", "vehicles", "summary"}. Without a previous
    schedule nothing has changed: the first publication is not a change (`first` is true)."""
    if previous is None:
        return {"first": True, "delegates": {}, "vehicles": {}, "summary": changes_summary({}, {})}
    delegates = _delegate_changes(previous, current, zone)
    vehicles = _vehicle_changes(previous.trips, current.trips, zone)
    return {
        "first": False,
        "delegates": delegates,
        "vehicles": vehicles,
        "summary": changes_summary(delegates, vehicles),
    }


def changes_summary(delegates: dict, vehicles: dict) -> dict:
    """The counts of a set of changes: delegates with a significant change (and with any), vehicles with a changed
    trip, and legs added, removed, moved and significant."""
    legs = [leg for entry in delegates.values() for name in LEG_LISTS for leg in entry[name]]
    return {
        "delegates": sum(1 for entry in delegates.values() if entry["significant"]),
        "delegates_changed": len(delegates),
        "vehicles": len(vehicles),
        "legs_added": sum(len(entry["added"]) for entry in delegates.values()),
        "legs_removed": sum(len(entry["removed"]) for entry in delegates.values()),
        "legs_moved": sum(len(entry["moved"]) for entry in delegates.values()),
        "legs_significant": sum(1 for leg in legs if leg["significant"]),
    }


def changes_for(changes: dict, *, delegation: str | None = None, vehicle: str | None = None) -> dict:
    """The part of `changes` one reader may see, with its own summary: a delegation's delegates (and no vehicle), or
    one vehicle with the legs it carries before or after. Neither given: everything."""
    if delegation is None and vehicle is None:
        return changes
    delegates: dict = {}
    vehicles: dict = {}
    for passenger, entry in changes.get("delegates", {}).items():
        if delegation is not None and entry["delegation"] != delegation:
            continue
        if vehicle is not None:
            entry = _legs_in(entry, vehicle)
            if entry is None:
                continue
        delegates[passenger] = entry
    if vehicle is not None and delegation is None and vehicle in changes.get("vehicles", {}):
        vehicles[vehicle] = changes["vehicles"][vehicle]
    return {**changes, "delegates": delegates, "vehicles": vehicles, "summary": changes_summary(delegates, vehicles)}


def changed_legs(entry: dict | None) -> dict[str, dict]:
    """The changed legs of one delegate's entry of the changes (None: none), by movement id, each with `change`:
    added, removed or moved."""
    if not entry:
        return {}
    return {leg["movement"]: {**leg, "change": name} for name in LEG_LISTS for leg in entry.get(name, [])}


def _legs_in(entry: dict, vehicle: str) -> dict | None:
    """The delegate's entry with only the legs `vehicle` carries before or after (None when there is none)."""
    kept = {
        name: [
            leg
            for leg in entry[name]
            if vehicle in {(leg["old"] or {}).get("vehicle"), (leg["new"] or {}).get("vehicle")}
        ]
        for name in LEG_LISTS
    }
    if not any(kept.values()):
        return None
    significant = any(leg["significant"] for legs in kept.values() for leg in legs)
    return {**entry, **kept, "significant": significant}


def _rides(schedule: Schedule) -> dict[str, _Ride]:
    """Each served movement's vehicle, pickup and drop-off."""
    boarded: dict[str, tuple[str, datetime]] = {}
    alighted: dict[str, datetime] = {}
    for trip in schedule.trips:
        for stop in trip.stops:
            for movement in stop.board:
                boarded[movement] = (trip.vehicle, stop.arrive_at)
            for movement in stop.alight:
                alighted[movement] = stop.arrive_at
    return {movement: _Ride(vehicle, at, alighted.get(movement)) for movement, (vehicle, at) in boarded.items()}


def _delegate_changes(previous: Schedule, current: Schedule, zone: tzinfo | None) -> dict:
    old_rides, new_rides = _rides(previous), _rides(current)
    old_movements = {m.id: m for m in previous.movements}
    new_movements = {m.id: m for m in current.movements}
    old_unserved = {u.movement: u.reason for u in previous.unserved if u.movement is not None}
    new_unserved = {u.movement: u.reason for u in current.unserved if u.movement is not None}
    # a need that stopped being a movement (a session it can no longer reach) is listed by passenger and session
    new_skipped = {(u.passenger, u.session): u.reason for u in current.unserved if u.movement is None}
    found: dict[str, dict[str, list]] = defaultdict(lambda: {name: [] for name in LEG_LISTS})
    movements: dict[str, Movement] = {}
    for movement_id in old_rides.keys() | new_rides.keys():
        old, new = old_rides.get(movement_id), new_rides.get(movement_id)
        movement = new_movements.get(movement_id) or old_movements.get(movement_id)
        if movement is None:  # boards without being a movement: the validator refuses such a schedule
            continue
        if old is None:
            reason = old_unserved.get(movement_id)
            found[movement.passenger]["added"].append(_leg(movement, old, new, zone, True, reason))
        elif new is None:
            if movement_id in new_movements:
                reason = new_unserved.get(movement_id)
            else:
                reason = new_skipped.get((movement.passenger, movement.session))
            found[movement.passenger]["removed"].append(_leg(movement, old, new, zone, True, reason))
        elif old != new:
            significant = (
                old.vehicle != new.vehicle
                or _apart(old.pickup_at, new.pickup_at)
                or _apart(old.dropoff_at, new.dropoff_at)
            )
            found[movement.passenger]["moved"].append(_leg(movement, old, new, zone, significant, None))
        else:
            continue
        movements[movement.passenger] = movement
    delegates = {}
    for passenger in sorted(found):
        lists = {name: [leg for _, leg in sorted(legs, key=_sort_key)] for name, legs in found[passenger].items()}
        significant = any(leg["significant"] for legs in lists.values() for leg in legs)
        delegates[passenger] = {"delegation": movements[passenger].delegation, **lists, "significant": significant}
    return delegates


def _apart(old: datetime | None, new: datetime | None) -> bool:
    if old is None or new is None:
        return old is not new
    return abs(new - old) > SIGNIFICANT


def _leg(movement: Movement, old: _Ride | None, new: _Ride | None, zone, significant: bool, reason) -> tuple:
    """The leg's entry, after its sort key (pickup, movement id)."""
    at = (new or old).pickup_at
    return (at, movement.id), {
        "movement": movement.id,
        "kind": movement.kind,
        "session": movement.session,
        "from": movement.origin,
        "to": movement.destination,
        "old": _ride_json(old, zone),
        "new": _ride_json(new, zone),
        "significant": significant,
        "unserved": getattr(reason, "code", None),
    }


def _sort_key(item: tuple) -> tuple:
    return item[0]


def _ride_json(ride: _Ride | None, zone) -> dict | None:
    if ride is None:
        return None
    return {"vehicle": ride.vehicle, "pickup_at": _iso(ride.pickup_at, zone), "dropoff_at": _iso(ride.dropoff_at, zone)}


def _iso(moment: datetime | None, zone) -> str | None:
    if moment is None:
        return None
    return (moment if zone is None else moment.astimezone(zone)).isoformat()


def _signature(trip: Trip) -> tuple:
    return tuple(
        (stop.place, stop.arrive_at, stop.depart_at, tuple(sorted(stop.board)), tuple(sorted(stop.alight)))
        for stop in trip.stops
    )


def _by_vehicle(trips: Iterable[Trip]) -> dict[str, list[Trip]]:
    found: dict[str, list[Trip]] = defaultdict(list)
    for trip in trips:
        found[trip.vehicle].append(trip)
    return found


def _unmatched(trips: list[Trip], others: list[Trip]) -> list[Trip]:
    """The trips that are not among the others (as a multiset: two identical trips need two)."""
    left = Counter(_signature(trip) for trip in others)
    unmatched = []
    for trip in trips:
        signature = _signature(trip)
        if left[signature]:
            left[signature] -= 1
        else:
            unmatched.append(trip)
    return unmatched


def _vehicle_changes(previous: list[Trip], current: list[Trip], zone) -> dict:
    old_trips, new_trips = _by_vehicle(previous), _by_vehicle(current)
    vehicles = {}
    for vehicle in sorted(old_trips.keys() | new_trips.keys()):
        old = sorted(_unmatched(old_trips.get(vehicle, []), new_trips.get(vehicle, [])), key=_trip_order)
        new = sorted(_unmatched(new_trips.get(vehicle, []), old_trips.get(vehicle, [])), key=_trip_order)
        if not old and not new:
            continue
        owner = {movement: index for index, trip in enumerate(old) for movement in _carried(trip)}
        taken: set[int] = set()
        changed, added = [], []
        for trip in new:
            shared = Counter(owner[m] for m in _carried(trip) if m in owner and owner[m] not in taken)
            if shared:
                index = min(shared, key=lambda i: (-shared[i], i))  # the most movements in common, then the earliest
                taken.add(index)
                changed.append({"old": _trip_json(old[index], zone), "new": _trip_json(trip, zone)})
            else:
                added.append({"old": None, "new": _trip_json(trip, zone)})
        removed = [{"old": _trip_json(trip, zone), "new": None} for index, trip in enumerate(old) if index not in taken]
        vehicles[vehicle] = {"added": added, "removed": removed, "changed": changed}
    return vehicles


def _trip_order(trip: Trip) -> tuple:
    return (0, trip.stops[0].arrive_at, trip.id) if trip.stops else (1, trip.id)


def _carried(trip: Trip) -> list[str]:
    return sorted({movement for stop in trip.stops for movement in (*stop.board, *stop.alight)})


def _trip_json(trip: Trip, zone) -> dict:
    return {
        "trip": trip.id,
        "starts_at": _iso(trip.stops[0].arrive_at, zone) if trip.stops else None,
        "ends_at": _iso(trip.stops[-1].depart_at, zone) if trip.stops else None,
        "stops": len(trip.stops),
        "passengers": sorted({movement for stop in trip.stops for movement in stop.board}),
    }
