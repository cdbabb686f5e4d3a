"""The map page: venues, vehicles and the routes of a time window on a Leaflet map, kept live by polling the
GeoJSON endpoints (api/views/map.py). The page itself only carries the filters, the endpoint URLs
and the labels; static/logistics/map.js draws and refreshes everything."""

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from conference.access import DELEGATION_DATA, FLEET
from conference.models import Conference, Venue, VenueKind
from conference.selectors.conferences import conference_now
from delegates.models import Delegation
from desk.pages import conference_page, local_moment
from logistics.models import VehicleKind, VehicleStatus

# The default window of routes: from now, this long.
WINDOW = timedelta(hours=2)
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def map_labels() -> dict:
    """Every word map.js shows, translated for the page's language."""
    return {
        "status": dict(VehicleStatus.choices),
        "vehicleKind": dict(VehicleKind.choices),
        "venueKind": dict(VenueKind.choices),
        "seats": _("Seats"),
        "driver": _("Driver"),
        "noDriver": _("No driver"),
        "currentTrip": _("Current trip"),
        "nextTrip": _("Next trip"),
        "noTrip": _("None"),
        "atDepot": _("At the depot"),
        # %(minutes)s is replaced in map.js
        "stale": _("Position %(minutes)s min old"),
        "noPosition": _("No position reported"),
        "sessions": _("Sessions"),
        "arrivals": _("Arrivals"),
        "departures": _("Departures"),
        "pickups": _("Pick-ups"),
        "dropoffs": _("Drop-offs"),
        "trip": _("Trip"),
        "vehicle": _("Vehicle"),
        "stops": _("Stops"),
        # %(n)s is replaced in map.js
        "board": _("%(n)s get on"),
        "alight": _("%(n)s get off"),
        "notFound": _("No vehicle with this callsign on the map."),
        "loadError": _("The map data could not be loaded; retrying."),
        "updated": _("Updated %(time)s"),
        "counts": _("%(vehicles)s vehicles, %(venues)s venues, %(routes)s routes"),
    }


@conference_page(*FLEET)
def conference_map(request: HttpRequest, conference: Conference) -> HttpResponse:
    access = request.access
    zone = conference.zone
    now = conference_now(conference=conference).replace(second=0, microsecond=0)
    start = local_moment(request.GET.get("from"), zone) or now
    end = local_moment(request.GET.get("to"), zone) or start + WINDOW
    if end <= start:
        end = start + WINDOW
    venues = list(Venue.objects.filter(conference=conference).order_by("name").values_list("code", "name"))
    delegations = list(
        access.scope(Delegation.objects.filter(conference=conference)).order_by("code").values_list("code", "name")
    )
    name, tiles_url, tiles_options = settings.LEAFLET_CONFIG["TILES"][0]
    centre = settings.LEAFLET_CONFIG["DEFAULT_CENTER"]
    return render(
        request,
        "logistics/map.html",
        {
            "conference": conference,
            "endpoints": {
                kind: reverse(f"v1:map-{kind}", kwargs={"code": conference.code})
                for kind in ("venues", "vehicles", "routes")
            },
            "tiles": {"url": tiles_url, "attribution": tiles_options.get("attribution", ""), "name": name},
            "max_zoom": tiles_options.get("maxZoom", 19),
            "centre": f"{centre[0]},{centre[1]}",
            "zoom": settings.LEAFLET_CONFIG.get("DEFAULT_ZOOM", 12),
            "start": start.strftime(LOCAL_FORMAT),
            "end": end.strftime(LOCAL_FORMAT),
            "kinds": VehicleKind.choices,
            "statuses": VehicleStatus.choices,
            "venues": venues,
            "delegations": delegations,
            "show_delegate": access.role in DELEGATION_DATA,
            "labels": map_labels(),
        },
    )
