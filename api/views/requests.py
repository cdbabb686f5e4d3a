import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.base import ScopedView
from api.serializers.requests import (
    DecisionSerializer,
    RequestDecisionSerializer,
    ResourceRequestInputSerializer,
    ResourceRequestSerializer,
)
from conference.access import DELEGATION_DATA, ORGANIZER
from conference.filters import ConferenceFilter
from conference.models import Role, Venue
from delegates.models import Delegation
from logistics.models import (
    RequestKind,
    RequestStatus,
    ResourceRequest,
    ScheduleRun,
)
from logistics.services.requests import (
    resource_request_approve,
    resource_request_cancel,
    resource_request_create,
    resource_request_reject,
)


class RequestFilter(ConferenceFilter):
    delegation = django_filters.CharFilter(field_name="delegation__code", help_text="Delegation code.")
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices)
    kind = django_filters.ChoiceFilter(choices=RequestKind.choices)


class RequestViewMixin(ScopedView):
    read_roles = DELEGATION_DATA
    serializer_class = ResourceRequestSerializer
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
        created = resource_request_create(
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
        delegations = self.access.scope(Delegation.objects.select_related("conference"))
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
        return resource_request_cancel(request_id=request_id, user=self.request.user)


class RequestApprove(RequestDecisionView):
    """Approve a submitted request (organizers). Approving a vehicle request queues a recompute, returned as run."""

    write_roles = ORGANIZER

    def decide(self, request_id, reason):
        return resource_request_approve(request_id=request_id, user=self.request.user, reason=reason)


class RequestReject(RequestDecisionView):
    """Reject a submitted request with a reason (organizers)."""

    write_roles = ORGANIZER

    def decide(self, request_id, reason):
        return resource_request_reject(request_id=request_id, user=self.request.user, reason=reason)
