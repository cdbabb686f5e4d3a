"""Dial-a-ride benchmark: solve a Cordeau-format instance with the app's optimiser core.

    python -m scheduling.darp INSTANCE_FILE --time-limit SECONDS

prints {"instance", "cost", "vehicles_used", "seconds", "feasible", "violations",
"routes": [{"vehicle", "stops": [{"node", "start"}]}]} where "start" is the start of service at each
node, the depot first and last, and "violations" lists every rule of Cordeau (2006) that the routes
break, checked in floating point independently of the optimiser ("feasible" means there is none).
"""

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path

from scheduling.optimiser import Problem, Request, SearchOptions, Solution, Vehicle, solve

SCALE = 1000  # integer ticks per unit of distance and time; travel is rounded up, so schedules stay feasible


@dataclass(frozen=True)
class Node:
    id: int
    x: float
    y: float
    service: float
    load: int
    earliest: float
    latest: float


@dataclass(frozen=True)
class Instance:
    name: str
    vehicles: int
    requests: int
    max_duration: float
    capacity: int
    max_ride: float
    nodes: tuple[Node, ...]

    @property
    def end_depot(self) -> int:
        return 2 * self.requests + 1 if len(self.nodes) > 2 * self.requests + 1 else 0

    def distance(self, a: int, b: int) -> float:
        return math.hypot(self.nodes[a].x - self.nodes[b].x, self.nodes[a].y - self.nodes[b].y)


def read_instance(path: Path) -> Instance:
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    vehicles, count, max_duration, capacity, max_ride = lines[0][:5]
    nodes = tuple(
        Node(int(f[0]), float(f[1]), float(f[2]), float(f[3]), int(f[4]), float(f[5]), float(f[6])) for f in lines[1:]
    )
    # `a` files give n and end with an end-depot line; `pr` files give 2n and return to node 0
    requests = int(count) if len(nodes) == 2 * int(count) + 2 else int(count) // 2
    if len(nodes) not in (2 * requests + 1, 2 * requests + 2):
        raise ValueError(f"{path}: {len(nodes)} node lines do not fit {requests} requests")
    return Instance(path.stem, int(vehicles), requests, float(max_duration), int(capacity), float(max_ride), nodes)


def ticks(value: float) -> int:
    return math.ceil(value * SCALE - 1e-6)


def build_problem(instance: Instance) -> Problem:
    n = instance.requests
    size = len(instance.nodes)
    travel = [[ticks(instance.distance(a, b)) for b in range(size)] for a in range(size)]
    cost = [[round(instance.distance(a, b) * SCALE) for b in range(size)] for a in range(size)]
    depot = instance.nodes[0]
    requests = []
    for i in range(1, n + 1):
        pickup, delivery = instance.nodes[i], instance.nodes[n + i]
        requests.append(
            Request(
                id=str(i),
                pickup=i,
                delivery=n + i,
                load=pickup.load,
                pickup_window=(ticks(pickup.earliest), math.floor(pickup.latest * SCALE)),
                delivery_window=(ticks(delivery.earliest), math.floor(delivery.latest * SCALE)),
                pickup_service=ticks(pickup.service),
                delivery_service=ticks(delivery.service),
                max_ride=math.floor(instance.max_ride * SCALE),
                penalty=10**12,
            )
        )
    vehicles = [
        Vehicle(
            id=str(k),
            capacity=instance.capacity,
            start=0,
            end=instance.end_depot,
            window=(ticks(depot.earliest), math.floor(depot.latest * SCALE)),
            max_duration=math.floor(instance.max_duration * SCALE),
        )
        for k in range(instance.vehicles)
    ]
    return Problem(travel=travel, cost=cost, requests=requests, vehicles=vehicles, one_service_per_stop=False)


def routes_of(instance: Instance, solution: Solution) -> list[dict]:
    routes = []
    for route in solution.routes:
        stops = [{"node": 0, "start": route.start_time / SCALE}]
        for visit in route.visits:
            node = int(visit.request) + (instance.requests if visit.kind == "delivery" else 0)
            stops.append({"node": node, "start": visit.start / SCALE})
        stops.append({"node": instance.end_depot, "start": route.end_time / SCALE})
        routes.append({"vehicle": int(route.vehicle), "stops": stops})
    return routes


def route_cost(instance: Instance, routes: list[dict]) -> float:
    return sum(instance.distance(a["node"], b["node"]) for route in routes for a, b in pairwise(route["stops"]))


def violations(instance: Instance, routes: list[dict]) -> list[str]:
    """Every broken rule of Cordeau (2006), checked in floating point against the instance itself."""
    n, problems, served = instance.requests, [], []
    eps = 1e-6
    vehicles = [route["vehicle"] for route in routes]
    if len(set(vehicles)) != len(vehicles):
        problems.append("a vehicle drives more than one route")
    for route in routes:
        stops, load, picked = route["stops"], 0, {}
        name = f"vehicle {route['vehicle']}"
        if len(stops) < 2 or stops[0]["node"] != 0 or stops[-1]["node"] != instance.end_depot:
            problems.append(f"{name}: does not start and end at the depots")
            continue
        if any(not 1 <= stop["node"] <= 2 * n for stop in stops[1:-1]):
            problems.append(f"{name}: visits a depot or an unknown node on the way")
            continue
        for a, b in pairwise(stops):
            ready = a["start"] + instance.nodes[a["node"]].service + instance.distance(a["node"], b["node"])
            if b["start"] < ready - eps:
                problems.append(f"{name}: node {b['node']} starts at {b['start']:.3f} before it can be reached")
        for stop in stops:
            node = instance.nodes[stop["node"]]
            if not node.earliest - eps <= stop["start"] <= node.latest + eps:
                problems.append(
                    f"{name}: node {node.id} starts at {stop['start']:.3f} outside [{node.earliest}, {node.latest}]"
                )
            if stop is stops[0] or stop is stops[-1]:
                continue
            load += node.load
            if node.id <= n:
                picked[node.id] = stop["start"] + node.service
                served.append(node.id)
            elif node.id - n not in picked:
                problems.append(f"{name}: delivers request {node.id - n} before picking it up")
            elif stop["start"] - picked.pop(node.id - n) > instance.max_ride + eps:
                problems.append(f"{name}: request {node.id - n} rides longer than {instance.max_ride}")
            if load > instance.capacity:
                problems.append(f"{name}: load {load} above capacity at node {node.id}")
        if picked:
            problems.append(f"{name}: requests {sorted(picked)} picked up but never delivered")
        if stops[-1]["start"] - stops[0]["start"] > instance.max_duration + eps:
            problems.append(f"{name}: route lasts longer than {instance.max_duration}")
    if sorted(served) != list(range(1, n + 1)):
        missing = sorted(set(range(1, n + 1)) - set(served))
        problems.append(
            f"served {len(set(served))} of {n} requests (missing {missing[:10]}"
            f"{'...' if len(missing) > 10 else ''}, {len(served) - len(set(served))} served twice)"
        )
    if len(routes) > instance.vehicles:
        problems.append(f"{len(routes)} routes for {instance.vehicles} vehicles")
    return problems


def run(path: Path, time_limit: float, options: SearchOptions | None = None) -> dict:
    """Solve one instance; `options` (its time limit replaced by `time_limit`) defaults to the app's defaults."""
    instance = read_instance(path)
    options = replace(options or SearchOptions(), time_limit=time_limit)
    started = time.perf_counter()
    solution = solve(build_problem(instance), options)
    seconds = time.perf_counter() - started
    routes = routes_of(instance, solution)
    broken = violations(instance, routes)
    return {
        "instance": instance.name,
        "cost": round(route_cost(instance, routes), 2),
        "vehicles_used": len(routes),
        "seconds": round(seconds, 2),
        "feasible": not broken,
        "violations": broken,
        "routes": routes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Solve a Cordeau dial-a-ride instance with Convoy's optimiser.")
    parser.add_argument("instance", type=Path)
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds of search (default 10)")
    args = parser.parse_args(argv)
    if not args.instance.is_file():
        parser.error(f"{args.instance} is not a file")
    print(json.dumps(run(args.instance, args.time_limit)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
