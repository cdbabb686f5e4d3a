"""The fleet as the desk sees it: each vehicle with its status and its next trip."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from logistics.models import PassengerAction, Stop, Trip, Vehicle, VehicleKind, VehicleStatus

# How many stops of the next trip a card shows.
NEXT_STOPS = 3


# The labels people read (the models' choices, translated)
STATUS_LABELS = dict(VehicleStatus.choices)


KIND_LABELS = dict(VehicleKind.choices)


@dataclass
class NextStop:
    stop: Stop
    boarding: int
    alighting: int


@dataclass
class Card:
    vehicle: Vehicle
    status_label: str
    kind_label: str
    next_trip: Trip | None = None
    next_stops: list[NextStop] = field(default_factory=list)
    more_stops: int = 0
    passengers: int = 0
    # (status, label, event id) of each button the page offers; the first is the current status ("still here")
    buttons: list[tuple[str, str, str]] = field(default_factory=list)


def fleet_cards(*, vehicles: QuerySet, now) -> list[Card]:
    """The cards of these vehicles with their next trip of the published schedule (ongoing or upcoming at `now`)
    and its first stops. Three queries, however many vehicles."""
    next_trip = (
        Trip.objects.filter(vehicle=OuterRef("pk"), version__is_current=True, ends_at__gte=now)
        .order_by("starts_at", "code")
        .values("pk")[:1]
    )
    rows = list(vehicles.select_related("driver").annotate(next_trip_id=Subquery(next_trip)).order_by("callsign"))
    trip_ids = [row.next_trip_id for row in rows if row.next_trip_id is not None]
    trips = {trip.pk: trip for trip in Trip.objects.filter(pk__in=trip_ids)}
    stops_of: dict[int, list[NextStop]] = {pk: [] for pk in trip_ids}
    stops = (
        Stop.objects.filter(trip_id__in=trip_ids)
        .select_related("venue")
        .annotate(
            boarding=Count("passengers", filter=Q(passengers__action=PassengerAction.BOARD)),
            alighting=Count("passengers", filter=Q(passengers__action=PassengerAction.ALIGHT)),
        )
        .order_by("trip_id", "sequence")
    )
    for stop in stops:
        stops_of[stop.trip_id].append(NextStop(stop, stop.boarding, stop.alighting))
    cards = []
    for vehicle in rows:
        card = Card(
            vehicle=vehicle,
            status_label=STATUS_LABELS.get(vehicle.status, vehicle.status),
            kind_label=KIND_LABELS.get(vehicle.kind, vehicle.kind),
        )
        if vehicle.next_trip_id is not None:
            all_stops = stops_of[vehicle.next_trip_id]
            card.next_trip = trips[vehicle.next_trip_id]
            card.next_stops = all_stops[:NEXT_STOPS]
            card.more_stops = max(0, len(all_stops) - NEXT_STOPS)
            card.passengers = sum(stop.boarding for stop in all_stops)
        cards.append(card)
    return cards
