import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from api.base import ScopedView
from api.serializers.fleet import StatusEventSerializer, StatusReportSerializer, VehicleSerializer
from conference.access import FLEET
from conference.filters import ConferenceFilter
from conference.models import Role
from logistics.models import (
    Vehicle,
    VehicleKind,
    VehicleStatus,
    VehicleStatusEvent,
)
from logistics.services.fleet import vehicle_status_report


class VehicleFilter(ConferenceFilter):
    status = django_filters.ChoiceFilter(choices=VehicleStatus.choices)
    kind = django_filters.ChoiceFilter(choices=VehicleKind.choices)


class VehicleViewMixin(ScopedView):
    read_roles = FLEET
    serializer_class = VehicleSerializer
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
