"""A real Celery worker on the real broker (Redis in CI) recomputes a schedule end to end."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker

from convoy.celery import app
from logistics.models import RunStatus, ScheduleRun, ScheduleVersion
from logistics.run_reasons import trigger
from logistics.services.schedule import schedule_recompute_request
from tests.factories import MORNING, AttendanceFactory, SessionFactory

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
