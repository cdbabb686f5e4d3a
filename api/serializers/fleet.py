from decimal import ROUND_HALF_EVEN, Decimal

from rest_framework import serializers

from api.base import AwareDateTimeField
from logistics.models import (
    StatusOutcome,
    Vehicle,
    VehicleStatus,
)


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)


class PositionSerializer(serializers.Serializer):
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    at = serializers.DateTimeField()


class VehicleSerializer(serializers.ModelSerializer):
    conference = serializers.SlugRelatedField(slug_field="code", read_only=True)
    depot = serializers.SlugRelatedField(slug_field="code", read_only=True)
    position = serializers.SerializerMethodField()
    driver = serializers.SerializerMethodField()

    class Meta:
        model = Vehicle
        fields = [
            "conference",
            "callsign",
            "kind",
            "seats",
            "armoured",
            "accessible",
            "depot",
            "plate",
            "available_from",
            "available_until",
            "status",
            "status_reported_at",
            "position",
            "driver",
        ]

    def get_position(self, vehicle) -> PositionSerializer(allow_null=True):
        if vehicle.last_position_at is None:
            return None
        return PositionSerializer(
            {"latitude": vehicle.last_latitude, "longitude": vehicle.last_longitude, "at": vehicle.last_position_at}
        ).data

    def get_driver(self, vehicle) -> PersonSerializer(allow_null=True):
        driver = getattr(vehicle, "driver", None)
        return PersonSerializer(driver).data if driver else None


def _six_places(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)


class StatusReportSerializer(serializers.Serializer):
    event_id = serializers.RegexField(
        r"^[A-Za-z0-9._:-]{1,64}$",
        help_text="The client's id of this update (e.g. a UUID); sending it again applies the update once.",
        error_messages={"invalid": "Use 1 to 64 letters, digits, '.', '_', ':' or '-'."},
    )
    status = serializers.ChoiceField(choices=VehicleStatus.choices)
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    accuracy = serializers.FloatField(
        min_value=0, max_value=1_000_000, required=False, allow_null=True, help_text="Metres."
    )
    timestamp = AwareDateTimeField(
        required=False, allow_null=True, help_text="When it happened (ISO 8601 with offset); default: when received."
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate(self, data):
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise serializers.ValidationError({"longitude": "Send latitude and longitude together, or neither."})
        data["latitude"] = _six_places(data.get("latitude"))
        data["longitude"] = _six_places(data.get("longitude"))
        accuracy = data.pop("accuracy", None)
        data["accuracy_m"] = None if accuracy is None else Decimal(str(round(accuracy, 1)))
        data["reported_at"] = data.pop("timestamp", None)
        return data


class StatusEventSerializer(serializers.Serializer):
    """One recorded status update. A plain serializer: it answers every status post, and is cheaper than a
    model serializer, which rebuilds its fields each time."""

    event_id = serializers.CharField()
    vehicle = serializers.CharField(source="vehicle.callsign")
    status = serializers.ChoiceField(choices=VehicleStatus.choices)
    applied = serializers.SerializerMethodField(help_text="False when an applied update was newer (stale).")
    outcome = serializers.ChoiceField(choices=StatusOutcome.choices)
    previous_status = serializers.ChoiceField(choices=VehicleStatus.choices)
    resulting_status = serializers.ChoiceField(choices=VehicleStatus.choices)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    accuracy = serializers.DecimalField(source="accuracy_m", max_digits=8, decimal_places=1, allow_null=True)
    timestamp = serializers.DateTimeField(source="reported_at")
    received_at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)

    def get_applied(self, event) -> bool:
        return event.outcome == StatusOutcome.APPLIED
