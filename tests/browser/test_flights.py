"""Flights in a real browser: an organizer delays an arrival flight by two hours on the flights page, the schedule
is recomputed (in-process, without a broker), and the delegate's page shows the pickup at the airport later."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from logistics.models import RunStatus, ScheduleRun, StopPassenger
from logistics.services.schedule import schedule_recompute
from tests.browser import flows
from tests.factories import UserFactory, UserRoleFactory
from tests.flights import flying_conference

pytestmark = pytest.mark.django_db(transaction=True)


def arrival_pickup(external_id: str):
    """When the delegate's arrival leg of the current version is picked up (its boarding stop)."""
    boarding = StopPassenger.objects.get(
        movement__version__is_current=True,
        movement__delegate__external_id=external_id,
        movement__kind="arrival",
        action="board",
    )
    return boarding.stop.arrive_at


@pytest.fixture
def flying():
    """The flying conference (tests/flights.py) with its schedule published."""
    flying = flying_conference()
    run = schedule_recompute(conference_id=flying.conference.pk)
    assert run.status == RunStatus.SUCCEEDED, run.error
    return flying


def test_organizer_delays_an_arrival_and_the_delegates_pickup_moves(desktop_page, flying, screenshot):
    page = desktop_page
    zone = flying.conference.zone
    before = arrival_pickup("PA-1")
    user = UserFactory(username="flightdesk")
    UserRoleFactory(user=user, role="organizer")

    flows.log_in(page, user.username, next_url="/c/FLY/flights/?day=2026-12-07")
    card = page.locator('article[data-flight="CM 675"][data-kind="arrival"]')
    expect(card.locator(".scheduled")).to_have_text("09:55")
    expect(card.locator(".expected")).to_contain_text("as scheduled")
    card.locator('input[name="expected_at"]').fill("2026-12-07T11:55")
    with page.expect_navigation(timeout=60_000):  # the recompute runs within the request here
        card.get_by_role("button", name="Save").click()
    expect(page.locator(".message.success")).to_contain_text("CM 675 is now expected at 11:55")
    card = page.locator('article[data-flight="CM 675"][data-kind="arrival"]')
    expect(card.locator(".expected")).to_contain_text("11:55")
    expect(card.locator(".late")).to_contain_text("120 minutes late")
    screenshot(page, "flights", full_page=False)

    run = ScheduleRun.objects.filter(conference=flying.conference).latest("created_at")
    assert run.status == RunStatus.SUCCEEDED, run.error
    after = arrival_pickup("PA-1")
    assert after - before >= timedelta(hours=1), (before, after)  # two hours later, give or take the window

    card.locator("summary").click()
    card.get_by_role("link", name="Ana Flyer PA-1").click()
    page.wait_for_url("**/c/FLY/delegates/PA-1/")
    pickup = page.locator("#itinerary tr.leg", has_text="Arrival").locator("td").first
    expect(pickup).to_contain_text(after.astimezone(zone).strftime("%H:%M"))
    expect(pickup).not_to_contain_text(before.astimezone(zone).strftime("%H:%M"))
