"""The fleet page: every vehicle in the user's scope with its status and next trip, and one tap to report a status."""

import uuid

from django.contrib import messages
from django.db.models import Count, QuerySet
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
from desk.forms.fleet import StatusForm
from desk.pages import conference_page
from logistics.models import Vehicle, VehicleStatus
from logistics.selectors.fleet import STATUS_LABELS, fleet_cards
from logistics.services.fleet import TRANSITIONS, vehicle_status_report

# Roles that may report a status (a driver only for its own vehicle, which is all its scope holds).
FLEET_WRITE = frozenset({Role.ORGANIZER, Role.LOGISTICS, Role.DRIVER})


def scoped_vehicles(request: HttpRequest, conference: Conference) -> QuerySet:
    return request.access.scope(Vehicle.objects.filter(conference=conference))


@conference_page(*FLEET)
@never_cache  # going back to the page fetches it again: current statuses and fresh event ids
def fleet(request: HttpRequest, conference: Conference) -> HttpResponse:
    vehicles = scoped_vehicles(request, conference)
    counts = dict(vehicles.order_by().values_list("status").annotate(n=Count("pk")))
    chosen = request.GET.get("status", "")
    if chosen not in VehicleStatus.values:
        chosen = ""
    shown = vehicles.filter(status=chosen) if chosen else vehicles
    filters = [("", _("All"), sum(counts.values()))] + [
        (status, STATUS_LABELS[status], counts[status]) for status in VehicleStatus.values if counts.get(status)
    ]
    cards = fleet_cards(vehicles=shown, now=timezone.now())
    if request.access.role in FLEET_WRITE:
        for card in cards:  # a fresh event id per render: a double tap applies once
            status = card.vehicle.status
            legal = [choice for choice in VehicleStatus.values if choice in TRANSITIONS[status]]
            card.buttons = [(choice, STATUS_LABELS[choice], uuid.uuid4().hex) for choice in [status, *legal]]
    return render(
        request,
        "logistics/fleet.html",
        {"conference": conference, "cards": cards, "filters": filters, "chosen": chosen},
    )


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
