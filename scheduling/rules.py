"""Movement rules of the data contract: travel times, dwell and ride-time limits, the movement windows."""

import math
from dataclasses import dataclass
from datetime import timedelta

Point = tuple[float, float]  # (latitude, longitude) in degrees

EARTH_RADIUS_KM = 6371.0088


def great_circle_km(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class MovementRules:
    road_factor: float = 1.3
    speed_kmh: float = 30.0
    dwell: timedelta = timedelta(minutes=5)
    arrival_ready: timedelta = timedelta(minutes=45)
    arrival_pickup_window: timedelta = timedelta(minutes=45)
    session_arrive_earliest: timedelta = timedelta(minutes=45)
    session_arrive_latest: timedelta = timedelta(minutes=10)
    return_to_hotel_gap: timedelta = timedelta(minutes=120)
    hotel_pickup_window: timedelta = timedelta(minutes=30)
    departure_arrive_earliest: timedelta = timedelta(minutes=240)
    departure_arrive_latest: timedelta = timedelta(minutes=150)
    ride_time_factor: float = 1.5
    ride_time_extra: timedelta = timedelta(minutes=15)

    def road_km(self, a: Point, b: Point) -> float:
        return great_circle_km(a, b) * self.road_factor

    def travel_time(self, a: Point, b: Point) -> timedelta:
        """Road distance at the average speed, rounded up to the whole minute."""
        minutes = self.road_km(a, b) / self.speed_kmh * 60
        return timedelta(minutes=math.ceil(minutes - 1e-9))

    def max_ride_time(self, direct: timedelta) -> timedelta:
        return max(direct * self.ride_time_factor, direct + self.ride_time_extra)
