import pytest
from django.core.management import call_command
from django.urls import reverse

from convoy.celery import app as celery_app

pytestmark = pytest.mark.django_db
OUR_APPS = {"conference", "delegates", "logistics"}


def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_health_reports_the_database_and_the_broker(client, settings):
    settings.EMBEDDED_BROKER = True
    expected = {"status": "ok", "database": "ok", "broker": "embedded"}
    assert client.get(reverse("health")).json() == expected
    assert client.get(reverse("ready")).status_code == 200


@pytest.fixture
def broker_away(settings):
    settings.EMBEDDED_BROKER = False
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    yield
    celery_app.conf.broker_url = saved


def test_with_the_broker_away_health_says_so_and_the_process_is_not_ready(client, broker_away):
    health = client.get(reverse("health"))
    assert health.status_code == 200  # alive: writes still succeed, their recomputes wait in the database
    assert health.json() == {"status": "degraded", "database": "ok", "broker": "down"}
    assert client.get(reverse("ready")).status_code == 503


def test_pages_need_a_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_login_page_logs_in(client, organizer):
    response = client.post(reverse("login"), {"username": "organizer", "password": "correct horse battery"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    "model",
    [
        "conference",
        "venue",
        "session",
        "delegation",
        "delegate",
        "attendance",
        "vehicle",
        "driver",
        "resourcerequest",
        "schedulerun",
        "scheduleversion",
        "movement",
        "trip",
        "stop",
        "stoppassenger",
        "vehiclestatusevent",
        "userrole",
        "pin",
        "flight",
    ],
)
def test_every_model_has_a_searchable_admin(admin_client, model):
    from django.apps import apps
    from django.contrib import admin

    model_class = next(m for m in apps.get_models() if m._meta.model_name == model and m._meta.app_label in OUR_APPS)
    model_admin = admin.site._registry[model_class]
    assert model_admin.search_fields and model_admin.list_filter
    url = reverse(f"admin:{model_class._meta.app_label}_{model}_changelist")
    assert admin_client.get(url, {"q": "x"}).status_code == 200


@pytest.fixture
def live_rows(db):
    """A conference with a VIP and her dedicated vehicle, a pin and a flight, for the admin's change pages."""
    from datetime import date

    from delegates.models import Flight
    from logistics.models import Pin
    from tests.factories import DelegateFactory, VehicleFactory

    vehicle = VehicleFactory(callsign="ARM-01", kind="armoured_suv", armoured=True)
    conference = vehicle.conference
    delegate = DelegateFactory(conference=conference, vip=True, dedicated_vehicle="ARM-01", language="es")
    pin = Pin.objects.create(
        conference=conference, movement=f"{delegate.external_id}#arrival", delegate=delegate, vehicle=vehicle
    )
    flight = Flight.objects.create(conference=conference, number="CM 411", date=date(2026, 12, 6), kind="arrival")
    return {"conference": conference, "delegate": delegate, "pin": pin, "flight": flight}


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("conference", ["freeze_minutes"]),
        ("delegate", ["dedicated_vehicle", "language"]),
        ("pin", ["movement", "vehicle", "pickup_at"]),
        ("flight", ["number", "date", "kind", "expected_at"]),
    ],
)
def test_the_admin_change_pages_of_live_operations_render(admin_client, live_rows, name, fields):
    obj = live_rows[name]
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for field in fields:
        assert f'name="{field}' in page, field  # (a date and time is two inputs, name_0 and name_1)
    add = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_add")
    assert admin_client.get(add).status_code == 200


def test_the_admin_records_who_set_a_flights_expected_time(admin_client, live_rows, admin_user):
    from delegates.models import Flight

    flight = live_rows["flight"]
    url = reverse("admin:delegates_flight_change", args=[flight.pk])
    data = {
        "conference": flight.conference_id,
        "number": "CM 411",
        "date": "2026-12-06",
        "kind": "arrival",
        "expected_at_0": "2026-12-06",
        "expected_at_1": "09:40",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    flight = Flight.objects.get(pk=flight.pk)
    assert flight.expected_at is not None and flight.updated_by == admin_user


def test_celery_reaches_the_configured_broker(settings):
    """With a broker URL (as in CI, against the real Redis) the app talks to it."""
    if not settings.CELERY_BROKER_URL:
        pytest.skip("no broker configured: tasks run in-process")
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.connected
