"""Recompute and publish movement schedules.

A recompute is a ScheduleRun: written in the transaction of the change that asks for it (a burst of changes
shares one queued run), sent to a worker from the database (at once after commit, and again by the dispatcher
every few seconds while it is queued and due, so a lost message or an unreachable broker delays it but never
loses it), claimed by exactly one worker with a conditional update, solved day by day (in parallel on several
workers when a broker is configured), checked by the validator, and published as a new current ScheduleVersion
in one transaction. A running run beats a heartbeat; one whose heartbeat stops is marked failed and asked for
again. A failed or superseded run never touches the published schedule.
"""

import contextlib
import logging
import time
import traceback
from contextvars import ContextVar
from datetime import datetime, timedelta

from celery import chord, shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from conference.models import Conference
from logistics.models import (
    RunStatus,
    ScheduleRun,
    ScheduleVersion,
)
from logistics.run_reasons import ENDINGS, ending, ending_english, trigger
from logistics.scheduler_adapter import scheduling_problem, version_make_current, version_write
from logistics.services.notifications import (
    notifications_email_for_version,
    notifications_for_run,
    notifications_for_version,
)
from scheduling.planner import Prepared, assemble, check_counters, counters, solve_day
from scheduling.reasons import Reason, reason_english
from scheduling.replan import frozen_changes
from scheduling.validate import Violation, rule_breaking_reasons, validate, without_movements

logger = logging.getLogger(__name__)
_triggers_paused: ContextVar[bool] = ContextVar("schedule_triggers_paused", default=False)

MAX_TRIGGERS = 20  # a burst of changes shares one run: it names the first ones
MAX_FINDINGS = 50  # a refused run keeps the validator's first findings (and how many more there were)


class CountersWrong(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class ScheduleRejected(Exception):
    def __init__(self, violations: list[Reason]):
        super().__init__(f"the validator rejected the schedule: {len(violations)} violation(s)")
        self.violations = violations


def schedule_recompute_request(
    *, conference_id: int, trigger: dict, user=None, as_of: datetime | None = None, from_scratch: bool = False
) -> ScheduleRun:
    """Queue a recompute once the current transaction commits. Changes in a burst share one queued run.
    `trigger`: what asks for it (logistics.run_reasons.trigger). `as_of`: the run's clock for a drill (default:
    the time the run starts); `from_scratch`: re-optimise everything beyond the frozen horizon instead of the
    least change (a queued run that a burst shares takes both from the request that gives them)."""
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
            run.as_of = as_of or run.as_of
            run.from_scratch = from_scratch or run.from_scratch
            run.save(update_fields=["triggers", "as_of", "from_scratch"])
            return run
        delay = 0 if settings.CELERY_TASK_ALWAYS_EAGER else settings.SCHEDULE_DEBOUNCE_SECONDS
        run = ScheduleRun.objects.create(
            conference_id=conference_id,
            triggers=[trigger],
            triggered_by=user,
            not_before=timezone.now() + timedelta(seconds=delay),
            as_of=as_of,
            from_scratch=from_scratch,
        )
    transaction.on_commit(lambda: _send(run))
    return run


def schedule_runs_dispatch() -> int:
    """Send a task for every queued run that is due and has none in flight: never sent, or sent longer than
    SCHEDULE_RESEND_SECONDS ago and still not claimed (its message was lost, or the broker was away). Sending
    twice is harmless: a run is claimed once. Returns how many were sent."""
    now = timezone.now()
    resend_before = now - timedelta(seconds=settings.SCHEDULE_RESEND_SECONDS)
    due = ScheduleRun.objects.filter(status=RunStatus.QUEUED, not_before__lte=now).filter(
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=resend_before)
    )
    return sum(_send(run) for run in due.order_by("created_at"))


def schedule_runs_reap() -> list[int]:
    """Mark failed every running run whose worker stopped beating (killed, lost, out of memory) for longer than
    SCHEDULE_RUN_STALE_SECONDS, and ask again for its conference: the run that follows reads the inputs anew
    (and publishes nothing new if the published schedule already has them). Returns the runs reaped."""
    stale = timezone.now() - timedelta(seconds=settings.SCHEDULE_RUN_STALE_SECONDS)
    reaped = []
    for run in ScheduleRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=stale):
        lost = [ending("worker_lost")]
        done = ScheduleRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, heartbeat_at__lt=stale).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), findings=lost, error=_english(lost)
        )
        if done:
            logger.warning("schedule run %s lost its worker; asking again", run.pk)
            schedule_recompute_request(conference_id=run.conference_id, trigger=trigger("worker_lost", run=run.pk))
            reaped.append(run.pk)
    return reaped


FINISHED = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.SUPERSEDED)


def schedule_run_wait(*, run_id: int, timeout: float = 900) -> ScheduleRun:
    """For the command line: the run once it has finished (or as it is after `timeout` seconds). With the embedded
    broker (or tasks in-process) the caller computes it itself (no worker need be running); with Redis the workers
    do."""
    run = ScheduleRun.objects.get(pk=run_id)
    if (settings.EMBEDDED_BROKER or settings.CELERY_TASK_ALWAYS_EAGER) and run.status == RunStatus.QUEUED:
        return schedule_recompute(conference_id=run.conference_id, run_id=run.pk) or _reload(run)
    deadline = time.monotonic() + timeout
    while run.status not in FINISHED and time.monotonic() < deadline:
        time.sleep(0.5)
        run.refresh_from_db()
    return run


def schedule_run_heartbeat(*, run_id: int) -> None:
    ScheduleRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(heartbeat_at=timezone.now())


def _send(run: ScheduleRun) -> bool:
    """Send the run's task (after its debounce), recording when. A broker that cannot be reached is logged and
    left to the dispatcher: the change that asked for the run has been saved, and its answer must not wait."""
    now = timezone.now()
    sent = ScheduleRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED, dispatched_at=run.dispatched_at)
    if not sent.update(dispatched_at=now):
        return False  # claimed, finished, or another dispatcher sent it just now
    countdown = max(0.0, (run.not_before - now).total_seconds()) if run.not_before else 0
    try:
        recompute_schedule.apply_async(
            kwargs={"conference_id": run.conference_id, "run_id": run.pk}, countdown=countdown, retry=False
        )
    except Exception as exc:  # the broker is away: the dispatcher sends it when it is back
        logger.warning("schedule run %s not sent (%s); the dispatcher will send it", run.pk, exc)
        ScheduleRun.objects.filter(pk=run.pk, dispatched_at=now).update(dispatched_at=None)
        return False
    return True


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
        prepared, input_hash = scheduling_problem(conference=conference, as_of=run.as_of, from_scratch=run.from_scratch)
        ScheduleRun.objects.filter(pk=run.pk).update(input_hash=input_hash, progress=5)
        current = ScheduleVersion.objects.filter(conference=conference, is_current=True).first()
        if current is not None and current.input_hash == input_hash and not run.from_scratch:
            _finish(run, RunStatus.SUCCEEDED, metrics={**current.metrics, "unchanged": True, "version": current.number})
            return _reload(run)
        if parallel is None:
            # days go to several workers where a result backend can join them (not with the embedded broker)
            parallel = not settings.CELERY_TASK_ALWAYS_EAGER and not settings.EMBEDDED_BROKER and len(prepared.days) > 1
        if parallel:
            chord(solve_schedule_day.s(day=day, run_id=run.pk) for day in prepared.days)(
                publish_schedule.s(run_id=run.pk)
            )
            return _reload(run)
        results = []
        for index, day in enumerate(prepared.days):

            def wave_done(done: int, known: int, index=index) -> None:
                share = (index + done / max(known, 1)) / len(prepared.days)
                ScheduleRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                    progress=5 + int(90 * share), heartbeat_at=timezone.now()
                )

            results.append(solve_day(day, on_wave=wave_done))
        return schedule_publish(run_id=run.pk, results=results, prepared=prepared)
    except Exception as exc:  # the run records any failure; the published schedule stays as it was
        logger.exception("schedule run %s failed", run.pk)
        _failure(run, exc)
        return _reload(run)


def schedule_run_progress(*, run_id: int, days: int) -> None:
    step = max(1, 90 // max(days, 1))
    ScheduleRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        progress=F("progress") + step, heartbeat_at=timezone.now()
    )


def schedule_publish(*, run_id: int, results: list[dict], prepared: Prepared | None = None) -> ScheduleRun:
    """Assemble the solved days, validate, and make the result the current version in one transaction."""
    run = ScheduleRun.objects.select_related("conference").get(pk=run_id)
    try:
        if prepared is None:  # a worker's callback: read the inputs again, they must not have changed
            prepared, input_hash = scheduling_problem(
                conference=run.conference, as_of=run.as_of, from_scratch=run.from_scratch
            )
            if input_hash != run.input_hash:
                _finish(run, RunStatus.SUPERSEDED, findings=[ending("inputs_changed_while_computing")])
                schedule_recompute_request(
                    conference_id=run.conference_id, trigger=trigger("inputs_changed_during_run")
                )
                return _reload(run)
        schedule = assemble(prepared, results)
        schedule = _without_rule_breaking_movements(prepared, schedule)
        violations = validate(prepared.scenario, schedule, prepared.matrix) + _frozen_violations(prepared, schedule)
        if violations:
            raise ScheduleRejected(violations)
        problems = check_counters(schedule)  # counts that do not add up, or less served than the simple plan
        if problems:
            raise CountersWrong(problems)
        schedule.metrics["seconds"] = round((timezone.now() - run.started_at).total_seconds(), 2)
        # the rows go in first, in short batches, as a version nobody reads yet; publishing is the short flip
        known = None if prepared.previous is None else (prepared.previous_version, prepared.previous)
        version = version_write(conference=run.conference, run=run, schedule=schedule, known=known)
        with transaction.atomic():
            conference = Conference.objects.select_for_update().get(pk=run.conference_id)
            newer = ScheduleVersion.objects.filter(
                conference=conference, is_current=True, run__created_at__gt=run.created_at
            ).exists()
            if newer:
                version.delete()
                _finish(run, RunStatus.SUPERSEDED, findings=[ending("newer_run_published")])
                return _reload(run)
            version_make_current(version=version)
            notifications_for_version(version=version)  # the outbox, in the publishing transaction
            notifications_email_for_version(version=version)
            _finish(run, RunStatus.SUCCEEDED, metrics={**schedule.metrics, "version": version.number})
    except Exception as exc:
        logger.exception("publishing run %s failed", run_id)
        ScheduleVersion.objects.filter(run_id=run_id, is_current=False).delete()  # half written: never published
        _failure(run, exc)
    return _reload(run)


def _frozen_violations(prepared: Prepared, schedule) -> list[Violation]:
    """A re-plan must keep every frozen leg exactly as published, except those a fact forced it to let go."""
    if prepared.live is None or prepared.previous is None:
        return []
    changed = frozen_changes(prepared.previous, schedule, prepared.live, set(prepared.kept.released))
    return [Violation("frozen_leg_changed", change, movements=(change["movement"],)) for change in changed]


def _without_rule_breaking_movements(prepared: Prepared, schedule):
    """Movements the validator finds fault with are taken off their trips and listed as unserved, saying why;
    what remains is validated again before anything is published."""
    violations = validate(prepared.scenario, schedule, prepared.matrix)
    if not violations or not all(getattr(v, "movements", ()) for v in violations):
        return schedule
    reasons = rule_breaking_reasons(violations)
    repaired = without_movements(schedule, reasons)
    repaired.metrics = {**schedule.metrics, **counters(repaired, schedule.metrics["baseline_served"])}
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
        ScheduleRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, started_at=now, heartbeat_at=now
        )
        != 1
    ):
        return None  # another worker has it, or it is done
    # the run's clock, unless the request gave one: when it starts (or the desk's rehearsal clock, when set)
    ScheduleRun.objects.filter(pk=run_id, as_of__isnull=True).update(as_of=settings.SCHEDULE_CLOCK or now)
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
    exception). Webhooks hear of the ending (`run.finished`) in the same transaction."""
    with transaction.atomic():
        ScheduleRun.objects.filter(pk=run.pk).update(
            status=status,
            finished_at=timezone.now(),
            progress=100 if status == RunStatus.SUCCEEDED else F("progress"),
            metrics=metrics or {},
            findings=list(findings),
            error=error or _english(findings),
        )
        notifications_for_run(run=ScheduleRun.objects.select_related("conference").get(pk=run.pk))


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
    elif isinstance(exc, CountersWrong):
        _finish(run, RunStatus.FAILED, findings=[ending("counters_wrong", problems=exc.problems)])
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
def solve_schedule_day(*, day: dict, run_id: int) -> dict | None:
    if not ScheduleRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).exists():
        logger.info("run %s is no longer running; its day %s is not solved", run_id, day["day"])
        return None  # a message delivered again after the run was reaped or finished
    result = solve_day(day, on_wave=lambda done, known: schedule_run_heartbeat(run_id=run_id))
    schedule_run_progress(run_id=run_id, days=day["count"])
    return result


@shared_task(acks_late=True)
def publish_schedule(results: list[dict | None], *, run_id: int) -> int | None:
    if not ScheduleRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).exists() or None in results:
        logger.info("run %s is gone or no longer running; nothing to publish", run_id)
        return None
    return schedule_publish(run_id=run_id, results=results).pk


@shared_task
def dispatch_schedule_runs() -> None:
    """Every few seconds (Celery beat): reap runs whose worker died, send the queued runs that are due."""
    schedule_runs_reap()
    schedule_runs_dispatch()
