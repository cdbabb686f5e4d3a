"""The dashboard: what the desk needs at a glance on a day."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from conference.access import DESK, Access
from conference.models import Conference, Role
from conference.selectors.conferences import conference_day_bounds
from logistics.models import (
    DeskAlert,
    MovementKind,
    RequestStatus,
    ResourceRequest,
    ScheduleRun,
    ScheduleVersion,
    Vehicle,
    VehicleStatus,
)
from logistics.selectors.alerts import open_alerts
from logistics.selectors.changes import PublishedChanges, published_changes
from logistics.selectors.notifications import Outbox, outbox_summary
from logistics.selectors.schedule import Leg, current_version, legs_of, scoped_movements


@dataclass(frozen=True)
class Dashboard:
    day: date
    at: datetime
    until: datetime
    version: ScheduleVersion | None
    arrivals: list[Leg]
    departures: list[Leg]
    upcoming: list[Leg]
    unserved: list[Leg]
    unserved_count: int
    fleet: list[tuple[str, str, list[Vehicle]]] | None  # (status, label, vehicles); None: the role sees no fleet
    pending_requests: list[ResourceRequest]
    last_run: ScheduleRun | None
    changes: PublishedChanges | None  # what the published version changed; None before a second one
    outbox: Outbox | None  # what went out to the webhooks, and which fail (organizers only)
    alerts: list[DeskAlert] | None  # open exceptions: no-shows, trips not acknowledged, silent vehicles (desk roles)


UNSERVED_SHOWN = 100


UPCOMING_HOURS = 2


def dashboard(*, access: Access, conference: Conference, day: date, at: datetime) -> Dashboard:
    """What the desk needs at a glance on `day`, with the movements of the two hours after `at`. A constant number
    of queries: the movements of each list with their stops (two each), the fleet, the requests, the last run, and
    what the published version changed."""
    version = current_version(conference_id=conference.pk)
    movements = scoped_movements(access=access, version=version)
    start, end = conference_day_bounds(conference=conference, day=day)
    kinds = [MovementKind.ARRIVAL, MovementKind.DEPARTURE]
    of_day = legs_of(
        movements.filter(kind__in=kinds, earliest_pickup__gte=start, earliest_pickup__lt=end).order_by(
            "earliest_pickup", "code"
        )
    )
    until = at + timedelta(hours=UPCOMING_HOURS)
    # a scheduled pickup lies within the pickup window, so the window narrows the candidates in the database
    candidates = legs_of(movements.filter(latest_pickup__gte=at, earliest_pickup__lt=until))
    upcoming = sorted((row for row in candidates if at <= row.pickup_at < until), key=lambda row: row.pickup_at)
    unserved = movements.exclude(unserved_code="").order_by("earliest_pickup", "code")
    fleet = None
    if access.role != Role.LIAISON:
        vehicles = access.scope(Vehicle.objects.filter(conference=conference)).order_by("callsign")
        by_status: dict[str, list[Vehicle]] = defaultdict(list)
        for vehicle in vehicles:
            by_status[vehicle.status].append(vehicle)
        fleet = [(status, label, by_status[status]) for status, label in VehicleStatus.choices if by_status[status]]
    requests = access.scope(
        ResourceRequest.objects.filter(conference=conference, status=RequestStatus.SUBMITTED)
    ).select_related("delegation", "from_venue", "to_venue")
    last_run = access.scope(ScheduleRun.objects.filter(conference=conference)).select_related("version").first()
    return Dashboard(
        day=day,
        at=at,
        until=until,
        version=version,
        arrivals=[row for row in of_day if row.movement.kind == MovementKind.ARRIVAL],
        departures=[row for row in of_day if row.movement.kind == MovementKind.DEPARTURE],
        upcoming=upcoming,
        unserved=legs_of(unserved[:UNSERVED_SHOWN]),
        unserved_count=unserved.count(),
        fleet=fleet,
        pending_requests=list(requests.order_by("window_start", "id")),
        last_run=last_run,
        changes=published_changes(access=access, conference=conference),
        outbox=outbox_summary(access=access, conference=conference),
        alerts=open_alerts(conference=conference) if access.role in DESK else None,
    )
