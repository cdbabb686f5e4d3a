"""The driver loop through the API: reports on trips and passengers (201, then 200 on a repeat), refusals, the
roles and scopes, a driver's day, and the trips' state."""

from datetime import timedelta

import pytest
from django.utils import timezone

from logistics.models import DeskAlert, PassengerEvent, ScheduleVersion, TripEvent
from tests.driving import DAY, airport_pickup
from tests.factories import MORNING, DelegateFactory, ScheduleVersionFactory, published_ride
from tests.queries import get_queries

pytestmark = pytest.mark.django_db


def trip_id(world, vehicle="own") -> int:
    return world.version.trips.get(vehicle=getattr(world, vehicle).vehicle).pk


def post(client, path: str, **body):
    return client.post(f"/api/v1/{path}", body, format="json")


@pytest.fixture
def driver(world, api_client):
    return api_client(world.users["driver"])


# Trips


def test_acknowledging_answers_201_then_200_on_a_repeat(world, driver):
    trip = trip_id(world)
    response = post(driver, f"trips/{trip}/ack", event_id="ack-1")
    assert response.status_code == 201, response.json()
    assert "Idempotent-Replayed" not in response.headers
    body = response.json()
    event = TripEvent.objects.get()
    assert body == {
        "event_id": "ack-1",
        "trip": trip,
        "trip_key": event.trip_key,
        "vehicle": "ARM-01",
        "kind": "acknowledged",
        "timestamp": body["timestamp"],
        "received_at": body["received_at"],
        "state": "acknowledged",
    }
    again = post(driver, f"trips/{trip}/ack", event_id="ack-1")
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == body
    assert TripEvent.objects.count() == 1


def test_start_and_finish_answer_the_trips_state(world, driver):
    trip = trip_id(world)
    at = (timezone.now() - timedelta(minutes=10)).isoformat()
    started = post(driver, f"trips/{trip}/start", event_id="start-1", timestamp=at)
    assert started.status_code == 201
    assert (started.json()["kind"], started.json()["state"]) == ("started", "started")
    finished = post(driver, f"trips/{trip}/finish", event_id="finish-1")
    assert finished.status_code == 201 and finished.json()["state"] == "finished"
    assert sorted(TripEvent.objects.values_list("kind", flat=True)) == ["acknowledged", "finished", "started"]
    # acknowledging now answers the acknowledgement the start implied
    late = post(driver, f"trips/{trip}/ack", event_id="ack-late")
    assert late.status_code == 200 and late.json()["event_id"] != "ack-late"
    assert late.json()["state"] == "finished"


def test_refusals(world, driver):
    trip = trip_id(world)
    post(driver, f"trips/{trip}/ack", event_id="e-1")
    reused = post(driver, f"trips/{trip}/start", event_id="e-1")
    assert reused.status_code == 409 and reused.json()["fields"] == {"event_id": [reused.json()["detail"]]}
    ahead = post(
        driver, f"trips/{trip}/start", event_id="e-2", timestamp=(timezone.now() + timedelta(hours=1)).isoformat()
    )
    assert ahead.status_code == 400 and "timestamp" in ahead.json()["fields"]
    naive = post(driver, f"trips/{trip}/start", event_id="e-2", timestamp="2026-12-07T08:00:00")
    assert naive.status_code == 400 and "timestamp" in naive.json()["fields"]
    bad_id = post(driver, f"trips/{trip}/start", event_id="not an id!")
    assert bad_id.status_code == 400 and "event_id" in bad_id.json()["fields"]
    assert post(driver, "trips/999999/start", event_id="e-3").status_code == 404


def test_a_trip_of_an_earlier_version_is_refused_with_409(world, driver):
    trip = trip_id(world)
    ScheduleVersion.objects.filter(pk=world.version.pk).update(is_current=False)
    ScheduleVersionFactory(conference=world.conference, is_current=True)
    response = post(driver, f"trips/{trip}/ack", event_id="ack-1")
    assert response.status_code == 409
    assert "the schedule changed. Reload to see the current trips." in response.json()["detail"]


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        ("organizer", 201, 201),
        ("logistics", 201, 201),
        ("driver", 201, 404),
        ("liaison", 403, 403),
        ("reader", 403, 403),
        ("norole", 403, 403),
        ("anonymous", 401, 401),
    ],
)
def test_who_may_report_on_which_trip(world, api_client, role, own, other):
    client = api_client(world.users[role])
    for vehicle, expected in (("own", own), ("other", other)):
        trip = trip_id(world, vehicle)
        assert post(client, f"trips/{trip}/start", event_id=f"start-{vehicle}").status_code == expected
        passenger = "PA-1" if vehicle == "own" else "CR-1"
        path = f"trips/{trip}/stops/1/passengers/{passenger}"
        assert post(client, path, event_id=f"board-{vehicle}", status="boarded").status_code == expected
    assert TripEvent.objects.filter(kind="started").count() == [own, other].count(201)


# Passengers


def test_a_boarding_answers_201_then_200(world, driver):
    trip = trip_id(world)
    path = f"trips/{trip}/stops/1/passengers/PA-1"
    response = post(driver, path, event_id="board-1", status="boarded")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body == {
        "event_id": "board-1",
        "trip": trip,
        "trip_key": PassengerEvent.objects.get().trip_key,
        "vehicle": "ARM-01",
        "stop": 1,
        "passenger": "PA-1",
        "movement": world.version.movements.get(delegate=world.own.delegate).code,
        "status": "boarded",
        "timestamp": body["timestamp"],
        "received_at": body["received_at"],
    }
    again = post(driver, path, event_id="board-1", status="boarded")
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true" and again.json() == body
    assert post(driver, path, event_id="board-1", status="no_show").status_code == 409


def test_a_no_show_raises_the_alert_and_can_be_corrected(world, driver):
    path = f"trips/{trip_id(world)}/stops/1/passengers/PA-1"
    assert post(driver, path, event_id="gone-1", status="no_show").status_code == 201
    alert = DeskAlert.objects.get(kind="no_show")
    assert alert.data["passenger"] == "PA-1" and alert.resolved_at is None
    assert post(driver, path, event_id="board-1", status="boarded").status_code == 201
    alert.refresh_from_db()
    assert alert.resolved_at is not None


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("stops/1/passengers/CR-1", {"status": "boarded"}, "external_id"),  # not on this trip
        ("stops/2/passengers/PA-1", {"status": "boarded"}, "external_id"),  # alights there
        ("stops/7/passengers/PA-1", {"status": "boarded"}, "stop_sequence"),
        ("stops/1/passengers/PA-1", {"status": "late"}, "status"),
        ("stops/1/passengers/PA-1", {}, "status"),
        ("stops/1/passengers/PA%001", {"status": "boarded"}, "external_id"),
    ],
)
def test_a_passenger_report_that_names_the_wrong_person_stop_or_status_is_400(world, driver, path, body, field):
    response = post(driver, f"trips/{trip_id(world)}/{path}", event_id="e-1", **body)
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert not PassengerEvent.objects.exists()


# The driver's day


def test_a_drivers_day_has_trips_stops_riders_flights_liaisons_and_state(world, driver):
    pickup = airport_pickup(world)
    post(driver, f"trips/{pickup.trip.pk}/ack", event_id="ack-1")
    post(driver, f"trips/{pickup.trip.pk}/stops/1/passengers/CR-2", event_id="gone-1", status="no_show")
    response = driver.get("/api/v1/vehicles/ARM-01/day", {"date": DAY})
    assert response.status_code == 200, response.json()
    day = response.json()
    assert (day["conference"], day["vehicle"], day["date"]) == ("CASC", "ARM-01", DAY)
    assert day["driver"] == {"name": "Carla Ruiz", "phone": "+507 6111-1111"}
    assert [trip["starts_at"] for trip in day["trips"]] == ["2026-12-07T06:30:00-05:00", "2026-12-07T08:20:00-05:00"]
    airport, ride = day["trips"]
    assert (airport["id"], airport["code"], airport["state"]) == (pickup.trip.pk, pickup.trip.code, "acknowledged")
    assert airport["acknowledged_at"] is not None and airport["started_at"] is None and ride["state"] is None
    first, second = airport["stops"]
    assert {key: first[key] for key in ("sequence", "venue", "name", "kind", "latitude", "longitude")} == {
        "sequence": 1,
        "venue": "PTY",
        "name": "Tocumen Airport",
        "kind": "airport",
        "latitude": "9.071400",
        "longitude": "-79.383500",
    }
    assert first["geo"] == "geo:9.071400,-79.383500?q=9.071400,-79.383500(Tocumen%20Airport)"
    assert (first["arrive_at"], first["depart_at"]) == ("2026-12-07T06:45:00-05:00", "2026-12-07T06:50:00-05:00")
    assert first["alight"] == [] and second["board"] == []
    carla, luis = first["board"]  # by family name, then given name
    assert luis == {
        "delegate": "PA-2",
        "name": "Luis Flyer",
        "delegation": "PA",
        "movement": "PA-2#arrival",
        "kind": "arrival",
        "seats": 1,
        "request": None,
        "flight": {
            "number": "CM 675",
            "kind": "arrival",
            "scheduled_at": "2026-12-07T06:00:00-05:00",
            "expected_at": "2026-12-07T06:40:00-05:00",
        },
        "liaisons": [  # by family name: the world's liaison has none, and no e-mail address either
            {"name": world.users["liaison"].username, "email": ""},
            {"name": "Liaison PA", "email": "liaison-pa@example.org"},
        ],
        "status": None,
        "reported_at": None,
    }
    assert (carla["delegate"], carla["status"]) == ("CR-2", "no_show") and carla["reported_at"]
    assert carla["liaisons"] == [{"name": "Liaison CR", "email": "liaison-cr@example.org"}]
    assert [rider["delegate"] for rider in second["alight"]] == ["CR-2", "PA-2"]
    # at the hotel the flight and the liaisons are no longer the driver's concern
    assert all(rider["flight"] is None and rider["liaisons"] == [] for rider in second["alight"])


def test_a_drivers_day_of_another_vehicle_is_404_and_a_liaison_may_not_read_it(world, driver, api_client):
    assert driver.get("/api/v1/vehicles/VAN-01/day").status_code == 404
    assert api_client(world.users["liaison"]).get("/api/v1/vehicles/ARM-01/day").status_code == 403
    assert api_client(world.users["reader"]).get("/api/v1/vehicles/VAN-01/day", {"date": DAY}).status_code == 200


def test_a_drivers_day_by_date(world, driver):
    assert driver.get("/api/v1/vehicles/ARM-01/day", {"date": "2026-12-08"}).json()["trips"] == []
    assert driver.get("/api/v1/vehicles/ARM-01/day", {"date": "9999-12-31"}).json()["trips"] == []
    bad = driver.get("/api/v1/vehicles/ARM-01/day", {"date": "tomorrow"})
    assert bad.status_code == 400 and "date" in bad.json()["fields"]
    # no date: today in the conference, kept within its dates
    default = driver.get("/api/v1/vehicles/ARM-01/day").json()["date"]
    assert world.conference.start_date.isoformat() <= default <= world.conference.end_date.isoformat()


def test_a_drivers_day_costs_the_same_queries_for_one_trip_as_for_many(world, driver):
    airport_pickup(world)
    url = "/api/v1/vehicles/ARM-01/day"
    few = get_queries(driver, url, {"date": DAY})
    for hours in range(1, 5):
        delegate = DelegateFactory(conference=world.conference, delegation=world.other.delegation)
        ride = published_ride(
            version=world.version,
            delegate=delegate,
            vehicle=world.own.vehicle,
            pickup_at=MORNING + timedelta(hours=hours),
        )
        post(driver, f"trips/{ride.stop_passengers.first().stop.trip_id}/ack", event_id=f"ack-{hours}")
    many = get_queries(driver, url, {"date": DAY})
    assert many == few
    assert len(driver.get(url, {"date": DAY}).json()["trips"]) == 6


# The trips' state in the trips API


def test_trips_answer_their_state(world, driver, api_client):
    post(driver, f"trips/{trip_id(world)}/start", event_id="start-1")
    trips = {
        trip["vehicle"]: trip for trip in api_client(world.users["logistics"]).get("/api/v1/trips/").json()["results"]
    }
    assert (trips["ARM-01"]["state"], trips["VAN-01"]["state"]) == ("started", None)
    assert driver.get(f"/api/v1/trips/{trip_id(world)}").json()["state"] == "started"
