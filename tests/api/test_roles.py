"""Every role against every endpoint: exactly who may read and write what."""

import itertools

import pytest

ROLES = ["anonymous", "norole", "organizer", "logistics", "driver", "liaison", "reader"]
_ = None  # a row's expectations line up with ROLES

EVENT_IDS = itertools.count()

# method, path, body, expected status per role (anonymous, no role, organizer, logistics, driver, liaison, reader)
MATRIX = [
    ("GET", "me", _, (401, 403, 200, 200, 200, 200, 200)),
    ("GET", "conferences/", _, (401, 403, 200, 200, 200, 200, 200)),
    ("GET", "conferences/CASC", _, (401, 403, 200, 200, 200, 200, 200)),
    ("GET", "conferences/CASC/schedule", _, (401, 403, 200, 200, 403, 403, 200)),
    ("POST", "conferences/CASC/recompute", {}, (401, 403, 202, 403, 403, 403, 403)),
    ("GET", "conferences/CASC/changes", _, (401, 403, 200, 200, 200, 200, 200)),
    ("GET", "conferences/CASC/map/venues", _, (401, 403, 200, 200, 200, 200, 200)),
    ("GET", "conferences/CASC/map/vehicles", _, (401, 403, 200, 200, 200, 403, 200)),
    ("GET", "conferences/CASC/map/routes", _, (401, 403, 200, 200, 200, 403, 200)),
    ("GET", "conferences/CASC/pins", _, (401, 403, 200, 200, 403, 403, 403)),
    ("POST", "conferences/CASC/pins", "pin", (401, 403, 201, 403, 403, 403, 403)),
    ("GET", "conferences/CASC/pins/{pin}", _, (401, 403, 200, 200, 403, 403, 403)),
    ("DELETE", "conferences/CASC/pins/{pin}", _, (401, 403, 204, 403, 403, 403, 403)),
    ("GET", "conferences/CASC/flights", _, (401, 403, 200, 200, 403, 403, 200)),
    # no delegate of the world flies: the desk's writers get as far as 404
    (
        "PATCH",
        "conferences/CASC/flights/CM%20675/2026-12-07",
        {"expected_at": None},
        (401, 403, 404, 404, 403, 403, 403),
    ),
    ("GET", "venues/", _, (401, 403, 200, 200, 200, 200, 200)),
    ("GET", "sessions/", _, (401, 403, 200, 200, 200, 200, 200)),
    ("GET", "sessions/PLEN", _, (401, 403, 200, 200, 200, 200, 200)),
    ("GET", "delegations/", _, (401, 403, 200, 403, 403, 200, 200)),
    ("GET", "delegations/PA", _, (401, 403, 200, 403, 403, 200, 200)),
    ("GET", "delegations/CR", _, (401, 403, 200, 403, 403, 404, 200)),
    ("GET", "delegations/PA/itinerary", _, (401, 403, 200, 403, 403, 200, 200)),
    ("GET", "delegations/CR/itinerary", _, (401, 403, 200, 403, 403, 404, 200)),
    ("GET", "delegations/PA/itinerary.ics", _, (401, 403, 200, 403, 403, 200, 200)),
    ("GET", "delegations/CR/itinerary.ics", _, (401, 403, 200, 403, 403, 404, 200)),
    ("GET", "delegates/", _, (401, 403, 200, 403, 403, 200, 200)),
    ("GET", "delegates/PA-1", _, (401, 403, 200, 403, 403, 200, 200)),
    ("GET", "delegates/CR-1", _, (401, 403, 200, 403, 403, 404, 200)),
    ("GET", "delegates/PA-1/itinerary", _, (401, 403, 200, 403, 403, 200, 200)),
    ("GET", "delegates/CR-1/itinerary", _, (401, 403, 200, 403, 403, 404, 200)),
    ("GET", "delegates/PA-1/itinerary.ics", _, (401, 403, 200, 403, 403, 200, 200)),
    ("GET", "delegates/CR-1/itinerary.ics", _, (401, 403, 200, 403, 403, 404, 200)),
    ("GET", "vehicles/", _, (401, 403, 200, 200, 200, 403, 200)),
    ("GET", "vehicles/ARM-01", _, (401, 403, 200, 200, 200, 403, 200)),
    ("GET", "vehicles/VAN-01", _, (401, 403, 200, 200, 404, 403, 200)),
    ("GET", "vehicles/ARM-01/status", _, (401, 403, 200, 200, 200, 403, 200)),
    ("GET", "vehicles/VAN-01/status", _, (401, 403, 200, 200, 404, 403, 200)),
    ("POST", "vehicles/ARM-01/status", "status", (401, 403, 201, 201, 201, 403, 403)),
    ("POST", "vehicles/VAN-01/status", "status", (401, 403, 201, 201, 404, 403, 403)),
    ("GET", "vehicles/ARM-01/day", _, (401, 403, 200, 200, 200, 403, 200)),
    ("GET", "vehicles/VAN-01/day", _, (401, 403, 200, 200, 404, 403, 200)),
    ("GET", "trips/", _, (401, 403, 200, 200, 200, 403, 200)),
    ("GET", "trips/{own_trip}", _, (401, 403, 200, 200, 200, 403, 200)),
    ("GET", "trips/{other_trip}", _, (401, 403, 200, 200, 404, 403, 200)),
    ("POST", "trips/{own_trip}/ack", {"event_id": "matrix-ack"}, (401, 403, 201, 201, 201, 403, 403)),
    ("POST", "trips/{other_trip}/ack", {"event_id": "matrix-ack"}, (401, 403, 201, 201, 404, 403, 403)),
    ("POST", "trips/{own_trip}/start", {"event_id": "matrix-start"}, (401, 403, 201, 201, 201, 403, 403)),
    ("POST", "trips/{own_trip}/finish", {"event_id": "matrix-finish"}, (401, 403, 201, 201, 201, 403, 403)),
    (
        "POST",
        "trips/{own_trip}/stops/1/passengers/PA-1",
        {"event_id": "matrix-board", "status": "boarded"},
        (401, 403, 201, 201, 201, 403, 403),
    ),
    (
        "POST",
        "trips/{other_trip}/stops/1/passengers/CR-1",
        {"event_id": "matrix-board", "status": "no_show"},
        (401, 403, 201, 201, 404, 403, 403),
    ),
    ("GET", "runs/", _, (401, 403, 200, 200, 403, 403, 200)),
    ("GET", "runs/{run}", _, (401, 403, 200, 200, 403, 403, 200)),
    ("GET", "requests/", _, (401, 403, 200, 403, 403, 200, 200)),
    ("GET", "requests/{own_request}", _, (401, 403, 200, 403, 403, 200, 200)),
    ("GET", "requests/{other_request}", _, (401, 403, 200, 403, 403, 404, 200)),
    ("POST", "requests/", "request", (401, 403, 201, 403, 403, 201, 403)),
    ("POST", "requests/{own_request}/cancel", {}, (401, 403, 200, 403, 403, 200, 403)),
    ("POST", "requests/{other_request}/cancel", {}, (401, 403, 200, 403, 403, 404, 403)),
    ("POST", "requests/{own_request}/approve", {}, (401, 403, 200, 403, 403, 403, 403)),
    ("POST", "requests/{own_request}/reject", {"reason": "No interpreter free"}, (401, 403, 200, 403, 403, 403, 403)),
    ("GET", "webhooks", _, (401, 403, 200, 403, 403, 403, 403)),
    ("POST", "webhooks", "webhook", (401, 403, 201, 403, 403, 403, 403)),
    # a webhook of the liaison's own delegation: still the organizers' alone
    ("GET", "webhooks/{webhook}", _, (401, 403, 200, 403, 403, 403, 403)),
    ("PATCH", "webhooks/{webhook}", {"active": False}, (401, 403, 200, 403, 403, 403, 403)),
    ("DELETE", "webhooks/{webhook}", _, (401, 403, 204, 403, 403, 403, 403)),
    ("GET", "webhooks/{webhook}/deliveries", _, (401, 403, 200, 403, 403, 403, 403)),
]

CASES = [
    pytest.param(method, path, body, role, expected, id=f"{role}-{method}-{path}")
    for method, path, body, statuses in MATRIX
    for role, expected in zip(ROLES, statuses, strict=True)
]


def _body(body, world):
    if body == "status":
        return {"event_id": f"matrix-{next(EVENT_IDS)}", "status": "en_route"}
    if body == "request":
        return {
            "delegation": "PA",
            "kind": "interpreter",
            "window_start": "2026-12-07T09:00:00-05:00",
            "window_end": "2026-12-07T11:00:00-05:00",
        }
    if body == "pin":
        return {"movement": _ride(world), "vehicle": "ARM-01"}
    if body == "webhook":
        return {"conference": "CASC", "url": "https://hooks.example.org/convoy", "events": ["run.finished"]}
    return body


def _path(path: str, world) -> str:
    trips = {trip.vehicle_id: trip.pk for trip in world.version.trips.all()}
    return "/api/v1/" + path.format(
        own_trip=trips[world.own.vehicle.pk],
        other_trip=trips[world.other.vehicle.pk],
        run=world.run.pk,
        own_request=world.own.request.pk,
        other_request=world.other.request.pk,
        pin=_pin(world).pk if "{pin}" in path else None,
        webhook=_webhook(world).pk if "{webhook}" in path else None,
    )


def _ride(world) -> str:
    return world.version.movements.get(delegate=world.own.delegate).code


def _pin(world):
    from logistics.services.pins import pin_create

    return pin_create(conference=world.conference, movement=_ride(world), vehicle="ARM-01")


def _webhook(world):
    from tests.factories import WebhookFactory

    return WebhookFactory(conference=world.conference, delegation=world.own.delegation, events=["itinerary.changed"])


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), CASES)
def test_role_may_use_endpoint_exactly_as_the_matrix_says(world, api_client, method, path, body, role, expected):
    client = api_client(world.users[role])
    url = _path(path, world)
    response = (
        client.get(url) if method == "GET" else getattr(client, method.lower())(url, _body(body, world), format="json")
    )
    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        assert response.json()["status"] == expected
        assert response.json()["detail"]


def test_every_api_endpoint_is_in_the_matrix():
    from api.urls import v1

    routes = {str(pattern.pattern) for pattern in v1}
    covered = set()
    for _method, path, _body, _statuses in MATRIX:
        for route in routes:
            if _matches(route, path):
                covered.add(route)
    assert covered == routes, f"not in the matrix: {sorted(routes - covered)}"


def _matches(route: str, path: str) -> bool:
    route_parts, path_parts = route.split("/"), path.split("/")
    if len(route_parts) != len(path_parts):
        return False
    for route_part, path_part in zip(route_parts, path_parts, strict=True):
        if route_part.startswith("<"):
            continue
        if "<" in route_part:  # e.g. itinerary.ics after a converter
            if not path_part.endswith(route_part.split(">")[-1]):
                return False
        elif route_part != path_part:
            return False
    return True
