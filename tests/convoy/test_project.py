import pytest
from django.core.management import call_command
from django.urls import reverse

from convoy.celery import app as celery_app

pytestmark = pytest.mark.django_db
OUR_APPS = {"conference", "delegates", "logistics"}


def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_health_endpoint_answers_after_a_database_query(client):
    assert client.get(reverse("health")).json() == {"status": "ok"}


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


def test_celery_reaches_the_configured_broker(settings):
    """With a broker URL (as in CI, against the real Redis) the app talks to it."""
    if not settings.CELERY_BROKER_URL:
        pytest.skip("no broker configured: tasks run in-process")
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.connected
