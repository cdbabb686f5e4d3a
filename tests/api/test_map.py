"""The live map's GeoJSON: venues, vehicles and routes (api/views/map.py, logistics/selectors/map.py)."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from logistics.services.fleet import vehicle_status_report
from tests.factories import (
    MORNING,
    DelegateFactory,
    DriverFactory,
    MovementFactory,
    StopFactory,
    StopPassengerFactory,
    TripFactory,
    VehicleFactory,
    VenueFactory,
    published_ride,
)
from tests.queries import get_queries

BASE = "/api/v1/conferences/CASC/map/"
PERIOD = {"from": "2026-12-07T08:00:00-05:00", "to": "2026-12-07T10:00:00-05:00"}  # 13:00-15:00 UTC


def _get(client, what, **params):
    return client.get(BASE + what, params)


def _features(response, key: str) -> dict[str, dict]:
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert body["type"] == "FeatureCollection"
    return {feature["properties"][key]: feature for feature in body["features"]}


@pytest.fixture
def arrivals(world):
    """Ana (PA) and Bruno (CR) land at the airport at 08:30 local; Ana leaves from there at 09:30."""
    airport = VenueFactory(conference=world.conference, code="PTY", kind="airport", name="Tocumen", address="Av. 1")
    for delegate in (world.own.delegate, world.other.delegate):
        delegate.arrival_at, delegate.arrival_venue = MORNING - timedelta(minutes=30), airport
        delegate.save()
    world.own.delegate.departure_at = MORNING + timedelta(minutes=30)
    world.own.delegate.departure_venue = airport
    world.own.delegate.save()
    return airport


# Venues


def test_venues_are_points_with_sessions_arrivals_and_stops_of_the_period(world, api_client, arrivals):
    features = _features(_get(api_client(world.users["organizer"]), "venues", **PERIOD), "code")
    session_venue, hotel = world.session.venue, world.own.delegate.hotel
    plenary = features[session_venue.code]
    assert plenary["geometry"] == {"type": "Point", "coordinates": [-79.5118, 8.9858]}
    assert plenary["properties"]["sessions"] == [
        {"code": "PLEN", "title": "Plenary", "starts_at": "2026-12-07T09:00:00-05:00"}
    ]
    assert plenary["properties"]["dropoffs"] == 2 and plenary["properties"]["pickups"] == 0
    assert features[hotel.code]["properties"]["pickups"] == 1
    airport = features["PTY"]["properties"]
    assert airport == {
        "code": "PTY",
        "name": "Tocumen",
        "kind": "airport",
        "address": "Av. 1",
        "sessions": [],
        "arrivals": 2,
        "departures": 1,
        "pickups": 0,
        "dropoffs": 0,
    }


def test_venue_counts_only_what_falls_within_the_period(world, api_client, arrivals):
    later = {"from": "2026-12-07T09:15:00-05:00", "to": "2026-12-07T11:00:00-05:00"}
    features = _features(_get(api_client(world.users["organizer"]), "venues", **later), "code")
    assert features["PTY"]["properties"]["arrivals"] == 0
    assert features["PTY"]["properties"]["departures"] == 1
    plenary = features[world.session.venue.code]["properties"]
    assert plenary["dropoffs"] == 0
    assert [s["code"] for s in plenary["sessions"]] == ["PLEN"]  # still running at 09:15


def test_liaison_counts_only_its_delegations_arrivals(world, api_client, arrivals):
    features = _features(_get(api_client(world.users["liaison"]), "venues", **PERIOD), "code")
    assert features["PTY"]["properties"]["arrivals"] == 1


def test_liaison_counts_only_stops_where_its_delegation_boards_or_alights(world, api_client):
    """Ana (PA) and Bruno (CR) each ride to the plenary; a vehicle request of each delegation boards at the
    airport, and one stop at the conference centre has both delegations boarding. The PA liaison counts the
    stops with someone of PA (a delegate or PA's request) aboard, each stop once; the organizer counts them all."""
    version, vehicle = world.version, world.other.vehicle
    airport = VenueFactory(conference=world.conference, code="PTY", kind="airport")
    centre = VenueFactory(conference=world.conference, code="ATL")
    trip = TripFactory(version=version, vehicle=vehicle, starts_at=MORNING, ends_at=MORNING + timedelta(hours=1))
    for sequence, request in enumerate((world.own.request, world.other.request), start=1):
        stop = StopFactory(trip=trip, sequence=sequence, venue=airport, arrive_at=MORNING, depart_at=MORNING)
        movement = MovementFactory(
            version=version, delegate=None, request=request, kind="request", from_venue=airport, to_venue=centre
        )
        StopPassengerFactory(stop=stop, movement=movement, action="board")
    shared = StopFactory(trip=trip, sequence=3, venue=centre, arrive_at=MORNING, depart_at=MORNING)
    for delegate in (world.own.delegate, world.other.delegate, DelegateFactory(conference=world.conference)):
        movement = MovementFactory(version=version, delegate=delegate, from_venue=centre)
        StopPassengerFactory(stop=shared, movement=movement, action="board")

    liaison = _features(_get(api_client(world.users["liaison"]), "venues", **PERIOD), "code")
    organizer = _features(_get(api_client(world.users["organizer"]), "venues", **PERIOD), "code")
    own_hotel, other_hotel = world.own.delegate.hotel.code, world.other.delegate.hotel.code
    counts = {
        who: {
            code: (features[code]["properties"]["pickups"], features[code]["properties"]["dropoffs"])
            for code in (world.session.venue.code, own_hotel, other_hotel, "PTY", "ATL")
        }
        for who, features in (("liaison", liaison), ("organizer", organizer))
    }
    assert counts["liaison"] == {
        world.session.venue.code: (0, 1),  # Ana alights; Bruno's drop-off is another stop
        own_hotel: (1, 0),
        other_hotel: (0, 0),  # only Bruno boards there
        "PTY": (1, 0),  # PA's request boards; CR's, at a stop of its own, is not counted
        "ATL": (1, 0),  # Ana boards with Bruno and a third delegation: one stop
    }
    assert counts["organizer"] == {
        world.session.venue.code: (0, 2),
        own_hotel: (1, 0),
        other_hotel: (1, 0),
        "PTY": (2, 0),
        "ATL": (1, 0),
    }


def test_driver_counts_only_its_vehicles_stops(world, api_client):
    features = _features(_get(api_client(world.users["driver"]), "venues", **PERIOD), "code")
    assert features[world.session.venue.code]["properties"]["dropoffs"] == 1
    assert features[world.other.delegate.hotel.code]["properties"]["pickups"] == 0


def test_period_defaults_to_the_next_two_hours(world, api_client):
    soon = timezone.now() + timedelta(minutes=90)
    published_ride(version=world.version, delegate=world.own.delegate, vehicle=world.own.vehicle, pickup_at=soon)
    features = _features(_get(api_client(world.users["organizer"]), "venues"), "code")
    assert features[world.own.delegate.hotel.code]["properties"]["pickups"] == 1
    features = _features(_get(api_client(world.users["organizer"]), "venues", to=soon.isoformat()), "code")
    assert features[world.own.delegate.hotel.code]["properties"]["pickups"] == 0  # [now, soon) excludes it


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-12-07T08:00:00"},  # no offset
        {"from": "yesterday"},
        {"from": "2026-12-07T10:00:00-05:00", "to": "2026-12-07T08:00:00-05:00"},  # ends before it starts
        {"from": "0001-01-01T00:00:00+05:00"},  # before the first moment stored
        {"from": "9999-12-31T23:00:00Z"},  # no two hours left after it
    ],
)
def test_a_bad_period_is_refused(world, api_client, params):
    response = _get(api_client(world.users["organizer"]), "venues", **params)
    assert response.status_code == 400, response.content
    assert response.json()["fields"]


def test_empty_period_parameters_are_the_defaults(world, api_client):
    assert _get(api_client(world.users["organizer"]), "venues", **{"from": "", "to": ""}).status_code == 200


def test_coordinates_are_rounded_to_five_decimals_and_the_json_is_compact(world, api_client):
    VenueFactory(conference=world.conference, code="EXACT", latitude=Decimal("8.123456"), longitude="-79.654321")
    response = _get(api_client(world.users["organizer"]), "venues", **PERIOD)
    assert response["Content-Type"] == "application/geo+json"
    features = _features(response, "code")
    assert features["EXACT"]["geometry"]["coordinates"] == [-79.65432, 8.12346]
    assert response.content == json.dumps(response.json(), ensure_ascii=False, separators=(",", ":")).encode()


def test_another_conference_is_not_found_for_a_liaison(world, api_client):
    from tests.factories import ConferenceFactory

    ConferenceFactory(code="OTHER")
    assert api_client(world.users["liaison"]).get("/api/v1/conferences/OTHER/map/venues").status_code == 404
    assert api_client(world.users["organizer"]).get("/api/v1/conferences/OTHER/map/venues").status_code == 200


# ETag


@pytest.mark.parametrize("what", ["venues", "vehicles", "routes"])
def test_an_unchanged_answer_is_304_with_its_etag(world, api_client, what):
    client = api_client(world.users["organizer"])
    params = {} if what == "vehicles" else PERIOD
    first = _get(client, what, **params)
    etag = first["ETag"]
    assert etag
    again = client.get(BASE + what, params, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    vehicle_status_report(
        vehicle_id=world.own.vehicle.pk,
        event_id="moved",
        status="en_route",
        latitude=Decimal(9),
        longitude=Decimal(-79),
    )
    changed = client.get(BASE + what, params, HTTP_IF_NONE_MATCH=etag)
    if what == "venues":
        assert changed.status_code == 304  # venues do not show vehicles
    else:
        assert changed.status_code == 200 and changed["ETag"] != etag


# Vehicles


def _trip(world, vehicle, starts_at, minutes=30, venues=None):
    trip = TripFactory(
        version=world.version, vehicle=vehicle, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes)
    )
    for sequence, venue in enumerate(venues or [world.own.delegate.hotel, world.session.venue], start=1):
        StopFactory(trip=trip, sequence=sequence, venue=venue, arrive_at=starts_at, depart_at=starts_at)
    return trip


def test_vehicles_at_their_position_or_depot_with_driver_and_trips(world, api_client):
    now = timezone.now()
    current = _trip(world, world.own.vehicle, now - timedelta(minutes=10))
    upcoming = _trip(world, world.own.vehicle, now + timedelta(hours=1), venues=[world.session.venue])
    _trip(world, world.own.vehicle, now + timedelta(hours=3))  # after the next one
    vehicle_status_report(
        vehicle_id=world.own.vehicle.pk,
        event_id="here",
        status="en_route",
        latitude=Decimal("9.123456"),
        longitude=Decimal("-79.5"),
    )
    features = _features(_get(api_client(world.users["logistics"]), "vehicles"), "callsign")
    armoured = features["ARM-01"]
    assert armoured["geometry"] == {"type": "Point", "coordinates": [-79.5, 9.12346]}
    props = armoured["properties"]
    assert props["kind"] == "armoured_suv" and props["seats"] == 3 and props["status"] == "en_route"
    assert props["driver"] == "Carla Ruiz" and props["phone"] == "+507 6111-1111"
    assert props["at_depot"] is False and props["stale"] is False
    assert props["position_at"].endswith("-05:00")
    assert props["current_trip"] == {
        "code": current.code,
        "starts_at": world.conference.local(current.starts_at).isoformat(),
        "ends_at": world.conference.local(current.ends_at).isoformat(),
        "first_stop": world.own.delegate.hotel.code,
        "last_stop": world.session.venue.code,
    }
    assert props["next_trip"]["code"] == upcoming.code
    assert props["next_trip"]["first_stop"] == props["next_trip"]["last_stop"] == world.session.venue.code

    van = features["VAN-01"]
    depot = world.other.vehicle.depot
    assert van["geometry"]["coordinates"] == [float(depot.longitude), float(depot.latitude)]
    assert van["properties"]["at_depot"] is True and van["properties"]["stale"] is False
    assert van["properties"]["position_at"] is None
    assert van["properties"]["driver"] is None and van["properties"]["phone"] is None
    assert van["properties"]["current_trip"] is None
    assert van["properties"]["next_trip"]["code"] == world.version.trips.get(vehicle=world.other.vehicle).code


def test_a_position_older_than_the_setting_is_stale(world, api_client, settings):
    vehicle_status_report(
        vehicle_id=world.own.vehicle.pk,
        event_id="old",
        status="en_route",
        latitude=Decimal(9),
        longitude=Decimal(-79),
        reported_at=timezone.now() - timedelta(minutes=7),
    )
    client = api_client(world.users["organizer"])
    assert _features(_get(client, "vehicles"), "callsign")["ARM-01"]["properties"]["stale"] is True
    settings.MAP_STALE_MINUTES = 10
    assert _features(_get(client, "vehicles"), "callsign")["ARM-01"]["properties"]["stale"] is False


def test_vehicles_filter_by_kind_and_status(world, api_client):
    client = api_client(world.users["organizer"])
    assert set(_features(_get(client, "vehicles", kind="van"), "callsign")) == {"VAN-01"}
    assert set(_features(_get(client, "vehicles", status="available"), "callsign")) == {"ARM-01", "VAN-01"}
    assert set(_features(_get(client, "vehicles", status="delayed"), "callsign")) == set()
    assert set(_features(_get(client, "vehicles", kind=""), "callsign")) == {"ARM-01", "VAN-01"}
    for bad in ({"kind": "tank"}, {"status": "flying"}):
        response = _get(client, "vehicles", **bad)
        assert response.status_code == 400 and list(response.json()["fields"]) == list(bad)


def test_a_driver_sees_only_its_vehicle(world, api_client):
    assert set(_features(_get(api_client(world.users["driver"]), "vehicles"), "callsign")) == {"ARM-01"}
    assert set(_features(_get(api_client(world.users["driver"]), "routes", **PERIOD), "vehicle")) == {"ARM-01"}


# Routes


def test_routes_are_linestrings_through_the_stops_with_passengers(world, api_client):
    features = _features(_get(api_client(world.users["reader"]), "routes", **PERIOD), "vehicle")
    assert set(features) == {"ARM-01", "VAN-01"}
    route = features["ARM-01"]
    trip = world.version.trips.get(vehicle=world.own.vehicle)
    hotel, venue = world.own.delegate.hotel, world.session.venue
    assert route["geometry"] == {
        "type": "LineString",
        "coordinates": [
            [float(hotel.longitude), float(hotel.latitude)],
            [float(venue.longitude), float(venue.latitude)],
        ],
    }
    props = route["properties"]
    assert props["trip"] == trip.code and props["id"] == trip.pk
    assert props["kind"] == "armoured_suv" and props["status"] == "available"
    assert props["starts_at"] == "2026-12-07T08:20:00-05:00" and props["ends_at"] == "2026-12-07T08:45:00-05:00"
    assert props["stops"] == [
        {
            "sequence": 1,
            "venue": hotel.code,
            "name": hotel.name,
            "arrive_at": "2026-12-07T08:20:00-05:00",
            "depart_at": "2026-12-07T08:20:00-05:00",
            "board": 1,
            "alight": 0,
        },
        {
            "sequence": 2,
            "venue": venue.code,
            "name": venue.name,
            "arrive_at": "2026-12-07T08:40:00-05:00",
            "depart_at": "2026-12-07T08:40:00-05:00",
            "board": 0,
            "alight": 1,
        },
    ]


def test_routes_only_of_trips_overlapping_the_period_of_the_published_version(world, api_client):
    client = api_client(world.users["organizer"])
    late = {"from": "2026-12-07T08:45:00-05:00", "to": "2026-12-07T10:00:00-05:00"}  # the trips end at 08:45
    assert _features(_get(client, "routes", **late), "trip") == {}
    world.version.is_current = False
    world.version.save()
    assert _features(_get(client, "routes", **PERIOD), "trip") == {}


def test_a_single_stop_trip_still_makes_a_line(world, api_client):
    trip = _trip(world, world.other.vehicle, MORNING, venues=[world.session.venue])
    features = _features(_get(api_client(world.users["organizer"]), "routes", **PERIOD), "trip")
    line = features[trip.code]["geometry"]["coordinates"]
    assert len(line) == 2 and line[0] == line[1]


@pytest.mark.parametrize(
    ("params", "vehicles"),
    [
        ({"kind": "van"}, {"VAN-01"}),
        ({"status": "available"}, {"ARM-01", "VAN-01"}),
        ({"status": "delayed"}, set()),
        ({"vehicle": "ARM-01"}, {"ARM-01"}),
        ({"vehicle": "NOPE"}, set()),
        ({"delegation": "CR"}, {"VAN-01"}),
        ({"delegate": "PA-1"}, {"ARM-01"}),
        ({"venue": "PLACEHOLDER"}, {"VAN-01"}),  # Bruno's hotel
    ],
)
def test_routes_filters(world, api_client, params, vehicles):
    if params.get("venue") == "PLACEHOLDER":
        params = {"venue": world.other.delegate.hotel.code}
    features = _features(_get(api_client(world.users["organizer"]), "routes", **PERIOD, **params), "vehicle")
    assert set(features) == vehicles


@pytest.mark.parametrize("role", ["logistics", "driver"])
def test_roles_that_may_not_see_delegates_may_not_search_routes_by_delegate(world, api_client, role):
    response = _get(api_client(world.users[role]), "routes", delegate="PA-1", **PERIOD)
    assert response.status_code == 400
    assert response.json()["fields"] == {"delegate": ["Your role may not search delegates."]}
    assert _get(api_client(world.users[role]), "routes", delegate="", **PERIOD).status_code == 200


def test_routes_refuse_unknown_kinds_and_statuses(world, api_client):
    client = api_client(world.users["organizer"])
    assert _get(client, "routes", kind="tank").status_code == 400
    assert _get(client, "routes", status="flying").status_code == 400


# Queries


def _grow(world, n: int) -> None:
    """n more venues, vehicles with drivers and positions, delegates arriving, and trips now and in the period."""
    conference, version = world.conference, world.version
    now = timezone.now()
    for _ in range(n):
        venue = VenueFactory(conference=conference)
        vehicle = VehicleFactory(conference=conference, depot=world.own.vehicle.depot)
        DriverFactory(conference=conference, vehicle=vehicle)
        vehicle_status_report(
            vehicle_id=vehicle.pk, event_id="grow", status="en_route", latitude=Decimal(9), longitude=Decimal(-79)
        )
        delegate = DelegateFactory(
            conference=conference,
            delegation=world.own.delegation,
            arrival_at=MORNING,
            arrival_venue=venue,
            departure_at=MORNING + timedelta(minutes=30),
            departure_venue=venue,
        )
        published_ride(version=version, delegate=delegate, vehicle=vehicle, session=world.session)
        _trip(world, vehicle, now - timedelta(minutes=5))
        _trip(world, vehicle, now + timedelta(minutes=30))


@pytest.mark.parametrize("what", ["venues", "vehicles", "routes"])
@pytest.mark.parametrize("role", ["organizer", "liaison", "driver"])
def test_queries_do_not_grow_with_rows(world, api_client, what, role):
    if role == "liaison" and what != "venues":
        return
    client = api_client(world.users[role])
    params = {} if what == "vehicles" else PERIOD
    _grow(world, 1)
    few = get_queries(client, BASE + what, params)
    _grow(world, 4)
    many = get_queries(client, BASE + what, params)
    assert many == few
    if role == "organizer":
        assert len(client.get(BASE + what, params).json()["features"]) > 5


@pytest.mark.parametrize("name", ["vehicle", "venue", "delegation", "delegate"])
def test_null_characters_in_a_filter_are_refused(world, api_client, name):
    response = _get(api_client(world.users["organizer"]), "routes", **{name: "PA\x00"})
    assert response.status_code == 400 and name in response.json()["fields"]


def test_an_offset_postgresql_refuses_is_read_in_utc(world, api_client):
    response = _get(api_client(world.users["organizer"]), "routes", **{"from": "2026-12-07T00:00-21:52"})
    assert response.status_code == 200


def test_map_layers_are_gzipped_for_clients_that_accept_it_and_still_answer_304(world, api_client):
    client = api_client(world.users["organizer"])
    url = "/api/v1/conferences/CASC/map/vehicles"
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"]).status_code == 304


def test_routes_follow_the_roads_when_a_routing_service_is_configured(world, api_client, settings, routing_service):
    from logistics.selectors.map import _road_line

    _road_line.cache_clear()
    url, seen = routing_service
    settings.ROUTING_SERVICE_URL = url
    road = [[-79.5, 8.9], [-79.49, 8.95], [-79.48, 9.0]]
    seen["answer"] = {"code": "Ok", "routes": [{"geometry": {"type": "LineString", "coordinates": road}}]}
    client = api_client(world.users["organizer"])
    period = "from=2026-12-07T00:00:00-05:00&to=2026-12-08T00:00:00-05:00"
    routes = client.get(f"/api/v1/conferences/CASC/map/routes?{period}").json()["features"]
    assert routes and all(r["geometry"]["coordinates"] == road and r["properties"]["roads"] for r in routes)
    asked = len(seen["paths"])
    client.get(f"/api/v1/conferences/CASC/map/routes?{period}")
    assert len(seen["paths"]) == asked  # kept per process

    seen["answer"] = {"code": "NoRoute"}
    _road_line.cache_clear()
    straight = client.get(f"/api/v1/conferences/CASC/map/routes?{period}").json()["features"]
    assert not any(r["properties"]["roads"] for r in straight)
    assert len(seen["paths"]) == asked + 1  # one failure, then the rest of the answer is drawn straight
    _road_line.cache_clear()


# Drivers from drivers.csv


def test_the_vehicles_carry_their_imported_drivers_name_and_phone(driven, api_client):
    url = "/api/v1/conferences/TEST26/map/vehicles"
    features = _features(api_client(driven.users["logistics"]).get(url), "callsign")
    assert {callsign: (f["properties"]["driver"], f["properties"]["phone"]) for callsign, f in features.items()} == {
        "ARM-01": ("Luis Barrios", "+507 6000-1111"),
        "VAN-01": ("Ana Mendoza", "+507 6000-2222"),
    }
    own = _features(api_client(driven.users["driver"]).get(url), "callsign")
    assert list(own) == ["ARM-01"] and own["ARM-01"]["properties"]["driver"] == "Luis Barrios"
