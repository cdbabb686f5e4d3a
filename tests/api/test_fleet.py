from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from logistics.models import VehicleStatus, VehicleStatusEvent
from tests.factories import DelegationFactory, UserRoleFactory, VehicleFactory

pytestmark = pytest.mark.django_db

S = VehicleStatus


@pytest.fixture
def vehicle():
    return VehicleFactory(callsign="VAN-01")


@pytest.fixture
def desk(api_client):
    """Logistics staff: may report for any vehicle."""
    return api_client(UserRoleFactory(role="logistics").user)


def url(callsign: str) -> str:
    return f"/api/v1/vehicles/{callsign}/status"


def stamp(minutes_ago: float) -> str:
    # reports come from phones now: a timestamp may not lie more than 5 minutes ahead of the server's clock
    return (timezone.now() - timedelta(minutes=minutes_ago)).isoformat()


def post(client, callsign, **body):
    return client.post(url(callsign), body, format="json")


# Reporting


def test_a_report_answers_201_with_the_event(desk, vehicle):
    at = stamp(1)
    response = post(
        desk,
        "VAN-01",
        event_id="0b7c6a5e-1",
        status="en_route",
        latitude=8.9858,
        longitude=-79.5118,
        accuracy=12.34,
        timestamp=at,
        note="left the depot",
    )
    assert response.status_code == 201, response.json()
    assert "Idempotent-Replayed" not in response.headers
    body = response.json()
    assert body == {
        "event_id": "0b7c6a5e-1",
        "vehicle": "VAN-01",
        "status": "en_route",
        "applied": True,
        "outcome": "applied",
        "previous_status": "available",
        "resulting_status": "en_route",
        "latitude": "8.985800",
        "longitude": "-79.511800",
        "accuracy": "12.3",
        "timestamp": body["timestamp"],
        "received_at": body["received_at"],
        "note": "left the depot",
    }
    vehicle.refresh_from_db()
    assert vehicle.status == S.EN_ROUTE
    assert vehicle.status_reported_at == datetime.fromisoformat(at)
    assert (vehicle.last_latitude, vehicle.last_longitude) == (Decimal("8.985800"), Decimal("-79.511800"))


def test_a_replay_answers_the_same_body_and_says_so(desk, vehicle):
    body = {"event_id": "evt-1", "status": "en_route", "latitude": 8.9, "longitude": -79.5, "accuracy": 5}
    first = desk.post(url("VAN-01"), {**body, "timestamp": stamp(2)}, format="json")
    again = desk.post(url("VAN-01"), {**body, "timestamp": first.json()["timestamp"]}, format="json")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    without_timestamp = desk.post(url("VAN-01"), body, format="json")  # a retry that leaves the timestamp out
    assert without_timestamp.status_code == 201 and without_timestamp.json() == first.json()
    assert VehicleStatusEvent.objects.count() == 1


def test_a_replay_of_a_report_without_timestamp_answers_the_same_body(desk, vehicle):
    first = post(desk, "VAN-01", event_id="evt-1", status="delayed")
    again = post(desk, "VAN-01", event_id="evt-1", status="delayed")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


def test_an_illegal_transition_answers_409_with_the_error_body(desk):
    VehicleFactory(callsign="VAN-09", status=S.OUT_OF_SERVICE)
    response = post(desk, "VAN-09", event_id="e-1", status="en_route")
    assert response.status_code == 409
    message = "VAN-09 is out_of_service and cannot become en_route; it can become available."
    assert response.json() == {"status": 409, "code": "conflict", "detail": message, "fields": {"status": [message]}}
    assert not VehicleStatusEvent.objects.exists()


def test_an_event_id_reused_for_another_report_answers_409(desk, vehicle):
    assert post(desk, "VAN-01", event_id="e-1", status="en_route", timestamp=stamp(2)).status_code == 201
    response = post(desk, "VAN-01", event_id="e-1", status="delayed", timestamp=stamp(1))
    assert response.status_code == 409
    message = "The event id e-1 was already used for a different update of this vehicle."
    assert response.json() == {"status": 409, "code": "conflict", "detail": message, "fields": {"event_id": [message]}}
    assert VehicleStatusEvent.objects.count() == 1


BAD_INPUT = {
    "unknown status": ({"status": "flying"}, "status"),
    "no status": ({"status": None}, "status"),
    "latitude 91": ({"latitude": 91, "longitude": -79.5}, "latitude"),
    "longitude -181": ({"latitude": 8.9, "longitude": -181}, "longitude"),
    "latitude without longitude": ({"latitude": 8.9}, "longitude"),
    "longitude without latitude": ({"longitude": -79.5}, "longitude"),
    "latitude not a number": ({"latitude": "north", "longitude": -79.5}, "latitude"),
    "event id with a space": ({"event_id": "evt 1"}, "event_id"),
    "event id with a slash": ({"event_id": "evt/1"}, "event_id"),
    "event id too long": ({"event_id": "e" * 65}, "event_id"),
    "empty event id": ({"event_id": ""}, "event_id"),
    "malformed timestamp": ({"timestamp": "yesterday at noon"}, "timestamp"),
    "timestamp without a date": ({"timestamp": "14:00"}, "timestamp"),
    "negative accuracy": ({"accuracy": -1}, "accuracy"),
    "timestamp far ahead": ({"timestamp": "2099-01-01T00:00:00Z"}, "timestamp"),
}


@pytest.mark.parametrize(("change", "field"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_answers_400_naming_the_field(desk, vehicle, change, field):
    body = {"event_id": "e-1", "status": "en_route", **change}
    response = desk.post(url("VAN-01"), body, format="json")
    assert response.status_code == 400, response.json()
    error = response.json()
    assert (error["status"], error["code"]) == (400, "invalid")
    assert field in error["fields"] and error["fields"][field][0] in error["detail"]
    assert not VehicleStatusEvent.objects.exists()
    vehicle.refresh_from_db()
    assert vehicle.status == S.AVAILABLE


def test_a_stale_report_is_recorded_but_not_applied(desk, vehicle):
    assert post(desk, "VAN-01", event_id="e-2", status="en_route", timestamp=stamp(1)).status_code == 201
    response = post(desk, "VAN-01", event_id="e-1", status="out_of_service", timestamp=stamp(5))
    assert response.status_code == 201
    body = response.json()
    assert (body["applied"], body["outcome"]) == (False, "stale")
    assert (body["status"], body["previous_status"], body["resulting_status"]) == (
        "out_of_service",
        "en_route",
        "en_route",
    )
    vehicle.refresh_from_db()
    assert vehicle.status == S.EN_ROUTE


def test_a_latitude_with_more_than_six_decimals_is_rounded(desk, vehicle):
    response = post(desk, "VAN-01", event_id="e-1", status="en_route", latitude=8.98580049, longitude=-79.5118005)
    assert response.status_code == 201, response.json()
    assert (response.json()["latitude"], response.json()["longitude"]) == ("8.985800", "-79.511800")
    vehicle.refresh_from_db()
    assert (vehicle.last_latitude, vehicle.last_longitude) == (Decimal("8.985800"), Decimal("-79.511800"))


def test_the_events_are_listed_newest_first_in_pages(desk, vehicle):
    for number, status in enumerate(["en_route", "at_pickup", "passengers_on_board"]):
        response = post(desk, "VAN-01", event_id=f"e-{number}", status=status, timestamp=stamp(10 - number))
        assert response.status_code == 201
    VehicleStatusEvent.objects.create(  # another vehicle's event is not listed
        vehicle=VehicleFactory(conference=vehicle.conference),
        event_id="x",
        status="en_route",
        previous_status="available",
        resulting_status="en_route",
        outcome="applied",
        reported_at=timezone.now(),
    )
    response = desk.get(url("VAN-01"))
    assert response.status_code == 200
    page = response.json()
    assert (page["count"], page["previous"]) == (3, None)
    assert [e["event_id"] for e in page["results"]] == ["e-2", "e-1", "e-0"]
    assert page["results"][0]["status"] == "passengers_on_board"

    first = desk.get(url("VAN-01"), {"page_size": 2}).json()
    assert [e["event_id"] for e in first["results"]] == ["e-2", "e-1"] and first["next"]
    second = desk.get(first["next"]).json()
    assert [e["event_id"] for e in second["results"]] == ["e-0"] and second["next"] is None


def test_an_unknown_vehicle_answers_404(desk):
    response = post(desk, "NOPE-1", event_id="e-1", status="en_route")
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "detail": "There is no vehicle NOPE-1 that you may see.",
    }


# Who may report


def test_a_driver_reports_for_its_own_vehicle(api_client, vehicle):
    driver = api_client(UserRoleFactory(role="driver", vehicle=vehicle).user)
    response = post(driver, "VAN-01", event_id="e-1", status="en_route")
    assert response.status_code == 201
    assert VehicleStatusEvent.objects.get().reported_by.convoy_role.vehicle == vehicle
    assert driver.get(url("VAN-01")).json()["count"] == 1


def test_a_driver_does_not_see_another_vehicle(api_client, vehicle):
    VehicleFactory(conference=vehicle.conference, callsign="VAN-02")
    driver = api_client(UserRoleFactory(role="driver", vehicle=vehicle).user)
    response = post(driver, "VAN-02", event_id="e-1", status="en_route")
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no vehicle VAN-02 that you may see."
    assert driver.get(url("VAN-02")).status_code == 404
    assert not VehicleStatusEvent.objects.exists()


@pytest.mark.parametrize("role", ["logistics", "organizer"])
def test_the_desk_reports_for_any_vehicle(api_client, vehicle, role):
    VehicleFactory(conference=vehicle.conference, callsign="VAN-02")
    client = api_client(UserRoleFactory(role=role).user)
    assert post(client, "VAN-01", event_id="e-1", status="en_route").status_code == 201
    assert post(client, "VAN-02", event_id="e-1", status="delayed").status_code == 201
    assert VehicleStatusEvent.objects.count() == 2


def test_a_liaison_may_not_report(api_client, vehicle):
    liaison = api_client(
        UserRoleFactory(role="liaison", delegation=DelegationFactory(conference=vehicle.conference)).user
    )
    response = post(liaison, "VAN-01", event_id="e-1", status="en_route")
    assert response.status_code == 403
    assert response.json() == {
        "status": 403,
        "code": "permission_denied",
        "detail": "Your role (Delegation liaison) may not do this.",
    }
    assert liaison.get(url("VAN-01")).status_code == 403
    assert not VehicleStatusEvent.objects.exists()


def test_a_reader_may_read_but_not_report(api_client, vehicle):
    reader = api_client(UserRoleFactory(role="reader").user)
    response = post(reader, "VAN-01", event_id="e-1", status="en_route")
    assert response.status_code == 403
    assert (response.json()["status"], response.json()["code"]) == (403, "permission_denied")
    assert reader.get(url("VAN-01")).status_code == 200
    assert not VehicleStatusEvent.objects.exists()


def test_anonymous_answers_401(api_client, vehicle):
    response = post(api_client(None), "VAN-01", event_id="e-1", status="en_route")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not VehicleStatusEvent.objects.exists()
