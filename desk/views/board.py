"""The schedule pages: the board of a day's trips per vehicle, and printable run sheets."""

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from conference.access import FLEET
from conference.models import Conference, Role, Venue
from conference.selectors.conferences import conference_day
from delegates.models import Delegation
from desk.pages import conference_page
from logistics.models import Vehicle, VehicleKind
from logistics.selectors.board import (
    TIMELINE_END_HOUR,
    TIMELINE_START_HOUR,
    board_unserved,
    board_vehicle_days,
    day_trips,
)
from logistics.selectors.changes import published_changes
from logistics.selectors.pins import infeasible_pins
from logistics.selectors.schedule import recent_runs


@conference_page(*FLEET)
def schedule_board(request: HttpRequest, conference: Conference) -> HttpResponse:
    """A day's trips per vehicle (timeline and table), filtered by vehicle kind, venue and delegation, pinned legs
    marked; the day's unserved movements and the pins the published schedule could not keep; the recompute button
    and the run history. Organizers pin a leg or an unserved movement through desk.views.pins."""
    access = request.access
    day = conference_day(conference=conference, given=request.GET.get("day"))
    kinds = dict(VehicleKind.choices)
    venues = list(Venue.objects.filter(conference=conference).order_by("name").values_list("code", "name"))
    delegations = list(
        access.scope(Delegation.objects.filter(conference=conference)).order_by("code").values_list("code", "name")
    )
    kind = request.GET.get("kind", "") if request.GET.get("kind", "") in kinds else ""
    venue = request.GET.get("venue", "") if request.GET.get("venue", "") in dict(venues) else ""
    delegation = request.GET.get("delegation", "") if request.GET.get("delegation", "") in dict(delegations) else ""
    vehicles = board_vehicle_days(
        access=access, conference=conference, day=day, kind=kind, venue=venue, delegation=delegation
    )
    desk = access.role != Role.DRIVER  # a driver sees its vehicle's trips, not the desk's lists
    unserved, unserved_count = (
        board_unserved(access=access, conference=conference, day=day, venue=venue, delegation=delegation)
        if desk
        else ([], 0)
    )
    days = [
        date.fromordinal(ordinal)
        for ordinal in range(conference.start_date.toordinal(), conference.end_date.toordinal() + 1)
    ]
    return render(
        request,
        "logistics/board.html",
        {
            "conference": conference,
            "day": day,
            "days": days,
            "vehicles": vehicles,
            "trip_count": sum(len(row.trips) for row in vehicles),
            "filters": {"kind": kind, "venue": venue, "delegation": delegation},
            "kinds": VehicleKind.choices,
            "venues": venues,
            "delegations": delegations,
            "hours": [
                (hour, (hour - TIMELINE_START_HOUR) * 100 / (TIMELINE_END_HOUR - TIMELINE_START_HOUR))
                for hour in range(TIMELINE_START_HOUR, TIMELINE_END_HOUR, 2)
            ],
            "runs": recent_runs(access=access, conference=conference),
            "show_runs": access.role != Role.DRIVER,
            "can_recompute": access.role == Role.ORGANIZER,
            "changes": published_changes(access=access, conference=conference),
            "can_pin": access.role == Role.ORGANIZER,
            "pin_url": reverse("pin", args=[conference.code]),
            "show_unserved": desk,
            "unserved": unserved,
            "unserved_count": unserved_count,
            "infeasible_pins": infeasible_pins(access=access, conference=conference) if desk else [],
        },
    )


@conference_page(*FLEET)
def run_sheet(request: HttpRequest, conference: Conference, callsign: str, day: str) -> HttpResponse:
    """One vehicle's trips of one day with every stop and passenger, to print for the driver."""
    try:
        on = date.fromisoformat(day)
    except ValueError:
        raise Http404(_("No such day.")) from None
    vehicle = (
        request.access.scope(Vehicle.objects.filter(conference=conference, callsign=callsign))
        .select_related("driver", "depot")
        .first()
    )
    if vehicle is None:
        raise Http404(_("No such vehicle."))
    trips = day_trips(access=request.access, conference=conference, day=on, vehicle_ids=[vehicle.pk])
    return render(
        request,
        "logistics/runsheet.html",
        {"conference": conference, "vehicle": vehicle, "day": on, "trips": trips, "driver": _driver(vehicle)},
    )


def _driver(vehicle: Vehicle):
    return getattr(vehicle, "driver", None)
