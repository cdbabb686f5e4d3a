"""Filters that the API and the pages share: by conference, by a moment in UTC, by a local day."""

from datetime import UTC, date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from conference.models import Conference


def in_utc(moment: datetime, error: type[Exception]) -> datetime:
    """The moment in UTC, as stored; `error` (the caller's framework's validation error) when it has none."""
    try:
        return moment.astimezone(UTC)  # PostgreSQL refuses offsets beyond 15:59, e.g. -21:52
    except OverflowError:  # e.g. 0001-01-01T00:00+05:00, before the first moment a database stores
        raise error("This moment is out of range.") from None


class MomentField(django_filters.fields.IsoDateTimeField):
    def to_python(self, value):
        moment = super().to_python(value)
        return None if moment is None else in_utc(moment, forms.ValidationError)


class MomentFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 moment, compared in UTC as stored; one that has no UTC equivalent is refused (400)."""

    field_class = MomentField


class ConferenceFilter(django_filters.FilterSet):
    conference = django_filters.CharFilter(field_name="conference__code", help_text="Conference code.")


def on_local_day(queryset: QuerySet, *, day: date, field: str, conference: str = "conference") -> QuerySet:
    """Rows whose `field` falls on `day` in their own conference's time zone."""
    within = Q(pk__in=[])
    if not date.min < day < date.max:  # the calendar's first and last days have no whole local day in every zone
        return queryset.none()
    for conference_id, zone_name in Conference.objects.values_list("pk", "timezone"):
        zone = Conference(timezone=zone_name).zone
        start = datetime.combine(day, time(0), tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
        within |= Q(**{conference: conference_id, f"{field}__gte": start, f"{field}__lt": end})
    return queryset.filter(within)
