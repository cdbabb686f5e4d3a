"""The API's rate limits (api/throttling.py): failed tokens per address, requests per user, requests without
credentials per address. Past a limit: 429, Retry-After and the one error body; under it, nothing changes.

The clock of the limits is the test's (`clock`), so a window passes without waiting."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml
from django.core.cache import caches
from rest_framework.test import APIClient

from api.throttling import ConvoyThrottle

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HERE = "10.0.0.1"
BOGUS = "Token 0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def clock(monkeypatch):
    """The limits' clock, in seconds: set clock.now to move it."""

    class Clock:
        now = 1_000_000.0

    monkeypatch.setattr(ConvoyThrottle, "timer", staticmethod(lambda: Clock.now))
    return Clock


@pytest.fixture
def rates(settings):
    """rates(user=..., anon=..., token_failure=...): other rates than the defaults for this test."""

    def set_rates(**changed):
        framework = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = {
            **framework,
            "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], **changed},
        }

    return set_rates


def bogus_client(address=HERE, **headers) -> APIClient:
    client = APIClient(REMOTE_ADDR=address, **headers)
    client.credentials(HTTP_AUTHORIZATION=BOGUS)
    return client


def assert_throttled(response, *, wait: int | None = None):
    assert response.status_code == 429
    body = response.json()
    assert body["status"] == 429 and body["code"] == "throttled"
    assert "Expected available in" in body["detail"]
    retry_after = int(response["Retry-After"])
    assert retry_after >= 1
    if wait is not None:
        assert retry_after == wait


def token_failure_limit(settings) -> int:
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token_failure"].split("/")[0])


def test_bogus_tokens_are_answered_401_up_to_the_limit_then_429_with_retry_after(settings, clock):
    limit = token_failure_limit(settings)
    assert limit == 30  # the default (settings.py)
    client = bogus_client()
    for _ in range(limit):
        response = client.get("/api/v1/me")
        assert response.status_code == 401 and response.json()["code"] == "authentication_failed"
        clock.now += 1
    refused = client.get("/api/v1/me")
    assert_throttled(refused, wait=60 - limit)  # when the first failure leaves the one-minute window
    assert "invalid API token" in refused.json()["detail"]
    assert_throttled(client.post("/api/v1/requests/", {}), wait=60 - limit)  # whatever the endpoint or method


def test_while_an_address_is_refused_a_valid_token_from_it_is_refused_too(world, api_client, rates, clock):
    rates(token_failure="3/min")
    for _ in range(3):
        assert bogus_client().get("/api/v1/me").status_code == 401
    valid = api_client(world.users["organizer"])
    assert_throttled(valid.get("/api/v1/me", REMOTE_ADDR=HERE))  # guessing learns nothing once refused
    assert valid.get("/api/v1/me", REMOTE_ADDR="10.0.0.2").status_code == 200  # another address
    assert bogus_client(address="10.0.0.2").get("/api/v1/me").status_code == 401
    clock.now += 61
    assert valid.get("/api/v1/me", REMOTE_ADDR=HERE).status_code == 200
    assert bogus_client().get("/api/v1/me").status_code == 401


def test_only_failures_count_against_the_token_limit(world, api_client, rates):
    rates(token_failure="3/min")
    valid = api_client(world.users["driver"])
    for _ in range(2):
        assert bogus_client().get("/api/v1/me").status_code == 401
    for _ in range(20):
        assert valid.get("/api/v1/me", REMOTE_ADDR=HERE).status_code == 200
    assert bogus_client().get("/api/v1/me").status_code == 401
    assert_throttled(bogus_client().get("/api/v1/me"))


def test_malformed_token_headers_count_as_failures(rates):
    rates(token_failure="2/min")
    client = APIClient(REMOTE_ADDR=HERE)
    for header in ("Token", "Token a b"):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=header).status_code == 401
    assert_throttled(client.get("/api/v1/me", HTTP_AUTHORIZATION="Token"))


def test_a_forwarded_for_header_does_not_change_the_address_without_a_proxy(rates):
    rates(token_failure="3/min")
    for n in range(3):
        assert bogus_client(HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").get("/api/v1/me").status_code == 401
    assert_throttled(bogus_client(HTTP_X_FORWARDED_FOR="192.0.2.99").get("/api/v1/me"))


def test_behind_a_proxy_the_address_it_saw_counts(settings, rates):
    rates(token_failure="3/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # what PROXY_COUNT=1 sets
    proxy = "172.16.0.1"
    for _ in range(3):
        client = bogus_client(address=proxy, HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.7")
        assert client.get("/api/v1/me").status_code == 401
    assert_throttled(bogus_client(address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7").get("/api/v1/me"))
    assert bogus_client(address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8").get("/api/v1/me").status_code == 401


def test_each_user_has_its_own_rate(world, api_client, rates, clock):
    rates(user="5/min")
    organizer, driver = api_client(world.users["organizer"]), api_client(world.users["driver"])
    for _ in range(5):
        assert organizer.get("/api/v1/conferences/").status_code == 200
        clock.now += 2
    assert_throttled(organizer.get("/api/v1/conferences/"), wait=50)
    assert driver.get("/api/v1/conferences/").status_code == 200
    assert organizer.get("/api/v1/me", REMOTE_ADDR="10.0.0.9").status_code == 429  # per user, wherever it is
    clock.now += 50
    assert organizer.get("/api/v1/conferences/").status_code == 200


def test_a_logged_in_browser_counts_as_its_user(world, client, rates):
    rates(user="2/min")
    client.force_login(world.users["logistics"])
    assert [client.get("/api/v1/vehicles/").status_code for _ in range(3)] == [200, 200, 429]


def test_callers_without_credentials_are_limited_per_address(rates, clock):
    rates(anon="3/min")
    anonymous = APIClient(REMOTE_ADDR=HERE)
    assert [anonymous.get("/api/v1/me").status_code for _ in range(2)] == [401, 401]
    assert anonymous.get("/api/schema/").status_code == 200  # the open schema counts too
    assert_throttled(anonymous.get("/api/v1/me"))
    assert_throttled(anonymous.get("/api/schema/", HTTP_ACCEPT="application/json"))
    assert APIClient(REMOTE_ADDR="10.0.0.2").get("/api/v1/me").status_code == 401
    clock.now += 60
    assert anonymous.get("/api/v1/me").status_code == 401


def test_a_driver_app_and_the_live_map_polling_every_5_s_stay_well_under_the_defaults(world, api_client, clock):
    driver = api_client(world.users["driver"])
    map_viewer = api_client(world.users["logistics"])
    code = world.conference.code
    statuses = []
    for tick in range(120):  # ten minutes
        statuses.append(driver.get("/api/v1/vehicles/ARM-01").status_code)
        statuses.append(map_viewer.get(f"/api/v1/conferences/{code}/map/vehicles").status_code)
        if tick % 12 == 0:
            statuses.append(map_viewer.get(f"/api/v1/conferences/{code}/map/venues").status_code)
            statuses.append(map_viewer.get(f"/api/v1/conferences/{code}/map/routes").status_code)
        clock.now += 5
    assert set(statuses) == {200}


def test_when_the_cache_cannot_be_reached_requests_go_through(settings, world, api_client, rates, caplog):
    rates(user="1/min", token_failure="1/min")
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    organizer = api_client(world.users["organizer"])
    assert [organizer.get("/api/v1/me").status_code for _ in range(2)] == [200, 200]
    assert [bogus_client().get("/api/v1/me").status_code for _ in range(2)] == [401, 401]
    assert "cannot be reached" in caplog.text


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set (make test sets it)")
def test_with_redis_every_process_shares_the_counts(settings, rates):
    """Two cache connections stand for two web processes: failures seen by one refuse the other."""
    prefix = f"convoy-throttle-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": prefix,
        },
    }
    rates(token_failure="3/min")
    try:
        for _ in range(3):
            assert bogus_client().get("/api/v1/me").status_code == 401
        caches.close_all()
        settings.CACHES = {**settings.CACHES}  # a new connection handler, as in another process
        assert_throttled(bogus_client().get("/api/v1/me"))
    finally:
        caches["throttle"].delete(f"throttle_token_failure_{HERE}")  # not clear(): other runs share the database


def test_the_schema_documents_429_with_retry_after_on_every_operation(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            refused = operation["responses"]["429"]
            assert refused["content"]["application/json"]["schema"]["$ref"].endswith("/Error"), f"{method} {path}"
            assert refused["headers"]["Retry-After"]["required"] is True


def test_the_rates_and_the_cache_come_from_the_environment():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'], s.REST_FRAMEWORK['NUM_PROXIES'], "
        "s.CACHES['throttle']['BACKEND'], s.REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES']]))"
    )
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "convoy.settings", "SECRET_KEY": "x"}

    def loaded(**variables):
        done = subprocess.run(
            [sys.executable, "-c", code], env=env | variables, capture_output=True, text=True, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    rates, proxies, backend, authentication = loaded()
    assert rates == {"user": "1200/min", "anon": "60/min", "token_failure": "30/min"}
    assert proxies == 0 and backend.endswith("LocMemCache")
    assert authentication == [
        "api.throttling.LimitedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]
    rates, proxies, backend, _ = loaded(
        API_USER_RATE="off",
        API_ANON_RATE="10/hour",
        API_TOKEN_FAILURE_RATE="5/min",
        PROXY_COUNT="1",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert rates == {"user": None, "anon": "10/hour", "token_failure": "5/min"}
    assert proxies == 1 and backend.endswith("RedisCache")
