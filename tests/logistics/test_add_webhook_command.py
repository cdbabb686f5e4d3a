"""manage.py add_webhook: registers a webhook, prints its id and its secret, and refuses with the service's message."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from logistics.models import Webhook
from tests.factories import ConferenceFactory, DelegationFactory

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.org/convoy"


def run(*args) -> str:
    out = StringIO()
    call_command("add_webhook", *args, stdout=out)
    return out.getvalue()


def test_the_webhook_is_created_and_its_id_and_secret_printed():
    ConferenceFactory(code="CASC26")
    output = run(URL, "--conference", "CASC26", "--events", "itinerary.changed", "trip.changed")
    hook = Webhook.objects.get()
    lines = output.strip().splitlines()
    assert lines[0] == f"Created webhook {hook.pk} of CASC26: {URL} (itinerary.changed, trip.changed)."
    assert lines[-1] == hook.secret and len(hook.secret) >= 40
    assert (hook.conference.code, hook.events, hook.delegation, hook.active) == (
        "CASC26",
        ["itinerary.changed", "trip.changed"],
        None,
        True,
    )


def test_the_only_conference_needs_no_name_and_a_secret_and_a_delegation_may_be_given():
    conference = ConferenceFactory(code="CASC26")
    DelegationFactory(conference=conference, code="PA")
    output = run(URL, "--events", "flight.changed", "--secret", "our shared secret, long enough", "--delegation", "PA")
    hook = Webhook.objects.get()
    assert (hook.conference, hook.delegation.code, hook.secret) == (conference, "PA", "our shared secret, long enough")
    assert f"Created webhook {hook.pk} of CASC26, delegation PA" in output
    assert output.strip().splitlines()[-1] == "our shared secret, long enough"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [URL, "--events", "run.finished"],
            "There are several conferences (CASC26, OTHER): name one with --conference",
        ),
        ([URL, "--conference", "NOPE", "--events", "run.finished"], "There is no conference NOPE."),
        (
            ["ftp://example.org/x", "--conference", "CASC26", "--events", "run.finished"],
            "ftp://example.org/x is not an http or https URL",
        ),
        (
            [URL, "--conference", "CASC26", "--events", "run.finish"],
            "run.finish: no such event; the events are itinerary.changed, trip.changed",
        ),
        (
            [URL, "--conference", "CASC26", "--events", "run.finished", "run.finished"],
            "run.finished listed more than once",
        ),
        (
            [URL, "--conference", "CASC26", "--events", "run.finished", "--secret", "short"],
            "The secret has 5 characters; it needs at least 16.",
        ),
        (
            [URL, "--conference", "CASC26", "--events", "run.finished", "--delegation", "CR"],
            "CASC26 has no delegation CR.",
        ),
        (
            [URL, "--conference", "CASC26", "--events", "vehicle.status", "--delegation", "PA"],
            "A webhook of the delegation PA may not take vehicle.status: they carry other delegations' people or the "
            "whole fleet.",
        ),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message_and_create_nothing(args, message):
    conference = ConferenceFactory(code="CASC26")
    ConferenceFactory(code="OTHER")
    DelegationFactory(conference=conference, code="PA")
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert message in str(caught.value)
    assert not Webhook.objects.exists()


def test_without_any_conference_the_command_says_so():
    with pytest.raises(CommandError, match="There is no conference yet"):
        run(URL, "--events", "run.finished")


def test_events_are_required():
    ConferenceFactory(code="CASC26")
    with pytest.raises(CommandError, match="--events"):
        run(URL)
