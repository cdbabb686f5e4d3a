from rest_framework import serializers

from delegates.models import Delegate, Delegation


class DelegationSerializer(serializers.ModelSerializer):
    conference = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Delegation
        fields = ["conference", "code", "name", "country", "separate_transport"]


class FlightSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    venue = serializers.CharField(help_text="Airport or airfield code.")
    flight = serializers.CharField(allow_blank=True)


class DelegateSerializer(serializers.ModelSerializer):
    conference = serializers.SlugRelatedField(slug_field="code", read_only=True)
    delegation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    hotel = serializers.SlugRelatedField(slug_field="code", read_only=True)
    arrival = serializers.SerializerMethodField()
    departure = serializers.SerializerMethodField()

    class Meta:
        model = Delegate
        fields = [
            "conference",
            "external_id",
            "given_name",
            "family_name",
            "delegation",
            "role",
            "vip",
            "hotel",
            "arrival",
            "departure",
            "email",
            "phone",
            "accessible_vehicle",
            "dedicated_vehicle",
            "language",
        ]

    def _flight(self, at, venue, flight) -> dict | None:
        if at is None:
            return None
        return FlightSerializer({"at": at, "venue": venue.code, "flight": flight}).data

    def get_arrival(self, delegate) -> FlightSerializer(allow_null=True):
        return self._flight(delegate.arrival_at, delegate.arrival_venue, delegate.arrival_flight)

    def get_departure(self, delegate) -> FlightSerializer(allow_null=True):
        return self._flight(delegate.departure_at, delegate.departure_venue, delegate.departure_flight)
