"""The dial-a-ride benchmark: reading Cordeau's files, solving one, and the independent feasibility checker."""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from scheduling.darp import Instance, Node, read_instance, route_cost, run, violations

ROOT = Path(__file__).resolve().parents[2]
DARP = ROOT.parent / "shared" / "benchmarks" / "darp"


def shared_instance(name: str) -> Path:
    path = DARP / "instances" / f"{name}.txt"
    if not path.is_file():
        pytest.skip(f"DARP instance {name} is not at {path}: these tests need ../shared beside the repo")
    return path


@pytest.fixture(scope="module")
def a2_16() -> dict:
    return run(shared_instance("a2-16"), time_limit=2.0)


def test_reads_an_a_instance():
    instance = read_instance(shared_instance("a2-16"))
    assert (instance.name, instance.vehicles, instance.requests) == ("a2-16", 2, 16)
    assert (instance.capacity, instance.max_ride, instance.max_duration) == (3, 30, 480)
    assert len(instance.nodes) == 34 and instance.end_depot == 33  # `a` files end with an end-depot line
    assert instance.nodes[1].load == 1 and instance.nodes[17].load == -1


def test_reads_a_pr_instance():
    instance = read_instance(shared_instance("pr01"))
    assert (instance.name, instance.vehicles, instance.requests) == ("pr01", 3, 24)  # the file says 48 nodes
    assert (instance.capacity, instance.max_ride) == (6, 90)
    assert len(instance.nodes) == 49 and instance.end_depot == 0  # `pr` routes return to node 0


def test_solves_a2_16_feasibly_serving_everyone(a2_16):
    assert a2_16["feasible"], a2_16["violations"]
    served = sorted(stop["node"] for route in a2_16["routes"] for stop in route["stops"][1:-1] if stop["node"] <= 16)
    assert served == list(range(1, 17))
    assert a2_16["cost"] >= 294.25 - 0.01  # the proven optimum
    assert a2_16["cost"] <= 294.25 * 1.05
    assert a2_16["vehicles_used"] <= 2


def test_command_line_prints_the_json_summary():
    path = shared_instance("a2-16")
    result = subprocess.run(
        [sys.executable, "-m", "scheduling.darp", str(path), "--time-limit", "0.5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert set(summary) == {"instance", "cost", "vehicles_used", "seconds", "feasible", "violations", "routes"}
    assert summary["instance"] == "a2-16" and summary["feasible"]
    first = summary["routes"][0]["stops"]
    assert first[0]["node"] == 0 and first[-1]["node"] == 33


# ---------------------------------------------------------------- the checker, on a tiny hand-made instance


def tiny() -> Instance:
    """Two requests on a line: pickups at x=1 and x=2, deliveries at x=5 and x=6; depot at 0; capacity 1."""

    def node(i: int, x: float, load: int, window=(0.0, 100.0)) -> Node:
        return Node(i, x, 0.0, 1.0 if 1 <= i <= 4 else 0.0, load, *window)

    nodes = (
        node(0, 0, 0),
        node(1, 1, 1, (0.0, 10.0)),
        node(2, 2, 1),
        node(3, 5, -1),
        node(4, 6, -1),
        node(5, 0, 0),
    )
    return Instance("tiny", vehicles=2, requests=2, max_duration=50.0, capacity=1, max_ride=10.0, nodes=nodes)


def good_routes() -> list[dict]:
    # vehicle 0: depot 0 -> 1 (t=1, service 1) -> 3 at t=6 -> end depot at 12; vehicle 1 likewise for request 2
    return [
        {
            "vehicle": 0,
            "stops": [
                {"node": 0, "start": 0},
                {"node": 1, "start": 1},
                {"node": 3, "start": 6},
                {"node": 5, "start": 12},
            ],
        },
        {
            "vehicle": 1,
            "stops": [
                {"node": 0, "start": 0},
                {"node": 2, "start": 2},
                {"node": 4, "start": 7},
                {"node": 5, "start": 14},
            ],
        },
    ]


def test_checker_accepts_a_feasible_schedule():
    instance = tiny()
    assert violations(instance, good_routes()) == []
    assert route_cost(instance, good_routes()) == pytest.approx(10 + 12)


def test_checker_catches_a_late_node():
    routes = good_routes()
    routes[0]["stops"][1]["start"] = 11  # pickup 1 closes at 10
    routes[0]["stops"][2]["start"] = 16
    routes[0]["stops"][3]["start"] = 22
    assert any("node 1 starts at 11.000 outside [0.0, 10.0]" in problem for problem in violations(tiny(), routes))


def test_checker_catches_arriving_before_the_car_can_be_there():
    routes = good_routes()
    routes[0]["stops"][2]["start"] = 4.5  # 1 + service 1 + distance 4 = 6
    assert any("node 3 starts at 4.500 before it can be reached" in p for p in violations(tiny(), routes))


def test_checker_catches_over_capacity():
    routes = [
        {
            "vehicle": 0,
            "stops": [
                {"node": 0, "start": 0},
                {"node": 1, "start": 1},
                {"node": 2, "start": 3},
                {"node": 3, "start": 7},
                {"node": 4, "start": 9},
                {"node": 5, "start": 16},
            ],
        }
    ]
    problems = violations(tiny(), routes)
    assert problems == ["vehicle 0: load 2 above capacity at node 2"]


def test_checker_catches_a_ride_too_long():
    routes = good_routes()
    routes[0]["stops"][2]["start"] = 13  # picked up at 1, service until 2: rides 11 > 10
    routes[0]["stops"][3]["start"] = 19
    assert violations(tiny(), routes) == ["vehicle 0: request 1 rides longer than 10.0"]


def test_checker_catches_a_missing_request():
    routes = good_routes()[:1]
    assert violations(tiny(), routes) == ["served 1 of 2 requests (missing [2], 0 served twice)"]


def test_checker_catches_a_request_served_twice_and_a_delivery_before_its_pickup():
    routes = copy.deepcopy(good_routes())
    routes[1]["stops"][1:3] = [{"node": 1, "start": 1}, {"node": 3, "start": 6}]
    assert "served 1 of 2 requests (missing [2], 1 served twice)" in violations(tiny(), routes)
    backwards = good_routes()
    backwards[0]["stops"][1:3] = [{"node": 3, "start": 5}, {"node": 1, "start": 10}]
    problems = violations(tiny(), backwards)
    assert "vehicle 0: delivers request 1 before picking it up" in problems
    assert "vehicle 0: requests [1] picked up but never delivered" in problems


def test_checker_catches_a_route_too_long_and_wrong_depots():
    routes = good_routes()
    routes[1]["stops"][-1]["start"] = 60  # duration limit 50
    assert violations(tiny(), routes) == ["vehicle 1: route lasts longer than 50.0"]
    routes = good_routes()
    routes[1]["stops"][-1]["node"] = 0  # the `a`-style instance ends at node 5
    assert "vehicle 1: does not start and end at the depots" in violations(tiny(), routes)


def test_benchmark_script_skips_cleanly_without_the_instances(tmp_path):
    result = subprocess.run(
        [sys.executable, "benchmarks/darp.py", str(tmp_path / "nowhere")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("skipped: no instance folder at")


def test_benchmark_script_prints_a_row_and_the_means():
    shared_instance("a2-16")
    result = subprocess.run(
        [sys.executable, "benchmarks/darp.py", "--time-limit", "0.5", "--only", "a", "--max-requests", "16"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["instance", "requests", "best", "known"]
    assert [line.split()[0] for line in lines[1:3]] == ["a2-16", "a4-16"]
    assert all(line.split()[-1] == "yes" for line in lines[1:3])
    assert any(line.startswith("mean gap, `a` instances up to 48 requests:") for line in lines)
