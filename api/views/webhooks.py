"""Webhooks: the URLs that receive a conference's events, and the log of what went out to each (organizers only)."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from api.base import ScopedView
from api.serializers.webhooks import (
    DeliverySerializer,
    WebhookCreatedSerializer,
    WebhookInputSerializer,
    WebhookSerializer,
    WebhookUpdateSerializer,
)
from conference.access import ORGANIZER
from conference.filters import ConferenceFilter
from conference.models import Conference
from logistics.models import Notification, NotificationStatus, Webhook
from logistics.selectors.webhooks import scoped_webhooks, webhook_deliveries
from logistics.services.webhooks import UNSET, webhook_create, webhook_delete, webhook_update


class WebhookViewMixin(ScopedView):
    """Webhooks carry the secret that signs the news of every delegation: organizers alone read and change them."""

    read_roles = ORGANIZER
    write_roles = ORGANIZER
    serializer_class = WebhookSerializer
    conference_code_field = None
    noun = "webhook"

    def get_queryset(self):
        return scoped_webhooks(access=self.access)

    def webhook(self) -> Webhook:
        found = scoped_webhooks(access=self.access).filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise NotFound(f"There is no webhook {self.kwargs['pk']} that you may see.")
        return found


class WebhookList(WebhookViewMixin, generics.ListCreateAPIView):
    """GET: the webhooks of the caller's conferences (the secret is never shown). POST: register a URL that receives
    the events named, each a signed JSON POST (see the README, *Webhooks*); bound to a delegation, it receives only
    that delegation's news and may not take trip.changed or vehicle.status. Without a secret one is generated; the
    answer (201) carries it, and nothing shows it again."""

    filterset_class = ConferenceFilter

    def get_serializer_class(self):
        return WebhookInputSerializer if self.request.method == "POST" else WebhookSerializer

    @extend_schema(request=WebhookInputSerializer, responses={201: WebhookCreatedSerializer})
    def post(self, request, *args, **kwargs):
        given = WebhookInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        conference = self.scoped(Conference.objects.filter(code=data["conference"])).first()
        if conference is None:
            raise ValidationError({"conference": [f"There is no conference {data['conference']} that you may see."]})
        hook, secret = webhook_create(
            conference=conference,
            url=data["url"],
            events=data["events"],
            secret=data.get("secret"),
            delegation=data.get("delegation") or None,
            user=request.user,
        )
        return Response({**WebhookCreatedSerializer(hook).data, "secret": secret}, status=status.HTTP_201_CREATED)


class WebhookDetail(WebhookViewMixin, generics.GenericAPIView):
    """GET: one webhook (never its secret). PATCH: change its url, events or active; `{"active": true}` enables a
    webhook that was paused or disabled after a day of failures again, once its receiver is fixed, and clears
    failing_since and disabled_at. DELETE: remove it with its deliveries (204)."""

    filterset_class = None

    def get(self, request, *args, **kwargs):
        return Response(WebhookSerializer(self.webhook()).data)

    @extend_schema(request=WebhookUpdateSerializer, responses={200: WebhookSerializer})
    def patch(self, request, *args, **kwargs):
        hook = self.webhook()
        given = WebhookUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        hook = webhook_update(
            webhook=hook,
            url=data.get("url", UNSET),
            events=data.get("events", UNSET),
            active=data.get("active", UNSET),
            user=request.user,
        )
        return Response(WebhookSerializer(hook).data)

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        webhook_delete(webhook=self.webhook())
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=NotificationStatus.choices, help_text="Only the deliveries in this state."
    )


class WebhookDeliveries(WebhookViewMixin, generics.ListAPIView):
    """What went out to the webhook, newest first: each delivery (the uuid the receiver sees in Convoy-Delivery) with
    its event, state (pending: waiting for its next attempt; delivered; gave_up: a day of failures, or the webhook was
    disabled), attempts and the last error, and its `log`: every attempt with the receiver's status code or the
    network error, and how long it took."""

    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no webhook in the URL
            return Notification.objects.none()
        return webhook_deliveries(access=self.access, webhook=self.webhook())
