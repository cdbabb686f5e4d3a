from pathlib import Path

import pytest

from tests.factories import UserFactory

SHARED_SCENARIOS = Path(__file__).resolve().parent.parent.parent / "shared" / "scenarios"
DEMO_SCENARIO = Path(__file__).resolve().parent.parent / "demo" / "scenario"


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Pages render without a collectstatic manifest, which only production builds have."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def tasks_in_process(settings):
    """Tasks run in the test's own process unless a test starts a real worker (see tests/logistics/test_worker.py)."""
    from conference.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = True


def shared_scenario(name: str) -> Path:
    folder = SHARED_SCENARIOS / name
    if not folder.is_dir():
        pytest.skip(f"scenario {name} is not at {folder}: these tests need ../shared beside the repo")
    return folder


@pytest.fixture
def panama_small() -> Path:
    return shared_scenario("panama-small")


@pytest.fixture
def panama_summit() -> Path:
    return shared_scenario("panama-summit")


@pytest.fixture
def demo_scenario() -> Path:
    return DEMO_SCENARIO


@pytest.fixture
def organizer(db):
    return UserFactory(username="organizer", permissions=["delegates.import_scenario"])


@pytest.fixture
def api_client():
    """client_as(user) -> an APIClient that authenticates as `user` with an API token; client_as(None): anonymous."""
    from rest_framework.test import APIClient

    from conference.services import api_token_for

    def client_as(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user=user)}")
        return client

    return client_as
