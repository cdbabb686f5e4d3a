from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from conference import views
from conference.api.errors import json_not_found
from conference.api.urls import v1 as api_v1
from delegates import views as delegate_views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("import/", delegate_views.scenario_import_view, name="import"),
    path("c/<slug:code>/fleet/", include("logistics.fleet_urls")),
    path("c/<slug:code>/delegates/", include("delegates.page_urls")),
    path("c/<slug:code>/requests/", include("logistics.request_urls")),
    path("c/<slug:code>/map/", include("logistics.map_urls")),
    path("c/<slug:code>/", views.dashboard, name="dashboard"),
    path("c/<slug:code>/", include("logistics.page_urls")),
    path("healthz", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("conference.api.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    re_path(r"^api/", json_not_found),  # every unknown API path answers the API's error body, even with DEBUG
]

handler400 = "conference.views.bad_request"
handler500 = "conference.views.server_error"
