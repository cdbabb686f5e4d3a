"""Accounts: users with a Convoy role, and their API tokens."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from rest_framework.authtoken.models import Token

from conference.errors import Invalid
from conference.models import Conference, Role, UserRole
from delegates.models import Delegation
from logistics.models import Vehicle


def user_with_role_create(
    *,
    username: str,
    role: str,
    password: str | None = None,
    conference_code: str | None = None,
    delegation_code: str | None = None,
    vehicle_callsign: str | None = None,
):
    """A new user with a role. A liaison names its delegation, a driver its vehicle; no one else names either.
    Without a password the user can only use an API token."""
    if role not in Role.values:
        raise Invalid(f"Unknown role {role!r}; choose one of {', '.join(Role.values)}.", field="role")
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise Invalid(f"A user {username!r} already exists.", field="username")
    delegation = vehicle = None
    if role == Role.LIAISON:
        delegation = _one(Delegation, "delegation", "code", delegation_code, conference_code)
    elif delegation_code:
        raise Invalid("Only a liaison is bound to a delegation.", field="delegation")
    if role == Role.DRIVER:
        vehicle = _one(Vehicle, "vehicle", "callsign", vehicle_callsign, conference_code)
    elif vehicle_callsign:
        raise Invalid("Only a driver is bound to a vehicle.", field="vehicle")
    user = User(username=username, is_staff=role == Role.ORGANIZER)
    if password:
        try:
            validate_password(password, user)
        except Exception as error:  # a ValidationError with the validators' messages
            raise Invalid(" ".join(error.messages), field="password") from error
        user.set_password(password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.save()
        UserRole.objects.create(user=user, role=role, delegation=delegation, vehicle=vehicle)
    return user


def api_token_for(*, user) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def _one(model, noun: str, field: str, value: str | None, conference_code: str | None):
    if not value:
        raise Invalid(f"A {noun} must be named for this role (--{noun}).", field=noun)
    rows = model.objects.filter(**{field: value})
    if conference_code:
        if not Conference.objects.filter(code=conference_code).exists():
            raise Invalid(f"There is no conference {conference_code}.", field="conference")
        rows = rows.filter(conference__code=conference_code)
    found = list(rows[:2])
    if not found:
        raise Invalid(f"There is no {noun} {value}.", field=noun)
    if len(found) > 1:
        raise Invalid(f"{value} names a {noun} in several conferences; add --conference CODE.", field="conference")
    return found[0]
