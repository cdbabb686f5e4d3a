"""Repair time through the app: a disruption reported through the API, until the re-planned version is published.

    python benchmarks/repair_app.py ../shared/scenarios/panama-small --mode embedded
    python benchmarks/repair_app.py ../shared/scenarios/panama-summit --mode celery \\
        --database postgres://postgres@127.0.0.1:5432/convoy --broker redis://127.0.0.1:6379/14

`embedded`: what `make demo` runs (SQLite in a scratch folder, `manage.py runserver`, the Celery worker with
its beat on the broker in files, 2 threads). `celery`: a fresh PostgreSQL database, Redis, and a Celery worker
of 2 processes that solves the days in parallel, as production does.

The scenario is imported and published once (a first run plans everything); then, with the app's clock
(SCHEDULE_CLOCK) at noon of the conference's second day, each drill goes through the API as the desk would:
a departure flight 3 h early (`PATCH .../flights/{number}/{date}`), a van out of service (`POST
/vehicles/{callsign}/status`). Each change queues a re-plan by itself (the recompute debounce is set to 0 s
here, so the figure is the repair, not the desk's chosen wait). For each drill it prints the seconds from the
change request to the new version published, the run's own compute time, and what the run kept and released.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from embedded_latency import UNSET, call  # beside this script
from scenario_setup import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child_setup(folder: Path) -> dict:
    """In a child process with DATABASE_URL set: the imported scenario, an organizer's token, the drills' clock."""
    from io import StringIO

    from scenario_setup import imported_conference

    conference = imported_conference(folder)
    from django.core.management import call_command

    out = StringIO()
    call_command("add_user", "repair-bench", role="organizer", token=True, stdout=out)
    zone = ZoneInfo(conference.timezone)
    noon = datetime.combine(conference.start_date + timedelta(days=1), datetime.min.time(), zone) + timedelta(hours=12)
    return {"conference": conference.code, "token": out.getvalue().strip().splitlines()[-1], "clock": noon.isoformat()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--mode", choices=("embedded", "celery"), default="embedded")
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/convoy", help="with --mode celery")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/14", help="with --mode celery")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for one run at most")
    args = parser.parse_args()
    if not args.folder.is_dir():
        print(f"skipped: no scenario folder at {args.folder} (the shared scenarios live in ../shared/scenarios)")
        return
    with tempfile.TemporaryDirectory(prefix="convoy-repair-") as scratch_name:
        scratch = Path(scratch_name)
        env = {key: value for key, value in os.environ.items() if key not in UNSET}
        env |= {"DEBUG": "1", "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "convoy.settings"}
        env |= {"SCHEDULE_DEBOUNCE_SECONDS": "0", "SCHEDULE_AUTO_RECOMPUTE": "1"}
        env.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
        if args.mode == "embedded":
            env["DATABASE_URL"] = f"sqlite:///{scratch / 'convoy.sqlite3'}"
            pool = ["--pool=threads", "--concurrency=2", "--beat", f"--schedule={scratch / 'beat-schedule'}"]
        else:
            from benchmarks.import_scenario import fresh_postgres

            env |= {"DATABASE_URL": fresh_postgres(args.database), "REDIS_URL": args.broker}
            pool = ["--pool=prefork", "--concurrency=2", "--beat", f"--schedule={scratch / 'beat-schedule'}"]
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(args.folder.resolve())],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            check=False,
        )
        if child.returncode != 0:
            sys.exit(f"set-up failed:\n{child.stdout}{child.stderr}")
        setup = json.loads(child.stdout.strip().splitlines()[-1])
        env["SCHEDULE_CLOCK"] = setup["clock"]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server_log, worker_log = scratch / "server.log", scratch / "worker.log"
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=server_log.open("w"),
            stderr=subprocess.STDOUT,
        )
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "convoy", "worker", *pool, "--loglevel=WARNING"],
            cwd=ROOT,
            env=env,
            stdout=worker_log.open("w"),
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_answering(base, server, server_log)
            drills(Bench(base, setup, args.timeout), args)
        finally:
            for process in (server, worker):
                process.terminate()
            for process in (server, worker):
                process.wait(30)


class Bench:
    def __init__(self, base: str, setup: dict, timeout: float):
        self.base, self.token, self.code, self.timeout = base, setup["token"], setup["conference"], timeout
        self.clock = datetime.fromisoformat(setup["clock"])

    def api(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | list]:
        _, status, answer = call(self.base, self.token, method, path, body)
        return status, answer

    def newest_run(self) -> dict | None:
        _, runs = self.api("GET", f"/api/v1/runs/?conference={self.code}")
        results = runs["results"] if isinstance(runs, dict) else runs
        return results[0] if results else None

    def wait_for_run_after(self, known: int | None) -> dict:
        """The first run newer than `known`, once it has ended."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            run = self.newest_run()
            if run and run["id"] != known and run["status"] not in ("queued", "running"):
                return run
            time.sleep(0.1)
        sys.exit(f"no run ended within {self.timeout:.0f} s")


def drills(bench: Bench, args) -> None:
    started = time.monotonic()
    status, run = bench.api("POST", f"/api/v1/conferences/{bench.code}/recompute")
    if status != 202:
        sys.exit(f"the recompute request answered {status}: {run}")
    first = bench.wait_for_run_after(None)
    report("first publication", first, time.monotonic() - started, args)
    if first["status"] != "succeeded":
        sys.exit(f"the first run ended {first['status']}: {first.get('error')}")
    for name, change in (("departure flight 3 h early", early_departure), ("van out of service", van_out)):
        before = bench.newest_run()["id"]
        asked = time.monotonic()
        what = change(bench)
        if what is None:
            print(json.dumps({"drill": name, "skipped": "nothing to disrupt after the clock"}))
            continue
        run = bench.wait_for_run_after(before)
        report(name, run, time.monotonic() - asked, args, what)


def early_departure(bench: Bench) -> str | None:
    _, flights = bench.api("GET", f"/api/v1/conferences/{bench.code}/flights")
    flights = flights["results"] if isinstance(flights, dict) else flights
    earliest = bench.clock + timedelta(hours=8)  # the new ride to the airport still lies after the frozen horizon
    later = sorted(
        (flight for flight in flights if flight["kind"] == "departure"),
        key=lambda flight: (flight["scheduled_at"], flight["number"]),
    )
    later = [flight for flight in later if datetime.fromisoformat(flight["scheduled_at"]) > earliest]
    if not later:
        return None
    flight = later[0]
    expected = datetime.fromisoformat(flight["scheduled_at"]) - timedelta(hours=3)
    path = f"/api/v1/conferences/{bench.code}/flights/{quote(flight['number'])}/{flight['date']}"
    status, answer = bench.api("PATCH", path, {"expected_at": expected.isoformat()})
    if status != 200:
        sys.exit(f"PATCH {path} answered {status}: {answer}")
    return f"{flight['number']} ({flight['delegates']} delegates) 3 h early"


def van_out(bench: Bench) -> str | None:
    _, vehicles = bench.api("GET", f"/api/v1/vehicles/?conference={bench.code}&page_size=1000")
    vehicles = vehicles["results"] if isinstance(vehicles, dict) else vehicles
    vans = sorted(vehicle["callsign"] for vehicle in vehicles if vehicle.get("kind") == "van")
    if not vans:
        return None
    body = {"event_id": f"repair-{secrets.token_hex(6)}", "status": "out_of_service"}
    path = f"/api/v1/vehicles/{vans[0]}/status?conference={bench.code}"
    status, answer = bench.api("POST", path, body)
    if status != 201:
        sys.exit(f"POST {path} answered {status}: {answer}")
    return f"{vans[0]} out of service"


def report(name: str, run: dict, seconds: float, args, what: str | None = None) -> None:
    metrics = run.get("metrics") or {}
    live = metrics.get("live") or {}
    row = {
        "mode": args.mode,
        "scenario": args.folder.name,
        "drill": name,
        "what": what,
        "status": run["status"],
        "seconds_to_published": round(seconds, 2),
        "run_compute_seconds": metrics.get("seconds"),
        "served": metrics.get("served"),
        "movements": metrics.get("movements"),
        "kept_legs": live.get("kept_legs"),
        "released_by_reason": live.get("released_by_reason"),
        "time_cut_waves": metrics.get("time_cut_waves"),
    }
    print(json.dumps({key: value for key, value in row.items() if value is not None}), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child_setup(Path(sys.argv[2]))))
    else:
        main()
