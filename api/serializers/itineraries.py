"""The itinerary as a delegation's app reads it. Times are in the conference's time zone, with offset."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class LocalDateTime(serializers.DateTimeField):
    def to_representation(self, value):
        return None if value is None else value.astimezone(self.context["zone"]).isoformat()


class PlaceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    address = serializers.CharField(allow_blank=True)


class LegVehicleSerializer(serializers.Serializer):
    callsign = serializers.CharField()
    kind = serializers.CharField()
    plate = serializers.CharField(allow_blank=True)
    status = serializers.CharField(help_text="The vehicle's live status.")


class LegDriverSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)


class LegSessionSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    venue = serializers.CharField(source="venue.code")
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()


class LegPreviousSerializer(serializers.Serializer):
    vehicle = serializers.CharField(allow_null=True, help_text="The vehicle's callsign before.")
    pickup_at = LocalDateTime(allow_null=True)
    dropoff_at = LocalDateTime(allow_null=True)


class LegFlightSerializer(serializers.Serializer):
    number = serializers.CharField()
    scheduled_at = LocalDateTime()
    expected_at = LocalDateTime(allow_null=True)


class LegSerializer(serializers.Serializer):
    movement = serializers.CharField(source="movement.code", help_text="The movement's id in this version.")
    kind = serializers.CharField(source="movement.kind")
    status = serializers.SerializerMethodField(help_text="scheduled, or unserved (see unserved_reason).")
    unserved_reason = serializers.CharField(
        source="movement.unserved_reason", allow_blank=True, help_text="Why it is not served, in English."
    )
    unserved_code = serializers.CharField(
        source="movement.unserved_code", allow_blank=True, help_text="Why it is not served, as a code (empty: served)."
    )
    origin = PlaceSerializer(source="movement.from_venue")
    destination = PlaceSerializer(source="movement.to_venue")
    pickup_at = LocalDateTime(source="pickup.arrive_at", allow_null=True, default=None)
    dropoff_at = LocalDateTime(source="dropoff.arrive_at", allow_null=True, default=None)
    earliest_pickup = LocalDateTime(source="movement.earliest_pickup")
    latest_dropoff = LocalDateTime(source="movement.latest_dropoff")
    trip = serializers.CharField(source="trip.code", allow_null=True, default=None)
    vehicle = LegVehicleSerializer(allow_null=True)
    driver = LegDriverSerializer(allow_null=True)
    session = LegSessionSerializer(source="movement.session", allow_null=True, help_text="The session it serves.")
    flight = LegFlightSerializer(
        source="movement.flight",
        allow_null=True,
        default=None,
        help_text="An airport pickup's or drop-off's flight: number, scheduled time, and the expected time if the "
        "desk set one (null otherwise).",
    )
    changed = serializers.SerializerMethodField(
        help_text="The published version changed this leg against the version before: added, moved, or unserved now."
    )
    previous = serializers.SerializerMethodField(
        help_text="The leg before the change (vehicle, pickup and drop-off); null when unchanged or newly served."
    )

    def get_status(self, leg) -> str:
        return "scheduled" if leg.pickup else "unserved"

    def _change(self, leg) -> dict | None:
        return self.context.get("changes", {}).get(leg.movement.code)

    def get_changed(self, leg) -> bool:
        return self._change(leg) is not None

    @extend_schema_field(LegPreviousSerializer(allow_null=True))
    def get_previous(self, leg) -> dict | None:
        change = self._change(leg)
        if change is None or change["previous"] is None:
            return None
        return LegPreviousSerializer(change["previous"], context=self.context).data


class SkippedSessionSerializer(serializers.Serializer):
    session = serializers.CharField()
    to = serializers.CharField(help_text="The session's venue.")
    reason = serializers.CharField(help_text="Why, in English.")
    code = serializers.CharField(source="reason.code", help_text="Why, as a code.")


class ItineraryDelegateSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    delegation = serializers.CharField(source="delegation.code")
    hotel = serializers.CharField(source="hotel.code")


class DelegateItinerarySerializer(serializers.Serializer):
    delegate = ItineraryDelegateSerializer()
    movements = LegSerializer(many=True)
    skipped_sessions = SkippedSessionSerializer(many=True)


class PublishedSerializer(serializers.Serializer):
    conference = serializers.CharField(source="conference.code")
    version = serializers.IntegerField(source="version.number", allow_null=True, default=None)
    computed_at = LocalDateTime(source="version.computed_at", allow_null=True, default=None)


class ItinerarySerializer(PublishedSerializer, DelegateItinerarySerializer):
    """One delegate's published movements. version is null until a schedule is published."""


class DelegationRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DelegationItinerarySerializer(PublishedSerializer):
    """Every delegate of a delegation with their published movements."""

    delegation = DelegationRefSerializer()
    delegates = DelegateItinerarySerializer(many=True)
