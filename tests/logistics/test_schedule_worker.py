"""A real Celery worker on the real broker (Redis in CI) recomputes a schedule end to end."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.utils import timezone

from conference.models import Conference
from convoy.celery import app
from logistics.models import RunStatus, ScheduleRun, ScheduleVersion
from logistics.run_reasons import trigger
from logistics.services.imports import scenario_folder_files, scenario_import
from logistics.services.schedule import schedule_recompute_request, schedule_runs_dispatch, schedule_runs_reap
from tests.factories import MORNING, AttendanceFactory, SessionFactory, UserRoleFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def quiet(settings):
    """Test data is written without queueing recomputes; the test asks for the one it wants."""
    if not settings.CELERY_BROKER_URL:
        pytest.skip("no broker configured (set REDIS_URL, as `make test` does)")
    settings.SCHEDULE_AUTO_RECOMPUTE = False


@pytest.fixture
def worker(quiet, small_conference, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SCHEDULE_DEBOUNCE_SECONDS = 0
    app.conf.task_always_eager = False
    app.control.purge()
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30):
        yield


def wait_for(run_id: int, seconds: float = 120) -> ScheduleRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = ScheduleRun.objects.get(pk=run_id)
        if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.SUPERSEDED):
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} did not finish in {seconds} s: {run.status} at {run.progress}%")


@pytest.fixture
def two_days(quiet, small_conference):
    first = small_conference.sessions.get()
    second_day = SessionFactory(
        conference=small_conference, venue=first.venue, code="DAY2", starts_at=MORNING + timedelta(days=1)
    )
    for delegate in small_conference.delegates.all():
        AttendanceFactory(delegate=delegate, session=second_day)
    return small_conference


def test_worker_solves_the_days_in_parallel_and_publishes(two_days, worker, small_conference):
    run = wait_for(schedule_recompute_request(conference_id=small_conference.pk, trigger=trigger("recompute")).pk)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.metrics["days"] == 2 and run.metrics["served"] == 12
    assert ScheduleVersion.objects.get(conference=small_conference, is_current=True).run_id == run.pk

    again = wait_for(schedule_recompute_request(conference_id=small_conference.pk, trigger=trigger("recompute")).pk)
    assert again.status == RunStatus.SUCCEEDED and again.metrics["unchanged"] is True
    assert ScheduleVersion.objects.filter(conference=small_conference).count() == 1


def test_a_run_whose_message_was_lost_is_still_done(quiet, small_conference, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SCHEDULE_DEBOUNCE_SECONDS = 0
    app.conf.task_always_eager = False
    run = schedule_recompute_request(conference_id=small_conference.pk, trigger=trigger("recompute"))
    app.control.purge()  # the message is gone before any worker saw it
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30):
        time.sleep(1)
        assert ScheduleRun.objects.get(pk=run.pk).status == RunStatus.QUEUED
        ScheduleRun.objects.filter(pk=run.pk).update(dispatched_at=timezone.now() - timedelta(minutes=5))
        assert schedule_runs_dispatch() == 1  # what the beat does every few seconds
        assert wait_for(run.pk).status == RunStatus.SUCCEEDED


def test_a_killed_worker_is_noticed_and_a_new_run_publishes(quiet, panama_small, settings):
    """kill -9 of a worker process in the middle of a run: the run is marked failed once its heartbeat is stale,
    and the run asked for again publishes."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SCHEDULE_DEBOUNCE_SECONDS = 0
    app.conf.task_always_eager = False
    app.control.purge()
    report = scenario_import(files=scenario_folder_files(panama_small), recompute=False)
    conference = Conference.objects.get(code=report.conference)
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    if connection.vendor != "postgresql":
        pytest.skip("a worker in another process needs the shared PostgreSQL database")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "convoy", "worker", "--pool=solo", "--loglevel=warning"],
        env={**os.environ, "DATABASE_URL": url, "REDIS_URL": settings.CELERY_BROKER_URL},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        run = schedule_recompute_request(conference_id=conference.pk, trigger=trigger("recompute"))
        deadline = time.monotonic() + 60
        while ScheduleRun.objects.get(pk=run.pk).status != RunStatus.RUNNING and time.monotonic() < deadline:
            time.sleep(0.1)
        assert ScheduleRun.objects.get(pk=run.pk).status == RunStatus.RUNNING
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    settings.SCHEDULE_RUN_STALE_SECONDS = 1
    time.sleep(1.5)
    app.control.purge()  # the dead worker's unacknowledged message would come back only after the visibility timeout
    assert schedule_runs_reap() == [run.pk]
    dead = ScheduleRun.objects.get(pk=run.pk)
    assert dead.status == RunStatus.FAILED and dead.findings[0]["code"] == "worker_lost"
    again = ScheduleRun.objects.get(conference=conference, status=RunStatus.QUEUED)
    settings.SCHEDULE_RUN_STALE_SECONDS = 120
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=60):
        assert wait_for(again.pk, seconds=180).status == RunStatus.SUCCEEDED
    assert ScheduleVersion.objects.get(conference=conference, is_current=True).run_id == again.pk


def connect_anew() -> None:
    """Drop the broker connections Celery keeps, so the next send connects to the URL now configured."""
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_nowhere(quiet, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SCHEDULE_DEBOUNCE_SECONDS = 0
    settings.SCHEDULE_AUTO_RECOMPUTE = True
    app.conf.task_always_eager = False
    real = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    connect_anew()
    yield real
    app.conf.broker_url = real
    connect_anew()


def test_with_the_broker_unreachable_a_write_answers_at_once_and_its_run_goes_out_later(
    broker_nowhere, small_conference, api_client
):
    desk = UserRoleFactory(role="logistics").user
    started = time.monotonic()
    answer = api_client(desk).post(
        "/api/v1/vehicles/VAN-01/status", {"event_id": "e-1", "status": "out_of_service"}, format="json"
    )
    assert answer.status_code == 201, answer.content
    assert time.monotonic() - started < 5  # the send gave up quickly; nothing was retried in the request
    run = ScheduleRun.objects.get(conference=small_conference)
    assert run.status == RunStatus.QUEUED and run.dispatched_at is None
    app.conf.broker_url = broker_nowhere  # the broker is back
    connect_anew()
    assert schedule_runs_dispatch() == 1
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30):
        assert wait_for(run.pk).status == RunStatus.SUCCEEDED
