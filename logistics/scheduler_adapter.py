"""The one adapter between the database and the scheduler: a conference as the scheduler's plain Scenario, a
published version read back as a plain Schedule, and a computed Schedule written as a new version."""

import dataclasses
import hashlib
import json
import time
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from conference.models import Conference, Session, Venue
from conference.selectors.conferences import conference_movement_rules
from delegates.models import Attendance, Delegate
from delegates.selectors.flights import flight_shifts
from logistics.models import (
    Movement,
    MovementCancellation,
    PassengerAction,
    Pin,
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
from scheduling.changes import schedule_changes
from scheduling.model import Car, Event, Person, Ride, Scenario, Schedule, Unserved
from scheduling.model import Movement as PlainMovement
from scheduling.model import Pin as PlainPin
from scheduling.model import Stop as PlainStop
from scheduling.model import Trip as PlainTrip
from scheduling.planner import PlanOptions, Prepared, prepare
from scheduling.reasons import Reason
from scheduling.replan import Live
from scheduling.travel import TravelMatrix, formula_matrix, osrm_matrix


def scheduling_scenario(*, conference: Conference) -> Scenario:
    """Everything the scheduler needs about a conference, as plain data."""
    venues = {venue.pk: venue for venue in Venue.objects.filter(conference=conference)}
    code = {pk: venue.code for pk, venue in venues.items()}
    delegates = Delegate.objects.filter(conference=conference).select_related("delegation").order_by("external_id")
    shifts = flight_shifts(conference=conference)  # expected flight times move arrivals and departures
    people = [
        Person(
            id=d.external_id,
            delegation=d.delegation.code,
            hotel=code[d.hotel_id],
            vip=d.vip,
            separate=d.delegation.separate_transport,
            accessible=d.accessible_vehicle,
            arrival_at=d.arrival_at and d.arrival_at + shifts[(d.external_id, "arrival")],
            arrival_place=code.get(d.arrival_venue_id),
            departure_at=d.departure_at and d.departure_at + shifts[(d.external_id, "departure")],
            departure_place=code.get(d.departure_venue_id),
            dedicated_vehicle=d.dedicated_vehicle or None,
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
        Car(
            v.callsign,
            v.seats,
            code[v.depot_id],
            v.armoured,
            v.accessible,
            *service_window(v),
            out_of_service=v.status == VehicleStatus.OUT_OF_SERVICE,
        )
        for v in Vehicle.objects.filter(conference=conference).select_related("driver").order_by("callsign")
    ]
    pins = [
        PlainPin(movement, callsign, pickup_at)
        for movement, callsign, pickup_at in Pin.objects.filter(conference=conference)
        .order_by("movement")
        .values_list("movement", "vehicle__callsign", "pickup_at")
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
        pins=pins,
        cancelled=frozenset(
            MovementCancellation.objects.filter(conference=conference).values_list("movement", flat=True)
        ),
    )


def service_window(vehicle: Vehicle) -> tuple[datetime | None, datetime | None]:
    """When the vehicle may serve: its availability, narrowed to its driver's shift (the later start, the earlier
    end; a bound not given leaves the other's). A window that ends before it starts has the vehicle serve nothing."""
    starts, ends = vehicle.available_from, vehicle.available_until
    driver = getattr(vehicle, "driver", None)
    if driver is not None:
        if driver.shift_from is not None:
            starts = driver.shift_from if starts is None else max(starts, driver.shift_from)
        if driver.shift_until is not None:
            ends = driver.shift_until if ends is None else min(ends, driver.shift_until)
    return starts, ends


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
        if row.unserved_code:
            reason = Reason(row.unserved_code, row.unserved_params)
            unserved.append(Unserved(movement.id, movement.passenger, movement.origin, movement.destination, reason))
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
    unserved += [
        Unserved(None, row["delegate"], row.get("from"), row["to"], stored_reason(row), session=row["session"])
        for row in version.skipped
    ]
    trips = [
        PlainTrip(code, callsign, tuple(stops[pk]))
        for pk, code, callsign in Trip.objects.filter(version=version)
        .order_by("starts_at", "code")
        .values_list("pk", "code", "vehicle__callsign")
    ]
    return Schedule(trips=trips, movements=movements, unserved=unserved, metrics=version.metrics)


def travel_matrix_for(places: dict, rules) -> TravelMatrix:
    if settings.ROUTING_SERVICE_URL:
        return osrm_matrix(places, settings.ROUTING_SERVICE_URL)
    return formula_matrix(places, rules)


def scheduling_problem(
    *, conference: Conference, as_of: datetime | None = None, from_scratch: bool = False
) -> tuple[Prepared, str]:
    """The conference's inputs prepared for the planner, and their fingerprint (a run with the same one is a no-op).

    With a published version the run re-plans from it at the clock `as_of` (scheduling/replan.py); the
    fingerprint leaves out the clock and the published version: a run whose inputs did not change has nothing to
    re-plan, whatever the time."""
    scenario = scheduling_scenario(conference=conference)
    matrix = travel_matrix_for(scenario.places, scenario.rules)
    options = PlanOptions()
    published = ScheduleVersion.objects.filter(conference=conference, is_current=True).defer("changes").first()
    previous = published_schedule(conference=conference, version=published) if published else None
    clock = as_of or settings.SCHEDULE_CLOCK or timezone.now()
    live = Live(clock, timedelta(minutes=conference.freeze_minutes), from_scratch)
    prepared = prepare(scenario, options, matrix, previous=previous, live=live)
    prepared.previous_version = published.number if published else None
    fingerprint = json.dumps(
        {
            # a set would print in an order of its own from process to process
            "scenario": dataclasses.asdict(
                dataclasses.replace(scenario, zone=None, cancelled=sorted(scenario.cancelled))
            ),
            "zone": str(scenario.zone),
            "matrix": matrix.to_dict(),
            "options": options.to_dict(),
        },
        sort_keys=True,
        default=str,
    )
    return prepared, hashlib.sha256(fingerprint.encode()).hexdigest()


WRITE_BATCH = 1000  # rows per insert: each its own short transaction, so readers and other writers never wait long
SQLITE_WRITE_PAUSE = 0.05  # seconds: longer than SQLite's busy-wait steps, so a waiting writer gets its turn


def version_write(
    *, conference: Conference, run: ScheduleRun, schedule: Schedule, known: tuple[int, Schedule] | None = None
) -> ScheduleVersion:
    """The computed schedule as a new version of the conference, with its movements, trips, stops and boardings,
    written in short batches and not yet current: `version_make_current` publishes it in one short transaction
    (a version that is never made current is deleted by the caller). It records what changed against the version
    published now (`changes`, see scheduling.changes, with `since_version`: that version's number, None at first).
    `known`: (number, schedule) of the version the run re-planned from, read again only if another is current now."""
    published = ScheduleVersion.objects.filter(conference=conference, is_current=True).defer("changes").first()
    if published and known and known[0] == published.number:
        previous = known[1]
    else:
        previous = published_schedule(conference=conference, version=published) if published else None
    changes = schedule_changes(previous, schedule, zone=conference.zone)
    changes["since_version"] = published.number if published else None
    with transaction.atomic():  # the conference's lock makes version numbers of concurrent runs distinct
        Conference.objects.select_for_update().filter(pk=conference.pk).exists()
        top = ScheduleVersion.objects.filter(conference=conference).aggregate(top=Max("number"))["top"]
        version = ScheduleVersion.objects.create(
            conference=conference,
            number=(top or 0) + 1,
            run=run,
            computed_at=timezone.now(),
            is_current=False,
            input_hash=run.input_hash,
            metrics=schedule.metrics,
            skipped=_skipped(schedule),
            changes=changes,
            as_of=run.as_of,
        )
    delegates = dict(Delegate.objects.filter(conference=conference).values_list("external_id", "pk"))
    venues = dict(Venue.objects.filter(conference=conference).values_list("code", "pk"))
    sessions = dict(Session.objects.filter(conference=conference).values_list("code", "pk"))
    vehicles = dict(Vehicle.objects.filter(conference=conference).values_list("callsign", "pk"))
    requests = {
        f"REQ-{pk}": pk for pk in ResourceRequest.objects.filter(conference=conference).values_list("pk", flat=True)
    }
    rows = {m.id for m in schedule.movements}
    reasons = {u.movement: u.reason for u in schedule.unserved if u.movement in rows}
    movement_rows = _in_batches(
        Movement,
        [
            Movement(
                version=version,
                code=m.id,
                delegate_id=delegates.get(m.passenger) if m.ride is None else None,
                request_id=requests.get(m.ride) if m.ride else None,
                seats=m.seats,
                kind=m.kind,
                from_venue_id=venues[m.origin],
                to_venue_id=venues[m.destination],
                earliest_pickup=m.earliest_pickup,
                latest_pickup=m.latest_pickup,
                earliest_dropoff=m.earliest_dropoff,
                latest_dropoff=m.latest_dropoff,
                session_id=sessions.get(m.session) if m.session else None,
                unserved_code=reasons[m.id].code if m.id in reasons else "",
                unserved_params=reasons[m.id].params if m.id in reasons else {},
            )
            for m in schedule.movements
        ],
    )
    movement_pk = {row.code: row.pk for row in movement_rows}
    trip_rows = _in_batches(
        Trip,
        [
            Trip(
                version=version,
                code=trip.id,
                vehicle_id=vehicles[trip.vehicle],
                starts_at=trip.stops[0].arrive_at,
                ends_at=trip.stops[-1].depart_at,
            )
            for trip in schedule.trips
        ],
    )
    stop_rows, passengers = [], []
    for trip, row in zip(schedule.trips, trip_rows, strict=True):
        for sequence, stop in enumerate(trip.stops, start=1):
            stop_rows.append(
                Stop(
                    trip_id=row.pk,
                    sequence=sequence,
                    venue_id=venues[stop.place],
                    arrive_at=stop.arrive_at,
                    depart_at=stop.depart_at,
                )
            )
    stop_rows = _in_batches(Stop, stop_rows)
    stops = iter(stop_rows)
    for trip in schedule.trips:
        for stop in trip.stops:
            row = next(stops)
            passengers += [
                StopPassenger(stop_id=row.pk, movement_id=movement_pk[m], action=PassengerAction.BOARD)
                for m in stop.board
            ]
            passengers += [
                StopPassenger(stop_id=row.pk, movement_id=movement_pk[m], action=PassengerAction.ALIGHT)
                for m in stop.alight
            ]
    _in_batches(StopPassenger, passengers)
    return version


def stored_reason(row: dict) -> Reason:
    """The reason of a skipped row of a version (written before reasons had codes: its text, as it was)."""
    if "code" in row:
        return Reason(row["code"], row["params"])
    return Reason.of("legacy", text=row.get("reason", ""))


def version_make_current(*, version: ScheduleVersion) -> None:
    """Publish: the version becomes the conference's current one. Call inside the publishing transaction."""
    ScheduleVersion.objects.filter(conference_id=version.conference_id, is_current=True).update(is_current=False)
    ScheduleVersion.objects.filter(pk=version.pk).update(is_current=True)
    version.is_current = True


def _skipped(schedule: Schedule) -> list[dict]:
    """Needs that never became a movement: sessions a delegate cannot attend."""
    rows = {m.id for m in schedule.movements}
    return [
        {
            "delegate": u.passenger,
            "session": u.session,
            "from": u.origin,
            "to": u.destination,
            "code": u.reason.code,
            "params": u.reason.params,
        }
        for u in schedule.unserved
        if u.movement not in rows
    ]


def _in_batches(model, rows: list) -> list:
    created = []
    for start in range(0, len(rows), WRITE_BATCH):
        created += model.objects.bulk_create(rows[start : start + WRITE_BATCH])
        if connection.vendor == "sqlite":  # one writer at a time: let a waiting request's write in between
            time.sleep(SQLITE_WRITE_PAUSE)
    return created
