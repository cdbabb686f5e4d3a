"""Webhooks and what went out to them: the organizers' view of the outbox (logistics.services.notifications)."""

from django.db.models import Prefetch, QuerySet

from conference.access import Access
from conference.models import Conference
from logistics.models import DeliveryAttempt, Notification, Webhook


def scoped_webhooks(*, access: Access, conference: Conference | None = None) -> QuerySet:
    """The webhooks the user may see, of one conference or of all its conferences, oldest first, with their
    conference and delegation."""
    hooks = Webhook.objects.all() if conference is None else Webhook.objects.filter(conference=conference)
    return access.scope(hooks).select_related("conference", "delegation").order_by("conference__code", "id")


def webhook_deliveries(*, access: Access, webhook: Webhook) -> QuerySet:
    """The notifications written for the webhook, newest first, with their attempts (oldest first) prefetched:
    two queries for a page."""
    deliveries = Notification.objects.filter(webhook=webhook)
    attempts = access.scope(DeliveryAttempt.objects.all()).order_by("at", "id")
    return (
        access.scope(deliveries)
        .prefetch_related(Prefetch("attempts_made", queryset=attempts))
        .order_by("-created_at", "-id")
    )
