from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from conference import views
from delegates import views as delegate_views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("import/", delegate_views.scenario_import_view, name="import"),
    path("healthz", views.health, name="health"),
    path("admin/", admin.site.urls),
]
