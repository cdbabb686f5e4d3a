"""The motor pool, resource requests, and the movement schedules the scheduler writes."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from conference.models import Conference, Session, Venue
from conference.scopes import ScopePaths
from delegates.models import Delegate, Delegation
from logistics.run_reasons import triggers_english
from scheduling.reasons import reason_english


class VehicleKind(models.TextChoices):
    SEDAN = "sedan", _("Sedan")
    SUV = "suv", _("SUV")
    ARMOURED_SUV = "armoured_suv", _("Armoured SUV")
    VAN = "van", _("Van")
    MINIBUS = "minibus", _("Minibus")
    BUS = "bus", _("Bus")


class VehicleStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    EN_ROUTE = "en_route", _("En route")
    AT_PICKUP = "at_pickup", _("At pickup")
    PASSENGERS_ON_BOARD = "passengers_on_board", _("Passengers on board")
    RETURNING = "returning", _("Returning")
    DELAYED = "delayed", _("Delayed")
    OUT_OF_SERVICE = "out_of_service", _("Out of service")


class Vehicle(models.Model):
    scope_paths = ScopePaths(conference="conference_id", vehicle=("pk",))

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="vehicles")
    callsign = models.CharField(max_length=32)
    kind = models.CharField(max_length=16, choices=VehicleKind.choices)
    seats = models.PositiveSmallIntegerField(help_text="Passenger seats, driver excluded.")
    armoured = models.BooleanField(default=False)
    accessible = models.BooleanField(default=False, help_text="Wheelchair accessible.")
    depot = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="based_vehicles")
    plate = models.CharField(max_length=32, blank=True)
    available_from = models.DateTimeField(null=True, blank=True)
    available_until = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=24, choices=VehicleStatus.choices, default=VehicleStatus.AVAILABLE)
    last_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    last_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    last_position_at = models.DateTimeField(null=True, blank=True)
    status_reported_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last applied status update happened, by the reporter's clock."
    )

    class Meta:
        ordering = ["conference", "callsign"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "callsign"], name="vehicle_callsign_unique_in_conference"),
            models.CheckConstraint(condition=Q(kind__in=VehicleKind.values), name="vehicle_kind_known"),
            models.CheckConstraint(condition=Q(status__in=VehicleStatus.values), name="vehicle_status_known"),
            models.CheckConstraint(condition=Q(seats__gt=0), name="vehicle_has_seats"),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_until__gt=F("available_from")),
                name="vehicle_available_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(last_latitude__isnull=True, last_longitude__isnull=True, last_position_at__isnull=True)
                | Q(
                    last_latitude__gte=-90,
                    last_latitude__lte=90,
                    last_longitude__gte=-180,
                    last_longitude__lte=180,
                    last_position_at__isnull=False,
                ),
                name="vehicle_position_complete_and_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.callsign} ({self.get_kind_display()}, {self.seats} seats)"


class StatusOutcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    STALE = "stale", _("Recorded, not applied: older than the last applied update")


class VehicleStatusEvent(models.Model):
    """One status update from the field, kept whether or not it moved the vehicle (the audit trail)."""

    scope_paths = ScopePaths(conference="vehicle__conference_id", vehicle=("vehicle_id",))

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="status_events")
    event_id = models.CharField(max_length=64, help_text="The client's id of the update; a repeat applies once.")
    status = models.CharField(max_length=24, choices=VehicleStatus.choices)
    previous_status = models.CharField(max_length=24, choices=VehicleStatus.choices)
    resulting_status = models.CharField(max_length=24, choices=VehicleStatus.choices)
    outcome = models.CharField(max_length=8, choices=StatusOutcome.choices)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    reported_at = models.DateTimeField(help_text="The reporter's clock; the time received when none was sent.")
    received_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=500, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["vehicle", "received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vehicle", "event_id"], name="status_event_id_unique_per_vehicle"),
            models.CheckConstraint(condition=Q(status__in=VehicleStatus.values), name="status_event_status_known"),
            models.CheckConstraint(condition=Q(outcome__in=StatusOutcome.values), name="status_event_outcome_known"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="status_event_position_complete_and_in_range",
            ),
            models.CheckConstraint(
                condition=Q(accuracy_m__isnull=True) | Q(accuracy_m__gte=0), name="status_event_accuracy_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle.callsign} {self.status} ({self.event_id})"


class Driver(models.Model):
    """Who drives a vehicle (drivers.csv): the vehicle serves only within the driver's shift."""

    scope_paths = ScopePaths(conference="conference_id", vehicle=("vehicle_id",))

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="drivers")
    code = models.CharField(max_length=32, help_text="The driver's code in drivers.csv, unique in the conference.")
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    languages = models.CharField(max_length=100, blank=True, help_text="Language codes, space separated: es en.")
    vehicle = models.OneToOneField(Vehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="driver")
    shift_from = models.DateTimeField(null=True, blank=True)
    shift_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["conference", "name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "code"], name="driver_code_unique_per_conference"),
            models.CheckConstraint(
                condition=Q(shift_from__isnull=True) | Q(shift_until__isnull=True) | Q(shift_until__gt=F("shift_from")),
                name="driver_shift_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Pin(models.Model):
    """An organizer's decision the scheduler keeps: this leg rides in this vehicle (and is picked up then)."""

    scope_paths = ScopePaths(
        conference="conference_id", delegation=("delegate__delegation_id",), vehicle=("vehicle_id",)
    )

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="pins")
    movement = models.CharField(max_length=80, help_text="The movement's code, e.g. D0001#arrival.")
    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, null=True, blank=True, related_name="pins")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="pins")
    pickup_at = models.DateTimeField(null=True, blank=True, help_text="Empty: any time in the movement's window.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["conference", "movement"]
        constraints = [models.UniqueConstraint(fields=["conference", "movement"], name="pin_unique_per_movement")]

    def __str__(self) -> str:
        return f"{self.movement} in {self.vehicle.callsign}"


class RequestKind(models.TextChoices):
    VEHICLE = "vehicle", _("Vehicle")
    ESCORT = "escort", _("Escort")
    INTERPRETER = "interpreter", _("Interpreter")
    EQUIPMENT = "equipment", _("Equipment")
    OTHER = "other", _("Other")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    FULFILLED = "fulfilled", _("Fulfilled")


class ResourceRequest(models.Model):
    scope_paths = ScopePaths(conference="conference_id", delegation=("delegation_id",))

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="resource_requests")
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="resource_requests")
    kind = models.CharField(max_length=16, choices=RequestKind.choices)
    from_venue = models.ForeignKey(Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="requests_from")
    to_venue = models.ForeignKey(Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="requests_to")
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    seats = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["window_start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RequestKind.values), name="request_kind_known"),
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values), name="request_status_known"),
            models.CheckConstraint(condition=Q(window_end__gt=F("window_start")), name="request_window_ordered"),
            models.CheckConstraint(condition=Q(seats__isnull=True) | Q(seats__gt=0), name="request_seats_positive"),
            models.CheckConstraint(
                condition=~Q(kind=RequestKind.VEHICLE) | Q(from_venue__isnull=False, to_venue__isnull=False),
                name="request_vehicle_has_route",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[RequestStatus.APPROVED, RequestStatus.REJECTED]) | Q(decided_at__isnull=False),
                name="request_decision_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.delegation.code} ({self.get_status_display()})"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    SUPERSEDED = "superseded", _("Superseded")


class ScheduleRun(models.Model):
    """One recompute of a conference's schedule: who asked, how it went, what it produced."""

    scope_paths = ScopePaths(conference="conference_id")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="schedule_runs")
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    triggers = models.JSONField(
        default=list,
        blank=True,
        help_text="What asked for the run: {code, params} each (logistics.triggers), e.g. an import.",
    )
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    not_before = models.DateTimeField(
        null=True, blank=True, help_text="A queued run waits until then, so that a burst of changes shares it."
    )
    dispatched_at = models.DateTimeField(
        null=True, blank=True, help_text="When a task was last sent for the queued run (empty: none yet)."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="The last sign of life of the worker running it."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done while running.")
    input_hash = models.CharField(max_length=64, blank=True, help_text="Fingerprint of the inputs the run used.")
    metrics = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    findings = models.JSONField(
        default=list, blank=True, help_text="The validator's findings, {code, params} each, when it refused the run."
    )
    as_of = models.DateTimeField(
        null=True, blank=True, help_text="The run's clock: what starts before it plus the freeze horizon is kept."
    )
    from_scratch = models.BooleanField(
        default=False, help_text="Re-optimise everything beyond the frozen horizon instead of the least change."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="run_status_known"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="run_progress_percent"),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(finished_at__gte=F("started_at")),
                name="run_finishes_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} of {self.conference.code} ({self.status})"

    @property
    def trigger(self) -> str:
        """What asked for the run, in English (a burst of changes shares one run: "; " between them)."""
        return triggers_english(self.triggers)


class ScheduleVersion(models.Model):
    """A complete schedule. Exactly one version of a conference is current: the published one."""

    scope_paths = ScopePaths(conference="conference_id")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="schedule_versions")
    number = models.PositiveIntegerField()
    run = models.OneToOneField(ScheduleRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="version")
    computed_at = models.DateTimeField()
    is_current = models.BooleanField(default=False)
    input_hash = models.CharField(max_length=64, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    skipped = models.JSONField(
        default=list, blank=True, help_text="Sessions delegates cannot attend: conflicts and unreachable ones."
    )
    as_of = models.DateTimeField(null=True, blank=True, help_text="The clock of the run that computed it.")
    changes = models.JSONField(
        default=dict, blank=True, help_text="What changed against the version before: per delegate and per vehicle."
    )

    class Meta:
        ordering = ["conference", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["conference"], condition=Q(is_current=True), name="one_current_version_per_conference"
            ),
            models.CheckConstraint(condition=Q(number__gt=0), name="version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.conference.code} v{self.number}"


class MovementKind(models.TextChoices):
    ARRIVAL = "arrival", _("Arrival")
    TO_SESSION = "to_session", _("To a session")
    TO_HOTEL = "to_hotel", _("Back to the hotel")
    DEPARTURE = "departure", _("Departure")
    REQUEST = "request", _("Resource request")


class Movement(models.Model):
    """A delegate's need to get from one place to another within time windows, and how it is served."""

    scope_paths = ScopePaths(
        conference="version__conference_id", delegation=("delegate__delegation_id", "request__delegation_id")
    )

    version = models.ForeignKey(ScheduleVersion, on_delete=models.CASCADE, related_name="movements")
    code = models.CharField(max_length=80, help_text="The scheduler's id of the movement within the version.")
    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, null=True, blank=True, related_name="movements")
    seats = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=16, choices=MovementKind.choices)
    from_venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="+")
    to_venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="+")
    earliest_pickup = models.DateTimeField()
    latest_pickup = models.DateTimeField()
    earliest_dropoff = models.DateTimeField()
    latest_dropoff = models.DateTimeField()
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="movements")
    request = models.ForeignKey(
        ResourceRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="movements"
    )
    unserved_code = models.CharField(
        max_length=40, blank=True, help_text="Why the schedule does not serve it (scheduling.reasons); empty: served."
    )
    unserved_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["earliest_pickup", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MovementKind.values), name="movement_kind_known"),
            models.CheckConstraint(condition=~Q(from_venue=F("to_venue")), name="movement_changes_place"),
            models.CheckConstraint(
                condition=Q(latest_dropoff__gt=F("earliest_pickup")), name="movement_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(latest_pickup__gte=F("earliest_pickup"), latest_dropoff__gte=F("earliest_dropoff")),
                name="movement_pickup_and_dropoff_windows_ordered",
            ),
            models.CheckConstraint(
                condition=Q(delegate__isnull=False) | Q(request__isnull=False), name="movement_has_a_passenger"
            ),
            models.CheckConstraint(condition=Q(seats__gt=0), name="movement_has_seats"),
            models.UniqueConstraint(fields=["version", "code"], name="movement_code_unique_in_version"),
        ]

    def __str__(self) -> str:
        who = self.delegate.external_id if self.delegate_id else f"request {self.request_id}"
        return f"{who} {self.from_venue.code}->{self.to_venue.code} ({self.kind})"

    @property
    def unserved(self) -> dict | None:
        """Why it is not served, {code, params} (None when it is served)."""
        return {"code": self.unserved_code, "params": self.unserved_params} if self.unserved_code else None

    @property
    def unserved_reason(self) -> str:
        """Why it is not served, in English ("" when it is served)."""
        return reason_english(self.unserved) if self.unserved_code else ""


class Trip(models.Model):
    """One vehicle's run from a start place through stops to an end place."""

    scope_paths = ScopePaths(conference="version__conference_id", vehicle=("vehicle_id",))

    version = models.ForeignKey(ScheduleVersion, on_delete=models.CASCADE, related_name="trips")
    code = models.CharField(max_length=16, help_text="Stable label within a version, e.g. T-0001.")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="trips")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="trip_code_unique_in_version"),
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="trip_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.vehicle.callsign})"


class Stop(models.Model):
    scope_paths = ScopePaths(conference="trip__version__conference_id", vehicle=("trip__vehicle_id",))

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="stops")
    sequence = models.PositiveSmallIntegerField()
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="+")
    arrive_at = models.DateTimeField()
    depart_at = models.DateTimeField()

    class Meta:
        ordering = ["trip", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["trip", "sequence"], name="stop_sequence_unique_in_trip"),
            models.CheckConstraint(condition=Q(depart_at__gte=F("arrive_at")), name="stop_departs_after_arrival"),
        ]

    def __str__(self) -> str:
        return f"{self.trip.code} #{self.sequence} {self.venue.code}"


class PassengerAction(models.TextChoices):
    BOARD = "board", _("Boards")
    ALIGHT = "alight", _("Alights")


class StopPassenger(models.Model):
    """A delegate boarding or alighting at a stop, for one movement."""

    scope_paths = ScopePaths(conference="stop__trip__version__conference_id", vehicle=("stop__trip__vehicle_id",))

    stop = models.ForeignKey(Stop, on_delete=models.CASCADE, related_name="passengers")
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="stop_passengers")
    action = models.CharField(max_length=8, choices=PassengerAction.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["movement", "action"], name="movement_boards_and_alights_once"),
            models.CheckConstraint(condition=Q(action__in=PassengerAction.values), name="passenger_action_known"),
        ]

    def __str__(self) -> str:
        return f"{self.movement.delegate.external_id} {self.action} at {self.stop}"


class TripEventKind(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the driver")
    STARTED = "started", _("Started")
    FINISHED = "finished", _("Finished")


class TripEvent(models.Model):
    """A driver's word on a trip: read it (acknowledged), started it, finished it. Kept for audit, idempotent by the
    client's event id. `trip_key` names the trip across versions while it stays the same (same vehicle, stops,
    times and passengers): an acknowledgement holds until a re-plan changes the trip."""

    scope_paths = ScopePaths(conference="conference_id", vehicle=("vehicle_id",))

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="trip_events")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="trip_events")
    trip = models.ForeignKey("Trip", on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    trip_key = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=16, choices=TripEventKind.choices)
    event_id = models.CharField(max_length=64, help_text="The client's id of the event; a repeat counts once.")
    at = models.DateTimeField(help_text="When it happened (the phone's clock, or when it was received).")
    received_at = models.DateTimeField(auto_now_add=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["vehicle", "received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vehicle", "event_id"], name="trip_event_id_unique_per_vehicle"),
            models.CheckConstraint(condition=Q(kind__in=TripEventKind.values), name="trip_event_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle.callsign} {self.kind} ({self.event_id})"


class BoardingStatus(models.TextChoices):
    BOARDED = "boarded", _("Boarded")
    NO_SHOW = "no_show", _("No-show")


class PassengerEvent(models.Model):
    """At a stop, a passenger boarded or did not show up: the driver's word, kept for audit, idempotent by the
    client's event id. The last word on a passenger at a stop of a trip counts."""

    scope_paths = ScopePaths(
        conference="conference_id", delegation=("delegate__delegation_id",), vehicle=("vehicle_id",)
    )

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="passenger_events")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="passenger_events")
    trip = models.ForeignKey("Trip", on_delete=models.SET_NULL, null=True, blank=True, related_name="passenger_events")
    trip_key = models.CharField(max_length=64, db_index=True)
    stop_sequence = models.PositiveSmallIntegerField()
    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="passenger_events")
    movement = models.CharField(max_length=80, help_text="The movement's code, e.g. D0001#to:S12.")
    status = models.CharField(max_length=8, choices=BoardingStatus.choices)
    event_id = models.CharField(max_length=64, help_text="The client's id of the event; a repeat counts once.")
    at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["vehicle", "received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vehicle", "event_id"], name="passenger_event_id_unique_per_vehicle"),
            models.CheckConstraint(condition=Q(status__in=BoardingStatus.values), name="passenger_event_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.delegate.external_id} {self.status} ({self.event_id})"


class MovementCancellation(models.Model):
    """An organizer's decision that a movement is no longer needed (a no-show's later legs of the day): the
    scheduler leaves it out until the cancellation is removed."""

    scope_paths = ScopePaths(conference="conference_id", delegation=("delegate__delegation_id",))

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="movement_cancellations")
    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="movement_cancellations")
    movement = models.CharField(max_length=80, help_text="The movement's code, e.g. D0001#hotel:S12.")
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["conference", "movement"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "movement"], name="movement_cancelled_once"),
        ]

    def __str__(self) -> str:
        return f"{self.movement} cancelled"


class AlertKind(models.TextChoices):
    TRIP_NOT_ACKNOWLEDGED = "trip_not_acknowledged", _("Trip not acknowledged")
    NO_SHOW = "no_show", _("No-show")
    VEHICLE_SILENT = "vehicle_silent", _("Vehicle silent on a trip")


class DeskAlert(models.Model):
    """An exception the desk must see (and webhooks hear of once): raised by the checks, kept until resolved."""

    scope_paths = ScopePaths(conference="conference_id")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=24, choices=AlertKind.choices)
    key = models.CharField(max_length=160, help_text="What it is about, unique per kind: raised once.")
    data = models.JSONField(default=dict)
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["conference", "-raised_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "kind", "key"], name="alert_raised_once"),
            models.CheckConstraint(condition=Q(kind__in=AlertKind.values), name="alert_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class WebhookEvent(models.TextChoices):
    ITINERARY_CHANGED = "itinerary.changed", _("A delegate's legs added, removed or moved")
    TRIP_CHANGED = "trip.changed", _("A vehicle's trips added, removed or changed")
    VEHICLE_STATUS = "vehicle.status", _("A vehicle's status changed")
    RUN_FINISHED = "run.finished", _("A schedule run finished")
    FLIGHT_CHANGED = "flight.changed", _("A flight's expected time changed")
    PASSENGER_NO_SHOW = "passenger.no_show", _("A passenger did not show up")
    TRIP_NOT_ACKNOWLEDGED = "trip.not_acknowledged", _("A trip starts soon and its driver has not acknowledged it")
    VEHICLE_SILENT = "vehicle.silent", _("A vehicle on a trip has not reported for a while")


class Webhook(models.Model):
    """A REST client's URL that receives the conference's events, signed with its secret. One bound to a
    delegation receives only what concerns that delegation."""

    scope_paths = ScopePaths(conference="conference_id", delegation=("delegation_id",))

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list, help_text="The event names it receives.")
    secret = models.CharField(max_length=200, help_text="Signs every delivery (HMAC-SHA256).")
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, null=True, blank=True, related_name="webhooks")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    failing_since = models.DateTimeField(null=True, blank=True, help_text="The first failure since the last success.")
    disabled_at = models.DateTimeField(null=True, blank=True, help_text="Disabled after a day of failures.")

    class Meta:
        ordering = ["conference", "id"]

    def __str__(self) -> str:
        return f"{self.conference.code} webhook {self.pk} {self.url}"


class NotificationChannel(models.TextChoices):
    WEBHOOK = "webhook", _("Webhook")
    EMAIL = "email", _("E-mail")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to go out")
    DELIVERED = "delivered", _("Delivered")
    GAVE_UP = "gave_up", _("Given up after a day of failures")


class Notification(models.Model):
    """The outbox: one message to one receiver (a webhook, or an e-mail address), written in the transaction that
    makes the news, delivered by a worker at least once with the same delivery id, retried with backoff."""

    scope_paths = ScopePaths(conference="conference_id", delegation=("webhook__delegation_id",))

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(max_length=8, choices=NotificationChannel.choices)
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries")
    recipient = models.EmailField(blank=True, help_text="The e-mail address, for an e-mail.")
    person = models.CharField(
        max_length=80, blank=True, help_text="Whose news an e-mail carries (changes to one person go out together)."
    )
    language = models.CharField(max_length=8, blank=True)
    event = models.CharField(max_length=32)
    delivery_id = models.UUIDField(unique=True, help_text="The same on every attempt: receivers de-duplicate by it.")
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=NotificationStatus.choices, default=NotificationStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(help_text="Not sent before: the next attempt, or the end of the settling time.")
    claimed_until = models.DateTimeField(null=True, blank=True, help_text="A worker is sending it until then.")
    attempts = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"], name="notification_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=NotificationChannel.values), name="notification_channel_known"
            ),
            models.CheckConstraint(condition=Q(status__in=NotificationStatus.values), name="notification_status_known"),
            models.CheckConstraint(
                condition=Q(channel="webhook", webhook__isnull=False) | Q(channel="email", webhook__isnull=True),
                name="notification_webhook_iff_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.delivery_id} ({self.status})"


class DeliveryAttempt(models.Model):
    """One try to deliver a notification: what the receiver answered, or why it could not be reached."""

    scope_paths = ScopePaths(
        conference="notification__conference_id", delegation=("notification__webhook__delegation_id",)
    )

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="attempts_made")
    at = models.DateTimeField()
    seconds = models.FloatField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["notification", "at", "id"]

    def __str__(self) -> str:
        return f"{self.notification.delivery_id} at {self.at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"
