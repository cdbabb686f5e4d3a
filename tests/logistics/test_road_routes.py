import pytest

from logistics.road_routes import osrm_route
from scheduling.travel import RoutingServiceError

PLACES = {"ATL": (8.9858, -79.5118), "HIL": (8.9773, -79.5208)}


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
