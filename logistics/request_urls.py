"""The resource request pages of one conference, under /c/<code>/requests/."""

from django.urls import path

from logistics import request_views

urlpatterns = [
    path("", request_views.request_list, name="requests"),
    path("<int:pk>/cancel/", request_views.request_cancel, name="request-cancel"),
    path("<int:pk>/approve/", request_views.request_approve, name="request-approve"),
    path("<int:pk>/reject/", request_views.request_reject, name="request-reject"),
]
