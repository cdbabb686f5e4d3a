"""Pins on the board: an organizer pins a leg or assigns an unserved movement from a small page, pinned legs show a
badge with a remove button, and the pins the published schedule could not keep are listed."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from logistics.models import Pin, ScheduleRun
from logistics.run_reasons import trigger
from logistics.services.pins import pin_create
from tests.factories import (
    MORNING,
    ConferenceFactory,
    DelegateFactory,
    MovementFactory,
    ScheduleVersionFactory,
    VehicleFactory,
    published_ride,
    unserved,
)

BOARD = "/c/CASC/board/"
PIN = "/c/CASC/board/pin/"
DAY = "2026-12-07"


def ride(world, delegate=None):
    return world.version.movements.get(delegate=delegate or world.own.delegate)


def page_of(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response, response.content.decode()


@pytest.fixture
def stranded(world):
    """Bruno's movement to his hotel after the plenary, which the published schedule could not serve."""
    return MovementFactory(
        version=world.version,
        delegate=world.other.delegate,
        code="CR-1#hotel:PLEN",
        kind="to_hotel",
        from_venue=world.session.venue,
        to_venue=world.other.delegate.hotel,
        earliest_pickup=MORNING + timedelta(hours=2),
        latest_pickup=MORNING + timedelta(hours=3),
        earliest_dropoff=MORNING + timedelta(hours=2, minutes=10),
        latest_dropoff=MORNING + timedelta(hours=4),
        **unserved(),
    )


# The pin page


def test_an_organizer_opens_the_pin_page_of_a_leg(world, client):
    leg = ride(world)
    response, page = page_of(client, world.users["organizer"], f"{PIN}?movement={leg.code}&day={DAY}")
    assert response.status_code == 200
    assert world.own.delegate.full_name in page and leg.code in page
    assert "08:00" in page and "08:30" in page  # the pickup window, local time
    assert "ARM-01" in page  # served by it now
    assert '<option value="ARM-01"' in page and '<option value="VAN-01"' in page
    assert 'min="2026-12-07T08:00"' in page and 'max="2026-12-07T08:30"' in page
    assert f'href="{BOARD}?day={DAY}"' in page


def test_the_pin_page_offers_only_vehicles_able_to_carry_the_leg(world, client):
    world.own.delegate.vip = True
    world.own.delegate.save()
    VehicleFactory(conference=world.conference, callsign="ARM-02", armoured=True, status="out_of_service")
    _, page = page_of(client, world.users["organizer"], f"{PIN}?movement={ride(world).code}")
    assert '<option value="ARM-01"' in page
    assert '<option value="VAN-01"' not in page and '<option value="ARM-02"' not in page


@pytest.mark.parametrize("role", ["logistics", "reader", "driver", "liaison"])
def test_only_organizers_open_the_pin_page(world, client, role):
    response, _ = page_of(client, world.users[role], f"{PIN}?movement={ride(world).code}")
    assert response.status_code == 403


def test_the_pin_page_of_an_unknown_movement_is_not_found(world, client):
    assert page_of(client, world.users["organizer"], f"{PIN}?movement=NOPE%23arrival")[0].status_code == 404
    assert page_of(client, world.users["organizer"], PIN)[0].status_code == 404


# Pinning


def test_an_organizer_pins_a_leg_and_goes_back_to_the_board(world, client):
    leg = ride(world)
    client.force_login(world.users["organizer"])
    response = client.post(
        PIN, {"movement": leg.code, "vehicle": "VAN-01", "pickup_at": "2026-12-07T08:10", "day": DAY}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{BOARD}?day={DAY}#vehicle-VAN-01"
    pin = Pin.objects.get()
    assert (pin.movement, pin.vehicle.callsign, pin.created_by) == (leg.code, "VAN-01", world.users["organizer"])
    assert pin.pickup_at == MORNING - timedelta(minutes=50)  # 08:10 in Panama
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"{leg.code} is pinned to VAN-01; the next run plans it there."
    ]
    run = ScheduleRun.objects.get(status="queued")
    assert trigger("pin_set", movement=leg.code, vehicle="VAN-01") in run.triggers


def test_a_pin_without_a_pickup_time(world, client):
    client.force_login(world.users["organizer"])
    response = client.post(PIN, {"movement": ride(world).code, "vehicle": "VAN-01", "pickup_at": ""})
    assert response.status_code == 302 and Pin.objects.get().pickup_at is None


def test_an_organizer_assigns_an_unserved_movement_by_hand(world, client, stranded):
    client.force_login(world.users["organizer"])
    response = client.post(PIN, {"movement": stranded.code, "vehicle": "VAN-01", "day": DAY})
    assert response.status_code == 302
    assert Pin.objects.get().movement == stranded.code


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"pickup_at": "2026-12-07T09:30"}, "choose a time in that window"),
        ({"vehicle": "NOPE"}, "has no vehicle NOPE"),
        ({"pickup_at": "not a time"}, "Enter a valid date/time."),
    ],
    ids=["outside-window", "unknown-vehicle", "unreadable-time"],
)
def test_a_refused_pin_shows_why_on_the_pin_page(world, client, fields, message):
    client.force_login(world.users["organizer"])
    response = client.post(PIN, {"movement": ride(world).code, "vehicle": "VAN-01", **fields})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Pin.objects.exists()


def test_a_vehicle_gone_out_of_service_meanwhile_is_refused_with_the_reason(world, client):
    world.other.vehicle.status = "out_of_service"
    world.other.vehicle.save()
    client.force_login(world.users["organizer"])
    response = client.post(PIN, {"movement": ride(world).code, "vehicle": "VAN-01"})
    assert response.status_code == 400 and "VAN-01 is out of service" in response.content.decode()


def test_a_movement_gone_from_the_schedule_is_refused(world, client):
    client.force_login(world.users["organizer"])
    response = client.post(PIN, {"movement": "PA-1#departure", "vehicle": "VAN-01"})
    assert response.status_code == 400 and "There is no movement PA-1#departure" in response.content.decode()


@pytest.mark.parametrize("role", ["logistics", "reader", "driver"])
def test_only_organizers_pin(world, client, role):
    client.force_login(world.users[role])
    assert client.post(PIN, {"movement": ride(world).code, "vehicle": "VAN-01"}).status_code == 403
    assert not Pin.objects.exists()


# Removing a pin


def test_an_organizer_removes_a_pin_from_the_board(world, client):
    pin = pin_create(conference=world.conference, movement=ride(world).code, vehicle="ARM-01")
    client.force_login(world.users["organizer"])
    response = client.post(f"/c/CASC/board/pins/{pin.pk}/remove/", {"day": DAY})
    assert response.status_code == 302 and response["Location"] == f"{BOARD}?day={DAY}"
    assert not Pin.objects.exists()
    assert "the next run plans it freely" in next(str(m) for m in get_messages(response.wsgi_request))
    run = ScheduleRun.objects.get(status="queued")
    assert trigger("pin_removed", movement=pin.movement, vehicle="ARM-01") in run.triggers


def test_removing_is_for_organizers_and_within_the_conference(world, client):
    pin = pin_create(conference=world.conference, movement=ride(world).code, vehicle="ARM-01")
    client.force_login(world.users["logistics"])
    assert client.post(f"/c/CASC/board/pins/{pin.pk}/remove/").status_code == 403
    client.force_login(world.users["organizer"])
    assert client.get(f"/c/CASC/board/pins/{pin.pk}/remove/").status_code == 405
    other = ScheduleVersionFactory(conference=ConferenceFactory(code="OTHER"), is_current=True)
    VehicleFactory(conference=other.conference, callsign="VAN-09")
    elsewhere = pin_create(conference=other.conference, movement=MovementFactory(version=other).code, vehicle="VAN-09")
    assert client.post(f"/c/CASC/board/pins/{elsewhere.pk}/remove/").status_code == 404
    assert client.post("/c/CASC/board/pins/999999/remove/").status_code == 404
    assert Pin.objects.count() == 2


# The board


def test_a_pinned_leg_shows_a_badge_and_organizers_a_remove_button(world, client):
    pin = pin_create(conference=world.conference, movement=ride(world).code, vehicle="ARM-01")
    _, page = page_of(client, world.users["organizer"], f"{BOARD}?day={DAY}")
    assert f'id="pin-{pin.pk}"' in page and "📌 pinned" in page
    assert f'action="/c/CASC/board/pins/{pin.pk}/remove/"' in page
    _, page = page_of(client, world.users["reader"], f"{BOARD}?day={DAY}")
    assert "📌 pinned" in page and "/remove/" not in page


def test_a_leg_pinned_to_another_vehicle_says_which(world, client):
    pin_create(
        conference=world.conference,
        movement=ride(world).code,
        vehicle="VAN-01",
        pickup_at=MORNING - timedelta(minutes=45),
    )
    _, page = page_of(client, world.users["logistics"], f"{BOARD}?day={DAY}")
    assert "📌 pinned to VAN-01 08:15" in page


def test_organizers_tap_a_boarding_passenger_to_pin_the_leg(world, client):
    leg = ride(world)
    code = leg.code.replace("#", "%23").replace(":", "%3A")
    _, page = page_of(client, world.users["organizer"], f"{BOARD}?day={DAY}")
    assert f'href="{PIN}?movement={code}"' in page
    _, page = page_of(client, world.users["logistics"], f"{BOARD}?day={DAY}")
    assert PIN not in page


def test_the_board_lists_the_days_unserved_movements_with_assign_buttons(world, client, stranded):
    _, page = page_of(client, world.users["organizer"], f"{BOARD}?day={DAY}")
    assert 'id="unserved"' in page and "1 unserved movement this day" in page
    assert stranded.code in page and "no vehicle free in time" in page
    assert f'href="{PIN}?movement=CR-1%23hotel%3APLEN&amp;day={DAY}"' in page
    _, page = page_of(client, world.users["reader"], f"{BOARD}?day={DAY}")
    assert stranded.code in page and PIN not in page
    _, page = page_of(client, world.users["organizer"], f"{BOARD}?day=2026-12-08")
    assert stranded.code not in page and "Every movement of this day is served." in page


def test_an_unserved_movement_assigned_by_hand_shows_its_pin(world, client, stranded):
    pin_create(conference=world.conference, movement=stranded.code, vehicle="VAN-01")
    _, page = page_of(client, world.users["organizer"], f"{BOARD}?day={DAY}")
    assert "📌 pinned to VAN-01" in page


def test_drivers_see_no_unserved_list_and_no_infeasible_pins(world, client, stranded):
    world.version.metrics = {
        "pins": {"infeasible": [{"movement": stranded.code, "vehicle": "ARM-01", "code": "x", "params": {}}]}
    }
    world.version.save()
    _, page = page_of(client, world.users["driver"], f"{BOARD}?day={DAY}")
    assert 'id="unserved"' not in page and 'id="pins-infeasible"' not in page


def test_the_board_lists_the_pins_the_published_schedule_could_not_keep(world, client, stranded):
    pin_create(conference=world.conference, movement=stranded.code, vehicle="ARM-01")
    world.version.metrics = {
        "pins": {
            "kept": [],
            "infeasible": [
                {
                    "movement": stranded.code,
                    "vehicle": "ARM-01",
                    "code": "pin_infeasible",
                    "params": {"movement": stranded.code, "vehicle": "ARM-01", "why": "ARM-01 is busy then"},
                }
            ],
        }
    }
    world.version.save()
    _, page = page_of(client, world.users["organizer"], f"{BOARD}?day={DAY}")
    section = page[page.index('id="pins-infeasible"') : page.index("</section>", page.index('id="pins-infeasible"'))]
    assert "1 pin the schedule could not keep" in section
    assert stranded.code in section and "ARM-01" in section and world.other.delegate.full_name in section
    assert "ARM-01 is busy then" in section  # the reason, whatever its template says around it
    assert "/remove/" in section and f"{PIN}?movement=" in section


def test_an_infeasible_pin_of_an_unknown_reason_code_still_shows_why(world, client, stranded):
    world.version.metrics = {
        "pins": {
            "infeasible": [
                {"movement": stranded.code, "vehicle": "VAN-01", "code": "brand_new", "params": {"why": "no road"}}
            ]
        }
    }
    world.version.save()
    _, page = page_of(client, world.users["reader"], f"{BOARD}?day={DAY}")
    section = page[page.index('id="pins-infeasible"') :]
    assert "no road" in section and "pin removed since" in section and "/remove/" not in section


def test_the_board_with_pins_and_unserved_movements_keeps_its_query_count(world, client):
    client.force_login(world.users["organizer"])

    def grow(n):
        for number in range(n):
            delegate = DelegateFactory(conference=world.conference, delegation=world.own.delegation)
            vehicle = VehicleFactory(conference=world.conference, depot=world.own.vehicle.depot)
            leg = published_ride(version=world.version, delegate=delegate, vehicle=vehicle, session=world.session)
            pin_create(conference=world.conference, movement=leg.code, vehicle=vehicle.callsign)
            MovementFactory(
                version=world.version, delegate=delegate, code=f"{delegate.external_id}#x{number}", **unserved()
            )

    grow(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{BOARD}?day={DAY}").status_code == 200
    grow(4)
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"{BOARD}?day={DAY}").status_code == 200
    assert len(many) == len(few)
