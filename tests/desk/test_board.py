"""The schedule board and the run sheets: roles, scope, filters, what they show, and their query count."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from logistics.run_reasons import trigger
from tests.factories import (
    MORNING,
    ConferenceFactory,
    DelegateFactory,
    DriverFactory,
    ScheduleRunFactory,
    ScheduleVersionFactory,
    VehicleFactory,
    merged_changes,
    moved_leg_changes,
    published_ride,
)

BOARD = "/c/CASC/board/"
DAY = "2026-12-07"


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def _callsigns(response) -> list[str]:
    return [row.vehicle.callsign for row in response.context["vehicles"]]


@pytest.mark.parametrize("role", ["organizer", "logistics", "reader", "driver"])
def test_board_opens_for_fleet_roles(world, client, role):
    assert _get(client, world.users[role], f"{BOARD}?day={DAY}").status_code == 200


@pytest.mark.parametrize("role", ["liaison", "norole"])
def test_board_is_refused_to_other_roles(world, client, role):
    assert _get(client, world.users[role], BOARD).status_code == 403


def test_board_of_another_conference_is_not_found(world, client):
    ConferenceFactory(code="OTHER")
    assert _get(client, world.users["driver"], "/c/OTHER/board/").status_code == 404
    assert _get(client, world.users["organizer"], "/c/NOPE/board/").status_code == 404


def test_board_shows_each_vehicles_trips_with_stops_and_passengers(world, client):
    response = _get(client, world.users["reader"], f"{BOARD}?day={DAY}")
    page = response.content.decode()
    assert _callsigns(response) == ["ARM-01", "VAN-01"]
    assert world.own.delegate.full_name in page and world.other.delegate.full_name in page
    assert world.own.delegate.hotel.name in page and world.session.venue.name in page
    assert "08:20" in page and "08:40" in page  # pickup and drop-off, local time
    assert 'class="timeline-bar"' in page
    assert f'href="/c/CASC/runsheet/ARM-01/{DAY}/"' in page


def test_board_timeline_is_placed_by_a_style_block_with_the_answers_nonce(world, client):
    """The Content-Security-Policy refuses style attributes: the bars' positions are in a <style> block carrying
    the nonce the policy names for this answer only."""
    response = _get(client, world.users["reader"], f"{BOARD}?day={DAY}")
    page = response.content.decode()
    nonce = re.search(r"style-src 'self' 'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    block = re.search(rf'<style nonce="{re.escape(nonce)}">(.*?)</style>', page, re.DOTALL).group(1)
    assert "#timeline-bar-1-1 { left: " in block and "#timeline-bar-2-1 { left: " in block
    assert 'id="timeline-bar-1-1"' in page and " style=" not in page
    again = _get(client, world.users["reader"], f"{BOARD}?day={DAY}")
    assert nonce not in again["Content-Security-Policy"]  # a new one each time


def test_board_day_defaults_to_a_day_of_the_conference(world, client):
    response = _get(client, world.users["organizer"], BOARD)
    conference = world.conference
    assert conference.start_date <= response.context["day"] <= conference.end_date
    assert _get(client, world.users["organizer"], f"{BOARD}?day=2030-01-01").context["day"] == conference.end_date


def test_board_shows_no_trips_of_another_day(world, client):
    response = _get(client, world.users["organizer"], f"{BOARD}?day=2026-12-08")
    assert response.context["trip_count"] == 0
    assert world.own.delegate.full_name not in response.content.decode()


def test_driver_sees_only_its_vehicle_and_no_recompute(world, client):
    response = _get(client, world.users["driver"], f"{BOARD}?day={DAY}")
    page = response.content.decode()
    assert _callsigns(response) == ["ARM-01"]
    assert "VAN-01" not in page and world.other.delegate.full_name not in page
    assert 'id="recompute"' not in page and 'id="runs"' not in page


def test_only_organizers_get_the_recompute_button(world, client):
    page = _get(client, world.users["organizer"], f"{BOARD}?day={DAY}").content.decode()
    assert 'id="recompute-button"' in page and "/api/v1/conferences/CASC/recompute" in page
    assert "logistics/board.js" in page
    page = _get(client, world.users["logistics"], f"{BOARD}?day={DAY}").content.decode()
    assert 'id="recompute-button"' not in page


@pytest.mark.parametrize("role", ["logistics", "driver", "reader"])
def test_recompute_endpoint_refuses_other_roles_in_the_browser(world, client, role):
    client.force_login(world.users[role])
    assert client.post("/api/v1/conferences/CASC/recompute").status_code in (403, 404)


def test_board_filters_by_vehicle_kind(world, client):
    response = _get(client, world.users["organizer"], f"{BOARD}?day={DAY}&kind=van")
    assert _callsigns(response) == ["VAN-01"]
    assert '<option value="van" selected>' in response.content.decode()


def test_board_filters_by_delegation(world, client):
    response = _get(client, world.users["organizer"], f"{BOARD}?day={DAY}&delegation=CR")
    page = response.content.decode()
    assert _callsigns(response) == ["VAN-01"]
    assert world.own.delegate.full_name not in page
    assert '<option value="CR" selected>' in page


def test_board_filters_by_venue(world, client):
    hotel = world.own.delegate.hotel
    response = _get(client, world.users["organizer"], f"{BOARD}?day={DAY}&venue={hotel.code}")
    assert _callsigns(response) == ["ARM-01"]
    assert f'<option value="{hotel.code}" selected>' in response.content.decode()


def test_board_ignores_unknown_filter_values(world, client):
    response = _get(client, world.users["organizer"], f"{BOARD}?day={DAY}&kind=tank&delegation=XX&venue=NOPE")
    assert _callsigns(response) == ["ARM-01", "VAN-01"]


def test_board_shows_only_the_published_version(world, client):
    old = ScheduleVersionFactory(conference=world.conference, is_current=False)
    stale = DelegateFactory(conference=world.conference, delegation=world.own.delegation, given_name="Stale")
    published_ride(version=old, delegate=stale, vehicle=world.other.vehicle)
    page = _get(client, world.users["organizer"], f"{BOARD}?day={DAY}").content.decode()
    assert stale.full_name not in page


def test_board_lists_the_run_history(world, client):
    ScheduleRunFactory(
        conference=world.conference,
        status="failed",
        triggers=[trigger("input_changed", what="vehicle", object="ARM-01")],
        metrics={},
        error="no solution",
    )
    ScheduleRunFactory(
        conference=world.conference,
        status="succeeded",
        triggers=[trigger("import")],
        metrics={"served": 41, "unserved": 3},
    )
    page = _get(client, world.users["reader"], f"{BOARD}?day={DAY}").content.decode()
    assert "vehicle ARM-01 changed" in page and "no solution" in page
    assert ">41<" in page and ">3<" in page
    assert "time limit cut" not in page


def test_board_says_when_the_time_limit_cut_a_run_short(world, client):
    ScheduleRunFactory(
        conference=world.conference, status="succeeded", metrics={"served": 41, "unserved": 3, "time_cut_waves": 2}
    )
    page = _get(client, world.users["reader"], f"{BOARD}?day={DAY}").content.decode()
    assert "The time limit cut 2 waves of the search short" in page


def test_run_sheet_shows_stops_and_passengers(world, client):
    response = _get(client, world.users["driver"], f"/c/CASC/runsheet/ARM-01/{DAY}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert world.own.delegate.full_name in page and world.own.delegate.hotel.name in page
    assert world.session.venue.name in page and "08:20" in page
    assert "Carla Ruiz" in page and "+507 6111-1111" in page
    assert world.other.delegate.full_name not in page


@pytest.mark.parametrize("role", ["organizer", "logistics", "reader"])
def test_run_sheet_opens_for_desk_roles(world, client, role):
    assert _get(client, world.users[role], f"/c/CASC/runsheet/VAN-01/{DAY}/").status_code == 200


def test_run_sheet_scope_and_refusals(world, client):
    assert _get(client, world.users["driver"], f"/c/CASC/runsheet/VAN-01/{DAY}/").status_code == 404
    assert _get(client, world.users["liaison"], f"/c/CASC/runsheet/ARM-01/{DAY}/").status_code == 403
    assert _get(client, world.users["organizer"], "/c/CASC/runsheet/ARM-01/not-a-day/").status_code == 404
    assert _get(client, world.users["organizer"], f"/c/CASC/runsheet/NOPE/{DAY}/").status_code == 404


def _grow(world, n):
    for _ in range(n):
        delegate = DelegateFactory(conference=world.conference, delegation=world.own.delegation)
        vehicle = VehicleFactory(conference=world.conference, depot=world.own.vehicle.depot)
        DriverFactory(conference=world.conference, vehicle=vehicle)  # the board shows it: no query more
        published_ride(version=world.version, delegate=delegate, vehicle=vehicle, session=world.session)
        published_ride(version=world.version, delegate=delegate, vehicle=world.own.vehicle)
        ScheduleRunFactory(conference=world.conference)


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("organizer", f"{BOARD}?day={DAY}"),
        ("organizer", f"{BOARD}?day={DAY}&delegation=PA&kind=van"),
        ("driver", f"{BOARD}?day={DAY}"),
        ("organizer", f"/c/CASC/runsheet/ARM-01/{DAY}/"),
    ],
)
def test_board_pages_queries_do_not_grow_with_rows(world, client, role, url):
    client.force_login(world.users[role])
    _grow(world, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grow(world, 5)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def _both_moved(world):
    """The published version moved Ana's ride (from VAN-01 at 08:00) and Bruno's (from 08:10 in his own van)."""
    ana = moved_leg_changes(world.own.delegate.movements.get())
    bruno = moved_leg_changes(
        world.other.delegate.movements.get(), vehicle="VAN-01", pickup_at=MORNING - timedelta(minutes=50)
    )
    world.version.changes = merged_changes(ana, bruno)
    world.version.save()


def test_board_shows_what_the_published_version_changed_collapsed(world, client):
    _both_moved(world)
    page = _get(client, world.users["logistics"], f"{BOARD}?day={DAY}").content.decode()
    changes = page[page.index('id="changes"') : page.index("</section>", page.index('id="changes"'))]
    assert "2 delegates with a significant change" in changes and "2 vehicles affected" not in changes
    assert "<details" in changes and "<details open" not in changes  # collapsed until opened
    assert world.own.delegate.full_name in changes and world.other.delegate.full_name in changes
    assert "VAN-01 · Mon 7 Dec 08:00" in changes and "ARM-01 · Mon 7 Dec 08:20" in changes  # before, now: local
    assert "Mon 7 Dec 08:10" in changes


def test_board_shows_no_changes_for_the_first_version(world, client):
    world.version.changes = {"first": True, "since_version": None, "delegates": {}, "vehicles": {}}
    world.version.save()
    assert 'id="changes"' not in _get(client, world.users["organizer"], f"{BOARD}?day={DAY}").content.decode()


def test_a_driver_sees_the_changes_its_vehicle_carries(world, client):
    _both_moved(world)
    response = _get(client, world.users["driver"], f"{BOARD}?day={DAY}")  # ARM-01 carries Ana now, never Bruno
    page = response.content.decode()
    assert "1 delegate with a significant change" in page
    assert [leg.passenger for leg in response.context["changes"].legs] == ["PA-1"]


# --- drivers from drivers.csv ---


@pytest.mark.parametrize("role", ["organizer", "driver"])
def test_the_run_sheet_shows_the_imported_driver_phone_and_shift(driven, client, role):
    page = _get(client, driven.users[role], f"/c/TEST26/runsheet/ARM-01/{DAY}/").content.decode()
    assert "Luis Barrios" in page and '<a href="tel:+507 6000-1111">+507 6000-1111</a>' in page
    assert "Shift Mon 7 Dec 06:00\u2013Mon 7 Dec 18:00" in page  # the conference's time zone


def test_the_board_shows_each_vehicles_imported_driver(driven, client):
    page = _get(client, driven.users["organizer"], f"/c/TEST26/board/?day={DAY}").content.decode()
    assert "Luis Barrios" in page and 'href="tel:+507 6000-1111"' in page
    assert "Ana Mendoza" in page and 'href="tel:+507 6000-2222"' in page
    own = _get(client, driven.users["driver"], f"/c/TEST26/board/?day={DAY}").content.decode()
    assert "Luis Barrios" in own and "Ana Mendoza" not in own  # a driver sees its own vehicle
