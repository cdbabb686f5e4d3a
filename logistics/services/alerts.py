"""Exceptions the desk must see: raised once (a webhook goes out then), listed on the dashboard until resolved.

`alerts_check` runs every minute (Celery beat) and raises what the clock makes true: a trip starting within
`UNACKNOWLEDGED_MINUTES` that its driver has not acknowledged, a vehicle on a trip that has not reported for
`MAP_STALE_MINUTES`. A no-show is raised by the driver's report (logistics.services.driving). An alert whose cause
is gone (the trip was acknowledged, the vehicle reported) is resolved by the next check.
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from conference.models import Conference
from logistics.models import AlertKind, DeskAlert, WebhookEvent
from logistics.selectors.alerts import silent_vehicles, unacknowledged_trips
from logistics.services.notifications import News, notifications_write

UNACKNOWLEDGED_MINUTES = 30
WEBHOOK_EVENTS = {
    AlertKind.TRIP_NOT_ACKNOWLEDGED: WebhookEvent.TRIP_NOT_ACKNOWLEDGED,
    AlertKind.VEHICLE_SILENT: WebhookEvent.VEHICLE_SILENT,
    AlertKind.NO_SHOW: WebhookEvent.PASSENGER_NO_SHOW,
}


def alert_raise(
    *, conference: Conference, kind: str, key: str, data: dict, delegation_id: int | None = None
) -> DeskAlert | None:
    """Raise the alert unless it is up already; the webhooks that take its event hear of it in the same
    transaction (a no-show also the webhooks of the passenger's delegation). None when it was up."""
    try:
        with transaction.atomic():
            alert = DeskAlert.objects.create(
                conference=conference, kind=kind, key=key, data=data, raised_at=timezone.now()
            )
            delegations = frozenset() if delegation_id is None else frozenset({delegation_id})
            notifications_write(
                conference=conference, event=WEBHOOK_EVENTS[kind], news=[News(data, delegations=delegations)]
            )
    except IntegrityError:  # raised before (unique per conference, kind and key)
        return None
    return alert


def alerts_check(*, conference: Conference, now=None) -> list[DeskAlert]:
    """Raise the clock's alerts of one conference and resolve those whose cause is gone; the alerts raised."""
    now = now or timezone.now()
    raised, current = [], set()
    for trip in unacknowledged_trips(conference=conference, now=now, within=timedelta(minutes=UNACKNOWLEDGED_MINUTES)):
        key = f"{trip['trip_key']}"
        current.add((AlertKind.TRIP_NOT_ACKNOWLEDGED, key))
        raised.append(alert_raise(conference=conference, kind=AlertKind.TRIP_NOT_ACKNOWLEDGED, key=key, data=trip))
    stale = timedelta(minutes=settings.MAP_STALE_MINUTES)
    for vehicle in silent_vehicles(conference=conference, now=now, silent_for=stale):
        key = f"{vehicle['vehicle']}@{vehicle['trip_key']}"
        current.add((AlertKind.VEHICLE_SILENT, key))
        raised.append(alert_raise(conference=conference, kind=AlertKind.VEHICLE_SILENT, key=key, data=vehicle))
    open_alerts = DeskAlert.objects.filter(
        conference=conference,
        resolved_at__isnull=True,
        kind__in=[AlertKind.TRIP_NOT_ACKNOWLEDGED, AlertKind.VEHICLE_SILENT],
    )
    gone = [alert.pk for alert in open_alerts if (alert.kind, alert.key) not in current]
    DeskAlert.objects.filter(pk__in=gone).update(resolved_at=now)
    return [alert for alert in raised if alert is not None]


def alert_resolve(*, alert: DeskAlert) -> None:
    """The desk has dealt with it (a no-show seen to)."""
    DeskAlert.objects.filter(pk=alert.pk, resolved_at__isnull=True).update(resolved_at=timezone.now())


# Celery tasks: thin wrappers that call the services above.


@shared_task
def check_alerts() -> int:
    """Every minute (Celery beat): the clock's alerts of the conferences under way."""
    today = timezone.localdate()
    raised = 0
    for conference in Conference.objects.filter(
        start_date__lte=today + timedelta(days=1), end_date__gte=today - timedelta(days=1)
    ):
        raised += len(alerts_check(conference=conference))
    return raised
