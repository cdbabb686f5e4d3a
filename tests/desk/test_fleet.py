import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from logistics.models import Vehicle, VehicleStatusEvent
from tests.factories import DelegateFactory, DriverFactory, VehicleFactory, published_ride


def fleet_url(code: str = "CASC", **query) -> str:
    url = reverse("fleet", args=[code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def status_url(callsign: str, code: str = "CASC") -> str:
    return reverse("fleet-status", args=[code, callsign])


def tap(client, callsign: str, status: str, event_id: str | None = None, **extra):
    return client.post(status_url(callsign), {"event_id": event_id or uuid.uuid4().hex, "status": status, **extra})


@pytest.mark.parametrize(
    ("role", "expected"),
    [("organizer", 200), ("logistics", 200), ("reader", 200), ("driver", 200), ("liaison", 403), ("norole", 403)],
)
def test_fleet_page_is_for_the_desk_and_drivers(client, world, role, expected):
    client.force_login(world.users[role])
    assert client.get(fleet_url()).status_code == expected


def test_fleet_page_needs_a_login_and_a_known_conference(client, world):
    response = client.get(fleet_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(world.users["logistics"])
    assert client.get(fleet_url("NOPE")).status_code == 404


def test_every_vehicle_shows_its_status_driver_and_next_trip(client, world):
    client.force_login(world.users["logistics"])
    page = client.get(fleet_url()).content.decode()
    assert 'id="vehicle-ARM-01"' in page and 'id="vehicle-VAN-01"' in page
    assert "Armoured SUV · 3 seats" in page
    assert "Carla Ruiz" in page and 'href="tel:+507 6111-1111"' in page
    assert 'data-status="available"' in page
    # the ride of the world picks up at 08:20 in Panama (13:20 UTC) and its first stop is the delegate's hotel
    assert "Next: T-" in page and "7 Dec 08:20" in page
    assert world.own.delegate.hotel.name in page and "1 gets on" in page and "1 gets off" in page
    assert 'href="/c/CASC/fleet/" aria-current="page">Fleet</a>' in page  # the menu entry


def test_a_trip_that_is_over_is_not_next(client, world):
    world.version.trips.filter(vehicle=world.other.vehicle).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(world.users["logistics"])
    page = client.get(fleet_url()).content.decode()
    van_card = page.split('id="vehicle-VAN-01"')[1]
    assert "No trip ahead in the published schedule." in van_card
    assert "Next: T-" in page.split('id="vehicle-ARM-01"')[1].split('id="vehicle-VAN-01"')[0]


def test_buttons_offer_the_legal_statuses_and_still_here(client, world):
    Vehicle.objects.filter(callsign="VAN-01").update(status="out_of_service")
    client.force_login(world.users["logistics"])
    page = client.get(fleet_url()).content.decode()
    van_card = page.split('id="vehicle-VAN-01"')[1]
    assert van_card.count("<form ") == 2  # out of service can only become available
    assert 'value="out_of_service"' in van_card and "Still here" in van_card
    assert 'value="available"' in van_card and 'value="en_route"' not in van_card
    arm_card = page.split('id="vehicle-ARM-01"')[1].split('id="vehicle-VAN-01"')[0]
    assert arm_card.count("<form ") == 5  # available: itself and four others


def test_event_ids_are_fresh_on_every_render(client, world):
    client.force_login(world.users["logistics"])
    first = client.get(fleet_url()).content.decode()
    second = client.get(fleet_url()).content.decode()
    ids = [part.split('"')[0] for part in first.split('name="event_id" value="')[1:]]
    assert len(ids) == len(set(ids)) == 10
    assert not set(ids) & {part.split('"')[0] for part in second.split('name="event_id" value="')[1:]}


def test_reader_sees_the_fleet_without_buttons_and_cannot_post(client, world):
    client.force_login(world.users["reader"])
    page = client.get(fleet_url()).content.decode()
    assert 'id="vehicle-VAN-01"' in page and '<form method="post" action="/c/CASC/fleet/' not in page
    assert tap(client, "VAN-01", "en_route").status_code == 403
    assert Vehicle.objects.get(callsign="VAN-01").status == "available"


def test_filter_by_status(client, world):
    Vehicle.objects.filter(callsign="VAN-01").update(status="delayed")
    client.force_login(world.users["organizer"])
    page = client.get(fleet_url(status="delayed")).content.decode()
    assert 'id="vehicle-VAN-01"' in page and 'id="vehicle-ARM-01"' not in page
    assert 'name="filter" value="delayed"' in page
    page = client.get(fleet_url(status="at_pickup")).content.decode()
    assert "No vehicle has this status." in page
    page = client.get(fleet_url(status="nonsense")).content.decode()  # an unknown filter shows everything
    assert 'id="vehicle-VAN-01"' in page and 'id="vehicle-ARM-01"' in page


def test_driver_sees_and_reports_only_its_own_vehicle(client, world):
    client.force_login(world.users["driver"])
    page = client.get(fleet_url()).content.decode()
    assert 'id="vehicle-ARM-01"' in page and "VAN-01" not in page
    assert tap(client, "VAN-01", "en_route").status_code == 404
    assert tap(client, "NOPE-9", "en_route").status_code == 404
    assert Vehicle.objects.get(callsign="VAN-01").status == "available"
    response = tap(client, "ARM-01", "en_route")
    assert response.status_code == 302
    assert Vehicle.objects.get(callsign="ARM-01").status == "en_route"


def test_a_tap_applies_and_comes_back_to_the_card(client, world):
    user = world.users["logistics"]
    client.force_login(user)
    response = tap(client, "VAN-01", "en_route", filter="available")
    assert response.status_code == 302
    assert response["Location"] == "/c/CASC/fleet/?status=available#vehicle-VAN-01"
    van = Vehicle.objects.get(callsign="VAN-01")
    assert van.status == "en_route" and van.status_reported_at is not None
    event = VehicleStatusEvent.objects.get(vehicle=van)
    assert (event.status, event.outcome, event.reported_by) == ("en_route", "applied", user)
    page = client.get(fleet_url()).content.decode()
    assert "VAN-01 is now En route." in page and 'data-status="en_route"' in page


def test_a_tap_may_carry_the_position(client, world):
    client.force_login(world.users["logistics"])
    tap(client, "VAN-01", "available", latitude="8.982100", longitude="-79.519000", accuracy="12.5")
    van = Vehicle.objects.get(callsign="VAN-01")
    assert (str(van.last_latitude), str(van.last_longitude)) == ("8.982100", "-79.519000")
    assert van.status == "available" and van.status_events.get().accuracy_m == 12.5


def test_the_same_event_id_twice_applies_once(client, world):
    client.force_login(world.users["logistics"])
    event_id = uuid.uuid4().hex
    tap(client, "VAN-01", "en_route", event_id=event_id)
    Vehicle.objects.filter(callsign="VAN-01").update(status="delayed")  # someone else moved it meanwhile
    response = tap(client, "VAN-01", "en_route", event_id=event_id)  # a double tap or a resubmitted form
    assert response.status_code == 302
    assert VehicleStatusEvent.objects.filter(event_id=event_id).count() == 1
    assert Vehicle.objects.get(callsign="VAN-01").status == "delayed"
    page = client.get(fleet_url()).content.decode()
    assert "VAN-01: En route was already recorded." in page


def test_an_illegal_transition_shows_why_and_changes_nothing(client, world):
    client.force_login(world.users["organizer"])
    response = tap(client, "VAN-01", "passengers_on_board")
    assert response.status_code == 302 and response["Location"] == "/c/CASC/fleet/#vehicle-VAN-01"
    assert Vehicle.objects.get(callsign="VAN-01").status == "available"
    assert not VehicleStatusEvent.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Not recorded: VAN-01 is available and cannot become passengers_on_board" in page


def test_an_incomplete_form_is_refused_with_a_message(client, world):
    client.force_login(world.users["logistics"])
    response = client.post(status_url("VAN-01"), {"status": "en_route"})
    assert response.status_code == 302
    assert "the form was incomplete" in client.get(fleet_url()).content.decode()
    assert client.post(status_url("NOPE-9"), {"status": "en_route"}).status_code == 404
    assert client.get(status_url("VAN-01")).status_code == 405
    assert not VehicleStatusEvent.objects.exists()


def test_fleet_page_queries_do_not_grow_with_the_fleet(client, world):
    client.force_login(world.users["logistics"])
    client.get(fleet_url())  # sessions and the like settle on the first request
    with CaptureQueriesContext(connection) as few:
        assert client.get(fleet_url()).status_code == 200
    for n in range(6):
        vehicle = VehicleFactory(conference=world.conference, callsign=f"SED-{n}", depot=world.own.vehicle.depot)
        DriverFactory(conference=world.conference, vehicle=vehicle)
        delegate = DelegateFactory(conference=world.conference, delegation=world.own.delegation)
        published_ride(version=world.version, delegate=delegate, vehicle=vehicle, session=world.session)
    with CaptureQueriesContext(connection) as many:
        page = client.get(fleet_url()).content.decode()
    assert page.count('class="card vehicle') == 8
    assert len(many) == len(few)


# --- drivers from drivers.csv ---


def test_the_fleet_page_shows_the_imported_drivers(client, driven):
    client.force_login(driven.users["logistics"])
    page = client.get(fleet_url("TEST26")).content.decode()
    assert "Luis Barrios" in page and 'href="tel:+507 6000-1111"' in page
    assert "Ana Mendoza" in page and 'href="tel:+507 6000-2222"' in page
    client.force_login(driven.users["driver"])
    own = client.get(fleet_url("TEST26")).content.decode()
    assert "Luis Barrios" in own and "Ana Mendoza" not in own
