"""An airport pickup for the driver loop's tests of every layer, added to the `world` fixture (tests/conftest.py)."""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from delegates.models import Flight
from tests.factories import (
    DelegateFactory,
    MovementFactory,
    StopFactory,
    StopPassengerFactory,
    TripFactory,
    UserFactory,
    UserRoleFactory,
    VenueFactory,
)

PANAMA = ZoneInfo("America/Panama")
DAY = "2026-12-07"


def local(hour: int, minute: int = 0) -> datetime:
    """A moment of 7 Dec 2026 in Panama, the world's conference's zone."""
    return datetime(2026, 12, 7, hour, minute, tzinfo=PANAMA)


EXPECTED = local(6, 40)  # when the desk expects CM 675


def airport_pickup(world, *, expected_at: datetime | None = EXPECTED) -> SimpleNamespace:
    """ARM-01 picks up Luis (PA-2) and Carla (CR-2) off CM 675 (scheduled 06:00, expected `expected_at`) at Tocumen
    at 06:45 and drops them at their hotel at 07:30, before the world's 08:20 ride; each delegation has a liaison
    with an e-mail address."""
    conference, own, other = world.conference, world.own, world.other
    airport = VenueFactory(
        conference=conference,
        code="PTY",
        name="Tocumen Airport",
        kind="airport",
        latitude="9.071400",
        longitude="-79.383500",
        address="Av. Domingo Díaz",
    )
    hotel = own.delegate.hotel
    people = {}
    for external_id, delegation, given in (("PA-2", own.delegation, "Luis"), ("CR-2", other.delegation, "Carla")):
        people[external_id] = DelegateFactory(
            conference=conference,
            external_id=external_id,
            given_name=given,
            family_name="Flyer",
            delegation=delegation,
            hotel=hotel,
            arrival_at=local(6),
            arrival_venue=airport,
            arrival_flight="CM 675",
        )
    if expected_at is not None:
        Flight.objects.create(
            conference=conference, number="CM 675", date=local(6).date(), kind="arrival", expected_at=expected_at
        )
    trip = TripFactory(version=world.version, vehicle=own.vehicle, starts_at=local(6, 30), ends_at=local(7, 35))
    pickup = StopFactory(trip=trip, sequence=1, venue=airport, arrive_at=local(6, 45), depart_at=local(6, 50))
    dropoff = StopFactory(trip=trip, sequence=2, venue=hotel, arrive_at=local(7, 30), depart_at=local(7, 30))
    for external_id, delegate in people.items():
        movement = MovementFactory(
            version=world.version,
            delegate=delegate,
            code=f"{external_id}#arrival",
            kind="arrival",
            from_venue=airport,
            to_venue=hotel,
            earliest_pickup=local(6, 45),
            latest_pickup=local(7, 30),
            earliest_dropoff=local(6, 50),
            latest_dropoff=local(8, 30),
        )
        StopPassengerFactory(stop=pickup, movement=movement, action="board")
        StopPassengerFactory(stop=dropoff, movement=movement, action="alight")
    liaisons = {
        code: UserRoleFactory(
            role="liaison",
            delegation=delegation,
            user=UserFactory(email=f"liaison-{code.lower()}@example.org", first_name="Liaison", last_name=code),
        ).user
        for code, delegation in (("PA", own.delegation), ("CR", other.delegation))
    }
    return SimpleNamespace(trip=trip, airport=airport, hotel=hotel, people=people, liaisons=liaisons)
