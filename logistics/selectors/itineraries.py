"""Delegates' itineraries: their published legs and the sessions the schedule could not take them to."""

from collections import defaultdict

from logistics.models import (
    Movement,
    PassengerAction,
    ScheduleVersion,
    Stop,
    StopPassenger,
)
from logistics.scheduler_adapter import stored_reason
from logistics.selectors.schedule import Leg


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
        if row["delegate"] in external_ids and row.get("session"):
            found[row["delegate"]].append({**row, "reason": stored_reason(row)})
    return found
