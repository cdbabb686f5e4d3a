from rest_framework import serializers

from logistics.models import (
    ScheduleRun,
    Stop,
    Trip,
    TripEventKind,
)


class PassengerFlightSerializer(serializers.Serializer):
    number = serializers.CharField()
    scheduled_at = serializers.DateTimeField()
    expected_at = serializers.DateTimeField(allow_null=True)


class PassengerSerializer(serializers.Serializer):
    movement = serializers.CharField(source="movement.code")
    delegate = serializers.CharField(source="movement.delegate.external_id", allow_null=True, default=None)
    name = serializers.CharField(source="movement.delegate.full_name", allow_null=True, default=None)
    request = serializers.IntegerField(source="movement.request_id", allow_null=True)
    seats = serializers.IntegerField(source="movement.seats")
    flight = PassengerFlightSerializer(
        source="movement.flight",
        allow_null=True,
        default=None,
        help_text="An airport pickup's or drop-off's flight: number, scheduled and expected time (null otherwise).",
    )


class StopSerializer(serializers.ModelSerializer):
    venue = serializers.SlugRelatedField(slug_field="code", read_only=True)
    board = serializers.SerializerMethodField()
    alight = serializers.SerializerMethodField()

    class Meta:
        model = Stop
        fields = ["sequence", "venue", "arrive_at", "depart_at", "board", "alight"]

    def _passengers(self, stop, action):
        return PassengerSerializer([p for p in stop.passengers.all() if p.action == action], many=True).data

    def get_board(self, stop) -> PassengerSerializer(many=True):
        return self._passengers(stop, "board")

    def get_alight(self, stop) -> PassengerSerializer(many=True):
        return self._passengers(stop, "alight")


class TripSerializer(serializers.ModelSerializer):
    conference = serializers.CharField(source="version.conference.code")
    version = serializers.IntegerField(source="version.number")
    vehicle = serializers.SlugRelatedField(slug_field="callsign", read_only=True)
    stops = StopSerializer(many=True)
    state = serializers.SerializerMethodField(
        help_text="What its driver reported: acknowledged, started or finished (the furthest); null: nothing yet."
    )

    class Meta:
        model = Trip
        fields = ["id", "conference", "version", "code", "vehicle", "starts_at", "ends_at", "state", "stops"]

    def get_state(self, trip) -> serializers.ChoiceField(choices=TripEventKind.choices, allow_null=True):
        return self.context.get("trip_states", {}).get(trip.pk)


class CodedSerializer(serializers.Serializer):
    code = serializers.CharField()
    params = serializers.DictField(help_text="Its details: moments in ISO 8601 with the conference's offset, codes.")


class RecomputeSerializer(serializers.Serializer):
    now = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="The run's clock for a drill (ISO 8601; without an offset: the conference's local time). Legs "
        "starting before it plus the conference's freeze horizon stay as published. Default: when the run starts.",
    )
    from_scratch = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Re-optimise everything beyond the frozen horizon instead of changing as little as possible.",
    )


class RunSerializer(serializers.ModelSerializer):
    conference = serializers.SlugRelatedField(slug_field="code", read_only=True)
    version = serializers.SerializerMethodField(help_text="The schedule version the run published, if any.")
    trigger = serializers.CharField(read_only=True, help_text="What asked for the run, in English.")
    triggers = CodedSerializer(many=True, read_only=True, help_text="What asked for the run, as codes.")
    findings = CodedSerializer(
        many=True, read_only=True, help_text="Why the run published nothing (and the validator's findings), as codes."
    )

    class Meta:
        model = ScheduleRun
        fields = [
            "id",
            "conference",
            "status",
            "trigger",
            "triggers",
            "created_at",
            "started_at",
            "finished_at",
            "progress",
            "metrics",
            "error",
            "findings",
            "version",
            "as_of",
            "from_scratch",
        ]

    def get_version(self, run) -> int | None:
        version = getattr(run, "version", None)
        return version.number if version else None
