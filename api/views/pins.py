from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api.base import ScopedView
from api.serializers.pins import PinInputSerializer, PinSerializer
from conference.access import ORGANIZER
from conference.models import Conference, Role
from logistics.models import Pin
from logistics.selectors.pins import conference_pins, pin_row, pin_rows
from logistics.services.pins import pin_create, pin_delete

PIN_READERS = frozenset({Role.ORGANIZER, Role.LOGISTICS})
CONFERENCE_CODE = OpenApiParameter(
    "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="The conference's code."
)


class PinViewMixin(ScopedView):
    read_roles = PIN_READERS
    write_roles = ORGANIZER
    serializer_class = PinSerializer
    conference_code_field = None
    filterset_class = None

    def conference(self) -> Conference:
        found = self.scoped(Conference.objects.filter(code=self.kwargs["code"])).first()
        if found is None:
            raise NotFound(f"There is no conference {self.kwargs['code']} that you may see.")
        return found


@extend_schema(parameters=[CONFERENCE_CODE])
class PinList(PinViewMixin, generics.ListCreateAPIView):
    """GET: the conference's pins (organizers, logistics staff), each with what the published schedule made of it:
    kept, infeasible (with the scheduler's reason) or waiting for the next run.
    POST: pin a movement of the published schedule to a vehicle, and optionally its pickup time (organizers); an
    earlier pin of the movement is replaced. The vehicle must be in service and able to carry the movement
    (armoured for a VIP, accessible when needed, enough seats), the pickup time within the movement's pickup
    window. Every change queues a recompute; every later run keeps the pin while it is feasible."""

    noun = "conference"

    def get_serializer_class(self):
        return PinInputSerializer if self.request.method == "POST" else PinSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no conference in the URL
            return Pin.objects.none()
        return conference_pins(access=self.access, conference=self.conference())

    def list(self, request, *args, **kwargs):
        rows = pin_rows(access=self.access, conference=self.conference())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(PinSerializer(page, many=True).data)

    @extend_schema(request=PinInputSerializer, responses={201: PinSerializer})
    def post(self, request, *args, **kwargs):
        conference = self.conference()
        given = PinInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        pin = pin_create(
            conference=conference,
            movement=data["movement"],
            vehicle=data["vehicle"],
            pickup_at=data.get("pickup_at"),
            user=request.user,
        )
        pin = conference_pins(access=self.access, conference=conference).get(pk=pin.pk)
        return Response(PinSerializer(pin_row(pin=pin)).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[CONFERENCE_CODE])
class PinDetail(PinViewMixin, generics.GenericAPIView):
    """GET: one pin with what the published schedule made of it. DELETE: remove the pin (organizers); it queues a
    recompute, which plans the movement freely again."""

    noun = "pin"

    def get_object(self) -> Pin:
        pin = conference_pins(access=self.access, conference=self.conference()).filter(pk=self.kwargs["pk"]).first()
        if pin is None:
            raise NotFound(f"There is no pin {self.kwargs['pk']} that you may see.")
        return pin

    def get(self, request, *args, **kwargs):
        return Response(PinSerializer(pin_row(pin=self.get_object())).data)

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        pin = self.get_object()
        try:
            pin_delete(conference=pin.conference, pin_id=pin.pk, user=request.user)
        except Pin.DoesNotExist:  # removed by someone else meanwhile
            raise NotFound(f"There is no pin {pin.pk} that you may see.") from None
        return Response(status=status.HTTP_204_NO_CONTENT)
