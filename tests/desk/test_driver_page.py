"""The driver's phone page: who may open it, which vehicle it shows, what each stop says (maps link, flight,
liaison), the taps (idempotent, each shown once recorded) and its query count."""

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from logistics.models import DeskAlert, PassengerEvent, ScheduleVersion, TripEvent
from tests.driving import DAY, airport_pickup
from tests.factories import MORNING, DelegateFactory, ScheduleVersionFactory, published_ride
from tests.queries import get_queries

PAGE = "/c/CASC/driver/"


def page_of(client, **query) -> str:
    response = client.get(PAGE, {"day": DAY, **query})
    assert response.status_code == 200
    return response.content.decode()


def event_ids(page: str) -> list[str]:
    return re.findall(r'name="event_id" value="([0-9a-f]{32})"', page)


def trip_url(trip, action: str) -> str:
    return reverse("driver-trip", args=["CASC", trip.pk, action])


def passenger_url(trip, sequence: int, external_id: str) -> str:
    return reverse("driver-passenger", args=["CASC", trip.pk, sequence, external_id])


def own_trip(world):
    return world.version.trips.get(vehicle=world.own.vehicle)


@pytest.fixture
def driver(client, world):
    client.force_login(world.users["driver"])
    return client


@pytest.mark.parametrize(
    ("role", "expected"),
    [("organizer", 200), ("logistics", 200), ("reader", 200), ("driver", 200), ("liaison", 403), ("norole", 403)],
)
def test_the_page_is_for_drivers_and_the_desk(client, world, role, expected):
    client.force_login(world.users[role])
    assert client.get(PAGE).status_code == expected


def test_the_page_needs_a_login_and_a_known_conference(client, world):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(world.users["driver"])
    assert client.get("/c/NOPE/driver/").status_code == 404


def test_a_driver_sees_its_own_vehicles_trips_whatever_the_url_says(driver, world):
    page = page_of(driver, vehicle="VAN-01")
    assert "<h1>Trips of ARM-01</h1>" in page and "Trips of VAN-01" not in page
    assert f'id="trip-{own_trip(world).pk}"' in page
    assert f'id="trip-{world.version.trips.get(vehicle=world.other.vehicle).pk}"' not in page
    assert 'name="vehicle"' not in page  # no picker for a driver
    assert "Carla Ruiz" in page and "Times in America/Panama." in page
    assert 'href="/c/CASC/driver/" aria-current="page">Driver</a>' in page  # the menu entry


def test_the_desk_picks_a_vehicle(client, world):
    client.force_login(world.users["logistics"])
    page = page_of(client)
    assert '<option value="ARM-01">' in page and '<option value="VAN-01">' in page
    assert "Choose a vehicle to see its trips." in page and 'id="trip-' not in page
    page = page_of(client, vehicle="VAN-01")
    assert "<h1>Trips of VAN-01</h1>" in page and '<option value="VAN-01" selected>' in page
    assert f'id="trip-{world.version.trips.get(vehicle=world.other.vehicle).pk}"' in page
    assert client.get(PAGE, {"vehicle": "NOPE-9"}).status_code == 404


def test_a_day_without_trips_and_the_days_around(driver):
    page = page_of(driver, day="2026-12-08")
    assert "No trips this day." in page
    assert 'rel="prev"' in page and 'rel="next"' not in page  # the conference's last day
    page = page_of(driver)
    assert 'href="?day=2026-12-08" rel="next"' in page and 'rel="prev"' not in page


def test_each_stop_opens_the_phones_maps_and_says_who_boards_and_alights(driver, world):
    pickup = airport_pickup(world)
    page = page_of(driver)
    assert 'href="geo:9.071400,-79.383500?q=9.071400,-79.383500(Tocumen%20Airport)">Tocumen Airport</a>' in page
    hotel = world.own.delegate.hotel
    assert f'href="geo:{hotel.latitude},{hotel.longitude}?q={hotel.latitude},{hotel.longitude}(Venue%20' in page
    airport_card = page.split(f'id="trip-{pickup.trip.pk}"')[1].split("</article>")[0]
    assert "06:45\u201306:50" in airport_card and "Av. Domingo Díaz" in airport_card
    boards, alights = airport_card.split("<h3>Boards</h3>")[1].split("<h3>Alights</h3>")
    assert "Luis Flyer" in boards and "Carla Flyer" in boards and "Luis Flyer" in alights
    # the flight of an airport pickup, at the time the desk expects it
    assert "Flight CM 675, lands 06:40" in boards and "expected; scheduled 06:00" in boards
    # who to call about a passenger: the delegation's liaisons (Convoy keeps their e-mail, no phone)
    assert 'href="mailto:liaison-cr@example.org">liaison-cr@example.org</a>' in boards
    assert "2 stops · 2 passengers board" in airport_card


def test_a_flight_without_an_expected_time_shows_the_scheduled_one(driver, world):
    airport_pickup(world, expected_at=None)
    page = page_of(driver)
    assert "Flight CM 675, lands 06:00" in page and "expected; scheduled" not in page


def test_buttons_carry_fresh_event_ids_and_the_reader_gets_none(client, world):
    client.force_login(world.users["driver"])
    first, second = page_of(client), page_of(client)
    ids = event_ids(first)
    assert len(ids) == len(set(ids)) == 4  # acknowledge, started, and boarded / no-show for Ana
    assert not set(ids) & set(event_ids(second))
    assert ">Acknowledge</button>" in first and ">Trip started</button>" in first
    assert ">Boarded</button>" in first and ">No-show</button>" in first and "Not acknowledged" in first
    client.force_login(world.users["reader"])
    page = page_of(client, vehicle="ARM-01")
    assert "Not acknowledged" in page and '<form method="post" action="/c/CASC/driver/' not in page
    assert client.post(trip_url(own_trip(world), "acknowledge"), {"event_id": "x"}).status_code == 403


def test_acknowledging_applies_once_and_the_page_shows_it(driver, world):
    trip = own_trip(world)
    event_id = uuid.uuid4().hex
    response = driver.post(trip_url(trip, "acknowledge"), {"event_id": event_id})
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?vehicle=ARM-01&day={DAY}#trip-{trip.pk}"
    page = driver.get(response["Location"]).content.decode()
    assert f"Trip {trip.code} acknowledged." in page
    assert 'data-state="acknowledged">Acknowledged ' in page
    assert ">Acknowledge</button>" not in page and ">Trip started</button>" in page
    # a double tap sends the same event id again
    response = driver.post(trip_url(trip, "acknowledge"), {"event_id": event_id}, follow=True)
    assert f"Trip {trip.code}: this was already recorded." in response.content.decode()
    assert TripEvent.objects.count() == 1


def test_started_then_finished(driver, world):
    trip = own_trip(world)
    driver.post(trip_url(trip, "start"), {"event_id": uuid.uuid4().hex})
    page = page_of(driver)
    assert 'data-state="started">Started ' in page and ">Trip finished</button>" in page
    assert ">Trip started</button>" not in page
    response = driver.post(trip_url(trip, "finish"), {"event_id": uuid.uuid4().hex}, follow=True)
    page = response.content.decode()
    assert f"Trip {trip.code} finished." in page and 'data-state="finished">Finished ' in page
    assert 'class="trip-button' not in page
    assert sorted(TripEvent.objects.values_list("kind", flat=True)) == ["acknowledged", "finished", "started"]


def test_boarded_and_no_show_are_recorded_shown_and_correctable(driver, world):
    pickup = airport_pickup(world)
    trip = pickup.trip
    response = driver.post(passenger_url(trip, 1, "PA-2"), {"event_id": uuid.uuid4().hex, "status": "boarded"})
    assert response["Location"] == f"{PAGE}?vehicle=ARM-01&day={DAY}#stop-{trip.pk}-1"
    response = driver.post(
        passenger_url(trip, 1, "CR-2"), {"event_id": uuid.uuid4().hex, "status": "no_show"}, follow=True
    )
    page = response.content.decode()
    assert "Carla Flyer: no-show recorded. The transport desk and the delegation&#x27;s liaisons are told." in page
    luis = page.split(f'id="rider-{trip.pk}-1-PA-2"')[1].split("</li>")[0]
    carla = page.split(f'id="rider-{trip.pk}-1-CR-2"')[1].split("</li>")[0]
    assert 'data-status="boarded">Boarded ' in luis and ">No-show</button>" in luis and ">Boarded</button>" not in luis
    assert 'data-status="no_show">No-show ' in carla and ">Boarded</button>" in carla
    alert = DeskAlert.objects.get(kind="no_show")
    assert alert.data["passenger"] == "CR-2" and alert.data["place"] == "PTY"
    # Carla turns up after all
    driver.post(passenger_url(trip, 1, "CR-2"), {"event_id": uuid.uuid4().hex, "status": "boarded"})
    carla = page_of(driver).split(f'id="rider-{trip.pk}-1-CR-2"')[1].split("</li>")[0]
    assert 'data-status="boarded">Boarded ' in carla
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def test_a_report_the_service_refuses_comes_back_as_a_message(driver, world):
    trip = own_trip(world)
    response = driver.post(passenger_url(trip, 2, "PA-1"), {"event_id": "e-1", "status": "boarded"}, follow=True)
    assert "Not recorded: " in response.content.decode() and "does not board trip" in response.content.decode()
    ScheduleVersion.objects.filter(pk=world.version.pk).update(is_current=False)
    ScheduleVersionFactory(conference=world.conference, is_current=True)
    response = driver.post(trip_url(trip, "acknowledge"), {"event_id": "e-2"}, follow=True)
    assert "the schedule changed. Reload to see the current trips." in response.content.decode()
    response = driver.post(trip_url(trip, "start"), {}, follow=True)
    assert "the form was incomplete" in response.content.decode()
    assert not TripEvent.objects.exists() and not PassengerEvent.objects.exists()


def test_a_driver_cannot_report_on_another_vehicles_trip(driver, world):
    other = world.version.trips.get(vehicle=world.other.vehicle)
    assert driver.post(trip_url(other, "acknowledge"), {"event_id": "e-1"}).status_code == 404
    assert driver.post(passenger_url(other, 1, "CR-1"), {"event_id": "e-2", "status": "boarded"}).status_code == 404
    assert driver.post(trip_url(own_trip(world), "explode"), {"event_id": "e-3"}).status_code == 404
    assert driver.get(trip_url(own_trip(world), "acknowledge")).status_code == 405
    assert not TripEvent.objects.exists() and not PassengerEvent.objects.exists()


@pytest.mark.parametrize(("role", "query"), [("driver", {}), ("organizer", {"vehicle": "ARM-01"})])
def test_the_page_costs_the_same_queries_for_one_trip_as_for_many(client, world, role, query):
    client.force_login(world.users[role])
    airport_pickup(world)
    url = f"{PAGE}?day={DAY}" + "".join(f"&{key}={value}" for key, value in query.items())
    few = get_queries(client, url)
    for hours in range(1, 5):
        delegate = DelegateFactory(conference=world.conference, delegation=world.other.delegation)
        ride = published_ride(
            version=world.version,
            delegate=delegate,
            vehicle=world.own.vehicle,
            pickup_at=MORNING + timedelta(hours=hours),
        )
        client.post(trip_url(ride.stop_passengers.first().stop.trip, "start"), {"event_id": f"start-{hours}"})
    many = get_queries(client, url)
    assert many == few
    assert client.get(url).content.decode().count('class="card trip ') == 6
