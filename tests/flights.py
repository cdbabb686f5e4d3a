"""A conference whose delegates fly, for the flight tests of every layer."""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from tests.factories import ConferenceFactory, DelegateFactory, DelegationFactory, VehicleFactory, VenueFactory

PANAMA = ZoneInfo("America/Panama")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of December 2026 in Panama (UTC-5), the flying conference's zone."""
    return datetime(2026, 12, day, hour, minute, tzinfo=PANAMA)


def flying_conference(code: str = "FLY") -> SimpleNamespace:
    """A conference (7-8 Dec 2026, Panama) with an airport, a hotel, a depot and two vans, and four delegates of
    two delegations:

    - CM 675 lands on 7 Dec with PA-1 (09:55) and PA-2 and CR-1 (10:05); CR-2 lands on 7 Dec at 21:30 on CM 999,
      which is 8 Dec in UTC;
    - PA-1 and PA-2 leave on 8 Dec at 18:00 on IB 672; CR-1 leaves on 8 Dec at 16:00 on CM 675 (the same number as
      the arrival, another date); CR-2 has no flight number for the departure."""
    conference = ConferenceFactory(code=code)
    airport = VenueFactory(
        conference=conference, code="PTY", name="Tocumen", kind="airport", latitude="9.071400", longitude="-79.383500"
    )
    hotel = VenueFactory(
        conference=conference, code="HIL", name="Hilton", kind="hotel", latitude="8.977300", longitude="-79.520800"
    )
    depot = VenueFactory(conference=conference, code="DEP", kind="depot", latitude="8.973000", longitude="-79.548000")
    panama = DelegationFactory(conference=conference, code="PA", name="Panama")
    costa_rica = DelegationFactory(conference=conference, code="CR", name="Costa Rica")
    people = {}
    for external_id, delegation, given, arrival_at, arrival_flight, departure_at, departure_flight in [
        ("PA-1", panama, "Ana", local(7, 9, 55), "CM 675", local(8, 18), "IB 672"),
        ("PA-2", panama, "Luis", local(7, 10, 5), "CM 675", local(8, 18), "IB 672"),
        ("CR-1", costa_rica, "Bruno", local(7, 10, 5), "CM 675", local(8, 16), "CM 675"),
        ("CR-2", costa_rica, "Carla", local(7, 21, 30), "CM 999", local(8, 20), ""),
    ]:
        people[external_id] = DelegateFactory(
            conference=conference,
            external_id=external_id,
            given_name=given,
            family_name=f"Flyer {external_id}",
            delegation=delegation,
            hotel=hotel,
            arrival_at=arrival_at,
            arrival_venue=airport,
            arrival_flight=arrival_flight,
            departure_at=departure_at,
            departure_venue=airport,
            departure_flight=departure_flight,
        )
    for callsign in ("VAN-01", "VAN-02"):
        VehicleFactory(conference=conference, callsign=callsign, seats=8, depot=depot)
    return SimpleNamespace(conference=conference, airport=airport, hotel=hotel, people=people)
