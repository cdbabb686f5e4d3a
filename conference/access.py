"""Who may see what. Every API read goes through these scopes, so isolation is decided in one place."""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet

from conference.models import Role, UserRole
from conference.scopes import NOT_EXPOSED, ScopePaths

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

    def scope(self, queryset: QuerySet) -> QuerySet:
        """The rows of `queryset` this user may see, by the `scope_paths` its model declares (see conference.scopes):
        rows of the user's conference; of those, a liaison sees its delegation's and a driver its vehicle's, except
        reference rows (places, sessions), which every role of the conference sees."""
        model = queryset.model
        paths: ScopePaths | None = getattr(model, "scope_paths", NOT_DECLARED)
        if paths is NOT_DECLARED:
            raise ImproperlyConfigured(f"{model.__name__} declares no scope_paths: who may see its rows?")
        if self.role is None or paths is NOT_EXPOSED:
            return queryset.none()
        if self.conference_id is not None:
            queryset = queryset.filter(**{paths.conference: self.conference_id})
        if paths.reference:
            return queryset
        if self.role == Role.LIAISON:
            return _any_of(queryset, paths.delegation, self.delegation_id)
        if self.role == Role.DRIVER:
            return _any_of(queryset, paths.vehicle, self.vehicle_id)
        return queryset


def _any_of(queryset: QuerySet, lookups: tuple[str, ...], value: int | None) -> QuerySet:
    """Rows where any of the lookups equals the value; none when there is no lookup."""
    if not lookups:
        return queryset.none()
    matches = Q()
    for lookup in lookups:
        matches |= Q(**{lookup: value})
    return queryset.filter(matches)


NOT_DECLARED = object()
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
