from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from conference.access import DELEGATION_DATA
from conference.models import Conference, Venue, VenueKind
from delegates.models import Attendance, Delegate, Delegation
from desk.forms.delegates import DelegateFilterForm
from desk.pages import conference_page
from logistics.selectors.itineraries import itinerary_legs, leg_changes, skipped_sessions
from logistics.selectors.schedule import current_version

PAGE_SIZE = 100


def _scoped_delegates(request: HttpRequest, conference: Conference) -> QuerySet:
    return request.access.scope(
        Delegate.objects.filter(conference=conference).select_related(
            "delegation", "hotel", "arrival_venue", "departure_venue"
        )
    )


@conference_page(*DELEGATION_DATA)
def delegate_list(request: HttpRequest, conference: Conference) -> HttpResponse:
    access = request.access
    delegations = access.scope(Delegation.objects.filter(conference=conference)).values_list("code", "name")
    hotels = access.scope(Venue.objects.filter(conference=conference, kind=VenueKind.HOTEL)).values_list("code", "name")
    form = DelegateFilterForm(
        request.GET or None,
        delegations=[(code, f"{code} · {name}") for code, name in delegations],
        hotels=[(code, f"{code} · {name}") for code, name in hotels],
    )
    found = form.filter(_scoped_delegates(request, conference)).order_by(
        "delegation__code", "family_name", "given_name", "external_id"
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "delegates/list.html", {"conference": conference, "form": form, "page": page})


@conference_page(*DELEGATION_DATA)
def delegate_detail(request: HttpRequest, conference: Conference, external_id: str) -> HttpResponse:
    delegate = _scoped_delegates(request, conference).filter(external_id=external_id).first()
    if delegate is None:  # outside the user's scope exactly as missing
        raise Http404(_("No such delegate."))
    attendances = request.access.scope(
        Attendance.objects.filter(delegate=delegate).select_related("session__venue")
    ).order_by("session__starts_at", "session__code")
    version = current_version(conference_id=conference.pk)
    legs = itinerary_legs(version=version, delegate_ids=[delegate.pk])[delegate.pk]
    skipped = skipped_sessions(version=version, external_ids={delegate.external_id})[delegate.external_id]
    changes = leg_changes(version=version, external_ids=[delegate.external_id])[delegate.external_id]
    calendar = reverse("v1:delegate-itinerary-ics", args=[delegate.external_id])
    context = {
        "conference": conference,
        "delegate": delegate,
        "attendances": attendances,
        "version": version,
        "legs": [
            {"leg": leg, "kind": leg.movement.get_kind_display(), "change": changes.get(leg.movement.code)}
            for leg in legs
        ],
        "skipped": skipped,
        "calendar_url": f"{calendar}?{urlencode({'conference': conference.code})}",
        "printing": request.GET.get("print") == "1",
    }
    return render(request, "delegates/detail.html", context)
