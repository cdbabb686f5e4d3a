"""Travel times and distances between places: the contract's formula, or an OSRM-compatible table service."""

import json
import math
import urllib.request
from dataclasses import dataclass

from scheduling.rules import MovementRules, Point


@dataclass(frozen=True)
class TravelMatrix:
    """Whole-minute travel times (in seconds) and road distances (in metres) between named places."""

    places: tuple[str, ...]
    seconds: tuple[tuple[int, ...], ...]
    metres: tuple[tuple[int, ...], ...]

    def index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.places)}

    def to_dict(self) -> dict:
        return {
            "places": list(self.places),
            "seconds": [list(r) for r in self.seconds],
            "metres": [list(r) for r in self.metres],
        }


def formula_matrix(places: dict[str, Point], rules: MovementRules) -> TravelMatrix:
    codes = tuple(sorted(places))
    seconds = tuple(tuple(int(rules.travel_time(places[a], places[b]).total_seconds()) for b in codes) for a in codes)
    metres = tuple(tuple(round(rules.road_km(places[a], places[b]) * 1000) for b in codes) for a in codes)
    return TravelMatrix(codes, seconds, metres)


class RoutingServiceError(RuntimeError):
    pass


def osrm_matrix(places: dict[str, Point], base_url: str, timeout: float = 30.0) -> TravelMatrix:
    """Ask an OSRM-compatible /table service for road durations and distances (durations rounded up to the minute)."""
    codes = tuple(sorted(places))
    coordinates = ";".join(f"{places[code][1]:.6f},{places[code][0]:.6f}" for code in codes)
    data = ask_routing_service(base_url, f"table/v1/driving/{coordinates}?annotations=duration,distance", timeout)
    if data.get("code") != "Ok" or "durations" not in data or "distances" not in data:
        raise RoutingServiceError(
            f"the routing service at {base_url} answered {data.get('code')}: {data.get('message', '')}"
        )
    try:
        seconds = tuple(tuple(math.ceil(value / 60) * 60 for value in row) for row in data["durations"])
        metres = tuple(tuple(round(value) for value in row) for row in data["distances"])
    except TypeError:
        raise RoutingServiceError("the routing service found no road between some places") from None
    if len(seconds) != len(codes) or any(len(row) != len(codes) for row in seconds):
        raise RoutingServiceError("the routing service answered a table of the wrong size")
    return TravelMatrix(codes, seconds, metres)


def ask_routing_service(base_url: str, path: str, timeout: float) -> dict:
    try:
        with urllib.request.urlopen(f"{base_url.rstrip('/')}/{path}", timeout=timeout) as response:
            return json.load(response)
    except (OSError, ValueError) as exc:
        raise RoutingServiceError(f"the routing service at {base_url} did not answer: {exc}") from exc
