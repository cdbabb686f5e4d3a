"""The flights page: a day's arrivals and departures board, with each flight's expected time (set by organizers and
logistics staff) and the delegates on it."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conference.access import DELEGATION_DATA, DESK
from conference.errors import Refused
from conference.models import Conference, Role
from conference.selectors.conferences import conference_now
from delegates.models import FlightKind
from delegates.selectors.flights import ConferenceFlight, conference_flights, flight_days, flight_delegates
from desk.forms.flights import FlightExpectedForm
from desk.pages import conference_page
from logistics.services.flights import flight_expected_set

# Roles that may set a flight's expected time.
FLIGHT_WRITE = frozenset({Role.ORGANIZER, Role.LOGISTICS})


def _chosen_day(conference: Conference, days: list[date], given: str | None) -> date | None:
    """The day asked for when it has flights; else today when it has some; else the first day with flights."""
    try:
        asked = date.fromisoformat(given) if given else None
    except ValueError:
        asked = None
    if asked in days:
        return asked
    today = conference_now(conference=conference).date()
    if today in days:
        return today
    return days[0] if days else None


def _minutes(flight: ConferenceFlight) -> int:
    return round(flight.shift.total_seconds() / 60)


@conference_page(*DESK)
def flight_board(request: HttpRequest, conference: Conference) -> HttpResponse:
    flights = conference_flights(conference=conference)
    days = flight_days(flights=flights)
    day = _chosen_day(conference, days, request.GET.get("day"))
    on_board = flight_delegates(conference=conference, day=day) if day else {}
    rows = [
        {
            "flight": flight,
            "late": max(_minutes(flight), 0),
            "early": max(-_minutes(flight), 0),
            # each with their own time, moved as the flight is
            "delegates": [
                (delegate, delegate.flight_at + flight.shift)
                for delegate in on_board.get((flight.number, flight.date, flight.kind), [])
            ],
            "shown_at": flight.expected_at or flight.scheduled_at,
        }
        for flight in flights
        if flight.date == day
    ]
    return render(
        request,
        "delegates/flights.html",
        {
            "conference": conference,
            "day": day,
            "days": days,
            "boards": [
                ("arrivals", _("Arrivals"), [row for row in rows if row["flight"].kind == FlightKind.ARRIVAL]),
                ("departures", _("Departures"), [row for row in rows if row["flight"].kind == FlightKind.DEPARTURE]),
            ],
            "can_edit": request.access.role in FLIGHT_WRITE,
            "can_open_delegates": request.access.role in DELEGATION_DATA,
        },
    )


@require_POST
@conference_page(*FLIGHT_WRITE)
def flight_expected(request: HttpRequest, conference: Conference) -> HttpResponse:
    """Set or clear one flight's expected time, then back to its day's board."""
    form = FlightExpectedForm(request.POST)
    back = reverse("flights", args=[conference.code])
    if not form.is_valid():
        day = request.POST.get("date", "")
        messages.error(request, _("The expected time was not saved: give a date and time, or clear it."))
        return redirect(f"{back}?{urlencode({'day': day})}" if day else back)
    data = form.cleaned_data
    back += "?" + urlencode({"day": data["date"].isoformat()})
    try:
        flight = flight_expected_set(
            conference=conference,
            number=data["number"],
            day=data["date"],
            kind=data["kind"],
            expected_at=data["expected_at"],
            user=request.user,
        )
    except Refused as refusal:  # Invalid is a Refused too
        messages.error(request, _("Not saved: %(reason)s") % {"reason": refusal.message})
        return redirect(back)
    if flight.expected_at is None:
        text = _("Flight %(number)s: the scheduled time holds again; the schedule is being recomputed.")
        messages.success(request, text % {"number": flight.number})
    else:
        text = _("Flight %(number)s is now expected at %(time)s; the schedule is being recomputed.")
        local = flight.expected_at.astimezone(conference.zone)
        messages.success(request, text % {"number": flight.number, "time": local.strftime("%H:%M")})
    return redirect(back)
