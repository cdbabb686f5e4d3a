"""What every API view shares: the caller's scope, lookups by code, and the local-day filter."""

from datetime import date, datetime, time, timedelta

import django_filters
from django.db.models import Q, QuerySet
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError

from conference.access import Access, access_of
from conference.models import Conference


class ScopedView(generics.GenericAPIView):
    """Reads only rows within the caller's scope; finds one row by its code, 404 outside the scope.

    `scope` gives the paths from the model to its conference, delegation and vehicle (see
    `Access.scope`). Codes are unique within a conference only: when a code names rows in several
    conferences the caller must add `?conference=CODE`.
    """

    scope: dict = {"conference": "conference_id"}
    conference_code_field: str | None = "conference__code"
    noun = "object"

    @property
    def access(self) -> Access:
        return access_of(self.request.user)

    def scoped(self, queryset: QuerySet) -> QuerySet:
        return self.access.scope(queryset, **self.scope)

    def get_object(self):
        key = self.lookup_url_kwarg or self.lookup_field
        value = self.kwargs[key]
        queryset = self.get_queryset().filter(**{self.lookup_field: value})
        conference = self.request.query_params.get("conference")
        if conference and self.conference_code_field:
            queryset = queryset.filter(**{self.conference_code_field: conference})
        found = list(queryset[:2])
        if not found:
            raise NotFound(f"There is no {self.noun} {value!s} that you may see.")
        if len(found) > 1:
            raise ValidationError(
                {"conference": [f"{value} names a {self.noun} in several conferences: add ?conference=CODE."]}
            )
        return found[0]


class ConferenceFilter(django_filters.FilterSet):
    conference = django_filters.CharFilter(field_name="conference__code", help_text="Conference code.")


def on_local_day(queryset: QuerySet, *, day: date, field: str, conference: str = "conference") -> QuerySet:
    """Rows whose `field` falls on `day` in their own conference's time zone."""
    within = Q(pk__in=[])
    for conference_id, zone_name in Conference.objects.values_list("pk", "timezone"):
        zone = Conference(timezone=zone_name).zone
        start = datetime.combine(day, time(0), tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
        within |= Q(**{conference: conference_id, f"{field}__gte": start, f"{field}__lt": end})
    return queryset.filter(within)
