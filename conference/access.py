"""Who may see what. Every API read goes through these scopes, so isolation is decided in one place."""

from dataclasses import dataclass

from django.db.models import QuerySet

from conference.models import Role, UserRole

EVERYONE = frozenset(Role)
DESK = frozenset({Role.ORGANIZER, Role.LOGISTICS, Role.READER})
FLEET = DESK | {Role.DRIVER}
DELEGATION_DATA = frozenset({Role.ORGANIZER, Role.READER, Role.LIAISON})
ORGANIZER = frozenset({Role.ORGANIZER})


@dataclass(frozen=True)
class Access:
    """A user's role with the conference, delegation or vehicle it is bound to (None: not bound)."""

    role: Role | None
    conference_id: int | None = None
    delegation_id: int | None = None
    vehicle_id: int | None = None

    def scope(
        self,
        queryset: QuerySet,
        *,
        conference: str,
        delegation: str | None = None,
        vehicle: str | None = None,
        reference: bool = False,
    ) -> QuerySet:
        """The rows of `queryset` this user may see, given the paths from its model to the conference,
        delegation and vehicle. Reference data (venues, sessions) is seen by every role of its conference.
        Otherwise a liaison sees only rows of its delegation and a driver only rows of its vehicle; where
        the model has no such path they see nothing."""
        if self.role is None:
            return queryset.none()
        if self.conference_id is not None:
            queryset = queryset.filter(**{conference: self.conference_id})
        if reference:
            return queryset
        if self.role == Role.LIAISON:
            return queryset.filter(**{delegation: self.delegation_id}) if delegation else queryset.none()
        if self.role == Role.DRIVER:
            return queryset.filter(**{vehicle: self.vehicle_id}) if vehicle else queryset.none()
        return queryset


NO_ACCESS = Access(role=None)


def access_of(user) -> Access:
    """The user's access, read once per request. Superusers are organizers; users without a role get nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_convoy_access", None)
    if cached is not None:
        return cached
    row = (
        UserRole.objects.filter(user=user)
        .values_list("role", "delegation_id", "delegation__conference_id", "vehicle_id", "vehicle__conference_id")
        .first()
    )
    if row is None:
        access = Access(role=Role.ORGANIZER) if user.is_superuser else NO_ACCESS
    else:
        role, delegation_id, delegation_conference, vehicle_id, vehicle_conference = row
        access = Access(
            role=Role(role),
            conference_id=delegation_conference or vehicle_conference,
            delegation_id=delegation_id,
            vehicle_id=vehicle_id,
        )
    user._convoy_access = access
    return access
