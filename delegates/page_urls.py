"""The delegate pages of one conference, under /c/<code>/delegates/."""

from django.urls import path

from delegates import views

urlpatterns = [
    path("", views.delegate_list, name="delegates"),
    path("<str:external_id>/", views.delegate_detail, name="delegate"),
]
