"""A liaison never reaches another delegation's data, and a driver another vehicle's, by any id or filter."""

import pytest

from tests.factories import ConferenceFactory, DelegateFactory, DelegationFactory, UserRoleFactory

LIAISON_READS = [
    "delegations/",
    "delegations/?conference=CASC",
    "delegations/?page_size=1000",
    "delegates/",
    "delegates/?delegation=CR",
    "delegates/?search=Bruno",
    "delegates/?search=CR-1",
    "delegates/?conference=CASC",
    "delegates/?hotel={other_hotel}",
    "delegates/?arrival_day=2026-12-07",
    "requests/",
    "requests/?delegation=CR",
    "requests/?status=submitted",
    "delegations/PA/itinerary",
    "delegates/PA-1/itinerary",
    "delegates/PA-1/itinerary.ics",
]


def _texts(world):
    other = world.other
    return [other.delegate.external_id, other.delegate.given_name, other.delegation.name, f'"id":{other.request.pk},']


@pytest.mark.parametrize("path", LIAISON_READS)
def test_liaison_sees_nothing_of_another_delegation(world, api_client, path):
    client = api_client(world.users["liaison"])
    response = client.get("/api/v1/" + path.format(other_hotel=world.other.delegate.hotel.code))
    assert response.status_code == 200
    body = response.content.decode()
    for text in _texts(world):
        assert text not in body


@pytest.mark.parametrize(
    "path",
    [
        "delegates/CR-1",
        "delegates/CR-1?conference=CASC",
        "delegates/CR-1/itinerary",
        "delegates/CR-1/itinerary.ics",
        "delegations/CR",
        "delegations/CR/itinerary",
        "delegations/CR/itinerary.ics",
        "requests/{other_request}",
    ],
)
def test_liaison_gets_404_for_another_delegations_objects_like_for_missing_ones(world, api_client, path):
    client = api_client(world.users["liaison"])
    response = client.get("/api/v1/" + path.format(other_request=world.other.request.pk))
    missing = client.get("/api/v1/" + path.replace("CR-1", "XX-9").replace("CR", "XX").format(other_request=999999))
    assert response.status_code == missing.status_code == 404
    assert response.json()["code"] == missing.json()["code"] == "not_found"


def test_liaison_cannot_write_for_another_delegation(world, api_client):
    client = api_client(world.users["liaison"])
    other = world.other.request
    assert client.post(f"/api/v1/requests/{other.pk}/cancel", {}, format="json").status_code == 404
    created = client.post(
        "/api/v1/requests/",
        {
            "delegation": "CR",
            "kind": "interpreter",
            "window_start": "2026-12-07T09:00:00-05:00",
            "window_end": "2026-12-07T10:00:00-05:00",
        },
        format="json",
    )
    unknown = client.post(
        "/api/v1/requests/",
        {
            "delegation": "NOPE",
            "kind": "interpreter",
            "window_start": "2026-12-07T09:00:00-05:00",
            "window_end": "2026-12-07T10:00:00-05:00",
        },
        format="json",
    )
    assert created.status_code == unknown.status_code == 400
    assert created.json()["fields"]["delegation"][0].removeprefix("CR") == unknown.json()["fields"]["delegation"][
        0
    ].removeprefix("NOPE")
    other.refresh_from_db()
    assert other.status == "submitted"


def test_liaison_of_another_conference_sees_nothing_of_this_one(world, api_client):
    elsewhere = DelegationFactory(conference=ConferenceFactory(code="OTHER"), code="PA")
    DelegateFactory(conference=elsewhere.conference, delegation=elsewhere, external_id="PA-1", given_name="Other")
    client = api_client(UserRoleFactory(role="liaison", delegation=elsewhere).user)
    conferences = client.get("/api/v1/conferences/").json()
    assert [c["code"] for c in conferences["results"]] == ["OTHER"]
    assert client.get("/api/v1/conferences/CASC").status_code == 404
    assert client.get("/api/v1/sessions/PLEN").status_code == 404
    assert client.get("/api/v1/delegates/PA-1").json()["given_name"] == "Other"
    assert client.get("/api/v1/delegates/PA-1?conference=CASC").status_code == 404
    assert client.get("/api/v1/venues/?conference=CASC").json()["count"] == 0


@pytest.mark.parametrize("path", ["vehicles/", "vehicles/?status=available", "vehicles/?kind=van", "trips/"])
def test_driver_sees_only_its_own_vehicle(world, api_client, path):
    response = api_client(world.users["driver"]).get("/api/v1/" + path)
    assert response.status_code == 200
    body = response.content.decode()
    assert world.other.vehicle.callsign not in body
    assert world.other.delegate.external_id not in body


def test_driver_lists_hold_exactly_its_vehicle_and_trips(world, api_client):
    client = api_client(world.users["driver"])
    vehicles = client.get("/api/v1/vehicles/").json()
    trips = client.get("/api/v1/trips/").json()
    assert [v["callsign"] for v in vehicles["results"]] == ["ARM-01"]
    assert {t["vehicle"] for t in trips["results"]} == {"ARM-01"}
    assert trips["count"] == 1


def test_code_shared_by_two_conferences_needs_the_conference_parameter(world, api_client):
    DelegateFactory(conference=ConferenceFactory(code="OTHER"), external_id="PA-1")
    client = api_client(world.users["organizer"])
    ambiguous = client.get("/api/v1/delegates/PA-1")
    assert ambiguous.status_code == 400
    assert "?conference=" in ambiguous.json()["fields"]["conference"][0]
    assert client.get("/api/v1/delegates/PA-1?conference=CASC").json()["given_name"] == "Ana"
