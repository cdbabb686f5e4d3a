"""What the clock makes an exception: trips about to start that their drivers have not acknowledged, vehicles on
a trip that have gone silent; and the open alerts, for the dashboard."""

from datetime import datetime, timedelta

from conference.models import Conference
from logistics.models import DeskAlert, Trip, TripEvent, TripEventKind
from logistics.selectors.schedule import current_version
from logistics.selectors.trips import trip_key, with_stops


def _trip_data(trip: Trip, key: str) -> dict:
    driver = getattr(trip.vehicle, "driver", None)
    return {
        "trip": trip.pk,
        "code": trip.code,
        "trip_key": key,
        "vehicle": trip.vehicle.callsign,
        "starts_at": trip.starts_at.isoformat(),
        "ends_at": trip.ends_at.isoformat(),
        "driver": None if driver is None else {"name": driver.name, "phone": driver.phone},
    }


def _events(conference: Conference, keys: list[str], kinds: list[str]) -> set[tuple[str, str]]:
    found = TripEvent.objects.filter(conference=conference, trip_key__in=keys, kind__in=kinds)
    return set(found.values_list("trip_key", "kind"))


def unacknowledged_trips(*, conference: Conference, now: datetime, within: timedelta) -> list[dict]:
    """The published trips that start in the next `within` (and have not started yet) whose driver has not
    acknowledged them."""
    version = current_version(conference_id=conference.pk)
    if version is None:
        return []
    trips = list(
        with_stops(Trip.objects.filter(version=version, starts_at__gt=now, starts_at__lte=now + within))
        .select_related("vehicle__driver")
        .order_by("starts_at", "code")
    )
    keys = {trip.pk: trip_key(trip) for trip in trips}
    done = _events(conference, list(keys.values()), [TripEventKind.ACKNOWLEDGED, TripEventKind.STARTED])
    return [
        _trip_data(trip, keys[trip.pk])
        for trip in trips
        if (keys[trip.pk], TripEventKind.ACKNOWLEDGED) not in done
        and (keys[trip.pk], TripEventKind.STARTED) not in done
    ]


def silent_vehicles(*, conference: Conference, now: datetime, silent_for: timedelta) -> list[dict]:
    """Vehicles on a published trip under way (not finished) whose last report (status or position) is older than
    `silent_for`, or that never reported."""
    version = current_version(conference_id=conference.pk)
    if version is None:
        return []
    trips = list(
        with_stops(Trip.objects.filter(version=version, starts_at__lte=now, ends_at__gte=now))
        .select_related("vehicle__driver")
        .order_by("vehicle__callsign", "starts_at")
    )
    keys = {trip.pk: trip_key(trip) for trip in trips}
    finished = _events(conference, list(keys.values()), [TripEventKind.FINISHED])
    since = now - silent_for
    silent = []
    for trip in trips:
        vehicle = trip.vehicle
        heard = max(
            (moment for moment in (vehicle.last_position_at, vehicle.status_reported_at) if moment), default=None
        )
        if (keys[trip.pk], TripEventKind.FINISHED) in finished or (heard is not None and heard >= since):
            continue
        silent.append({**_trip_data(trip, keys[trip.pk]), "last_heard_at": heard.isoformat() if heard else None})
    return silent


def open_alerts(*, conference: Conference) -> list[DeskAlert]:
    return list(DeskAlert.objects.filter(conference=conference, resolved_at__isnull=True).order_by("-raised_at", "id"))
