"""Import a scenario into a fresh database, recompute its schedule, and print the figures.

    python benchmarks/schedule.py ../shared/scenarios/panama-small
    python benchmarks/schedule.py ../shared/scenarios/panama-summit \\
        --database postgres://postgres@127.0.0.1:5432/convoy --broker redis://127.0.0.1:6379/14 --workers 2

Without --broker the days are solved one after another in this process; with it, a Celery worker
(started here, with --workers processes) solves them in parallel, as production does. The published
schedule is read back from the database and checked by the validator.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--database", default="sqlite", help="'sqlite' (a temporary file) or a postgres:// URL")
    parser.add_argument("--broker", help="a redis:// URL: solve the days on Celery workers")
    parser.add_argument("--workers", type=int, default=2, help="worker processes with --broker (default 2)")
    args = parser.parse_args()
    if not args.folder.is_dir():
        sys.exit(f"{args.folder} is not a folder (the shared scenarios live in ../shared/scenarios)")
    scratch = tempfile.TemporaryDirectory()
    if args.database == "sqlite":
        url = f"sqlite:///{scratch.name}/bench.sqlite3"
    else:
        from benchmarks.import_scenario import fresh_postgres

        url = fresh_postgres(args.database)
    os.environ.update(
        DATABASE_URL=url,
        REDIS_URL=args.broker or "",
        SCHEDULE_AUTO_RECOMPUTE="0",
        SCHEDULE_DEBOUNCE_SECONDS="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="convoy.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command

    from conference.models import Conference
    from logistics.models import RunStatus, ScheduleRun
    from logistics.run_reasons import trigger
    from logistics.scheduler_adapter import published_schedule, scheduling_scenario
    from logistics.services.imports import scenario_folder_files, scenario_import
    from logistics.services.schedule import schedule_recompute_request
    from scheduling.validate import validate

    call_command("migrate", verbosity=0)
    report = scenario_import(files=scenario_folder_files(args.folder), recompute=False)
    if not report.ok:
        sys.exit(report.as_text())
    conference = Conference.objects.get(code=report.conference)
    worker = None
    if args.broker:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "convoy",
                "worker",
                "--concurrency",
                str(args.workers),
                "--loglevel",
                "WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--pool",
                "prefork",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
        )
        time.sleep(3)
    try:
        started = time.perf_counter()
        if args.broker:
            run = schedule_recompute_request(conference_id=conference.pk, trigger=trigger("benchmark"))
            while run.status not in (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.SUPERSEDED):
                time.sleep(0.5)
                run.refresh_from_db()
        else:
            from logistics.services.schedule import schedule_recompute

            run = schedule_recompute(conference_id=conference.pk)
        wall = time.perf_counter() - started
    finally:
        if worker:
            worker.terminate()
            worker.wait(30)
    run = ScheduleRun.objects.get(pk=run.pk)
    if run.status != RunStatus.SUCCEEDED:
        sys.exit(f"the run {run.status}: {run.error}")
    violations = validate(scheduling_scenario(conference=conference), published_schedule(conference=conference))
    metrics = run.metrics
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    figures = {
        "scenario": args.folder.name,
        "database": url.split(":")[0],
        "mode": f"celery, {args.workers} worker processes" if args.broker else "in-process",
        "wall_seconds": round(wall, 1),
        "movements": metrics["movements"],
        "served": metrics["served"],
        "served_percent": round(100 * metrics["served"] / max(metrics["movements"], 1), 2),
        "unserved_by_reason": metrics["unserved_by_reason"],
        "vehicles_used": metrics["vehicles_used"],
        "vehicle_km": metrics["vehicle_km"],
        "direct_km_one_trip_per_party": metrics.get("direct_km"),
        "violations": len(violations),
        "peak_memory_mib": round(peak / 1024),
    }
    print(json.dumps(figures, indent=2))
    for violation in violations[:20]:
        print("  ", violation)


if __name__ == "__main__":
    main()
