from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from conference.api import views as conference
from delegates import api as delegates
from logistics.api import map_views as maps
from logistics.api import views as logistics

v1 = [
    path("me", conference.MeView.as_view(), name="me"),
    path("conferences/", conference.ConferenceList.as_view(), name="conference-list"),
    path("conferences/<slug:code>", conference.ConferenceDetail.as_view(), name="conference-detail"),
    path("conferences/<slug:code>/schedule", logistics.ScheduleExportView.as_view(), name="conference-schedule"),
    path("conferences/<slug:code>/recompute", logistics.RecomputeView.as_view(), name="conference-recompute"),
    path("conferences/<slug:code>/map/venues", maps.MapVenues.as_view(), name="map-venues"),
    path("conferences/<slug:code>/map/vehicles", maps.MapVehicles.as_view(), name="map-vehicles"),
    path("conferences/<slug:code>/map/routes", maps.MapRoutes.as_view(), name="map-routes"),
    path("venues/", conference.VenueList.as_view(), name="venue-list"),
    path("venues/<str:code>", conference.VenueDetail.as_view(), name="venue-detail"),
    path("sessions/", conference.SessionList.as_view(), name="session-list"),
    path("sessions/<str:code>", conference.SessionDetail.as_view(), name="session-detail"),
    path("delegations/", delegates.DelegationList.as_view(), name="delegation-list"),
    path("delegations/<str:code>", delegates.DelegationDetail.as_view(), name="delegation-detail"),
    path("delegations/<str:code>/itinerary", logistics.DelegationItinerary.as_view(), name="delegation-itinerary"),
    path(
        "delegations/<str:code>/itinerary.ics",
        logistics.DelegationItineraryCalendar.as_view(),
        name="delegation-itinerary-ics",
    ),
    path("delegates/", delegates.DelegateList.as_view(), name="delegate-list"),
    path("delegates/<str:external_id>", delegates.DelegateDetail.as_view(), name="delegate-detail"),
    path("delegates/<str:external_id>/itinerary", logistics.DelegateItinerary.as_view(), name="delegate-itinerary"),
    path(
        "delegates/<str:external_id>/itinerary.ics",
        logistics.DelegateItineraryCalendar.as_view(),
        name="delegate-itinerary-ics",
    ),
    path("vehicles/", logistics.VehicleList.as_view(), name="vehicle-list"),
    path("vehicles/<str:callsign>", logistics.VehicleDetail.as_view(), name="vehicle-detail"),
    path("vehicles/<str:callsign>/status", logistics.VehicleStatusView.as_view(), name="vehicle-status"),
    path("trips/", logistics.TripList.as_view(), name="trip-list"),
    path("trips/<int:pk>", logistics.TripDetail.as_view(), name="trip-detail"),
    path("runs/", logistics.RunList.as_view(), name="run-list"),
    path("runs/<int:pk>", logistics.RunDetail.as_view(), name="run-detail"),
    path("requests/", logistics.RequestListCreate.as_view(), name="request-list"),
    path("requests/<int:pk>", logistics.RequestDetail.as_view(), name="request-detail"),
    path("requests/<int:pk>/cancel", logistics.RequestCancel.as_view(), name="request-cancel"),
    path("requests/<int:pk>/approve", logistics.RequestApprove.as_view(), name="request-approve"),
    path("requests/<int:pk>/reject", logistics.RequestReject.as_view(), name="request-reject"),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
