"""Movement rules of the data contract: travel times and which sessions a delegate can reach."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from scheduling.reasons import Reason, local_iso

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


@dataclass(frozen=True)
class Place:
    code: str
    point: Point


@dataclass(frozen=True)
class Stay:
    """Where a delegate sleeps and when and where they land and leave (either end may be unknown)."""

    hotel: Place
    arrival_at: datetime | None = None
    arrival_place: Place | None = None
    departure_at: datetime | None = None
    departure_place: Place | None = None


@dataclass(frozen=True)
class Visit:
    session: str
    place: Place
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class AttendanceProblem:
    session: str
    kind: str  # "conflict", "before_arrival" or "after_departure"
    reason: Reason  # session_conflict, session_before_arrival or session_after_departure


def attendance_problems(
    rules: MovementRules, stay: Stay, visits: list[Visit], zone: tzinfo | None = None
) -> list[AttendanceProblem]:
    """Sessions a delegate cannot attend: unreachable after landing, too close to the flight out, or overlapping.
    Moments in the reasons are in `zone` (as given when there is none)."""
    problems: list[AttendanceProblem] = []
    attended: list[Visit] = []
    for visit in sorted(visits, key=lambda v: (v.starts_at, v.session)):
        problem = _reach_problem(rules, stay, visit, zone)
        if problem is None:
            clash = next((earlier for earlier in attended if visit.starts_at < earlier.ends_at), None)
            if clash is not None:
                problem = AttendanceProblem(
                    visit.session, "conflict", Reason.of("session_conflict", overlaps=clash.session)
                )
        if problem is None:
            attended.append(visit)
        else:
            problems.append(problem)
    return problems


def _reach_problem(rules: MovementRules, stay: Stay, visit: Visit, zone: tzinfo | None) -> AttendanceProblem | None:
    hotel = stay.hotel.point
    venue = visit.place.point
    if stay.arrival_at is not None and stay.arrival_place is not None:
        at_hotel = (
            stay.arrival_at + rules.arrival_ready + rules.travel_time(stay.arrival_place.point, hotel) + rules.dwell
        )
        earliest_at_venue = at_hotel + rules.travel_time(hotel, venue) + rules.dwell
        latest_at_venue = visit.starts_at - rules.session_arrive_latest
        if earliest_at_venue > latest_at_venue:
            reason = Reason.of(
                "session_before_arrival",
                venue=visit.place.code,
                landing_at=local_iso(stay.arrival_at, zone),
                earliest_at=local_iso(earliest_at_venue, zone),
                needed_at=local_iso(latest_at_venue, zone),
            )
            return AttendanceProblem(visit.session, "before_arrival", reason)
    if stay.departure_at is not None and stay.departure_place is not None:
        back_at_hotel = visit.ends_at + rules.travel_time(venue, hotel) + rules.dwell
        at_airport = back_at_hotel + rules.travel_time(hotel, stay.departure_place.point) + rules.dwell
        latest_at_airport = stay.departure_at - rules.departure_arrive_latest
        if at_airport > latest_at_airport:
            reason = Reason.of(
                "session_after_departure",
                venue=visit.place.code,
                departure_venue=stay.departure_place.code,
                ends_at=local_iso(visit.ends_at, zone),
                needed_at=local_iso(latest_at_airport, zone),
                flight_at=local_iso(stay.departure_at, zone),
            )
            return AttendanceProblem(visit.session, "after_departure", reason)
    return None
