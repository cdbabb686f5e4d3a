import json
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from conference.models import Conference
from logistics.models import RunStatus, ScheduleRun
from logistics.run_reasons import trigger
from logistics.services.schedule import schedule_recompute, schedule_recompute_request

FINISHED = {RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.SUPERSEDED}


class Command(BaseCommand):
    help = "Recompute a conference's movement schedule and print a JSON summary of the run."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The conference code, e.g. CASC26.")
        parser.add_argument(
            "--wait",
            action="store_true",
            help="With a broker, wait for the workers to finish (without one it always waits).",
        )
        parser.add_argument("--timeout", type=float, default=900, help="Seconds to wait at most (default 900).")

    def handle(self, *args, code: str, wait: bool, timeout: float, **options):
        conference = Conference.objects.filter(code=code).first()
        if conference is None:
            raise CommandError(f"There is no conference with code {code!r}.")
        if settings.CELERY_TASK_ALWAYS_EAGER:
            run = schedule_recompute(conference_id=conference.pk)
        else:
            run = schedule_recompute_request(conference_id=conference.pk, trigger=trigger("recompute_command"))
            deadline = time.monotonic() + timeout
            while wait and run.status not in FINISHED and time.monotonic() < deadline:
                time.sleep(0.5)
                run.refresh_from_db()
        self.stdout.write(json.dumps(run_summary(run), indent=2, ensure_ascii=False))
        if run.status == RunStatus.FAILED:
            raise CommandError(f"Run {run.pk} failed.")


def run_summary(run: ScheduleRun) -> dict:
    metrics = run.metrics or {}
    return {
        "run": run.pk,
        "conference": run.conference.code,
        "status": run.status,
        "version": metrics.get("version"),
        "unchanged": metrics.get("unchanged", False),
        "movements": metrics.get("movements"),
        "served": metrics.get("served"),
        "unserved": metrics.get("unserved"),
        "unserved_by_reason": metrics.get("unserved_by_reason", {}),
        "vehicles_used": metrics.get("vehicles_used"),
        "vehicle_km": metrics.get("vehicle_km"),
        "seconds": metrics.get("seconds"),
        "error": run.error or None,
    }
