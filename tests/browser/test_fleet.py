"""The fleet page on a phone, in a real browser: log in, tap a status, see it; switch the language."""

import pytest
from playwright.sync_api import expect

from logistics.models import Vehicle
from tests.browser import flows
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


def test_logistics_taps_a_status_on_a_phone_and_sees_it(page, world, screenshot):
    user = world.users["logistics"]
    flows.log_in(page, user.username, next_url="/c/CASC/fleet/")
    expect(flows.vehicle_card(page, "VAN-01")).to_be_visible()
    assert flows.shown_status(page, "VAN-01") == "available"

    flows.tap_status(page, "VAN-01", "en_route")

    expect(page.locator(".message.success")).to_contain_text("VAN-01 is now En route.")
    assert flows.shown_status(page, "VAN-01") == "en_route"
    assert page.url.endswith("/c/CASC/fleet/#vehicle-VAN-01")
    assert Vehicle.objects.get(callsign="VAN-01").status == "en_route"
    # the buttons now offer what en route may become, and en route again as 'still here'
    van = flows.vehicle_card(page, "VAN-01")
    expect(van.locator(".status-button.current")).to_contain_text("Still here")
    expect(van.locator('input[name="status"][value="at_pickup"]')).to_have_count(1)
    # a tap reaches at least 44 px square on the phone
    box = van.locator(".status-button").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44

    flows.tap_status(page, "ARM-01", "delayed")
    page.goto("/c/CASC/fleet/")
    screenshot(page, "fleet")


def test_language_switch_sticks_across_pages(page, world):
    flows.log_in(page, world.users["logistics"].username, next_url="/c/CASC/fleet/")
    assert flows.html_lang(page) == "en"

    expect(page.locator("header form.language").get_by_role("button", name="Español")).to_be_visible()
    flows.switch_language(page, "es")

    assert flows.html_lang(page) == "es"
    assert "/c/CASC/fleet/" in page.url
    page.goto("/")
    assert flows.html_lang(page) == "es"
    flows.switch_language(page, "en")
    assert flows.html_lang(page) == "en"


def test_a_tap_sends_the_position_when_the_phone_shares_it(browser, live_server, world):
    context = browser.new_context(
        base_url=live_server.url,
        geolocation={"latitude": 8.9824, "longitude": -79.519, "accuracy": 15},
        permissions=["geolocation"],
        **PHONE,
    )
    try:
        page = context.new_page()
        flows.log_in(page, world.users["driver"].username, next_url="/c/CASC/fleet/")
        expect(page.locator("[data-geo-hint]")).to_be_visible()  # the position is in the forms
        flows.tap_status(page, "ARM-01", "en_route")
        assert flows.shown_status(page, "ARM-01") == "en_route"
    finally:
        context.close()
    vehicle = Vehicle.objects.get(callsign="ARM-01")
    assert (float(vehicle.last_latitude), float(vehicle.last_longitude)) == (8.9824, -79.519)
    assert vehicle.status_events.get().accuracy_m == 15
