"""Recomputes that cannot be lost: runs are written first and sent from the database, sent again while their
message is missing, and marked failed (and asked for again) when their worker dies."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from logistics.models import RunStatus, ScheduleRun, ScheduleVersion
from logistics.run_reasons import trigger
from logistics.services import schedule as service
from logistics.services.schedule import (
    publish_schedule,
    schedule_recompute_request,
    schedule_runs_dispatch,
    schedule_runs_reap,
    solve_schedule_day,
)

pytestmark = pytest.mark.django_db


class Broker:
    """Stands in for the broker: records what is sent, or is unreachable."""

    def __init__(self):
        self.sent: list[dict] = []
        self.down = False

    def apply_async(self, *, kwargs, countdown, retry):
        if self.down:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append({**kwargs, "countdown": countdown})


@pytest.fixture
def broker(monkeypatch, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SCHEDULE_AUTO_RECOMPUTE = False
    fake = Broker()
    monkeypatch.setattr(service.recompute_schedule, "apply_async", fake.apply_async)
    return fake


def ask(conference, django_capture_on_commit_callbacks) -> ScheduleRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = schedule_recompute_request(conference_id=conference.pk, trigger=trigger("recompute"))
    run.refresh_from_db()
    return run


def test_a_run_is_sent_after_commit_with_its_debounce(
    small_conference, broker, settings, django_capture_on_commit_callbacks
):
    settings.SCHEDULE_DEBOUNCE_SECONDS = 5
    run = ask(small_conference, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.QUEUED and run.dispatched_at is not None
    assert broker.sent == [
        {"conference_id": small_conference.pk, "run_id": run.pk, "countdown": pytest.approx(5, abs=1)}
    ]


def test_with_the_broker_away_the_write_answers_at_once_and_the_run_waits_in_the_database(
    small_conference, broker, settings, django_capture_on_commit_callbacks
):
    settings.SCHEDULE_DEBOUNCE_SECONDS = 0
    broker.down = True
    started = time.monotonic()
    run = ask(small_conference, django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 1
    assert run.status == RunStatus.QUEUED and run.dispatched_at is None
    assert schedule_runs_dispatch() == 0  # still away
    broker.down = False
    assert schedule_runs_dispatch() == 1  # back: the dispatcher sends it
    assert [sent["run_id"] for sent in broker.sent] == [run.pk]


def test_a_lost_message_is_sent_again_and_a_later_trigger_does_not_hide_it(
    small_conference, broker, settings, django_capture_on_commit_callbacks
):
    settings.SCHEDULE_DEBOUNCE_SECONDS = 0
    run = ask(small_conference, django_capture_on_commit_callbacks)
    broker.sent.clear()  # the message is lost (a worker died holding it, the queue was purged)
    again = ask(small_conference, django_capture_on_commit_callbacks)  # shares the queued run
    assert again.pk == run.pk and len(again.triggers) == 1
    assert schedule_runs_dispatch() == 0  # sent a moment ago: give it time
    ScheduleRun.objects.filter(pk=run.pk).update(dispatched_at=timezone.now() - timedelta(minutes=5))
    assert schedule_runs_dispatch() == 1
    assert [sent["run_id"] for sent in broker.sent] == [run.pk]


def test_a_run_waits_for_its_debounce_in_the_database(
    small_conference, broker, settings, django_capture_on_commit_callbacks
):
    settings.SCHEDULE_DEBOUNCE_SECONDS = 60
    broker.down = True
    run = ask(small_conference, django_capture_on_commit_callbacks)
    broker.down = False
    assert schedule_runs_dispatch() == 0  # not due yet
    ScheduleRun.objects.filter(pk=run.pk).update(not_before=timezone.now())
    assert schedule_runs_dispatch() == 1


def test_the_dispatched_run_is_computed_and_published_once(
    small_conference, broker, settings, django_capture_on_commit_callbacks
):
    settings.SCHEDULE_DEBOUNCE_SECONDS = 0
    run = ask(small_conference, django_capture_on_commit_callbacks)
    for sent in broker.sent * 2:  # delivered twice: the second finds the run claimed
        service.recompute_schedule.run(conference_id=sent["conference_id"], run_id=sent["run_id"])
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert ScheduleVersion.objects.filter(conference=small_conference).count() == 1


def test_a_run_whose_worker_died_is_marked_failed_and_asked_for_again(small_conference, broker, settings):
    settings.SCHEDULE_RUN_STALE_SECONDS = 120
    long_ago = timezone.now() - timedelta(minutes=10)
    dead = ScheduleRun.objects.create(
        conference=small_conference,
        triggers=[trigger("recompute")],
        status=RunStatus.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
        progress=65,
    )
    alive = ScheduleRun.objects.create(
        conference=small_conference,
        triggers=[trigger("recompute")],
        status=RunStatus.RUNNING,
        started_at=long_ago,
        heartbeat_at=timezone.now(),
    )
    assert schedule_runs_reap() == [dead.pk]
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == RunStatus.FAILED and dead.findings == [{"code": "worker_lost", "params": {}}]
    assert "worker stopped answering" in dead.error
    assert alive.status == RunStatus.RUNNING
    again = ScheduleRun.objects.get(status=RunStatus.QUEUED)
    assert again.triggers == [trigger("worker_lost", run=dead.pk)]
    assert schedule_runs_reap() == []


def test_the_days_of_a_reaped_run_are_not_solved_or_published(small_conference):
    reaped = ScheduleRun.objects.create(conference=small_conference, status=RunStatus.FAILED)
    assert solve_schedule_day.run(day={"day": "2026-12-07"}, run_id=reaped.pk) is None
    assert publish_schedule.run([None], run_id=reaped.pk) is None
    assert not ScheduleVersion.objects.exists()


def test_a_claimed_run_beats_while_it_computes(small_conference):
    run = ScheduleRun.objects.create(conference=small_conference, triggers=[trigger("recompute")])
    service.schedule_recompute(conference_id=small_conference.pk, run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.started_at < run.heartbeat_at <= run.finished_at  # beaten after the claim, as each day is solved
