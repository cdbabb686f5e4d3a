from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

from conference.access import DELEGATION_DATA, DESK, access_of
from conference.api.errors import json_error
from conference.models import Conference
from conference.pages import conference_page, local_moment
from conference.selectors import conference_day, conference_now
from logistics.selectors import dashboard as dashboard_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The conferences within the user's scope, each linking to its dashboard."""
    access = access_of(request.user)
    conferences = access.scope(Conference.objects.all(), conference="pk", reference=True)
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


@conference_page(*DASHBOARD_ROLES)
def dashboard(request: HttpRequest, conference: Conference) -> HttpResponse:
    """Today at a glance. `?day=YYYY-MM-DD` shows another day; `?at=YYYY-MM-DDTHH:MM` sets the moment the next
    two hours count from (default: now)."""
    at = local_moment(request.GET.get("at"), conference.zone) or conference_now(conference=conference)
    day = conference_day(conference=conference, given=request.GET.get("day") or at.date().isoformat(), clamp=False)
    summary = dashboard_summary(access=request.access, conference=conference, day=day, at=at)
    return render(
        request,
        "conference/dashboard.html",
        {"conference": conference, "summary": summary, "desk": request.access.role in DESK},
    )


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# Django's own error pages, in the API's error body under /api/ (DRF handles errors inside its views itself)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_error(400, "bad_request", "The request could not be read (malformed, too large or bad host).")
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_error(500, "server_error", "The server failed; the error is logged.")
    return defaults.server_error(request)
