from datetime import datetime, timedelta

from icalendar import Calendar

from logistics.models import ScheduleVersion
from logistics.services.fleet import vehicle_status_report
from logistics.services.imports import scenario_import
from logistics.services.schedule import schedule_recompute
from scheduling.reasons import Reason
from tests.factories import (
    MORNING,
    DelegateFactory,
    MovementFactory,
    UserRoleFactory,
    moved_leg_changes,
    published_ride,
    unserved,
)


def test_itinerary_lists_the_published_movements_in_time_order_with_vehicle_driver_and_session(world, api_client):
    later = published_ride(
        version=world.version,
        delegate=world.own.delegate,
        vehicle=world.other.vehicle,
        pickup_at=MORNING + timedelta(hours=3),
    )
    body = api_client(world.users["liaison"]).get("/api/v1/delegates/PA-1/itinerary").json()
    assert body["conference"] == "CASC"
    assert body["version"] == world.version.number
    assert body["delegate"] == {
        "external_id": "PA-1",
        "given_name": "Ana",
        "family_name": world.own.delegate.family_name,
        "delegation": "PA",
        "hotel": world.own.delegate.hotel.code,
    }
    first, second = body["movements"]
    assert first["status"] == "scheduled"
    assert first["origin"]["code"] == world.own.delegate.hotel.code
    assert first["destination"]["code"] == world.session.venue.code
    assert first["pickup_at"] == "2026-12-07T08:20:00-05:00"  # 13:20 UTC in Panama
    assert first["dropoff_at"] == "2026-12-07T08:40:00-05:00"
    assert first["vehicle"] == {"callsign": "ARM-01", "kind": "armoured_suv", "plate": "", "status": "available"}
    assert first["driver"] == {"name": "Carla Ruiz", "phone": "+507 6111-1111"}
    assert first["session"]["code"] == "PLEN"
    assert first["session"]["starts_at"] == "2026-12-07T09:00:00-05:00"
    assert second["movement"] == later.code
    assert second["vehicle"]["callsign"] == "VAN-01"
    assert second["driver"] is None


def test_unserved_movement_and_skipped_session_are_listed_with_their_reason(world, api_client):
    MovementFactory(version=world.version, delegate=world.own.delegate, **unserved(needs=["armoured"]))
    world.version.skipped = [
        {
            "delegate": "PA-1",
            "session": "S9",
            "from": None,
            "to": "MOF",
            "code": "session_conflict",
            "params": {"overlaps": "PLEN"},
        }
    ]
    world.version.save()
    body = api_client(world.users["organizer"]).get("/api/v1/delegates/PA-1/itinerary").json()
    listed = [m for m in body["movements"] if m["status"] == "unserved"]
    assert len(listed) == 1
    assert listed[0]["unserved_reason"] == "no armoured vehicle free in time"
    assert listed[0]["unserved_code"] == "no_vehicle_free"
    assert listed[0]["vehicle"] is None and listed[0]["pickup_at"] is None
    assert body["skipped_sessions"] == [
        {
            "session": "S9",
            "to": "MOF",
            "reason": str(Reason.of("session_conflict", overlaps="PLEN")),
            "code": "session_conflict",
        }
    ]


def test_itinerary_before_any_published_schedule_is_empty_with_no_version(world, api_client):
    ScheduleVersion.objects.update(is_current=False)
    body = api_client(world.users["organizer"]).get("/api/v1/delegates/PA-1/itinerary").json()
    assert body["version"] is None and body["computed_at"] is None
    assert body["movements"] == []


def test_conditional_get_answers_304_until_the_itinerary_changes(world, api_client):
    client = api_client(world.users["liaison"])
    first = client.get("/api/v1/delegates/PA-1/itinerary")
    etag = first["ETag"]
    assert etag.startswith('"')
    again = client.get("/api/v1/delegates/PA-1/itinerary", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    vehicle_status_report(vehicle_id=world.own.vehicle.pk, event_id="e1", status="en_route")
    changed = client.get("/api/v1/delegates/PA-1/itinerary", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["movements"][0]["vehicle"]["status"] == "en_route"


def test_calendar_is_valid_icalendar_with_one_event_per_movement_in_the_conference_zone(world, api_client):
    MovementFactory(version=world.version, delegate=world.own.delegate, **unserved())
    client = api_client(world.users["liaison"])
    response = client.get("/api/v1/delegates/PA-1/itinerary.ics")
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only (RFC 5545 3.1)
    assert all(len(line) <= 75 for line in lines)  # folded
    calendar = Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Panama"]
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    served = next(e for e in events if e["STATUS"] == "CONFIRMED")
    assert str(served.decoded("DTSTART")) == "2026-12-07 08:20:00-05:00"
    assert served["DTSTART"].params["TZID"] == "America/Panama"
    assert "ARM-01" in served["SUMMARY"]
    assert "Carla Ruiz" in served["DESCRIPTION"]
    assert served["SEQUENCE"] == world.version.number
    assert {str(e["UID"]) for e in events} == {f"CASC.{m.code}@convoy" for m in world.own.delegate.movements.all()}
    assert next(e for e in events if e["STATUS"] == "TENTATIVE")["SUMMARY"].startswith("No transport yet")
    assert client.get("/api/v1/delegates/PA-1/itinerary.ics", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_delegation_itinerary_holds_every_delegate_of_the_delegation(world, api_client):
    colleague = DelegateFactory(conference=world.conference, delegation=world.own.delegation, family_name="Aaron")
    published_ride(version=world.version, delegate=colleague, vehicle=world.own.vehicle)
    client = api_client(world.users["liaison"])
    body = client.get("/api/v1/delegations/PA/itinerary").json()
    assert body["delegation"] == {"code": "PA", "name": "Panama"}
    assert [d["delegate"]["external_id"] for d in body["delegates"]] == [colleague.external_id, "PA-1"]
    assert all(len(d["movements"]) == 1 for d in body["delegates"])
    calendar = Calendar.from_ical(client.get("/api/v1/delegations/PA/itinerary.ics").content)
    assert len(calendar.walk("VEVENT")) == 2


def test_a_leg_the_current_version_changed_is_marked_with_what_it_was(world, api_client):
    movement = world.own.delegate.movements.get()
    world.version.changes = moved_leg_changes(movement)
    world.version.save()
    client = api_client(world.users["organizer"])
    (leg,) = client.get("/api/v1/delegates/PA-1/itinerary").json()["movements"]
    assert leg["changed"] is True
    assert leg["previous"] == {
        "vehicle": "VAN-01",
        "pickup_at": "2026-12-07T08:00:00-05:00",
        "dropoff_at": "2026-12-07T08:20:00-05:00",
    }
    (other,) = client.get("/api/v1/delegates/CR-1/itinerary").json()["movements"]
    assert other["changed"] is False and other["previous"] is None


def test_the_change_marks_belong_to_the_version_that_is_cached(world, api_client):
    client = api_client(world.users["organizer"])
    (leg,) = client.get("/api/v1/delegates/PA-1/itinerary").json()["movements"]
    assert leg["changed"] is False  # cached now, with the version's (absent) marks
    ScheduleVersion.objects.filter(pk=world.version.pk).update(is_current=False)
    newer = ScheduleVersion.objects.create(
        conference=world.conference, number=world.version.number + 1, computed_at=MORNING, is_current=True
    )
    movement = published_ride(version=newer, delegate=world.own.delegate, vehicle=world.own.vehicle)
    ScheduleVersion.objects.filter(pk=newer.pk).update(changes=moved_leg_changes(movement))
    body = client.get("/api/v1/delegates/PA-1/itinerary").json()
    assert body["version"] == newer.number
    assert body["movements"][0]["changed"] is True and body["movements"][0]["previous"]["vehicle"] == "VAN-01"


def test_after_a_session_moves_every_leg_to_and_from_it_is_marked_changed(db, small_conference, api_client):
    schedule_recompute(conference_id=small_conference.pk)
    session = small_conference.sessions.get()
    shifted = {"starts_at": session.starts_at + timedelta(hours=2), "ends_at": session.ends_at + timedelta(hours=2)}
    type(session).objects.filter(pk=session.pk).update(**shifted)
    schedule_recompute(conference_id=small_conference.pk)
    client = api_client(UserRoleFactory(role="organizer").user)
    body = client.get("/api/v1/delegations/PA/itinerary", {"conference": small_conference.code}).json()
    assert body["version"] == 2
    legs = [leg for delegate in body["delegates"] for leg in delegate["movements"]]
    assert len(legs) == 4 and all(leg["changed"] for leg in legs)
    for leg in legs:
        before = datetime.fromisoformat(leg["previous"]["pickup_at"])
        assert datetime.fromisoformat(leg["pickup_at"]) - before == timedelta(hours=2)
        assert leg["previous"]["pickup_at"].endswith("-05:00")


# Drivers from drivers.csv


def test_each_leg_names_its_imported_driver(driven, api_client):
    client = api_client(driven.users["organizer"])
    legs = client.get("/api/v1/delegates/P1/itinerary", {"conference": "TEST26"}).json()["movements"]
    assert [leg["driver"] for leg in legs] == [{"name": "Luis Barrios", "phone": "+507 6000-1111"}]
    legs = client.get("/api/v1/delegates/P2/itinerary", {"conference": "TEST26"}).json()["movements"]
    assert [leg["driver"] for leg in legs] == [{"name": "Ana Mendoza", "phone": "+507 6000-2222"}]
    calendar = client.get("/api/v1/delegates/P1/itinerary.ics", {"conference": "TEST26"})
    assert (
        "Driver: Luis Barrios, +507 6000-1111" in Calendar.from_ical(calendar.content).walk("VEVENT")[0]["DESCRIPTION"]
    )


def test_a_liaison_sees_the_drivers_of_its_delegations_legs_only(driven, api_client):
    client = api_client(driven.users["liaison"])
    body = client.get("/api/v1/delegations/PA/itinerary").json()
    drivers = [leg["driver"] for delegate in body["delegates"] for leg in delegate["movements"]]
    assert drivers == [{"name": "Luis Barrios", "phone": "+507 6000-1111"}]
    assert client.get("/api/v1/delegates/P2/itinerary").status_code == 404
    assert client.get("/api/v1/delegations/US/itinerary").status_code == 404


def test_a_changed_driver_phone_shows_in_the_cached_itinerary(driven, api_client):
    client = api_client(driven.users["organizer"])
    url = "/api/v1/delegates/P1/itinerary"
    assert client.get(url, {"conference": "TEST26"}).json()["movements"][0]["driver"]["phone"] == "+507 6000-1111"
    report = scenario_import(
        files={"drivers.csv": b"code,name,phone\nDRV-1,Luis Barrios,+507 6000-3333\n"},
        conference=driven.conference,
        recompute=False,
    )
    assert report.ok, report.as_text()
    assert client.get(url, {"conference": "TEST26"}).json()["movements"][0]["driver"]["phone"] == "+507 6000-3333"
