"""A name that got past the import (typed in the admin) cannot break an itinerary's calendar."""

import pytest
from django.db import connection
from icalendar import Calendar

CONTROL = ["\n", "\r", "\r\n", "\x00", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("character", CONTROL, ids=[f"U+{ord(c[0]):04X}" for c in CONTROL])
def test_control_characters_in_names_become_spaces_in_the_calendar(world, api_client, character):
    if character == "\x00" and connection.vendor == "postgresql":
        pytest.skip("PostgreSQL stores no NUL in text: such a name cannot get in")
    delegate = world.own.delegate
    delegate.given_name = f"Ana{character}María"
    delegate.save()
    world.own.vehicle.plate = f"PA{character}1"
    world.own.vehicle.save()
    venue = delegate.hotel
    venue.name = f"Hotel{character}Central"
    venue.address = f"Av.{character}Balboa"
    venue.save()
    world.session.title = f"Plenary{character}day 1"
    world.session.save()
    client = api_client(world.users["liaison"])

    for url in ("/api/v1/delegates/PA-1/itinerary.ics", "/api/v1/delegations/PA/itinerary.ics"):
        response = client.get(url)
        assert response.status_code == 200
        raw = response.content
        assert b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b"")  # CRLF only
        text = raw.decode()
        assert not any(c in text for c in CONTROL if c not in "\r\n")
        calendar = Calendar.from_ical(raw)
        event = calendar.walk("VEVENT")[0]
        assert "Ana María" in event["DESCRIPTION"] or "Ana  María" in event["DESCRIPTION"]
        assert "Hotel" in event["SUMMARY"] and "Central" in event["SUMMARY"]
    name = Calendar.from_ical(client.get("/api/v1/delegates/PA-1/itinerary.ics").content)["NAME"]
    assert name.startswith("Transport: Ana") and "María" in name


def test_a_tab_is_kept(world, api_client):
    delegate = world.own.delegate
    delegate.given_name = "Ana\tMaría"
    delegate.save()
    response = api_client(world.users["liaison"]).get("/api/v1/delegates/PA-1/itinerary.ics")
    assert response.status_code == 200
    assert "Ana\tMaría" in str(Calendar.from_ical(response.content).walk("VEVENT")[0]["DESCRIPTION"])
