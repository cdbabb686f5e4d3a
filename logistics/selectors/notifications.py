"""What went out (webhook deliveries and e-mails), and which webhooks are failing: for the organizers' dashboard."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from conference.access import Access
from conference.models import Conference, Role
from logistics.models import Notification, NotificationChannel, NotificationStatus, Webhook

RECENT = timedelta(hours=24)


@dataclass(frozen=True)
class Sent:
    delivered: int = 0
    pending: int = 0
    gave_up: int = 0


@dataclass(frozen=True)
class Outbox:
    since: datetime
    webhooks: Sent
    emails: Sent
    failing: list[Webhook]  # active, failing since `failing_since`
    disabled: list[Webhook]  # disabled after a day of failures


def outbox_summary(*, access: Access, conference: Conference) -> Outbox | None:
    """The webhook deliveries and e-mails of the last 24 hours by status, and the webhooks failing or disabled
    (two queries). None for every role but the organizers, and when the conference has neither webhooks nor
    messages of the last 24 hours."""
    if access.role != Role.ORGANIZER:
        return None
    hooks = list(
        Webhook.objects.filter(conference=conference)
        .annotate(waiting=Count("deliveries", filter=Q(deliveries__status=NotificationStatus.PENDING)))
        .order_by("id")
    )
    since = timezone.now() - RECENT
    counts = {
        (channel, status): count
        for channel, status, count in Notification.objects.filter(conference=conference, created_at__gte=since)
        .values_list("channel", "status")
        .annotate(Count("id"))
        .order_by()
    }
    if not hooks and not counts:
        return None

    def sent(channel: str) -> Sent:
        return Sent(**{status: counts.get((channel, status), 0) for status in NotificationStatus.values})

    return Outbox(
        since=since,
        webhooks=sent(NotificationChannel.WEBHOOK),
        emails=sent(NotificationChannel.EMAIL),
        failing=[hook for hook in hooks if hook.active and hook.failing_since is not None],
        disabled=[hook for hook in hooks if not hook.active and hook.disabled_at is not None],
    )
