import django_filters
from django.db.models import Q
from rest_framework import generics, serializers

from conference.access import DELEGATION_DATA
from conference.api.base import ConferenceFilter, ScopedView, on_local_day
from delegates.models import Delegate, Delegation


class DelegationSerializer(serializers.ModelSerializer):
    conference = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Delegation
        fields = ["conference", "code", "name", "country", "separate_transport"]


class FlightSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    venue = serializers.CharField(help_text="Airport or airfield code.")
    flight = serializers.CharField(allow_blank=True)


class DelegateSerializer(serializers.ModelSerializer):
    conference = serializers.SlugRelatedField(slug_field="code", read_only=True)
    delegation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    hotel = serializers.SlugRelatedField(slug_field="code", read_only=True)
    arrival = serializers.SerializerMethodField()
    departure = serializers.SerializerMethodField()

    class Meta:
        model = Delegate
        fields = [
            "conference",
            "external_id",
            "given_name",
            "family_name",
            "delegation",
            "role",
            "vip",
            "hotel",
            "arrival",
            "departure",
            "email",
            "phone",
            "accessible_vehicle",
        ]

    def _flight(self, at, venue, flight) -> dict | None:
        if at is None:
            return None
        return FlightSerializer({"at": at, "venue": venue.code, "flight": flight}).data

    def get_arrival(self, delegate) -> FlightSerializer(allow_null=True):
        return self._flight(delegate.arrival_at, delegate.arrival_venue, delegate.arrival_flight)

    def get_departure(self, delegate) -> FlightSerializer(allow_null=True):
        return self._flight(delegate.departure_at, delegate.departure_venue, delegate.departure_flight)


class DelegationViewMixin(ScopedView):
    read_roles = DELEGATION_DATA
    serializer_class = DelegationSerializer
    scope = {"conference": "conference_id", "delegation": "pk"}
    lookup_field = "code"
    noun = "delegation"

    def get_queryset(self):
        return self.scoped(Delegation.objects.select_related("conference"))


class DelegationList(DelegationViewMixin, generics.ListAPIView):
    """Delegations: all of them for organizers and readers, a liaison's own for a liaison."""

    filterset_class = ConferenceFilter


class DelegationDetail(DelegationViewMixin, generics.RetrieveAPIView):
    """One delegation, by its code."""


class DelegateFilter(ConferenceFilter):
    delegation = django_filters.CharFilter(field_name="delegation__code", help_text="Delegation code.")
    hotel = django_filters.CharFilter(field_name="hotel__code", help_text="Hotel code.")
    arrival_day = django_filters.DateFilter(method="arriving_on", help_text="Arriving on this day, local time.")
    search = django_filters.CharFilter(
        method="named", help_text="Words of the name (each must start a given or family name), or the external id."
    )

    def arriving_on(self, queryset, name, value):
        return on_local_day(queryset, day=value, field="arrival_at")

    def named(self, queryset, name, value):
        words = value.split()
        if not words:
            return queryset
        by_name = Q()
        for word in words:
            by_name &= Q(given_name__istartswith=word) | Q(family_name__istartswith=word)
        return queryset.filter(by_name | Q(external_id__iexact=value.strip()))


class DelegateViewMixin(ScopedView):
    read_roles = DELEGATION_DATA
    serializer_class = DelegateSerializer
    scope = {"conference": "conference_id", "delegation": "delegation_id"}
    lookup_field = "external_id"
    noun = "delegate"

    def get_queryset(self):
        return self.scoped(
            Delegate.objects.select_related("conference", "delegation", "hotel", "arrival_venue", "departure_venue")
        )


class DelegateList(DelegateViewMixin, generics.ListAPIView):
    """Delegates with their flights and hotel."""

    filterset_class = DelegateFilter


class DelegateDetail(DelegateViewMixin, generics.RetrieveAPIView):
    """One delegate, by the accreditation system's id."""
