"""How long the map page takes to draw 150 vehicles, every venue and 1,000 route lines in headless Chromium.

    python benchmarks/map_render.py                          # ../shared/scenarios/panama-summit, SQLite
    python benchmarks/map_render.py SCENARIO --rounds 5

A fresh SQLite file: migrate, import the scenario without a recompute, then publish a made-up schedule of
--trips trips (two stops each, one route segment per trip, all within the two hours the page shows) over the
fleet, and give every vehicle a fresh position. gunicorn serves it (DEBUG on, so whitenoise serves the static
files from their folders); Debian's Chromium opens /c/CODE/map/ through Playwright, logged in, with tile
requests refused (the map works without tiles). The time counted runs from the navigation's start to the
moment map.js has drawn all markers and lines (data-rendered-ms, after the next animation frame), median of
--rounds loads. Also prints each GeoJSON endpoint's size, plain and gzipped.
"""

import argparse
import gzip
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from scenario_setup import free_port, wait_until_answering  # beside this script

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT.parent / "shared" / "scenarios" / "panama-summit"
TARGET_SECONDS = 1.5
PASSWORD = "map-bench-password"


def child_setup(folder: Path, trips: int) -> dict:
    """In a child process with DATABASE_URL set: the data and a user; answers what the page should draw."""
    from scenario_setup import imported_conference  # beside this script, which runs as the child

    conference = imported_conference(folder)  # sets Django up first: the imports below need it
    import random
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from conference.models import UserRole
    from logistics.models import ScheduleVersion, Stop, Trip, Vehicle

    venues = list(conference.venues.all())
    vehicles = list(Vehicle.objects.filter(conference=conference).order_by("callsign"))
    rng = random.Random(7)
    now = timezone.now().replace(second=0, microsecond=0)
    for vehicle in vehicles:  # a fresh position near a venue, as the phones report them
        venue = rng.choice(venues)
        vehicle.last_latitude = round(float(venue.latitude) + rng.uniform(-0.01, 0.01), 6)
        vehicle.last_longitude = round(float(venue.longitude) + rng.uniform(-0.01, 0.01), 6)
        vehicle.last_position_at = now
    Vehicle.objects.bulk_update(vehicles, ["last_latitude", "last_longitude", "last_position_at"])
    ScheduleVersion.objects.filter(conference=conference).update(is_current=False)
    number = (ScheduleVersion.objects.filter(conference=conference).count() or 0) + 1
    version = ScheduleVersion.objects.create(conference=conference, number=number, computed_at=now, is_current=True)
    made, stops = [], []
    for index in range(trips):
        start = now + timedelta(minutes=rng.randint(1, 100))
        made.append(
            Trip(
                version=version,
                code=f"T-{index + 1:04d}",
                vehicle=vehicles[index % len(vehicles)],
                starts_at=start,
                ends_at=start + timedelta(minutes=15),
            )
        )
    Trip.objects.bulk_create(made)
    for trip in Trip.objects.filter(version=version):
        first, last = rng.sample(venues, 2)
        stops.append(Stop(trip=trip, sequence=1, venue=first, arrive_at=trip.starts_at, depart_at=trip.starts_at))
        stops.append(Stop(trip=trip, sequence=2, venue=last, arrive_at=trip.ends_at, depart_at=trip.ends_at))
    Stop.objects.bulk_create(stops)
    user = get_user_model().objects.create_user("map-bench", password=PASSWORD)
    UserRole.objects.create(user=user, role="organizer")
    return {
        "conference": conference.code,
        "zone": conference.timezone,
        "vehicles": len(vehicles),
        "venues": len(venues),
        "trips": trips,
        "segments": len(stops) - trips,
    }


def run_child(arguments: list[str], env: dict[str, str]) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), *arguments]
    child = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    if child.returncode != 0:
        sys.exit(f"set-up failed:\n{child.stdout}{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "convoy.wsgi:application", "--workers", "3"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    wait_until_answering(f"http://127.0.0.1:{port}", server, log)
    return server


def measure(base: str, setup: dict, rounds: int) -> tuple[list[float], dict, dict]:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CONVOY_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("no Chromium: apt-get install chromium (or set CONVOY_CHROMIUM)")
    code = setup["conference"]
    times, counts, sizes = [], {}, {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-dev-shm-usage"])
        context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 860})
        context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        page = context.new_page()
        page.goto("/login/")
        page.locator("#id_username").fill("map-bench")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{base}/")
        for number in range(rounds + 1):  # the first load warms the server and the browser cache
            page.goto(f"/c/{code}/map/", wait_until="commit")
            page.locator("#map[data-rendered]").wait_for(state="attached", timeout=60_000)
            element = page.locator("#map")
            milliseconds = float(element.get_attribute("data-rendered-ms"))
            if number:
                times.append(milliseconds / 1000)
            for name in ("vehicle", "venue", "route"):
                counts[name] = int(element.get_attribute(f"data-{name}-count"))
            counts["lines in the DOM"] = page.locator("path.route-line").count()
        map_element = page.locator("#map")
        for name in ("venues", "vehicles", "routes"):
            url = map_element.get_attribute(f"data-{name}-url")
            if name != "vehicles":
                start, end = (page.locator(f"input[name={key}]").input_value() for key in ("from", "to"))
                offset = (
                    page.evaluate(
                        "zone => new Intl.DateTimeFormat('en-US', {timeZone: zone, timeZoneName: 'longOffset'})"
                        ".formatToParts(new Date()).find(p => p.type === 'timeZoneName').value.replace('GMT', '')",
                        setup["zone"],
                    )
                    or "+00:00"
                )
                url += "?" + urllib.parse.urlencode({"from": f"{start}:00{offset}", "to": f"{end}:00{offset}"})
            answer = context.request.get(url)
            body = answer.body()
            if not answer.ok:
                sys.exit(f"{url} answered {answer.status}: {body[:300]!r}")
            sizes[name] = (len(json.loads(body)["features"]), len(body), len(gzip.compress(body, 6)))
        browser.close()
    return times, counts, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, nargs="?", default=DEFAULT_SCENARIO)
    parser.add_argument("--trips", type=int, default=1000, help="route lines in the window (default 1000)")
    parser.add_argument("--rounds", type=int, default=5, help="measured page loads (median; default 5)")
    parser.add_argument("--child-setup", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_setup:
        print(json.dumps(child_setup(args.child_setup, args.trips)))
        return
    if not (args.folder / "conference.csv").is_file():
        sys.exit(f"{args.folder} is not a scenario folder (the shared scenarios live in ../shared/scenarios)")
    with tempfile.TemporaryDirectory(prefix="convoy-map-bench-") as scratch:
        scratch = Path(scratch)
        env = {
            k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL", "ROUTING_SERVICE_URL")
        }
        env |= {
            "DATABASE_URL": f"sqlite:///{scratch}/map.sqlite3",
            "DJANGO_SETTINGS_MODULE": "convoy.settings",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DEBUG": "1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SCHEDULE_AUTO_RECOMPUTE": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        print(f"setting up {args.folder.resolve().name} with {args.trips} made-up trips in a fresh SQLite file ...")
        setup = run_child(["--child-setup", str(args.folder.resolve()), "--trips", str(args.trips)], env)
        port = free_port()
        server = start_server(env, port, scratch / "gunicorn.log")
        try:
            times, counts, sizes = measure(f"http://127.0.0.1:{port}", setup, args.rounds)
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=10)
    median = statistics.median(times)
    print(
        f"data: {setup['vehicles']} vehicles, {setup['venues']} venues, {setup['trips']} trips "
        f"({setup['segments']} route segments)"
    )
    print(f"drawn: {counts}")
    print("| endpoint | features | bytes | gzip bytes |\n|---|---|---|---|")
    for name, (features, plain, packed) in sizes.items():
        print(f"| map/{name} | {features:,} | {plain:,} | {packed:,} |")
    print(
        f"navigation to all drawn: median {median:.2f} s over {len(times)} loads "
        f"(min {min(times):.2f}, max {max(times):.2f}); target {TARGET_SECONDS} s: "
        + ("met" if median < TARGET_SECONDS else "MISSED")
    )


if __name__ == "__main__":
    main()
