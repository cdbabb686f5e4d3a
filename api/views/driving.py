"""The driver loop: a driver's day, and its reports on trips (acknowledged, started, finished) and passengers
(boarded, no-show). Organizers and logistics staff report for any vehicle, a driver for its own (another vehicle's
trip is a 404); liaisons and readers may not report."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.base import ScopedView
from api.serializers.driving import (
    DayQuery,
    DriverDaySerializer,
    PassengerEventSerializer,
    PassengerReportSerializer,
    TripEventSerializer,
    TripReportSerializer,
)
from api.views.fleet import VehicleViewMixin
from conference.models import Role
from conference.selectors.conferences import conference_day
from logistics.models import Trip, TripEvent
from logistics.selectors.driving import driver_day, trip_state
from logistics.services.driving import passenger_report, trip_acknowledge, trip_finish, trip_start

DRIVING_WRITE = frozenset({Role.ORGANIZER, Role.LOGISTICS, Role.DRIVER})
REPLAYED = {"Idempotent-Replayed": "true"}


def _answer(data: dict, repeated: bool) -> Response:
    """201 for a new report; 200 (and `Idempotent-Replayed: true`) for one recorded before."""
    if repeated:
        return Response(data, status=status.HTTP_200_OK, headers=REPLAYED)
    return Response(data, status=status.HTTP_201_CREATED)


class TripReportView(ScopedView, generics.GenericAPIView):
    """A report on a trip of the caller's scope (any version: one no longer published is refused with 409)."""

    write_roles = DRIVING_WRITE
    serializer_class = TripReportSerializer
    conference_code_field = None  # trip ids are unique
    lookup_field = "pk"
    noun = "trip"
    filterset_class = None
    pagination_class = None

    def get_queryset(self):
        return self.scoped(Trip.objects.select_related("vehicle", "version"))

    @staticmethod
    def report(**kwargs):
        raise NotImplementedError

    @extend_schema(
        request=TripReportSerializer,
        responses={201: TripEventSerializer, 200: TripEventSerializer},
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The trip's id.")],
    )
    def post(self, request, pk):
        given = TripReportSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        trip = self.get_object()
        event, repeated = self.report(
            trip=trip,
            event_id=given.validated_data["event_id"],
            at=given.validated_data.get("timestamp"),
            user=request.user,
        )
        kinds = TripEvent.objects.filter(vehicle_id=event.vehicle_id, trip_key=event.trip_key).values_list(
            "kind", flat=True
        )
        event = TripEvent.objects.select_related("vehicle").get(pk=event.pk)
        data = TripEventSerializer(event, context={"state": trip_state(set(kinds))}).data
        return _answer(data, repeated)


class TripAcknowledge(TripReportView):
    """The driver has read the trip. The same `event_id` again answers the first record (200, header
    `Idempotent-Replayed: true`); another id for a trip acknowledged before answers that record (200); the same id
    with other content is refused (409). A trip of an earlier version of the schedule is refused (409: reload)
    unless the published version has the very same trip."""

    report = staticmethod(trip_acknowledge)


class TripStart(TripReportView):
    """The trip is under way; it is recorded acknowledged too when it was not. Repeats as for `ack`."""

    report = staticmethod(trip_start)


class TripFinish(TripReportView):
    """The trip is over; it is recorded acknowledged and started too when they were not. Repeats as for `ack`."""

    report = staticmethod(trip_finish)


class PassengerReport(TripReportView):
    """A delegate who boards the trip at this stop boarded (`boarded`) or was not there (`no_show`). Every report
    is kept and the last one (by its time) counts, so a no-show can be corrected to boarded. A no-show raises the
    desk's alert, sends the `passenger.no_show` webhooks and e-mails the delegation's liaisons, once per passenger
    and stop; the passenger's later legs stay planned. A delegate who does not board there, or a stop the trip does
    not have, is refused (400). Repeats as for `ack`."""

    serializer_class = PassengerReportSerializer

    @extend_schema(
        request=PassengerReportSerializer,
        responses={201: PassengerEventSerializer, 200: PassengerEventSerializer},
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The trip's id."),
            OpenApiParameter(
                "sequence", OpenApiTypes.INT, OpenApiParameter.PATH, description="The stop's sequence number."
            ),
            OpenApiParameter(
                "external_id",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="The passenger's id in the accreditation system (external_id).",
            ),
        ],
    )
    def post(self, request, pk, sequence, external_id):
        given = PassengerReportSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        if "\x00" in external_id:  # PostgreSQL cannot even compare it
            raise ValidationError({"external_id": ["Null characters are not allowed."]})
        trip = self.get_object()
        event, repeated = passenger_report(
            trip=trip,
            stop_sequence=sequence,
            external_id=external_id,
            status=given.validated_data["status"],
            event_id=given.validated_data["event_id"],
            at=given.validated_data.get("timestamp"),
            user=request.user,
        )
        event = type(event).objects.select_related("vehicle", "delegate").get(pk=event.pk)
        return _answer(PassengerEventSerializer(event).data, repeated)


class VehicleDay(VehicleViewMixin, generics.GenericAPIView):
    """A driver's day: the vehicle's trips of the published schedule that start on a local day, in time order, with
    their state (acknowledged, started, finished: the furthest reported) and every stop: the place (code, name,
    address, position and a `geo:` URI for the phone's maps), arrival and departure times, and who boards and
    alights, each with their delegation, the flight of an arrival or departure (number, scheduled and expected
    time), the delegation's liaisons (name, e-mail) and, for those who board, the report that counts (boarded,
    no-show). The same as the driver's page. Times in the conference's time zone."""

    filterset_class = None
    pagination_class = None

    @extend_schema(parameters=[DayQuery], responses={200: DriverDaySerializer})
    def get(self, request, callsign):
        query = DayQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        vehicle = self.get_object()
        conference = vehicle.conference
        day = query.validated_data.get("date") or conference_day(conference=conference)
        day_data = {
            "conference": conference.code,
            "vehicle": vehicle.callsign,
            "date": day,
            "driver": getattr(vehicle, "driver", None),
            "trips": driver_day(vehicle=vehicle, day=day),
        }
        return Response(DriverDaySerializer(day_data, context={"zone": conference.zone}).data)
