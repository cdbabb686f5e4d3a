from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, Q

from conference.access import Access
from conference.models import Conference, Role, Session, Venue
from conference.selectors import conference_day_bounds, conference_movement_rules
from delegates.models import Attendance, Delegate
from logistics.models import (
    Driver,
    Movement,
    MovementKind,
    PassengerAction,
    RequestKind,
    RequestStatus,
    ResourceRequest,
    ScheduleRun,
    ScheduleVersion,
    Stop,
    StopPassenger,
    Trip,
    Vehicle,
    VehicleStatus,
)
from scheduling.model import Car, Event, Person, Ride, Scenario, Schedule, Unserved
from scheduling.model import Movement as PlainMovement
from scheduling.model import Stop as PlainStop
from scheduling.model import Trip as PlainTrip


def scheduling_scenario(*, conference: Conference) -> Scenario:
    """Everything the scheduler needs about a conference, as plain data."""
    venues = {venue.pk: venue for venue in Venue.objects.filter(conference=conference)}
    code = {pk: venue.code for pk, venue in venues.items()}
    delegates = Delegate.objects.filter(conference=conference).select_related("delegation").order_by("external_id")
    people = [
        Person(
            id=d.external_id,
            delegation=d.delegation.code,
            hotel=code[d.hotel_id],
            vip=d.vip,
            separate=d.delegation.separate_transport,
            accessible=d.accessible_vehicle,
            arrival_at=d.arrival_at,
            arrival_place=code.get(d.arrival_venue_id),
            departure_at=d.departure_at,
            departure_place=code.get(d.departure_venue_id),
        )
        for d in delegates
    ]
    events = [
        Event(s.code, code[s.venue_id], s.starts_at, s.ends_at)
        for s in Session.objects.filter(conference=conference).order_by("starts_at", "code")
    ]
    attendance: dict[str, list[str]] = defaultdict(list)
    rows = Attendance.objects.filter(delegate__conference=conference).values_list(
        "delegate__external_id", "session__code"
    )
    for external_id, session_code in rows.order_by("delegate__external_id", "session__code"):
        attendance[external_id].append(session_code)
    cars = [
        Car(v.callsign, v.seats, code[v.depot_id], v.armoured, v.accessible, v.available_from, v.available_until)
        for v in Vehicle.objects.filter(conference=conference).exclude(status="out_of_service").order_by("callsign")
    ]
    requests = ResourceRequest.objects.filter(
        conference=conference, kind=RequestKind.VEHICLE, status=RequestStatus.APPROVED
    ).select_related("delegation")
    rides = [
        Ride(
            id=f"REQ-{r.pk}",
            delegation=r.delegation.code,
            origin=code[r.from_venue_id],
            destination=code[r.to_venue_id],
            window_start=r.window_start,
            window_end=r.window_end,
            seats=r.seats or 1,
        )
        for r in requests.order_by("pk")
    ]
    return Scenario(
        rules=conference_movement_rules(conference=conference),
        zone=conference.zone,
        places={v.code: (float(v.latitude), float(v.longitude)) for v in venues.values()},
        people=people,
        events=events,
        attendance=dict(attendance),
        cars=cars,
        rides=rides,
    )


def published_schedule(*, conference: Conference, version: ScheduleVersion | None = None) -> Schedule | None:
    """The current version (or the one given) as the scheduler's plain data, read back from the database."""
    version = version or ScheduleVersion.objects.filter(conference=conference, is_current=True).first()
    if version is None:
        return None
    rows = Movement.objects.filter(version=version).select_related(
        "delegate__delegation", "request__delegation", "from_venue", "to_venue", "session"
    )
    movements, unserved = [], []
    for row in rows.order_by("earliest_pickup", "code"):
        person = row.delegate
        movement = PlainMovement(
            id=row.code,
            kind=row.kind,
            passenger=person.external_id if person else f"REQ-{row.request_id}",
            delegation=(person or row.request).delegation.code,
            origin=row.from_venue.code,
            destination=row.to_venue.code,
            earliest_pickup=row.earliest_pickup,
            latest_pickup=row.latest_pickup,
            earliest_dropoff=row.earliest_dropoff,
            latest_dropoff=row.latest_dropoff,
            seats=row.seats,
            vip=bool(person and person.vip),
            separate=person.delegation.separate_transport if person else True,
            accessible=bool(person and person.accessible_vehicle),
            session=row.session.code if row.session else None,
            ride=None if person else f"REQ-{row.request_id}",
        )
        movements.append(movement)
        if row.unserved_reason:
            unserved.append(
                Unserved(movement.id, movement.passenger, movement.origin, movement.destination, row.unserved_reason)
            )
    codes = dict(Movement.objects.filter(version=version).values_list("pk", "code"))
    actions: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"board": [], "alight": []})
    passengers = StopPassenger.objects.filter(stop__trip__version=version).order_by("movement__code")
    for stop_id, movement_id, action in passengers.values_list("stop_id", "movement_id", "action"):
        actions[stop_id][action].append(codes[movement_id])
    stops: dict[int, list[PlainStop]] = defaultdict(list)
    stop_rows = Stop.objects.filter(trip__version=version).order_by("trip_id", "sequence")
    for stop_id, trip_id, place, arrive_at, depart_at in stop_rows.values_list(
        "pk", "trip_id", "venue__code", "arrive_at", "depart_at"
    ):
        done = actions.get(stop_id, {"board": [], "alight": []})
        stops[trip_id].append(PlainStop(place, arrive_at, depart_at, tuple(done["board"]), tuple(done["alight"])))
    trips = [
        PlainTrip(code, callsign, tuple(stops[pk]))
        for pk, code, callsign in Trip.objects.filter(version=version)
        .order_by("starts_at", "code")
        .values_list("pk", "code", "vehicle__callsign")
    ]
    return Schedule(trips=trips, movements=movements, unserved=unserved, metrics=version.metrics)


@dataclass(frozen=True)
class Leg:
    """One movement of a delegate's itinerary, with the ride that serves it (None when unserved)."""

    movement: Movement
    pickup: Stop | None
    dropoff: Stop | None

    @property
    def trip(self) -> Trip | None:
        return self.pickup.trip if self.pickup else None

    @property
    def vehicle(self) -> Vehicle | None:
        return self.pickup.trip.vehicle if self.pickup else None

    @property
    def driver(self) -> Driver | None:
        vehicle = self.vehicle
        return getattr(vehicle, "driver", None) if vehicle else None


def current_version(*, conference_id: int) -> ScheduleVersion | None:
    return ScheduleVersion.objects.filter(conference_id=conference_id, is_current=True).first()


def itinerary_legs(*, version: ScheduleVersion | None, delegate_ids: list[int]) -> dict[int, list[Leg]]:
    """The published movements of these delegates in time order, each with its pickup and drop-off stop.
    Three queries, however many delegates and movements."""
    legs: dict[int, list[Leg]] = {pk: [] for pk in delegate_ids}
    if version is None or not delegate_ids:
        return legs
    movements = list(
        Movement.objects.filter(version=version, delegate_id__in=delegate_ids)
        .select_related("from_venue", "to_venue", "session__venue")
        .order_by("earliest_pickup", "code")
    )
    stops: dict[tuple[int, str], Stop] = {}
    rows = StopPassenger.objects.filter(movement__in=[m.pk for m in movements]).select_related(
        "stop__venue", "stop__trip__vehicle__driver"
    )
    for row in rows:
        stops[row.movement_id, row.action] = row.stop
    for movement in movements:
        pickup = stops.get((movement.pk, PassengerAction.BOARD))
        dropoff = stops.get((movement.pk, PassengerAction.ALIGHT))
        legs[movement.delegate_id].append(Leg(movement, pickup, dropoff))
    for delegate_legs in legs.values():
        delegate_legs.sort(key=lambda leg: leg.pickup.arrive_at if leg.pickup else leg.movement.earliest_pickup)
    return legs


def skipped_sessions(*, version: ScheduleVersion | None, external_ids: set[str]) -> dict[str, list[dict]]:
    """Sessions the published version could not take these delegates to, with the reason."""
    found: dict[str, list[dict]] = defaultdict(list)
    for row in version.skipped if version else []:
        if row["delegate"] in external_ids:
            found[row["delegate"]].append(row)
    return found


# The desk pages: dashboard, schedule board and run sheets. Every read goes through the user's access.

TIMELINE_START_HOUR = 5  # the board's timeline runs from 05:00 to midnight, local time
TIMELINE_END_HOUR = 24


@dataclass(frozen=True)
class MovementRow:
    """A movement of the published schedule with the stops that serve it (None when unserved)."""

    movement: Movement
    pickup: Stop | None
    dropoff: Stop | None

    @property
    def pickup_at(self):
        return self.pickup.arrive_at if self.pickup else self.movement.earliest_pickup

    @property
    def vehicle(self) -> Vehicle | None:
        return self.pickup.trip.vehicle if self.pickup else None

    @property
    def delegation(self):
        movement = self.movement
        return movement.delegate.delegation if movement.delegate_id else movement.request.delegation


def scoped_movements(*, access: Access, version: ScheduleVersion | None):
    """The version's movements the user may see: a liaison only its delegation's, delegates and requests alike."""
    if version is None:
        return Movement.objects.none()
    movements = Movement.objects.filter(version=version)
    by_delegate = access.scope(movements, conference="version__conference_id", delegation="delegate__delegation_id")
    if access.role != Role.LIAISON:
        return by_delegate
    return by_delegate | access.scope(movements, conference="version__conference_id", delegation="request__delegation")


def movement_rows(movements) -> list[MovementRow]:
    """The movements with their pickup and drop-off stops, vehicles and passengers' delegations: two queries."""
    stops = StopPassenger.objects.select_related("stop__venue", "stop__trip__vehicle")
    rows = []
    for movement in movements.select_related(
        "delegate__delegation", "request__delegation", "from_venue", "to_venue", "session"
    ).prefetch_related(Prefetch("stop_passengers", queryset=stops)):
        done = {passenger.action: passenger.stop for passenger in movement.stop_passengers.all()}
        rows.append(MovementRow(movement, done.get(PassengerAction.BOARD), done.get(PassengerAction.ALIGHT)))
    return rows


@dataclass(frozen=True)
class Dashboard:
    day: date
    at: datetime
    until: datetime
    version: ScheduleVersion | None
    arrivals: list[MovementRow]
    departures: list[MovementRow]
    upcoming: list[MovementRow]
    unserved: list[MovementRow]
    unserved_count: int
    fleet: list[tuple[str, str, list[Vehicle]]] | None  # (status, label, vehicles); None: the role sees no fleet
    pending_requests: list[ResourceRequest]
    last_run: ScheduleRun | None


UNSERVED_SHOWN = 100
UPCOMING_HOURS = 2


def dashboard(*, access: Access, conference: Conference, day: date, at: datetime) -> Dashboard:
    """What the desk needs at a glance on `day`, with the movements of the two hours after `at`. A constant number
    of queries: the movements of each list with their stops (two each), the fleet, the requests, the last run."""
    version = current_version(conference_id=conference.pk)
    movements = scoped_movements(access=access, version=version)
    start, end = conference_day_bounds(conference=conference, day=day)
    kinds = [MovementKind.ARRIVAL, MovementKind.DEPARTURE]
    of_day = movement_rows(
        movements.filter(kind__in=kinds, earliest_pickup__gte=start, earliest_pickup__lt=end).order_by(
            "earliest_pickup", "code"
        )
    )
    until = at + timedelta(hours=UPCOMING_HOURS)
    # a scheduled pickup lies within the pickup window, so the window narrows the candidates in the database
    candidates = movement_rows(movements.filter(latest_pickup__gte=at, earliest_pickup__lt=until))
    upcoming = sorted((row for row in candidates if at <= row.pickup_at < until), key=lambda row: row.pickup_at)
    unserved = movements.exclude(unserved_reason="").order_by("earliest_pickup", "code")
    fleet = None
    if access.role != Role.LIAISON:
        vehicles = access.scope(
            Vehicle.objects.filter(conference=conference), conference="conference_id", vehicle="pk"
        ).order_by("callsign")
        by_status: dict[str, list[Vehicle]] = defaultdict(list)
        for vehicle in vehicles:
            by_status[vehicle.status].append(vehicle)
        fleet = [(status, label, by_status[status]) for status, label in VehicleStatus.choices if by_status[status]]
    requests = access.scope(
        ResourceRequest.objects.filter(conference=conference, status=RequestStatus.SUBMITTED),
        conference="conference_id",
        delegation="delegation_id",
    ).select_related("delegation", "from_venue", "to_venue")
    last_run = (
        access.scope(ScheduleRun.objects.filter(conference=conference), conference="conference_id")
        .select_related("version")
        .first()
    )
    return Dashboard(
        day=day,
        at=at,
        until=until,
        version=version,
        arrivals=[row for row in of_day if row.movement.kind == MovementKind.ARRIVAL],
        departures=[row for row in of_day if row.movement.kind == MovementKind.DEPARTURE],
        upcoming=upcoming,
        unserved=movement_rows(unserved[:UNSERVED_SHOWN]),
        unserved_count=unserved.count(),
        fleet=fleet,
        pending_requests=list(requests.order_by("window_start", "id")),
        last_run=last_run,
    )


@dataclass(frozen=True)
class TimelineBar:
    trip: Trip
    left: float  # percent of the timeline
    width: float


@dataclass(frozen=True)
class VehicleDay:
    vehicle: Vehicle
    trips: list[Trip]
    bars: list[TimelineBar]


def _percent_of_timeline(moment: datetime, day_start: datetime) -> float:
    hours = (moment - day_start).total_seconds() / 3600
    span = TIMELINE_END_HOUR - TIMELINE_START_HOUR
    return min(max((hours - TIMELINE_START_HOUR) / span * 100, 0.0), 100.0)


def timeline_bars(*, trips: list[Trip], day_start: datetime) -> list[TimelineBar]:
    """Where each trip sits on a 05:00-24:00 timeline of its day, in percent (at least a sliver wide)."""
    bars = []
    for trip in trips:
        left = _percent_of_timeline(trip.starts_at, day_start)
        right = _percent_of_timeline(trip.ends_at, day_start)
        bars.append(TimelineBar(trip, round(left, 2), round(max(right - left, 0.4), 2)))
    return bars


def trips_filtered(
    trips,
    *,
    kind: str = "",
    status: str = "",
    vehicle: str = "",
    venue: str = "",
    delegation: str = "",
    delegate: str = "",
):
    """Trips narrowed by vehicle kind, status and callsign, a venue code they stop at, and a delegation code or a
    delegate's external id with someone on board. Empty filters are left out."""
    for value, lookup in ((kind, "vehicle__kind"), (status, "vehicle__status"), (vehicle, "vehicle__callsign")):
        if value:
            trips = trips.filter(**{lookup: value})
    if venue:
        trips = trips.filter(pk__in=Stop.objects.filter(venue__code=venue).values("trip_id"))
    if delegation:
        aboard = StopPassenger.objects.filter(
            Q(movement__delegate__delegation__code=delegation) | Q(movement__request__delegation__code=delegation)
        )
        trips = trips.filter(pk__in=aboard.values("stop__trip_id"))
    if delegate:
        aboard = StopPassenger.objects.filter(movement__delegate__external_id=delegate)
        trips = trips.filter(pk__in=aboard.values("stop__trip_id"))
    return trips


def day_trips(
    *,
    access: Access,
    conference: Conference,
    day: date,
    vehicle_ids: list[int] | None = None,
    kind: str = "",
    venue: str = "",
    delegation: str = "",
) -> list[Trip]:
    """Trips of the published schedule starting on `day` (local), in time order, with their stops, venues and
    passengers (with delegations): four queries whatever the number of trips. Filters: vehicle kind, a venue
    code the trip stops at, a delegation code with someone on board."""
    start, end = conference_day_bounds(conference=conference, day=day)
    trips = access.scope(
        Trip.objects.filter(version__conference=conference, version__is_current=True),
        conference="version__conference_id",
        vehicle="vehicle_id",
    ).filter(starts_at__gte=start, starts_at__lt=end)
    if vehicle_ids is not None:
        trips = trips.filter(vehicle_id__in=vehicle_ids)
    trips = trips_filtered(trips, kind=kind, venue=venue, delegation=delegation)
    passengers = StopPassenger.objects.select_related(
        "movement__delegate__delegation", "movement__request__delegation"
    ).order_by("action", "movement__delegate__family_name", "movement__code")
    stops = Stop.objects.select_related("venue").prefetch_related(Prefetch("passengers", queryset=passengers))
    return list(
        trips.select_related("vehicle")
        .prefetch_related(Prefetch("stops", queryset=stops.order_by("sequence")))
        .order_by("starts_at", "code")
    )


def board(
    *, access: Access, conference: Conference, day: date, kind: str = "", venue: str = "", delegation: str = ""
) -> list[VehicleDay]:
    """The day's trips per vehicle the user may see. Without a venue or delegation filter every vehicle (of the
    kind) is listed, idle ones too; with one, only vehicles with a matching trip."""
    vehicles = access.scope(
        Vehicle.objects.filter(conference=conference), conference="conference_id", vehicle="pk"
    ).select_related("driver", "depot")
    if kind:
        vehicles = vehicles.filter(kind=kind)
    trips = day_trips(access=access, conference=conference, day=day, kind=kind, venue=venue, delegation=delegation)
    by_vehicle: dict[int, list[Trip]] = defaultdict(list)
    for trip in trips:
        by_vehicle[trip.vehicle_id].append(trip)
    day_start, _ = conference_day_bounds(conference=conference, day=day)
    return [
        VehicleDay(vehicle, by_vehicle[vehicle.pk], timeline_bars(trips=by_vehicle[vehicle.pk], day_start=day_start))
        for vehicle in vehicles.order_by("callsign")
        if by_vehicle[vehicle.pk] or not (venue or delegation)
    ]


RUNS_SHOWN = 10


def recent_runs(*, access: Access, conference: Conference) -> list[ScheduleRun]:
    """The conference's last recomputes, newest first (desk roles only: others see none)."""
    runs = access.scope(ScheduleRun.objects.filter(conference=conference), conference="conference_id")
    return list(runs.select_related("version", "triggered_by")[:RUNS_SHOWN])
