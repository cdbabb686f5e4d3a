"""A driver's change asks for a recompute when it changes what the scheduler reads: the shift of the vehicle it
drives. A name or a phone asks for none (cached itineraries are refreshed all the same)."""

from datetime import timedelta

import pytest

from conference.models import Conference
from logistics.models import RunStatus, ScheduleRun
from tests.factories import MORNING, DriverFactory

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


@pytest.fixture
def van(small_conference):
    return small_conference.vehicles.get(callsign="VAN-01")


@pytest.fixture
def driver(small_conference, van):
    return DriverFactory(conference=small_conference, vehicle=van, shift_from=MORNING - 3 * HOUR)


def queued(capture, change) -> int:
    """How many recomputes `change` asks for once committed."""
    with capture() as callbacks:
        change()
    return len(callbacks)


def saved(driver, **values):
    def change():
        for name, value in values.items():
            setattr(driver, name, value)
        driver.save()

    return change


def test_a_new_shift_asks_for_a_recompute_named_after_the_driver(
    small_conference, driver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        driver.shift_until = MORNING + 8 * HOUR
        driver.save()
    run = ScheduleRun.objects.get(conference=small_conference)
    assert run.trigger == f"driver {driver.name} changed"
    assert run.status == RunStatus.SUCCEEDED, run.error


@pytest.mark.parametrize(
    "values",
    [
        {"shift_from": MORNING - 2 * HOUR},
        {"shift_from": None},  # the vehicle's own availability again
        {"vehicle": None},
    ],
)
def test_changing_the_shift_or_the_vehicle_asks_for_a_recompute(driver, django_capture_on_commit_callbacks, values):
    assert queued(django_capture_on_commit_callbacks, saved(driver, **values)) == 1


def test_moving_to_another_vehicle_asks_for_a_recompute(small_conference, driver, django_capture_on_commit_callbacks):
    other = small_conference.vehicles.get(callsign="VAN-02")
    assert queued(django_capture_on_commit_callbacks, saved(driver, vehicle=other)) == 1


def test_a_name_phone_email_or_languages_change_asks_for_none(driver, django_capture_on_commit_callbacks):
    change = saved(driver, name="Rosa Ibáñez", phone="+507 6999-9999", email="rosa@example.org", languages="es en")
    revision = Conference.objects.get(pk=driver.conference_id).data_revision
    assert queued(django_capture_on_commit_callbacks, change) == 0
    assert Conference.objects.get(pk=driver.conference_id).data_revision > revision  # itineraries show the name


def test_a_new_driver_asks_for_a_recompute_only_with_a_vehicle_and_a_shift(
    small_conference, van, django_capture_on_commit_callbacks
):
    def create(**values):
        return lambda: DriverFactory(conference=small_conference, **values)

    assert queued(django_capture_on_commit_callbacks, create(vehicle=van)) == 0
    assert queued(django_capture_on_commit_callbacks, create(shift_until=MORNING)) == 0
    other = small_conference.vehicles.get(callsign="VAN-02")
    assert queued(django_capture_on_commit_callbacks, create(vehicle=other, shift_until=MORNING)) == 1


def test_deleting_a_driver_with_a_shift_asks_for_a_recompute(
    small_conference, driver, django_capture_on_commit_callbacks
):
    assert queued(django_capture_on_commit_callbacks, driver.delete) == 1
    plain = DriverFactory(conference=small_conference, vehicle=small_conference.vehicles.get(callsign="VAN-02"))
    assert queued(django_capture_on_commit_callbacks, plain.delete) == 0


def test_no_recompute_while_automatic_recomputes_are_off(driver, django_capture_on_commit_callbacks, settings):
    settings.SCHEDULE_AUTO_RECOMPUTE = False
    assert queued(django_capture_on_commit_callbacks, saved(driver, shift_from=MORNING)) == 0
