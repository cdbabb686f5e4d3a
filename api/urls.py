from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import (
    changes,
    conferences,
    delegates,
    driving,
    fleet,
    flights,
    itineraries,
    map,
    pins,
    requests,
    schedule,
    webhooks,
)

v1 = [
    path("me", conferences.MeView.as_view(), name="me"),
    path("conferences/", conferences.ConferenceList.as_view(), name="conference-list"),
    path("conferences/<slug:code>", conferences.ConferenceDetail.as_view(), name="conference-detail"),
    path("conferences/<slug:code>/schedule", schedule.ScheduleExportView.as_view(), name="conference-schedule"),
    path("conferences/<slug:code>/recompute", schedule.RecomputeView.as_view(), name="conference-recompute"),
    path("conferences/<slug:code>/changes", changes.ConferenceChanges.as_view(), name="conference-changes"),
    path("conferences/<slug:code>/map/venues", map.MapVenues.as_view(), name="map-venues"),
    path("conferences/<slug:code>/map/vehicles", map.MapVehicles.as_view(), name="map-vehicles"),
    path("conferences/<slug:code>/map/routes", map.MapRoutes.as_view(), name="map-routes"),
    path("conferences/<slug:code>/pins", pins.PinList.as_view(), name="pin-list"),
    path("conferences/<slug:code>/pins/<int:pk>", pins.PinDetail.as_view(), name="pin-detail"),
    path("conferences/<slug:code>/flights", flights.FlightList.as_view(), name="flight-list"),
    path(
        "conferences/<slug:code>/flights/<str:number>/<str:date>", flights.FlightDetail.as_view(), name="flight-detail"
    ),
    path("venues/", conferences.VenueList.as_view(), name="venue-list"),
    path("venues/<str:code>", conferences.VenueDetail.as_view(), name="venue-detail"),
    path("sessions/", conferences.SessionList.as_view(), name="session-list"),
    path("sessions/<str:code>", conferences.SessionDetail.as_view(), name="session-detail"),
    path("delegations/", delegates.DelegationList.as_view(), name="delegation-list"),
    path("delegations/<str:code>", delegates.DelegationDetail.as_view(), name="delegation-detail"),
    path("delegations/<str:code>/itinerary", itineraries.DelegationItinerary.as_view(), name="delegation-itinerary"),
    path(
        "delegations/<str:code>/itinerary.ics",
        itineraries.DelegationItineraryCalendar.as_view(),
        name="delegation-itinerary-ics",
    ),
    path("delegates/", delegates.DelegateList.as_view(), name="delegate-list"),
    path("delegates/<str:external_id>", delegates.DelegateDetail.as_view(), name="delegate-detail"),
    path("delegates/<str:external_id>/itinerary", itineraries.DelegateItinerary.as_view(), name="delegate-itinerary"),
    path(
        "delegates/<str:external_id>/itinerary.ics",
        itineraries.DelegateItineraryCalendar.as_view(),
        name="delegate-itinerary-ics",
    ),
    path("vehicles/", fleet.VehicleList.as_view(), name="vehicle-list"),
    path("vehicles/<str:callsign>", fleet.VehicleDetail.as_view(), name="vehicle-detail"),
    path("vehicles/<str:callsign>/status", fleet.VehicleStatusView.as_view(), name="vehicle-status"),
    path("vehicles/<str:callsign>/day", driving.VehicleDay.as_view(), name="vehicle-day"),
    path("trips/", schedule.TripList.as_view(), name="trip-list"),
    path("trips/<int:pk>", schedule.TripDetail.as_view(), name="trip-detail"),
    path("trips/<int:pk>/ack", driving.TripAcknowledge.as_view(), name="trip-ack"),
    path("trips/<int:pk>/start", driving.TripStart.as_view(), name="trip-start"),
    path("trips/<int:pk>/finish", driving.TripFinish.as_view(), name="trip-finish"),
    path(
        "trips/<int:pk>/stops/<int:sequence>/passengers/<str:external_id>",
        driving.PassengerReport.as_view(),
        name="trip-passenger",
    ),
    path("runs/", schedule.RunList.as_view(), name="run-list"),
    path("runs/<int:pk>", schedule.RunDetail.as_view(), name="run-detail"),
    path("requests/", requests.RequestListCreate.as_view(), name="request-list"),
    path("requests/<int:pk>", requests.RequestDetail.as_view(), name="request-detail"),
    path("requests/<int:pk>/cancel", requests.RequestCancel.as_view(), name="request-cancel"),
    path("requests/<int:pk>/approve", requests.RequestApprove.as_view(), name="request-approve"),
    path("requests/<int:pk>/reject", requests.RequestReject.as_view(), name="request-reject"),
    path("webhooks", webhooks.WebhookList.as_view(), name="webhook-list"),
    path("webhooks/<int:pk>", webhooks.WebhookDetail.as_view(), name="webhook-detail"),
    path("webhooks/<int:pk>/deliveries", webhooks.WebhookDeliveries.as_view(), name="webhook-deliveries"),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves Swagger UI's start-up script as a file (?script), not inline: the Content-Security-Policy
    # refuses inline scripts
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("v1/", include((v1, "api"), namespace="v1")),
]
