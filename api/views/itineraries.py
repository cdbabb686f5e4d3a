import json

from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema

from api.base import NOT_MODIFIED, ScopedView, conditional_response
from api.itineraries import published_itineraries
from api.serializers import itineraries as its
from conference.access import DELEGATION_DATA
from conference.models import Conference
from delegates.models import Delegate, Delegation
from logistics.selectors.calendars import itinerary_calendar
from logistics.selectors.itineraries import itinerary_legs
from logistics.selectors.schedule import current_version


class ItineraryView(ScopedView):
    """The published movements of delegates, in time order; as JSON or as iCalendar."""

    read_roles = DELEGATION_DATA
    filterset_class = None
    pagination_class = None

    def json_response(self, conference: Conference, delegates: list[Delegate], *, one: bool, delegation=None):
        published, entries = published_itineraries(conference=conference, delegates=delegates)
        if one:
            body = {"conference": conference.code, **published, **entries[0]}
        else:
            body = {
                "conference": conference.code,
                **published,
                "delegation": {"code": delegation.code, "name": delegation.name},
                "delegates": entries,
            }
        payload = json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()
        return conditional_response(self.request, payload, "application/json")

    def calendar_response(self, conference: Conference, delegates: list[Delegate], *, name: str, uid: str):
        version = current_version(conference_id=conference.pk)
        legs = itinerary_legs(version=version, delegate_ids=[d.pk for d in delegates])
        payload = itinerary_calendar(
            conference=conference, version=version, legs=legs, delegates=delegates, name=name, uid=uid
        )
        return conditional_response(self.request, payload, "text/calendar; charset=utf-8")


CALENDAR = {(200, "text/calendar"): OpenApiTypes.BINARY, 304: NOT_MODIFIED}


class DelegateItineraryBase(ItineraryView):
    lookup_field = "external_id"
    noun = "delegate"

    def get_queryset(self):
        return self.scoped(Delegate.objects.select_related("conference", "delegation", "hotel"))


class DelegateItinerary(DelegateItineraryBase):
    """One delegate's published movements in time order, with vehicle, driver and the session each serves.
    Answers 304 to a conditional GET whose If-None-Match holds the current ETag."""

    @extend_schema(responses={200: its.ItinerarySerializer, 304: NOT_MODIFIED})
    def get(self, request, external_id):
        delegate = self.get_object()
        return self.json_response(delegate.conference, [delegate], one=True)


class DelegateItineraryCalendar(DelegateItineraryBase):
    """One delegate's published movements as iCalendar (RFC 5545), one event per movement."""

    @extend_schema(responses=CALENDAR)
    def get(self, request, external_id):
        delegate = self.get_object()
        return self.calendar_response(
            delegate.conference,
            [delegate],
            name=f"Transport: {delegate.full_name}",
            uid=f"{delegate.conference.code}.{delegate.external_id}@convoy",
        )


class DelegationItineraryBase(ItineraryView):
    lookup_field = "code"
    noun = "delegation"

    def get_queryset(self):
        return self.scoped(Delegation.objects.select_related("conference"))

    def delegates_of(self, delegation: Delegation) -> list[Delegate]:
        return list(
            Delegate.objects.filter(delegation=delegation)
            .select_related("delegation", "hotel")
            .order_by("family_name", "given_name", "external_id")
        )


class DelegationItinerary(DelegationItineraryBase):
    """Every delegate of a delegation with their published movements."""

    @extend_schema(responses={200: its.DelegationItinerarySerializer, 304: NOT_MODIFIED})
    def get(self, request, code):
        delegation = self.get_object()
        delegates = self.delegates_of(delegation)
        return self.json_response(delegation.conference, delegates, one=False, delegation=delegation)


class DelegationItineraryCalendar(DelegationItineraryBase):
    """Every movement of a delegation's delegates as iCalendar (RFC 5545), one event per movement."""

    @extend_schema(responses=CALENDAR)
    def get(self, request, code):
        delegation = self.get_object()
        return self.calendar_response(
            delegation.conference,
            self.delegates_of(delegation),
            name=f"Transport: {delegation.name}",
            uid=f"{delegation.conference.code}.delegation.{delegation.code}@convoy",
        )
