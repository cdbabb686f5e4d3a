"""The delegate filters that the API and the pages share."""

import django_filters
from django.db.models import Q

from conference.filters import ConferenceFilter, on_local_day


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
