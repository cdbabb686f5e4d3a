from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from api.errors import json_not_found
from convoy import views

urlpatterns = [
    path("", include("desk.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.health, name="health"),
    path("readyz", views.ready, name="ready"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    re_path(r"^api/", json_not_found),  # every unknown API path answers the API's error body, even with DEBUG
]

handler400 = "convoy.views.bad_request"
handler500 = "convoy.views.server_error"
