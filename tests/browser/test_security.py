"""The pages under the Content-Security-Policy (convoy/settings.py, security block) in a real browser: every page
renders and works with nothing refused (the page fixtures fail a test on any refusal, see conftest.py), the
timeline's bars sit where the board's nonce'd style block puts them, the map's stop numbers take their route's
colour, and Swagger UI draws the API from its split start-up script."""

import pytest
from playwright.sync_api import expect

from tests.browser import flows

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/",
    "/c/CASC/",
    "/c/CASC/delegates/",
    "/c/CASC/delegates/PA-1/",
    "/c/CASC/requests/",
    "/c/CASC/fleet/",
    "/c/CASC/runsheet/ARM-01/2026-12-07/",
    "/admin/",
    "/admin/logistics/trip/",
]


def test_every_page_renders_under_the_policy(desktop_page, world):
    page = desktop_page
    world.users["organizer"].is_staff = world.users["organizer"].is_superuser = True
    world.users["organizer"].save()
    flows.log_in(page, world.users["organizer"].username)
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        expect(page.locator("body")).not_to_be_empty()


def test_the_timeline_bars_are_placed_by_the_nonced_style_block(desktop_page, world):
    page = desktop_page
    flows.log_in(page, world.users["organizer"].username, next_url="/c/CASC/board/?day=2026-12-07")
    bars = page.locator("#timeline .timeline-bar")
    expect(bars.first).to_be_visible()
    track = page.locator("#timeline .timeline-track").nth(1).bounding_box()
    for index in range(bars.count()):
        box = bars.nth(index).bounding_box()
        assert track["x"] < box["x"] < track["x"] + track["width"] / 2  # 08:20 local, in the first half of the day
        assert 3 < box["width"] < track["width"] / 10  # a 25-minute trip
    hours = page.locator("#timeline .timeline-hour")
    assert hours.nth(1).bounding_box()["x"] > hours.nth(0).bounding_box()["x"] + 20


def test_the_maps_stop_numbers_take_their_routes_colour(desktop_page, world):
    page = desktop_page
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    flows.log_in(page, world.users["organizer"].username)
    page.goto("/c/CASC/map/?from=2026-12-07T08:00&to=2026-12-07T10:00")
    expect(page.locator("#map[data-rendered]")).to_be_attached(timeout=15_000)
    numbers = page.locator(".stop-number span")
    assert numbers.count() == 4  # two trips of two stops
    line = page.locator("path.route-line").first.get_attribute("stroke")
    colours = numbers.evaluate_all("spans => spans.map(span => getComputedStyle(span).borderTopColor)")
    assert all(colour != "rgb(0, 0, 0)" for colour in colours) and line


def test_swagger_ui_draws_the_api(desktop_page, live_server):
    page = desktop_page
    response = page.goto("/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Convoy API", timeout=15_000)
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 20
    page.locator(".opblock-summary").first.click()  # an operation opens
    expect(page.locator(".opblock-body").first).to_be_visible()
