"""Who comes: delegations, their delegates with flights and hotels, and which sessions they attend."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from conference.models import Conference, Session, Venue
from conference.scopes import ScopePaths


class Delegation(models.Model):
    scope_paths = ScopePaths(conference="conference_id", delegation=("pk",))

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="delegations")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2; empty for organisations.")
    separate_transport = models.BooleanField(default=False, help_text="Never shares a vehicle with another delegation.")

    class Meta:
        ordering = ["conference", "code"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "code"], name="delegation_code_unique_in_conference"),
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{2}$"), name="delegation_country_alpha2"
            ),
        ]
        permissions = [("import_scenario", "Can import scenario CSV files")]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


class Delegate(models.Model):
    scope_paths = ScopePaths(conference="conference_id", delegation=("delegation_id",))

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="delegates")
    external_id = models.CharField(max_length=64, help_text="The accreditation system's id.")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="delegates")
    role = models.CharField(max_length=100, blank=True)
    vip = models.BooleanField(default=False, help_text="Armoured vehicle only, no other delegation on board.")
    hotel = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="guests")
    arrival_at = models.DateTimeField(null=True, blank=True)
    arrival_venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="arriving_delegates"
    )
    arrival_flight = models.CharField(max_length=32, blank=True)
    departure_at = models.DateTimeField(null=True, blank=True)
    departure_venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="departing_delegates"
    )
    departure_flight = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    accessible_vehicle = models.BooleanField(default=False, help_text="Needs a wheelchair-accessible vehicle.")
    dedicated_vehicle = models.CharField(
        max_length=32, blank=True, help_text="Callsign of a vehicle reserved for this VIP for the whole stay."
    )
    language = models.CharField(
        max_length=2,
        blank=True,
        choices=[("en", "English"), ("es", "Español")],
        help_text="For messages to the delegate; empty: the conference's.",
    )
    sessions = models.ManyToManyField(Session, through="Attendance", related_name="attendees")

    class Meta:
        ordering = ["conference", "external_id"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "external_id"], name="delegate_external_id_unique"),
            models.CheckConstraint(
                condition=Q(arrival_at__isnull=True, arrival_venue__isnull=True)
                | Q(arrival_at__isnull=False, arrival_venue__isnull=False),
                name="delegate_arrival_time_and_venue_together",
            ),
            models.CheckConstraint(
                condition=Q(departure_at__isnull=True, departure_venue__isnull=True)
                | Q(departure_at__isnull=False, departure_venue__isnull=False),
                name="delegate_departure_time_and_venue_together",
            ),
            models.CheckConstraint(
                condition=Q(arrival_at__isnull=True)
                | Q(departure_at__isnull=True)
                | Q(departure_at__gt=models.F("arrival_at")),
                name="delegate_departs_after_arrival",
            ),
        ]
        indexes = [models.Index(fields=["delegation", "family_name"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.external_id})"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Attendance(models.Model):
    scope_paths = ScopePaths(conference="delegate__conference_id", delegation=("delegate__delegation_id",))

    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")

    class Meta:
        ordering = ["session__starts_at", "delegate__external_id"]
        constraints = [
            models.UniqueConstraint(fields=["delegate", "session"], name="attendance_once_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.delegate.external_id} at {self.session.code}"


class FlightKind(models.TextChoices):
    ARRIVAL = "arrival", _("Arrival")
    DEPARTURE = "departure", _("Departure")


class Flight(models.Model):
    """What the desk knows of a flight beyond the delegates' rows: its expected time. A flight is its number, its
    local date and its kind; its place and scheduled time come from the delegates on it."""

    scope_paths = ScopePaths(conference="conference_id")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="flights")
    number = models.CharField(max_length=32)
    date = models.DateField(help_text="The scheduled local date.")
    kind = models.CharField(max_length=16, choices=FlightKind.choices)
    expected_at = models.DateTimeField(null=True, blank=True, help_text="Replaces the scheduled time for all on it.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["conference", "date", "number", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "number", "date", "kind"], name="flight_unique"),
            models.CheckConstraint(condition=Q(kind__in=["arrival", "departure"]), name="flight_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.date} ({self.kind})"
