"""Project-wide answers: the health check and Django's own error pages (in the API's error body under /api/)."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from api.errors import json_error
from convoy.celery import app as celery_app


def health(request: HttpRequest) -> JsonResponse:
    """Liveness, and a report: 200 while the process answers and its database does (writes still succeed when the
    broker is away: their recomputes wait in the database), with the broker's state; 503 without a database."""
    report = _checks()
    return JsonResponse(report, status=200 if report["database"] == "ok" else 503)


def ready(request: HttpRequest) -> JsonResponse:
    """Readiness: 503 unless the database and the broker both answer."""
    report = _checks()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


def _checks() -> dict:
    database = broker = "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        database = "down"
    if settings.EMBEDDED_BROKER:
        broker = "embedded"
    else:
        try:
            with celery_app.connection_for_write() as broker_connection:
                broker_connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        except Exception:  # every transport has its own errors: down is down
            broker = "down"
    healthy = database == "ok" and broker != "down"
    return {"status": "ok" if healthy else "degraded", "database": database, "broker": broker}


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_error(400, "bad_request", "The request could not be read (malformed, too large or bad host).")
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_error(500, "server_error", "The server failed; the error is logged.")
    return defaults.server_error(request)
