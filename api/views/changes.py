"""What changed in the published schedule, version by version, as the caller may see it."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from api.base import ConferenceScopedView
from api.serializers.changes import SinceSerializer, VersionChangesSerializer
from conference.access import EVERYONE
from logistics.selectors.changes import version_changes


class ConferenceChanges(ConferenceScopedView, generics.GenericAPIView):
    """What each published version changed against the version published before it: per delegate the legs added,
    removed and moved (significant: another vehicle, or a time moved by more than five minutes), per vehicle the
    trips added, removed and changed. `?since=N` answers every version after N up to the current one, oldest first;
    without it, the current version's changes. Organizers, logistics staff and readers see everything; a liaison its
    delegation's delegates and no vehicle; a driver its vehicle and the legs it carries before or after."""

    read_roles = EVERYONE
    serializer_class = VersionChangesSerializer

    @extend_schema(parameters=[SinceSerializer], responses={200: VersionChangesSerializer(many=True)})
    def get(self, request, code):
        conference = self.get_object()
        given = SinceSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        changes = version_changes(access=self.access, conference=conference, since=given.validated_data.get("since"))
        return Response(VersionChangesSerializer(changes, many=True).data)
