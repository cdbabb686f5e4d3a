"""An airport pickup or drop-off shows its flight, with the expected time the desk set, wherever a pickup is
shown: board and run sheet, the itinerary page, the itinerary API."""

from datetime import date

import pytest

from conference.models import Role
from logistics.models import Movement, RunStatus
from logistics.selectors.airport import movement_flights
from logistics.services.flights import flight_expected_set
from logistics.services.schedule import schedule_recompute
from tests.factories import UserRoleFactory
from tests.flights import flying_conference, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def flown():
    flying = flying_conference(code="CASC")
    flight_expected_set(
        conference=flying.conference, number="CM 675", day=date(2026, 12, 7), expected_at=local(7, 10, 40)
    )
    assert schedule_recompute(conference_id=flying.conference.pk).status == RunStatus.SUCCEEDED
    return flying


def test_arrivals_and_departures_carry_their_flight_and_expected_time(flown):
    movements = list(Movement.objects.filter(version__is_current=True).select_related("delegate"))
    movement_flights(conference=flown.conference, movements=movements)
    flights = {m.code: m.flight for m in movements}
    arrival = flights["PA-1#arrival"]
    assert (arrival.number, arrival.scheduled_at, arrival.expected_at) == ("CM 675", local(7, 9, 55), local(7, 10, 40))
    assert flights["PA-1#departure"].number == "IB 672" and flights["PA-1#departure"].expected_at is None
    assert flights["CR-2#departure"] is None  # no flight number given
    assert all(flight is None for code, flight in flights.items() if "#to:" in code or "#hotel:" in code)


def test_the_board_run_sheet_and_itinerary_show_an_airport_pickups_flight(flown, client):
    organizer = UserRoleFactory(role=Role.ORGANIZER).user
    client.force_login(organizer)
    board = client.get("/c/CASC/board/?day=2026-12-07").content.decode()
    assert "✈ CM 675 expected 10:40" in board
    pickup = Movement.objects.get(version__is_current=True, code="PA-1#arrival")
    callsign = pickup.stop_passengers.get(action="board").stop.trip.vehicle.callsign
    sheet = client.get(f"/c/CASC/runsheet/{callsign}/2026-12-07/").content.decode()
    assert "✈ CM 675 expected 10:40" in sheet
    itinerary = client.get("/c/CASC/delegates/PA-1/").content.decode()
    assert "✈ CM 675 expected 10:40" in itinerary and "✈ IB 672 18:00" in itinerary


def test_the_itinerary_api_gives_each_airport_legs_flight(flown, api_client):
    client = api_client(UserRoleFactory(role=Role.ORGANIZER).user)
    legs = client.get("/api/v1/delegates/PA-1/itinerary?conference=CASC").json()["movements"]
    by_kind = {leg["kind"]: leg["flight"] for leg in legs}
    assert by_kind["arrival"] == {
        "number": "CM 675",
        "scheduled_at": "2026-12-07T09:55:00-05:00",
        "expected_at": "2026-12-07T10:40:00-05:00",
    }
    assert by_kind["departure"]["number"] == "IB 672" and by_kind["departure"]["expected_at"] is None


def test_the_trips_api_gives_an_airport_pickups_flight(flown, api_client):
    client = api_client(UserRoleFactory(role=Role.ORGANIZER).user)
    trips = client.get("/api/v1/trips/?conference=CASC&page_size=100").json()["results"]
    boarding = {p["movement"]: p for trip in trips for stop in trip["stops"] for p in stop["board"]}
    assert boarding["PA-1#arrival"]["flight"]["expected_at"] == "2026-12-07T15:40:00Z"  # the trips API is in UTC
    assert boarding["PA-1#departure"]["flight"]["number"] == "IB 672"
    assert all(p["flight"] is None for code, p in boarding.items() if "#to:" in code or "#hotel:" in code)
