from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from conference.models import Conference, Session, UserRole, Venue


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "timezone", "start_date", "end_date", "freeze_minutes"]
    search_fields = ["code", "name"]
    list_filter = ["timezone"]
    fieldsets = [
        (None, {"fields": ["code", "name", "timezone", "start_date", "end_date", "language"]}),
        (
            "Movement rules",
            {
                "classes": ["collapse"],
                "fields": [
                    "road_factor",
                    "average_speed_kmh",
                    "dwell_minutes",
                    "arrival_ready_minutes",
                    "arrival_pickup_window_minutes",
                    "session_arrive_earliest_minutes",
                    "session_arrive_latest_minutes",
                    "return_to_hotel_gap_minutes",
                    "hotel_pickup_window_minutes",
                    "departure_arrive_earliest_minutes",
                    "departure_arrive_latest_minutes",
                    "ride_time_factor",
                    "ride_time_extra_minutes",
                ],
            },
        ),
        (_("Live operations"), {"fields": ["freeze_minutes"]}),
    ]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "latitude", "longitude", "conference"]
    search_fields = ["code", "name", "address"]
    list_filter = ["conference", "kind"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "kind", "venue", "starts_at", "ends_at", "conference"]
    search_fields = ["code", "title", "focus_area"]
    list_filter = ["conference", "kind", "venue"]
    list_select_related = ["venue", "conference"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["venue"]


@admin.register(UserRole)
class UserRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "delegation", "vehicle"]
    search_fields = ["user__username", "delegation__code", "vehicle__callsign"]
    list_filter = ["role"]
    list_select_related = ["user", "delegation", "vehicle"]
    autocomplete_fields = ["user", "delegation", "vehicle"]
