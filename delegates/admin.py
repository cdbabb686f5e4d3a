from django.contrib import admin

from delegates.models import Attendance, Delegate, Delegation, Flight


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "country", "separate_transport", "conference"]
    search_fields = ["code", "name", "country"]
    list_filter = ["conference", "separate_transport"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["session"]


@admin.register(Delegate)
class DelegateAdmin(admin.ModelAdmin):
    list_display = [
        "external_id",
        "family_name",
        "given_name",
        "delegation",
        "role",
        "vip",
        "dedicated_vehicle",
        "hotel",
        "arrival_at",
        "language",
    ]
    search_fields = [
        "external_id",
        "given_name",
        "family_name",
        "email",
        "arrival_flight",
        "departure_flight",
        "dedicated_vehicle",
    ]
    list_filter = ["conference", "vip", "accessible_vehicle", "language", "delegation", "hotel"]
    list_select_related = ["delegation", "hotel"]
    autocomplete_fields = ["delegation", "hotel", "arrival_venue", "departure_venue"]
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["delegate", "session"]
    search_fields = ["delegate__external_id", "delegate__family_name", "session__code", "session__title"]
    list_filter = ["session__conference", "session"]
    list_select_related = ["delegate", "session"]
    autocomplete_fields = ["delegate", "session"]


@admin.register(Flight)
class FlightAdmin(admin.ModelAdmin):
    """A flight's expected time, which replaces the scheduled time for everyone on it."""

    list_display = ["number", "date", "kind", "expected_at", "updated_at", "updated_by", "conference"]
    search_fields = ["number"]
    list_filter = ["conference", "kind", "date"]
    list_select_related = ["conference", "updated_by"]
    date_hierarchy = "date"
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
