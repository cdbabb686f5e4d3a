"""Every list and every itinerary costs the same number of queries for one row as for many."""

import pytest

from logistics.services.fleet import vehicle_status_report
from tests.factories import (
    DelegateFactory,
    DelegationFactory,
    DriverFactory,
    ResourceRequestFactory,
    ScheduleRunFactory,
    SessionFactory,
    VehicleFactory,
    VenueFactory,
    published_ride,
)
from tests.queries import get_queries

PATHS = [
    "conferences/",
    "venues/",
    "sessions/",
    "delegations/",
    "delegates/",
    "vehicles/",
    "vehicles/ARM-01/status",
    "trips/",
    "runs/",
    "requests/",
    "delegations/PA/itinerary",
    "delegations/PA/itinerary.ics",
    "delegates/PA-1/itinerary",
    "delegates/PA-1/itinerary.ics",
    "conferences/CASC/schedule",
    "conferences/CASC/map/venues?from=2026-12-07T00:00:00-05:00&to=2026-12-08T00:00:00-05:00",
    "conferences/CASC/map/vehicles",
    "conferences/CASC/map/routes?from=2026-12-07T00:00:00-05:00&to=2026-12-08T00:00:00-05:00",
]


def _grow(world, n: int, start: int = 0) -> None:
    """n more of every row the lists show; the PA delegate gets n more rides, PA n more delegates."""
    conference, version = world.conference, world.version
    for i in range(start, start + n):
        VenueFactory(conference=conference)
        SessionFactory(conference=conference, venue=world.session.venue)
        delegation = DelegationFactory(conference=conference)
        delegate = DelegateFactory(conference=conference, delegation=world.own.delegation)
        vehicle = VehicleFactory(conference=conference, depot=world.own.vehicle.depot)
        DriverFactory(conference=conference, vehicle=vehicle)  # legs, vehicles and the map show it: no query more
        published_ride(version=version, delegate=delegate, vehicle=vehicle, session=world.session)
        published_ride(version=version, delegate=world.own.delegate, vehicle=vehicle)
        ResourceRequestFactory(conference=conference, delegation=delegation)
        ScheduleRunFactory(conference=conference)
        vehicle_status_report(vehicle_id=world.own.vehicle.pk, event_id=f"grow-{i}", status="en_route")


@pytest.mark.parametrize("path", PATHS)
def test_queries_do_not_grow_with_rows(world, api_client, path):
    client = api_client(world.users["organizer"])
    url = f"/api/v1/{path}"
    _grow(world, 1)  # every list has at least one row: an empty page skips its query
    few = get_queries(client, url)
    _grow(world, 4, start=1)
    many = get_queries(client, url)
    assert many == few


def test_grown_lists_hold_the_new_rows(world, api_client):
    """The growth above is real: the counted pages do show more rows."""
    client = api_client(world.users["organizer"])
    before = client.get("/api/v1/delegates/PA-1/itinerary").json()
    _grow(world, 4)
    after = client.get("/api/v1/delegates/PA-1/itinerary").json()
    assert len(after["movements"]) == len(before["movements"]) + 4
    assert client.get("/api/v1/trips/").json()["count"] == 2 + 8


@pytest.mark.parametrize("role", ["liaison", "driver"])
def test_a_bound_roles_map_venues_cost_no_more_queries_with_rows(world, api_client, role):
    """A liaison's and a driver's venue counts are narrowed inside the same queries."""
    client = api_client(world.users[role])
    url = "/api/v1/" + next(path for path in PATHS if "/map/venues" in path)
    _grow(world, 1)
    few = get_queries(client, url)
    _grow(world, 4, start=1)
    assert get_queries(client, url) == few
