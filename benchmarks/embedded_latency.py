"""The embedded default answers while a summit recompute runs: no request waits for a recompute.

    python benchmarks/embedded_latency.py                    # ../shared/scenarios/panama-summit
    python benchmarks/embedded_latency.py demo/scenario --posts 200

Sets up what `make demo` runs, in a scratch folder: a SQLite database (the scenario imported, nothing
recomputed yet, an organizer with an API token), `manage.py runserver` and the embedded Celery worker with
its beat on the file broker. Then asks for a recompute through the API and, while the run is queued and
running, posts vehicle status updates (a new event id each, as a phone does) and reads the run's progress.
Prints the latency of the recompute request and of the status posts (median, 95th percentile, worst), how the
progress moved, and how the run ended. Fails (exit status 1) when a status post took 1 s or more, or failed.
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from scenario_setup import free_port, wait_until_answering  # beside this script

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT.parent / "shared" / "scenarios" / "panama-summit"
TARGET_SECONDS = 1.0
UNSET = ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CELERY_TASK_ALWAYS_EAGER", "ROUTING_SERVICE_URL")


def child_setup(folder: Path) -> dict:
    """In a child process with DATABASE_URL set: the imported scenario and an organizer's token."""
    from io import StringIO

    from scenario_setup import imported_conference  # beside this script, which runs as the child

    conference = imported_conference(folder)  # sets Django up first: the imports below need it
    from django.core.management import call_command

    from logistics.models import Vehicle

    out = StringIO()
    call_command("add_user", "latency-bench", role="organizer", token=True, stdout=out)
    return {
        "conference": conference.code,
        "token": out.getvalue().strip().splitlines()[-1],
        "vehicles": list(Vehicle.objects.filter(conference=conference).values_list("callsign", flat=True)),
    }


def call(base: str, token: str, method: str, path: str, body: dict | None = None) -> tuple[float, int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base}{path}", data=data, method=method)
    request.add_header("Authorization", f"Token {token}")
    request.add_header("Content-Type", "application/json")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            answer, status = response.read(), response.status
    except urllib.error.HTTPError as error:
        answer, status = error.read(), error.code
    return time.perf_counter() - started, status, json.loads(answer or b"{}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", type=Path, nargs="?", default=DEFAULT_SCENARIO)
    parser.add_argument("--posts", type=int, default=0, help="status posts to send at least (default: until done)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the run at most")
    args = parser.parse_args()
    if not args.scenario.is_dir():
        print(f"skipped: no scenario folder at {args.scenario} (the shared scenarios live in ../shared/scenarios)")
        return
    with tempfile.TemporaryDirectory(prefix="convoy-latency-") as scratch_name:
        scratch = Path(scratch_name)
        env = {key: value for key, value in os.environ.items() if key not in UNSET}
        env |= {"DATABASE_URL": f"sqlite:///{scratch / 'convoy.sqlite3'}", "DEBUG": "1", "LOG_LEVEL": "WARNING"}
        env["DJANGO_SETTINGS_MODULE"] = "convoy.settings"
        env.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
        print(f"setting up {args.scenario.resolve().name} in SQLite: migrate, import, an organizer token ...")
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(args.scenario)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            check=False,
        )
        if child.returncode != 0:
            sys.exit(f"set-up failed:\n{child.stdout}{child.stderr}")
        setup = json.loads(child.stdout.strip().splitlines()[-1])
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
        celery = [sys.executable, "-m", "celery", "-A", "convoy", "worker", "--beat", "--pool=threads"]
        worker = subprocess.Popen(
            [*celery, "--concurrency=2", "--loglevel=WARNING", f"--schedule={scratch / 'beat-schedule'}"],
            cwd=ROOT,
            env=env,
            stdout=worker_log.open("w"),
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_answering(base, server, server_log)
            report = measure(base, setup, args)
        finally:
            for process in (server, worker):
                process.terminate()
            for process in (server, worker):
                process.wait(30)
    print_report(report)
    if report["failures"] or max(report["posts"]) >= TARGET_SECONDS:
        sys.exit(1)


def measure(base: str, setup: dict, args) -> dict:
    token, code, vehicles = setup["token"], setup["conference"], setup["vehicles"]
    asked, status, run = call(base, token, "POST", f"/api/v1/conferences/{code}/recompute")
    if status != 202:
        sys.exit(f"the recompute request answered {status}: {run}")
    started = time.monotonic()
    posts, failures, progress, slow = [], 0, [], []
    while time.monotonic() - started < args.timeout:
        callsign = vehicles[len(posts) % len(vehicles)]
        body = {"event_id": f"latency-{secrets.token_hex(6)}", "status": "available"}
        seconds, answer, _ = call(base, token, "POST", f"/api/v1/vehicles/{callsign}/status?conference={code}", body)
        posts.append(seconds)
        if seconds >= TARGET_SECONDS / 2:
            slow.append((round(time.monotonic() - started, 1), round(seconds, 2)))
        failures += answer != 201
        _, _, run = call(base, token, "GET", f"/api/v1/runs/{run['id']}")
        elapsed = round(time.monotonic() - started, 1)
        if not progress or progress[-1][1:] != (run["status"], run["progress"]):
            progress.append((elapsed, run["status"], run["progress"]))
        if run["status"] not in ("queued", "running") and len(posts) >= args.posts:
            break
        time.sleep(0.2)
    return {"asked": asked, "posts": posts, "failures": failures, "progress": progress, "slow": slow, "run": run}


def print_report(report: dict) -> None:
    posts = report["posts"]
    run = report["run"]
    print(f"recompute request (POST .../recompute): answered in {report['asked'] * 1000:.0f} ms")
    print(
        f"status posts while the run was queued or running: {len(posts)}, failed {report['failures']}; "
        f"median {statistics.median(posts) * 1000:.0f} ms, p95 {percentile(posts, 0.95) * 1000:.0f} ms, "
        f"worst {max(posts) * 1000:.0f} ms (target: under {TARGET_SECONDS * 1000:.0f} ms)"
    )
    if report["slow"]:
        print("posts that took half the target or more (seconds since the request, seconds):", report["slow"])
    print("progress (seconds since the request, status, percent):")
    for elapsed, status, percent in report["progress"]:
        print(f"  {elapsed:7.1f} s  {status:<10} {percent:3d} %")
    metrics = run.get("metrics") or {}
    print(
        f"run {run['id']}: {run['status']}, version {run.get('version')}, "
        f"served {metrics.get('served')} of {metrics.get('movements')} movements, {metrics.get('seconds')} s"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child_setup(Path(sys.argv[2]))))
    else:
        main()
