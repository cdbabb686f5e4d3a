from rest_framework import serializers

from logistics.models import (
    ScheduleRun,
    Stop,
    Trip,
)


class PassengerSerializer(serializers.Serializer):
    movement = serializers.CharField(source="movement.code")
    delegate = serializers.CharField(source="movement.delegate.external_id", allow_null=True, default=None)
    name = serializers.CharField(source="movement.delegate.full_name", allow_null=True, default=None)
    request = serializers.IntegerField(source="movement.request_id", allow_null=True)
    seats = serializers.IntegerField(source="movement.seats")


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

    class Meta:
        model = Trip
        fields = ["id", "conference", "version", "code", "vehicle", "starts_at", "ends_at", "stops"]


class RunSerializer(serializers.ModelSerializer):
    conference = serializers.SlugRelatedField(slug_field="code", read_only=True)
    version = serializers.SerializerMethodField(help_text="The schedule version the run published, if any.")

    class Meta:
        model = ScheduleRun
        fields = [
            "id",
            "conference",
            "status",
            "trigger",
            "created_at",
            "started_at",
            "finished_at",
            "progress",
            "metrics",
            "error",
            "version",
        ]

    def get_version(self, run) -> int | None:
        version = getattr(run, "version", None)
        return version.number if version else None
