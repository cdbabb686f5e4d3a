"""Every page of the desk. A conference's pages are under /c/<code>/."""

from django.urls import include, path

from desk.views import (
    alerts,
    board,
    conferences,
    dashboard,
    delegates,
    driving,
    fleet,
    flights,
    imports,
    itinerary_links,
    map,
    pins,
    pulse,
    requests,
)

conference_pages = [
    path("", dashboard.dashboard, name="dashboard"),
    path("board/", board.schedule_board, name="board"),
    path("runsheet/<str:callsign>/<str:day>/", board.run_sheet, name="runsheet"),
    path("board/pin/", pins.pin_leg, name="pin"),
    path("board/pins/<int:pk>/remove/", pins.pin_remove, name="pin-remove"),
    path("fleet/", fleet.fleet, name="fleet"),
    path("fleet/<str:callsign>/status", fleet.fleet_status, name="fleet-status"),
    path("driver/", driving.driver, name="driver"),
    path("driver/trips/<int:pk>/<str:action>/", driving.driver_trip, name="driver-trip"),
    path(
        "driver/trips/<int:pk>/stops/<int:sequence>/passengers/<str:external_id>/",
        driving.driver_passenger,
        name="driver-passenger",
    ),
    path("flights/", flights.flight_board, name="flights"),
    path("flights/expected/", flights.flight_expected, name="flight-expected"),
    path("delegates/", delegates.delegate_list, name="delegates"),
    path("delegates/<str:external_id>/", delegates.delegate_detail, name="delegate"),
    path("requests/", requests.request_list, name="requests"),
    path("requests/<int:pk>/cancel/", requests.request_cancel, name="request-cancel"),
    path("requests/<int:pk>/approve/", requests.request_approve, name="request-approve"),
    path("requests/<int:pk>/reject/", requests.request_reject, name="request-reject"),
    path("map/", map.conference_map, name="map"),
    path("pulse/", pulse.pulse, name="pulse"),
    path("alerts/<int:pk>/seen/", alerts.alert_seen, name="alert-seen"),
    path("alerts/<int:pk>/cancel-rest-of-day/", alerts.no_show_cancel, name="alert-no-show-cancel"),
]

urlpatterns = [
    path("", conferences.home, name="home"),
    path("import/", imports.scenario_import_view, name="import"),
    path("c/<slug:code>/", include(conference_pages)),
    # a delegate's own itinerary from the link in an e-mail (no account: the signed token names the delegate)
    path("itinerary/<str:token>/", itinerary_links.itinerary_link, name="itinerary-link"),
    path("itinerary/<str:token>/calendar.ics", itinerary_links.itinerary_link_calendar, name="itinerary-link-calendar"),
]
