"""The list of conferences the user may open."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from conference.access import DELEGATION_DATA, DESK, access_of
from conference.models import Conference


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The conferences within the user's scope, each linking to its dashboard."""
    access = access_of(request.user)
    conferences = access.scope(Conference.objects.all())
    desk = access.role in DESK
    if desk:  # the counts are the whole conference's: only for roles that see all of it
        conferences = conferences.annotate(
            delegate_count=Count("delegates", distinct=True),
            session_count=Count("sessions", distinct=True),
            vehicle_count=Count("vehicles", distinct=True),
        )
    return render(
        request,
        "conference/home.html",
        {"conferences": conferences, "show_counts": desk, "dashboard_roles": access.role in DASHBOARD_ROLES},
    )


DASHBOARD_ROLES = DELEGATION_DATA | DESK
