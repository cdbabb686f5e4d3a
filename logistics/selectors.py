from collections import defaultdict
from dataclasses import dataclass

from conference.models import Conference, Session, Venue
from conference.selectors import conference_movement_rules
from delegates.models import Attendance, Delegate
from logistics.models import (
    Driver,
    Movement,
    PassengerAction,
    RequestKind,
    RequestStatus,
    ResourceRequest,
    ScheduleVersion,
    Stop,
    StopPassenger,
    Trip,
    Vehicle,
)
from logistics.scheduling.model import Car, Event, Person, Ride, Scenario, Schedule, Unserved
from logistics.scheduling.model import Movement as PlainMovement
from logistics.scheduling.model import Stop as PlainStop
from logistics.scheduling.model import Trip as PlainTrip


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
