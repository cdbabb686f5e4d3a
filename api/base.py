"""What every API view shares: the caller's scope, lookups by code, and the local-day filter."""

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag
from drf_spectacular.utils import OpenApiResponse
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError

from conference.access import Access, access_of
from conference.filters import in_utc
from conference.models import Conference


class ScopedView(generics.GenericAPIView):
    """Reads only rows within the caller's scope; finds one row by its code, 404 outside the scope.

    The scope is the one the model declares (`scope_paths`, see `conference.scopes`). Codes are unique within a
    conference only: when a code names rows in several conferences the caller must add `?conference=CODE`.
    """

    conference_code_field: str | None = "conference__code"
    noun = "object"

    @property
    def access(self) -> Access:
        return access_of(self.request.user)

    def scoped(self, queryset: QuerySet) -> QuerySet:
        return self.access.scope(queryset)

    def lookup_candidates(self) -> QuerySet:
        """The rows in scope that the code in the URL (and ?conference=) names: one, none, or several."""
        key = self.lookup_url_kwarg or self.lookup_field
        value = self.kwargs[key]
        conference = self.request.query_params.get("conference")
        for name, given in ((key, value), ("conference", conference)):
            if isinstance(given, str) and "\x00" in given:  # PostgreSQL cannot even compare them
                raise ValidationError({name: ["Null characters are not allowed."]})
        queryset = self.get_queryset().filter(**{self.lookup_field: value})
        if conference and self.conference_code_field:
            queryset = queryset.filter(**{self.conference_code_field: conference})
        return queryset.order_by()  # no ordering: it would join the conference for nothing

    def not_found(self) -> NotFound:
        return NotFound(
            f"There is no {self.noun} {self.kwargs[self.lookup_url_kwarg or self.lookup_field]!s} that you may see."
        )

    def ambiguous(self) -> ValidationError:
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        return ValidationError(
            {"conference": [f"{value} names a {self.noun} in several conferences: add ?conference=CODE."]}
        )

    def get_object(self):
        found = list(self.lookup_candidates()[:2])
        if not found:
            raise self.not_found()
        if len(found) > 1:
            raise self.ambiguous()
        return found[0]


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 moment that must carry its UTC offset (a bare local time would be read in UTC, silently),
    answered in UTC; one that has no UTC equivalent is refused."""

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        text = str(value)
        if "T" in text and not (text.endswith(("Z", "z")) or "+" in text[10:] or "-" in text[10:]):
            raise serializers.ValidationError(
                "Give the time with its UTC offset, e.g. 2026-12-14T09:00:00-05:00 or 2026-12-14T14:00:00Z."
            )
        return in_utc(moment, serializers.ValidationError)


class ConferenceScopedView(ScopedView):
    """An action on a conference found by its code in the URL."""

    conference_code_field = None
    lookup_field = "code"
    noun = "conference"
    filterset_class = None
    pagination_class = None

    def get_queryset(self):
        return self.scoped(Conference.objects.all())


NOT_MODIFIED = OpenApiResponse(description="Not modified: the ETag sent in If-None-Match is still current.")


def conditional_response(request, payload: bytes, content_type: str) -> HttpResponse:
    """The payload with an ETag of its bytes, or 304 Not Modified when the client's If-None-Match holds it."""
    response = HttpResponse(payload, content_type=content_type)
    response["Cache-Control"] = "private, no-cache"
    set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)
