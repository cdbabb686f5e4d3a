from django.contrib import admin

from logistics.models import (
    Driver,
    Movement,
    MovementCancellation,
    Pin,
    ResourceRequest,
    ScheduleRun,
    ScheduleVersion,
    Stop,
    StopPassenger,
    Trip,
    Vehicle,
    VehicleStatusEvent,
)


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ["callsign", "kind", "seats", "armoured", "accessible", "status", "depot", "last_position_at"]
    search_fields = ["callsign", "plate"]
    list_filter = ["conference", "kind", "status", "armoured", "accessible"]
    list_select_related = ["depot"]
    autocomplete_fields = ["depot"]


@admin.register(VehicleStatusEvent)
class VehicleStatusEventAdmin(admin.ModelAdmin):
    """The audit trail of status updates: read only, as it records what the field reported."""

    list_display = ["vehicle", "status", "outcome", "reported_at", "received_at", "reported_by", "event_id"]
    search_fields = ["vehicle__callsign", "event_id", "note"]
    list_filter = ["vehicle__conference", "outcome", "status"]
    list_select_related = ["vehicle", "reported_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Driver)
class DriverAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "phone", "vehicle", "shift_from", "shift_until", "conference"]
    search_fields = ["code", "name", "phone", "vehicle__callsign"]
    list_filter = ["conference"]
    list_select_related = ["vehicle"]
    autocomplete_fields = ["vehicle"]


@admin.register(Pin)
class PinAdmin(admin.ModelAdmin):
    """An organizer's pin: every later run keeps this leg in this vehicle (at this pickup time), or reports why not."""

    list_display = ["movement", "vehicle", "delegate", "pickup_at", "created_by", "created_at", "conference"]
    search_fields = ["movement", "vehicle__callsign", "delegate__external_id", "delegate__family_name"]
    list_filter = ["conference", "vehicle__kind"]
    list_select_related = ["vehicle", "delegate", "created_by", "conference"]
    autocomplete_fields = ["vehicle", "delegate"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(MovementCancellation)
class MovementCancellationAdmin(admin.ModelAdmin):
    """Movements the desk cancelled (a no-show's later legs): delete one to have the next run plan it again."""

    list_display = ["movement", "delegate", "reason", "created_by", "created_at", "conference"]
    search_fields = ["movement", "delegate__external_id", "delegate__family_name"]
    list_filter = ["conference"]
    list_select_related = ["delegate", "created_by", "conference"]
    readonly_fields = ["conference", "delegate", "movement", "created_by", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False  # cancelled from the dashboard's no-show alert, which knows the movements


@admin.register(ResourceRequest)
class ResourceRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "delegation", "kind", "from_venue", "to_venue", "window_start", "status", "decided_at"]
    search_fields = ["delegation__code", "delegation__name", "notes", "decision_reason"]
    list_filter = ["conference", "status", "kind"]
    list_select_related = ["delegation", "from_venue", "to_venue"]
    autocomplete_fields = ["delegation", "from_venue", "to_venue"]
    readonly_fields = ["created_by", "created_at", "decided_by", "decided_at"]


@admin.register(ScheduleRun)
class ScheduleRunAdmin(admin.ModelAdmin):
    list_display = ["id", "conference", "status", "trigger", "created_at", "finished_at", "progress"]
    search_fields = ["error", "conference__code"]
    list_filter = ["conference", "status"]


@admin.register(ScheduleVersion)
class ScheduleVersionAdmin(admin.ModelAdmin):
    list_display = ["conference", "number", "computed_at", "is_current"]
    search_fields = ["conference__code"]
    list_filter = ["conference", "is_current"]


@admin.register(Movement)
class MovementAdmin(admin.ModelAdmin):
    list_display = [
        "delegate",
        "kind",
        "from_venue",
        "to_venue",
        "earliest_pickup",
        "latest_dropoff",
        "unserved_code",
    ]
    search_fields = ["delegate__external_id", "delegate__family_name", "unserved_code"]
    list_filter = ["version__conference", "kind", "version"]
    list_select_related = ["delegate", "from_venue", "to_venue"]
    raw_id_fields = ["version", "delegate", "session", "request"]


class StopInline(admin.TabularInline):
    model = Stop
    extra = 0


@admin.register(Trip)
class TripAdmin(admin.ModelAdmin):
    list_display = ["code", "vehicle", "starts_at", "ends_at", "version"]
    search_fields = ["code", "vehicle__callsign"]
    list_filter = ["version__conference", "version", "vehicle__kind"]
    list_select_related = ["vehicle", "version"]
    raw_id_fields = ["version", "vehicle"]
    inlines = [StopInline]


@admin.register(Stop)
class StopAdmin(admin.ModelAdmin):
    list_display = ["trip", "sequence", "venue", "arrive_at", "depart_at"]
    search_fields = ["trip__code", "venue__code"]
    list_filter = ["trip__version__conference", "venue"]
    raw_id_fields = ["trip"]


@admin.register(StopPassenger)
class StopPassengerAdmin(admin.ModelAdmin):
    list_display = ["stop", "movement", "action"]
    search_fields = ["movement__delegate__external_id", "stop__trip__code"]
    list_filter = ["action", "stop__trip__version__conference"]
    raw_id_fields = ["stop", "movement"]
