"""The driver loop as the API answers it: reports on trips and passengers, and a driver's day (its times in the
conference's time zone, with offset; the serializer's context holds the `zone`)."""

from rest_framework import serializers

from api.base import AwareDateTimeField
from api.serializers.fleet import PersonSerializer
from api.serializers.flights import OptionalDateField
from api.serializers.itineraries import LocalDateTime
from delegates.models import FlightKind
from logistics.models import BoardingStatus, MovementKind, TripEventKind

EVENT_ID = {
    "regex": r"^[A-Za-z0-9._:-]{1,64}$",
    "help_text": "The client's id of this report (e.g. a UUID); sending it again records it once.",
    "error_messages": {"invalid": "Use 1 to 64 letters, digits, '.', '_', ':' or '-'."},
}
TIMESTAMP = {
    "required": False,
    "allow_null": True,
    "help_text": "When it happened (ISO 8601 with offset); default: when received. At most 5 minutes ahead.",
}


class TripReportSerializer(serializers.Serializer):
    event_id = serializers.RegexField(**EVENT_ID)
    timestamp = AwareDateTimeField(**TIMESTAMP)


class PassengerReportSerializer(serializers.Serializer):
    event_id = serializers.RegexField(**EVENT_ID)
    status = serializers.ChoiceField(choices=BoardingStatus.choices)
    timestamp = AwareDateTimeField(**TIMESTAMP)


class TripEventSerializer(serializers.Serializer):
    """One recorded report on a trip, with the trip's state now (the context's `state`)."""

    event_id = serializers.CharField()
    trip = serializers.IntegerField(source="trip_id", allow_null=True, help_text="The trip's id.")
    trip_key = serializers.CharField(help_text="Names the trip across published versions while it stays the same.")
    vehicle = serializers.CharField(source="vehicle.callsign")
    kind = serializers.ChoiceField(choices=TripEventKind.choices)
    timestamp = serializers.DateTimeField(source="at")
    received_at = serializers.DateTimeField()
    state = serializers.SerializerMethodField(help_text="The trip's state now: the furthest reported.")

    def get_state(self, event) -> serializers.ChoiceField(choices=TripEventKind.choices, allow_null=True):
        return self.context["state"]


class PassengerEventSerializer(serializers.Serializer):
    """One recorded report on a passenger at a stop."""

    event_id = serializers.CharField()
    trip = serializers.IntegerField(source="trip_id", allow_null=True, help_text="The trip's id.")
    trip_key = serializers.CharField()
    vehicle = serializers.CharField(source="vehicle.callsign")
    stop = serializers.IntegerField(source="stop_sequence", help_text="The stop's sequence number in the trip.")
    passenger = serializers.CharField(source="delegate.external_id", help_text="The delegate's external id.")
    movement = serializers.CharField(help_text="The movement's code, e.g. D0001#arrival.")
    status = serializers.ChoiceField(choices=BoardingStatus.choices)
    timestamp = serializers.DateTimeField(source="at")
    received_at = serializers.DateTimeField()


class DayQuery(serializers.Serializer):
    date = OptionalDateField(
        required=False, help_text="The local day (YYYY-MM-DD); default: today, within the conference's dates."
    )


class RiderFlightSerializer(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=FlightKind.choices)
    scheduled_at = LocalDateTime(help_text="The delegate's scheduled time.")
    expected_at = LocalDateTime(allow_null=True, help_text="What the desk expects instead; null: none set.")


class LiaisonSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField(allow_blank=True, help_text="Convoy keeps no phone number for liaisons.")


class RiderSerializer(serializers.Serializer):
    delegate = serializers.CharField(
        source="external_id", allow_null=True, help_text="The delegate's external id; null for a vehicle request."
    )
    name = serializers.CharField(allow_blank=True)
    delegation = serializers.CharField(help_text="The delegation's code.")
    movement = serializers.CharField()
    kind = serializers.ChoiceField(choices=MovementKind.choices)
    seats = serializers.IntegerField()
    request = serializers.IntegerField(allow_null=True, help_text="The vehicle request's id, for a request.")
    flight = RiderFlightSerializer(
        allow_null=True,
        help_text="The flight of an arrival where the passenger boards (the airport pickup), of a departure where "
        "they alight; null elsewhere.",
    )
    liaisons = LiaisonSerializer(
        many=True, help_text="Who to call about a passenger who boards: the delegation's liaisons (empty elsewhere)."
    )
    status = serializers.ChoiceField(
        choices=BoardingStatus.choices, allow_null=True, help_text="For those who board: the report that counts."
    )
    reported_at = LocalDateTime(allow_null=True)


class DriverStopSerializer(serializers.Serializer):
    sequence = serializers.IntegerField()
    venue = serializers.CharField(help_text="The venue's code.")
    name = serializers.CharField()
    kind = serializers.CharField(help_text="The venue's kind (airport, hotel, ...).")
    address = serializers.CharField(allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    geo = serializers.CharField(help_text="A geo: URI of the place, which phones open in their maps app.")
    arrive_at = LocalDateTime()
    depart_at = LocalDateTime()
    board = RiderSerializer(many=True)
    alight = RiderSerializer(many=True)


class DriverTripSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="trip.pk")
    code = serializers.CharField(source="trip.code")
    trip_key = serializers.CharField(source="key")
    starts_at = LocalDateTime(source="trip.starts_at")
    ends_at = LocalDateTime(source="trip.ends_at")
    state = serializers.ChoiceField(
        choices=TripEventKind.choices, allow_null=True, help_text="The furthest reported; null: not acknowledged."
    )
    acknowledged_at = LocalDateTime(allow_null=True)
    started_at = LocalDateTime(allow_null=True)
    finished_at = LocalDateTime(allow_null=True)
    stops = DriverStopSerializer(many=True)


class DriverDaySerializer(serializers.Serializer):
    conference = serializers.CharField()
    vehicle = serializers.CharField()
    date = serializers.DateField()
    driver = PersonSerializer(allow_null=True)
    trips = DriverTripSerializer(many=True)
