"""The driver's phone in a real browser (390x844): log in, open the day's trips, acknowledge a trip, say one
passenger boarded and another did not show up; the desk then has the no-show alert."""

import pytest
from playwright.sync_api import expect

from logistics.models import DeskAlert, Notification, PassengerEvent, TripEvent
from tests.browser import flows
from tests.driving import DAY, airport_pickup

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_driver_acknowledges_a_trip_and_reports_its_passengers_on_a_phone(page, desktop_page, world, screenshot):
    pickup = airport_pickup(world)
    trip = pickup.trip.pk
    flows.log_in(page, world.users["driver"].username, next_url="/c/CASC/driver/")
    flows.open_driver(page, "CASC", day=DAY)
    card = flows.trip_card(page, trip)
    expect(card).to_be_visible()
    expect(card.locator(".state-pill")).to_have_text("Not acknowledged")
    # the stop opens the phone's maps; the airport pickup says the flight and when it is expected
    expect(card.locator('a.place[href^="geo:9.071400,-79.383500?q="]')).to_have_text("Tocumen Airport")
    expect(flows.rider(page, trip, 1, "PA-2").locator(".flight")).to_contain_text("Flight CM 675, lands 06:40")
    # nothing wider than the phone, and every button a thumb can hit
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = card.get_by_role("button", name="Acknowledge", exact=True).bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44

    flows.tap_trip(page, trip, "Acknowledge")

    expect(page.locator(".message.success")).to_contain_text(f"Trip {pickup.trip.code} acknowledged.")
    card = flows.trip_card(page, trip)
    expect(card.locator(".state-pill")).to_contain_text("Acknowledged")
    expect(card.get_by_role("button", name="Acknowledge", exact=True)).to_have_count(0)
    expect(card.get_by_role("button", name="Trip started", exact=True)).to_be_visible()

    flows.tap_passenger(page, trip, 1, "PA-2", "Boarded")
    expect(flows.rider(page, trip, 1, "PA-2").locator(".boarding-state")).to_contain_text("Boarded")

    flows.tap_passenger(page, trip, 1, "CR-2", "No-show")
    expect(page.locator(".message.success")).to_contain_text("Carla Flyer: no-show recorded.")
    carla = flows.rider(page, trip, 1, "CR-2")
    expect(carla.locator(".boarding-state")).to_contain_text("No-show")
    expect(carla.get_by_role("button", name="Boarded", exact=True)).to_be_visible()  # to correct it
    expect(flows.rider(page, trip, 1, "PA-2").locator(".boarding-state")).to_contain_text("Boarded")
    assert page.url.endswith(f"#stop-{trip}-1")  # back at the stop tapped
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "driver", full_page=False)

    assert list(TripEvent.objects.values_list("trip_id", "kind")) == [(trip, "acknowledged")]
    assert sorted(PassengerEvent.objects.values_list("delegate__external_id", "status")) == [
        ("CR-2", "no_show"),
        ("PA-2", "boarded"),
    ]
    # the organizer's dashboard shows the exception
    flows.log_in(desktop_page, world.users["organizer"].username, next_url="/c/CASC/")
    expect(desktop_page.locator("#alerts")).to_contain_text("CR-2 (CR) was not at Tocumen Airport for ARM-01.")
    expect(
        desktop_page.locator("#alerts").get_by_role("button", name="Cancel their later transport today")
    ).to_be_visible()
    alert = DeskAlert.objects.get(kind="no_show", resolved_at__isnull=True)
    assert (alert.data["passenger"], alert.data["vehicle"], alert.data["place"]) == ("CR-2", "ARM-01", "PTY")
    assert Notification.objects.filter(channel="email", recipient="liaison-cr@example.org").count() == 1
