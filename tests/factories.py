from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from conference.models import Conference, Session, UserRole, Venue
from delegates.models import Attendance, Delegate, Delegation
from logistics.models import (
    Driver,
    Movement,
    ResourceRequest,
    ScheduleRun,
    ScheduleVersion,
    Stop,
    StopPassenger,
    Trip,
    Vehicle,
    Webhook,
    WebhookEvent,
)
from logistics.run_reasons import trigger

MORNING = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # 09:00 in Panama


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery")

    @factory.post_generation
    def permissions(user, create, names, **kwargs):
        for name in names or []:
            app_label, codename = name.split(".")
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conference
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CONF{n}")
    name = "Central American Security Conference"
    timezone = "America/Panama"
    start_date = date(2026, 12, 7)
    end_date = date(2026, 12, 8)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    conference = factory.SubFactory(ConferenceFactory)
    code = factory.Sequence(lambda n: f"V{n:03d}")
    name = factory.LazyAttribute(lambda venue: f"Venue {venue.code}")
    kind = "venue"
    latitude = Decimal("8.985800")
    longitude = Decimal("-79.511800")


class HotelFactory(VenueFactory):
    kind = "hotel"
    latitude = Decimal("8.977300")
    longitude = Decimal("-79.520800")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    conference = factory.SubFactory(ConferenceFactory)
    code = factory.Sequence(lambda n: f"S{n:03d}")
    title = "Plenary"
    kind = "plenary"
    venue = factory.SubFactory(VenueFactory, conference=factory.SelfAttribute("..conference"))
    starts_at = MORNING
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + timedelta(minutes=90))


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    conference = factory.SubFactory(ConferenceFactory)
    code = factory.Sequence(lambda n: f"D{n:02d}")
    name = factory.LazyAttribute(lambda delegation: f"Delegation {delegation.code}")
    country = "PA"


class DelegateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegate

    conference = factory.SubFactory(ConferenceFactory)
    external_id = factory.Sequence(lambda n: f"P{n:04d}")
    given_name = "Ana"
    family_name = factory.Sequence(lambda n: f"Delegate {n}")
    delegation = factory.SubFactory(DelegationFactory, conference=factory.SelfAttribute("..conference"))
    hotel = factory.SubFactory(HotelFactory, conference=factory.SelfAttribute("..conference"))


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    delegate = factory.SubFactory(DelegateFactory)
    session = factory.SubFactory(SessionFactory, conference=factory.SelfAttribute("..delegate.conference"))


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    conference = factory.SubFactory(ConferenceFactory)
    callsign = factory.Sequence(lambda n: f"VAN-{n:02d}")
    kind = "van"
    seats = 8
    depot = factory.SubFactory(VenueFactory, conference=factory.SelfAttribute("..conference"), kind="depot")


class DriverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Driver

    conference = factory.SubFactory(ConferenceFactory)
    code = factory.Sequence(lambda n: f"DRV-{n:03d}")
    name = factory.Sequence(lambda n: f"Driver {n}")
    phone = "+507 6000-0000"


class ResourceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceRequest

    conference = factory.SubFactory(ConferenceFactory)
    delegation = factory.SubFactory(DelegationFactory, conference=factory.SelfAttribute("..conference"))
    kind = "interpreter"
    window_start = MORNING
    window_end = factory.LazyAttribute(lambda request: request.window_start + timedelta(hours=2))


class ScheduleRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduleRun

    conference = factory.SubFactory(ConferenceFactory)
    triggers = factory.LazyFunction(lambda: [trigger("recompute")])


class ScheduleVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduleVersion

    conference = factory.SubFactory(ConferenceFactory)
    number = factory.Sequence(lambda n: n + 1)
    computed_at = MORNING


class MovementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Movement

    version = factory.SubFactory(ScheduleVersionFactory)
    delegate = factory.SubFactory(DelegateFactory, conference=factory.SelfAttribute("..version.conference"))
    kind = "to_session"
    from_venue = factory.SelfAttribute("delegate.hotel")
    to_venue = factory.SubFactory(VenueFactory, conference=factory.SelfAttribute("..version.conference"))
    code = factory.Sequence(lambda n: f"M{n}")
    earliest_pickup = MORNING - timedelta(hours=1)
    latest_pickup = MORNING - timedelta(minutes=40)
    earliest_dropoff = MORNING - timedelta(minutes=45)
    latest_dropoff = MORNING - timedelta(minutes=10)


class TripFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trip

    version = factory.SubFactory(ScheduleVersionFactory)
    code = factory.Sequence(lambda n: f"T-{n:04d}")
    vehicle = factory.SubFactory(VehicleFactory, conference=factory.SelfAttribute("..version.conference"))
    starts_at = MORNING - timedelta(hours=1)
    ends_at = MORNING


class StopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stop

    trip = factory.SubFactory(TripFactory)
    sequence = factory.Sequence(lambda n: n)
    venue = factory.SubFactory(VenueFactory, conference=factory.SelfAttribute("..trip.version.conference"))
    arrive_at = MORNING - timedelta(minutes=30)
    depart_at = MORNING - timedelta(minutes=25)


class StopPassengerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StopPassenger

    stop = factory.SubFactory(StopFactory)
    movement = factory.SubFactory(MovementFactory, version=factory.SelfAttribute("..stop.trip.version"))
    action = "board"


class UserRoleFactory(factory.django.DjangoModelFactory):
    """A user with a Convoy role; pass delegation= for a liaison and vehicle= for a driver."""

    class Meta:
        model = UserRole

    user = factory.SubFactory(UserFactory)
    role = "organizer"


def published_ride(*, version, delegate, vehicle, session=None, pickup_at=MORNING - timedelta(minutes=40)):
    """A movement of `delegate` from its hotel to a venue, served by one trip of `vehicle` in `version`."""
    destination = session.venue if session else VenueFactory(conference=version.conference)
    movement = MovementFactory(
        version=version,
        delegate=delegate,
        to_venue=destination,
        session=session,
        earliest_pickup=pickup_at - timedelta(minutes=20),
        latest_pickup=pickup_at + timedelta(minutes=10),
        earliest_dropoff=pickup_at - timedelta(minutes=5),
        latest_dropoff=pickup_at + timedelta(minutes=30),
    )
    trip = TripFactory(version=version, vehicle=vehicle, starts_at=pickup_at, ends_at=pickup_at + timedelta(minutes=25))
    pickup = StopFactory(trip=trip, sequence=1, venue=delegate.hotel, arrive_at=pickup_at, depart_at=pickup_at)
    dropoff_at = pickup_at + timedelta(minutes=20)
    dropoff = StopFactory(trip=trip, sequence=2, venue=destination, arrive_at=dropoff_at, depart_at=dropoff_at)
    StopPassengerFactory(stop=pickup, movement=movement, action="board")
    StopPassengerFactory(stop=dropoff, movement=movement, action="alight")
    return movement


def unserved(code: str = "no_vehicle_free", **params) -> dict:
    """A movement's fields for "not served, because": `MovementFactory(..., **unserved(needs=["armoured"]))`."""
    if code == "no_vehicle_free":
        params = {"needs": [], "seats": 1} | params
    return {"unserved_code": code, "unserved_params": params}


def moved_leg_changes(movement, *, vehicle="VAN-01", pickup_at=MORNING - timedelta(minutes=60), significant=True):
    """A version's `changes` (as scheduling.changes writes them, against version 1) in which `movement` moved: it
    rode in `vehicle` at `pickup_at` before, and rides as `movement`'s published stops say now."""
    pickup = movement.stop_passengers.get(action="board").stop
    dropoff = movement.stop_passengers.get(action="alight").stop
    zone = movement.version.conference.zone
    leg = {
        "movement": movement.code,
        "kind": movement.kind,
        "session": movement.session.code if movement.session else None,
        "from": movement.from_venue.code,
        "to": movement.to_venue.code,
        "old": {
            "vehicle": vehicle,
            "pickup_at": pickup_at.astimezone(zone).isoformat(),
            "dropoff_at": (pickup_at + timedelta(minutes=20)).astimezone(zone).isoformat(),
        },
        "new": {
            "vehicle": pickup.trip.vehicle.callsign,
            "pickup_at": pickup.arrive_at.astimezone(zone).isoformat(),
            "dropoff_at": dropoff.arrive_at.astimezone(zone).isoformat(),
        },
        "significant": significant,
        "unserved": None,
    }
    delegate = movement.delegate
    entry = {
        "delegation": delegate.delegation.code,
        "added": [],
        "removed": [],
        "moved": [leg],
        "significant": significant,
    }
    summary = {
        "delegates": int(significant),
        "delegates_changed": 1,
        "vehicles": 0,
        "legs_added": 0,
        "legs_removed": 0,
        "legs_moved": 1,
        "legs_significant": int(significant),
    }
    return {
        "first": False,
        "since_version": 1,
        "delegates": {delegate.external_id: entry},
        "vehicles": {},
        "summary": summary,
    }


def merged_changes(*changes: dict) -> dict:
    """Several `moved_leg_changes` as one version's changes, with their summary."""
    from scheduling.changes import changes_summary

    delegates = {key: entry for one in changes for key, entry in one["delegates"].items()}
    vehicles = {key: entry for one in changes for key, entry in one["vehicles"].items()}
    return {**changes[0], "delegates": delegates, "vehicles": vehicles, "summary": changes_summary(delegates, vehicles)}


class WebhookFactory(factory.django.DjangoModelFactory):
    """A webhook of the conference that takes every event (pass delegation= and events= for a delegation's)."""

    class Meta:
        model = Webhook

    conference = factory.SubFactory(ConferenceFactory)
    url = factory.Sequence(lambda n: f"https://hooks.example.org/convoy/{n}")
    events = factory.LazyFunction(lambda: list(WebhookEvent.values))
    secret = factory.Sequence(lambda n: f"a-test-secret-of-webhook-{n:04d}")
