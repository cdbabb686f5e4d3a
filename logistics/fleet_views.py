"""The fleet page: every vehicle in the user's scope with its status and next trip, and one tap to report a status."""

import uuid
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from conference.access import FLEET
from conference.errors import Refused
from conference.models import Conference, Role
from conference.pages import conference_page
from logistics.models import PassengerAction, Stop, Trip, Vehicle, VehicleKind, VehicleStatus
from logistics.status_updates import TRANSITIONS, vehicle_status_report

# Roles that may report a status (a driver only for its own vehicle, which is all its scope holds).
FLEET_WRITE = frozenset({Role.ORGANIZER, Role.LOGISTICS, Role.DRIVER})
# How many stops of the next trip a card shows.
NEXT_STOPS = 3

S = VehicleStatus
# The labels people read (the models' choices, translated)
STATUS_LABELS = dict(S.choices)
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
    # (status, label, event id) of each button; the first is the current status ("still here")
    buttons: list[tuple[str, str, str]] = field(default_factory=list)


def scoped_vehicles(request: HttpRequest, conference: Conference) -> QuerySet:
    return request.access.scope(Vehicle.objects.filter(conference=conference), conference="conference", vehicle="pk")


def fleet_cards(*, vehicles: QuerySet, now, with_buttons: bool) -> list[Card]:
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
        if with_buttons:
            legal = [status for status in S.values if status in TRANSITIONS[vehicle.status]]
            card.buttons = [(status, STATUS_LABELS[status], uuid.uuid4().hex) for status in [vehicle.status, *legal]]
        cards.append(card)
    return cards


@conference_page(*FLEET)
@never_cache  # going back to the page fetches it again: current statuses and fresh event ids
def fleet(request: HttpRequest, conference: Conference) -> HttpResponse:
    vehicles = scoped_vehicles(request, conference)
    counts = dict(vehicles.order_by().values_list("status").annotate(n=Count("pk")))
    chosen = request.GET.get("status", "")
    if chosen not in S.values:
        chosen = ""
    shown = vehicles.filter(status=chosen) if chosen else vehicles
    filters = [("", _("All"), sum(counts.values()))] + [
        (status, STATUS_LABELS[status], counts[status]) for status in S.values if counts.get(status)
    ]
    cards = fleet_cards(vehicles=shown, now=timezone.now(), with_buttons=request.access.role in FLEET_WRITE)
    return render(
        request,
        "logistics/fleet.html",
        {"conference": conference, "cards": cards, "filters": filters, "chosen": chosen},
    )


class StatusForm(forms.Form):
    event_id = forms.CharField(max_length=64)
    status = forms.ChoiceField(choices=S.choices)
    latitude = forms.DecimalField(required=False, min_value=-90, max_value=90, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(required=False, min_value=-180, max_value=180, max_digits=9, decimal_places=6)
    accuracy = forms.DecimalField(required=False, min_value=0, max_digits=8, decimal_places=1)
    filter = forms.ChoiceField(choices=[("", ""), *S.choices], required=False)


@conference_page(*FLEET_WRITE)
@require_POST
def fleet_status(request: HttpRequest, conference: Conference, callsign: str) -> HttpResponse:
    """One tap: report a status for a vehicle in scope (another vehicle is a 404), then back to the page."""
    vehicles = scoped_vehicles(request, conference).filter(callsign=callsign)
    form = StatusForm(request.POST)
    back = reverse("fleet", args=[conference.code])
    if form.is_valid() and form.cleaned_data["filter"]:
        back += f"?status={form.cleaned_data['filter']}"
    back += f"#vehicle-{callsign}"
    if not form.is_valid():
        if not vehicles.exists():
            raise Http404(_("No such vehicle."))
        messages.error(request, _("The status was not recorded: the form was incomplete. Please try again."))
        return redirect(back)
    data = form.cleaned_data
    try:
        _event, repeated = vehicle_status_report(
            vehicles=vehicles,
            event_id=data["event_id"],
            status=data["status"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            accuracy_m=data["accuracy"],
            user=request.user,
        )
    except Vehicle.DoesNotExist:
        raise Http404(_("No such vehicle.")) from None
    except Refused as refusal:  # Invalid is a Refused too
        messages.error(request, _("Not recorded: %(reason)s") % {"reason": refusal.message})
        return redirect(back)
    label = STATUS_LABELS[data["status"]]
    text = _("%(callsign)s: %(status)s was already recorded.") if repeated else _("%(callsign)s is now %(status)s.")
    messages.success(request, text % {"callsign": callsign, "status": label})
    return redirect(back)
