import hashlib
import json

import django_filters
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from conference.access import DELEGATION_DATA, DESK, FLEET
from conference.api.base import ConferenceFilter, MomentFilter, ScopedView, on_local_day
from conference.models import Conference, Role, Venue
from delegates.models import Delegate, Delegation
from logistics import resource_requests
from logistics.api import itinerary_serializers as its
from logistics.api.itineraries import published_itineraries
from logistics.api.serializers import (
    DecisionSerializer,
    RequestDecisionSerializer,
    ResourceRequestInputSerializer,
    ResourceRequestSerializer,
    RunSerializer,
    StatusEventSerializer,
    StatusReportSerializer,
    TripSerializer,
    VehicleSerializer,
)
from logistics.calendars import itinerary_calendar
from logistics.exports import schedule_export
from logistics.models import (
    RequestKind,
    RequestStatus,
    ResourceRequest,
    RunStatus,
    ScheduleRun,
    Stop,
    StopPassenger,
    Trip,
    Vehicle,
    VehicleKind,
    VehicleStatus,
    VehicleStatusEvent,
)
from logistics.selectors import current_version, itinerary_legs
from logistics.services import schedule_recompute_request
from logistics.status_updates import vehicle_status_report

ORGANIZER = frozenset({Role.ORGANIZER})


# Fleet


class VehicleFilter(ConferenceFilter):
    status = django_filters.ChoiceFilter(choices=VehicleStatus.choices)
    kind = django_filters.ChoiceFilter(choices=VehicleKind.choices)


class VehicleViewMixin(ScopedView):
    read_roles = FLEET
    serializer_class = VehicleSerializer
    scope = {"conference": "conference_id", "vehicle": "pk"}
    lookup_field = "callsign"
    noun = "vehicle"

    def get_queryset(self):
        return self.scoped(Vehicle.objects.select_related("conference", "depot", "driver"))


class VehicleList(VehicleViewMixin, generics.ListAPIView):
    """The motor pool with live status and last position; a driver sees only its own vehicle."""

    filterset_class = VehicleFilter


class VehicleDetail(VehicleViewMixin, generics.RetrieveAPIView):
    """One vehicle, by its callsign."""


class VehicleStatusView(VehicleViewMixin, generics.ListCreateAPIView):
    """GET: the vehicle's status updates, newest first (the audit trail).
    POST: report the vehicle's status and position from the field.

    The same `event_id` sent again applies once and answers as the first time (header `Idempotent-Replayed:
    true`); the same id with a different content is refused (409). An illegal transition is refused (409).
    An update whose `timestamp` is older than the last applied one is recorded, not applied
    (`applied: false`, `outcome: stale`)."""

    write_roles = frozenset({Role.ORGANIZER, Role.LOGISTICS, Role.DRIVER})
    filterset_class = None

    def get_serializer_class(self):
        return StatusReportSerializer if self.request.method == "POST" else StatusEventSerializer

    def get_queryset(self):
        if self.request.method == "POST":  # the service finds, locks and reads the row in one query
            return self.scoped(Vehicle.objects.all())
        return super().get_queryset()

    def list(self, request, *args, **kwargs):
        vehicle = self.get_object()
        events = VehicleStatusEvent.objects.filter(vehicle=vehicle).select_related("vehicle")
        page = self.paginate_queryset(events.order_by("-received_at", "-id"))
        return self.get_paginated_response(StatusEventSerializer(page, many=True).data)

    @extend_schema(
        request=StatusReportSerializer,
        responses={201: StatusEventSerializer},
    )
    def post(self, request, *args, **kwargs):
        report = StatusReportSerializer(data=request.data)
        report.is_valid(raise_exception=True)
        try:
            event, replayed = vehicle_status_report(
                vehicles=self.lookup_candidates(), user=request.user, **report.validated_data
            )
        except Vehicle.DoesNotExist:
            raise self.not_found() from None
        except Vehicle.MultipleObjectsReturned:
            raise self.ambiguous() from None
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return Response(StatusEventSerializer(event).data, status=status.HTTP_201_CREATED, headers=headers)


# Trips and runs


class TripFilter(django_filters.FilterSet):
    conference = django_filters.CharFilter(field_name="version__conference__code", help_text="Conference code.")
    vehicle = django_filters.CharFilter(field_name="vehicle__callsign", help_text="Vehicle callsign.")
    day = django_filters.DateFilter(method="on_day", help_text="Trips starting on this day, local time.")
    after = MomentFilter(field_name="ends_at", lookup_expr="gt", help_text="Trips ending after.")
    before = MomentFilter(field_name="starts_at", lookup_expr="lt", help_text="Trips starting before.")

    def on_day(self, queryset, name, value):
        return on_local_day(queryset, day=value, field="starts_at", conference="version__conference")


class TripViewMixin(ScopedView):
    read_roles = FLEET
    serializer_class = TripSerializer
    scope = {"conference": "version__conference_id", "vehicle": "vehicle_id"}
    conference_code_field = "version__conference__code"
    noun = "trip"

    def get_queryset(self):
        passengers = StopPassenger.objects.select_related("movement__delegate").order_by("movement__code")
        stops = Stop.objects.select_related("venue").prefetch_related(Prefetch("passengers", queryset=passengers))
        trips = Trip.objects.filter(version__is_current=True).select_related("version__conference", "vehicle")
        return self.scoped(trips.prefetch_related(Prefetch("stops", queryset=stops)))


class TripList(TripViewMixin, generics.ListAPIView):
    """Trips of the published schedules, with their stops and who boards and alights; a driver sees its own."""

    filterset_class = TripFilter


class TripDetail(TripViewMixin, generics.RetrieveAPIView):
    """One trip of a published schedule, by its id."""


class RunFilter(ConferenceFilter):
    status = django_filters.ChoiceFilter(choices=RunStatus.choices)


class RunViewMixin(ScopedView):
    read_roles = DESK
    serializer_class = RunSerializer
    noun = "schedule run"

    def get_queryset(self):
        return self.scoped(ScheduleRun.objects.select_related("conference", "version"))


class RunList(RunViewMixin, generics.ListAPIView):
    """Schedule recomputes, newest first."""

    filterset_class = RunFilter


class RunDetail(RunViewMixin, generics.RetrieveAPIView):
    """One recompute: poll it for progress and outcome."""


class ConferenceScopedView(ScopedView):
    """An action on a conference found by its code in the URL."""

    scope = {"conference": "pk"}
    conference_code_field = None
    lookup_field = "code"
    noun = "conference"
    filterset_class = None
    pagination_class = None

    def get_queryset(self):
        return self.scoped(Conference.objects.all())


class ScheduleExportView(ConferenceScopedView, generics.GenericAPIView):
    """The published schedule in the export format of the data contract (docs/data-formats in the README)."""

    read_roles = DESK

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, code):
        conference = self.get_object()
        export = schedule_export(conference=conference)
        if export is None:
            raise NotFound(f"No schedule of {conference.code} is published yet.")
        return Response(export)


class RecomputeView(ConferenceScopedView, generics.GenericAPIView):
    """Queue a recompute of the conference's schedule and answer the run to poll. A recompute already
    queued is shared. Where no worker is configured the run completes before the answer."""

    write_roles = ORGANIZER
    serializer_class = None

    @extend_schema(request=None, responses={202: RunSerializer})
    def post(self, request, code):
        conference = self.get_object()
        run = schedule_recompute_request(
            conference_id=conference.pk, trigger=f"asked for by {request.user.get_username()}", user=request.user
        )
        run = ScheduleRun.objects.select_related("conference", "version").get(pk=run.pk)
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


# Resource requests


class RequestFilter(ConferenceFilter):
    delegation = django_filters.CharFilter(field_name="delegation__code", help_text="Delegation code.")
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices)
    kind = django_filters.ChoiceFilter(choices=RequestKind.choices)


class RequestViewMixin(ScopedView):
    read_roles = DELEGATION_DATA
    serializer_class = ResourceRequestSerializer
    scope = {"conference": "conference_id", "delegation": "delegation_id"}
    noun = "request"

    def get_queryset(self):
        return self.scoped(ResourceRequest.objects.select_related("conference", "delegation", "from_venue", "to_venue"))


class RequestListCreate(RequestViewMixin, generics.ListCreateAPIView):
    """GET: resource requests (a liaison sees its delegation's). POST: ask for a vehicle, an escort, an
    interpreter or equipment; organizers name the delegation, a liaison's is its own."""

    write_roles = frozenset({Role.ORGANIZER, Role.LIAISON})
    filterset_class = RequestFilter

    def get_serializer_class(self):
        return ResourceRequestInputSerializer if self.request.method == "POST" else ResourceRequestSerializer

    @extend_schema(request=ResourceRequestInputSerializer, responses={201: ResourceRequestSerializer})
    def post(self, request, *args, **kwargs):
        given = ResourceRequestInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        delegation = self._delegation(data.get("delegation"), data.get("conference"))
        venues = {field: self._venue(delegation, data.get(field), field) for field in ("from_venue", "to_venue")}
        created = resource_requests.resource_request_create(
            delegation=delegation,
            kind=data["kind"],
            window_start=data["window_start"],
            window_end=data["window_end"],
            seats=data.get("seats"),
            notes=data["notes"],
            user=request.user,
            **venues,
        )
        created = self.get_queryset().get(pk=created.pk)
        return Response(ResourceRequestSerializer(created).data, status=status.HTTP_201_CREATED)

    def _delegation(self, code: str | None, conference: str | None) -> Delegation:
        delegations = self.access.scope(
            Delegation.objects.select_related("conference"), conference="conference_id", delegation="pk"
        )
        if code is None:
            if self.access.role != Role.LIAISON:
                raise ValidationError({"delegation": ["Name the delegation the request is for."]})
            return delegations.get()
        if conference:
            delegations = delegations.filter(conference__code=conference)
        found = list(delegations.filter(code=code)[:2])
        if len(found) != 1:
            problem = (
                "is not a delegation you may ask for" if not found else "is in several conferences: add conference"
            )
            raise ValidationError({"delegation": [f"{code} {problem}."]})
        return found[0]

    def _venue(self, delegation: Delegation, code: str | None, field: str) -> Venue | None:
        if not code:
            return None
        venue = Venue.objects.filter(conference_id=delegation.conference_id, code=code).first()
        if venue is None:
            raise ValidationError({field: [f"{code} is not a place of {delegation.conference.code}."]})
        return venue


class RequestDetail(RequestViewMixin, generics.RetrieveAPIView):
    """One resource request."""


class RequestDecisionView(RequestViewMixin, generics.GenericAPIView):
    filterset_class = None
    serializer_class = DecisionSerializer

    def decide(self, request_id: int, reason: str):
        raise NotImplementedError

    @extend_schema(request=DecisionSerializer, responses={200: RequestDecisionSerializer})
    def post(self, request, pk):
        found = self.get_object()
        given = DecisionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        decided, run = self.decide(found.pk, given.validated_data["reason"])
        decided = self.get_queryset().get(pk=decided.pk)
        if run is not None:
            run = ScheduleRun.objects.select_related("conference", "version").get(pk=run.pk)
        return Response(RequestDecisionSerializer({"request": decided, "run": run}).data)


class RequestCancel(RequestDecisionView):
    """Cancel a submitted or approved request (its delegation's liaison or an organizer). Cancelling an
    approved vehicle request queues a recompute."""

    write_roles = frozenset({Role.ORGANIZER, Role.LIAISON})

    def decide(self, request_id, reason):
        return resource_requests.resource_request_cancel(request_id=request_id, user=self.request.user)


class RequestApprove(RequestDecisionView):
    """Approve a submitted request (organizers). Approving a vehicle request queues a recompute, returned as run."""

    write_roles = ORGANIZER

    def decide(self, request_id, reason):
        return resource_requests.resource_request_approve(request_id=request_id, user=self.request.user, reason=reason)


class RequestReject(RequestDecisionView):
    """Reject a submitted request with a reason (organizers)."""

    write_roles = ORGANIZER

    def decide(self, request_id, reason):
        return resource_requests.resource_request_reject(request_id=request_id, user=self.request.user, reason=reason)


# Itineraries


def _etag(payload: bytes) -> str:
    return f'"{hashlib.sha256(payload).hexdigest()[:32]}"'


def _conditional(request, payload: bytes, content_type: str) -> HttpResponse:
    """The payload with its ETag, or 304 when the client already has it."""
    etag = _etag(payload)
    sent = request.headers.get("If-None-Match", "")
    tags = {tag.strip().removeprefix("W/") for tag in sent.split(",") if tag.strip()}
    if etag in tags or "*" in tags:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(payload, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


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
        return _conditional(self.request, payload, "application/json")

    def calendar_response(self, conference: Conference, delegates: list[Delegate], *, name: str, uid: str):
        version = current_version(conference_id=conference.pk)
        legs = itinerary_legs(version=version, delegate_ids=[d.pk for d in delegates])
        payload = itinerary_calendar(
            conference=conference, version=version, legs=legs, delegates=delegates, name=name, uid=uid
        )
        return _conditional(self.request, payload, "text/calendar; charset=utf-8")


NOT_MODIFIED = OpenApiResponse(description="Not modified: the ETag sent in If-None-Match is still current.")
CALENDAR = {(200, "text/calendar"): OpenApiTypes.BINARY, 304: NOT_MODIFIED}


class DelegateItineraryBase(ItineraryView):
    scope = {"conference": "conference_id", "delegation": "delegation_id"}
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
    scope = {"conference": "conference_id", "delegation": "pk"}
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
