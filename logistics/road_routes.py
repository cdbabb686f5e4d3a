"""Road geometry for the map's route lines, from an OSRM-compatible /route service (ROUTING_SERVICE_URL)."""

from scheduling.rules import Point
from scheduling.travel import RoutingServiceError, ask_routing_service


def osrm_route(points: list[Point], base_url: str, timeout: float = 5.0) -> list[tuple[float, float]]:
    """The road geometry through these (latitude, longitude) points from an OSRM-compatible /route service, as
    [longitude, latitude] positions (GeoJSON order)."""
    coordinates = ";".join(f"{longitude:.6f},{latitude:.6f}" for latitude, longitude in points)
    data = ask_routing_service(base_url, f"route/v1/driving/{coordinates}?overview=full&geometries=geojson", timeout)
    try:
        if data.get("code") != "Ok":
            raise RoutingServiceError(
                f"the routing service at {base_url} answered {data.get('code')}: {data.get('message', '')}"
            )
        return [
            (float(longitude), float(latitude)) for longitude, latitude in data["routes"][0]["geometry"]["coordinates"]
        ]
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise RoutingServiceError(f"the routing service at {base_url} answered no route geometry: {exc}") from exc
