"""Schema-driven fuzzing of the whole API with schemathesis: no input makes the server fail, every answer is one
the OpenAPI schema documents (status code, content type, headers, body), and input the schema rules out gets a 4xx.

The schema is read from the project itself (/api/schema/) and every request goes in-process through Django's WSGI
application: fuzzed as an organizer over every operation and as a liaison over the delegation-scoped ones, then
every edge value (below) in every parameter it fits, one at a time.

Data: the demo conference is imported once for the module and committed (its import publishes a schedule, in
process), and the module flushes the database when it is done, as later tests expect to start from an empty one.
Each operation's test runs in a transaction rolled back after it (pytest-django's `django_db`), so what one
operation writes never leaks into the next. For the same reason the work a write queues for after its commit never
runs here: approving a vehicle request, a vehicle going out of service or POST /conferences/{code}/recompute queue
a recompute and answer its run, but the scheduler (3-4 s a run) does not run, which keeps the run bounded however
often the fuzzer calls them; the scheduler has its own tests in tests/logistics.

Steering: a hook sets, in part of the cases, the generated codes, ids, days and moments to rows that exist (so the
fuzzer gets past the 404s) or to edges (NUL characters, the calendar's first and last days, offsets PostgreSQL
refuses), which is where the server used to fail.

`make fuzz` runs schemathesis' command line against a running server, for longer runs.
"""

from datetime import UTC, datetime

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import DEMO_SCENARIO

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
# Unknown query parameters are ignored, as HTTP APIs do, so they are no negative case; and the caller is
# authenticated by the token each test sends, not by generated credentials.
schema.config.generation.update(allow_extra_parameters=False, with_security_parameters=False)
# Repeatable: no test learns from what earlier tests' responses held (ids and times differ between runs).
for _phase in (schema.config.phases.coverage, schema.config.phases.fuzzing):
    _phase.extra_data_sources.responses = False
schema.config.phases.fuzzing.error_feedback.is_enabled = False

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Bounded for CI: the module takes about 50 s on a 2-core machine (SQLite or PostgreSQL); schemathesis' coverage
# phase adds its own boundary cases to these examples. derandomize: the same cases on every run.
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)

# Values that name rows of the demo conference, and values at the edges, by the kind of thing a parameter names.
KNOWN: dict[str, list] = {}
NUL = ["\x00", "PA\x00"]
EDGES = {
    **dict.fromkeys(["conference", "venue", "hotel", "session", "delegation", "delegate", "vehicle", "search"], NUL),
    "day": ["9999-12-31", "0001-01-01"],
    "moment": [
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00",
        "2026-12-14T12:00-21:52",
    ],
}
# what {code}, {external_id}, {callsign} and {id} name, by the path's first segment
PATH_KINDS = {
    "conferences": "conference",
    "venues": "venue",
    "sessions": "session",
    "delegations": "delegation",
    "delegates": "delegate",
    "vehicles": "vehicle",
    "trips": "trip",
    "runs": "run",
    "requests": "request",
    "webhooks": "webhook",
}
QUERY_KINDS = {
    "conference": "conference",
    "delegation": "delegation",
    "hotel": "hotel",
    "venue": "venue",
    "vehicle": "vehicle",
    "search": "search",
    "day": "day",
    "arrival_day": "day",
    "after": "moment",
    "before": "moment",
    "from": "moment",
    "to": "moment",
    "delegate": "delegate",
}
BODY_KINDS = {
    "conference": "conference",
    "delegation": "delegation",
    "from_venue": "venue",
    "to_venue": "venue",
    "window_start": "moment",
    "window_end": "moment",
}


def _headers(token: str) -> dict:
    # the in-process WSGI transport does not undo gzip (the map layers are gzipped for clients that accept it)
    return {"Authorization": f"Token {token}", "Accept-Encoding": "identity"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo conference with its published schedule, three submitted requests, and an API token per role.
    Committed for the module (the import's recompute runs on commit, in-process) and flushed afterwards."""
    from convoy.celery import app
    from delegates.models import Delegation
    from logistics.models import ScheduleVersion
    from logistics.services.imports import scenario_folder_files, scenario_import
    from logistics.services.users import api_token_for
    from tests.factories import ResourceRequestFactory, UserRoleFactory, WebhookFactory

    # the autouse fixtures of tests/conftest.py are function-scoped: this one sets tasks to run in-process itself
    with django_db_blocker.unblock(), override_settings(CELERY_TASK_ALWAYS_EAGER=True):
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True
        try:
            scenario_import(files=scenario_folder_files(DEMO_SCENARIO))
            assert ScheduleVersion.objects.filter(conference__code="DEMO26", is_current=True).exists()
            panama, costa_rica = Delegation.objects.get(code="PA"), Delegation.objects.get(code="CR")
            window = {
                "window_start": datetime(2026, 12, 14, 14, tzinfo=UTC),
                "window_end": datetime(2026, 12, 14, 16, tzinfo=UTC),
            }
            ResourceRequestFactory(conference=panama.conference, delegation=panama, kind="interpreter", **window)
            ResourceRequestFactory(conference=costa_rica.conference, delegation=costa_rica, kind="escort", **window)
            hotel, venue = panama.conference.venues.get(code="HEP"), panama.conference.venues.get(code="ATL")
            ResourceRequestFactory(
                conference=panama.conference,
                delegation=panama,
                kind="vehicle",
                from_venue=hotel,
                to_venue=venue,
                seats=2,
                **window,
            )
            # nothing is delivered to it: what the fuzzer writes is rolled back, never committed
            WebhookFactory(conference=panama.conference, url="http://127.0.0.1:9/nobody")
            users = {
                "organizer": UserRoleFactory(role="organizer", user__password=None).user,
                "liaison": UserRoleFactory(role="liaison", delegation=panama, user__password=None).user,
            }
            yield {role: api_token_for(user=user) for role, user in users.items()}
        finally:
            app.conf.task_always_eager = eager
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def known_rows(demo):
    """What exists, read for each operation's test (the same each time: every test's writes are rolled back)."""
    from conference.models import Session, Venue
    from delegates.models import Delegate, Delegation
    from logistics.models import ResourceRequest, ScheduleRun, Trip, Vehicle, Webhook

    venues = list(Venue.objects.order_by("code").values_list("code", "kind"))
    KNOWN.update(
        conference=["DEMO26"],
        venue=[code for code, _ in venues],
        hotel=[code for code, kind in venues if kind == "hotel"],
        session=list(Session.objects.order_by("code").values_list("code", flat=True)),
        delegation=list(Delegation.objects.order_by("code").values_list("code", flat=True)),
        delegate=list(Delegate.objects.order_by("external_id").values_list("external_id", flat=True)),
        vehicle=list(Vehicle.objects.order_by("callsign").values_list("callsign", flat=True)),
        trip=list(Trip.objects.order_by("pk").values_list("pk", flat=True)[:20]),
        run=list(ScheduleRun.objects.order_by("pk").values_list("pk", flat=True)),
        request=list(ResourceRequest.objects.order_by("pk").values_list("pk", flat=True)),
        webhook=list(Webhook.objects.order_by("pk").values_list("pk", flat=True)),
        search=["Luis", "villa", "DEMO-001"],
        day=["2026-12-14", "2026-12-15"],
        moment=["2026-12-14T08:00:00-05:00", "2026-12-14T18:00:00Z", "2026-12-15T12:00:00Z"],
    )


@pytest.fixture(autouse=True)
def connections_kept():
    """Django's test client keeps the test's connection (and its transaction) open across requests; so must the
    WSGI application the fuzzer calls."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _steered(values, kinds: dict[str, str]) -> st.SearchStrategy:
    """`values` as generated; or with some of the parameters `kinds` names set to real rows; or that and one set to
    an edge."""
    if not isinstance(values, dict):
        return st.just(values)
    real = {key: st.sampled_from(KNOWN[kind]) for key, kind in kinds.items() if KNOWN.get(kind)}
    edges = [(key, edge) for key, kind in kinds.items() for edge in EDGES.get(kind, [])]
    with_real = st.fixed_dictionaries({}, optional=real).map(lambda chosen: {**values, **chosen})
    with_edge = st.tuples(with_real, st.sampled_from(edges)) if edges else st.nothing()
    return st.one_of(st.just(values), with_real, with_edge.map(lambda pair: {**pair[0], pair[1][0]: pair[1][1]}))


def _path_kind(path: str) -> str | None:
    return PATH_KINDS.get(path.removeprefix("/api/v1/").split("/")[0])


@schema.hook
def flatmap_case(context, case):
    """Steer the components generated to fit the schema; a negative one stays as generated, so it stays negative."""
    path_kind = _path_kind(case.path)
    declared_query = {parameter.name for parameter in case.operation.query}
    components = {
        ParameterLocation.PATH: ("path_parameters", dict.fromkeys(case.path_parameters or {}, path_kind)),
        ParameterLocation.QUERY: ("query", {k: v for k, v in QUERY_KINDS.items() if k in declared_query}),
        ParameterLocation.BODY: ("body", BODY_KINDS),
    }
    strategies = {
        attribute: _steered(getattr(case, attribute), kinds)
        for location, (attribute, kinds) in components.items()
        if case.meta is None or not case.meta.is_negative_at(location)
    }

    def apply(steered: dict) -> object:
        for attribute, value in steered.items():
            if value is not getattr(case, attribute):  # assigning marks a component for revalidation
                setattr(case, attribute, value)
        return case

    return st.fixed_dictionaries(strategies).map(apply)


# POST /conferences/{code}/recompute is fuzzed like every other operation and stays cheap: the recompute it queues
# runs on commit, and a test's transaction is rolled back, never committed (see the module's docstring).
@schema.parametrize()
@FUZZ
def test_api_as_organizer(case, demo):
    case.call_and_validate(headers=_headers(demo["organizer"]), checks=CHECKS)


# a liaison sees its own delegation's rows only, and asks for and cancels resource requests
liaison_schema = schema.include(path_regex=r"^/api/v1/(delegations|delegates|requests)/").exclude(
    path_regex=r"/(approve|reject)$"
)


@liaison_schema.parametrize()
@FUZZ
def test_api_as_liaison(case, demo):
    case.call_and_validate(headers=_headers(demo["liaison"]), checks=CHECKS)


# Valid bodies to put one edge into at a time.
BODIES = {
    "POST /api/v1/requests/": {
        "delegation": "PA",
        "kind": "vehicle",
        "from_venue": "HEP",
        "to_venue": "ATL",
        "seats": 2,
        "window_start": "2026-12-14T09:00:00-05:00",
        "window_end": "2026-12-14T11:00:00-05:00",
    },
    "POST /api/v1/vehicles/{callsign}/status": {"event_id": "edge-1", "status": "en_route"},
    "POST /api/v1/webhooks": {
        "conference": "DEMO26",
        "url": "https://hooks.example.org/convoy",
        "events": ["itinerary.changed", "run.finished"],
        "delegation": "PA",
    },
}


@pytest.mark.parametrize(
    "operation", [result.ok() for result in schema.get_all_operations()], ids=lambda operation: operation.label
)
def test_edges_as_organizer(operation, demo):
    """Every edge value in every parameter it fits, one at a time, the others naming real rows: what the fuzzing
    above reaches by chance, every time."""
    path = {parameter.name: KNOWN[_path_kind(operation.path)][0] for parameter in operation.path_parameters}
    body = BODIES.get(operation.label, NOT_SET)
    cases = [
        {"path_parameters": {**path, name: edge}} for name in path for edge in EDGES.get(_path_kind(operation.path), [])
    ]
    cases += [
        {"path_parameters": path, "query": {parameter.name: edge}}
        for parameter in operation.query
        for edge in EDGES.get(QUERY_KINDS.get(parameter.name), [])
    ]
    if isinstance(body, dict):
        cases += [
            {"path_parameters": path, "body": {**body, name: edge}}
            for name in body
            for edge in EDGES.get(BODY_KINDS.get(name), [])
        ]
    for given in cases:
        media_type = "application/json" if "body" in given else None
        case = operation.Case(media_type=media_type, **given)
        case.call_and_validate(headers=_headers(demo["organizer"]), checks=CHECKS)
