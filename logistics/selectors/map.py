"""The live map's data as GeoJSON FeatureCollections (RFC 7946): venues, vehicles and the routes of trips.

Plain functions building plain dicts; the API (`api.views.map`) serialises them compactly. Every
function costs a constant number of queries whatever the number of rows. Coordinates are [longitude, latitude]
rounded to 5 decimals (about a metre); times are ISO 8601 in the conference's time zone."""

import functools
import logging
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from conference.access import Access
from conference.models import Conference, Role, Session, Venue
from delegates.models import Delegate
from logistics.models import Movement, PassengerAction, Stop, StopPassenger, Trip, Vehicle
from logistics.road_routes import osrm_route
from logistics.selectors.schedule import trips_filtered
from scheduling.travel import RoutingServiceError

logger = logging.getLogger(__name__)

COORDINATE_DECIMALS = 5


def position(longitude: Decimal | float, latitude: Decimal | float) -> list[float]:
    """A GeoJSON position: [longitude, latitude], rounded to 5 decimals."""
    return [round(float(longitude), COORDINATE_DECIMALS), round(float(latitude), COORDINATE_DECIMALS)]


def feature_collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


class RoadLines:
    """Lines through stops along the roads when a routing service is configured (ROUTING_SERVICE_URL), else
    straight. Answers are kept per process (a trip's stops rarely change); after one failure in a request the
    rest of that request is drawn straight, so a routing service that is down costs one timeout, not one per trip."""

    def __init__(self, base_url: str | None):
        self.base_url = base_url
        self.broken = False

    def through(self, line: list[list[float]]) -> tuple[list[list[float]], bool]:
        if not self.base_url or self.broken or len(line) < 2 or (line[0] == line[-1] and len(line) == 2):
            return line, False
        try:
            return _road_line(self.base_url, tuple(tuple(point) for point in line)), True
        except RoutingServiceError as error:
            logger.warning("map routes drawn straight: %s", error)
            self.broken = True
            return line, False


@functools.lru_cache(maxsize=20000)
def _road_line(base_url: str, line: tuple[tuple[float, float], ...]) -> list[list[float]]:
    road = osrm_route([(latitude, longitude) for longitude, latitude in line], base_url)
    return [position(longitude, latitude) for longitude, latitude in road]


def _feature(geometry: dict | None, properties: dict) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _point(longitude, latitude) -> dict:
    return {"type": "Point", "coordinates": position(longitude, latitude)}


def _local(conference: Conference, moment: datetime | None) -> str | None:
    return conference.local(moment).isoformat() if moment is not None else None


def _published_trips(access: Access, conference: Conference):
    """Trips of the conference's current (published) version that the user may see: a driver only its vehicle's."""
    return access.scope(Trip.objects.filter(version__conference=conference, version__is_current=True))


# Venues


def map_venues(*, access: Access, conference: Conference, start: datetime, end: datetime) -> dict:
    """Every venue of the conference as a Point, with what happens there in [start, end): the sessions running
    (overlapping the period), the delegates arriving and departing there (a liaison counts only its delegation's),
    and the stops of published trips where someone boards (`pickups`) or alights (`dropoffs`), by the stop's
    arrival time (a driver counts only its vehicle's stops, a liaison only those where someone of its delegation
    boards or alights). Five queries."""
    venues = access.scope(Venue.objects.filter(conference=conference)).order_by("code")

    sessions: dict[int, list[dict]] = defaultdict(list)
    running = Session.objects.filter(conference=conference, starts_at__lt=end, ends_at__gt=start)
    for venue_id, code, title, starts_at in running.order_by("starts_at", "code").values_list(
        "venue_id", "code", "title", "starts_at"
    ):
        sessions[venue_id].append({"code": code, "title": title, "starts_at": _local(conference, starts_at)})

    delegates = Delegate.objects.filter(conference=conference)
    if access.role == Role.LIAISON:
        delegates = delegates.filter(delegation_id=access.delegation_id)
    arrivals = _counts(delegates.filter(arrival_at__gte=start, arrival_at__lt=end), "arrival_venue_id")
    departures = _counts(delegates.filter(departure_at__gte=start, departure_at__lt=end), "departure_venue_id")

    # a driver counts its own vehicle's stops; a liaison the stops where someone of its delegation (a delegate, or
    # a vehicle request of the delegation) boards or alights, by the movements' own scope; the desk roles every stop
    trips = _published_trips(access, conference) if access.role == Role.DRIVER else _all_published(conference)
    passengers = StopPassenger.objects.filter(stop__trip__in=trips, stop__arrive_at__gte=start, stop__arrive_at__lt=end)
    if access.role == Role.LIAISON:
        passengers = passengers.filter(movement__in=access.scope(Movement.objects.all()))
    stops: dict[tuple[int, str], int] = {
        (venue_id, action): count
        for venue_id, action, count in passengers.values_list("stop__venue_id", "action")
        .annotate(count=Count("stop_id", distinct=True))
        .order_by()
    }

    features = [
        _feature(
            _point(venue.longitude, venue.latitude),
            {
                "code": venue.code,
                "name": venue.name,
                "kind": venue.kind,
                "address": venue.address,
                "sessions": sessions.get(venue.pk, []),
                "arrivals": arrivals.get(venue.pk, 0),
                "departures": departures.get(venue.pk, 0),
                "pickups": stops.get((venue.pk, PassengerAction.BOARD), 0),
                "dropoffs": stops.get((venue.pk, PassengerAction.ALIGHT), 0),
            },
        )
        for venue in venues
    ]
    return feature_collection(features)


def _all_published(conference: Conference):
    return Trip.objects.filter(version__conference=conference, version__is_current=True)


def _counts(queryset, field: str) -> dict[int, int]:
    return dict(queryset.values_list(field).annotate(count=Count("pk")).order_by())


# Vehicles


def _trip_summary(conference: Conference, trip: Trip | None) -> dict | None:
    if trip is None:
        return None
    return {
        "code": trip.code,
        "starts_at": _local(conference, trip.starts_at),
        "ends_at": _local(conference, trip.ends_at),
        "first_stop": trip.first_stop,
        "last_stop": trip.last_stop,
    }


def map_vehicles(
    *, access: Access, conference: Conference, now: datetime, stale_after: timedelta, kind: str = "", status: str = ""
) -> dict:
    """Every vehicle the user may see (a driver: its own) as a Point at its last reported position, or at its depot
    when none is known (`at_depot`), with its driver, whether the position is `stale` (older than `stale_after`),
    and its current and next trip of the published schedule relative to `now`. Two queries."""
    vehicles = access.scope(Vehicle.objects.filter(conference=conference)).select_related("depot", "driver")
    if kind:
        vehicles = vehicles.filter(kind=kind)
    if status:
        vehicles = vehicles.filter(status=status)
    own_trips = _all_published(conference).filter(vehicle_id=OuterRef("pk"))
    current = own_trips.filter(starts_at__lte=now, ends_at__gt=now).order_by("-starts_at", "-code")
    upcoming = own_trips.filter(starts_at__gt=now).order_by("starts_at", "code")
    vehicles = list(
        vehicles.annotate(
            current_trip_id=Subquery(current.values("pk")[:1]),
            next_trip_id=Subquery(upcoming.values("pk")[:1]),
        ).order_by("callsign")
    )
    wanted = {pk for vehicle in vehicles for pk in (vehicle.current_trip_id, vehicle.next_trip_id) if pk}
    trips = {trip.pk: trip for trip in _with_ends(Trip.objects.filter(pk__in=wanted))} if wanted else {}

    features = []
    for vehicle in vehicles:
        driver = getattr(vehicle, "driver", None)
        at_depot = vehicle.last_position_at is None
        if at_depot:
            geometry = _point(vehicle.depot.longitude, vehicle.depot.latitude)
        else:
            geometry = _point(vehicle.last_longitude, vehicle.last_latitude)
        features.append(
            _feature(
                geometry,
                {
                    "callsign": vehicle.callsign,
                    "kind": vehicle.kind,
                    "seats": vehicle.seats,
                    "status": vehicle.status,
                    "driver": driver.name if driver else None,
                    "phone": (driver.phone or None) if driver else None,
                    "position_at": _local(conference, vehicle.last_position_at),
                    "at_depot": at_depot,
                    "stale": not at_depot and now - vehicle.last_position_at > stale_after,
                    "current_trip": _trip_summary(conference, trips.get(vehicle.current_trip_id)),
                    "next_trip": _trip_summary(conference, trips.get(vehicle.next_trip_id)),
                },
            )
        )
    return feature_collection(features)


def _with_ends(trips):
    """Trips annotated with the venue codes of their first and last stop."""
    stops = Stop.objects.filter(trip_id=OuterRef("pk"))
    return trips.annotate(
        first_stop=Subquery(stops.order_by("sequence").values("venue__code")[:1]),
        last_stop=Subquery(stops.order_by("-sequence").values("venue__code")[:1]),
    )


# Routes


def map_routes(
    *,
    access: Access,
    conference: Conference,
    start: datetime,
    end: datetime,
    kind: str = "",
    status: str = "",
    vehicle: str = "",
    venue: str = "",
    delegation: str = "",
    delegate: str = "",
) -> dict:
    """Every trip of the published schedule overlapping [start, end) that the user may see (a driver: its
    vehicle's) as a LineString through its stops' venues, in stop order (straight segments), with the stops and
    the seats boarding and alighting at each. Filters: vehicle kind and status, vehicle callsign, a venue code the
    trip stops at, a delegation code or a delegate's external id with someone on board. Two queries."""
    trips = _published_trips(access, conference).filter(starts_at__lt=end, ends_at__gt=start)
    trips = trips_filtered(
        trips, kind=kind, status=status, vehicle=vehicle, venue=venue, delegation=delegation, delegate=delegate
    )
    seats = {
        action: Coalesce(
            Sum("passengers__movement__seats", filter=Q(passengers__action=action)),
            Value(0),
            output_field=IntegerField(),
        )
        for action in (PassengerAction.BOARD, PassengerAction.ALIGHT)
    }
    stops: dict[int, list[Stop]] = defaultdict(list)
    trips = list(trips.select_related("vehicle").order_by("starts_at", "code"))
    rows = (
        Stop.objects.filter(trip_id__in=[trip.pk for trip in trips])
        .annotate(
            board=seats[PassengerAction.BOARD],
            alight=seats[PassengerAction.ALIGHT],
            venue_code=F("venue__code"),
            venue_name=F("venue__name"),
            venue_longitude=F("venue__longitude"),
            venue_latitude=F("venue__latitude"),
        )
        .order_by("trip_id", "sequence")
        if trips
        else []
    )
    for stop in rows:
        stops[stop.trip_id].append(stop)

    features = []
    roads = RoadLines(settings.ROUTING_SERVICE_URL)
    for trip in trips:
        line = [position(stop.venue_longitude, stop.venue_latitude) for stop in stops[trip.pk]]
        if len(line) == 1:  # a LineString needs two positions
            line.append(line[0])
        line, on_roads = roads.through(line)
        features.append(
            _feature(
                {"type": "LineString", "coordinates": line} if line else None,
                {
                    "trip": trip.code,
                    "id": trip.pk,
                    "roads": on_roads,
                    "vehicle": trip.vehicle.callsign,
                    "kind": trip.vehicle.kind,
                    "status": trip.vehicle.status,
                    "starts_at": _local(conference, trip.starts_at),
                    "ends_at": _local(conference, trip.ends_at),
                    "stops": [
                        {
                            "sequence": stop.sequence,
                            "venue": stop.venue_code,
                            "name": stop.venue_name,
                            "arrive_at": _local(conference, stop.arrive_at),
                            "depart_at": _local(conference, stop.depart_at),
                            "board": stop.board,
                            "alight": stop.alight,
                        }
                        for stop in stops[trip.pk]
                    ],
                },
            )
        )
    return feature_collection(features)
