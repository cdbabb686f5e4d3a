"""A trip's key: what names it across published versions while it stays the same."""

import hashlib

from django.db.models import Prefetch, QuerySet

from logistics.models import Stop, StopPassenger, Trip


def with_stops(trips: QuerySet) -> QuerySet:
    """Trips with what `trip_key` reads: the vehicle, the stops in order with their venue and passengers."""
    passengers = StopPassenger.objects.select_related("movement").order_by("movement__code", "action")
    stops = Stop.objects.select_related("venue").prefetch_related(Prefetch("passengers", queryset=passengers))
    return trips.select_related("vehicle").prefetch_related(Prefetch("stops", queryset=stops.order_by("sequence")))


def trip_key(trip: Trip) -> str:
    """The same for a trip of two versions with the same vehicle, stops, times and passengers (a re-plan that
    keeps a trip keeps its key), different otherwise. `trip` must come from `with_stops`."""
    parts = [trip.vehicle.callsign]
    for stop in trip.stops.all():
        riders = sorted(f"{p.action}:{p.movement.code}" for p in stop.passengers.all())
        parts.append(f"{stop.venue.code}|{stop.arrive_at.isoformat()}|{stop.depart_at.isoformat()}|{','.join(riders)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
