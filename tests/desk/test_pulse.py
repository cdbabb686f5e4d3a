"""The pulse the live pages poll: small, conditional, changing when what the pages show changes."""

import pytest
from django.utils import timezone

from logistics.models import DeskAlert
from logistics.services.fleet import vehicle_status_report

pytestmark = pytest.mark.django_db

URL = "/c/CASC/pulse/"


def test_the_pulse_answers_304_until_something_changes(client, world):
    client.force_login(world.users["logistics"])
    first = client.get(URL)
    assert first.status_code == 200 and first["Content-Type"] == "application/json"
    etag = first["ETag"]
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    vehicle_status_report(vehicle_id=world.own.vehicle.pk, event_id="e1", status="en_route")
    after_status = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert after_status.status_code == 200 and after_status.json()["state"] != first.json()["state"]
    DeskAlert.objects.create(conference=world.conference, kind="no_show", key="k", raised_at=timezone.now())
    assert client.get(URL, HTTP_IF_NONE_MATCH=after_status["ETag"]).json()["alerts"]["count"] == 1


@pytest.mark.parametrize(("role", "expected"), [("liaison", 200), ("driver", 200), ("norole", 403)])
def test_the_pulse_is_for_the_roles_of_the_live_pages(client, world, role, expected):
    client.force_login(world.users[role])
    assert client.get(URL).status_code == expected


def test_a_liaison_sees_no_fleet_or_alerts_in_the_pulse(client, world):
    vehicle_status_report(vehicle_id=world.own.vehicle.pk, event_id="e1", status="en_route")
    DeskAlert.objects.create(conference=world.conference, kind="no_show", key="k", raised_at=timezone.now())
    client.force_login(world.users["liaison"])
    pulse = client.get(URL).json()
    assert pulse["fleet"] is None and pulse["alerts"]["count"] == 0


@pytest.mark.parametrize("page", ["/c/CASC/", "/c/CASC/board/", "/c/CASC/fleet/"])
def test_the_live_pages_poll_the_pulse(client, world, page):
    client.force_login(world.users["organizer"])
    html = client.get(page).content.decode()
    assert f'data-live-url="{URL}"' in html and "logistics/live.js" in html
