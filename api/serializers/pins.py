from rest_framework import serializers

from conference.filters import in_utc
from logistics.selectors.pins import INFEASIBLE, KEPT, WAITING, PinRow, pin_problem_english

STATES = [
    (KEPT, "kept by the published schedule"),
    (INFEASIBLE, "the published schedule could not keep it (see problem)"),
    (WAITING, "set after the published schedule was computed: the next run takes it"),
]


class LocalOrAwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 moment; one without a UTC offset is the conference's local time (the service reads it so)."""

    def enforce_timezone(self, value):
        if value.tzinfo is None:
            return value
        return in_utc(value, serializers.ValidationError)


class PinProblemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The scheduler's reason code.")
    params = serializers.DictField(help_text="Its details (movement, vehicle, why).")
    text = serializers.CharField(help_text="The reason in English.")


class PinSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pin.pk")
    conference = serializers.CharField(source="pin.conference.code")
    movement = serializers.CharField(source="pin.movement", help_text="The movement's code, e.g. D0001#arrival.")
    delegate = serializers.CharField(
        source="pin.delegate.external_id",
        allow_null=True,
        default=None,
        help_text="The delegate's external id; null for a ride request.",
    )
    vehicle = serializers.CharField(source="pin.vehicle.callsign")
    pickup_at = serializers.DateTimeField(
        source="pin.pickup_at", allow_null=True, help_text="Null: any time in the movement's pickup window."
    )
    created_at = serializers.DateTimeField(source="pin.created_at")
    created_by = serializers.CharField(source="pin.created_by.username", allow_null=True, default=None)
    state = serializers.ChoiceField(choices=STATES, help_text="What the published schedule made of the pin.")
    problem = serializers.SerializerMethodField(help_text="Why the published schedule could not keep the pin.")

    def get_problem(self, row: PinRow) -> PinProblemSerializer(allow_null=True):
        if row.problem is None:
            return None
        entry = row.problem
        return {
            "code": str(entry.get("code", "")),
            "params": entry.get("params") or {},
            "text": pin_problem_english(entry),
        }


class PinInputSerializer(serializers.Serializer):
    movement = serializers.CharField(
        max_length=80, help_text="The movement's code in the published schedule, e.g. D0001#arrival or D0001#to:S12."
    )
    vehicle = serializers.CharField(max_length=32, help_text="The vehicle's callsign.")
    pickup_at = LocalOrAwareDateTimeField(
        required=False,
        allow_null=True,
        help_text=(
            "The pickup time, within the movement's pickup window; without a UTC offset it is the conference's local "
            "time. Null or left out: any time in the window."
        ),
    )
