"""Who comes: delegations, their delegates with flights and hotels, and which sessions they attend."""

from django.db import models
from django.db.models import Q

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
