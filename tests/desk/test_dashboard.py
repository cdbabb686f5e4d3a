"""The conference list and the dashboard: roles, scope, what it shows, and its query count."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from logistics.models import Notification, Webhook
from logistics.run_reasons import trigger
from tests.factories import (
    MORNING,
    ConferenceFactory,
    DelegateFactory,
    MovementFactory,
    ResourceRequestFactory,
    ScheduleRunFactory,
    VehicleFactory,
    VenueFactory,
    merged_changes,
    moved_leg_changes,
    published_ride,
    unserved,
)

URL = "/c/CASC/"
AT = "?at=2026-12-07T08:00"  # the world's rides pick up at 08:20 local time


def _page(client, user, url=URL + AT):
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("role", ["organizer", "logistics", "reader", "liaison"])
def test_dashboard_opens_for_desk_roles_and_liaisons(world, client, role):
    response = _page(client, world.users[role])
    assert response.status_code == 200
    assert world.conference.name in response.content.decode()


@pytest.mark.parametrize("role", ["driver", "norole"])
def test_dashboard_is_refused_to_other_roles(world, client, role):
    assert _page(client, world.users[role]).status_code == 403


def test_dashboard_sends_anonymous_users_to_log_in(world, client):
    response = _page(client, None)
    assert response.status_code == 302 and "/login/" in response.url


def test_dashboard_of_another_conference_is_not_found(world, client):
    ConferenceFactory(code="OTHER")
    assert _page(client, world.users["liaison"], "/c/OTHER/").status_code == 404
    assert _page(client, world.users["organizer"], "/c/NOPE/").status_code == 404


def test_dashboard_shows_movements_of_the_next_two_hours(world, client):
    page = _page(client, world.users["organizer"]).content.decode()
    assert world.own.delegate.full_name in page and world.other.delegate.full_name in page
    assert "08:20" in page  # in the conference's time zone, not UTC (13:20)
    later = _page(client, world.users["organizer"], URL + "?at=2026-12-07T11:00").content.decode()
    assert world.own.delegate.full_name not in later


def test_dashboard_lists_arrivals_and_departures_of_the_day(world, client):
    airport = VenueFactory(conference=world.conference, name="Tocumen Airport", kind="airport")
    MovementFactory(
        version=world.version,
        delegate=world.own.delegate,
        kind="arrival",
        from_venue=airport,
        to_venue=world.own.delegate.hotel,
    )
    MovementFactory(
        version=world.version,
        delegate=world.other.delegate,
        kind="departure",
        from_venue=world.other.delegate.hotel,
        to_venue=airport,
        earliest_pickup=MORNING + timedelta(hours=24),
        latest_pickup=MORNING + timedelta(hours=25),
        earliest_dropoff=MORNING + timedelta(hours=24),
        latest_dropoff=MORNING + timedelta(hours=26),
    )
    response = _page(client, world.users["organizer"], URL + "?day=2026-12-07&at=2026-12-07T20:00")
    arrivals = response.context["summary"].arrivals
    assert [row.movement.delegate for row in arrivals] == [world.own.delegate]
    assert response.context["summary"].departures == []
    next_day = _page(client, world.users["organizer"], URL + "?day=2026-12-08&at=2026-12-08T20:00")
    assert [row.movement.delegate for row in next_day.context["summary"].departures] == [world.other.delegate]
    assert "Tocumen Airport" in next_day.content.decode()


def test_dashboard_shows_unserved_movements_with_their_reason(world, client):
    MovementFactory(version=world.version, delegate=world.other.delegate, **unserved(needs=["armoured"]))
    page = _page(client, world.users["organizer"]).content.decode()
    assert "1 unserved movement" in page
    assert "no armoured vehicle free in time" in page


def test_dashboard_shows_the_state_of_the_last_run(world, client):
    ScheduleRunFactory(
        conference=world.conference, status="failed", error="the solver gave up", triggers=[trigger("import")]
    )
    page = _page(client, world.users["organizer"]).content.decode()
    assert 'id="last-run"' in page and "Failed" in page and "the solver gave up" in page
    assert f"Version {world.version.number}" in page
    assert "time limit cut" not in page


def test_dashboard_says_when_the_time_limit_cut_the_last_run_short(world, client):
    ScheduleRunFactory(conference=world.conference, status="succeeded", metrics={"served": 9, "time_cut_waves": 1})
    page = _page(client, world.users["organizer"]).content.decode()
    assert "The time limit cut 1 wave of the search short" in page


def test_liaison_dashboard_shows_only_its_delegation(world, client):
    MovementFactory(
        version=world.version,
        delegate=world.other.delegate,
        **unserved("cannot_reach_in_time", **{"from": "X", "to": "Y"}),
    )
    ResourceRequestFactory(conference=world.conference, delegation=world.other.delegation, notes="secret CR notes")
    response = _page(client, world.users["liaison"])
    page = response.content.decode()
    assert world.own.delegate.full_name in page
    assert world.other.delegate.full_name not in page
    assert "cannot get from X to Y" not in page and "secret CR notes" not in page
    assert [r.delegation for r in response.context["summary"].pending_requests] == [world.own.delegation]
    assert 'id="fleet"' not in page and 'id="last-run"' not in page


def test_liaison_sees_its_delegations_request_movements(world, client):
    hotel, venue = world.own.delegate.hotel, world.session.venue
    movement = MovementFactory(
        version=world.version,
        delegate=None,
        request=world.own.request,
        kind="request",
        from_venue=hotel,
        to_venue=venue,
        **unserved(seats=8),
    )
    MovementFactory(
        version=world.version,
        delegate=None,
        request=world.other.request,
        kind="request",
        from_venue=hotel,
        to_venue=venue,
        **unserved("request_window_too_short"),
    )
    summary = _page(client, world.users["liaison"]).context["summary"]
    assert [row.movement for row in summary.unserved] == [movement]


def test_dashboard_shows_vehicles_by_status_to_the_desk(world, client):
    world.other.vehicle.status = "out_of_service"
    world.other.vehicle.save()
    response = _page(client, world.users["logistics"])
    fleet = {status: [v.callsign for v in vehicles] for status, _label, vehicles in response.context["summary"].fleet}
    assert fleet == {"available": ["ARM-01"], "out_of_service": ["VAN-01"]}
    assert "Out of service" in response.content.decode()


def test_dashboard_is_in_spanish_when_asked(world, client):
    client.force_login(world.users["organizer"])
    page = client.get(URL + AT, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es">' in page


def _grow(world, n):
    conference = world.conference
    airport = VenueFactory(conference=conference, kind="airport")
    for _ in range(n):
        delegate = DelegateFactory(conference=conference, delegation=world.own.delegation)
        vehicle = VehicleFactory(conference=conference, depot=world.own.vehicle.depot)
        published_ride(version=world.version, delegate=delegate, vehicle=vehicle, session=world.session)
        MovementFactory(
            version=world.version, delegate=delegate, kind="arrival", from_venue=airport, to_venue=delegate.hotel
        )
        MovementFactory(version=world.version, delegate=delegate, **unserved())
        ResourceRequestFactory(conference=conference, delegation=world.own.delegation)
        ScheduleRunFactory(conference=conference)


@pytest.mark.parametrize("role", ["organizer", "liaison"])
def test_dashboard_queries_do_not_grow_with_rows(world, client, role):
    client.force_login(world.users[role])
    _grow(world, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL + "?day=2026-12-07&at=2026-12-07T08:00").status_code == 200
    _grow(world, 5)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL + "?day=2026-12-07&at=2026-12-07T08:00")
    assert response.status_code == 200
    assert len(response.context["summary"].upcoming) >= 7
    assert len(many) == len(few)


def test_home_lists_only_conferences_in_scope(world, client):
    ConferenceFactory(code="OTHER", name="Another summit")
    client.force_login(world.users["liaison"])
    page = client.get("/").content.decode()
    assert 'href="/c/CASC/"' in page and "Another summit" not in page
    client.force_login(world.users["organizer"])
    page = client.get("/").content.decode()
    assert 'href="/c/CASC/"' in page and 'href="/c/OTHER/"' in page
    client.force_login(world.users["driver"])
    assert 'href="/c/CASC/board/"' in client.get("/").content.decode()
    client.force_login(world.users["norole"])
    assert "CASC" not in client.get("/").content.decode()


def _both_moved(world, *, small=False):
    """The published version moved Ana's ride (from VAN-01 at 08:00) and Bruno's (by 3 minutes when `small`)."""
    ana = moved_leg_changes(world.own.delegate.movements.get())
    minutes = 43 if small else 50
    bruno = moved_leg_changes(
        world.other.delegate.movements.get(),
        vehicle="VAN-01",
        pickup_at=MORNING - timedelta(minutes=minutes),
        significant=not small,
    )
    world.version.changes = merged_changes(ana, bruno)
    world.version.save()


def test_dashboard_shows_what_the_published_version_changed(world, client):
    _both_moved(world, small=True)
    response = _page(client, world.users["organizer"])
    page = response.content.decode()
    assert 'id="changes"' in page and "1 delegate with a significant change" in page
    assert "2 changed legs" in page
    legs = response.context["summary"].changes.legs
    assert [leg.passenger for leg in legs] == ["PA-1", "CR-1"]  # significant changes first
    assert [leg.significant for leg in legs] == [True, False]
    assert "Mon 7 Dec 08:17" in page  # Bruno's pickup before, local time


def test_liaison_dashboard_shows_only_its_delegations_changes(world, client):
    _both_moved(world)
    response = _page(client, world.users["liaison"])
    page = response.content.decode()
    changes = response.context["summary"].changes
    assert (changes.delegates, changes.vehicles, [leg.passenger for leg in changes.legs]) == (1, 0, ["PA-1"])
    assert "1 delegate with a significant change" in page
    assert "Mon 7 Dec 08:10" not in page  # Bruno's old pickup


def test_dashboard_without_recorded_changes_shows_none(world, client):
    response = _page(client, world.users["organizer"])
    assert response.context["summary"].changes is None
    assert 'id="changes"' not in response.content.decode()


def test_dashboard_tells_organizers_what_went_out_and_which_webhooks_fail(world, client):

    def hook(**given):
        return Webhook.objects.create(
            conference=world.conference,
            url="https://example.org/hook",
            events=["run.finished"],
            secret="s" * 20,
            **given,
        )

    healthy = hook()
    failing = hook(failing_since=timezone.now() - timedelta(hours=3))
    disabled = hook(active=False, disabled_at=timezone.now() - timedelta(hours=1))
    for status, receiver in [
        ("delivered", healthy),
        ("delivered", healthy),
        ("pending", failing),
        ("gave_up", disabled),
    ]:
        Notification.objects.create(
            conference=world.conference,
            channel="webhook",
            webhook=receiver,
            event="run.finished",
            delivery_id=uuid.uuid4(),
            status=status,
            due_at=timezone.now(),
        )
    page = _page(client, world.users["organizer"]).content.decode()
    assert 'id="notifications"' in page
    assert "Webhooks, last 24 hours: 2 delivered, 1 waiting, 1 given up." in page
    assert "E-mails, last 24 hours: 0 sent, 0 waiting" in page
    assert f"Webhook {failing.pk} (https://example.org/hook) has failed since" in page and "1 waiting" in page
    assert f"Webhook {disabled.pk} (https://example.org/hook) was disabled on" in page
    assert f"Webhook {healthy.pk} " not in page
    for role in ("logistics", "liaison"):
        assert 'id="notifications"' not in _page(client, world.users[role]).content.decode()


def test_dashboard_has_no_notifications_card_before_anything_goes_out(world, client):
    assert 'id="notifications"' not in _page(client, world.users["organizer"]).content.decode()


def test_dashboard_counts_the_emails_that_went_out(world, client):
    for status in ("delivered", "delivered", "pending"):
        Notification.objects.create(
            conference=world.conference,
            channel="email",
            recipient="someone@example.org",
            event="itinerary.changed",
            delivery_id=uuid.uuid4(),
            status=status,
            due_at=timezone.now(),
        )
    page = _page(client, world.users["organizer"]).content.decode()
    assert "E-mails, last 24 hours: 2 sent, 1 waiting" in page
    assert "Webhooks, last 24 hours: 0 delivered" in page
