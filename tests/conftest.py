import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.factories import (
    MORNING,
    AttendanceFactory,
    ConferenceFactory,
    DelegateFactory,
    DelegationFactory,
    DriverFactory,
    ResourceRequestFactory,
    ScheduleRunFactory,
    ScheduleVersionFactory,
    SessionFactory,
    UserFactory,
    UserRoleFactory,
    VehicleFactory,
    VenueFactory,
    published_ride,
)

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
def fast_password_hashing(settings):
    """Real hashing takes a good part of a second per user; tests make many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_login_lockout(settings):
    """django-axes refuses `client.login()`, which authenticates without a request; tests of the lockout turn it on
    (tests/desk/test_login.py). Pages behave the same either way while nobody fails to log in."""
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings):
    """The API's rate limits count per test, in a cache of this process (not the Redis that `make test` names, which
    other runs share); tests/api/test_throttling.py checks the limits themselves."""
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle-tests"},
    }
    caches["throttle"].clear()


REHEARSAL_CLOCK = datetime(2026, 11, 1, tzinfo=UTC)  # before every conference the tests build


@pytest.fixture(autouse=True)
def rehearsal_clock(settings):
    """Runs take a clock before the tests' conferences (not the day the suite runs): what a test re-plans must not
    depend on the calendar. Tests of the clock give theirs."""
    settings.SCHEDULE_CLOCK = REHEARSAL_CLOCK


@pytest.fixture(autouse=True)
def tasks_in_process(settings):
    """Tasks run in the test's own process unless a test starts a real worker (see tests/logistics/test_worker.py)."""
    from convoy.celery import app

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

    from logistics.services.users import api_token_for

    def client_as(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user=user)}")
        return client

    return client_as


@pytest.fixture
def world(db):
    """One conference with two delegations (PA, CR) and two vehicles (ARM-01 driven by the driver user, VAN-01),
    a published schedule with a ride for each delegate, a request of each delegation, a run, and a user per role."""
    conference = ConferenceFactory(code="CASC")
    session = SessionFactory(conference=conference, code="PLEN")
    panama = DelegationFactory(conference=conference, code="PA", name="Panama")
    costa_rica = DelegationFactory(conference=conference, code="CR", name="Costa Rica")
    ana = DelegateFactory(conference=conference, delegation=panama, external_id="PA-1", given_name="Ana")
    bruno = DelegateFactory(conference=conference, delegation=costa_rica, external_id="CR-1", given_name="Bruno")
    armoured = VehicleFactory(conference=conference, callsign="ARM-01", kind="armoured_suv", seats=3, armoured=True)
    van = VehicleFactory(conference=conference, callsign="VAN-01", depot=armoured.depot)
    DriverFactory(conference=conference, vehicle=armoured, name="Carla Ruiz", phone="+507 6111-1111")
    run = ScheduleRunFactory(conference=conference, status="succeeded")
    version = ScheduleVersionFactory(conference=conference, run=run, is_current=True)
    published_ride(version=version, delegate=ana, vehicle=armoured, session=session)
    published_ride(version=version, delegate=bruno, vehicle=van, session=session)
    requests = {
        code: ResourceRequestFactory(conference=conference, delegation=delegation, window_start=MORNING)
        for code, delegation in (("PA", panama), ("CR", costa_rica))
    }
    users = {
        "organizer": UserRoleFactory(role="organizer").user,
        "logistics": UserRoleFactory(role="logistics").user,
        "driver": UserRoleFactory(role="driver", vehicle=armoured).user,
        "liaison": UserRoleFactory(role="liaison", delegation=panama).user,
        "reader": UserRoleFactory(role="reader").user,
        "norole": UserFactory(),
        "anonymous": None,
    }
    return SimpleNamespace(
        conference=conference,
        session=session,
        own=SimpleNamespace(delegation=panama, delegate=ana, vehicle=armoured, request=requests["PA"]),
        other=SimpleNamespace(delegation=costa_rica, delegate=bruno, vehicle=van, request=requests["CR"]),
        version=version,
        run=run,
        users=users,
    )


@pytest.fixture(autouse=True)
def fresh_itinerary_cache():
    """Row ids are reused across tests on SQLite; the per-process itinerary cache must not outlive a test."""
    from django.core.cache import caches

    caches["itineraries"].clear()
    yield
    caches["itineraries"].clear()


@pytest.fixture
def routing_service():
    """A local OSRM-compatible service answering every GET with seen["answer"] (set by the test); it records the
    paths asked for in seen["paths"] and the last one in seen["path"]."""
    seen = {"paths": []}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen["path"] = self.path
            seen["paths"].append(self.path)
            body = json.dumps(seen["answer"]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", seen
    server.shutdown()


@pytest.fixture
def small_conference():
    """Three delegates of two delegations at one hotel, a plenary, two vans and an armoured car."""
    session = SessionFactory(starts_at=MORNING, ends_at=MORNING + timedelta(minutes=90))
    conference = session.conference
    hotel = VenueFactory(conference=conference, code="HIL", kind="hotel", latitude="8.977300", longitude="-79.520800")
    depot = VenueFactory(conference=conference, code="DEP", kind="depot", latitude="8.973000", longitude="-79.548000")
    panama = DelegationFactory(conference=conference, code="PA")
    costa_rica = DelegationFactory(conference=conference, code="CR")
    for external_id, delegation, vip in [("D1", panama, True), ("D2", panama, False), ("D3", costa_rica, False)]:
        delegate = DelegateFactory(
            conference=conference, external_id=external_id, hotel=hotel, vip=vip, delegation=delegation
        )
        AttendanceFactory(delegate=delegate, session=session)
    for callsign, seats, armoured in [("VAN-01", 8, False), ("VAN-02", 8, False), ("ARM-01", 3, True)]:
        VehicleFactory(conference=conference, callsign=callsign, seats=seats, armoured=armoured, depot=depot)
    return conference


@pytest.fixture
def driven(db):
    """The valid scenario of tests/logistics/import_files.py imported with its drivers.csv (ARM-01: Luis Barrios,
    +507 6000-1111, shift 06:00-18:00; VAN-01: Ana Mendoza, +507 6000-2222) and a published version: P1 (PA) rides
    ARM-01 and P2 (US) VAN-01 to the plenary, picked up at 08:20 in Panama on 7 December. Users: an organizer,
    logistics staff, the liaison of PA and the driver of ARM-01."""
    from conference.models import Conference
    from logistics.services.imports import scenario_import
    from tests.logistics.import_files import DRIVERS, scenario

    report = scenario_import(files=scenario(drivers=DRIVERS), recompute=False)
    assert report.ok, report.as_text()
    conference = Conference.objects.get(code="TEST26")
    version = ScheduleVersionFactory(
        conference=conference, run=ScheduleRunFactory(conference=conference), is_current=True
    )
    plenary = conference.sessions.get(code="D1-PLEN")
    delegates = {d.external_id: d for d in conference.delegates.select_related("delegation", "hotel")}
    vehicles = {v.callsign: v for v in conference.vehicles.all()}
    published_ride(version=version, delegate=delegates["P1"], vehicle=vehicles["ARM-01"], session=plenary)
    published_ride(version=version, delegate=delegates["P2"], vehicle=vehicles["VAN-01"], session=plenary)
    users = {
        "organizer": UserRoleFactory(role="organizer").user,
        "logistics": UserRoleFactory(role="logistics").user,
        "liaison": UserRoleFactory(role="liaison", delegation=delegates["P1"].delegation).user,
        "driver": UserRoleFactory(role="driver", vehicle=vehicles["ARM-01"]).user,
    }
    return SimpleNamespace(conference=conference, version=version, delegates=delegates, vehicles=vehicles, users=users)
