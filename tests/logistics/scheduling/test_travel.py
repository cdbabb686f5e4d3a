import pytest

from logistics.scheduling.rules import MovementRules
from logistics.scheduling.travel import RoutingServiceError, formula_matrix, osrm_matrix, osrm_route

PLACES = {"ATL": (8.9858, -79.5118), "HIL": (8.9773, -79.5208)}


def test_formula_matrix_uses_the_contract_rules():
    matrix = formula_matrix(PLACES, MovementRules())
    assert matrix.places == ("ATL", "HIL")
    assert matrix.seconds[0][0] == 0 and matrix.seconds[0][1] == matrix.seconds[1][0] == 240
    assert matrix.metres[0][1] == 1778  # 1.37 km as the crow flies, x 1.3


def test_osrm_table_durations_are_rounded_up_to_the_minute(routing_service):
    url, seen = routing_service
    seen["answer"] = {"code": "Ok", "durations": [[0, 301.5], [280, 0]], "distances": [[0, 2500.4], [2400, 0]]}
    matrix = osrm_matrix(PLACES, url)
    assert seen["path"] == "/table/v1/driving/-79.511800,8.985800;-79.520800,8.977300?annotations=duration,distance"
    assert matrix.seconds == ((0, 360), (300, 0))
    assert matrix.metres == ((0, 2500), (2400, 0))


def test_osrm_errors_are_explained(routing_service):
    url, seen = routing_service
    seen["answer"] = {"code": "InvalidQuery", "message": "Query string malformed"}
    with pytest.raises(RoutingServiceError, match="answered InvalidQuery: Query string malformed"):
        osrm_matrix(PLACES, url)
    seen["answer"] = {"code": "Ok", "durations": [[0, None], [1, 0]], "distances": [[0, None], [1, 0]]}
    with pytest.raises(RoutingServiceError, match="no road between some places"):
        osrm_matrix(PLACES, url)
    with pytest.raises(RoutingServiceError, match="did not answer"):
        osrm_matrix(PLACES, "http://127.0.0.1:9")


def test_osrm_route_answers_the_road_geometry_in_geojson_order(routing_service):
    url, seen = routing_service
    road = [[-79.5118, 8.9858], [-79.515, 8.981], [-79.5208, 8.9773]]
    seen["answer"] = {"code": "Ok", "routes": [{"geometry": {"type": "LineString", "coordinates": road}}]}
    assert osrm_route([PLACES["ATL"], PLACES["HIL"]], url) == [tuple(point) for point in road]
    assert seen["path"] == (
        "/route/v1/driving/-79.511800,8.985800;-79.520800,8.977300?overview=full&geometries=geojson"
    )


def test_osrm_route_without_a_route_is_explained(routing_service):
    url, seen = routing_service
    seen["answer"] = {"code": "NoRoute", "message": "Impossible route between points"}
    with pytest.raises(RoutingServiceError, match="NoRoute: Impossible route"):
        osrm_route([PLACES["ATL"], PLACES["HIL"]], url)
