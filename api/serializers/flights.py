"""Flights as the API answers them. Times are in the conference's time zone, with offset."""

from rest_framework import serializers

from api.base import AwareDateTimeField
from api.serializers.itineraries import LocalDateTime
from delegates.models import FlightKind


class ConferenceFlightSerializer(serializers.Serializer):
    """One flight (delegates.selectors.flights.ConferenceFlight); the serializer's context holds the `zone`."""

    number = serializers.CharField()
    date = serializers.DateField(help_text="The scheduled local date.")
    kind = serializers.ChoiceField(choices=FlightKind.choices)
    venue = serializers.CharField(help_text="The airport's or airfield's code.")
    scheduled_at = LocalDateTime(help_text="The delegates' time (the earliest when they differ).")
    expected_at = LocalDateTime(
        allow_null=True, help_text="What the desk expects instead; it shifts everyone on the flight. Null: none."
    )
    delegates = serializers.IntegerField(help_text="How many delegates are on it.")


class OptionalDateField(serializers.DateField):
    """A date of a query parameter, where an empty value (`?date=`) is the same as leaving it out."""

    def validate_empty_values(self, data):
        if isinstance(data, str) and not data.strip():
            return True, None
        return super().validate_empty_values(data)


class FlightQuery(serializers.Serializer):
    date = OptionalDateField(required=False, help_text="Only flights of this local day (YYYY-MM-DD).")
    kind = serializers.ChoiceField(
        choices=FlightKind.choices, required=False, allow_blank=True, help_text="Only arrivals or only departures."
    )


class FlightExpectedSerializer(serializers.Serializer):
    expected_at = AwareDateTimeField(
        allow_null=True,
        help_text="When the flight is now expected, ISO 8601 with its UTC offset (e.g. 2026-12-07T11:55:00-05:00); "
        "null clears it (the scheduled time holds again). At most two days from the scheduled time.",
    )
    kind = serializers.ChoiceField(
        choices=FlightKind.choices,
        required=False,
        help_text="arrival or departure: needed only when the number and date name both.",
    )
