"""Webhooks: registering one (what is refused and why, the secret), changing it, enabling it again after it was
disabled, and removing it with its deliveries."""

import uuid
from datetime import UTC, datetime

import pytest

from conference.errors import Invalid
from logistics.models import DeliveryAttempt, Notification, Webhook, WebhookEvent
from logistics.services.notifications import NOT_FOR_DELEGATIONS
from logistics.services.webhooks import webhook_create, webhook_delete, webhook_update
from tests.factories import ConferenceFactory, DelegationFactory, UserFactory, WebhookFactory

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.org/convoy"
FAILED_AT = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
# what the service names in its messages, as the events stand
EVERY_EVENT = ", ".join(WebhookEvent.values)
DELEGATION_EVENTS = ", ".join(event for event in WebhookEvent.values if event not in NOT_FOR_DELEGATIONS)


@pytest.fixture
def conference():
    return ConferenceFactory(code="CASC26")


def create(conference, **given):
    return webhook_create(conference=conference, **({"url": URL, "events": ["itinerary.changed"]} | given))


def refusal(call) -> Invalid:
    with pytest.raises(Invalid) as caught:
        call()
    return caught.value


# Creating


def test_a_webhook_is_created_with_a_generated_secret_that_is_returned(conference):
    user = UserFactory()
    hook, secret = create(conference, events=["itinerary.changed", "run.finished"], user=user)
    hook = Webhook.objects.get(pk=hook.pk)
    assert (hook.conference, hook.url, hook.events) == (conference, URL, ["itinerary.changed", "run.finished"])
    assert (hook.active, hook.delegation, hook.created_by, hook.failing_since, hook.disabled_at) == (
        True,
        None,
        user,
        None,
        None,
    )
    assert hook.secret == secret and len(secret) >= 40  # token_urlsafe(32): 43 characters
    assert create(conference)[1] != secret  # a new secret each time


def test_a_secret_given_is_kept_as_given(conference):
    given = "  sixteen chars or more, spaces kept  "
    hook, secret = create(conference, secret=given)
    assert secret == given and Webhook.objects.get(pk=hook.pk).secret == given


def test_every_event_is_accepted_by_a_conference_webhook(conference):
    hook, _secret = create(conference, events=list(WebhookEvent.values))
    assert hook.events == WebhookEvent.values


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Give the URL that receives the events (http or https)."),
        ("ftp://hooks.example.org/convoy", "ftp://hooks.example.org/convoy is not an http or https URL"),
        ("hooks.example.org/convoy", "hooks.example.org/convoy is not an http or https URL"),
        ("https://", "https:// is not an http or https URL"),
        ("https://example.org/" + "x" * 481, "The URL has 501 characters; it may have at most 500."),
    ],
)
def test_a_url_that_is_not_http_or_https_is_refused(conference, url, message):
    error = refusal(lambda: create(conference, url=url))
    assert error.field == "url" and message in error.message
    assert not Webhook.objects.exists()


def test_a_url_of_500_characters_and_plain_http_are_accepted(conference):
    long_url = "https://example.org/" + "x" * 480
    assert create(conference, url=long_url)[0].url == long_url
    assert create(conference, url="http://127.0.0.1:8080/hook")[0].url == "http://127.0.0.1:8080/hook"


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([], "Choose at least one event, from: itinerary.changed, trip.changed, vehicle.status, run.finished"),
        ("run.finished", "Choose at least one event, from: itinerary.changed"),
        (
            ["run.finished", "itinerary.change", "bus.lost"],
            f"itinerary.change, bus.lost: no such event; the events are {EVERY_EVENT}.",
        ),
        (
            ["run.finished", "trip.changed", "run.finished"],
            "run.finished listed more than once: name each event once.",
        ),
    ],
)
def test_events_must_be_known_and_named_once(conference, events, message):
    error = refusal(lambda: create(conference, events=events))
    assert error.field == "events" and message in error.message
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(("secret", "length"), [("", 0), ("too short", 9), ("x" * 15, 15)])
def test_a_short_secret_is_refused(conference, secret, length):
    error = refusal(lambda: create(conference, secret=secret))
    assert error.field == "secret"
    assert error.message == (
        f"The secret has {length} characters; it needs at least 16. Leave it out to have one generated."
    )


def test_a_secret_of_16_to_200_characters_is_accepted_and_a_longer_one_refused(conference):
    assert create(conference, secret="x" * 16)[1] == "x" * 16
    assert create(conference, secret="y" * 200)[1] == "y" * 200
    error = refusal(lambda: create(conference, secret="z" * 201))
    assert (error.field, error.message) == ("secret", "The secret has 201 characters; it may have at most 200.")


# A delegation's webhook


def test_a_delegations_webhook_takes_its_delegations_events(conference):
    panama = DelegationFactory(conference=conference, code="PA")
    hook, _secret = create(conference, delegation=panama, events=["itinerary.changed", "flight.changed"])
    assert hook.delegation == panama
    by_code, _secret = create(conference, delegation="PA", events=["run.finished"])
    assert by_code.delegation == panama


@pytest.mark.parametrize("event", sorted(NOT_FOR_DELEGATIONS))
def test_a_delegations_webhook_may_not_take_what_carries_other_delegations_or_the_fleet(conference, event):
    panama = DelegationFactory(conference=conference, code="PA")
    error = refusal(lambda: create(conference, delegation=panama, events=["itinerary.changed", event]))
    assert error.field == "events"
    assert error.message == (
        f"A webhook of the delegation PA may not take {event}: they carry other delegations' people or the whole "
        f"fleet. It may take {DELEGATION_EVENTS}."
    )
    assert not Webhook.objects.exists()


def test_a_delegation_of_another_conference_or_an_unknown_one_is_refused(conference):
    other = DelegationFactory(conference=ConferenceFactory(code="OTHER"), code="PA")
    error = refusal(lambda: create(conference, delegation=other))
    assert (error.field, error.message) == ("delegation", "The delegation PA is not of CASC26.")
    error = refusal(lambda: create(conference, delegation="PA"))
    assert (error.field, error.message) == ("delegation", "CASC26 has no delegation PA.")
    assert not Webhook.objects.exists()


# Changing


def test_url_and_events_change_and_what_is_left_out_stays(conference):
    hook = WebhookFactory(conference=conference, events=["run.finished"])
    changed = webhook_update(webhook=hook, url="https://new.example.org/in", events=["trip.changed", "run.finished"])
    stored = Webhook.objects.get(pk=hook.pk)
    assert (stored.url, stored.events, stored.active, stored.secret) == (
        "https://new.example.org/in",
        ["trip.changed", "run.finished"],
        True,
        hook.secret,
    )
    assert changed.url == stored.url
    webhook_update(webhook=hook, active=False)
    stored.refresh_from_db()
    assert (stored.url, stored.active, stored.disabled_at) == ("https://new.example.org/in", False, None)


def test_an_update_is_checked_like_a_creation(conference):
    panama = DelegationFactory(conference=conference, code="PA")
    hook = WebhookFactory(conference=conference, delegation=panama, events=["itinerary.changed"])
    error = refusal(lambda: webhook_update(webhook=hook, events=["vehicle.status"]))
    assert error.field == "events" and "A webhook of the delegation PA may not take vehicle.status" in error.message
    assert refusal(lambda: webhook_update(webhook=hook, url="mailto:desk@example.org")).field == "url"
    assert refusal(lambda: webhook_update(webhook=hook, events=[])).field == "events"
    assert refusal(lambda: webhook_update(webhook=hook, active="yes")).field == "active"
    stored = Webhook.objects.get(pk=hook.pk)
    assert (stored.url, stored.events, stored.active) == (hook.url, ["itinerary.changed"], True)


def test_enabling_a_disabled_webhook_again_forgets_its_failures(conference):
    hook = WebhookFactory(conference=conference, active=False, failing_since=FAILED_AT, disabled_at=FAILED_AT)
    enabled = webhook_update(webhook=hook, active=True)
    stored = Webhook.objects.get(pk=hook.pk)
    assert (stored.active, stored.failing_since, stored.disabled_at) == (True, None, None)
    assert (enabled.active, enabled.failing_since, enabled.disabled_at) == (True, None, None)


def test_an_active_webhook_that_is_failing_keeps_its_failures_when_set_active_again(conference):
    """Saying "active" of a webhook that never stopped proves nothing of its receiver: it is still a day from
    being disabled, counted from its first failure."""
    hook = WebhookFactory(conference=conference, failing_since=FAILED_AT)
    webhook_update(webhook=hook, active=True)
    assert Webhook.objects.get(pk=hook.pk).failing_since == FAILED_AT


def test_an_update_writes_only_what_it_changes(conference):
    """A delivery worker notes a failure meanwhile (failing_since): an update of the events does not undo it."""
    hook = WebhookFactory(conference=conference, events=["run.finished"])
    Webhook.objects.filter(pk=hook.pk).update(failing_since=FAILED_AT)
    webhook_update(webhook=hook, events=["itinerary.changed"])  # `hook` is stale: failing_since None in memory
    stored = Webhook.objects.get(pk=hook.pk)
    assert (stored.events, stored.failing_since) == (["itinerary.changed"], FAILED_AT)


# Removing


def test_removing_a_webhook_removes_its_deliveries_and_their_log(conference):
    hook = WebhookFactory(conference=conference)
    kept = WebhookFactory(conference=conference)
    for owner in (hook, kept):
        notification = Notification.objects.create(
            conference=conference,
            channel="webhook",
            webhook=owner,
            event="run.finished",
            delivery_id=uuid.uuid4(),
            due_at=FAILED_AT,
        )
        DeliveryAttempt.objects.create(notification=notification, at=FAILED_AT, seconds=0.1, status_code=500)
    webhook_delete(webhook=hook)
    assert list(Webhook.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(Notification.objects.values_list("webhook_id", flat=True)) == [kept.pk]
    assert DeliveryAttempt.objects.count() == 1
