from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from conference.access import DESK
from conference.models import Conference, Role
from conference.selectors.conferences import conference_day, conference_now
from desk.pages import conference_page, local_moment
from desk.views.conferences import DASHBOARD_ROLES
from logistics.selectors.dashboard import dashboard as dashboard_summary


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
        {
            "conference": conference,
            "summary": summary,
            "desk": request.access.role in DESK,
            "user_is_organizer": request.access.role == Role.ORGANIZER,
        },
    )
