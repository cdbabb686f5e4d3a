"""The live map's data: venues, vehicles and routes as GeoJSON FeatureCollections, compact, with an ETag.

The reads are `logistics.selectors.map`'s; these views check the role, find the conference, read the query
and answer."""

import json
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.gzip import gzip_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from api.base import NOT_MODIFIED, AwareDateTimeField, ConferenceScopedView, conditional_response
from conference.access import DELEGATION_DATA, EVERYONE, FLEET
from conference.models import Conference
from logistics.models import VehicleKind, VehicleStatus
from logistics.selectors.map import map_routes, map_vehicles, map_venues

GEOJSON = "application/geo+json"
DEFAULT_PERIOD = timedelta(hours=2)


class MomentField(AwareDateTimeField):
    """A moment of a query parameter, where an empty value (`?from=`) is the same as leaving it out."""

    def validate_empty_values(self, data):
        if isinstance(data, str) and not data.strip():
            return True, None
        return super().validate_empty_values(data)


class PeriodQuery(serializers.Serializer):
    """The period [from, to): from defaults to now, to to two hours after from."""

    def get_fields(self):  # `from` is a Python keyword: the fields are declared here
        return {
            "from": MomentField(
                required=False,
                help_text="Start of the period, ISO 8601 with its UTC offset (e.g. 2026-12-14T09:00:00-05:00); "
                "default now.",
            ),
            "to": MomentField(
                required=False,
                help_text="End of the period (excluded), ISO 8601 with its UTC offset; default two hours after from.",
            ),
        }

    def validate(self, attrs):
        start = attrs.get("from") or timezone.now()
        try:
            end = attrs.get("to") or start + DEFAULT_PERIOD
        except OverflowError:
            raise ValidationError({"from": ["This moment is too late to add two hours to: give to as well."]}) from None
        if end <= start:
            raise ValidationError({"to": ["The end of the period must be after its start."]})
        return {"start": start, "end": end}


def _choice(choices, what: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, required=False, allow_blank=True, help_text=what)


class VehicleQuery(serializers.Serializer):
    kind = _choice(VehicleKind.choices, "Only vehicles of this kind.")
    status = _choice(VehicleStatus.choices, "Only vehicles with this live status.")


class RouteQuery(PeriodQuery):
    def get_fields(self):
        text = {"required": False, "allow_blank": True, "max_length": 64}
        return {
            **super().get_fields(),
            "kind": _choice(VehicleKind.choices, "Only trips of vehicles of this kind."),
            "status": _choice(VehicleStatus.choices, "Only trips of vehicles with this live status."),
            "vehicle": serializers.CharField(help_text="Only trips of this vehicle (callsign).", **text),
            "venue": serializers.CharField(help_text="Only trips stopping at this venue (code).", **text),
            "delegation": serializers.CharField(
                help_text="Only trips carrying someone of this delegation (code).", **text
            ),
            "delegate": serializers.CharField(
                help_text="Only trips carrying this delegate (external_id). Organizers and readers only: other "
                "roles may not search delegates (400).",
                **text,
            ),
        }

    def validate(self, attrs):
        period = super().validate(attrs)
        return {**{key: attrs.get(key, "") for key in self.fields if key not in ("from", "to")}, **period}


# a summit's routes are 620 kB of JSON, 28 kB gzipped
@method_decorator(gzip_page, name="dispatch")
class MapView(ConferenceScopedView, generics.GenericAPIView):
    """A map layer of the conference found by its code: every role works only within its own conference."""

    serializer_class = None

    def query(self, serializer_class) -> dict:
        given = serializer_class(data=self.request.query_params)
        given.is_valid(raise_exception=True)
        return given.validated_data

    def geojson(self, collection: dict):
        payload = json.dumps(collection, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()
        return conditional_response(self.request, payload, GEOJSON)


def _answers(what: str) -> dict:
    return {
        (200, GEOJSON): OpenApiResponse(
            response=OpenApiTypes.OBJECT,
            description=f"A GeoJSON FeatureCollection (RFC 7946): {what} Coordinates are [longitude, latitude] "
            "rounded to 5 decimals; times are ISO 8601 in the conference's time zone. The ETag header names the "
            "answer's bytes.",
        ),
        304: NOT_MODIFIED,
    }


class MapVenues(MapView):
    """The conference's venues, each a Point with what happens there in the period [from, to) (default: the next
    two hours): `code`, `name`, `kind`, `address`, the `sessions` running then (`code`, `title`, `starts_at`), the
    delegates `arrivals` and `departures` there (counts; a liaison counts only its delegation's), and the stops of
    published trips where someone boards (`pickups`) or alights (`dropoffs`) (counts; a driver counts only its
    vehicle's, a liaison only those where someone of its delegation boards or alights). Answers 304 to a conditional
    GET whose If-None-Match holds the current ETag."""

    read_roles = EVERYONE

    @extend_schema(
        parameters=[PeriodQuery],
        responses=_answers("one Point per venue with its sessions, arrivals, departures, pickups and dropoffs."),
    )
    def get(self, request, code):
        conference: Conference = self.get_object()
        period = self.query(PeriodQuery)
        return self.geojson(map_venues(access=self.access, conference=conference, **period))


class MapVehicles(MapView):
    """The fleet (a driver: its own vehicle), each a Point at its last reported position, or at its depot when none
    is known (`at_depot: true`), with `callsign`, `kind`, `seats`, `status`, `driver` and `phone` (or null),
    `position_at` (or null), `stale` (the position is older than MAP_STALE_MINUTES, default 5), and its
    `current_trip` and `next_trip` of the published schedule (`code`, `starts_at`, `ends_at`, `first_stop`,
    `last_stop` as venue codes; or null). Answers 304 to a conditional GET whose If-None-Match holds the current
    ETag."""

    read_roles = FLEET

    @extend_schema(
        parameters=[VehicleQuery],
        responses=_answers("one Point per vehicle with its status, driver, freshness and current and next trip."),
    )
    def get(self, request, code):
        conference: Conference = self.get_object()
        filters = self.query(VehicleQuery)
        return self.geojson(
            map_vehicles(
                access=self.access,
                conference=conference,
                now=timezone.now(),
                stale_after=timedelta(minutes=settings.MAP_STALE_MINUTES),
                kind=filters.get("kind", ""),
                status=filters.get("status", ""),
            )
        )


class MapRoutes(MapView):
    """The trips of the published schedule overlapping the period [from, to) (default: the next two hours; a
    driver: its vehicle's), each a LineString through its stops' venues in order (along the roads when a routing
    service is configured, straight segments otherwise; `roads` says which), with `trip` (code), `id`, `vehicle`
    (callsign), `kind` and `status` of the vehicle, `starts_at`, `ends_at` and `stops`
    (`sequence`, `venue`, `name`, `arrive_at`, `depart_at`, and the seats that `board` and `alight` there).
    Searching by `delegate` is for roles that may see delegates (organizers, readers); others get 400. Answers 304
    to a conditional GET whose If-None-Match holds the current ETag."""

    read_roles = FLEET

    @extend_schema(
        parameters=[RouteQuery],
        responses=_answers("one LineString per trip with its vehicle and stops."),
    )
    def get(self, request, code):
        conference: Conference = self.get_object()
        query = self.query(RouteQuery)
        if query["delegate"] and self.access.role not in DELEGATION_DATA:
            raise ValidationError({"delegate": ["Your role may not search delegates."]})
        return self.geojson(map_routes(access=self.access, conference=conference, **query))
