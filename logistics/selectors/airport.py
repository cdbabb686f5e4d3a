"""The flight of an airport pickup or drop-off, wherever a pickup is shown: its number, scheduled time and the
time the desk expects it (a flight's expected time, delegates.selectors.flights)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from conference.models import Conference
from delegates.selectors.flights import flight_shifts
from logistics.models import Movement, MovementKind


@dataclass(frozen=True)
class LegFlight:
    number: str
    scheduled_at: datetime
    expected_at: datetime | None  # None: no expected time set; the scheduled time holds

    @property
    def at(self) -> datetime:
        return self.expected_at or self.scheduled_at

    def as_dict(self) -> dict:
        return {"number": self.number, "scheduled_at": self.scheduled_at, "expected_at": self.expected_at}


def movement_flights(*, conference: Conference, movements: Iterable[Movement]) -> None:
    """Set `flight` (a LegFlight, or None) on each movement: an arrival's or departure's flight when the delegate
    has a flight number and time. The movements' delegates must be loaded. One to three queries."""
    movements = list(movements)
    flying = [m for m in movements if m.kind in (MovementKind.ARRIVAL, MovementKind.DEPARTURE) and m.delegate_id]
    shifts = flight_shifts(conference=conference) if flying else {}
    for movement in movements:
        movement.flight = None
    for movement in flying:
        delegate = movement.delegate
        kind = "arrival" if movement.kind == MovementKind.ARRIVAL else "departure"
        number, scheduled = getattr(delegate, f"{kind}_flight"), getattr(delegate, f"{kind}_at")
        if not number or scheduled is None:
            continue
        shift = shifts.get((delegate.external_id, kind))
        movement.flight = LegFlight(number, scheduled, scheduled + shift if shift else None)
