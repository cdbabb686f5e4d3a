"""The event itself: the conference with its movement-rule parameters, its venues and its agenda."""

import zoneinfo
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from conference.scopes import NOT_EXPOSED, ScopePaths


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone (for example America/Panama).")


class Conference(models.Model):
    scope_paths = ScopePaths(conference="pk", reference=True)

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    start_date = models.DateField()
    end_date = models.DateField()

    # Movement rules of the data contract; each conference may override the defaults.
    road_factor = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("1.30"))
    average_speed_kmh = models.PositiveSmallIntegerField(default=30)
    dwell_minutes = models.PositiveSmallIntegerField(default=5)
    arrival_ready_minutes = models.PositiveSmallIntegerField(default=45)
    arrival_pickup_window_minutes = models.PositiveSmallIntegerField(default=45)
    session_arrive_earliest_minutes = models.PositiveSmallIntegerField(default=45)
    session_arrive_latest_minutes = models.PositiveSmallIntegerField(default=10)
    return_to_hotel_gap_minutes = models.PositiveSmallIntegerField(default=120)
    hotel_pickup_window_minutes = models.PositiveSmallIntegerField(default=30)
    departure_arrive_earliest_minutes = models.PositiveSmallIntegerField(default=240)
    departure_arrive_latest_minutes = models.PositiveSmallIntegerField(default=150)
    ride_time_factor = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("1.50"))
    ride_time_extra_minutes = models.PositiveSmallIntegerField(default=15)
    freeze_minutes = models.PositiveSmallIntegerField(
        default=60,
        help_text="Live operations: legs that start within this many minutes of a run's clock are kept as published.",
    )
    language = models.CharField(
        max_length=2,
        choices=[("en", "English"), ("es", "Español")],
        default="en",
        help_text="The language of messages to delegates and liaisons who have not chosen one.",
    )
    data_revision = models.PositiveIntegerField(
        default=0, editable=False, help_text="Counts edits of what itineraries show besides the schedule itself."
    )

    class Meta:
        ordering = ["start_date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="conference_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(road_factor__gte=1), name="conference_road_factor_at_least_1"),
            models.CheckConstraint(condition=Q(average_speed_kmh__gt=0), name="conference_speed_positive"),
            models.CheckConstraint(condition=Q(ride_time_factor__gte=1), name="conference_ride_factor_at_least_1"),
            models.CheckConstraint(
                condition=Q(session_arrive_earliest_minutes__gt=models.F("session_arrive_latest_minutes")),
                name="conference_session_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(departure_arrive_earliest_minutes__gt=models.F("departure_arrive_latest_minutes")),
                name="conference_departure_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    @cached_property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    @staticmethod
    def bump_data_revision(conference_id: int) -> None:
        """Cached itineraries of the conference are stale from now on (see logistics.itineraries)."""
        Conference.objects.filter(pk=conference_id).update(data_revision=models.F("data_revision") + 1)


class VenueKind(models.TextChoices):
    AIRPORT = "airport", _("Airport")
    AIRFIELD = "airfield", _("Airfield")
    HOTEL = "hotel", _("Hotel")
    VENUE = "venue", _("Venue")
    GOVERNMENT = "government", _("Government")
    EMBASSY = "embassy", _("Embassy")
    BASE = "base", _("Base")
    DEPOT = "depot", _("Depot")
    OTHER = "other", _("Other")


class Venue(models.Model):
    scope_paths = ScopePaths(conference="conference_id", reference=True)

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="venues")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=VenueKind.choices)
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    address = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["conference", "code"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "code"], name="venue_code_unique_in_conference"),
            models.CheckConstraint(condition=Q(kind__in=VenueKind.values), name="venue_kind_known"),
            models.CheckConstraint(condition=Q(latitude__gte=-90, latitude__lte=90), name="venue_latitude_in_range"),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180), name="venue_longitude_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


class SessionKind(models.TextChoices):
    PLENARY = "plenary", _("Plenary")
    WORKSHOP = "workshop", _("Workshop")
    BREAKOUT = "breakout", _("Breakout")
    TRAINING = "training", _("Training")
    BILATERAL = "bilateral", _("Bilateral")
    SOCIAL = "social", _("Social")


class Session(models.Model):
    scope_paths = ScopePaths(conference="conference_id", reference=True)

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="sessions")
    code = models.CharField(max_length=32)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=SessionKind.choices)
    focus_area = models.CharField(max_length=200, blank=True)
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "code"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "code"], name="session_code_unique_in_conference"),
            models.CheckConstraint(condition=Q(kind__in=SessionKind.values), name="session_kind_known"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class Role(models.TextChoices):
    ORGANIZER = "organizer", _("Organizer")
    LOGISTICS = "logistics", _("Logistics staff")
    DRIVER = "driver", _("Driver")
    LIAISON = "liaison", _("Delegation liaison")
    READER = "reader", _("Read-only API client")


class UserRole(models.Model):
    """What a user may see and do. A liaison is bound to one delegation, a driver to one vehicle."""

    scope_paths = NOT_EXPOSED

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="convoy_role")
    role = models.CharField(max_length=16, choices=Role.choices)
    delegation = models.ForeignKey(
        "delegates.Delegation", on_delete=models.CASCADE, null=True, blank=True, related_name="liaisons"
    )
    vehicle = models.ForeignKey(
        "logistics.Vehicle", on_delete=models.CASCADE, null=True, blank=True, related_name="driver_accounts"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_known"),
            models.CheckConstraint(
                condition=Q(role=Role.LIAISON, delegation__isnull=False, vehicle__isnull=True)
                | Q(role=Role.DRIVER, vehicle__isnull=False, delegation__isnull=True)
                | (~Q(role__in=[Role.LIAISON, Role.DRIVER]) & Q(delegation__isnull=True, vehicle__isnull=True)),
                name="user_role_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        scope = self.delegation or self.vehicle
        return f"{self.user} ({self.get_role_display()}{f', {scope}' if scope else ''})"
