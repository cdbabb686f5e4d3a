from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from logistics.models import DeliveryAttempt, Notification, NotificationStatus, Webhook, WebhookEvent
from logistics.services.notifications import NOT_FOR_DELEGATIONS

EVENTS_HELP = (
    "The events it receives, each once: "
    + ", ".join(WebhookEvent.values)
    + ". A delegation's webhook may not take "
    + " or ".join(event for event in WebhookEvent.values if event in NOT_FOR_DELEGATIONS)
    + "."
)


@extend_schema_field({"type": "string", "enum": WebhookEvent.values})
class EventField(serializers.CharField):
    """An event name; which names exist, and which a delegation's webhook may take, is the service's to say (with a
    message that names the valid ones)."""


class WebhookSerializer(serializers.ModelSerializer):
    conference = serializers.CharField(source="conference.code")
    url = serializers.CharField()
    events = serializers.ListField(child=EventField(), help_text="The events it receives.")
    delegation = serializers.CharField(
        source="delegation.code",
        allow_null=True,
        default=None,
        help_text="The delegation it is bound to (it receives only that delegation's news), or null.",
    )
    active = serializers.BooleanField(help_text="False: paused by an organizer, or disabled after a day of failures.")
    failing_since = serializers.DateTimeField(
        allow_null=True, help_text="The first failed delivery since the last one that succeeded, or null."
    )
    disabled_at = serializers.DateTimeField(
        allow_null=True, help_text="When it was disabled after a day of failures; null when it was not."
    )

    class Meta:
        model = Webhook
        fields = [
            "id",
            "conference",
            "url",
            "events",
            "delegation",
            "active",
            "created_at",
            "failing_since",
            "disabled_at",
        ]


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        help_text="Signs every delivery (Convoy-Signature). Shown in this answer only: keep it now."
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class WebhookInputSerializer(serializers.Serializer):
    conference = serializers.CharField(max_length=32, help_text="The conference's code.")
    url = serializers.CharField(
        max_length=500, help_text="An http or https URL that receives the events (a POST each)."
    )
    events = serializers.ListField(child=EventField(), help_text=EVENTS_HELP)
    secret = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=200,
        trim_whitespace=False,
        help_text="At least 16 characters; left out or null: one is generated. Answered once, on creation.",
    )
    delegation = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=32,
        help_text="A delegation's code: the webhook receives only what concerns that delegation.",
    )


class WebhookUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(
        required=False, max_length=500, help_text="An http or https URL that receives the events."
    )
    events = serializers.ListField(child=EventField(), required=False, help_text=EVENTS_HELP)
    active = serializers.BooleanField(
        required=False,
        help_text="False pauses it. True enables it again, and a webhook that was disabled or paused starts afresh "
        "(failing_since and disabled_at are cleared).",
    )


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    seconds = serializers.FloatField(help_text="How long the receiver took to answer, or to fail.")
    status_code = serializers.IntegerField(allow_null=True, help_text="The receiver's HTTP status; null: no answer.")
    error = serializers.CharField(help_text="Why it failed: the start of the receiver's answer, or the network error.")
    succeeded = serializers.BooleanField(help_text="A 2xx answer.")

    class Meta:
        model = DeliveryAttempt
        fields = ["at", "seconds", "status_code", "error", "succeeded"]


class DeliverySerializer(serializers.ModelSerializer):
    delivery = serializers.UUIDField(
        source="delivery_id", help_text="The same on every attempt (Convoy-Delivery): receivers de-duplicate by it."
    )
    event = serializers.CharField()
    status = serializers.ChoiceField(choices=NotificationStatus.choices)
    due_at = serializers.DateTimeField(help_text="The next attempt (pending); when the last one was due otherwise.")
    attempts = serializers.IntegerField(help_text="How many attempts were made.")
    delivered_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField(help_text="Why the last attempt failed; empty after a success.")
    log = DeliveryAttemptSerializer(source="attempts_made", many=True, help_text="Every attempt, oldest first.")

    class Meta:
        model = Notification
        fields = [
            "delivery",
            "event",
            "status",
            "created_at",
            "due_at",
            "attempts",
            "delivered_at",
            "last_error",
            "log",
        ]
