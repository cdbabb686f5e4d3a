from rest_framework import serializers

from api.base import AwareDateTimeField
from api.serializers.schedule import RunSerializer
from logistics.models import (
    RequestKind,
    ResourceRequest,
)


class ResourceRequestSerializer(serializers.ModelSerializer):
    conference = serializers.SlugRelatedField(slug_field="code", read_only=True)
    delegation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    from_venue = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # set for vehicles
    to_venue = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = ResourceRequest
        fields = [
            "id",
            "conference",
            "delegation",
            "kind",
            "from_venue",
            "to_venue",
            "window_start",
            "window_end",
            "seats",
            "notes",
            "status",
            "created_at",
            "decided_at",
            "decision_reason",
        ]


class ResourceRequestInputSerializer(serializers.Serializer):
    conference = serializers.CharField(required=False, help_text="Needed only when the delegation code is ambiguous.")
    delegation = serializers.CharField(required=False, help_text="Delegation code; a liaison's own by default.")
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    from_venue = serializers.CharField(required=False, allow_null=True, help_text="Venue code; required for vehicles.")
    to_venue = serializers.CharField(required=False, allow_null=True, help_text="Venue code; required for vehicles.")
    window_start = AwareDateTimeField()
    window_end = AwareDateTimeField()
    seats = serializers.IntegerField(min_value=1, max_value=100, required=False, allow_null=True)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RequestDecisionSerializer(serializers.Serializer):
    request = ResourceRequestSerializer()
    run = RunSerializer(allow_null=True, help_text="The recompute the decision queued, for vehicle requests.")
