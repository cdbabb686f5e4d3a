"""The map in a real browser: panama-small after a recompute, its vehicle markers and route lines, and a status
posted through the API that changes a marker's colour without a reload. Reads ../shared/scenarios/panama-small
(skipped where it is absent)."""

import json
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from conference.models import Conference
from logistics.models import RunStatus, Trip, Vehicle
from logistics.services.imports import scenario_folder_files, scenario_import
from logistics.services.schedule import schedule_recompute
from logistics.services.users import api_token_for
from tests.browser import flows
from tests.factories import UserFactory, UserRoleFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.scenario]

AVAILABLE = "rgb(31, 122, 58)"  # .vehicle-dot.status-available
DELAYED = "rgb(163, 82, 0)"  # .vehicle-dot.status-delayed


@pytest.fixture
def recomputed_small(panama_small):
    """panama-small imported and recomputed in-process (its schedule published)."""
    report = scenario_import(files=scenario_folder_files(panama_small), recompute=False)
    assert report.ok, report.as_text()
    conference = Conference.objects.get(code=report.conference)
    run = schedule_recompute(conference_id=conference.pk)
    assert run.status == RunStatus.SUCCEEDED, run.error
    return conference


def no_tiles(page) -> None:
    """The map works without tiles: the tile server is never reached from a test."""
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())


def dot_colour(page, callsign: str) -> str:
    marker = page.locator(f'.vehicle-marker[data-callsign="{callsign}"] .vehicle-dot')
    return marker.evaluate("element => getComputedStyle(element).backgroundColor")


def test_map_draws_vehicles_and_routes_and_follows_a_status(desktop_page, live_server, recomputed_small, screenshot):
    conference = recomputed_small
    page = desktop_page
    user = UserFactory(username="mapdesk")
    UserRoleFactory(user=user, role="organizer")
    # the first two hours with trips, in the conference's time zone
    trips = Trip.objects.filter(version__conference=conference, version__is_current=True)
    first = trips.order_by("starts_at").first().starts_at.astimezone(conference.zone)
    start = first.replace(minute=0, second=0, microsecond=0)
    end = start + timedelta(hours=2)
    expected_routes = trips.filter(starts_at__lt=end, ends_at__gt=start).count()
    expected_vehicles = Vehicle.objects.filter(conference=conference).count()
    assert expected_routes > 0

    no_tiles(page)
    window = f"from={start:%Y-%m-%dT%H:%M}&to={end:%Y-%m-%dT%H:%M}"
    flows.log_in(page, user.username)
    page.goto(f"/c/{conference.code}/map/?{window}")
    expect(page.locator("#map[data-rendered]")).to_be_attached(timeout=15_000)

    assert page.locator(".vehicle-marker[data-callsign]").count() == expected_vehicles
    assert page.locator("path.route-line").count() == expected_routes
    assert page.locator("#map").get_attribute("data-route-count") == str(expected_routes)
    assert page.locator(".venue-marker").count() == conference.venues.count()
    assert page.locator(".stop-number").count() >= 2 * expected_routes
    expect(page.locator("#map-status")).to_contain_text(f"{expected_vehicles} vehicles")

    vehicle = Vehicle.objects.filter(conference=conference, status="available").order_by("callsign").first()
    callsign = vehicle.callsign
    marker = page.locator(f'.vehicle-marker[data-callsign="{callsign}"]')
    assert marker.get_attribute("data-status") == "available"
    assert marker.get_attribute("data-at-depot") == "true"
    assert dot_colour(page, callsign) == AVAILABLE
    page.evaluate("window.convoyNotReloaded = true")

    # a route's popup lists its stops with times
    page.locator("path.route-line").first.click(force=True)
    expect(page.locator(".leaflet-popup-content .map-stops li").first).to_be_visible()
    page.locator(".leaflet-popup-close-button").click()

    answer = page.request.post(
        f"{live_server.url}/api/v1/vehicles/{callsign}/status",
        headers={"Authorization": f"Token {api_token_for(user=user)}", "Content-Type": "application/json"},
        data=json.dumps({"event_id": uuid.uuid4().hex, "status": "delayed", "latitude": 8.99, "longitude": -79.51}),
    )
    assert answer.status == 201 or answer.ok, answer.text()

    expect(marker).to_have_attribute("data-status", "delayed", timeout=10_000)
    expect(marker).to_have_attribute("data-at-depot", "false")
    assert dot_colour(page, callsign) == DELAYED
    assert page.evaluate("window.convoyNotReloaded") is True  # changed in place, no reload

    # the callsign search highlights the vehicle and opens its popup
    page.locator("input[name=callsign]").fill(callsign)
    page.locator("#map-filters button[type=submit]").click()
    expect(page.locator(f'.vehicle-marker.highlighted[data-callsign="{callsign}"]')).to_be_attached()
    expect(page.locator(".leaflet-popup-content").filter(has_text="Delayed")).to_contain_text(callsign)

    page.goto(f"/c/{conference.code}/map/?{window}")
    expect(page.locator("#map[data-rendered]")).to_be_attached(timeout=15_000)
    screenshot(page, "map")
