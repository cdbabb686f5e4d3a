"""The schedule board and the run sheets: a day's trips per vehicle on a timeline."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, Q

from conference.access import Access
from conference.models import Conference
from conference.selectors.conferences import conference_day_bounds
from logistics.models import (
    Movement,
    Pin,
    Stop,
    StopPassenger,
    Trip,
    Vehicle,
)
from logistics.selectors.airport import movement_flights
from logistics.selectors.pins import conference_pins
from logistics.selectors.schedule import current_version, scoped_movements, trips_filtered

TIMELINE_START_HOUR = 5  # the board's timeline runs from 05:00 to midnight, local time


TIMELINE_END_HOUR = 24


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
    trips = access.scope(Trip.objects.filter(version__conference=conference, version__is_current=True)).filter(
        starts_at__gte=start, starts_at__lt=end
    )
    if vehicle_ids is not None:
        trips = trips.filter(vehicle_id__in=vehicle_ids)
    trips = trips_filtered(trips, kind=kind, venue=venue, delegation=delegation)
    passengers = StopPassenger.objects.select_related(
        "movement__delegate__delegation", "movement__request__delegation"
    ).order_by("action", "movement__delegate__family_name", "movement__code")
    stops = Stop.objects.select_related("venue").prefetch_related(Prefetch("passengers", queryset=passengers))
    found = list(
        trips.select_related("vehicle")
        .prefetch_related(Prefetch("stops", queryset=stops.order_by("sequence")))
        .order_by("starts_at", "code")
    )
    movement_flights(  # an airport pickup shows its flight
        conference=conference,
        movements=[p.movement for trip in found for stop in trip.stops.all() for p in stop.passengers.all()],
    )
    return found


def board_vehicle_days(
    *, access: Access, conference: Conference, day: date, kind: str = "", venue: str = "", delegation: str = ""
) -> list[VehicleDay]:
    """The day's trips per vehicle the user may see, each passenger with its `pin` (None when its leg is not
    pinned). Without a venue or delegation filter every vehicle (of the kind) is listed, idle ones too; with one,
    only vehicles with a matching trip."""
    vehicles = access.scope(Vehicle.objects.filter(conference=conference)).select_related("driver", "depot")
    if kind:
        vehicles = vehicles.filter(kind=kind)
    trips = day_trips(access=access, conference=conference, day=day, kind=kind, venue=venue, delegation=delegation)
    pins = {pin.movement: pin for pin in conference_pins(access=access, conference=conference)}
    by_vehicle: dict[int, list[Trip]] = defaultdict(list)
    for trip in trips:
        by_vehicle[trip.vehicle_id].append(trip)
        for stop in trip.stops.all():
            for passenger in stop.passengers.all():  # the board shows a pinned leg as pinned
                passenger.pin = pins.get(passenger.movement.code)
    day_start, _ = conference_day_bounds(conference=conference, day=day)
    return [
        VehicleDay(vehicle, by_vehicle[vehicle.pk], timeline_bars(trips=by_vehicle[vehicle.pk], day_start=day_start))
        for vehicle in vehicles.order_by("callsign")
        if by_vehicle[vehicle.pk] or not (venue or delegation)
    ]


UNSERVED_SHOWN = 100


@dataclass(frozen=True)
class UnservedMovement:
    movement: Movement
    pin: Pin | None


def board_unserved(
    *, access: Access, conference: Conference, day: date, venue: str = "", delegation: str = ""
) -> tuple[list[UnservedMovement], int]:
    """The movements of the published schedule left unserved whose pickup window touches `day` (local), in time
    order, each with its pin (None when it has none), filtered by a venue code they start or end at and a
    delegation code; the first UNSERVED_SHOWN of them and how many there are. Three queries."""
    start, end = conference_day_bounds(conference=conference, day=day)
    movements = (
        scoped_movements(access=access, version=current_version(conference_id=conference.pk))
        .exclude(unserved_code="")
        .filter(earliest_pickup__lt=end, latest_pickup__gte=start)
    )
    if venue:
        movements = movements.filter(Q(from_venue__code=venue) | Q(to_venue__code=venue))
    if delegation:
        movements = movements.filter(Q(delegate__delegation__code=delegation) | Q(request__delegation__code=delegation))
    shown = list(
        movements.select_related("delegate__delegation", "request__delegation", "from_venue", "to_venue").order_by(
            "earliest_pickup", "code"
        )[:UNSERVED_SHOWN]
    )
    pins = {
        pin.movement: pin
        for pin in conference_pins(access=access, conference=conference).filter(
            movement__in=[movement.code for movement in shown]
        )
    }
    count = len(shown) if len(shown) < UNSERVED_SHOWN else movements.count()
    return [UnservedMovement(movement, pins.get(movement.code)) for movement in shown], count
