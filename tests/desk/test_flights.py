import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from delegates.models import Flight
from logistics.models import RunStatus, ScheduleRun
from tests.factories import ConferenceFactory, DelegateFactory, UserRoleFactory
from tests.flights import flying_conference, local

pytestmark = pytest.mark.django_db

PAGE = reverse("flights", args=["FLY"])
EXPECTED = reverse("flight-expected", args=["FLY"])


@pytest.fixture
def flying():
    return flying_conference()


@pytest.fixture
def as_role(client, flying):
    def login(role: str):
        bound = {"delegation": flying.people["PA-1"].delegation} if role == "liaison" else {}
        if role == "driver":
            bound = {"vehicle": flying.conference.vehicles.first()}
        client.force_login(UserRoleFactory(role=role, **bound).user)
        return client

    return login


def cards(page: str) -> list[str]:
    """The flights on the page, as number/kind, in order."""
    return re.findall(r'data-flight="([^"]+)" data-kind="([^"]+)"', page)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("organizer", 200), ("logistics", 200), ("reader", 200), ("liaison", 403), ("driver", 403)],
)
def test_the_flights_page_is_for_the_desk(as_role, role, expected):
    assert as_role(role).get(PAGE).status_code == expected


def test_the_board_shows_the_first_day_with_flights_and_offers_every_day_with_flights(as_role):
    page = as_role("reader").get(PAGE).content.decode()
    assert cards(page) == [("CM 675", "arrival"), ("CM 999", "arrival")]
    assert '<option value="2026-12-07" selected>' in page and '<option value="2026-12-08">' in page
    assert "Tocumen (PTY)" in page and "09:55" in page and "as scheduled" in page
    assert "3 delegates" in page and "1 delegate" in page
    assert "None this day." in page  # no departure on the 7th
    assert 'aria-current="page">Flights</a>' in page  # the menu entry


def test_the_day_picker_chooses_the_day(as_role):
    page = as_role("reader").get(PAGE, {"day": "2026-12-08"}).content.decode()
    assert cards(page) == [("CM 675", "departure"), ("IB 672", "departure")]
    assert '<option value="2026-12-08" selected>' in page
    fallback = as_role("reader").get(PAGE, {"day": "2026-12-25"}).content.decode()  # no flight that day
    assert cards(fallback) == [("CM 675", "arrival"), ("CM 999", "arrival")]


def test_today_is_the_default_when_it_has_flights(as_role, flying):
    today = timezone.now().astimezone(flying.conference.zone).replace(hour=12, minute=0, second=0, microsecond=0)
    for number, moment in (("EARLY 1", today - timedelta(days=3)), ("TODAY 1", today)):
        DelegateFactory(
            conference=flying.conference, arrival_at=moment, arrival_venue=flying.airport, arrival_flight=number
        )
    page = as_role("reader").get(PAGE).content.decode()
    assert cards(page) == [("TODAY 1", "arrival")]


def test_the_delegates_on_a_flight_link_to_their_pages(as_role, flying):
    page = as_role("organizer").get(PAGE).content.decode()
    assert '<details class="flight-delegates">' in page
    url = reverse("delegate", args=["FLY", "PA-1"])
    assert f'<a href="{url}">Ana Flyer PA-1</a>' in page
    assert "CR-1 · CR · 10:05" in page  # later than the flight's scheduled time: shown
    logistics = as_role("logistics").get(PAGE).content.decode()  # may not open delegate pages: names only
    assert "Ana Flyer PA-1" in logistics and url not in logistics


def test_an_organizer_sets_the_expected_time_and_comes_back_to_the_day(as_role, flying):
    client = as_role("organizer")
    page = client.get(PAGE).content.decode()
    assert page.count('name="expected_at"') == 2 and 'value="2026-12-07T09:55"' in page
    response = client.post(
        EXPECTED, {"number": "CM 675", "date": "2026-12-07", "kind": "arrival", "expected_at": "2026-12-07T11:55"}
    )
    assert response.status_code == 302 and response["Location"] == f"{PAGE}?day=2026-12-07"
    assert Flight.objects.get(number="CM 675", kind="arrival").expected_at == local(7, 11, 55)
    assert ScheduleRun.objects.filter(conference=flying.conference, status=RunStatus.QUEUED).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Flight CM 675 is now expected at 11:55; the schedule is being recomputed." in page
    assert "120 minutes late" in page and 'value="2026-12-07T11:55"' in page
    assert "Back to scheduled" in page
    assert "CR-1 · CR · 12:05" in page  # ten minutes after the flight, as scheduled


def test_back_to_scheduled_clears_the_expected_time(as_role, flying):
    Flight.objects.create(
        conference=flying.conference, number="CM 999", date=local(7, 0).date(), kind="arrival", expected_at=local(7, 21)
    )
    client = as_role("logistics")
    assert "30 minutes early" in client.get(PAGE).content.decode()
    form = {
        "number": "CM 999",
        "date": "2026-12-07",
        "kind": "arrival",
        "expected_at": "2026-12-07T21:00",
        "clear": "1",
    }
    page = client.post(EXPECTED, form, follow=True).content.decode()
    assert Flight.objects.get(number="CM 999").expected_at is None
    assert "Flight CM 999: the scheduled time holds again" in page


def test_a_refused_time_comes_back_with_the_reason(as_role):
    client = as_role("organizer")
    form = {"number": "CM 675", "date": "2026-12-07", "kind": "arrival", "expected_at": "2026-12-10T09:55"}
    page = client.post(EXPECTED, form, follow=True).content.decode()
    assert "Not saved: The expected time Thu 10 Dec 2026 09:55 is more than 2 days away" in page
    assert not Flight.objects.exists()
    page = client.post(EXPECTED, {**form, "expected_at": "soon"}, follow=True).content.decode()
    assert "The expected time was not saved" in page


def test_a_reader_sees_no_form_and_may_not_post(as_role):
    client = as_role("reader")
    assert 'name="expected_at"' not in client.get(PAGE).content.decode()
    form = {"number": "CM 675", "date": "2026-12-07", "kind": "arrival", "expected_at": "2026-12-07T11:55"}
    assert client.post(EXPECTED, form).status_code == 403
    assert not Flight.objects.exists()


def test_a_conference_without_flights_says_so(client):
    ConferenceFactory(code="DRY")
    client.force_login(UserRoleFactory(role="organizer").user)
    page = client.get(reverse("flights", args=["DRY"])).content.decode()
    assert 'id="no-flights"' in page
