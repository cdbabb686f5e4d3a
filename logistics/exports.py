"""The schedule export of the data contract, read from the current published version."""

from django.db.models import Prefetch

from conference.models import Conference
from logistics.models import ScheduleVersion, Stop, StopPassenger, Trip


def schedule_export(*, conference: Conference) -> dict | None:
    """The contract's JSON for the current version, or None when nothing is published yet."""
    version = ScheduleVersion.objects.filter(conference=conference, is_current=True).first()
    if version is None:
        return None
    zone = conference.zone
    passengers = StopPassenger.objects.select_related("movement__delegate", "movement__request").order_by(
        "movement__code"
    )
    trips = (
        Trip.objects.filter(version=version)
        .select_related("vehicle")
        .prefetch_related(
            Prefetch(
                "stops",
                queryset=Stop.objects.select_related("venue").prefetch_related(
                    Prefetch("passengers", queryset=passengers)
                ),
            )
        )
        .order_by("starts_at", "code")
    )
    return {
        "conference": conference.code,
        "version": version.number,
        "computed_at": version.computed_at.astimezone(zone).isoformat(),
        "trips": [
            {
                "id": trip.code,
                "vehicle": trip.vehicle.callsign,
                "stops": [_stop(stop, zone) for stop in trip.stops.all()],
            }
            for trip in trips
        ],
        "unserved": _unserved(version),
    }


def _stop(stop: Stop, zone) -> dict:
    row = {
        "venue": stop.venue.code,
        "arrive_at": stop.arrive_at.astimezone(zone).isoformat(),
        "depart_at": stop.depart_at.astimezone(zone).isoformat(),
        "board": [],
        "alight": [],
    }
    for passenger in stop.passengers.all():
        movement = passenger.movement
        if movement.delegate_id:
            row[passenger.action].append(movement.delegate.external_id)
        else:  # an approved vehicle request: not a delegate, listed beside the contract's fields
            row.setdefault(f"{passenger.action}_requests", []).append(movement.request_id)
    return row


def _unserved(version: ScheduleVersion) -> list[dict]:
    movements = (
        version.movements.exclude(unserved_reason="")
        .select_related("delegate", "from_venue", "to_venue")
        .order_by("earliest_pickup", "code")
    )
    rows = [
        {
            "delegate": m.delegate.external_id if m.delegate_id else None,
            **({} if m.delegate_id else {"request": m.request_id}),
            "from": m.from_venue.code,
            "to": m.to_venue.code,
            "reason": m.unserved_reason,
        }
        for m in movements
    ]
    rows += [
        {"delegate": s["delegate"], "from": None, "to": s["to"], "reason": s["reason"], "session": s["session"]}
        for s in version.skipped
    ]
    return rows
