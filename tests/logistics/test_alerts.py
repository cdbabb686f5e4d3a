"""The desk's exceptions: a trip about to start that its driver has not acknowledged, a vehicle silent on a trip,
a no-show; raised once (with the webhook), resolved when the cause is gone; a no-show's later legs cancelled in
one click, which re-plans."""

from datetime import timedelta

import pytest

from logistics.models import (
    AlertKind,
    DeskAlert,
    MovementCancellation,
    Notification,
    RunStatus,
    ScheduleRun,
    Trip,
    TripEvent,
    Vehicle,
    Webhook,
    WebhookEvent,
)
from logistics.selectors.schedule import current_version
from logistics.selectors.trips import trip_key, with_stops
from logistics.services.alerts import alert_raise, alerts_check
from logistics.services.cancellations import no_show_cancel_rest_of_day
from logistics.services.fleet import vehicle_status_report
from logistics.services.schedule import schedule_recompute

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(small_conference):
    Webhook.objects.create(
        conference=small_conference, url="http://127.0.0.1:9/", events=list(WebhookEvent.values), secret="s" * 20
    )
    assert schedule_recompute(conference_id=small_conference.pk).status == RunStatus.SUCCEEDED
    return small_conference


def first_trip(conference) -> Trip:
    version = current_version(conference_id=conference.pk)
    return with_stops(Trip.objects.filter(version=version)).order_by("starts_at", "code").first()


def test_a_trip_about_to_start_without_acknowledgement_is_raised_once_with_its_webhook(published):
    trip = first_trip(published)
    before = trip.starts_at - timedelta(minutes=20)
    assert alerts_check(conference=published, now=trip.starts_at - timedelta(minutes=45)) == []  # not yet due
    raised = alerts_check(conference=published, now=before)
    keys = {alert.key for alert in raised}
    assert trip_key(trip) in keys
    alert = DeskAlert.objects.get(kind=AlertKind.TRIP_NOT_ACKNOWLEDGED, key=trip_key(trip))
    assert alert.data["vehicle"] == trip.vehicle.callsign and alert.data["code"] == trip.code
    assert Notification.objects.filter(event="trip.not_acknowledged", payload__data__trip=trip.pk).count() == 1
    assert alerts_check(conference=published, now=before + timedelta(minutes=1)) == []  # once
    TripEvent.objects.create(
        conference=published,
        vehicle=trip.vehicle,
        trip=trip,
        trip_key=trip_key(trip),
        kind="acknowledged",
        event_id="ack-1",
        at=before,
    )
    alerts_check(conference=published, now=before + timedelta(minutes=2))
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def test_a_vehicle_silent_on_a_trip_is_raised_and_resolved_when_it_reports(published, settings):
    trip = first_trip(published)
    during = trip.starts_at + (trip.ends_at - trip.starts_at) / 2
    raised = alerts_check(conference=published, now=during)
    silent = [alert for alert in raised if alert.kind == AlertKind.VEHICLE_SILENT]
    assert [alert.data["vehicle"] for alert in silent] == [trip.vehicle.callsign]
    assert silent[0].data["last_heard_at"] is None
    # the drill's clock is days ahead of the server's: the report's time is set as if it had come then
    vehicle_status_report(vehicle_id=trip.vehicle_id, event_id="here", status="en_route")
    Vehicle.objects.filter(pk=trip.vehicle_id).update(status_reported_at=during)
    alerts_check(conference=published, now=during + timedelta(minutes=1))
    silent[0].refresh_from_db()
    assert silent[0].resolved_at is not None
    later = during + timedelta(minutes=settings.MAP_STALE_MINUTES + 1)
    if later < trip.ends_at:  # silent again for longer than the stale time: the same alert is not raised twice
        assert [a for a in alerts_check(conference=published, now=later) if a.kind == AlertKind.VEHICLE_SILENT] == []


def test_an_alert_is_raised_once_per_kind_and_key(published):
    first = alert_raise(conference=published, kind=AlertKind.NO_SHOW, key="k", data={"passenger": "D1"})
    again = alert_raise(conference=published, kind=AlertKind.NO_SHOW, key="k", data={"passenger": "D1"})
    assert first is not None and again is None
    assert DeskAlert.objects.filter(kind=AlertKind.NO_SHOW).count() == 1
    assert Notification.objects.filter(event="passenger.no_show").count() == 1


def test_cancelling_a_no_shows_later_legs_lists_them_cancelled_and_replans(published):
    session = published.sessions.get()
    pickup = session.starts_at - timedelta(minutes=40)
    alert = alert_raise(
        conference=published,
        kind=AlertKind.NO_SHOW,
        key="no-show-D2",
        data={"passenger": "D2", "delegation": "PA", "place": "HIL", "place_name": "Hilton", "at": pickup.isoformat()},
    )
    cancelled = no_show_cancel_rest_of_day(alert=alert)
    assert cancelled == [f"D2#hotel:{session.code}"]
    assert list(MovementCancellation.objects.values_list("movement", flat=True)) == cancelled
    alert.refresh_from_db()
    assert alert.resolved_at is not None
    queued = ScheduleRun.objects.get(status=RunStatus.QUEUED)
    assert queued.triggers[-1]["code"] == "movements_cancelled"
    run = schedule_recompute(conference_id=published.pk, run_id=queued.pk)
    assert run.status == RunStatus.SUCCEEDED, run.error
    version = current_version(conference_id=published.pk)
    home = version.movements.get(code=f"D2#hotel:{session.code}")
    assert home.unserved_code == "cancelled_by_desk"
    assert version.movements.get(code=f"D1#hotel:{session.code}").unserved_code == ""
    assert no_show_cancel_rest_of_day(alert=alert) == []  # nothing more to cancel


def test_removing_a_cancellation_plans_the_movement_again(published, settings, django_capture_on_commit_callbacks):
    settings.SCHEDULE_AUTO_RECOMPUTE = True
    delegate = published.delegates.get(external_id="D2")
    session = published.sessions.get()
    cancellation = MovementCancellation.objects.create(
        conference=published, delegate=delegate, movement=f"D2#hotel:{session.code}"
    )
    ScheduleRun.objects.filter(status=RunStatus.QUEUED).delete()
    before = set(ScheduleRun.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        cancellation.delete()
    (asked,) = ScheduleRun.objects.exclude(pk__in=before)  # run at once here: the tests' tasks are eager
    assert asked.triggers[-1]["code"] == "input_deleted"
    assert asked.triggers[-1]["params"]["what"] == "movementcancellation"
