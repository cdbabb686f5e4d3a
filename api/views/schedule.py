from collections import defaultdict

import django_filters
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from api.base import ConferenceScopedView, ScopedView
from api.serializers.schedule import RecomputeSerializer, RunSerializer, TripSerializer
from conference.access import DESK, FLEET, ORGANIZER
from conference.filters import ConferenceFilter, MomentFilter, on_local_day
from conference.selectors.conferences import conference_moment
from logistics.models import (
    RunStatus,
    ScheduleRun,
    Stop,
    StopPassenger,
    Trip,
)
from logistics.run_reasons import trigger
from logistics.selectors.airport import movement_flights
from logistics.selectors.driving import trip_states
from logistics.selectors.schedule import schedule_export
from logistics.services.schedule import schedule_recompute_request


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
    conference_code_field = "version__conference__code"
    noun = "trip"

    def get_queryset(self):
        passengers = StopPassenger.objects.select_related("movement__delegate").order_by("movement__code")
        stops = Stop.objects.select_related("venue").prefetch_related(Prefetch("passengers", queryset=passengers))
        trips = Trip.objects.filter(version__is_current=True).select_related("version__conference", "vehicle")
        return self.scoped(trips.prefetch_related(Prefetch("stops", queryset=stops.order_by("sequence"))))

    def get_serializer(self, *args, **kwargs):
        """With each trip's `state` (what its driver reported), read for the trips answered in one query, and the
        flight of each airport pickup or drop-off."""
        if args:
            trips = list(args[0]) if kwargs.get("many") else [args[0]]
            if kwargs.get("many"):
                args = (trips, *args[1:])
            kwargs["context"] = {**self.get_serializer_context(), "trip_states": trip_states(trips=trips)}
            by_conference = defaultdict(list)
            for trip in trips:
                for stop in trip.stops.all():
                    by_conference[trip.version.conference].extend(p.movement for p in stop.passengers.all())
            for conference, movements in by_conference.items():
                movement_flights(conference=conference, movements=movements)
        return super().get_serializer(*args, **kwargs)


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
    serializer_class = RecomputeSerializer

    @extend_schema(request=RecomputeSerializer, responses={202: RunSerializer})
    def post(self, request, code):
        conference = self.get_object()
        given = RecomputeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        now = given.validated_data.get("now")
        if now:
            try:
                now = conference_moment(conference=conference, text=now)
            except ValueError as exc:
                raise ValidationError({"now": [str(exc)]}) from None
        run = schedule_recompute_request(
            conference_id=conference.pk,
            trigger=trigger("asked_by", user=request.user.get_username()),
            user=request.user,
            as_of=now,
            from_scratch=given.validated_data["from_scratch"],
        )
        run = ScheduleRun.objects.select_related("conference", "version").get(pk=run.pk)
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
