"""Project-wide answers: the health check and Django's own error pages (in the API's error body under /api/)."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from api.errors import json_error


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_error(400, "bad_request", "The request could not be read (malformed, too large or bad host).")
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_error(500, "server_error", "The server failed; the error is logged.")
    return defaults.server_error(request)
