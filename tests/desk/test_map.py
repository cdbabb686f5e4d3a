import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DelegationFactory, VenueFactory


def map_url(code: str = "CASC", **query) -> str:
    url = reverse("map", args=[code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def attribute(page: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', page)
    assert found, f"{name} is not on the page"
    return found.group(1)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("organizer", 200), ("logistics", 200), ("reader", 200), ("driver", 200), ("liaison", 403), ("norole", 403)],
)
def test_map_page_is_for_the_desk_and_drivers(client, world, role, expected):
    client.force_login(world.users[role])
    assert client.get(map_url()).status_code == expected


def test_map_page_needs_a_login_and_a_known_conference(client, world):
    response = client.get(map_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(world.users["logistics"])
    assert client.get(map_url("NOPE")).status_code == 404


def test_the_map_element_holds_the_endpoints_tiles_and_zone(client, world, settings):
    client.force_login(world.users["logistics"])
    page = client.get(map_url()).content.decode()
    assert attribute(page, "data-venues-url") == "/api/v1/conferences/CASC/map/venues"
    assert attribute(page, "data-vehicles-url") == "/api/v1/conferences/CASC/map/vehicles"
    assert attribute(page, "data-routes-url") == "/api/v1/conferences/CASC/map/routes"
    assert attribute(page, "data-venues-url") == reverse("v1:map-venues", kwargs={"code": "CASC"})
    assert attribute(page, "data-conference") == "CASC"
    assert attribute(page, "data-time-zone") == world.conference.timezone
    _name, url, options = settings.LEAFLET_CONFIG["TILES"][0]
    assert attribute(page, "data-tiles-url") == url
    assert attribute(page, "data-tiles-attribution") == options["attribution"].replace("&", "&amp;")
    # Leaflet from django-leaflet's static files, no CDN; the page's script is a file, not inline
    assert "/static/leaflet/leaflet.js" in page and "/static/logistics/map.js" in page
    assert "unpkg" not in page and "cdn" not in page.lower()
    assert "<script>" not in page
    assert 'href="/c/CASC/map/" aria-current="page">Map</a>' in page  # the menu entry


def test_labels_are_translated_and_in_a_json_script(client, world):
    client.force_login(world.users["logistics"])
    client.cookies["django_language"] = "es"
    page = client.get(map_url()).content.decode()
    labels = json.loads(re.search(r'<script id="map-labels" type="application/json">(.*?)</script>', page).group(1))
    assert labels["status"]["en_route"] == "En camino"
    assert labels["vehicleKind"]["armoured_suv"] and labels["venueKind"]["hotel"] == "Hotel"
    assert "%(minutes)s" in labels["stale"]
    assert "Mapa" in page


def test_the_window_defaults_to_two_hours_and_takes_the_query(client, world):
    client.force_login(world.users["logistics"])
    page = client.get(map_url()).content.decode()
    start = re.search(r'name="from" value="([^"]+)"', page).group(1)
    end = re.search(r'name="to" value="([^"]+)"', page).group(1)
    assert start < end and len(start) == len("2026-12-07T08:00")
    page = client.get(map_url(**{"from": "2026-12-07T07:00", "to": "2026-12-07T10:30"})).content.decode()
    assert 'name="from" value="2026-12-07T07:00"' in page and 'name="to" value="2026-12-07T10:30"' in page
    page = client.get(map_url(**{"from": "nonsense", "to": "2020-01-01T00:00"})).content.decode()
    assert re.search(r'name="from" value="\d{4}-\d\d-\d\dT\d\d:\d\d"', page)


def test_filters_are_filled_from_the_conference_and_the_delegate_search_is_for_delegation_roles(client, world):
    client.force_login(world.users["reader"])
    page = client.get(map_url()).content.decode()
    assert '<option value="PA">PA \u2013 Panama</option>' in page and '<option value="CR">' in page
    assert '<option value="armoured_suv">' in page and '<option value="out_of_service">' in page
    assert f'<option value="{world.own.delegate.hotel.code}">' in page
    assert 'name="delegate"' in page
    client.force_login(world.users["logistics"])
    page = client.get(map_url()).content.decode()
    assert 'name="delegate"' not in page and 'name="callsign"' in page


def test_a_driver_sees_no_delegations_to_filter_by(client, world):
    client.force_login(world.users["driver"])
    page = client.get(map_url()).content.decode()
    assert 'name="delegation"' not in page and 'name="delegate"' not in page


def test_another_conference_is_not_offered(client, world):
    other = DelegationFactory(code="XX")
    VenueFactory(conference=other.conference, code="ELSEWHERE")
    client.force_login(world.users["organizer"])
    page = client.get(map_url()).content.decode()
    assert 'value="XX"' not in page and 'value="ELSEWHERE"' not in page


def test_the_page_takes_a_bounded_number_of_queries(client, world):
    client.force_login(world.users["organizer"])
    client.get(map_url())
    with CaptureQueriesContext(connection) as few:
        client.get(map_url())
    for number in range(20):
        VenueFactory(conference=world.conference, code=f"V{number}")
        DelegationFactory(conference=world.conference, code=f"D{number}")
    with CaptureQueriesContext(connection) as many:
        client.get(map_url())
    assert len(many) == len(few) <= 8
