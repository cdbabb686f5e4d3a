from rest_framework import generics

from api.base import ScopedView
from api.serializers.delegates import DelegateSerializer, DelegationSerializer
from conference.access import DELEGATION_DATA
from conference.filters import ConferenceFilter
from delegates.filters import DelegateFilter
from delegates.models import Delegate, Delegation


class DelegationViewMixin(ScopedView):
    read_roles = DELEGATION_DATA
    serializer_class = DelegationSerializer
    lookup_field = "code"
    noun = "delegation"

    def get_queryset(self):
        return self.scoped(Delegation.objects.select_related("conference"))


class DelegationList(DelegationViewMixin, generics.ListAPIView):
    """Delegations: all of them for organizers and readers, a liaison's own for a liaison."""

    filterset_class = ConferenceFilter


class DelegationDetail(DelegationViewMixin, generics.RetrieveAPIView):
    """One delegation, by its code."""


class DelegateViewMixin(ScopedView):
    read_roles = DELEGATION_DATA
    serializer_class = DelegateSerializer
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
