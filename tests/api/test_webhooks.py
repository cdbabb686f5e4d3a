"""GET, POST /api/v1/webhooks, GET, PATCH, DELETE /api/v1/webhooks/{id} and GET .../deliveries: who may, what is
answered (the secret once only), the errors, and the log of deliveries."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from logistics.models import DeliveryAttempt, Notification, Webhook, WebhookEvent
from logistics.services.notifications import NOT_FOR_DELEGATIONS
from tests.factories import ConferenceFactory, DelegationFactory, WebhookFactory
from tests.queries import get_queries

WEBHOOKS = "/api/v1/webhooks"
ROLES = ["anonymous", "norole", "organizer", "logistics", "driver", "liaison", "reader"]
URL = "https://hooks.example.org/convoy"
AT = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
# what the service names in its messages, as the events stand
EVERY_EVENT = ", ".join(WebhookEvent.values)
DELEGATION_EVENTS = ", ".join(event for event in WebhookEvent.values if event not in NOT_FOR_DELEGATIONS)


def body(**fields):
    return {"conference": "CASC", "url": URL, "events": ["itinerary.changed", "run.finished"], **fields}


def statuses(*codes):
    return list(zip(ROLES, codes, strict=True))


@pytest.fixture
def organizer_client(world, api_client):
    return api_client(world.users["organizer"])


def delivery(hook, *, created_at, status="pending", event="run.finished", attempts=()):
    """A notification of the webhook written at `created_at`, with an attempt per (seconds after, status code,
    error) in `attempts`."""
    notification = Notification.objects.create(
        conference=hook.conference,
        channel="webhook",
        webhook=hook,
        event=event,
        delivery_id=uuid.uuid4(),
        payload={"event": event},
        status=status,
        due_at=created_at,
        attempts=len(attempts),
        last_error=attempts[-1][2] if attempts and attempts[-1][2] else "",
        delivered_at=created_at + timedelta(seconds=attempts[-1][0]) if status == "delivered" else None,
    )
    Notification.objects.filter(pk=notification.pk).update(created_at=created_at)  # auto_now_add on create
    for after, code, error in attempts:
        DeliveryAttempt.objects.create(
            notification=notification,
            at=created_at + timedelta(seconds=after),
            seconds=0.25,
            status_code=code,
            error=error,
            succeeded=code is not None and 200 <= code < 300,
        )
    notification.refresh_from_db()
    return notification


# Who may


@pytest.mark.parametrize(("role", "expected"), statuses(401, 403, 200, 403, 403, 403, 403), ids=ROLES)
def test_only_organizers_list_the_webhooks(world, api_client, role, expected):
    WebhookFactory(conference=world.conference)
    response = api_client(world.users[role]).get(WEBHOOKS)
    assert response.status_code == expected, response.content[:300]
    if expected == 403:
        assert "may not read this" in response.json()["detail"]


@pytest.mark.parametrize(("role", "expected"), statuses(401, 403, 201, 403, 403, 403, 403), ids=ROLES)
def test_only_organizers_register_a_webhook(world, api_client, role, expected):
    response = api_client(world.users[role]).post(WEBHOOKS, body(), format="json")
    assert response.status_code == expected, response.content[:300]
    assert Webhook.objects.exists() == (expected == 201)


@pytest.mark.parametrize(("role", "expected"), statuses(401, 403, 200, 403, 403, 403, 403), ids=ROLES)
def test_only_organizers_read_change_and_remove_a_webhook(world, api_client, role, expected):
    """A liaison gets 403 even for its own delegation's webhook: webhooks are the organizers' to manage."""
    hook = WebhookFactory(conference=world.conference, delegation=world.own.delegation, events=["itinerary.changed"])
    client = api_client(world.users[role])
    assert client.get(f"{WEBHOOKS}/{hook.pk}").status_code == expected
    assert client.get(f"{WEBHOOKS}/{hook.pk}/deliveries").status_code == expected
    assert client.patch(f"{WEBHOOKS}/{hook.pk}", {"active": False}, format="json").status_code == expected
    assert Webhook.objects.get(pk=hook.pk).active == (expected != 200)
    removed = client.delete(f"{WEBHOOKS}/{hook.pk}")
    assert removed.status_code == (204 if expected == 200 else expected)
    assert Webhook.objects.filter(pk=hook.pk).exists() == (expected != 200)


# What is answered


def test_a_webhook_is_created_with_201_and_its_secret_is_shown_in_that_answer_only(world, organizer_client):
    response = organizer_client.post(WEBHOOKS, body(), format="json")
    assert response.status_code == 201, response.json()
    hook = Webhook.objects.get()
    answer = response.json()
    assert answer == {
        "id": hook.pk,
        "conference": "CASC",
        "url": URL,
        "events": ["itinerary.changed", "run.finished"],
        "delegation": None,
        "active": True,
        "created_at": answer["created_at"],
        "failing_since": None,
        "disabled_at": None,
        "secret": hook.secret,
    }
    assert len(answer["secret"]) >= 40 and hook.created_by == world.users["organizer"]
    one = organizer_client.get(f"{WEBHOOKS}/{hook.pk}")
    listed = organizer_client.get(WEBHOOKS)
    changed = organizer_client.patch(f"{WEBHOOKS}/{hook.pk}", {"events": ["run.finished"]}, format="json")
    for later in (one, listed, changed):
        assert later.status_code == 200
        assert "secret" not in later.content.decode() and hook.secret not in later.content.decode()
    assert {key: value for key, value in answer.items() if key != "secret"} == one.json()
    assert listed.json()["count"] == 1 and listed.json()["results"][0] == one.json()


def test_a_secret_and_a_delegation_may_be_given(world, organizer_client):
    response = organizer_client.post(
        WEBHOOKS,
        body(secret="  a secret we share, 32 chars   ", delegation="PA", events=["itinerary.changed"]),
        format="json",
    )
    assert response.status_code == 201, response.json()
    hook = Webhook.objects.get()
    assert response.json()["secret"] == hook.secret == "  a secret we share, 32 chars   "  # spaces kept
    assert response.json()["delegation"] == "PA" and hook.delegation == world.own.delegation


def test_a_null_secret_or_an_empty_delegation_are_left_out(world, organizer_client):
    response = organizer_client.post(WEBHOOKS, body(secret=None, delegation=""), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["delegation"] is None and len(response.json()["secret"]) >= 40


def test_patch_changes_url_events_and_active(world, organizer_client):
    hook = WebhookFactory(conference=world.conference, events=["run.finished"])
    response = organizer_client.patch(
        f"{WEBHOOKS}/{hook.pk}",
        {"url": "http://10.0.0.5:8080/in", "events": ["trip.changed", "vehicle.status"], "active": False},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json() | {"created_at": None} == {
        "id": hook.pk,
        "conference": "CASC",
        "url": "http://10.0.0.5:8080/in",
        "events": ["trip.changed", "vehicle.status"],
        "delegation": None,
        "active": False,
        "created_at": None,
        "failing_since": None,
        "disabled_at": None,
    }
    stored = Webhook.objects.get(pk=hook.pk)
    assert (stored.url, stored.events, stored.active, stored.secret) == (
        "http://10.0.0.5:8080/in",
        ["trip.changed", "vehicle.status"],
        False,
        hook.secret,
    )


def test_patch_active_enables_a_disabled_webhook_again_and_clears_its_failures(world, organizer_client):
    hook = WebhookFactory(conference=world.conference, active=False, failing_since=AT, disabled_at=AT + timedelta(1))
    shown = organizer_client.get(f"{WEBHOOKS}/{hook.pk}").json()
    assert (shown["active"], shown["failing_since"], shown["disabled_at"]) == (
        False,
        "2026-12-07T14:00:00Z",
        "2026-12-08T14:00:00Z",
    )
    response = organizer_client.patch(f"{WEBHOOKS}/{hook.pk}", {"active": True}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["active"], response.json()["failing_since"], response.json()["disabled_at"]) == (
        True,
        None,
        None,
    )
    stored = Webhook.objects.get(pk=hook.pk)
    assert (stored.active, stored.failing_since, stored.disabled_at) == (True, None, None)


def test_delete_answers_204_and_removes_the_deliveries(world, organizer_client):
    hook = WebhookFactory(conference=world.conference)
    delivery(hook, created_at=AT, attempts=[(0, 500, "down")])
    response = organizer_client.delete(f"{WEBHOOKS}/{hook.pk}")
    assert response.status_code == 204 and response.content == b""
    assert not Webhook.objects.exists() and not Notification.objects.exists()
    assert organizer_client.get(f"{WEBHOOKS}/{hook.pk}").status_code == 404


# Errors


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"url": "ftp://hooks.example.org/x"}, "url", "ftp://hooks.example.org/x is not an http or https URL"),
        ({"url": "not a url"}, "url", "not a url is not an http or https URL"),
        ({"url": "https://example.org/" + "x" * 481}, "url", "Ensure this field has no more than 500 characters."),
        ({"events": []}, "events", "Choose at least one event, from: itinerary.changed, trip.changed"),
        (
            {"events": ["run.finished", "run.ended"]},
            "events",
            f"run.ended: no such event; the events are {EVERY_EVENT}.",
        ),
        (
            {"events": ["run.finished", "run.finished"]},
            "events",
            "run.finished listed more than once: name each event once.",
        ),
        (
            {"secret": "0123456789"},
            "secret",
            "The secret has 10 characters; it needs at least 16. Leave it out to have one generated.",
        ),
        ({"delegation": "XX"}, "delegation", "CASC has no delegation XX."),
        ({"conference": "NOPE"}, "conference", "There is no conference NOPE that you may see."),
        ({"url": None}, "url", "This field may not be null."),
        ({"events": "run.finished"}, "events", 'Expected a list of items but got type "str".'),
    ],
)
def test_invalid_input_is_refused_with_a_clear_message(world, organizer_client, fields, field, message):
    response = organizer_client.post(WEBHOOKS, body(**fields), format="json")
    assert response.status_code == 400, response.json()
    answer = response.json()
    assert answer["code"] == "invalid"
    assert message in answer["fields"][field][0], answer
    assert message in answer["detail"]
    assert not Webhook.objects.exists()


def test_missing_fields_are_named(world, organizer_client):
    answer = organizer_client.post(WEBHOOKS, {}, format="json").json()
    assert answer["status"] == 400
    assert set(answer["fields"]) == {"conference", "url", "events"}


@pytest.mark.parametrize("event", ["trip.changed", "vehicle.status"])
def test_a_delegations_webhook_may_not_take_the_fleets_or_every_delegations_events(world, organizer_client, event):
    response = organizer_client.post(
        WEBHOOKS, body(delegation="PA", events=["itinerary.changed", event]), format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["events"] == [
        f"A webhook of the delegation PA may not take {event}: they carry other delegations' people or the whole "
        f"fleet. It may take {DELEGATION_EVENTS}."
    ]
    assert not Webhook.objects.exists()
    hook = WebhookFactory(conference=world.conference, delegation=world.own.delegation, events=["itinerary.changed"])
    patched = organizer_client.patch(f"{WEBHOOKS}/{hook.pk}", {"events": [event]}, format="json")
    assert patched.status_code == 400 and patched.json()["fields"]["events"][0].startswith(
        f"A webhook of the delegation PA may not take {event}"
    )
    assert Webhook.objects.get(pk=hook.pk).events == ["itinerary.changed"]


def test_patch_is_checked_like_post(world, organizer_client):
    hook = WebhookFactory(conference=world.conference, events=["run.finished"])
    for fields, field in (
        ({"url": "gopher://x"}, "url"),
        ({"events": ["nope"]}, "events"),
        ({"active": "x"}, "active"),
    ):
        response = organizer_client.patch(f"{WEBHOOKS}/{hook.pk}", fields, format="json")
        assert response.status_code == 400 and field in response.json()["fields"], response.json()
    stored = Webhook.objects.get(pk=hook.pk)
    assert (stored.url, stored.events, stored.active) == (hook.url, ["run.finished"], True)


def test_an_unknown_webhook_is_404(world, organizer_client):
    for response in (
        organizer_client.get(f"{WEBHOOKS}/999999"),
        organizer_client.patch(f"{WEBHOOKS}/999999", {"active": True}, format="json"),
        organizer_client.delete(f"{WEBHOOKS}/999999"),
        organizer_client.get(f"{WEBHOOKS}/999999/deliveries"),
    ):
        assert response.status_code == 404
        assert response.json()["detail"] == "There is no webhook 999999 that you may see."


# Two conferences


def test_the_list_filters_by_conference_and_a_delegation_must_be_of_the_webhooks_conference(world, organizer_client):
    other = ConferenceFactory(code="OTHER")
    DelegationFactory(conference=other, code="GT")
    ours = WebhookFactory(conference=world.conference)
    theirs = WebhookFactory(conference=other)

    def listed(query=""):
        answer = organizer_client.get(f"{WEBHOOKS}{query}").json()
        return [(row["id"], row["conference"]) for row in answer["results"]]

    assert listed() == [(ours.pk, "CASC"), (theirs.pk, "OTHER")]
    assert listed("?conference=CASC") == [(ours.pk, "CASC")]
    assert listed("?conference=OTHER") == [(theirs.pk, "OTHER")]
    assert listed("?conference=NOPE") == []
    refused = organizer_client.post(WEBHOOKS, body(delegation="GT"), format="json")
    assert refused.status_code == 400 and refused.json()["fields"]["delegation"] == ["CASC has no delegation GT."]
    created = organizer_client.post(WEBHOOKS, body(conference="OTHER", delegation="GT"), format="json")
    assert created.status_code == 201 and created.json()["conference"] == "OTHER"


def test_the_list_is_paginated(world, organizer_client):
    for _ in range(3):
        WebhookFactory(conference=world.conference)
    answer = organizer_client.get(f"{WEBHOOKS}?page_size=2").json()
    assert answer["count"] == 3 and len(answer["results"]) == 2 and answer["next"]


# Deliveries


def test_deliveries_are_listed_newest_first_with_every_attempt(world, organizer_client):
    hook = WebhookFactory(conference=world.conference)
    other_hook = WebhookFactory(conference=world.conference)
    first = delivery(
        hook,
        created_at=AT,
        status="delivered",
        event="itinerary.changed",
        attempts=[(0, None, "connection refused"), (10, 503, "try later"), (30, 204, "")],
    )
    second = delivery(hook, created_at=AT + timedelta(minutes=5), attempts=[(0, 500, "boom")])
    delivery(other_hook, created_at=AT + timedelta(minutes=9))
    response = organizer_client.get(f"{WEBHOOKS}/{hook.pk}/deliveries")
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["count"] == 2
    newest, oldest = answer["results"]
    assert newest == {
        "delivery": str(second.delivery_id),
        "event": "run.finished",
        "status": "pending",
        "created_at": "2026-12-07T14:05:00Z",
        "due_at": "2026-12-07T14:05:00Z",
        "attempts": 1,
        "delivered_at": None,
        "last_error": "boom",
        "log": [
            {"at": "2026-12-07T14:05:00Z", "seconds": 0.25, "status_code": 500, "error": "boom", "succeeded": False}
        ],
    }
    assert oldest["delivery"] == str(first.delivery_id)
    assert (oldest["event"], oldest["status"], oldest["attempts"], oldest["delivered_at"]) == (
        "itinerary.changed",
        "delivered",
        3,
        "2026-12-07T14:00:30Z",
    )
    assert oldest["log"] == [
        {
            "at": "2026-12-07T14:00:00Z",
            "seconds": 0.25,
            "status_code": None,
            "error": "connection refused",
            "succeeded": False,
        },
        {"at": "2026-12-07T14:00:10Z", "seconds": 0.25, "status_code": 503, "error": "try later", "succeeded": False},
        {"at": "2026-12-07T14:00:30Z", "seconds": 0.25, "status_code": 204, "error": "", "succeeded": True},
    ]


def test_deliveries_filter_by_status(world, organizer_client):
    hook = WebhookFactory(conference=world.conference)
    delivered = delivery(hook, created_at=AT, status="delivered", attempts=[(0, 200, "")])
    gave_up = delivery(hook, created_at=AT + timedelta(minutes=1), status="gave_up", attempts=[(0, 500, "down")])
    pending = delivery(hook, created_at=AT + timedelta(minutes=2))
    for status, row in (("delivered", delivered), ("gave_up", gave_up), ("pending", pending)):
        answer = organizer_client.get(f"{WEBHOOKS}/{hook.pk}/deliveries?status={status}").json()
        assert [result["delivery"] for result in answer["results"]] == [str(row.delivery_id)]
    refused = organizer_client.get(f"{WEBHOOKS}/{hook.pk}/deliveries?status=lost")
    assert refused.status_code == 400 and "status" in refused.json()["fields"]


def test_the_lists_cost_the_same_queries_for_one_row_as_for_many(world, organizer_client):
    hook = WebhookFactory(conference=world.conference, delegation=world.own.delegation, events=["run.finished"])
    delivery(hook, created_at=AT, attempts=[(0, 500, "down"), (10, 500, "down")])
    counts = []
    for _round in range(2):
        counts.append(
            (get_queries(organizer_client, WEBHOOKS), get_queries(organizer_client, f"{WEBHOOKS}/{hook.pk}/deliveries"))
        )
        for n in range(5):
            WebhookFactory(conference=world.conference, delegation=world.other.delegation, events=["run.finished"])
            delivery(hook, created_at=AT + timedelta(minutes=n + 1), attempts=[(0, 500, "down"), (10, 200, "")])
    assert counts[0] == counts[1], counts
