"""Small hand-made scenarios in Panama City for scheduler tests."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.model import Car, Event, Person, Ride, Scenario
from scheduling.rules import MovementRules

PANAMA = ZoneInfo("America/Panama")
PLACES = {
    "PTY": (9.0714, -79.3835),  # airport
    "ATL": (8.9858, -79.5118),  # convention centre
    "PCC": (8.9245, -79.5386),  # second venue
    "HIL": (8.9773, -79.5208),  # hotel
    "JWM": (8.9782, -79.5068),  # hotel
    "DEP": (8.9730, -79.5480),  # depot
}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=PANAMA)


def person(pid: str, delegation: str = "PA", hotel: str = "HIL", **fields) -> Person:
    return Person(id=pid, delegation=delegation, hotel=hotel, **fields)


def car(callsign: str, seats: int = 8, **fields) -> Car:
    fields.setdefault("available_from", at(6, 5))
    fields.setdefault("available_until", at(9, 23, 30))
    return Car(callsign=callsign, seats=seats, depot="DEP", **fields)


PLENARY = Event("PLEN", "ATL", at(7, 9), at(7, 10, 30))
WORKSHOP = Event("WS", "PCC", at(7, 11, 15), at(7, 12, 45))
SAME_VENUE = Event("WS-ATL", "ATL", at(7, 11, 15), at(7, 12, 45))
EVENING = Event("RECEPTION", "PCC", at(7, 19), at(7, 21))


def scenario(people, cars, attendance=None, events=(PLENARY, WORKSHOP, SAME_VENUE, EVENING), rides=()) -> Scenario:
    return Scenario(
        rules=MovementRules(),
        zone=PANAMA,
        places=dict(PLACES),
        people=list(people),
        events=list(events),
        attendance=attendance if attendance is not None else {p.id: ["PLEN"] for p in people},
        cars=list(cars),
        rides=list(rides),
    )


def ride(rid: str, delegation: str, seats: int = 2) -> Ride:
    return Ride(rid, delegation, "HIL", "PCC", at(7, 14), at(7, 15, 30), seats)


MINUTE = timedelta(minutes=1)
