import pytest
from django.core.management import call_command
from django.urls import reverse

from conference.models import Conference
from delegates.models import Delegate

pytestmark = pytest.mark.django_db


def test_demo_loads_its_own_scenario_and_the_printed_login_works(client, capsys):
    call_command("load_demo", "--address", "127.0.0.1:8000")
    out = capsys.readouterr().out
    assert "open http://127.0.0.1:8000/ and log in as organizer / convoy-demo" in out
    assert "warning" not in out  # the demo agenda is reachable for every delegate
    conference = Conference.objects.get(code="DEMO26")
    assert conference.timezone == "America/Panama"
    assert Delegate.objects.filter(conference=conference).count() == 48

    assert client.login(username="organizer", password="convoy-demo")
    page = client.get(reverse("home")).content.decode()
    assert "DEMO26" in page
    assert client.get(reverse("import")).status_code == 200
    assert client.get(reverse("admin:delegates_delegate_changelist")).status_code == 200


def test_demo_can_be_loaded_again(capsys):
    call_command("load_demo")
    call_command("load_demo")
    assert "48 unchanged" in capsys.readouterr().out


def test_demo_prints_api_tokens_that_work_with_their_roles(capsys):
    from rest_framework.test import APIClient

    call_command("load_demo")
    out = capsys.readouterr().out
    tokens = dict(line.split() for line in out.splitlines() if line.startswith("  ") and len(line.split()) == 2)
    assert set(tokens) == {"organizer", "liaison-co", "driver-arm-01"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens['liaison-co']}")
    assert client.get("/api/v1/me").json()["delegation"] == "CO"
    assert client.get("/api/v1/delegations/").json()["count"] == 1
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens['driver-arm-01']}")
    assert client.get("/api/v1/me").json()["vehicle"] == "ARM-01"
