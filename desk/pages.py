"""What every web page shares: the conference in the URL, within the user's scope, and the role checks."""

from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conference.access import DELEGATION_DATA, DESK, FLEET, Access, access_of
from conference.models import Conference, Role
from logistics.selectors.pulse import desk_pulse


def conference_page(*roles: Role) -> Callable:
    """A page of one conference (`code` in the URL) for the given roles. The view receives the conference,
    found within the user's scope (404 outside it, as in the API); `request.access` is the user's access
    (use `request.access.scope(...)` for every queryset, as the API views do). The view runs, and must
    render, with the conference's time zone active."""

    def decorate(view):
        @login_required
        @wraps(view)
        def page(request: HttpRequest, code: str, *args, **kwargs):
            access = access_of(request.user)
            if access.role not in roles:
                raise PermissionDenied(_("Your role may not open this page."))
            conference = access.scope(Conference.objects.filter(code=code)).first()
            if conference is None:
                raise Http404(_("No such conference."))
            request.access = access
            request.conference = conference
            with timezone.override(conference.zone):  # every time on the page in the conference's zone
                return view(request, conference, *args, **kwargs)

        return page

    return decorate


def local_moment(given: str | None, zone) -> datetime | None:
    """A datetime-local value (YYYY-MM-DDTHH:MM) read in the conference's zone, or None when absent or unreadable."""
    if not given:
        return None
    try:
        moment = datetime.fromisoformat(given)
    except ValueError:
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


# The menu of a conference's pages: URL name (taking the conference code), label, roles that see it.
MENU = [
    ("dashboard", gettext_lazy("Dashboard"), DESK | DELEGATION_DATA),
    ("board", gettext_lazy("Schedule board"), FLEET),
    ("fleet", gettext_lazy("Fleet"), FLEET),
    ("driver", gettext_lazy("Driver"), FLEET),
    ("flights", gettext_lazy("Flights"), DESK),
    ("map", gettext_lazy("Map"), FLEET),
    ("delegates", gettext_lazy("Delegates"), DELEGATION_DATA),
    ("requests", gettext_lazy("Requests"), DELEGATION_DATA),
]


def navigation(request: HttpRequest) -> dict:
    """The conference being worked on, the role, and the menu entries the role may open."""
    user = getattr(request, "user", None)
    access: Access | None = access_of(user) if user is not None and user.is_authenticated else None
    conference = getattr(request, "conference", None)
    menu = []
    if conference is not None and access is not None:
        menu = [
            {
                "url": reverse(name, args=[conference.code]),
                "label": label,
                "active": request.resolver_match.url_name == name,
            }
            for name, label, roles in MENU
            if access.role in roles
        ]
    live_state = None
    if conference is not None and access is not None:
        # what the live pages were rendered from: they refresh when the pulse no longer says this (read only by
        # the pages that poll, when they render it)
        live_state = SimpleLazyObject(lambda: desk_pulse(access=access, conference=conference)["state"])
    return {
        "current_conference": conference,
        "role": access.role if access else None,
        "conference_menu": menu,
        "live_seconds": settings.LIVE_POLL_SECONDS,
        "live_state": live_state,
    }
