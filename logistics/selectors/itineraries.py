"""Delegates' itineraries: their published legs and the sessions the schedule could not take them to."""

from collections import defaultdict
from datetime import timedelta

from django.core import signing
from django.db.models.fields.json import KeyTransform

from delegates.models import Delegate
from logistics.models import (
    Movement,
    PassengerAction,
    ScheduleVersion,
    Stop,
    StopPassenger,
)
from logistics.scheduler_adapter import stored_reason
from logistics.selectors.airport import movement_flights
from logistics.selectors.changes import ride_moments
from logistics.selectors.schedule import Leg
from scheduling.changes import changed_legs


def itinerary_legs(*, version: ScheduleVersion | None, delegate_ids: list[int]) -> dict[int, list[Leg]]:
    """The published movements of these delegates in time order, each with its pickup and drop-off stop, and the
    flight of an airport pickup or drop-off (`movement.flight`). Four queries (five when a flight has an expected
    time), however many delegates and movements."""
    legs: dict[int, list[Leg]] = {pk: [] for pk in delegate_ids}
    if version is None or not delegate_ids:
        return legs
    movements = list(
        Movement.objects.filter(version=version, delegate_id__in=delegate_ids)
        .select_related("from_venue", "to_venue", "session__venue", "delegate", "version__conference")
        .order_by("earliest_pickup", "code")
    )
    if movements:  # an airport pickup or drop-off shows its flight
        movement_flights(conference=movements[0].version.conference, movements=movements)
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


CHANGES_READ_AT_ONCE = 100  # delegates whose part of a version's changes one query reads


def leg_changes(*, version: ScheduleVersion | None, external_ids: list[str]) -> dict[str, dict[str, dict]]:
    """What `version` changed in these delegates' legs against the version before, by delegate and movement id:
    {change (added, removed, moved), significant, previous} where previous is the leg's {vehicle, pickup_at,
    dropoff_at} before (datetimes; None for a leg added). Reads only these delegates' part of the changes, a query
    per `CHANGES_READ_AT_ONCE` delegates."""
    found: dict[str, dict[str, dict]] = {external_id: {} for external_id in external_ids}
    if version is None or not external_ids:
        return found
    delegates = KeyTransform("delegates", "changes")
    for start in range(0, len(external_ids), CHANGES_READ_AT_ONCE):
        chunk = external_ids[start : start + CHANGES_READ_AT_ONCE]
        parts = {f"d{index}": KeyTransform(external_id, delegates) for index, external_id in enumerate(chunk)}
        row = ScheduleVersion.objects.filter(pk=version.pk).values(**parts).first() or {}
        for index, external_id in enumerate(chunk):
            legs = changed_legs(row.get(f"d{index}"))
            found[external_id] = {
                movement: {
                    "change": leg["change"],
                    "significant": leg["significant"],
                    "previous": ride_moments(leg["old"]),
                }
                for movement, leg in legs.items()
            }
    return found


ITINERARY_LINK_SALT = "convoy.itinerary-link"
ITINERARY_LINK_DAYS = 60  # a link in an e-mail opens the itinerary for this long


def itinerary_link_token(*, delegate: Delegate) -> str:
    """The token of a delegate's own itinerary link (sent by e-mail): signed with the site's secret, so it cannot
    be made up, and only for this delegate."""
    return signing.dumps({"c": delegate.conference_id, "d": delegate.pk}, salt=ITINERARY_LINK_SALT, compress=True)


def delegate_of_itinerary_link(*, token: str) -> Delegate | None:
    """The delegate a link's token names, or None when it is forged, too old, or the delegate is gone."""
    try:
        given = signing.loads(token, salt=ITINERARY_LINK_SALT, max_age=timedelta(days=ITINERARY_LINK_DAYS))
    except signing.BadSignature:
        return None
    return (
        Delegate.objects.filter(pk=given.get("d"), conference_id=given.get("c"))
        .select_related("conference", "delegation", "hotel", "arrival_venue", "departure_venue")
        .first()
    )
