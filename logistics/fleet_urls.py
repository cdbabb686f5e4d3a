"""The fleet pages of one conference, under /c/<code>/fleet/."""

from django.urls import path

from logistics import fleet_views

urlpatterns = [
    path("", fleet_views.fleet, name="fleet"),
    path("<str:callsign>/status", fleet_views.fleet_status, name="fleet-status"),
]
