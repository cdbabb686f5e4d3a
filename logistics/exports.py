"""The schedule export of the data contract, read from the current published version."""

from conference.models import Conference
from logistics.models import ScheduleVersion
from logistics.selectors import published_schedule


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

    unserved = [
        {"delegate": u.passenger, "from": u.origin, "to": u.destination, "reason": u.reason} for u in schedule.unserved
    ]
    unserved += [
        {"delegate": s["delegate"], "from": None, "to": s["to"], "reason": s["reason"], "session": s["session"]}
        for s in version.skipped
    ]
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
