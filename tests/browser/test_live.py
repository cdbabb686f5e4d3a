"""The live pages bring themselves up to date: an organizer's dashboard shows a new exception, and the fleet page
a vehicle's new status reported from elsewhere, without anyone reloading."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from logistics.models import DeskAlert
from logistics.services.fleet import vehicle_status_report
from tests.browser import flows

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def quick_polls(settings):
    settings.LIVE_POLL_SECONDS = 1


def test_the_dashboard_shows_a_new_no_show_without_a_reload(desktop_page, world):
    page = desktop_page
    flows.log_in(page, world.users["organizer"].username, next_url="/c/CASC/")
    expect(page.locator("#alerts")).to_contain_text("No exception")
    page.evaluate("window.notReloaded = true")
    DeskAlert.objects.create(
        conference=world.conference,
        kind="no_show",
        key="no-show-1",
        raised_at=timezone.now(),
        data={"passenger": "PA-1", "delegation": "PA", "place_name": "Hilton", "vehicle": "VAN-01"},
    )
    expect(page.locator("#alerts")).to_contain_text("PA-1 (PA) was not at Hilton for VAN-01.", timeout=8000)
    expect(page.locator("#live-note")).to_contain_text("Updated")
    assert page.evaluate("window.notReloaded") is True  # the content changed, the page was not reloaded


def test_the_fleet_page_shows_a_status_reported_elsewhere(page, world):
    flows.log_in(page, world.users["logistics"].username, next_url="/c/CASC/fleet/")
    assert flows.shown_status(page, "VAN-01") == "available"
    vehicle_status_report(vehicle_id=world.own.vehicle.pk, event_id="from-the-api", status="en_route")
    callsign = world.own.vehicle.callsign
    expect(flows.vehicle_card(page, callsign).locator(".status-pill")).to_have_attribute(
        "data-status", "en_route", timeout=8000
    )
    flows.tap_status(page, callsign, "at_pickup")  # the buttons still work after the refresh
    expect(page.locator(".message.success")).to_contain_text(f"{callsign} is now At pickup.")
