"""The delegate pages: the list with its filters and search, one delegate with flights, sessions and itinerary."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import (
    MORNING,
    AttendanceFactory,
    ConferenceFactory,
    DelegateFactory,
    DelegationFactory,
    DriverFactory,
    HotelFactory,
    SessionFactory,
    VehicleFactory,
    VenueFactory,
    moved_leg_changes,
    published_ride,
)
from tests.queries import get_queries

ALLOWED = ["organizer", "reader", "liaison"]
REFUSED = ["logistics", "driver", "norole"]


def _list(code="CASC"):
    return reverse("delegates", args=[code])


def _page(external_id, code="CASC"):
    return reverse("delegate", args=[code, external_id])


def _as(client, world, role):
    client.force_login(world.users[role])
    return client


def _rows(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("role", ALLOWED)
def test_roles_that_see_delegation_data_open_both_pages(client, world, role):
    _as(client, world, role)
    assert client.get(_list()).status_code == 200
    assert client.get(_page("PA-1")).status_code == 200


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_are_refused(client, world, role):
    _as(client, world, role)
    assert client.get(_list()).status_code == 403
    assert client.get(_page("PA-1")).status_code == 403


def test_anonymous_is_sent_to_the_login_page(client, world):
    response = client.get(_list())
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", ALLOWED)
def test_unknown_conference_is_not_found(client, world, role):
    _as(client, world, role)
    assert client.get(_list("NOPE")).status_code == 404
    assert client.get(_page("PA-1", "NOPE")).status_code == 404


def test_liaison_does_not_see_another_conference(client, world):
    other = ConferenceFactory(code="OTHER")
    DelegateFactory(conference=other, external_id="PA-1")
    _as(client, world, "liaison")
    assert client.get(_list("OTHER")).status_code == 404
    assert client.get(_page("PA-1", "OTHER")).status_code == 404


def test_liaison_sees_only_its_delegation(client, world):
    _as(client, world, "liaison")
    page = _rows(client.get(_list()))
    assert "PA-1" in page and "CR-1" not in page
    assert client.get(_page("CR-1")).status_code == 404
    filtered = client.get(_list(), {"delegation": "CR"})
    assert "CR-1" not in _rows(filtered) and "PA-1" not in _rows(filtered)
    assert 'id="no-delegates"' in _rows(filtered)
    searched = _rows(client.get(_list(), {"search": "CR-1"}))
    assert ">CR-1<" not in searched and 'id="no-delegates"' in searched
    assert 'value="CR"' not in page  # the delegation filter offers only its own


def test_organizer_sees_every_delegation(client, world):
    _as(client, world, "organizer")
    page = _rows(client.get(_list()))
    assert "PA-1" in page and "CR-1" in page


def test_filters_and_search(client, world):
    conference = world.conference
    spa = HotelFactory(conference=conference, code="SPA", name="Spa Hotel")
    DelegateFactory(
        conference=conference,
        delegation=world.own.delegation,
        external_id="PA-2",
        given_name="Carmen",
        family_name="Quintero",
        vip=True,
        hotel=spa,
        arrival_at=MORNING - timedelta(days=1),
        arrival_venue=VenueFactory(conference=conference, kind="airport", code="PTY"),
        arrival_flight="CM 101",
    )
    _as(client, world, "organizer")

    def ids(**params) -> set[str]:
        page = _rows(client.get(_list(), params))
        return {external_id for external_id in ("PA-1", "PA-2", "CR-1") if f">{external_id}<" in page}

    assert ids() == {"PA-1", "PA-2", "CR-1"}
    assert ids(delegation="PA") == {"PA-1", "PA-2"}
    assert ids(delegation="CR") == {"CR-1"}
    assert ids(hotel="SPA") == {"PA-2"}
    assert ids(vip="yes") == {"PA-2"}
    assert ids(vip="no") == {"PA-1", "CR-1"}
    assert ids(arrival_day="2026-12-06") == {"PA-2"}
    assert ids(arrival_day="2026-12-07") == set()
    assert ids(search="quin") == {"PA-2"}
    assert ids(search="carmen quintero") == {"PA-2"}
    assert ids(search="cr-1") == {"CR-1"}
    assert ids(search="Bruno", delegation="PA") == set()


def test_an_invalid_filter_shows_its_error_and_keeps_the_other_values(client, world):
    _as(client, world, "organizer")
    response = client.get(_list(), {"arrival_day": "tomorrow", "search": "Ana"})
    page = _rows(response)
    assert response.status_code == 200
    assert "errorlist" in page and 'value="Ana"' in page and 'value="tomorrow"' in page
    assert 'id="no-delegates"' in page


def test_delegate_page_shows_flights_hotel_sessions_and_itinerary(client, world):
    delegate = world.own.delegate
    airport = VenueFactory(conference=world.conference, kind="airport", code="PTY", name="Tocumen")
    delegate.arrival_at, delegate.arrival_venue, delegate.arrival_flight = (
        MORNING - timedelta(hours=20),
        airport,
        "CM 101",
    )
    delegate.departure_at, delegate.departure_venue, delegate.departure_flight = (
        MORNING + timedelta(days=1),
        airport,
        "AV 7",
    )
    delegate.save()
    AttendanceFactory(delegate=delegate, session=world.session)
    _as(client, world, "liaison")
    page = _rows(client.get(_page("PA-1")))
    assert "CM 101" in page and "AV 7" in page and "Tocumen" in page
    assert delegate.hotel.name in page
    assert world.session.title in page and world.session.code in page
    # the published ride: 08:20 local pickup (MORNING is 09:00 in Panama), the armoured car and its driver
    assert "08:20" in page and "ARM-01" in page and "Carla Ruiz" in page and "+507 6111-1111" in page
    assert "VAN-01" not in page  # Bruno's ride is not Ana's
    assert "/api/v1/delegates/PA-1/itinerary.ics?conference=CASC" in page
    assert 'href="?print=1"' in page


def test_unserved_movement_shows_its_reason(client, world):
    ride = published_ride(version=world.version, delegate=world.own.delegate, vehicle=world.own.vehicle)
    ride.stop_passengers.all().delete()
    ride.unserved_code, ride.unserved_params = "no_vehicle_free", {"needs": ["armoured"], "seats": 1}
    ride.save()
    _as(client, world, "organizer")
    page = _rows(client.get(_page("PA-1")))
    assert "no armoured vehicle free in time" in page


def test_printable_itinerary(client, world):
    _as(client, world, "reader")
    response = client.get(_page("PA-1"), {"print": "1"})
    page = _rows(response)
    assert response.status_code == 200
    assert 'class="printing"' in page and 'css/print.css">' in page  # the print styles on screen too
    assert "ARM-01" in page


def test_calendar_link_answers_the_browser_session(client, world):
    _as(client, world, "liaison")
    response = client.get("/api/v1/delegates/PA-1/itinerary.ics?conference=CASC")
    assert response.status_code == 200 and b"BEGIN:VCALENDAR" in response.content


def test_delegate_page_before_anything_is_published(client, world):
    world.version.is_current = False
    world.version.save()
    _as(client, world, "organizer")
    assert "No schedule has been published yet." in _rows(client.get(_page("PA-1")))


# Bounded queries


def _grow(world, n: int) -> None:
    """n more PA delegates and hotels, each with a ride and a session; n more rides and sessions for PA-1."""
    conference, version = world.conference, world.version
    for _ in range(n):
        delegate = DelegateFactory(conference=conference, delegation=world.own.delegation)
        vehicle = VehicleFactory(conference=conference, depot=world.own.vehicle.depot)
        DriverFactory(conference=conference, vehicle=vehicle)  # each leg shows its driver: no query more
        session = SessionFactory(conference=conference, venue=world.session.venue)
        published_ride(version=version, delegate=delegate, vehicle=vehicle, session=world.session)
        published_ride(version=version, delegate=world.own.delegate, vehicle=vehicle, session=session)
        AttendanceFactory(delegate=world.own.delegate, session=session)
        DelegationFactory(conference=conference)


@pytest.mark.parametrize("role", ["organizer", "liaison"])
@pytest.mark.parametrize("url", [_list, lambda: _page("PA-1"), lambda: _list() + "?vip=no&search=Ana"])
def test_queries_do_not_grow_with_rows(client, world, role, url):
    _as(client, world, role)
    _grow(world, 1)
    few = get_queries(client, url())
    _grow(world, 5)
    many = get_queries(client, url())
    assert many == few
    assert client.get(_page("PA-1")).content.decode().count('class="leg') == 1 + 6  # its own ride and the 6 grown


def test_a_leg_the_published_version_changed_shows_a_badge_with_the_old_time(client, world):
    world.version.changes = moved_leg_changes(world.own.delegate.movements.get())
    world.version.save()
    _as(client, world, "liaison")
    page = _rows(client.get(_page("PA-1")))
    assert 'class="change-badge significant">changed<' in page
    assert "before: VAN-01, Mon 7 Dec 08:00" in page  # local time of the old pickup


def test_an_unchanged_leg_has_no_badge(client, world):
    world.version.changes = moved_leg_changes(world.own.delegate.movements.get())
    world.version.save()
    _as(client, world, "organizer")
    assert "change-badge" not in _rows(client.get(_page("CR-1")))


# --- drivers from drivers.csv ---


@pytest.mark.parametrize("role", ["organizer", "liaison"])
def test_the_itinerary_shows_the_imported_driver_with_a_phone_link(driven, client, role):
    client.force_login(driven.users[role])
    for query in ("", "?print=1"):
        page = client.get(_page("P1", "TEST26") + query).content.decode()
        assert "ARM-01" in page and "Luis Barrios" in page
        assert '<a href="tel:+507 6000-1111">+507 6000-1111</a>' in page
        assert "Ana Mendoza" not in page  # the other delegation's leg, in another vehicle


def test_a_liaison_sees_no_other_delegations_driver(driven, client):
    client.force_login(driven.users["liaison"])
    assert client.get(_page("P2", "TEST26")).status_code == 404
    client.force_login(driven.users["organizer"])
    assert "Ana Mendoza" in client.get(_page("P2", "TEST26")).content.decode()
