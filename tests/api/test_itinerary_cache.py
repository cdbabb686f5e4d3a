"""The itinerary cache never serves what has changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from logistics.models import ScheduleVersion
from logistics.services.fleet import vehicle_status_report
from tests.factories import ScheduleVersionFactory, published_ride

URL = "/api/v1/delegates/PA-1/itinerary"


def _get(client):
    with CaptureQueriesContext(connection) as queries:
        body = client.get(URL).json()
    return body, len(queries)


def test_a_repeated_itinerary_comes_from_the_cache_with_fewer_queries(world, api_client):
    client = api_client(world.users["liaison"])
    first, built = _get(client)
    second, cached = _get(client)
    assert second == first
    assert cached < built


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda w: setattr(w.own.vehicle.driver, "phone", "+507 6999-9999"), id="driver phone"),
        pytest.param(lambda w: setattr(w.own.delegate, "family_name", "Renamed"), id="delegate name"),
        pytest.param(lambda w: setattr(w.session.venue, "name", "Renamed Hall"), id="venue name"),
        pytest.param(lambda w: setattr(w.session, "title", "Renamed plenary"), id="session title"),
        pytest.param(lambda w: setattr(w.own.vehicle, "plate", "PA-000001"), id="vehicle plate"),
    ],
)
def test_an_edit_of_what_the_itinerary_shows_is_served_at_once(world, api_client, edit):
    client = api_client(world.users["liaison"])
    before, _ = _get(client)
    edit(world)
    for row in (world.own.vehicle.driver, world.own.delegate, world.session.venue, world.session, world.own.vehicle):
        row.save()
    after, _ = _get(client)
    assert after != before
    leg = after["movements"][0]
    shown = (
        leg["driver"]["phone"],
        after["delegate"]["family_name"],
        leg["destination"]["name"],
        leg["session"]["title"],
        leg["vehicle"]["plate"],
    )
    assert {"+507 6999-9999", "Renamed", "Renamed Hall", "Renamed plenary", "PA-000001"} & set(shown)


def test_live_vehicle_status_is_read_on_every_request(world, api_client):
    client = api_client(world.users["liaison"])
    _get(client)
    vehicle_status_report(vehicle_id=world.own.vehicle.pk, event_id="live-1", status="en_route")
    after, _ = _get(client)
    assert after["movements"][0]["vehicle"]["status"] == "en_route"


def test_a_new_published_version_is_served_at_once(world, api_client):
    client = api_client(world.users["liaison"])
    before, _ = _get(client)
    ScheduleVersion.objects.update(is_current=False)
    newer = ScheduleVersionFactory(conference=world.conference, is_current=True)
    published_ride(version=newer, delegate=world.own.delegate, vehicle=world.other.vehicle)
    after, _ = _get(client)
    assert after["version"] == newer.number != before["version"]
    assert after["movements"][0]["vehicle"]["callsign"] == "VAN-01"


def test_an_import_marks_cached_itineraries_stale(db, demo_scenario):
    from conference.models import Conference
    from logistics.services.imports import scenario_folder_files, scenario_import

    report = scenario_import(files=scenario_folder_files(demo_scenario), recompute=False)
    conference = Conference.objects.get(code=report.conference)
    scenario_import(files=scenario_folder_files(demo_scenario), recompute=False)
    assert Conference.objects.get(pk=conference.pk).data_revision == conference.data_revision + 1
