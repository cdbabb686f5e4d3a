"""Itineraries as clients read them, cached per published version.

What an itinerary shows changes in three ways: a new schedule version is published, something shown
is edited (a name, a place, a driver's phone: `Conference.data_revision` counts those edits), or a
vehicle reports a new status. The first two are in the cache key; the live vehicle status is read
on every request and laid over the cached copy. The cache is per process and holds plain data.
"""

from django.core.cache import caches

from api.serializers.itineraries import DelegateItinerarySerializer
from conference.models import Conference
from delegates.models import Delegate
from logistics.models import ScheduleVersion, Vehicle
from logistics.selectors.itineraries import itinerary_legs, leg_changes, skipped_sessions

CACHE = "itineraries"


def published_itineraries(*, conference: Conference, delegates: list[Delegate]) -> tuple[dict, list[dict]]:
    """The published version (number, computed_at; None before any) and each delegate's itinerary entry:
    {"delegate", "movements", "skipped_sessions"}, as plain data in the conference's time zone."""
    row = (
        ScheduleVersion.objects.filter(conference_id=conference.pk, is_current=True)
        .values_list("pk", "number", "computed_at", "conference__data_revision")
        .first()
    )
    if row is None:
        entries = [{"delegate": d, "movements": [], "skipped_sessions": []} for d in delegates]
        empty = DelegateItinerarySerializer(entries, many=True, context={"zone": conference.zone}).data
        return {"version": None, "computed_at": None}, [dict(entry) for entry in empty]
    version_pk, number, computed_at, revision = row
    keys = {d.pk: f"{d.pk}:{version_pk}:{computed_at.timestamp()}:{revision}" for d in delegates}
    cache = caches[CACHE]
    cached = cache.get_many(keys.values())
    missing = [d for d in delegates if keys[d.pk] not in cached]
    if missing:
        built = _build(conference, ScheduleVersion.objects.defer("changes").get(pk=version_pk), missing)
        cache.set_many({keys[pk]: entry for pk, entry in built.items()})
        cached.update({keys[pk]: entry for pk, entry in built.items()})
    entries = [cached[keys[d.pk]] for d in delegates]
    _lay_live_status_over(entries)
    published = {"version": number, "computed_at": conference.local(computed_at).isoformat()}
    return published, [entry["itinerary"] for entry in entries]


def _build(conference: Conference, version: ScheduleVersion, delegates: list[Delegate]) -> dict[int, dict]:
    legs = itinerary_legs(version=version, delegate_ids=[d.pk for d in delegates])
    skipped = skipped_sessions(version=version, external_ids={d.external_id for d in delegates})
    changes = leg_changes(version=version, external_ids=[d.external_id for d in delegates])  # this version's marks
    built = {}
    for delegate in delegates:
        entry = {
            "delegate": delegate,
            "movements": legs[delegate.pk],
            "skipped_sessions": skipped[delegate.external_id],
        }
        context = {"zone": conference.zone, "changes": changes[delegate.external_id]}
        data = DelegateItinerarySerializer(entry, context=context).data
        built[delegate.pk] = {
            "itinerary": _plain(data),
            "vehicles": [leg.vehicle.pk if leg.vehicle else None for leg in legs[delegate.pk]],
        }
    return built


def _lay_live_status_over(entries: list[dict]) -> None:
    vehicle_ids = {pk for entry in entries for pk in entry["vehicles"] if pk is not None}
    status = dict(Vehicle.objects.filter(pk__in=vehicle_ids).values_list("pk", "status")) if vehicle_ids else {}
    for entry in entries:
        for movement, vehicle_id in zip(entry["itinerary"]["movements"], entry["vehicles"], strict=True):
            if vehicle_id is not None:
                movement["vehicle"]["status"] = status.get(vehicle_id, movement["vehicle"]["status"])


def _plain(value):
    """Serializer output (ReturnDict, OrderedDict) as plain dicts and lists, cheap to pickle and copy."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
