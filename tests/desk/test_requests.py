"""The resource request pages: liaisons ask and cancel, organizers ask, approve and reject, readers only look."""

import pytest
from django.urls import reverse

from conference.models import Venue
from logistics.models import RequestStatus, ResourceRequest
from tests.factories import ConferenceFactory, DelegationFactory, ResourceRequestFactory, VenueFactory
from tests.queries import get_queries

ALLOWED = ["organizer", "reader", "liaison"]
REFUSED = ["logistics", "driver", "norole"]


def _list(code="CASC"):
    return reverse("requests", args=[code])


def _action(name, pk, code="CASC"):
    return reverse(name, args=[code, pk])


def _as(client, world, role):
    client.force_login(world.users[role])
    return client


def _venues(world):
    return tuple(
        Venue.objects.filter(conference=world.conference, code=code).first()
        or VenueFactory(conference=world.conference, code=code)
        for code in ("HTL", "MRE")
    )


def _form(world, **changes) -> dict:
    start, end = _venues(world) if "from_venue" not in changes else (None, None)
    data = {
        "kind": "vehicle",
        "from_venue": start.pk if start else "",
        "to_venue": end.pk if end else "",
        "window_start": "2026-12-07T09:30",
        "window_end": "2026-12-07T11:00",
        "seats": "3",
        "notes": "Bilateral at the ministry",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ALLOWED)
def test_allowed_roles_open_the_list(client, world, role):
    _as(client, world, role)
    assert client.get(_list()).status_code == 200


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_are_refused(client, world, role):
    _as(client, world, role)
    assert client.get(_list()).status_code == 403
    assert client.post(_list(), {}).status_code == 403
    for name in ("request-cancel", "request-approve", "request-reject"):
        assert client.post(_action(name, world.own.request.pk)).status_code == 403


@pytest.mark.parametrize("role", ALLOWED)
def test_unknown_conference_is_not_found(client, world, role):
    _as(client, world, role)
    assert client.get(_list("NOPE")).status_code == 404


def test_liaison_does_not_see_another_conference(client, world):
    ConferenceFactory(code="OTHER")
    _as(client, world, "liaison")
    assert client.get(_list("OTHER")).status_code == 404


def test_liaison_sees_only_its_delegations_requests(client, world):
    _as(client, world, "liaison")
    page = client.get(_list()).content.decode()
    assert f'id="request-{world.own.request.pk}"' in page
    assert f'id="request-{world.other.request.pk}"' not in page
    assert 'name="delegation"' not in page  # a liaison asks for its own delegation


def test_organizer_and_reader_see_every_request(client, world):
    for role in ("organizer", "reader"):
        page = _as(client, world, role).get(_list()).content.decode()
        assert f'id="request-{world.own.request.pk}"' in page and f'id="request-{world.other.request.pk}"' in page


def test_reader_has_no_forms_and_may_not_write(client, world):
    _as(client, world, "reader")
    page = client.get(_list()).content.decode()
    assert 'id="request-form"' not in page and '<form method="post" action="/c/' not in page
    assert client.post(_list(), _form(world)).status_code == 403
    assert client.post(_action("request-cancel", world.own.request.pk)).status_code == 403
    assert client.post(_action("request-approve", world.own.request.pk)).status_code == 403
    assert client.post(_action("request-reject", world.own.request.pk), {"reason": "x"}).status_code == 403


def test_liaison_submits_a_request_for_its_delegation(client, world):
    _as(client, world, "liaison")
    response = client.post(_list(), _form(world))
    assert response.status_code == 302
    created = ResourceRequest.objects.latest("id")
    assert created.delegation == world.own.delegation and created.kind == "vehicle" and created.seats == 3
    assert created.created_by == world.users["liaison"]
    assert world.conference.local(created.window_start).strftime("%Y-%m-%d %H:%M") == "2026-12-07 09:30"
    page = client.get(response["Location"]).content.decode()
    assert f"Request {created.pk} submitted." in page and f'id="request-{created.pk}"' in page


def test_liaison_cannot_ask_for_another_delegation(client, world):
    _as(client, world, "liaison")
    client.post(_list(), _form(world, delegation=world.other.delegation.pk))
    assert ResourceRequest.objects.latest("id").delegation == world.own.delegation


def test_organizer_picks_the_delegation(client, world):
    _as(client, world, "organizer")
    response = client.post(_list(), _form(world, delegation=world.other.delegation.pk, kind="interpreter"))
    assert response.status_code == 302
    assert ResourceRequest.objects.latest("id").delegation == world.other.delegation
    missing = client.post(_list(), _form(world, kind="interpreter"))
    assert missing.status_code == 400 and 'id="delegation-errors"' in missing.content.decode()


def test_a_service_error_keeps_every_typed_value_and_sits_next_to_its_field(client, world):
    _as(client, world, "liaison")
    data = _form(world, window_start="2027-03-01T09:30", window_end="2027-03-01T11:00")  # after the conference
    response = client.post(_list(), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="window_start-errors"' in page and "within the conference" in page
    assert 'value="2027-03-01T09:30"' in page and 'value="2027-03-01T11:00"' in page
    assert 'value="3"' in page and "Bilateral at the ministry</textarea>" in page
    assert f'<option value="{data["from_venue"]}" selected>' in page
    assert f'<option value="{data["to_venue"]}" selected>' in page
    assert '<option value="vehicle" selected>' in page
    assert ResourceRequest.objects.count() == 2


def test_a_form_error_keeps_the_values_too(client, world):
    _as(client, world, "organizer")
    data = _form(world, delegation=world.other.delegation.pk, seats="0", window_end="not a time")
    page = client.post(_list(), data).content.decode()
    assert 'id="seats-errors"' in page and 'id="window_end-errors"' in page
    assert 'value="not a time"' in page and 'value="2026-12-07T09:30"' in page
    assert f'<option value="{world.other.delegation.pk}" selected>' in page


def test_a_vehicle_request_without_places_is_refused_next_to_from(client, world):
    _as(client, world, "liaison")
    response = client.post(_list(), _form(world, from_venue="", to_venue=""))
    assert response.status_code == 400 and 'id="from_venue-errors"' in response.content.decode()


def test_liaison_cancels_its_own_request_only(client, world):
    _as(client, world, "liaison")
    page = client.get(_list()).content.decode()
    assert _action("request-cancel", world.own.request.pk) in page
    assert _action("request-approve", world.own.request.pk) not in page  # liaisons do not decide
    assert client.post(_action("request-cancel", world.own.request.pk)).status_code == 302
    world.own.request.refresh_from_db()
    assert world.own.request.status == RequestStatus.CANCELLED
    assert client.post(_action("request-cancel", world.other.request.pk)).status_code == 404
    world.other.request.refresh_from_db()
    assert world.other.request.status == RequestStatus.SUBMITTED


def test_cancelling_twice_says_why_not(client, world):
    _as(client, world, "liaison")
    client.post(_action("request-cancel", world.own.request.pk))
    response = client.post(_action("request-cancel", world.own.request.pk), follow=True)
    assert "can no longer become cancelled" in response.content.decode()


def test_decisions_are_posts_only(client, world):
    _as(client, world, "organizer")
    assert client.get(_action("request-approve", world.own.request.pk)).status_code == 405


def test_liaison_may_not_approve_or_reject(client, world):
    _as(client, world, "liaison")
    assert client.post(_action("request-approve", world.own.request.pk)).status_code == 403
    assert client.post(_action("request-reject", world.own.request.pk), {"reason": "x"}).status_code == 403


def test_organizer_approves(client, world):
    _as(client, world, "organizer")
    response = client.post(_action("request-approve", world.other.request.pk), follow=True)
    world.other.request.refresh_from_db()
    assert world.other.request.status == RequestStatus.APPROVED
    assert world.other.request.decided_by == world.users["organizer"]
    assert f"Request {world.other.request.pk} approved." in response.content.decode()


def test_reject_needs_a_reason_shown_next_to_the_field(client, world):
    _as(client, world, "organizer")
    pk = world.own.request.pk
    response = client.post(_action("request-reject", pk), {f"r{pk}-reason": "  "})
    assert response.status_code == 400
    assert f'id="reason-errors-{pk}"' in response.content.decode()
    world.own.request.refresh_from_db()
    assert world.own.request.status == RequestStatus.SUBMITTED

    response = client.post(_action("request-reject", pk), {f"r{pk}-reason": "No interpreter that day"}, follow=True)
    world.own.request.refresh_from_db()
    assert world.own.request.status == RequestStatus.REJECTED
    assert world.own.request.decision_reason == "No interpreter that day"
    assert "No interpreter that day" in response.content.decode()


def test_organizer_cannot_decide_twice(client, world):
    _as(client, world, "organizer")
    pk = world.own.request.pk
    client.post(_action("request-approve", pk))
    response = client.post(_action("request-reject", pk), {f"r{pk}-reason": "late"}, follow=True)
    assert "can no longer become rejected" in response.content.decode()
    world.own.request.refresh_from_db()
    assert world.own.request.status == RequestStatus.APPROVED


def test_pages_speak_spanish(client, world):
    _as(client, world, "organizer")
    page = client.get(_list(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es">' in page


# Bounded queries


def _grow(world, n: int) -> None:
    for _ in range(n):
        ResourceRequestFactory(conference=world.conference, delegation=world.own.delegation)
        ResourceRequestFactory(conference=world.conference, delegation=DelegationFactory(conference=world.conference))
        VenueFactory(conference=world.conference)


@pytest.mark.parametrize("role", ALLOWED)
def test_queries_do_not_grow_with_rows(client, world, role):
    _as(client, world, role)
    few = get_queries(client, _list())
    _grow(world, 5)
    many = get_queries(client, _list())
    assert many == few
    shown = client.get(_list()).content.decode().count('<tr id="request-')
    assert shown == (6 if role == "liaison" else 12)
