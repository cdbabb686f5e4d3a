import pytest

from scheduling.rules import MovementRules
from scheduling.travel import RoutingServiceError, formula_matrix, osrm_matrix

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
