"""What went out to the conference's webhooks, and which of them are failing: for the organizers' dashboard."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from conference.access import Access
from conference.models import Conference, Role
from logistics.models import Notification, NotificationStatus, Webhook

RECENT = timedelta(hours=24)


@dataclass(frozen=True)
class Outbox:
    since: datetime
    delivered: int
    pending: int
    gave_up: int
    failing: list[Webhook]  # active, failing since `failing_since`
    disabled: list[Webhook]  # disabled after a day of failures


def outbox_summary(*, access: Access, conference: Conference) -> Outbox | None:
    """The notifications of the last 24 hours by status, and the webhooks failing or disabled (two
    queries). None for every role but the organizers, and when the conference has no webhook."""
    if access.role != Role.ORGANIZER:
        return None
    hooks = list(
        Webhook.objects.filter(conference=conference)
        .annotate(waiting=Count("deliveries", filter=Q(deliveries__status=NotificationStatus.PENDING)))
        .order_by("id")
    )
    if not hooks:
        return None
    since = timezone.now() - RECENT
    counts = dict(
        Notification.objects.filter(conference=conference, created_at__gte=since)
        .values_list("status")
        .annotate(Count("id"))
        .order_by()
    )
    return Outbox(
        since=since,
        delivered=counts.get(NotificationStatus.DELIVERED, 0),
        pending=counts.get(NotificationStatus.PENDING, 0),
        gave_up=counts.get(NotificationStatus.GAVE_UP, 0),
        failing=[hook for hook in hooks if hook.active and hook.failing_since is not None],
        disabled=[hook for hook in hooks if not hook.active and hook.disabled_at is not None],
    )
