"""Recompute and publish movement schedules.

A recompute is a ScheduleRun: queued when inputs change (a burst of changes shares one queued run),
claimed by exactly one worker, solved day by day (in parallel on several workers when a broker is
configured), checked by the validator, and published as a new current ScheduleVersion in one
transaction. A failed or superseded run never touches the published schedule.
"""

import contextlib
import logging
import traceback
from contextvars import ContextVar

from celery import chord, shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from conference.models import Conference
from logistics.models import (
    RunStatus,
    ScheduleRun,
    ScheduleVersion,
)
from logistics.run_reasons import ENDINGS, ending, ending_english, trigger
from logistics.scheduler_adapter import scheduling_problem, version_write
from scheduling.planner import Prepared, assemble, solve_day
from scheduling.reasons import Reason, reason_english
from scheduling.validate import rule_breaking_reasons, validate, without_movements

logger = logging.getLogger(__name__)
_triggers_paused: ContextVar[bool] = ContextVar("schedule_triggers_paused", default=False)

MAX_TRIGGERS = 20  # a burst of changes shares one run: it names the first ones
MAX_FINDINGS = 50  # a refused run keeps the validator's first findings (and how many more there were)


class ScheduleRejected(Exception):
    def __init__(self, violations: list[Reason]):
        super().__init__(f"the validator rejected the schedule: {len(violations)} violation(s)")
        self.violations = violations


def schedule_recompute_request(*, conference_id: int, trigger: dict, user=None) -> ScheduleRun:
    """Queue a recompute once the current transaction commits. Changes in a burst share one queued run.
    `trigger`: what asks for it (logistics.run_reasons.trigger)."""
    with transaction.atomic():
        run = (
            ScheduleRun.objects.select_for_update()
            .filter(conference_id=conference_id, status=RunStatus.QUEUED)
            .order_by("created_at")
            .first()
        )
        if run is not None:
            if trigger not in run.triggers and len(run.triggers) < MAX_TRIGGERS:
                run.triggers.append(trigger)
                run.save(update_fields=["triggers"])
            return run
        run = ScheduleRun.objects.create(conference_id=conference_id, triggers=[trigger], triggered_by=user)
    delay = 0 if settings.CELERY_TASK_ALWAYS_EAGER else settings.SCHEDULE_DEBOUNCE_SECONDS
    transaction.on_commit(
        lambda: recompute_schedule.apply_async(
            kwargs={"conference_id": conference_id, "run_id": run.pk}, countdown=delay
        )
    )
    return run


@contextlib.contextmanager
def triggers_paused():
    """For bulk writers (the importer) that ask for one recompute themselves when they are done."""
    token = _triggers_paused.set(True)
    try:
        yield
    finally:
        _triggers_paused.reset(token)


def triggers_are_paused() -> bool:
    return _triggers_paused.get()


def schedule_recompute(
    *, conference_id: int, run_id: int | None = None, parallel: bool | None = None
) -> ScheduleRun | None:
    """Claim the queued run (or start one), compute the schedule, and publish it. Safe to call twice."""
    run = _claim(conference_id=conference_id, run_id=run_id)
    if run is None:
        return None
    try:
        conference = run.conference
        prepared, input_hash = scheduling_problem(conference=conference)
        ScheduleRun.objects.filter(pk=run.pk).update(input_hash=input_hash, progress=5)
        current = ScheduleVersion.objects.filter(conference=conference, is_current=True).first()
        if current is not None and current.input_hash == input_hash:
            _finish(run, RunStatus.SUCCEEDED, metrics={**current.metrics, "unchanged": True, "version": current.number})
            return _reload(run)
        if parallel is None:
            parallel = not settings.CELERY_TASK_ALWAYS_EAGER and len(prepared.days) > 1
        if parallel:
            chord(solve_schedule_day.s(day=day, run_id=run.pk) for day in prepared.days)(
                publish_schedule.s(run_id=run.pk)
            )
            return _reload(run)
        results = []
        for day in prepared.days:
            results.append(solve_day(day))
            schedule_run_progress(run_id=run.pk, days=len(prepared.days))
        return schedule_publish(run_id=run.pk, results=results, prepared=prepared)
    except Exception as exc:  # the run records any failure; the published schedule stays as it was
        logger.exception("schedule run %s failed", run.pk)
        _failure(run, exc)
        return _reload(run)


def schedule_run_progress(*, run_id: int, days: int) -> None:
    step = max(1, 90 // max(days, 1))
    ScheduleRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(progress=F("progress") + step)


def schedule_publish(*, run_id: int, results: list[dict], prepared: Prepared | None = None) -> ScheduleRun:
    """Assemble the solved days, validate, and make the result the current version in one transaction."""
    run = ScheduleRun.objects.select_related("conference").get(pk=run_id)
    try:
        if prepared is None:  # a worker's callback: read the inputs again, they must not have changed
            prepared, input_hash = scheduling_problem(conference=run.conference)
            if input_hash != run.input_hash:
                _finish(run, RunStatus.SUPERSEDED, findings=[ending("inputs_changed_while_computing")])
                schedule_recompute_request(
                    conference_id=run.conference_id, trigger=trigger("inputs_changed_during_run")
                )
                return _reload(run)
        schedule = assemble(prepared, results)
        schedule = _without_rule_breaking_movements(prepared, schedule)
        violations = validate(prepared.scenario, schedule, prepared.matrix)
        if violations:
            raise ScheduleRejected(violations)
        schedule.metrics["seconds"] = round((timezone.now() - run.started_at).total_seconds(), 2)
        with transaction.atomic():
            conference = Conference.objects.select_for_update().get(pk=run.conference_id)
            newer = ScheduleVersion.objects.filter(
                conference=conference, is_current=True, run__created_at__gt=run.created_at
            ).exists()
            if newer:
                _finish(run, RunStatus.SUPERSEDED, findings=[ending("newer_run_published")])
                return _reload(run)
            version = version_write(conference=conference, run=run, schedule=schedule)
            _finish(run, RunStatus.SUCCEEDED, metrics={**schedule.metrics, "version": version.number})
    except Exception as exc:
        logger.exception("publishing run %s failed", run_id)
        _failure(run, exc)
    return _reload(run)


def _without_rule_breaking_movements(prepared: Prepared, schedule):
    """Movements the validator finds fault with are taken off their trips and listed as unserved, saying why;
    what remains is validated again before anything is published."""
    violations = validate(prepared.scenario, schedule, prepared.matrix)
    if not violations or not all(getattr(v, "movements", ()) for v in violations):
        return schedule
    reasons = rule_breaking_reasons(violations)
    repaired = without_movements(schedule, reasons)
    repaired.metrics = {**schedule.metrics, "served": schedule.metrics["served"] - len(reasons)}
    repaired.metrics["unserved"] = schedule.metrics["unserved"] + len(reasons)
    by_reason = dict(schedule.metrics["unserved_by_reason"])
    by_reason["broke_rule"] = by_reason.get("broke_rule", 0) + len(reasons)
    repaired.metrics["unserved_by_reason"] = by_reason
    logger.warning("%d movement(s) broke a rule and were listed as unserved", len(reasons))
    return repaired


def _claim(*, conference_id: int, run_id: int | None) -> ScheduleRun | None:
    now = timezone.now()
    queued = ScheduleRun.objects.filter(conference_id=conference_id, status=RunStatus.QUEUED)
    if run_id is None:
        if not Conference.objects.filter(pk=conference_id).exists():
            return None
        run = ScheduleRun.objects.create(
            conference_id=conference_id, triggers=[trigger("recompute")], status=RunStatus.QUEUED
        )
        run_id = run.pk
    if (
        ScheduleRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(status=RunStatus.RUNNING, started_at=now)
        != 1
    ):
        return None  # another worker has it, or it is done
    run = ScheduleRun.objects.select_related("conference").get(pk=run_id)
    # queued runs from before this one are covered by it: it reads the inputs now
    covered = queued.filter(created_at__lte=run.created_at).exclude(pk=run_id)
    for older in covered:
        run.triggers += [given for given in older.triggers if given not in run.triggers][
            : MAX_TRIGGERS - len(run.triggers)
        ]
    covered_by = [ending("covered_by_run", run=run_id)]
    covered.update(status=RunStatus.SUPERSEDED, finished_at=now, findings=covered_by, error=_english(covered_by))
    run.save(update_fields=["triggers"])
    return run


def _finish(
    run: ScheduleRun, status: str, *, metrics: dict | None = None, findings: list[dict] = (), error: str = ""
) -> None:
    """`findings`: why the run published nothing, as codes (also kept in English in `error`, beside the text of an
    exception)."""
    ScheduleRun.objects.filter(pk=run.pk).update(
        status=status,
        finished_at=timezone.now(),
        progress=100 if status == RunStatus.SUCCEEDED else F("progress"),
        metrics=metrics or {},
        findings=list(findings),
        error=error or _english(findings),
    )


def _reload(run: ScheduleRun) -> ScheduleRun:
    run.refresh_from_db()
    return run


def _failure(run: ScheduleRun, exc: Exception) -> None:
    """Record why the run failed: the validator's findings as codes, any other exception as its text."""
    if isinstance(exc, ScheduleRejected):
        shown = exc.violations[:MAX_FINDINGS]
        more = len(exc.violations) - len(shown)
        findings = [
            ending("validator_refused", count=len(exc.violations)),
            *(violation.to_dict() for violation in shown),
            *([ending("more_findings", count=more)] if more else []),
        ]
        _finish(run, RunStatus.FAILED, findings=findings)
    else:
        _finish(run, RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}")


def _english(findings: list[dict]) -> str:
    return "\n".join(ending_english(f) if f["code"] in ENDINGS else reason_english(f) for f in findings)


# Celery tasks: thin wrappers that take ids and call the services above.


@shared_task(acks_late=True)
def recompute_schedule(*, conference_id: int, run_id: int | None = None) -> int | None:
    run = schedule_recompute(conference_id=conference_id, run_id=run_id)
    return run.pk if run else None


@shared_task(acks_late=True)
def solve_schedule_day(*, day: dict, run_id: int) -> dict:
    result = solve_day(day)
    schedule_run_progress(run_id=run_id, days=day["count"])
    return result


@shared_task(acks_late=True)
def publish_schedule(results: list[dict], *, run_id: int) -> int | None:
    if not ScheduleRun.objects.filter(pk=run_id).exists():
        logger.info("run %s is gone; nothing to publish", run_id)
        return None
    return schedule_publish(run_id=run_id, results=results).pk
