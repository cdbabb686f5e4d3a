import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base import ScopedView
from api.serializers.conferences import ConferenceSerializer, MeSerializer, SessionSerializer, VenueSerializer
from conference.access import EVERYONE, access_of
from conference.filters import ConferenceFilter, on_local_day
from conference.models import Conference, Session, SessionKind, UserRole, Venue, VenueKind


class MeView(APIView):
    """Who the caller is to Convoy: its role and what the role is bound to."""

    read_roles = EVERYONE

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        access = access_of(request.user)
        names = (
            UserRole.objects.filter(user=request.user)
            .values(
                "delegation__conference__code", "vehicle__conference__code", "delegation__code", "vehicle__callsign"
            )
            .first()
            or {}
        )
        return Response(
            MeSerializer(
                {
                    "username": request.user.get_username(),
                    "role": access.role,
                    "conference": names.get("delegation__conference__code") or names.get("vehicle__conference__code"),
                    "delegation": names.get("delegation__code"),
                    "vehicle": names.get("vehicle__callsign"),
                }
            ).data
        )


class ConferenceViewMixin(ScopedView):
    read_roles = EVERYONE
    serializer_class = ConferenceSerializer
    conference_code_field = None
    lookup_field = "code"
    noun = "conference"

    def get_queryset(self):
        return self.scoped(Conference.objects.all())


class ConferenceList(ConferenceViewMixin, generics.ListAPIView):
    """Conferences the caller works for."""


class ConferenceDetail(ConferenceViewMixin, generics.RetrieveAPIView):
    """One conference."""


class VenueFilter(ConferenceFilter):
    kind = django_filters.ChoiceFilter(choices=VenueKind.choices)


class VenueViewMixin(ScopedView):
    read_roles = EVERYONE
    serializer_class = VenueSerializer
    lookup_field = "code"
    noun = "venue"

    def get_queryset(self):
        return self.scoped(Venue.objects.select_related("conference"))


class VenueList(VenueViewMixin, generics.ListAPIView):
    """Hotels, airports, venues and every other place of the conferences the caller works for."""

    filterset_class = VenueFilter


class VenueDetail(VenueViewMixin, generics.RetrieveAPIView):
    """One place, by its code."""


class SessionFilter(ConferenceFilter):
    kind = django_filters.ChoiceFilter(choices=SessionKind.choices)
    venue = django_filters.CharFilter(field_name="venue__code", help_text="Venue code.")
    day = django_filters.DateFilter(method="on_day", help_text="Sessions starting on this day, local time.")

    def on_day(self, queryset, name, value):
        return on_local_day(queryset, day=value, field="starts_at")


class SessionViewMixin(ScopedView):
    read_roles = EVERYONE
    serializer_class = SessionSerializer
    lookup_field = "code"
    noun = "session"

    def get_queryset(self):
        return self.scoped(Session.objects.select_related("conference", "venue"))


class SessionList(SessionViewMixin, generics.ListAPIView):
    """The agenda, in time order."""

    filterset_class = SessionFilter


class SessionDetail(SessionViewMixin, generics.RetrieveAPIView):
    """One session, by its code."""
