from rest_framework import serializers

from conference.models import Conference, Role, Session, Venue


class ConferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Conference
        fields = ["code", "name", "timezone", "start_date", "end_date", "freeze_minutes"]


class VenueSerializer(serializers.ModelSerializer):
    conference = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Venue
        fields = ["conference", "code", "name", "kind", "latitude", "longitude", "address"]


class SessionSerializer(serializers.ModelSerializer):
    conference = serializers.SlugRelatedField(slug_field="code", read_only=True)
    venue = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Session
        fields = ["conference", "code", "title", "kind", "focus_area", "venue", "starts_at", "ends_at"]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices, allow_null=True)
    conference = serializers.CharField(allow_null=True, help_text="The conference a liaison or driver works for.")
    delegation = serializers.CharField(allow_null=True, help_text="A liaison's delegation code.")
    vehicle = serializers.CharField(allow_null=True, help_text="A driver's vehicle callsign.")
