"""Flights of a conference: the arrivals and departures board, and the expected time the desk learned."""

from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from api.base import ConferenceScopedView
from api.serializers.flights import ConferenceFlightSerializer, FlightExpectedSerializer, FlightQuery
from conference.access import DESK
from conference.models import Conference, Role
from delegates.selectors.flights import conference_flights
from logistics.services.flights import flight_expected_set

CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="The conference's code.")


class FlightViewMixin(ConferenceScopedView):
    """Flights carry delegates of every delegation: the desk's roles read them (organizers, logistics, readers)."""

    read_roles = DESK
    serializer_class = ConferenceFlightSerializer

    def answer(self, conference: Conference, data, **kwargs) -> Response:
        return Response(ConferenceFlightSerializer(data, context={"zone": conference.zone}, **kwargs).data)


class FlightList(FlightViewMixin, generics.GenericAPIView):
    """The conference's flights, derived from the delegates' arrivals and departures, in time order: number,
    scheduled local `date`, `kind` (arrival, departure), `venue` (code), `scheduled_at` (the delegates' time, the
    earliest when they differ), `expected_at` (what the desk expects instead, or null) and how many `delegates` are
    on it. Times in the conference's time zone."""

    @extend_schema(parameters=[CODE, FlightQuery], responses={200: ConferenceFlightSerializer(many=True)})
    def get(self, request, code):
        conference = self.get_object()
        query = FlightQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        given = query.validated_data
        flights = conference_flights(conference=conference, day=given.get("date"), kind=given.get("kind") or None)
        return self.answer(conference, flights, many=True)


class FlightDetail(FlightViewMixin, generics.GenericAPIView):
    """Set the flight's expected time (`{"expected_at": "2026-12-07T11:55:00-05:00"}`), or clear it (`null`): it
    replaces the scheduled time for everyone on the flight, each delegate moved by the same amount, and a change
    queues a recompute. Answers the flight. When the number and date name both an arrival and a departure, the body
    says which (`kind`), otherwise 400."""

    write_roles = frozenset({Role.ORGANIZER, Role.LOGISTICS})
    serializer_class = FlightExpectedSerializer

    @extend_schema(
        parameters=[
            CODE,
            OpenApiParameter(
                "number", OpenApiTypes.STR, OpenApiParameter.PATH, description="The flight's number, e.g. CM 675."
            ),
            OpenApiParameter(
                "date",
                OpenApiTypes.DATE,
                OpenApiParameter.PATH,
                description="The flight's scheduled local date, YYYY-MM-DD.",
            ),
        ],
        request=FlightExpectedSerializer,
        responses={200: ConferenceFlightSerializer},
    )
    def patch(self, request, code, number, date):
        conference = self.get_object()
        day = self._day(number, date)
        given = FlightExpectedSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        kind = given.validated_data.get("kind")
        if not conference_flights(conference=conference, day=day, number=number, kind=kind):
            raise NotFound(f"There is no flight {number} on {day} in {conference.code}.")
        flight = flight_expected_set(
            conference=conference,
            number=number,
            day=day,
            kind=kind,
            expected_at=given.validated_data["expected_at"],
            user=request.user,
        )
        return self.answer(conference, flight)

    @staticmethod
    def _day(number: str, given: str) -> date:
        if "\x00" in number:  # PostgreSQL cannot even compare them
            raise ValidationError({"number": ["Null characters are not allowed."]})
        try:
            return date.fromisoformat(given)
        except ValueError:
            raise ValidationError({"date": ["Give the date as YYYY-MM-DD."]}) from None
