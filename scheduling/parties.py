"""Group movements into parties that may ride together, cut to sizes a vehicle can take."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from scheduling.model import Car, Movement


@dataclass(frozen=True)
class Party:
    id: str
    movements: tuple[Movement, ...]
    origin: str
    destination: str
    earliest_pickup: datetime
    latest_pickup: datetime
    earliest_dropoff: datetime
    latest_dropoff: datetime
    exclusive: bool  # nobody else on board while it rides
    armoured: bool
    accessible: bool
    only: str | None = None  # the one vehicle it may ride in (a pin, a dedicated vehicle)
    pickup_at: datetime | None = None  # a pinned pickup time
    pinned: bool = False  # `only` is an organizer's pin: tried, and reported when it cannot be kept
    prefer: str | None = None  # the vehicle tried first (a VIP's usual car)

    @property
    def seats(self) -> int:
        return sum(movement.seats for movement in self.movements)


@dataclass(frozen=True)
class PartyOptions:
    shared_size: int = 8  # shared parties are cut into groups of at most this many: a van-load
    exclusive_size: int = 8  # a delegation riding alone: at most a van-load per group


def build_parties(
    movements: list[Movement],
    cars: list[Car],
    options: PartyOptions = PartyOptions(),
    vehicle_choice: Callable[[Movement], tuple] | None = None,
) -> list[Party]:
    """People with the same origin, destination and windows, who may share a vehicle, in groups.

    A VIP rides only with VIPs of the same delegation, in an armoured vehicle; a separate_transport
    delegation rides only with itself; a person who needs an accessible vehicle rides in one, so
    they form their own groups. Requests ride alone. `vehicle_choice(movement)` gives (only, pickup_at, pinned,
    prefer): movements with different choices never share a party.

    A party's id is its first movement's: stable when other parties come or go, so that the same day gives the
    same problem whatever happens on other days.
    """
    armoured_seats = max((car.seats for car in cars if car.armoured), default=1)
    groups: dict[tuple, list[Movement]] = defaultdict(list)
    for movement in movements:
        if movement.kind == "request":
            compat: tuple = ("request", movement.id)
        elif movement.vip:
            compat = ("vip", movement.delegation, movement.accessible)
        elif movement.separate:
            compat = ("separate", movement.delegation, movement.accessible)
        else:
            compat = ("shared", movement.accessible)
        choice = vehicle_choice(movement) if vehicle_choice else (None, None, False, None)
        key = (movement.origin, movement.destination, movement.latest_pickup, movement.latest_dropoff, compat, choice)
        groups[key].append(movement)
    parties = []
    for key in sorted(groups, key=lambda k: (k[2], k[0], k[1], k[3], k[4], str(k[5]))):
        members = sorted(groups[key], key=lambda m: m.id)
        kind = key[4][0]
        size = {"vip": armoured_seats, "separate": options.exclusive_size, "shared": options.shared_size}.get(kind)
        if size is not None:  # never a group bigger than the largest vehicle that may carry it
            accessible = any(m.accessible for m in members)
            fitting = [car.seats for car in cars if car.accessible or not accessible]
            size = max(1, min(size, max(fitting, default=size)))
        chunks = [members] if size is None else [members[i : i + size] for i in range(0, len(members), size)]
        only, pickup_at, pinned, prefer = key[5]
        for chunk in chunks:
            parties.append(
                Party(
                    id=f"P:{chunk[0].id}",
                    movements=tuple(chunk),
                    origin=key[0],
                    destination=key[1],
                    earliest_pickup=max(m.earliest_pickup for m in chunk),
                    latest_pickup=min(m.latest_pickup for m in chunk),
                    earliest_dropoff=max(m.earliest_dropoff for m in chunk),
                    latest_dropoff=min(m.latest_dropoff for m in chunk),
                    exclusive=kind in ("vip", "separate", "request"),
                    armoured=kind == "vip",
                    accessible=any(m.accessible for m in chunk),
                    only=only,
                    pickup_at=pickup_at,
                    pinned=pinned,
                    prefer=prefer,
                )
            )
    return parties
