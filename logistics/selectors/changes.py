"""What changed in the published schedule: each published version's changes against the one before it
(`ScheduleVersion.changes`, computed by scheduling.changes when the version is written), as a reader may see them."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from conference.access import DESK, Access
from conference.models import Conference, Role, Venue
from delegates.models import Delegate, Delegation
from logistics.models import MovementKind, RunStatus, ScheduleVersion, Vehicle
from scheduling.changes import LEG_LISTS, changes_for, changes_summary

CHANGES_SHOWN = 25  # legs listed on the board and the dashboard; the counts say how many there are


def changes_scope(*, access: Access) -> dict:
    """What part of a version's changes the user may see, as `scheduling.changes.changes_for` arguments: the desk
    roles everything, a liaison its delegation's delegates, a driver its vehicle and the legs it carries, anyone
    else nothing."""
    if access.role in DESK:
        return {}
    if access.role == Role.LIAISON and access.delegation_id is not None:
        code = Delegation.objects.filter(pk=access.delegation_id).values_list("code", flat=True).first()
        return {"delegation": code or ""}
    if access.role == Role.DRIVER and access.vehicle_id is not None:
        callsign = Vehicle.objects.filter(pk=access.vehicle_id).values_list("callsign", flat=True).first()
        return {"vehicle": callsign or ""}
    return {"delegation": ""}  # matches no delegate and shows no vehicle


def scoped_changes(changes: dict, scope: dict) -> dict:
    """A version's stored changes as a reader sees them: {first, since_version, delegates, vehicles, summary}, keys
    sorted. A version written before changes were recorded has none (`first` false, everything empty)."""
    recorded = {
        "first": changes.get("first", False),
        "since_version": changes.get("since_version"),
        "delegates": changes.get("delegates", {}),
        "vehicles": changes.get("vehicles", {}),
    }
    seen = changes_for(recorded, **scope) if scope else recorded
    delegates, vehicles = seen["delegates"], seen["vehicles"]
    return {
        **recorded,
        "delegates": {key: delegates[key] for key in sorted(delegates)},
        "vehicles": {key: vehicles[key] for key in sorted(vehicles)},
        "summary": changes.get("summary")
        if not scope and "summary" in changes
        else changes_summary(delegates, vehicles),
    }


def version_changes(*, access: Access, conference: Conference, since: int | None = None) -> list[dict]:
    """The changes of every published version after version `since` up to the current one, oldest first (without
    `since`, the current version's only), each {version, computed_at, as_of, since_version, first, delegates,
    vehicles, summary} as the user may see them. Nothing before a schedule is published."""
    # every role of the conference reads its versions (as itineraries do); what of them it sees is `changes_scope`
    versions = ScheduleVersion.objects.filter(conference=conference)
    current = versions.filter(is_current=True).values_list("number", flat=True).first()
    if current is None:
        return []
    # published ones only: a version still being written (or never published) has a run that did not succeed
    published = versions.filter(Q(is_current=True) | Q(run__isnull=True) | Q(run__status=RunStatus.SUCCEEDED))
    published = published.filter(number__lte=current, number__gt=current - 1 if since is None else since)
    scope = changes_scope(access=access)
    return [
        {
            "version": number,
            "computed_at": conference.local(computed_at).isoformat(),
            "as_of": as_of and conference.local(as_of).isoformat(),
            **scoped_changes(changes, scope),
        }
        for number, computed_at, as_of, changes in published.order_by("number").values_list(
            "number", "computed_at", "as_of", "changes"
        )
    ]


@dataclass(frozen=True)
class ChangedLeg:
    """One changed leg as the desk lists it, with names and local times."""

    passenger: str  # the delegate's external id, or a request's id (REQ-7)
    name: str  # the delegate's full name ("" for a request)
    delegation: str
    movement: str
    kind: str  # the movement kind's label
    origin: str  # place names
    destination: str
    change: str  # added, removed, moved
    significant: bool
    old: dict | None  # {vehicle, pickup_at, dropoff_at} with datetimes
    new: dict | None
    unserved: str | None  # the reason code of the side that is not served


@dataclass(frozen=True)
class PublishedChanges:
    """What the current version changed, as a user may see it: counts and the first legs."""

    version: int
    since_version: int | None
    delegates: int  # delegates with a significant change
    delegates_changed: int
    vehicles: int
    legs: list[ChangedLeg]
    leg_count: int


def published_changes(*, access: Access, conference: Conference) -> PublishedChanges | None:
    """The current version's changes against the version before, for the board and the dashboard: the counts and
    the first `CHANGES_SHOWN` legs, significant ones first. None before a second version is published."""
    row = (
        ScheduleVersion.objects.filter(conference=conference, is_current=True).values_list("number", "changes").first()
    )
    if row is None or not row[1] or row[1].get("first"):
        return None
    number, changes = row
    seen = scoped_changes(changes, changes_scope(access=access))
    legs = [
        (passenger, entry, change, leg)
        for passenger, entry in seen["delegates"].items()
        for change in LEG_LISTS
        for leg in entry[change]
    ]
    legs.sort(key=lambda item: _leg_order(item[3]))
    shown = legs[:CHANGES_SHOWN]
    names = {
        external_id: f"{given} {family}"
        for external_id, given, family in Delegate.objects.filter(
            conference=conference, external_id__in={passenger for passenger, *_ in shown}
        ).values_list("external_id", "given_name", "family_name")
    }
    places = dict(Venue.objects.filter(conference=conference).values_list("code", "name"))
    kinds = dict(MovementKind.choices)
    summary = seen["summary"]
    return PublishedChanges(
        version=number,
        since_version=seen["since_version"],
        delegates=summary["delegates"],
        delegates_changed=summary["delegates_changed"],
        vehicles=summary["vehicles"],
        legs=[
            ChangedLeg(
                passenger=passenger,
                name=names.get(passenger, ""),
                delegation=entry["delegation"],
                movement=leg["movement"],
                kind=kinds.get(leg["kind"], leg["kind"]),
                origin=places.get(leg["from"], leg["from"]),
                destination=places.get(leg["to"], leg["to"]),
                change=change,
                significant=leg["significant"],
                old=ride_moments(leg["old"]),
                new=ride_moments(leg["new"]),
                unserved=leg.get("unserved"),
            )
            for passenger, entry, change, leg in shown
        ],
        leg_count=len(legs),
    )


def ride_moments(ride: dict | None) -> dict | None:
    """A leg's {vehicle, pickup_at, dropoff_at} as stored, with the moments as datetimes."""
    if ride is None:
        return None
    return {
        "vehicle": ride.get("vehicle"),
        "pickup_at": _moment(ride.get("pickup_at")),
        "dropoff_at": _moment(ride.get("dropoff_at")),
    }


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _leg_order(leg: dict) -> tuple:
    """Significant changes first, then by pickup time."""
    pickup = _moment((leg["new"] or leg["old"] or {}).get("pickup_at"))
    return (not leg["significant"], pickup is None, pickup.timestamp() if pickup else 0, leg["movement"])
