"""Plain data in and out of the scheduler. No Django: the app builds these from its tables."""

from dataclasses import dataclass, field
from datetime import datetime

from scheduling.rules import MovementRules, Point


@dataclass(frozen=True)
class Person:
    id: str  # the delegate's external_id
    delegation: str
    hotel: str  # place code
    vip: bool = False
    separate: bool = False  # the delegation never shares a vehicle with another
    accessible: bool = False
    arrival_at: datetime | None = None
    arrival_place: str | None = None
    departure_at: datetime | None = None
    departure_place: str | None = None
    dedicated_vehicle: str | None = None  # a callsign reserved for this VIP for the whole stay


@dataclass(frozen=True)
class Event:
    code: str
    place: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Ride:
    """An approved resource request for a vehicle: a delegation's party from one place to another."""

    id: str
    delegation: str
    origin: str
    destination: str
    window_start: datetime
    window_end: datetime
    seats: int


@dataclass(frozen=True)
class Car:
    callsign: str
    seats: int
    depot: str
    armoured: bool = False
    accessible: bool = False
    available_from: datetime | None = None
    available_until: datetime | None = None
    out_of_service: bool = False  # its trips that have started stay; nothing new is given to it


@dataclass(frozen=True)
class Movement:
    """One person's (or one ride's) need to get from origin to destination within the windows."""

    id: str
    kind: str  # arrival, to_session, to_hotel, departure, request
    passenger: str  # person id, or ride id for requests
    delegation: str
    origin: str
    destination: str
    earliest_pickup: datetime
    latest_pickup: datetime
    earliest_dropoff: datetime
    latest_dropoff: datetime
    seats: int = 1
    vip: bool = False
    separate: bool = False
    accessible: bool = False
    session: str | None = None
    ride: str | None = None


@dataclass(frozen=True)
class Unserved:
    movement: str | None  # None when the need never became a movement (a skipped session)
    passenger: str
    origin: str | None
    destination: str | None
    reason: str  # a Reason (scheduling/reasons.py): English text with its code and params
    session: str | None = None


@dataclass(frozen=True)
class Pin:
    """An organizer's decision: the movement rides in this vehicle (picked up at this time, when given)."""

    movement: str
    vehicle: str
    pickup_at: datetime | None = None


@dataclass
class Scenario:
    rules: MovementRules
    zone: object  # tzinfo of the conference: days and waves are local
    places: dict[str, Point]
    people: list[Person]
    events: list[Event]
    attendance: dict[str, list[str]]  # person id -> event codes
    cars: list[Car]
    rides: list[Ride] = field(default_factory=list)
    pins: list[Pin] = field(default_factory=list)
    cancelled: frozenset[str] = frozenset()  # movement ids the desk cancelled (a no-show's later legs)


@dataclass(frozen=True)
class Stop:
    place: str
    arrive_at: datetime
    depart_at: datetime
    board: tuple[str, ...] = ()  # movement ids
    alight: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trip:
    id: str
    vehicle: str
    stops: tuple[Stop, ...]


@dataclass
class Schedule:
    trips: list[Trip]
    movements: list[Movement]
    unserved: list[Unserved]
    metrics: dict = field(default_factory=dict)
