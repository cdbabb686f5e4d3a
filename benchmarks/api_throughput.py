"""Requests per second of the itinerary and vehicle-status endpoints against a trivial one, on gunicorn.

    python benchmarks/api_throughput.py                      # ../shared/scenarios/panama-small
    python benchmarks/api_throughput.py demo/scenario --workers 4 --connections 16 --duration 10 --rounds 3

Creates the database named in --database afresh (dropping it first), migrates it, imports the scenario,
recomputes and publishes its schedule in-process, creates an organizer with an API token, and starts
gunicorn (sync workers, no broker, DEBUG off, API_USER_RATE=off: one token here makes hundreds of requests a
second, far above the per-user rate limit). wrk then loads, one after the other on the same server:

  trivial    GET  /api/v1/me                                  token auth and a role lookup
  itinerary  GET  /api/v1/delegates/{external_id}/itinerary  rotating over every delegate
  status     POST /api/v1/vehicles/{callsign}/status         rotating over the vehicles: status "available"
                                                              (a position update), a new event id and
                                                              position every request, so none is a replay

Each endpoint gets --warmup seconds of load first, not counted; --rounds repeats the three in turn and
reports medians (the ratio as the median of each round's ratio). Prints requests/s, latency percentiles,
the ratio to the trivial endpoint, and the CPU time gunicorn and its PostgreSQL backends spent per request
(from /proc), which depends much less than requests/s on what else the machine is running (wrk itself
shares it). Any non-2xx response or socket error fails the run (exit status 1): the figures would then
measure errors. Needs wrk (apt-get install wrk) and PostgreSQL. The database is dropped at the end unless
--keep-database.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT.parent / "shared" / "scenarios" / "panama-small"
DEMO_SCENARIO = ROOT / "demo" / "scenario"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/convoy_bench"
# settings that would change what is measured: a broker (tasks off-process), debug pages, a routing service
UNSET = ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DEBUG", "ROUTING_SERVICE_URL")
TARGET_RATIO = 0.5


@dataclass
class Endpoint:
    name: str
    method: str
    label: str  # the path as the table shows it
    paths: list[str]
    body: bool = False  # a JSON status report per request


@dataclass
class WrkResult:
    requests_per_second: float
    requests: int
    seconds: float
    bytes_read: float
    latency_ms: dict[str, float] = field(default_factory=dict)  # "avg", "max" and percentiles "50", "75", "90", "99"
    non_2xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)  # connect, read, write, timeout
    server_cpu_seconds: float | None = None  # gunicorn workers and their PostgreSQL backends, during the run

    @property
    def errors(self) -> int:
        return self.non_2xx + sum(self.socket_errors.values())


def main() -> None:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, nargs="?", help=f"scenario folder (default {DEFAULT_SCENARIO})")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="postgres:// URL; created afresh and dropped")
    parser.add_argument("--workers", type=int, default=min(2 * cores, 8), help="gunicorn workers (default 2 x cores)")
    parser.add_argument("--connections", type=int, help="wrk connections (default 4 x workers)")
    parser.add_argument("--threads", type=int, default=min(cores, 4), help="wrk threads (default: cores, at most 4)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of measured load per endpoint (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of uncounted load per endpoint (default 2)")
    parser.add_argument(
        "--rounds", type=int, default=1, help="load the three endpoints in turn this many times; the median counts"
    )
    parser.add_argument("--keep-database", action="store_true", help="leave the database for a look afterwards")
    parser.add_argument("--child-setup", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-verify", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_setup:
        print(json.dumps(child_setup(args.child_setup)))
        return
    if args.child_verify:
        print(json.dumps(child_verify()))
        return

    if shutil.which("wrk") is None:
        sys.exit(
            "wrk is not installed: it generates the load. Install it with `sudo apt-get install wrk` "
            "(Debian/Ubuntu) or `brew install wrk` (macOS), or build it from https://github.com/wg/wrk."
        )
    folder = args.folder
    if folder is None:
        folder = DEFAULT_SCENARIO
        if not folder.is_dir():
            print(f"note: {folder} is absent (../shared is not beside the repo); using {DEMO_SCENARIO} instead")
            folder = DEMO_SCENARIO
    if not (folder / "conference.csv").is_file():
        sys.exit(f"{folder} is not a scenario folder (it has no conference.csv)")
    if urlparse(args.database).scheme not in ("postgres", "postgresql"):
        sys.exit("--database must be a postgres:// URL (the database is created and dropped here)")
    if min(args.workers, args.threads, args.duration, args.rounds) < 1 or args.warmup < 0:
        sys.exit("--workers, --threads, --duration and --rounds must be at least 1, --warmup at least 0")
    connections = args.connections or 4 * args.workers
    threads = min(args.threads, connections)

    env = server_environment(args.database)
    fresh_database(args.database)
    server = None
    try:
        print(f"setting up {folder.resolve().name}: migrate, import, recompute and publish, an organizer token ...")
        setup = run_child(["--child-setup", str(folder.resolve())], env)
        endpoints = benchmark_endpoints(setup)
        load_before = os.getloadavg()[0]
        with tempfile.TemporaryDirectory(prefix="convoy-api-bench-") as scratch:
            scratch = Path(scratch)
            log = scratch / "gunicorn.log"
            port = free_port()
            server = start_gunicorn(env, args.workers, port, log)
            base = f"http://127.0.0.1:{port}"
            smoke_test(base, setup, endpoints)
            meter = CpuMeter(server.pid, args.database)
            results: dict[str, list[WrkResult]] = {endpoint.name: [] for endpoint in endpoints}
            nonce = secrets.token_hex(3)
            for number in range(1, args.rounds + 1):
                for endpoint in endpoints:
                    prefix = f"{nonce}r{number}"
                    if args.warmup:
                        script = write_lua(scratch / f"{endpoint.name}-warmup.lua", endpoint, setup, f"{prefix}w")
                        run_wrk(base, script, threads, connections, args.warmup)
                    script = write_lua(scratch / f"{endpoint.name}.lua", endpoint, setup, f"{prefix}m")
                    before = meter.sample()
                    result = run_wrk(base, script, threads, connections, args.duration)
                    result.server_cpu_seconds = meter.since(before)
                    results[endpoint.name].append(result)
                    check_server(server, log)
                    print(f"  round {number} {endpoint.name:<10} {result.requests_per_second:8.1f} req/s")
            meter.close()
        stop(server)
        server = None
        verified = run_child(["--child-verify"], env)
    finally:
        if server is not None:
            stop(server)
        if not args.keep_database:
            drop_database(args.database)
    run = {"cores": cores, "connections": connections, "threads": threads, "load_before": load_before}
    report(args, folder, setup, endpoints, results, verified, run)
    failed = [name for name, rounds in results.items() if any(result.errors for result in rounds)]
    if failed:
        sys.exit(
            f"FAILED: {', '.join(failed)} had non-2xx responses or socket errors; these figures measure errors, "
            "not the endpoints (run once by hand with curl to see what the server answers)."
        )


# Set-up and the server


def server_environment(database: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in UNSET}
    return env | {
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "convoy.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "API_USER_RATE": "off",
    }


def _admin_connection(url: str):
    import psycopg2

    admin = psycopg2.connect(urlparse(url)._replace(path="/postgres").geturl())
    admin.autocommit = True
    return admin


def _database_name(url: str) -> str:
    name = urlparse(url).path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        sys.exit(f"--database: {name!r} is not a plain database name")
    return name


def fresh_database(url: str) -> None:
    name = _database_name(url)
    admin = _admin_connection(url)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def drop_database(url: str) -> None:
    admin = _admin_connection(url)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{_database_name(url)}" WITH (FORCE)')
    admin.close()


def run_child(arguments: list[str], env: dict[str, str]) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), *arguments]
    child = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    if child.returncode != 0:
        sys.exit(f"{' '.join(arguments)} failed:\n{child.stdout}{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def child_setup(folder: Path) -> dict:
    """In a child process with DATABASE_URL set: the database, the published schedule and a token."""
    from scenario_setup import imported_conference  # beside this script, which runs as the child

    conference = imported_conference(folder)  # sets Django up first: the imports below need it
    import io

    from django.core.management import call_command
    from django.db.models import Avg

    from logistics.models import Movement, RunStatus, Vehicle, VehicleStatus
    from logistics.selectors.schedule import current_version
    from logistics.services.schedule import schedule_recompute

    started = time.perf_counter()
    run = schedule_recompute(conference_id=conference.pk)
    if run.status != RunStatus.SUCCEEDED:
        raise SystemExit(f"the recompute {run.status}: {run.error}")
    version = current_version(conference_id=conference.pk)
    if version is None:
        raise SystemExit("no schedule was published: itineraries would be empty")
    out = io.StringIO()
    call_command("add_user", "api-bench", role="organizer", token=True, stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    delegates = list(conference.delegates.order_by("external_id").values_list("external_id", flat=True))
    vehicles = list(
        Vehicle.objects.filter(conference=conference, status=VehicleStatus.AVAILABLE)
        .order_by("callsign")
        .values_list("callsign", flat=True)
    )
    centre = conference.venues.aggregate(latitude=Avg("latitude"), longitude=Avg("longitude"))
    return {
        "conference": conference.code,
        "token": token,
        "delegates": delegates,
        "vehicles": vehicles,
        "vehicles_total": Vehicle.objects.filter(conference=conference).count(),
        "movements": Movement.objects.filter(version=version).count(),
        "recompute_seconds": round(time.perf_counter() - started, 1),
        "latitude": float(centre["latitude"]),
        "longitude": float(centre["longitude"]),
    }


def child_verify() -> dict:
    """After the load: the status events the server recorded, by outcome (a replay would record none)."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db.models import Count

    from logistics.models import VehicleStatusEvent

    outcomes = VehicleStatusEvent.objects.values("outcome").annotate(n=Count("id"))
    return {"events": {row["outcome"]: row["n"] for row in outcomes}}


def benchmark_endpoints(setup: dict) -> list[Endpoint]:
    if not setup["delegates"]:
        sys.exit("the scenario has no delegates")
    if not setup["vehicles"]:
        sys.exit("the scenario has no available vehicle to report positions of")
    return [
        Endpoint("trivial", "GET", "/api/v1/me", ["/api/v1/me"]),
        Endpoint(
            "itinerary",
            "GET",
            "/api/v1/delegates/{external_id}/itinerary",
            [f"/api/v1/delegates/{quote(d, safe='')}/itinerary" for d in setup["delegates"]],
        ),
        Endpoint(
            "status",
            "POST",
            "/api/v1/vehicles/{callsign}/status",
            [f"/api/v1/vehicles/{quote(v, safe='')}/status" for v in setup["vehicles"]],
            body=True,
        ),
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict[str, str], workers: int, port: int, log: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "convoy.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        check_server(server, log)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    stop(server)
    sys.exit(f"gunicorn did not answer /healthz within 60 s:\n{log.read_text()}")


def check_server(server: subprocess.Popen, log: Path) -> None:
    if server.poll() is not None:
        sys.exit(f"gunicorn exited with status {server.returncode}:\n{log.read_text()}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def smoke_test(base: str, setup: dict, endpoints: list[Endpoint]) -> None:
    """One request to each endpoint before the load, so that a refusal shows its status and body."""
    headers = {"Authorization": f"Token {setup['token']}", "Content-Type": "application/json"}
    for endpoint in endpoints:
        body = None
        if endpoint.body:
            report = {"event_id": f"smoke-{secrets.token_hex(4)}", "status": "available"}
            body = json.dumps(report | {"latitude": setup["latitude"], "longitude": setup["longitude"]}).encode()
        request = urllib.request.Request(base + endpoint.paths[0], data=body, headers=headers, method=endpoint.method)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                answer.read()
        except urllib.error.HTTPError as error:
            sys.exit(f"{endpoint.method} {endpoint.paths[0]} answered {error.code}: {error.read()[:2000]!r}")


class CpuMeter:
    """CPU time of the gunicorn master and workers and of the PostgreSQL backends serving the benchmark
    database, from /proc (Linux). Requests per second depend on what else the machine runs; CPU time per
    request much less so."""

    def __init__(self, master: int, database: str):
        self.master = master
        self.database = _database_name(database)
        self.connection = None
        try:
            import psycopg2

            self.connection = psycopg2.connect(database)
            self.connection.autocommit = True
        except Exception as error:  # the figure is an extra: without it the table says n/a
            print(f"note: no CPU figures ({error})")

    def _pids(self) -> list[int]:
        pids = [self.master]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            fields = _stat_fields(stat)
            if fields and int(fields[1]) == self.master:
                pids.append(int(stat.parent.name))
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [self.database]
            )
            pids += [row[0] for row in cursor.fetchall()]
        return pids

    def sample(self) -> dict[int, float] | None:
        if self.connection is None:
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        times = {}
        for pid in self._pids():
            fields = _stat_fields(Path(f"/proc/{pid}/stat"))
            if fields:  # utime and stime are fields 14 and 15 of stat; fields[0] is field 3
                times[pid] = (int(fields[11]) + int(fields[12])) / ticks
        return times

    def since(self, before: dict[int, float] | None) -> float | None:
        after = self.sample()
        if before is None or after is None:
            return None
        return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _stat_fields(path: Path) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (which may hold spaces and parentheses)."""
    try:
        return path.read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


# wrk


def lua_string(text: str) -> str:
    """A Lua string literal; non-printable and non-ASCII bytes as decimal escapes."""
    out = []
    for byte in text.encode():
        char = chr(byte)
        out.append(f"\\{char}" if char in '"\\' else char if 32 <= byte < 127 else f"\\{byte}")
    return '"' + "".join(out) + '"'


LUA_TEMPLATE = """\
-- generated by benchmarks/api_throughput.py: {name}
local method = {method}
local paths = {{
{paths}
}}
local headers = {{["Authorization"] = {authorization}, ["Accept"] = "application/json"{content_type}}}
local prefix = {prefix}
local latitude, longitude = {latitude:.6f}, {longitude:.6f}
local with_body = {with_body}

-- setup runs in wrk's main Lua state once per thread; thread:set makes a global of the thread's own state
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local counter = 0
local start = 0
function init(args)
  -- threads start at different places of the rotation
  start = ((thread_number or 1) - 1) * 7919
end

function request()
  counter = counter + 1
  local path = paths[(start + counter) % #paths + 1]
  local body = nil
  if with_body then
    -- a new event id every request: the prefix, the thread and the thread's counter
    local step = counter % 400
    body = string.format(
      '{{"event_id":"%s-%d-%d","status":"available","latitude":%.6f,"longitude":%.6f}}',
      prefix, thread_number or 1, counter,
      latitude + (step - 200) * 0.0001, longitude + ((thread_number or 1) * 37 % 400 - 200) * 0.0001
    )
  end
  return wrk.format(method, path, headers, body)
end
"""


def lua_script(endpoint: Endpoint, setup: dict, prefix: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9._:]{1,30}", prefix):
        raise ValueError(f"event id prefix {prefix!r}: letters, digits, '.', '_', ':' and at most 30 of them")
    return LUA_TEMPLATE.format(
        name=f"{endpoint.method} {endpoint.label}",
        method=lua_string(endpoint.method),
        paths=",\n".join(f"  {lua_string(path)}" for path in endpoint.paths),
        authorization=lua_string(f"Token {setup['token']}"),
        content_type=', ["Content-Type"] = "application/json"' if endpoint.body else "",
        prefix=lua_string(prefix),
        latitude=setup["latitude"],
        longitude=setup["longitude"],
        with_body="true" if endpoint.body else "false",
    )


def write_lua(path: Path, endpoint: Endpoint, setup: dict, prefix: str) -> Path:
    path.write_text(lua_script(endpoint, setup, prefix))
    return path


def run_wrk(base: str, script: Path, threads: int, connections: int, seconds: int) -> WrkResult:
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
        f"--script={script}",
        base + "/",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


TIME_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
SIZE_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
    return float(number) * TIME_UNITS[unit]


def parse_wrk(output: str) -> WrkResult:
    """The figures of wrk's report (run with --latency)."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    total = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h), ([\d.]+)([KMGT]?B) read", output, re.M)
    if rate is None or total is None:
        raise ValueError(f"not a wrk report:\n{output}")
    result = WrkResult(
        requests_per_second=float(rate.group(1)),
        requests=int(total.group(1)),
        seconds=_milliseconds(total.group(2) + total.group(3)) / 1000,
        bytes_read=float(total.group(4)) * SIZE_UNITS[total.group(5)],
    )
    latency = re.search(r"^\s*Latency\s+(\S+)\s+\S+\s+(\S+)", output, re.M)
    if latency:
        result.latency_ms["avg"] = _milliseconds(latency.group(1))
        result.latency_ms["max"] = _milliseconds(latency.group(2))
    for percentile, value in re.findall(r"^\s+(\d+(?:\.\d+)?)%\s+(\S+)$", output, re.M):
        result.latency_ms[percentile.removesuffix(".000")] = _milliseconds(value)
    non_2xx = re.search(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", output, re.M)
    result.non_2xx = int(non_2xx.group(1)) if non_2xx else 0
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if sockets:
        result.socket_errors = dict(
            zip(("connect", "read", "write", "timeout"), map(int, sockets.groups()), strict=True)
        )
    return result


# The report


def median_round(rounds: list[WrkResult]) -> WrkResult:
    return sorted(rounds, key=lambda result: result.requests_per_second)[(len(rounds) - 1) // 2]


def cpu_ms_per_request(result: WrkResult) -> float | None:
    if result.server_cpu_seconds is None or not result.requests:
        return None
    return 1000 * result.server_cpu_seconds / result.requests


def summary(results: dict[str, list[WrkResult]]) -> dict[str, dict]:
    """Per endpoint: the median round, the median of its per-round rate ratios to the trivial endpoint (each
    round's endpoints run back to back, so a round's ratio shares most of its background load), and the
    median CPU ms per request with its ratio (trivial CPU / endpoint CPU)."""
    trivial = results["trivial"]
    out = {}
    for name, rounds in results.items():
        cpus = [cpu for cpu in map(cpu_ms_per_request, rounds) if cpu is not None]
        out[name] = {
            "median": median_round(rounds),
            "ratios": [
                mine.requests_per_second / base.requests_per_second for mine, base in zip(rounds, trivial, strict=True)
            ],
            "cpu_ms": statistics.median(cpus) if cpus else None,
        }
        out[name]["ratio"] = statistics.median(out[name]["ratios"])
    for name in out:
        cpu, base = out[name]["cpu_ms"], out["trivial"]["cpu_ms"]
        out[name]["cpu_ratio"] = base / cpu if cpu and base else None
    return out


def report(args, folder, setup, endpoints, results, verified, run) -> None:
    def number(value, digits=2):
        return "n/a" if value is None else f"{value:.{digits}f}"

    print()
    print(
        f"scenario {folder.resolve().name} ({setup['conference']}): {len(setup['delegates'])} delegates, "
        f"{setup['vehicles_total']} vehicles ({len(setup['vehicles'])} available), "
        f"{setup['movements']} published movements (recompute {setup['recompute_seconds']} s)"
    )
    print(
        f"machine: {run['cores']} cores, load average {run['load_before']:.2f} before the load; gunicorn: "
        f"{args.workers} sync workers, PostgreSQL; wrk on the same machine: {run['connections']} connections, "
        f"{run['threads']} threads; {args.duration} s per endpoint after {args.warmup} s of warm-up, "
        f"{args.rounds} round(s)"
    )
    figures = summary(results)
    print()
    header = (
        f"{'endpoint':<10} {'request':<47} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>7} "
        f"{'sockerr':>7} {'KiB/rsp':>7} {'ratio':>6} {'CPU ms':>7} {'by CPU':>6}"
    )
    print(header)
    print("-" * len(header))
    for endpoint in endpoints:
        rounds, mine = results[endpoint.name], figures[endpoint.name]
        result = mine["median"]
        print(
            f"{endpoint.name:<10} {endpoint.method + ' ' + endpoint.label:<47} {result.requests_per_second:>7.1f} "
            f"{number(result.latency_ms.get('50'), 1):>7} {number(result.latency_ms.get('99'), 1):>7} "
            f"{sum(r.non_2xx for r in rounds):>7} {sum(sum(r.socket_errors.values()) for r in rounds):>7} "
            f"{result.bytes_read / max(result.requests, 1) / 1024:>7.2f} {mine['ratio']:>6.2f} "
            f"{number(mine['cpu_ms']):>7} {number(mine['cpu_ratio']):>6}"
        )
    print(
        "ratio: requests/s over the trivial endpoint's; CPU ms: CPU time of gunicorn and its PostgreSQL backends "
        "per request;\nby CPU: trivial CPU ms over the endpoint's, the ratio to expect where the server has the "
        "machine to itself"
    )
    if args.rounds > 1:
        print("medians of the rounds (latencies of the median round); by round:")
        for endpoint in endpoints:
            rounds, mine = results[endpoint.name], figures[endpoint.name]
            rates = ", ".join(f"{r.requests_per_second:.1f}" for r in rounds)
            ratios = ", ".join(f"{ratio:.2f}" for ratio in mine["ratios"])
            cpus = ", ".join(number(cpu_ms_per_request(r)) for r in rounds)
            print(f"  {endpoint.name:<10} req/s {rates}; ratio {ratios}; CPU ms {cpus}")
    events = verified["events"]
    posted = sum(r.requests for r in results["status"])
    print(
        f"status events recorded: {sum(events.values())} ({', '.join(f'{n} {k}' for k, n in sorted(events.items()))})"
        f" for {posted} measured status requests, plus warm-up and one smoke test"
    )
    if sum(events.values()) < posted:
        print("WARNING: fewer events than status requests: some requests were idempotent replays")
    verdicts = []
    for name in ("itinerary", "status"):
        ratio, by_cpu = figures[name]["ratio"], figures[name]["cpu_ratio"]
        verdict = "yes" if ratio >= TARGET_RATIO else "NO"
        verdicts.append(f"{name} {ratio:.2f} (by CPU {number(by_cpu)}): {verdict}")
    print(f"at least {TARGET_RATIO} of the trivial endpoint's requests/s? " + "; ".join(verdicts))


if __name__ == "__main__":
    main()
