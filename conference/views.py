from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

from conference.api.errors import json_error
from conference.models import Conference


@login_required
def home(request: HttpRequest) -> HttpResponse:
    conferences = Conference.objects.annotate(
        delegate_count=Count("delegates", distinct=True),
        session_count=Count("sessions", distinct=True),
        vehicle_count=Count("vehicles", distinct=True),
    )
    return render(request, "conference/home.html", {"conferences": conferences})


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# Django's own error pages, in the API's error body under /api/ (DRF handles errors inside its views itself)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_error(400, "bad_request", "The request could not be read (malformed, too large or bad host).")
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_error(500, "server_error", "The server failed; the error is logged.")
    return defaults.server_error(request)
