"""Celery tasks: thin wrappers that take ids and call services."""

import logging

from celery import shared_task

from logistics import services
from logistics.models import ScheduleRun
from scheduling.planner import solve_day

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def recompute_schedule(*, conference_id: int, run_id: int | None = None) -> int | None:
    run = services.schedule_recompute(conference_id=conference_id, run_id=run_id)
    return run.pk if run else None


@shared_task(acks_late=True)
def solve_schedule_day(*, day: dict, run_id: int) -> dict:
    result = solve_day(day)
    services.schedule_run_progress(run_id=run_id, days=day["count"])
    return result


@shared_task(acks_late=True)
def publish_schedule(results: list[dict], *, run_id: int) -> int | None:
    if not ScheduleRun.objects.filter(pk=run_id).exists():
        logger.info("run %s is gone; nothing to publish", run_id)
        return None
    return services.schedule_publish(run_id=run_id, results=results).pk
