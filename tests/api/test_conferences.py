"""Lists, filters, pagination and the error body every client sees."""

from datetime import timedelta

from tests.factories import MORNING, DelegateFactory, SessionFactory


def test_lists_are_paginated(world, api_client):
    client = api_client(world.users["organizer"])
    for _ in range(3):
        SessionFactory(conference=world.conference)
    page = client.get("/api/v1/sessions/?page_size=2").json()
    assert page["count"] == 4 and len(page["results"]) == 2
    assert "page=2" in page["next"] and page["previous"] is None
    last = client.get(page["next"]).json()
    assert len(last["results"]) == 2 and last["next"] is None
    beyond = client.get("/api/v1/sessions/?page=9")
    assert beyond.status_code == 404 and beyond.json()["code"] == "not_found"


def test_delegates_filter_by_delegation_hotel_arrival_day_and_name(world, api_client):
    arriving = DelegateFactory(
        conference=world.conference,
        delegation=world.own.delegation,
        given_name="María José",
        family_name="Núñez",
        arrival_at=MORNING + timedelta(days=1),
        arrival_venue=world.session.venue,
    )
    client = api_client(world.users["organizer"])

    def ids(query):
        return {d["external_id"] for d in client.get(f"/api/v1/delegates/?{query}").json()["results"]}

    assert ids("delegation=PA") == {"PA-1", arriving.external_id}
    assert ids(f"hotel={world.other.delegate.hotel.code}") == {"CR-1"}
    assert ids("arrival_day=2026-12-08") == {arriving.external_id}
    assert ids("arrival_day=2026-12-07") == set()
    assert ids("search=mar nú") == {arriving.external_id}
    assert ids("search=cr-1") == {"CR-1"}
    assert client.get("/api/v1/delegates/?arrival_day=yesterday").status_code == 400


def test_sessions_and_vehicles_filter(world, api_client):
    client = api_client(world.users["organizer"])
    assert client.get("/api/v1/sessions/?day=2026-12-07").json()["count"] == 1
    assert client.get("/api/v1/sessions/?kind=workshop").json()["count"] == 0
    assert client.get(f"/api/v1/sessions/?venue={world.session.venue.code}").json()["count"] == 1
    assert client.get("/api/v1/vehicles/?kind=armoured_suv").json()["results"][0]["callsign"] == "ARM-01"
    assert client.get("/api/v1/vehicles/?status=out_of_service").json()["count"] == 0
    assert client.get("/api/v1/venues/?kind=hotel").json()["count"] == 2


def test_me_tells_the_caller_its_role_and_binding(world, api_client):
    body = api_client(world.users["liaison"]).get("/api/v1/me").json()
    assert body == {
        "username": world.users["liaison"].username,
        "role": "liaison",
        "conference": "CASC",
        "delegation": "PA",
        "vehicle": None,
    }
    assert api_client(world.users["driver"]).get("/api/v1/me").json()["vehicle"] == "ARM-01"


def test_unknown_api_path_and_method_answer_the_common_error_body(world, api_client, settings):
    client = api_client(world.users["organizer"])
    settings.DEBUG = True  # even with the debug 404 page on, the API answers JSON
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json() == {
        "status": 404,
        "code": "not_found",
        "detail": "There is no API endpoint at /api/v1/nothing-here.",
    }
    wrong_method = client.delete("/api/v1/vehicles/ARM-01")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["code"] == "method_not_allowed"


def test_browser_session_may_read_but_must_send_the_csrf_token_to_write(world):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["organizer"])
    assert client.get("/api/v1/vehicles/").status_code == 200
    refused = client.post("/api/v1/vehicles/ARM-01/status", {"event_id": "x", "status": "en_route"}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]


def test_a_wrong_token_is_refused(world):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_request_django_refuses_before_the_api_still_gets_the_error_body(world, api_client):
    client = api_client(world.users["organizer"])
    response = client.get("/api/v1/vehicles/", HTTP_HOST="not-an-allowed-host.example")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
