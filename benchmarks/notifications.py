"""Webhook deliveries through the outbox: latency, a receiver that is down, a worker killed mid-burst; and the
e-mails of the changes (one per affected person, none to anybody else).

    python benchmarks/notifications.py ../shared/scenarios/panama-small \\
        --database postgres://postgres@127.0.0.1:5432/convoy --broker redis://127.0.0.1:6379/13

Sets up a fresh PostgreSQL database with the scenario imported and published, a webhook receiver (a local HTTP
server in this process that records each delivery id and when it came), and one Celery worker process (with its
beat) on Redis that delivers, as production does. Then:

1. latency: `--changes` flights are moved one after another through the flights service, each re-planned and
   published (in this process); for every webhook delivery of those publications, the time from the row being
   written (in the publishing transaction) to its arrival at the receiver: median, p95, worst (target: p95 under
   10 s with one worker). The e-mails of each publication are checked against the delegates whose legs changed
   significantly (and their delegations' liaisons): one per affected person per settled batch, none to others.
2. receiver down: the receiver stops, `--burst` notifications are written, `--down-seconds` later (300) it comes
   back: every delivery id must arrive after it (counted sent vs received).
3. worker killed: `--kill-burst` (1000) notifications are written and, once the receiver has 100 of them, the
   worker's processes get `kill -9`; a new worker is started: every delivery id must arrive.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Receiver:
    """A webhook endpoint on a fixed port that can go down and come back; it keeps every delivery it got."""

    def __init__(self):
        self.arrivals: list[tuple[str, float]] = []  # (delivery id, time.time() at arrival)
        self.lock = threading.Lock()
        self.server = None
        self.port = None

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.arrivals.append((self.headers["Convoy-Delivery"], time.time()))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port or 0), Handler)
        self.server.allow_reuse_address = True
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def received(self) -> set[str]:
        with self.lock:
            return {delivery for delivery, _ in self.arrivals}

    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)


def start_worker(scratch: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "convoy",
            "worker",
            "--beat",
            f"--schedule={scratch / 'beat-schedule'}",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=(scratch / "worker.log").open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: kill -9 reaches the pool's child too
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/convoy")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--changes", type=int, default=10, help="flights moved in the latency part")
    parser.add_argument("--burst", type=int, default=300, help="notifications written while the receiver is down")
    parser.add_argument("--down-seconds", type=float, default=300)
    parser.add_argument("--kill-burst", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    if not args.folder.is_dir():
        print(f"skipped: no scenario folder at {args.folder} (the shared scenarios live in ../shared/scenarios)")
        return
    from benchmarks.import_scenario import fresh_postgres

    scratch = Path(tempfile.mkdtemp(prefix="convoy-notify-"))
    env = {
        **os.environ,
        "DATABASE_URL": fresh_postgres(args.database),
        "REDIS_URL": args.broker,
        "SCHEDULE_AUTO_RECOMPUTE": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "convoy.settings",
        "NOTIFY_SWEEP_SECONDS": "2",
        "EMAIL_URL": "locmem://",
    }
    env.setdefault("SECRET_KEY", "notifications-benchmark-only")
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from conference.models import Conference
    from logistics.models import Notification, NotificationStatus, RunStatus, ScheduleVersion, Webhook
    from logistics.services.imports import scenario_folder_files, scenario_import
    from logistics.services.notifications import News, notifications_write
    from logistics.services.schedule import schedule_recompute

    report = scenario_import(files=scenario_folder_files(args.folder), recompute=False)
    if not report.ok:
        sys.exit(report.as_text())
    conference = Conference.objects.get(code=report.conference)
    receiver = Receiver()
    receiver.start()
    Webhook.objects.create(
        conference=conference,
        url=f"http://127.0.0.1:{receiver.port}/hook",
        events=["itinerary.changed", "trip.changed", "run.finished", "flight.changed"],
        secret="benchmark-secret-of-some-length",
    )
    first = schedule_recompute(conference_id=conference.pk, parallel=False)
    if first.status != RunStatus.SUCCEEDED:
        sys.exit(f"the first run {first.status}: {first.error}")
    worker = start_worker(scratch, env)
    try:
        results = {"scenario": args.folder.name}
        results["latency"] = latency(conference, receiver, args)
        results["receiver_down"] = receiver_down(conference, receiver, args, News, notifications_write)
        results["worker_killed"], worker = worker_killed(
            conference, receiver, args, News, notifications_write, worker, scratch, env
        )
        pending = Notification.objects.filter(conference=conference, status=NotificationStatus.PENDING)
        results["webhook_deliveries_left_pending"] = pending.filter(channel="webhook").count()
        results["emails_still_settling"] = pending.filter(channel="email").count()
        results["versions"] = ScheduleVersion.objects.filter(conference=conference).count()
        print(json.dumps(results, indent=2))
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
        receiver.stop()


def wait_for(condition, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def latency(conference, receiver, args) -> dict:
    from delegates.selectors.flights import conference_flights
    from logistics.models import Notification, NotificationChannel, RunStatus, ScheduleVersion
    from logistics.services.flights import flight_expected_set
    from logistics.services.schedule import schedule_recompute

    flights = [
        flight
        for day in _days(conference)
        for flight in conference_flights(conference=conference, day=day)
        if flight.kind == "departure"
    ][: args.changes]
    started_at = datetime.now().astimezone()
    mails = {"written": 0, "expected": 0, "to_unaffected": 0}
    for flight in flights:
        flight_expected_set(
            conference=conference,
            number=flight.number,
            day=flight.date,
            expected_at=flight.scheduled_at - timedelta(hours=1),
        )
        before = set(Notification.objects.filter(channel=NotificationChannel.EMAIL).values_list("pk", flat=True))
        run = schedule_recompute(conference_id=conference.pk, parallel=False)
        if run.status != RunStatus.SUCCEEDED:
            sys.exit(f"a run {run.status}: {run.error}")
        version = ScheduleVersion.objects.get(conference=conference, is_current=True)
        expected = _affected_people(conference, version)
        written = Notification.objects.filter(channel=NotificationChannel.EMAIL).exclude(pk__in=before)
        joined = set(
            Notification.objects.filter(channel=NotificationChannel.EMAIL, pk__in=before).values_list(
                "person", flat=True
            )
        )
        people = list(written.values_list("person", flat=True))
        mails["written"] += len(people)
        mails["expected"] += len(expected - joined)
        mails["to_unaffected"] += len(set(people) - expected)
        if len(people) != len(set(people)):
            mails["twice_in_a_batch"] = mails.get("twice_in_a_batch", 0) + 1
    hooks = Notification.objects.filter(channel=NotificationChannel.WEBHOOK, created_at__gte=started_at)
    written = {str(delivery): created for delivery, created in hooks.values_list("delivery_id", "created_at")}
    wait_for(lambda: set(written) <= receiver.received(), args.timeout)
    arrived: dict[str, float] = {}
    with receiver.lock:
        for delivery, at in receiver.arrivals:
            arrived.setdefault(delivery, at)
    seconds = sorted(arrived[d] - written[d].timestamp() for d in written if d in arrived)
    return {
        "publications": len(flights),
        "deliveries": len(written),
        "received": len(seconds),
        "median_seconds": round(statistics.median(seconds), 3) if seconds else None,
        "p95_seconds": round(seconds[int(0.95 * (len(seconds) - 1))], 3) if seconds else None,
        "worst_seconds": round(seconds[-1], 3) if seconds else None,
        "emails": mails,
    }


def _days(conference):
    day = conference.start_date
    while day <= conference.end_date + timedelta(days=1):
        yield day
        day += timedelta(days=1)


def _affected_people(conference, version) -> set[str]:
    from conference.models import Role, UserRole
    from delegates.models import Delegate

    changed = {
        external_id
        for external_id, entry in version.changes.get("delegates", {}).items()
        if any(leg["significant"] for name in ("added", "removed", "moved") for leg in entry[name])
    }
    delegates = Delegate.objects.filter(conference=conference, external_id__in=changed)
    people = {f"delegate:{d.external_id}" for d in delegates if d.email}
    delegations = {d.delegation_id for d in delegates}
    liaisons = UserRole.objects.filter(role=Role.LIAISON, delegation_id__in=delegations).exclude(user__email="")
    return people | {f"liaison:{role.user_id}" for role in liaisons}


def _burst(conference, count: int, News, notifications_write, tag: str) -> set[str]:
    from django.db import transaction

    from logistics.models import Notification

    with transaction.atomic():
        notifications_write(
            conference=conference, event="run.finished", news=[News({"burst": tag, "n": n}) for n in range(count)]
        )
    return {str(d) for d in Notification.objects.filter(payload__data__burst=tag).values_list("delivery_id", flat=True)}


def receiver_down(conference, receiver, args, News, notifications_write) -> dict:
    receiver.stop()
    written = _burst(conference, args.burst, News, notifications_write, "down")
    time.sleep(args.down_seconds)
    back = time.time()
    receiver.start()
    complete = wait_for(lambda: written <= receiver.received(), args.timeout)
    with receiver.lock:
        times = [at for delivery, at in receiver.arrivals if delivery in written]
    return {
        "written": len(written),
        "received": len(written & receiver.received()),
        "lost": len(written - receiver.received()),
        "down_seconds": args.down_seconds,
        "all_in_seconds_after_back": round(max(times) - back, 1) if complete and times else None,
    }


def worker_killed(conference, receiver, args, News, notifications_write, worker, scratch, env):
    before = receiver.count()
    written = _burst(conference, args.kill_burst, News, notifications_write, "kill")
    wait_for(lambda: receiver.count() - before >= 100, args.timeout, step=0.01)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(30)
    at_kill = len(written & receiver.received())
    worker = start_worker(scratch, env)
    started = time.monotonic()
    # all but the row the killed worker was sending come at once; that one when its claim expires
    wait_for(lambda: len(written - receiver.received()) <= 1, args.timeout)
    all_but_one = time.monotonic() - started
    complete = wait_for(lambda: written <= receiver.received(), args.timeout)
    with receiver.lock:
        copies = sum(1 for delivery, _ in receiver.arrivals if delivery in written)
    return (
        {
            "written": len(written),
            "received_before_the_kill": at_kill,
            "received": len(written & receiver.received()),
            "lost": len(written - receiver.received()),
            "received_twice": copies - len(written & receiver.received()),
            "seconds_to_all_but_the_claimed_one": round(all_but_one, 1),
            "seconds_to_all_after_restart": round(time.monotonic() - started, 1) if complete else None,
        },
        worker,
    )


if __name__ == "__main__":
    main()
