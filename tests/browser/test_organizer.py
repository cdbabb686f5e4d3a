"""An organizer's day in a real browser: import the panama-small scenario, recompute, read the dashboard and the
board, approve a request. Reads ../shared/scenarios/panama-small (skipped where it is absent)."""

import pytest
from playwright.sync_api import expect

from logistics.models import ResourceRequest, ScheduleVersion
from tests.browser import flows
from tests.factories import UserFactory, UserRoleFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.scenario]


@pytest.fixture
def desk_organizer(db):
    user = UserFactory(username="desk", permissions=["delegates.import_scenario"])
    UserRoleFactory(user=user, role="organizer")
    return user


def test_organizer_imports_recomputes_and_approves(desktop_page, desk_organizer, panama_small, screenshot):
    page = desktop_page
    flows.log_in(page, desk_organizer.username)
    flows.import_scenario(page, panama_small)
    expect(page.locator("#import-result")).to_contain_text("CASC26")

    flows.recompute_on_board(page, "CASC26")
    version = ScheduleVersion.objects.get(conference__code="CASC26", is_current=True)
    assert version.trips.exists()
    flows.open_board(page, "CASC26", day="2026-12-07")
    expect(page.locator("#timeline .timeline-bar").first).to_be_visible()
    expect(page.locator("#runs .run-succeeded").first).to_be_visible()
    screenshot(page, "board", full_page=False)

    flows.open_dashboard(page, "CASC26", at="2026-12-07T08:00")
    expect(page.locator("#version")).to_be_visible()
    expect(page.locator("#upcoming tbody tr").first).to_be_visible()
    screenshot(page, "dashboard", full_page=False)

    delegation = version.conference.delegations.order_by("code").first()
    request = ResourceRequest.objects.create(
        conference=version.conference,
        delegation=delegation,
        kind="interpreter",
        window_start=version.trips.order_by("starts_at").first().starts_at,
        window_end=version.trips.order_by("starts_at").first().ends_at,
        notes="French and Spanish",
    )
    flows.approve_request(page, "CASC26", request.pk)
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == desk_organizer
