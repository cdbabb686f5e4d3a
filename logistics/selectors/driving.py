"""A driver's day: the vehicle's published trips of a local day, each stop with where it is and who boards and
alights there (with the flight of an airport pickup and the delegation's liaisons), what the driver has reported
(the trip acknowledged, started, finished; each passenger boarded or not there), matched by `trip_key`."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from django.db.models import Prefetch

from conference.models import Role, UserRole
from conference.selectors.conferences import conference_day_bounds
from delegates.models import Flight, FlightKind
from delegates.selectors.flights import FIELDS
from logistics.models import (
    MovementKind,
    PassengerAction,
    PassengerEvent,
    Stop,
    StopPassenger,
    Trip,
    TripEvent,
    TripEventKind,
    Vehicle,
)
from logistics.selectors.trips import trip_key

# A trip's state is the furthest it got: acknowledged, then started, then finished.
STATE_ORDER = [TripEventKind.ACKNOWLEDGED, TripEventKind.STARTED, TripEventKind.FINISHED]
# The movements whose passenger has a flight: its kind (and so the delegate's fields that name it), and where the
# driver needs it: an arrival's where they board (the airport pickup), a departure's where they alight.
FLIGHT_OF = {MovementKind.ARRIVAL: FlightKind.ARRIVAL, MovementKind.DEPARTURE: FlightKind.DEPARTURE}
FLIGHT_AT = {MovementKind.ARRIVAL: PassengerAction.BOARD, MovementKind.DEPARTURE: PassengerAction.ALIGHT}


@dataclass(frozen=True)
class RiderFlight:
    number: str
    kind: str
    scheduled_at: datetime  # the delegate's own time
    expected_at: datetime | None  # what the desk expects instead, when it set one

    @property
    def shown_at(self) -> datetime:
        return self.expected_at or self.scheduled_at


@dataclass(frozen=True)
class Liaison:
    name: str
    email: str


@dataclass
class Rider:
    """Someone who boards or alights at a stop: a delegate, or a delegation's vehicle request (no delegate). The
    flight is an airport pickup's (or drop-off's); the liaisons, who to call about a passenger, are given for those
    who board."""

    passenger: StopPassenger
    action: str
    external_id: str | None
    name: str
    delegation: str
    movement: str
    kind: str
    seats: int
    request: int | None
    flight: RiderFlight | None = None
    liaisons: list[Liaison] = field(default_factory=list)
    status: str | None = None  # boarded or no_show (the last report at this stop), for those who board
    reported_at: datetime | None = None
    # (status, label, event id) of each button the page offers
    buttons: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class DriverStop:
    stop: Stop
    sequence: int
    venue: str
    name: str
    kind: str
    address: str
    latitude: Decimal
    longitude: Decimal
    arrive_at: datetime
    depart_at: datetime
    board: list[Rider] = field(default_factory=list)
    alight: list[Rider] = field(default_factory=list)

    @property
    def geo(self) -> str:
        """A geo: URI (RFC 5870) with the place's name as its label, which phones open in their maps app."""
        where = f"{self.latitude},{self.longitude}"
        return f"geo:{where}?q={where}({quote(self.name, safe='')})"


@dataclass
class DriverTrip:
    trip: Trip
    key: str
    state: str | None  # acknowledged, started, finished, or None
    reported: dict[str, datetime]  # when each state was reported (the first report of it)
    stops: list[DriverStop]
    buttons: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def acknowledged_at(self) -> datetime | None:
        return self.reported.get(TripEventKind.ACKNOWLEDGED)

    @property
    def started_at(self) -> datetime | None:
        return self.reported.get(TripEventKind.STARTED)

    @property
    def finished_at(self) -> datetime | None:
        return self.reported.get(TripEventKind.FINISHED)

    @property
    def boarding(self) -> int:
        return sum(len(stop.board) for stop in self.stops)


def trip_state(kinds) -> str | None:
    """The furthest state among the kinds of events reported on a trip, or None."""
    reached = [kind for kind in STATE_ORDER if kind in kinds]
    return reached[-1] if reached else None


def trip_states(*, trips: list[Trip]) -> dict[int, str | None]:
    """Each trip's state by id: one query. The trips must come with what `trip_key` reads (their vehicle, their stops
    with venues, the stops' passengers with movements)."""
    keys = {trip.pk: trip_key(trip) for trip in trips}
    if not keys:
        return {}
    seen: dict[str, set[str]] = {}
    for key, kind in TripEvent.objects.filter(trip_key__in=set(keys.values())).values_list("trip_key", "kind"):
        seen.setdefault(key, set()).add(kind)
    return {pk: trip_state(seen.get(key, ())) for pk, key in keys.items()}


def driver_day(*, vehicle: Vehicle, day: date) -> list[DriverTrip]:
    """The vehicle's trips of the published schedule that start on `day` (local), in time order, with everything a
    driver needs at each stop and what was reported. At most seven queries with trips, one without, however many."""
    if not date.min < day < date.max:  # no whole local day there in every zone
        return []
    conference = vehicle.conference
    start, end = conference_day_bounds(conference=conference, day=day)
    passengers = StopPassenger.objects.select_related(
        "movement__delegate__delegation", "movement__request__delegation"
    ).order_by("action", "movement__delegate__family_name", "movement__delegate__given_name", "movement__code")
    stops = Stop.objects.select_related("venue").prefetch_related(Prefetch("passengers", queryset=passengers))
    trips = list(
        Trip.objects.filter(vehicle=vehicle, version__is_current=True, starts_at__gte=start, starts_at__lt=end)
        .select_related("vehicle")
        .prefetch_related(Prefetch("stops", queryset=stops.order_by("sequence")))
        .order_by("starts_at", "code")
    )
    if not trips:
        return []
    keys = {trip.pk: trip_key(trip) for trip in trips}
    reported: dict[str, dict[str, datetime]] = {}
    for key, kind, at in (
        TripEvent.objects.filter(vehicle=vehicle, trip_key__in=set(keys.values()))
        .order_by("-at", "-id")
        .values_list("trip_key", "kind", "at")
    ):
        reported.setdefault(key, {})[kind] = at  # the first report of each kind comes last, and stays
    boarding: dict[tuple[str, int, int], tuple[str, datetime]] = {}
    for key, sequence, delegate_id, status, at in (
        PassengerEvent.objects.filter(vehicle=vehicle, trip_key__in=set(keys.values()))
        .order_by("at", "id")
        .values_list("trip_key", "stop_sequence", "delegate_id", "status", "at")
    ):
        boarding[(key, sequence, delegate_id)] = (status, at)  # the last report counts
    riders = [passenger for trip in trips for stop in trip.stops.all() for passenger in stop.passengers.all()]
    flights = _expected_flights(conference, riders)
    liaisons = _liaisons(
        {
            p.movement.delegate.delegation_id if p.movement.delegate_id else p.movement.request.delegation_id
            for p in riders
            if p.action == PassengerAction.BOARD
        }
    )
    days = []
    for trip in trips:
        key = keys[trip.pk]
        driver_stops = []
        for stop in trip.stops.all():
            venue = stop.venue
            shown = DriverStop(
                stop=stop,
                sequence=stop.sequence,
                venue=venue.code,
                name=venue.name,
                kind=venue.kind,
                address=venue.address,
                latitude=venue.latitude,
                longitude=venue.longitude,
                arrive_at=stop.arrive_at,
                depart_at=stop.depart_at,
            )
            for passenger in stop.passengers.all():
                rider = _rider(passenger, conference, flights, liaisons)
                if passenger.action == PassengerAction.BOARD:
                    if passenger.movement.delegate_id:
                        rider.status, rider.reported_at = boarding.get(
                            (key, stop.sequence, passenger.movement.delegate_id), (None, None)
                        )
                    shown.board.append(rider)
                else:
                    shown.alight.append(rider)
            driver_stops.append(shown)
        done = reported.get(key, {})
        days.append(DriverTrip(trip=trip, key=key, state=trip_state(done), reported=done, stops=driver_stops))
    return days


def _rider(passenger: StopPassenger, conference, flights: dict, liaisons: dict) -> Rider:
    movement = passenger.movement
    delegate = movement.delegate
    if passenger.action != PassengerAction.BOARD:
        liaisons = {}
    if delegate is None:  # a delegation's vehicle request
        delegation = movement.request.delegation
        return Rider(
            passenger=passenger,
            action=passenger.action,
            external_id=None,
            name="",
            delegation=delegation.code,
            movement=movement.code,
            kind=movement.kind,
            seats=movement.seats,
            request=movement.request_id,
            liaisons=liaisons.get(delegation.pk, []),
        )
    return Rider(
        passenger=passenger,
        action=passenger.action,
        external_id=delegate.external_id,
        name=delegate.full_name,
        delegation=delegate.delegation.code,
        movement=movement.code,
        kind=movement.kind,
        seats=movement.seats,
        request=None,
        flight=_flight(delegate, movement.kind, conference, flights) if _needs_flight(passenger) else None,
        liaisons=liaisons.get(delegate.delegation_id, []),
    )


def _needs_flight(passenger: StopPassenger) -> bool:
    return FLIGHT_AT.get(passenger.movement.kind) == passenger.action


def _flight(delegate, movement_kind: str, conference, flights: dict) -> RiderFlight | None:
    kind = FLIGHT_OF.get(movement_kind)
    if kind is None:
        return None
    number_field, at_field, _venue = FIELDS[kind]
    number, scheduled_at = getattr(delegate, number_field), getattr(delegate, at_field)
    if not number or scheduled_at is None:
        return None
    expected = flights.get((number, scheduled_at.astimezone(conference.zone).date(), kind))
    return RiderFlight(number=number, kind=kind, scheduled_at=scheduled_at, expected_at=expected)


def _expected_flights(conference, riders: list[StopPassenger]) -> dict[tuple[str, date, str], datetime]:
    """The expected times the desk set on the riders' flights, by (number, scheduled local date, kind): one query."""
    numbers = set()
    for passenger in riders:
        kind = FLIGHT_OF.get(passenger.movement.kind)
        if kind is not None and passenger.movement.delegate_id and _needs_flight(passenger):
            numbers.add(getattr(passenger.movement.delegate, FIELDS[kind][0]))
    numbers.discard("")
    rows = Flight.objects.filter(conference=conference, number__in=numbers, expected_at__isnull=False)
    return {
        (number, day, kind): expected_at
        for number, day, kind, expected_at in rows.values_list("number", "date", "kind", "expected_at")
    }


def _liaisons(delegation_ids: set[int]) -> dict[int, list[Liaison]]:
    """Each delegation's liaisons (active users with the liaison role), by name: one query. Convoy keeps no phone
    number for them; their e-mail address is how to reach them."""
    found: dict[int, list[Liaison]] = {}
    roles = (
        UserRole.objects.filter(role=Role.LIAISON, delegation_id__in=delegation_ids, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    for role in roles:
        user = role.user
        found.setdefault(role.delegation_id, []).append(
            Liaison(name=user.get_full_name() or user.get_username(), email=user.email)
        )
    return found
