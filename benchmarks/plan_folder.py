"""Plan a scenario folder with the scheduler alone (no Django, no database) and print the figures.

    .venv/bin/python benchmarks/plan_folder.py FOLDER [--day 2026-12-07 ...]

FOLDER holds the scenario's CSVs (shared/design/data-formats.md), e.g. one made by
`python ../shared/tools/scenario_gen.py /tmp/week --seed 1 --delegates 5000 --vehicles 600 --days 5 --edge-cases`.
The movement rules are the contract's defaults. Days are solved one after the other with the default options,
one JSON row each (served, what the waves' baselines would have served, the waves that fell back to the
baseline, seconds). With every day solved, the schedule is assembled, validated and its counters checked.
Run nothing else meanwhile: the optimiser's time limits make the results depend on the CPU.
"""

import argparse
import csv
import json
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scheduling.model import Car, Event, Person, Scenario  # noqa: E402
from scheduling.planner import assemble, check_counters, prepare, solve_day  # noqa: E402
from scheduling.rules import MovementRules  # noqa: E402
from scheduling.validate import validate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--day", action="append", default=[], help="solve only this service day (repeatable)")
    args = parser.parse_args()
    started = time.perf_counter()
    world = scenario_from_folder(args.folder)
    prepared = prepare(world)
    print(
        f"prepared in {time.perf_counter() - started:.1f} s: {len(prepared.movements)} movements, "
        f"{len(prepared.parties)} parties, {len(prepared.days)} days",
        flush=True,
    )
    results = []
    for day in prepared.days:
        if args.day and day["day"] not in args.day:
            continue
        solved = time.perf_counter()
        result = solve_day(day)
        results.append(result)
        movements = sum(request["movements"] for request in day["requests"])
        left = sum(request["movements"] for request in day["requests"] if request["id"] in result["unserved"])
        row = {
            "day": day["day"],
            "parties": len(day["requests"]),
            "movements": movements,
            "served": movements - left,
            "served_percent": round(100 * (movements - left) / max(movements, 1), 2),
            "baseline_served": result["baseline_served"],
            "vehicles": len(result["visits"]),
            "waves": result["waves"],
            "fallbacks": [[f["wave"], f["parties"], f["why"], f["optimiser_served"]] for f in result["fallbacks"]],
            "seconds": round(time.perf_counter() - solved, 1),
        }
        print(json.dumps(row), flush=True)
    if len(results) < len(prepared.days):
        return
    schedule = assemble(prepared, results)
    metrics = schedule.metrics
    shown = ["movements", "served", "unserved_movements", "skipped_sessions", "unserved", "unserved_by_reason"]
    shown += ["baseline_served", "worse_than_baseline", "waves", "fallback_waves", "trips", "vehicles_used"]
    print(json.dumps({key: metrics[key] for key in [*shown, "vehicle_km", "solver_seconds"]}))
    print(
        f"served {100 * metrics['served'] / max(metrics['movements'], 1):.2f} %, "
        f"{time.perf_counter() - started:.1f} s from the files to the assembled schedule"
    )
    violations = validate(world, schedule, prepared.matrix)
    print(f"validator: {len(violations)} violation(s) {dict(Counter(v.code for v in violations).most_common(10))}")
    print(f"counters: {check_counters(schedule) or 'they add up'}")


def scenario_from_folder(folder: Path) -> Scenario:
    """The CSVs as the scheduler's plain data, as the importer and the adapter would make them."""
    zone = ZoneInfo(_rows(folder, "conference.csv")[0]["timezone"])

    def moment(text: str) -> datetime | None:
        return datetime.fromisoformat(text).replace(tzinfo=zone) if text else None

    separate = {row["code"]: _yes(row["separate_transport"]) for row in _rows(folder, "delegations.csv")}
    people = [
        Person(
            id=row["external_id"],
            delegation=row["delegation"],
            hotel=row["hotel"],
            vip=_yes(row["vip"]),
            separate=separate[row["delegation"]],
            accessible=_yes(row["accessible_vehicle"]),
            arrival_at=moment(row["arrival_at"]),
            arrival_place=row["arrival_venue"] or None,
            departure_at=moment(row["departure_at"]),
            departure_place=row["departure_venue"] or None,
            dedicated_vehicle=row.get("dedicated_vehicle") or None,
        )
        for row in sorted(_rows(folder, "delegates.csv"), key=lambda row: row["external_id"])
    ]
    sessions = [
        Event(row["code"], row["venue"], moment(row["starts_at"]), moment(row["ends_at"]))
        for row in _rows(folder, "sessions.csv")
    ]
    attendance: dict[str, list[str]] = {}
    for row in sorted(_rows(folder, "attendance.csv"), key=lambda row: (row["delegate"], row["session"])):
        attendance.setdefault(row["delegate"], []).append(row["session"])
    shifts = {  # a vehicle serves within its driver's shift (drivers.csv, when the folder has it)
        row["vehicle"]: (moment(row.get("shift_from", "")), moment(row.get("shift_until", "")))
        for row in (_rows(folder, "drivers.csv") if (folder / "drivers.csv").is_file() else [])
        if row.get("vehicle")
    }
    cars = []
    for row in sorted(_rows(folder, "vehicles.csv"), key=lambda row: row["callsign"]):
        starts, ends = moment(row["available_from"]), moment(row["available_until"])
        shift_from, shift_until = shifts.get(row["callsign"], (None, None))
        if shift_from is not None:
            starts = shift_from if starts is None else max(starts, shift_from)
        if shift_until is not None:
            ends = shift_until if ends is None else min(ends, shift_until)
        armoured, accessible = _yes(row["armoured"]), _yes(row["accessible"])
        cars.append(Car(row["callsign"], int(row["seats"]), row["depot"], armoured, accessible, starts, ends))
    return Scenario(
        rules=MovementRules(),
        zone=zone,
        places={row["code"]: (float(row["latitude"]), float(row["longitude"])) for row in _rows(folder, "venues.csv")},
        people=people,
        events=sorted(sessions, key=lambda event: (event.starts_at, event.code)),
        attendance=attendance,
        cars=cars,
    )


def _rows(folder: Path, name: str) -> list[dict]:
    with open(folder / name, newline="", encoding="utf-8-sig") as handle:  # a byte-order mark is allowed
        return list(csv.DictReader(handle))


def _yes(text: str) -> bool:
    return text.strip().lower() in ("yes", "true", "1")


if __name__ == "__main__":
    main()
