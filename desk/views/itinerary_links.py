"""A delegate's own itinerary, opened from the link in an e-mail: no account needed, the link's signed token
names the delegate (logistics.selectors.itineraries.itinerary_link_token). A token that is forged, too old, or
names a delegate who is gone answers 404, like a page that does not exist."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from conference.models import Conference
from delegates.models import Attendance, Delegate
from logistics.selectors.calendars import itinerary_calendar
from logistics.selectors.itineraries import (
    delegate_of_itinerary_link,
    itinerary_legs,
    leg_changes,
    skipped_sessions,
)
from logistics.selectors.schedule import current_version


def _delegate(token: str) -> Delegate:
    delegate = delegate_of_itinerary_link(token=token)
    if delegate is None:
        raise Http404(_("This itinerary link is not valid any more. Ask the transport desk for a new one."))
    return delegate


def itinerary_link(request: HttpRequest, token: str) -> HttpResponse:
    delegate = _delegate(token)
    conference: Conference = delegate.conference
    version = current_version(conference_id=conference.pk)
    legs = itinerary_legs(version=version, delegate_ids=[delegate.pk])[delegate.pk]
    changes = leg_changes(version=version, external_ids=[delegate.external_id])[delegate.external_id]
    attendances = Attendance.objects.filter(delegate=delegate).select_related("session__venue")
    context = {
        "conference": conference,
        "delegate": delegate,
        "attendances": attendances.order_by("session__starts_at", "session__code"),
        "version": version,
        "legs": [
            {"leg": leg, "kind": leg.movement.get_kind_display(), "change": changes.get(leg.movement.code)}
            for leg in legs
        ],
        "skipped": skipped_sessions(version=version, external_ids={delegate.external_id})[delegate.external_id],
        "calendar_url": reverse("itinerary-link-calendar", args=[token]),
        "printing": request.GET.get("print") == "1",
        "shared": True,
    }
    language = request.GET.get("lang") or delegate.language or conference.language
    with timezone.override(conference.zone), translation.override(language):
        response = render(request, "delegates/detail.html", context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def itinerary_link_calendar(request: HttpRequest, token: str) -> HttpResponse:
    delegate = _delegate(token)
    conference = delegate.conference
    version = current_version(conference_id=conference.pk)
    legs = itinerary_legs(version=version, delegate_ids=[delegate.pk])
    payload = itinerary_calendar(
        conference=conference,
        version=version,
        legs=legs,
        delegates=[delegate],
        name=f"Transport: {delegate.full_name}",
        uid=f"{conference.code}.{delegate.external_id}@convoy",
    )
    response = HttpResponse(payload, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
