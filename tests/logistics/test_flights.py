from datetime import date, datetime, timedelta

import pytest

from conference.errors import Invalid
from conference.models import Conference
from delegates.models import Flight
from logistics.models import RunStatus, ScheduleRun
from logistics.run_reasons import trigger_english
from logistics.scheduler_adapter import scheduling_scenario
from logistics.services.flights import flight_expected_set
from tests.factories import UserFactory
from tests.flights import flying_conference, local

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 7)


@pytest.fixture
def flying():
    return flying_conference()


def queued_triggers(conference) -> list[dict]:
    return [
        t for run in ScheduleRun.objects.filter(conference=conference, status=RunStatus.QUEUED) for t in run.triggers
    ]


def test_setting_the_expected_time_records_it_bumps_the_itineraries_and_asks_for_a_recompute(flying):
    user = UserFactory()
    revision = Conference.objects.get(pk=flying.conference.pk).data_revision
    flight = flight_expected_set(
        conference=flying.conference, number="CM 675", day=DAY, expected_at=local(7, 11, 55), user=user
    )
    assert (flight.kind, flight.expected_at, flight.shift) == ("arrival", local(7, 11, 55), timedelta(hours=2))
    row = Flight.objects.get(conference=flying.conference, number="CM 675", date=DAY, kind="arrival")
    assert row.expected_at == local(7, 11, 55) and row.updated_by == user
    assert Conference.objects.get(pk=flying.conference.pk).data_revision == revision + 1
    [asked] = queued_triggers(flying.conference)
    assert asked == {
        "code": "flight_changed",
        "params": {"number": "CM 675", "date": "2026-12-07", "expected_at": "2026-12-07T11:55:00-05:00"},
    }
    assert trigger_english(asked) == "flight CM 675 of 2026-12-07 expected at Mon 07 Dec 11:55"


def test_a_naive_expected_time_is_the_conferences_local_time(flying):
    flight = flight_expected_set(
        conference=flying.conference, number="CM 675", day=DAY, expected_at=datetime(2026, 12, 7, 12, 30)
    )
    assert flight.expected_at == local(7, 12, 30)


def test_clearing_brings_the_scheduled_time_back_and_asks_again(flying):
    flight_expected_set(conference=flying.conference, number="CM 675", day=DAY, expected_at=local(7, 11, 55))
    ScheduleRun.objects.update(status=RunStatus.SUCCEEDED)
    flight = flight_expected_set(conference=flying.conference, number="CM 675", day=DAY, expected_at=None)
    assert flight.expected_at is None and flight.shift == timedelta(0)
    assert Flight.objects.get(number="CM 675", kind="arrival").expected_at is None
    [asked] = queued_triggers(flying.conference)
    assert asked["params"]["expected_at"] == "2026-12-07T09:55:00-05:00"  # the scheduled time holds again


def test_the_same_time_again_changes_nothing(flying):
    flight_expected_set(conference=flying.conference, number="CM 675", day=DAY, expected_at=local(7, 11, 55))
    ScheduleRun.objects.update(status=RunStatus.SUCCEEDED)
    revision = Conference.objects.get(pk=flying.conference.pk).data_revision
    flight_expected_set(conference=flying.conference, number="CM 675", day=DAY, expected_at=local(7, 11, 55))
    flight_expected_set(conference=flying.conference, number="CM 999", day=DAY, expected_at=None)  # nothing to clear
    assert queued_triggers(flying.conference) == []
    assert Conference.objects.get(pk=flying.conference.pk).data_revision == revision
    assert not Flight.objects.filter(number="CM 999").exists()


def test_a_flight_nobody_is_on_is_refused(flying):
    with pytest.raises(Invalid) as refused:
        flight_expected_set(conference=flying.conference, number="CM 675", day=date(2026, 12, 9), expected_at=None)
    assert refused.value.field == "number"
    assert str(refused.value) == "There is no flight CM 675 on 2026-12-09: no delegate arrives or leaves on it."


def test_a_number_and_date_of_an_arrival_and_a_departure_needs_the_kind(flying):
    pa2 = flying.people["PA-2"]
    pa2.departure_at, pa2.departure_flight = local(7, 23), "CM 675"
    pa2.save()
    with pytest.raises(Invalid) as refused:
        flight_expected_set(conference=flying.conference, number="CM 675", day=DAY, expected_at=local(7, 11))
    assert refused.value.field == "kind"
    assert "both an arrival and a departure" in str(refused.value)
    flight = flight_expected_set(
        conference=flying.conference, number="CM 675", day=DAY, kind="departure", expected_at=local(7, 23, 30)
    )
    assert (flight.kind, flight.delegates) == ("departure", 1)


def test_an_expected_time_more_than_two_days_away_is_refused(flying):
    with pytest.raises(Invalid) as refused:
        flight_expected_set(conference=flying.conference, number="CM 675", day=DAY, expected_at=local(10, 9, 55))
    assert refused.value.field == "expected_at"
    assert str(refused.value) == (
        "The expected time Thu 10 Dec 2026 09:55 is more than 2 days away from the scheduled time Mon 7 Dec 2026 "
        "09:55: check the date."
    )
    assert not Flight.objects.exists() and queued_triggers(flying.conference) == []


def test_an_expected_arrival_after_the_delegates_departure_is_refused(flying):
    with pytest.raises(Invalid) as refused:
        flight_expected_set(conference=flying.conference, number="CM 999", day=DAY, expected_at=local(8, 21))
    assert refused.value.field == "expected_at"
    assert "CR-2 (Carla Flyer CR-2) would leave (Tue 8 Dec 2026 20:00) before arriving" in str(refused.value)


def test_the_scheduler_sees_everyone_on_the_flight_moved_by_the_same_shift(flying):
    flight_expected_set(conference=flying.conference, number="CM 675", day=DAY, expected_at=local(7, 11, 55))
    flight_expected_set(
        conference=flying.conference, number="IB 672", day=date(2026, 12, 8), expected_at=local(8, 19, 30)
    )
    people = {person.id: person for person in scheduling_scenario(conference=flying.conference).people}
    assert people["PA-1"].arrival_at == local(7, 11, 55)
    assert people["PA-2"].arrival_at == local(7, 12, 5)  # ten minutes after PA-1, as scheduled
    assert people["CR-1"].arrival_at == local(7, 12, 5)
    assert people["CR-2"].arrival_at == local(7, 21, 30)  # another flight
    assert people["PA-1"].departure_at == people["PA-2"].departure_at == local(8, 19, 30)
    assert people["CR-1"].departure_at == local(8, 16)  # CM 675 of 8 December is not delayed
