"""The map page of one conference, under /c/<code>/map/."""

from django.urls import path

from logistics import map_views

urlpatterns = [
    path("", map_views.conference_map, name="map"),
]
