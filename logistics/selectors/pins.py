"""Pins: the organizers' decisions that every run keeps while it can (this leg in this vehicle, picked up then),
what the published version made of them, and which vehicles can carry a movement."""

from dataclasses import dataclass

from django.db.models import QuerySet

from conference.access import Access
from conference.models import Conference
from logistics.models import Movement, Pin, ScheduleVersion, Vehicle, VehicleStatus
from logistics.selectors.schedule import current_version
from scheduling.reasons import TEMPLATES, reason_english

KEPT, INFEASIBLE, WAITING = "kept", "infeasible", "waiting"


def published_movement(*, conference: Conference, code: str) -> Movement | None:
    """The movement of the current version with this code (stable across versions), with who makes it."""
    return (
        Movement.objects.filter(version__conference=conference, version__is_current=True, code=code)
        .select_related("delegate__delegation", "request__delegation", "from_venue", "to_venue", "session")
        .first()
    )


def vehicles_able_to_carry(*, conference: Conference, movement: Movement) -> QuerySet:
    """The conference's vehicles in service that may carry the movement: armoured for a VIP, accessible for a
    delegate who needs it, enough seats for a ride request. Whether one is free in time is the scheduler's to say."""
    vehicles = Vehicle.objects.filter(conference=conference, seats__gte=movement.seats).exclude(
        status=VehicleStatus.OUT_OF_SERVICE
    )
    delegate = movement.delegate
    if delegate is not None and delegate.vip:
        vehicles = vehicles.filter(armoured=True)
    if delegate is not None and delegate.accessible_vehicle:
        vehicles = vehicles.filter(accessible=True)
    return vehicles.order_by("callsign")


@dataclass(frozen=True)
class PinOutcomes:
    """What the published version reported of the pins (its metrics["pins"]): the movements whose pin it kept, and
    the pins it could not keep, {movement, vehicle, code, params} each, by movement."""

    version: ScheduleVersion | None
    kept: frozenset[str]
    infeasible: dict[str, dict]

    def state(self, pin: Pin) -> str:
        """kept, infeasible, or waiting (set after the version was computed, or not reported by it)."""
        if self.version is None or pin.created_at > self.version.computed_at:
            return WAITING
        if pin.movement in self.infeasible:
            return INFEASIBLE
        return KEPT if pin.movement in self.kept else WAITING


def pin_outcomes(*, version: ScheduleVersion | None) -> PinOutcomes:
    reported = (version.metrics or {}).get("pins") if version is not None else None
    reported = reported if isinstance(reported, dict) else {}
    infeasible = {
        str(entry["movement"]): entry
        for entry in reported.get("infeasible") or []
        if isinstance(entry, dict) and entry.get("movement")
    }
    return PinOutcomes(version, frozenset(str(code) for code in reported.get("kept") or []), infeasible)


def pin_problem_english(entry: dict) -> str:
    """Why a pin could not be kept, in English: the reason's template when the scheduler's reasons know its code,
    otherwise its `why` as given."""
    code, params = entry.get("code"), entry.get("params") or {}
    try:
        if code in TEMPLATES:
            return reason_english({"code": code, "params": params})
        why = params.get("why")
        if isinstance(why, dict) and why.get("code") in TEMPLATES:
            return reason_english(why)
    except (KeyError, IndexError, TypeError, ValueError):  # params that do not fit the template: say what we have
        pass
    why = params.get("why")
    return str(why) if why and not isinstance(why, dict) else str(code or "")


def conference_pins(*, access: Access, conference: Conference) -> QuerySet:
    """The conference's pins the user may see, with their vehicle, delegate and author."""
    return access.scope(Pin.objects.filter(conference=conference)).select_related(
        "conference", "vehicle", "delegate__delegation", "created_by"
    )


@dataclass(frozen=True)
class PinRow:
    pin: Pin
    state: str
    problem: dict | None  # {movement, vehicle, code, params} when the published version could not keep it


def pin_rows(*, access: Access, conference: Conference) -> list[PinRow]:
    """Every pin in the user's scope with what the published version made of it: two queries."""
    outcomes = pin_outcomes(version=current_version(conference_id=conference.pk))
    rows = []
    for pin in conference_pins(access=access, conference=conference).order_by("movement"):
        state = outcomes.state(pin)
        rows.append(PinRow(pin, state, outcomes.infeasible.get(pin.movement) if state == INFEASIBLE else None))
    return rows


@dataclass(frozen=True)
class InfeasiblePin:
    """A pin the published version reported it could not keep, with the movement it names (None when the version
    has no such movement) and the pin as it is now (None when it was removed since)."""

    entry: dict
    movement: Movement | None
    pin: Pin | None

    @property
    def code(self) -> str:
        return str(self.entry.get("movement", ""))

    @property
    def vehicle(self) -> str:
        return str(self.entry.get("vehicle", ""))


def infeasible_pins(*, access: Access, conference: Conference) -> list[InfeasiblePin]:
    """The pins the current version's metrics say it could not keep, in the user's scope: three queries."""
    version = current_version(conference_id=conference.pk)
    outcomes = pin_outcomes(version=version)
    if not outcomes.infeasible:
        return []
    codes = list(outcomes.infeasible)
    movements = {
        movement.code: movement
        for movement in access.scope(Movement.objects.filter(version=version, code__in=codes)).select_related(
            "delegate__delegation", "request__delegation", "from_venue", "to_venue"
        )
    }
    pins = {
        pin.movement: pin for pin in conference_pins(access=access, conference=conference).filter(movement__in=codes)
    }
    known = sorted(
        (code for code in codes if code in movements), key=lambda code: (movements[code].earliest_pickup, code)
    )
    gone = sorted(code for code in codes if code not in movements and code in pins)  # the movement left the version
    return [InfeasiblePin(outcomes.infeasible[code], movements.get(code), pins.get(code)) for code in known + gone]


def pin_row(*, pin: Pin) -> PinRow:
    """One pin with what the published version made of it (a pin just set is waiting for the next run)."""
    outcomes = pin_outcomes(version=current_version(conference_id=pin.conference_id))
    state = outcomes.state(pin)
    return PinRow(pin, state, outcomes.infeasible.get(pin.movement) if state == INFEASIBLE else None)
