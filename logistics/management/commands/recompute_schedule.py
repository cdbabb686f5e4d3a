import json

from django.core.management.base import BaseCommand, CommandError

from conference.models import Conference
from conference.selectors.conferences import conference_moment
from logistics.models import RunStatus, ScheduleRun
from logistics.run_reasons import trigger
from logistics.services.schedule import schedule_recompute_request, schedule_run_wait


class Command(BaseCommand):
    help = "Recompute a conference's movement schedule and print a JSON summary of the run."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The conference code, e.g. CASC26.")
        parser.add_argument(
            "--wait",
            action="store_true",
            help="Wait for the run to finish (with the embedded broker this command computes it itself).",
        )
        parser.add_argument("--timeout", type=float, default=900, help="Seconds to wait at most (default 900).")
        parser.add_argument(
            "--now",
            help="The run's clock for a drill, ISO 8601 (e.g. 2026-12-07T12:00-05:00; without an offset: the "
            "conference's local time). Legs before it plus the freeze horizon stay as published. Default: now.",
        )
        parser.add_argument(
            "--from-scratch",
            action="store_true",
            help="Re-optimise everything beyond the frozen horizon instead of changing as little as possible.",
        )

    def handle(self, *args, code: str, wait: bool, timeout: float, now: str | None, from_scratch: bool, **options):
        conference = Conference.objects.filter(code=code).first()
        if conference is None:
            raise CommandError(f"There is no conference with code {code!r}.")
        as_of = None
        if now:
            try:
                as_of = conference_moment(conference=conference, text=now)
            except ValueError as exc:
                raise CommandError(f"--now: {exc}") from None
        run = schedule_recompute_request(
            conference_id=conference.pk, trigger=trigger("recompute_command"), as_of=as_of, from_scratch=from_scratch
        )
        if wait:
            run = schedule_run_wait(run_id=run.pk, timeout=timeout)
        else:
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
        "as_of": run.as_of.astimezone(run.conference.zone).isoformat() if run.as_of else None,
        "from_scratch": run.from_scratch,
        "live": metrics.get("live"),
        "pins": metrics.get("pins"),
        "movements": metrics.get("movements"),
        "served": metrics.get("served"),
        "unserved": metrics.get("unserved"),
        "unserved_by_reason": metrics.get("unserved_by_reason", {}),
        "vehicles_used": metrics.get("vehicles_used"),
        "vehicle_km": metrics.get("vehicle_km"),
        "seconds": metrics.get("seconds"),
        "error": run.error or None,
    }
