"""What changed in each published version (scheduling.changes), as the API answers it. Times are ISO 8601 with the
conference's offset."""

from rest_framework import serializers


class SinceSerializer(serializers.Serializer):
    since = serializers.IntegerField(
        required=False,
        min_value=0,
        error_messages={
            "invalid": "since must be a schedule version number: a whole number, 0 or more.",
            "min_value": "since must be a schedule version number: a whole number, 0 or more.",
            "max_string_length": "since must be a schedule version number: a whole number, 0 or more.",
        },
        help_text="A version number: the changes of every version after it. Without it, the current version's.",
    )


class RideSerializer(serializers.Serializer):
    vehicle = serializers.CharField(help_text="The vehicle's callsign.")
    pickup_at = serializers.CharField(help_text="The boarding stop's arrival.")
    dropoff_at = serializers.CharField(allow_null=True, help_text="The alighting stop's arrival.")


class LegChangeSerializer(serializers.Serializer):
    movement = serializers.CharField(help_text="The movement's id, stable across versions (e.g. D0001#arrival).")
    kind = serializers.CharField(help_text="arrival, to_session, to_hotel, departure or request.")
    session = serializers.CharField(allow_null=True, help_text="The session it serves.")
    # "from" is added by get_fields: a Python keyword cannot name a field in the class body
    to = serializers.CharField(help_text="The place code it goes to.")
    old = RideSerializer(allow_null=True, help_text="The leg before; null when it was not served.")
    new = RideSerializer(allow_null=True, help_text="The leg now; null when it is not served.")
    significant = serializers.BooleanField(
        help_text="Added, removed, another vehicle, or a pickup or drop-off moved by more than five minutes."
    )
    unserved = serializers.CharField(
        allow_null=True, help_text="Why the side that is not served is not (a reason code); null when unknown."
    )

    def get_fields(self):
        fields = {}
        for name, field in super().get_fields().items():
            if name == "to":
                fields["from"] = serializers.CharField(help_text="The place code it leaves from.")
            fields[name] = field
        return fields


class DelegateChangesSerializer(serializers.Serializer):
    delegation = serializers.CharField(help_text="The delegation's code.")
    added = LegChangeSerializer(many=True, help_text="Legs served now and not before.")
    removed = LegChangeSerializer(many=True, help_text="Legs served before and not now.")
    moved = LegChangeSerializer(many=True, help_text="Legs in another vehicle or at other times.")
    significant = serializers.BooleanField(help_text="Any of the legs changed significantly.")


class TripSnapshotSerializer(serializers.Serializer):
    trip = serializers.CharField(help_text="The trip's id within its version.")
    starts_at = serializers.CharField()
    ends_at = serializers.CharField()
    stops = serializers.IntegerField(help_text="How many stops.")
    passengers = serializers.ListField(child=serializers.CharField(), help_text="The movements that board.")


class TripChangeSerializer(serializers.Serializer):
    old = TripSnapshotSerializer(allow_null=True)
    new = TripSnapshotSerializer(allow_null=True)


class VehicleChangesSerializer(serializers.Serializer):
    added = TripChangeSerializer(many=True)
    removed = TripChangeSerializer(many=True)
    changed = TripChangeSerializer(many=True, help_text="An old and a new trip that carry a movement in common.")


class ChangesSummarySerializer(serializers.Serializer):
    delegates = serializers.IntegerField(help_text="Delegates with a significant change.")
    delegates_changed = serializers.IntegerField(help_text="Delegates with any change.")
    vehicles = serializers.IntegerField(help_text="Vehicles with a trip added, removed or changed.")
    legs_added = serializers.IntegerField()
    legs_removed = serializers.IntegerField()
    legs_moved = serializers.IntegerField()
    legs_significant = serializers.IntegerField()


class VersionChangesSerializer(serializers.Serializer):
    """What one published version changed against the version published before it, as the caller may see it."""

    version = serializers.IntegerField()
    computed_at = serializers.CharField(help_text="When it was computed.")
    as_of = serializers.CharField(allow_null=True, help_text="The clock of the run that computed it.")
    since_version = serializers.IntegerField(
        allow_null=True, help_text="The version it is compared with; null for the first one published."
    )
    first = serializers.BooleanField(help_text="The first version published: nothing to compare with.")
    delegates = serializers.DictField(
        child=DelegateChangesSerializer(), help_text="By delegate id (or request id, REQ-7): the changed legs."
    )
    vehicles = serializers.DictField(child=VehicleChangesSerializer(), help_text="By callsign: the changed trips.")
    summary = ChangesSummarySerializer()
