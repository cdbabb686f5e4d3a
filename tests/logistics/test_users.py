import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from conference.models import UserRole
from tests.factories import ConferenceFactory, DelegationFactory, VehicleFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


def test_liaison_with_token_is_bound_to_its_delegation_and_the_token_works(client):
    DelegationFactory(code="PA")
    output = run("ana", "--role", "liaison", "--delegation", "PA", "--token")
    token = output.strip().splitlines()[-1]
    assert Token.objects.get(user__username="ana").key == token
    role = UserRole.objects.get(user__username="ana")
    assert (role.role, role.delegation.code, role.vehicle) == ("liaison", "PA", None)
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert me["role"] == "liaison" and me["delegation"] == "PA"


def test_driver_with_password_can_log_in_and_has_no_token(client):
    VehicleFactory(callsign="ARM-01")
    output = run("carla", "--role", "driver", "--vehicle", "ARM-01", "--password", "long enough pass phrase")
    assert "Created carla (Driver, vehicle ARM-01)" in output
    assert not Token.objects.filter(user__username="carla").exists()
    assert client.login(username="carla", password="long enough pass phrase")


def test_token_only_client_has_no_usable_password():
    run("accreditation", "--role", "reader", "--token")
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.get(username="accreditation").has_usable_password()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--role", "liaison", "--token"], "A delegation must be named for this role"),
        (["x", "--role", "liaison", "--delegation", "NOPE", "--token"], "There is no delegation NOPE"),
        (["x", "--role", "driver", "--token"], "A vehicle must be named for this role"),
        (["x", "--role", "organizer", "--delegation", "PA", "--token"], "Only a liaison is bound to a delegation"),
        (["x", "--role", "reader", "--vehicle", "ARM-01", "--token"], "Only a driver is bound to a vehicle"),
        (["x", "--role", "reader", "--password", "123"], "This password is too short"),
        (["x", "--role", "reader"], "Give --password, --token or both"),
        (["taken", "--role", "reader", "--token"], "A user 'taken' already exists"),
        (["x", "--role", "liaison", "--delegation", "TWICE", "--token"], "add --conference CODE"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message_and_create_nothing(args, message):
    DelegationFactory(code="PA")
    for conference in (ConferenceFactory(code="A"), ConferenceFactory(code="B")):
        DelegationFactory(conference=conference, code="TWICE")
    run("taken", "--role", "reader", "--token")
    users_before = UserRole.objects.count()
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert UserRole.objects.count() == users_before


def test_unknown_role_is_refused():
    with pytest.raises(CommandError, match="invalid choice"):
        run("x", "--role", "admin", "--token")


def test_ambiguous_delegation_is_resolved_by_the_conference():
    for conference in (ConferenceFactory(code="A"), ConferenceFactory(code="B")):
        DelegationFactory(conference=conference, code="PA")
    run("ana", "--role", "liaison", "--delegation", "PA", "--conference", "B", "--token")
    assert UserRole.objects.get(user__username="ana").delegation.conference.code == "B"
