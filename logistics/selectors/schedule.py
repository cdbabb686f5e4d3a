"""The published schedule: the current version, its legs and trips, the runs that made it, and the export."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q

from conference.access import Access
from conference.models import Conference
from logistics.models import (
    Driver,
    Movement,
    PassengerAction,
    ScheduleRun,
    ScheduleVersion,
    Stop,
    StopPassenger,
    Trip,
    Vehicle,
)
from logistics.scheduler_adapter import published_schedule
from scheduling.model import Unserved


def current_version(*, conference_id: int) -> ScheduleVersion | None:
    """The published version; its changes, which can be large, are read when asked for (see selectors.changes)."""
    return ScheduleVersion.objects.filter(conference_id=conference_id, is_current=True).defer("changes").first()


@dataclass(frozen=True)
class Leg:
    """A movement of the published schedule with the stops that serve it (None when unserved)."""

    movement: Movement
    pickup: Stop | None
    dropoff: Stop | None

    @property
    def pickup_at(self):
        return self.pickup.arrive_at if self.pickup else self.movement.earliest_pickup

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

    @property
    def delegation(self):
        movement = self.movement
        return movement.delegate.delegation if movement.delegate_id else movement.request.delegation


def scoped_movements(*, access: Access, version: ScheduleVersion | None):
    """The version's movements the user may see: a liaison only its delegation's, delegates and requests alike."""
    if version is None:
        return Movement.objects.none()
    return access.scope(Movement.objects.filter(version=version))


def legs_of(movements) -> list[Leg]:
    """The movements with their pickup and drop-off stops, vehicles, drivers and passengers' delegations: two
    queries."""
    stops = StopPassenger.objects.select_related("stop__venue", "stop__trip__vehicle__driver")
    legs = []
    for movement in movements.select_related(
        "delegate__delegation", "request__delegation", "from_venue", "to_venue", "session"
    ).prefetch_related(Prefetch("stop_passengers", queryset=stops)):
        done = {passenger.action: passenger.stop for passenger in movement.stop_passengers.all()}
        legs.append(Leg(movement, done.get(PassengerAction.BOARD), done.get(PassengerAction.ALIGHT)))
    return legs


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


RUNS_SHOWN = 10


def recent_runs(*, access: Access, conference: Conference) -> list[ScheduleRun]:
    """The conference's last recomputes, newest first (desk roles only: others see none)."""
    runs = access.scope(ScheduleRun.objects.filter(conference=conference))
    return list(runs.select_related("version", "triggered_by")[:RUNS_SHOWN])


def schedule_export(*, conference: Conference) -> dict | None:
    """The contract's JSON for the current version, or None when nothing is published yet."""
    version = ScheduleVersion.objects.filter(conference=conference, is_current=True).first()
    if version is None:
        return None
    schedule = published_schedule(conference=conference, version=version)
    zone = conference.zone
    movements = {m.id: m for m in schedule.movements}

    def stop_json(stop) -> dict:
        row = {
            "venue": stop.place,
            "arrive_at": stop.arrive_at.astimezone(zone).isoformat(),
            "depart_at": stop.depart_at.astimezone(zone).isoformat(),
            "board": [],
            "alight": [],
        }
        for action, codes in (("board", stop.board), ("alight", stop.alight)):
            for code in codes:
                movement = movements[code]
                if movement.ride is None:
                    row[action].append(movement.passenger)
                else:  # an approved vehicle request has no delegate: listed beside the contract's fields
                    row.setdefault(f"{action}_requests", []).append(movement.ride)
        return row

    unserved = [_unserved(u) for u in schedule.unserved]  # movements not served, then sessions skipped
    return {
        "conference": conference.code,
        "version": version.number,
        "computed_at": version.computed_at.astimezone(zone).isoformat(),
        "trips": [
            {"id": trip.id, "vehicle": trip.vehicle, "stops": [stop_json(stop) for stop in trip.stops]}
            for trip in schedule.trips
        ],
        "unserved": unserved,
    }


def _unserved(unserved: Unserved) -> dict:
    entry = {"delegate": unserved.passenger, "from": unserved.origin, "to": unserved.destination}
    entry |= {"reason": str(unserved.reason), "code": unserved.reason.code}
    return {**entry, "session": unserved.session} if unserved.movement is None else entry
