"""GET, POST /api/v1/conferences/{code}/pins and GET, DELETE .../pins/{id}: who may, what is answered, the errors."""

from datetime import timedelta

import pytest

from logistics.models import Pin, ScheduleRun
from logistics.run_reasons import trigger
from logistics.services.pins import pin_create
from tests.factories import ConferenceFactory, MovementFactory, ScheduleVersionFactory, VehicleFactory

PINS = "/api/v1/conferences/CASC/pins"
ROLES = ["anonymous", "norole", "organizer", "logistics", "driver", "liaison", "reader"]


def movement_of(world, delegate):
    return world.version.movements.get(delegate=delegate)


@pytest.fixture
def ana_ride(world):
    """Ana's ride of the published schedule (in ARM-01), picked up between 08:00 and 08:30 in Panama."""
    return movement_of(world, world.own.delegate)


def body(movement, vehicle="VAN-01", **fields):
    return {"movement": movement.code, "vehicle": vehicle, **fields}


# Who may


@pytest.mark.parametrize(
    ("role", "expected"), list(zip(ROLES, (401, 403, 200, 200, 403, 403, 403), strict=True)), ids=ROLES
)
def test_who_may_list_the_pins(world, api_client, role, expected):
    assert api_client(world.users[role]).get(PINS).status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"), list(zip(ROLES, (401, 403, 201, 403, 403, 403, 403), strict=True)), ids=ROLES
)
def test_only_organizers_pin(world, api_client, ana_ride, role, expected):
    response = api_client(world.users[role]).post(PINS, body(ana_ride), format="json")
    assert response.status_code == expected, response.content[:300]
    assert Pin.objects.exists() == (expected == 201)


@pytest.mark.parametrize(
    ("role", "expected"), list(zip(ROLES, (401, 403, 204, 403, 403, 403, 403), strict=True)), ids=ROLES
)
def test_only_organizers_remove_a_pin(world, api_client, ana_ride, role, expected):
    pin = pin_create(conference=world.conference, movement=ana_ride.code, vehicle="VAN-01")
    response = api_client(world.users[role]).delete(f"{PINS}/{pin.pk}")
    assert response.status_code == expected, response.content[:300]
    assert Pin.objects.exists() == (expected != 204)


# What is answered


def test_a_pin_is_created_with_201_and_asks_for_a_recompute(world, api_client, ana_ride):
    response = api_client(world.users["organizer"]).post(
        PINS, body(ana_ride, pickup_at="2026-12-07T08:05:00-05:00"), format="json"
    )
    assert response.status_code == 201, response.json()
    pin = Pin.objects.get()
    assert response.json() == {
        "id": pin.pk,
        "conference": "CASC",
        "movement": ana_ride.code,
        "delegate": "PA-1",
        "vehicle": "VAN-01",
        "pickup_at": "2026-12-07T13:05:00Z",
        "created_at": response.json()["created_at"],
        "created_by": world.users["organizer"].username,
        "state": "waiting",
        "problem": None,
    }
    run = ScheduleRun.objects.get(conference=world.conference, status="queued")
    assert trigger("pin_set", movement=ana_ride.code, vehicle="VAN-01") in run.triggers


def test_a_pickup_time_without_an_offset_is_the_conferences_local_time(world, api_client, ana_ride):
    response = api_client(world.users["organizer"]).post(
        PINS, body(ana_ride, pickup_at="2026-12-07T08:05:00"), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["pickup_at"] == "2026-12-07T13:05:00Z"


def test_posting_again_replaces_the_pin(world, api_client, ana_ride):
    client = api_client(world.users["organizer"])
    first = client.post(PINS, body(ana_ride), format="json").json()
    second = client.post(PINS, body(ana_ride, vehicle="ARM-01", pickup_at=None), format="json")
    assert second.status_code == 201
    assert second.json()["id"] == first["id"] and second.json()["vehicle"] == "ARM-01"
    assert Pin.objects.count() == 1


def test_the_list_says_what_the_published_schedule_made_of_each_pin(world, api_client, ana_ride):
    bruno_ride = movement_of(world, world.other.delegate)
    kept = pin_create(conference=world.conference, movement=ana_ride.code, vehicle="ARM-01")
    pin_create(conference=world.conference, movement=bruno_ride.code, vehicle="ARM-01")
    problem = {"movement": bruno_ride.code, "vehicle": "ARM-01", "code": "pin_infeasible", "params": {"why": "full"}}
    world.version.metrics = {"pins": {"kept": [ana_ride.code], "infeasible": [problem]}}
    world.version.computed_at = kept.created_at + timedelta(minutes=1)
    world.version.save()
    answer = api_client(world.users["logistics"]).get(PINS).json()
    assert answer["count"] == 2
    states = {row["movement"]: (row["state"], row["problem"]) for row in answer["results"]}
    assert states[ana_ride.code] == ("kept", None)
    state, shown = states[bruno_ride.code]
    assert state == "infeasible"
    assert shown["code"] == "pin_infeasible" and shown["params"] == {"why": "full"} and shown["text"]


def test_one_pin_is_read_by_its_id(world, api_client, ana_ride):
    pin = pin_create(conference=world.conference, movement=ana_ride.code, vehicle="VAN-01")
    response = api_client(world.users["logistics"]).get(f"{PINS}/{pin.pk}")
    assert response.status_code == 200 and response.json()["movement"] == ana_ride.code


def test_removing_a_pin_answers_204_and_asks_for_a_recompute(world, api_client, ana_ride):
    pin = pin_create(conference=world.conference, movement=ana_ride.code, vehicle="VAN-01")
    response = api_client(world.users["organizer"]).delete(f"{PINS}/{pin.pk}")
    assert response.status_code == 204 and not Pin.objects.exists()
    run = ScheduleRun.objects.get(conference=world.conference, status="queued")
    assert trigger("pin_removed", movement=ana_ride.code, vehicle="VAN-01") in run.triggers


# Errors


def test_a_missing_pin_or_one_of_another_conference_is_404(world, api_client):
    other = ScheduleVersionFactory(conference=ConferenceFactory(code="OTHER"), is_current=True)
    ride = MovementFactory(version=other, code="X#arrival")
    VehicleFactory(conference=other.conference, callsign="VAN-09")
    pin = pin_create(conference=other.conference, movement=ride.code, vehicle="VAN-09")
    client = api_client(world.users["organizer"])
    assert client.delete(f"{PINS}/{pin.pk}").status_code == 404
    assert client.get(f"{PINS}/{pin.pk}").status_code == 404
    assert client.delete(f"{PINS}/999999").json()["status"] == 404
    assert client.get("/api/v1/conferences/NOPE/pins").status_code == 404
    assert Pin.objects.count() == 1


def test_pinning_in_an_unknown_conference_is_404(world, api_client):
    assert (
        api_client(world.users["organizer"]).post("/api/v1/conferences/NOPE/pins", {}, format="json").status_code == 404
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"movement": "PA-1#arrival"}, "movement"),
        ({"vehicle": "NOPE"}, "vehicle"),
        ({"pickup_at": "2026-12-07T09:30:00-05:00"}, "pickup_at"),
        ({"pickup_at": "yesterday"}, "pickup_at"),
        ({"pickup_at": "0001-01-01T00:00:00+05:00"}, "pickup_at"),
        ({"vehicle": None}, "vehicle"),
        ({"movement": "x" * 81}, "movement"),
    ],
    ids=[
        "unknown-movement",
        "unknown-vehicle",
        "outside-window",
        "unreadable-time",
        "no-utc-equivalent",
        "no-vehicle",
        "too-long",
    ],
)
def test_invalid_input_is_400_with_the_field(world, api_client, ana_ride, fields, field):
    response = api_client(world.users["organizer"]).post(PINS, {**body(ana_ride), **fields}, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid" and field in response.json()["fields"]
    assert not Pin.objects.exists()


def test_a_vehicle_that_cannot_carry_the_delegate_is_400(world, api_client, ana_ride):
    world.own.delegate.vip = True
    world.own.delegate.save()
    response = api_client(world.users["organizer"]).post(PINS, body(ana_ride, vehicle="VAN-01"), format="json")
    assert response.status_code == 400 and "armoured" in response.json()["detail"]


def test_a_vehicle_out_of_service_is_409(world, api_client, ana_ride):
    world.other.vehicle.status = "out_of_service"
    world.other.vehicle.save()
    response = api_client(world.users["organizer"]).post(PINS, body(ana_ride, vehicle="VAN-01"), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict" and "vehicle" in response.json()["fields"]
