"""Live-operations drills: re-plan a published schedule after one disruption, and print what it cost.

    .venv/bin/python benchmarks/disruption.py ../shared/scenarios/panama-small [--clock 2026-12-08T12:00]

The scheduler alone (no Django, no database): the folder is planned from scratch and taken as the published
schedule; then, with the clock at noon of the second day with movements (or `--clock`, local time), each drill
changes one thing and re-plans with least change (scheduling/replan.py), as a run of the app does (a drill
with nothing to disrupt after that clock, such as a late arrival on the last days, is run at noon of the first
day). For each
drill it prints the delegates the change touches, the collateral (delegates it does not touch whose legs
changed vehicle or moved more than 5 minutes, and their share of the untouched), frozen legs changed, validator
violations, unserved movements, the on-time rate beside the app's "re-optimise from scratch" on the same inputs
and clock (everything after the frozen horizon routed anew), and the repair's wall time.
It also prints VIP continuity: distinct vehicles per VIP over the stay (median, worst), and for a VIP given a
dedicated vehicle (`--dedicate`). Run nothing else meanwhile.
"""

import argparse
import dataclasses
import json
import statistics
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.plan_folder import _rows, scenario_from_folder  # noqa: E402
from scheduling.model import Person, Scenario, Schedule  # noqa: E402
from scheduling.planner import assemble, plan, prepare, solve_day  # noqa: E402
from scheduling.replan import SIGNIFICANT, Live, frozen_changes, legs_of  # noqa: E402
from scheduling.validate import validate  # noqa: E402

FREEZE = timedelta(minutes=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--clock", help="local time of the drills (default: noon of the conference's second day)")
    parser.add_argument("--dedicate", type=int, default=1, help="how many VIPs get a dedicated vehicle")
    parser.add_argument("--no-scratch", action="store_true", help="skip the from-scratch comparison")
    args = parser.parse_args()
    world = scenario_from_folder(args.folder)
    world = dedicate(world, args.dedicate)
    started = time.perf_counter()
    published = plan(world)
    days = sorted({trip.stops[0].arrive_at.astimezone(world.zone).date() for trip in published.trips})
    if args.clock:
        clock = datetime.fromisoformat(args.clock).replace(tzinfo=world.zone)
    else:  # noon of the second day with movements (the first is often the day the delegations fly in)
        clock = datetime.combine(days[min(1, len(days) - 1)], datetime.min.time(), world.zone) + timedelta(hours=12)
    print(
        json.dumps(
            {
                "published": {
                    "seconds": round(time.perf_counter() - started, 1),
                    "served": published.metrics["served"],
                    "movements": published.metrics["movements"],
                    "vehicles": published.metrics["vehicles_used"],
                    "vehicle_km": published.metrics["vehicle_km"],
                    "violations": len(validate(world, published)),
                },
                "clock": clock.isoformat(),
                "vip_continuity": vip_continuity(world, published),
            }
        ),
        flush=True,
    )
    flights = flight_rows(args.folder, world)
    kinds = {row["callsign"]: row["kind"] for row in _rows(args.folder, "vehicles.csv")}
    live = Live(clock, FREEZE)
    again, released = replan(world, published, live)
    row = figures(world, published, again, live, set(), None, released)
    print(json.dumps({"drill": "nothing changed", **row}), flush=True)
    first_noon = datetime.combine(min(days), datetime.min.time(), world.zone) + timedelta(hours=12)
    for name, make in DRILLS:
        at = clock
        made = make(world, published, flights, at, kinds)
        if made is None and at > first_noon:  # e.g. no arrival after the second day's noon: drill a day earlier
            at = first_noon
            made = make(world, published, flights, at, kinds)
        if made is None:
            print(json.dumps({"drill": name, "skipped": "nothing in the scenario to disrupt after the clock"}))
            continue
        changed, touched, what = made
        live = Live(at, FREEZE)
        repaired_at = time.perf_counter()
        repaired, released = replan(changed, published, live)
        seconds = time.perf_counter() - repaired_at
        # the app's "re-optimise from scratch": everything after the frozen horizon routed anew
        scratch = None if args.no_scratch else replan(changed, published, Live(at, FREEZE, from_scratch=True))[0]
        row = {"drill": name, "what": what, **figures(changed, published, repaired, live, touched, scratch, released)}
        row["repair_seconds"] = round(seconds, 2)
        if at != clock:
            row["clock"] = at.isoformat()
        print(json.dumps(row), flush=True)


def replan(world: Scenario, published: Schedule, live: Live) -> tuple[Schedule, set[str]]:
    """As a run of the app: the re-planned schedule, and the published legs it let go for a reason."""
    prepared = prepare(world, previous=published, live=live)
    schedule = assemble(prepared, [solve_day(day) for day in prepared.days])
    return schedule, set(prepared.kept.released)


def figures(
    world: Scenario, before: Schedule, after: Schedule, live: Live, touched: set, scratch, released: set
) -> dict:
    old, new = legs_of(before), legs_of(after)
    people = {person.id for person in world.people}
    moved = defaultdict(int)
    for movement, leg in old.items():
        now = new.get(movement)
        if (
            now is None
            or now.vehicle != leg.vehicle
            or abs(now.pickup_at - leg.pickup_at) > SIGNIFICANT
            or abs(now.dropoff_at - leg.dropoff_at) > SIGNIFICANT
        ):
            moved[movement.split("#")[0]] += 1
    untouched = people - touched
    collateral = sorted(person for person in moved if person in untouched)
    metrics = after.metrics
    row = {
        "touched": len(touched),
        "collateral": len(collateral),
        "collateral_percent": round(100 * len(collateral) / max(len(untouched), 1), 2),
        "frozen_changed": len(frozen_changes(before, after, live, released)),
        "violations": len(validate(world, after)),
        "unserved": metrics["unserved_movements"],
        "on_time_percent": round(100 * metrics["served"] / max(metrics["movements"], 1), 2),
        "released": metrics.get("live", {}).get("released_by_reason", {}),
    }
    if scratch is not None:
        row["scratch_on_time_percent"] = round(
            100 * scratch.metrics["served"] / max(scratch.metrics["movements"], 1), 2
        )
    return row


def vip_continuity(world: Scenario, schedule: Schedule) -> dict:
    vips = {person.id: person for person in world.people if person.vip}
    cars = defaultdict(set)
    for leg in legs_of(schedule).values():
        person = leg.movement.split("#")[0]
        if person in vips:
            cars[person].add(leg.vehicle)
    counts = [len(cars[person]) for person in vips if cars[person]]
    dedicated = [len(cars[p.id]) for p in vips.values() if p.dedicated_vehicle and cars[p.id]]
    return {
        "vips": len(counts),
        "median_vehicles": statistics.median(counts) if counts else None,
        "worst": max(counts, default=None),
        "with_dedicated_vehicle": dedicated,
    }


def dedicate(world: Scenario, count: int) -> Scenario:
    """Give the first `count` VIPs (of different delegations) an armoured car of their own."""
    armoured = [car.callsign for car in world.cars if car.armoured]
    chosen, delegations, people = {}, set(), []
    for person in world.people:
        if person.vip and len(chosen) < count and armoured and person.delegation not in delegations:
            chosen[person.id] = armoured.pop()
            delegations.add(person.delegation)
            person = dataclasses.replace(person, dedicated_vehicle=chosen[person.id])
        people.append(person)
    return dataclasses.replace(world, people=people)


def flight_rows(folder: Path, world: Scenario) -> dict[tuple[str, str], list[str]]:
    """(kind, flight number) -> the delegates on it."""
    flights = defaultdict(list)
    for row in _rows(folder, "delegates.csv"):
        for kind in ("arrival", "departure"):
            if row.get(f"{kind}_flight"):
                flights[(kind, row[f"{kind}_flight"])].append(row["external_id"])
    return flights


def _shift_people(world: Scenario, ids: set, kind: str, shift: timedelta) -> Scenario:
    people = []
    for person in world.people:
        if person.id in ids:
            moment = getattr(person, f"{kind}_at")
            person = dataclasses.replace(person, **{f"{kind}_at": moment + shift})
        people.append(person)
    return dataclasses.replace(world, people=people)


def late_arrival(world, published, flights, clock, kinds):
    by_id = {person.id: person for person in world.people}
    candidates = sorted(
        (min(by_id[p].arrival_at for p in ids), number, ids)
        for (kind, number), ids in flights.items()
        # a flight whose delegates, 2 h late, are still to be picked up after the frozen horizon
        if kind == "arrival"
        and all(by_id[p].arrival_at and by_id[p].arrival_at + timedelta(hours=2) > clock + FREEZE for p in ids)
    )
    if not candidates:
        return None
    _, number, ids = candidates[0]
    return _shift_people(world, set(ids), "arrival", timedelta(hours=2)), set(ids), f"{number} 2 h late"


def early_departure(world, published, flights, clock, kinds):
    by_id = {person.id: person for person in world.people}
    earliest = clock + FREEZE + timedelta(hours=7)  # the new ride to the airport still lies after the horizon
    candidates = sorted(
        (min(by_id[p].departure_at for p in ids), number, ids)
        for (kind, number), ids in flights.items()
        if kind == "departure" and all(by_id[p].departure_at and by_id[p].departure_at > earliest for p in ids)
    )
    if not candidates:
        return None
    _, number, ids = candidates[0]
    return _shift_people(world, set(ids), "departure", timedelta(hours=-3)), set(ids), f"{number} 3 h early"


def session_moved(world, published, flights, clock, kinds):
    later = [event for event in world.events if event.starts_at > clock + FREEZE + timedelta(hours=1)]
    if not later:
        return None
    event = later[0]
    moved = dataclasses.replace(
        event, starts_at=event.starts_at + timedelta(hours=1), ends_at=event.ends_at + timedelta(hours=1)
    )
    events = [moved if e.code == event.code else e for e in world.events]
    touched = {person for person, codes in world.attendance.items() if event.code in codes}
    return dataclasses.replace(world, events=events), touched, f"{event.code} 60 min later"


def vehicle_out(kind: str):
    """A drill: the busiest vehicle of this kind (vehicles.csv) after the clock goes out of service."""

    def drill(world, published, flights, clock, kinds):
        busy = defaultdict(int)
        for trip in published.trips:
            if trip.stops[0].arrive_at >= clock and kinds.get(trip.vehicle) == kind:
                busy[trip.vehicle] += 1
        if not busy:
            return None
        callsign = max(sorted(busy), key=lambda c: busy[c])
        fleet = [dataclasses.replace(c, out_of_service=True) if c.callsign == callsign else c for c in world.cars]
        touched = {
            leg.movement.split("#")[0]
            for leg in legs_of(published).values()
            if leg.vehicle == callsign and leg.trip_starts_at >= clock
        }
        return dataclasses.replace(world, cars=fleet), touched, f"{callsign} ({kind}) out of service"

    return drill


def delegate_added(world, published, flights, clock, kinds):
    later = {event.code for event in world.events if event.starts_at > clock + FREEZE + timedelta(hours=1)}
    for person in world.people:
        codes = [code for code in world.attendance.get(person.id, []) if code in later]
        if codes and not person.vip:
            new = Person(id="NEW-0001", delegation=person.delegation, hotel=person.hotel, separate=person.separate)
            attendance = {**world.attendance, new.id: codes}
            changed = dataclasses.replace(world, people=[*world.people, new], attendance=attendance)
            return changed, {new.id}, f"a delegate of {person.delegation} at {len(codes)} sessions"
    return None


def delegation_cancels_a_day(world, published, flights, clock, kinds):
    day = (clock + timedelta(days=1)).date()
    events = {event.code for event in world.events if event.starts_at.astimezone(world.zone).date() == day}
    if not events:
        day = clock.date()
        events = {event.code for event in world.events if event.starts_at > clock + FREEZE + timedelta(hours=1)}
    counts = defaultdict(int)
    members = defaultdict(set)
    for person in world.people:
        for code in world.attendance.get(person.id, []):
            if code in events:
                counts[person.delegation] += 1
                members[person.delegation].add(person.id)
    if not counts:
        return None
    delegation = max(sorted(counts), key=lambda d: counts[d])
    attendance = {
        person: [code for code in codes if person not in members[delegation] or code not in events]
        for person, codes in world.attendance.items()
    }
    return (
        dataclasses.replace(world, attendance=attendance),
        members[delegation],
        f"{delegation} cancels its sessions of {day}",
    )


DRILLS = [
    ("arrival flight 2 h late", late_arrival),
    ("departure flight 3 h early", early_departure),
    ("session moved 60 min", session_moved),
    ("van out of service", vehicle_out("van")),
    ("delegate added with sessions", delegate_added),
    ("delegation cancels a day", delegation_cancels_a_day),
    # beyond the drills: the busiest bus, whose riders no other vehicle has room for at that hour
    ("bus out of service", vehicle_out("bus")),
]


if __name__ == "__main__":
    main()
