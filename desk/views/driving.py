"""The driver's phone: a vehicle's trips of a day, stop by stop, with one tap to acknowledge, start and finish a trip
and to say whether each passenger boarded. A driver sees its own vehicle; the desk picks one (`?vehicle=`)."""

import uuid
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
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
from conference.selectors.conferences import conference_day
from desk.forms.driving import PassengerReportForm, TripReportForm
from desk.pages import conference_page
from logistics.models import BoardingStatus, Trip, TripEventKind, Vehicle
from logistics.selectors.driving import driver_day
from logistics.services.driving import passenger_report, trip_acknowledge, trip_finish, trip_start

# Roles that may report (a driver only on its own vehicle's trips, which is all its scope holds).
DRIVING_WRITE = frozenset({Role.ORGANIZER, Role.LOGISTICS, Role.DRIVER})
# The trip buttons: the URL's action, the service, and the state the trip reaches.
TRIP_ACTIONS = {
    "acknowledge": (trip_acknowledge, TripEventKind.ACKNOWLEDGED),
    "start": (trip_start, TripEventKind.STARTED),
    "finish": (trip_finish, TripEventKind.FINISHED),
}
# Which trip buttons each state offers (a trip is acknowledged, started and finished once).
NEXT_ACTIONS = {
    None: ["acknowledge", "start"],
    TripEventKind.ACKNOWLEDGED: ["start"],
    TripEventKind.STARTED: ["finish"],
    TripEventKind.FINISHED: [],
}


def trip_labels() -> dict[str, str]:
    return {"acknowledge": _("Acknowledge"), "start": _("Trip started"), "finish": _("Trip finished")}


def state_labels() -> dict[str | None, str]:
    return {
        None: _("Not acknowledged"),
        TripEventKind.ACKNOWLEDGED: _("Acknowledged"),
        TripEventKind.STARTED: _("Started"),
        TripEventKind.FINISHED: _("Finished"),
    }


def boarding_labels() -> dict[str, str]:
    return dict(BoardingStatus.choices)


@conference_page(*FLEET)
@never_cache  # going back to the page fetches it again: the recorded states and fresh event ids
def driver(request: HttpRequest, conference: Conference) -> HttpResponse:
    access = request.access
    vehicles = access.scope(Vehicle.objects.filter(conference=conference)).select_related("conference", "driver")
    callsign = request.GET.get("vehicle", "")
    if access.role == Role.DRIVER:  # its own vehicle, whatever the URL says
        vehicle, choices = vehicles.first(), []
    else:
        choices = list(vehicles.order_by("callsign").values_list("callsign", flat=True))
        vehicle = vehicles.filter(callsign=callsign).first() if callsign else None
        if callsign and vehicle is None:
            raise Http404(_("No such vehicle."))
    day = conference_day(conference=conference, given=request.GET.get("day"))
    trips = driver_day(vehicle=vehicle, day=day) if vehicle is not None else []
    if access.role in DRIVING_WRITE:
        _add_buttons(trips)
    states = state_labels()
    for trip in trips:
        trip.state_label = states[trip.state]
    first, last = conference.start_date, conference.end_date
    return render(
        request,
        "logistics/driver.html",
        {
            "conference": conference,
            "vehicle": vehicle,
            "driver": getattr(vehicle, "driver", None) if vehicle is not None else None,
            "choices": choices,
            "day": day,
            "previous_day": day - timedelta(days=1) if day > first else None,
            "next_day": day + timedelta(days=1) if day < last else None,
            "trips": trips,
            "boarding_labels": boarding_labels(),
            "vehicle_query": urlencode({"vehicle": vehicle.callsign}) if vehicle is not None and choices else "",
        },
    )


def _add_buttons(trips) -> None:
    """A fresh event id per button and render: a double tap sends the same id, which applies once."""
    labels, boarding = trip_labels(), boarding_labels()
    for trip in trips:
        trip.buttons = [(action, labels[action], uuid.uuid4().hex) for action in NEXT_ACTIONS[trip.state]]
        for stop in trip.stops:
            for rider in stop.board:
                if rider.external_id is None:  # a vehicle request: nobody to report on
                    continue
                rider.buttons = [
                    (status, boarding[status], uuid.uuid4().hex)
                    for status in BoardingStatus.values
                    if status != rider.status  # the other one corrects it
                ]


def _trip_in_scope(request: HttpRequest, conference: Conference, pk: int) -> Trip:
    trips = request.access.scope(Trip.objects.filter(version__conference=conference)).select_related("vehicle")
    trip = trips.filter(pk=pk).first()
    if trip is None:
        raise Http404(_("No such trip."))
    return trip


def _back(conference: Conference, trip: Trip, anchor: str) -> str:
    """The page of the trip's vehicle and day, at the card or stop tapped."""
    day: date = timezone.localtime(trip.starts_at).date()
    query = urlencode({"vehicle": trip.vehicle.callsign, "day": day.isoformat()})
    return f"{reverse('driver', args=[conference.code])}?{query}#{anchor}"


@conference_page(*DRIVING_WRITE)
@require_POST
def driver_trip(request: HttpRequest, conference: Conference, pk: int, action: str) -> HttpResponse:
    """One tap on a trip: acknowledge, start or finish it; then back to the trip's card."""
    if action not in TRIP_ACTIONS:
        raise Http404(_("No such action."))
    trip = _trip_in_scope(request, conference, pk)
    back = _back(conference, trip, f"trip-{trip.pk}")
    form = TripReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not recorded: the form was incomplete. Please try again."))
        return redirect(back)
    report, _state = TRIP_ACTIONS[action]
    try:
        _event, repeated = report(trip=trip, event_id=form.cleaned_data["event_id"], user=request.user)
    except Refused as refusal:  # Invalid is a Refused too
        messages.error(request, _("Not recorded: %(reason)s") % {"reason": refusal.message})
        return redirect(back)
    done = {
        "acknowledge": _("Trip %(code)s acknowledged."),
        "start": _("Trip %(code)s started."),
        "finish": _("Trip %(code)s finished."),
    }
    text = _("Trip %(code)s: this was already recorded.") if repeated else done[action]
    messages.success(request, text % {"code": trip.code})
    return redirect(back)


@conference_page(*DRIVING_WRITE)
@require_POST
def driver_passenger(
    request: HttpRequest, conference: Conference, pk: int, sequence: int, external_id: str
) -> HttpResponse:
    """One tap on a boarding passenger: boarded or no-show; then back to the stop."""
    trip = _trip_in_scope(request, conference, pk)
    back = _back(conference, trip, f"stop-{trip.pk}-{sequence}")
    form = PassengerReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not recorded: the form was incomplete. Please try again."))
        return redirect(back)
    status = form.cleaned_data["status"]
    try:
        event, repeated = passenger_report(
            trip=trip,
            stop_sequence=sequence,
            external_id=external_id,
            status=status,
            event_id=form.cleaned_data["event_id"],
            user=request.user,
        )
    except Refused as refusal:
        messages.error(request, _("Not recorded: %(reason)s") % {"reason": refusal.message})
        return redirect(back)
    name = event.delegate.full_name
    if repeated:
        text = _("%(name)s: this was already recorded.")
    elif status == BoardingStatus.NO_SHOW:
        text = _("%(name)s: no-show recorded. The transport desk and the delegation's liaisons are told.")
    else:
        text = _("%(name)s boarded.")
    messages.success(request, text % {"name": name})
    return redirect(back)
