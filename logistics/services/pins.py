"""Pins: an organizer puts a leg (a movement of the published schedule) in a vehicle, and optionally fixes its pickup
time; every later run keeps the pin while it is feasible and reports it when it is not. Each change asks for a
recompute."""

from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.errors import Invalid, Refused
from conference.models import Conference
from logistics.models import Movement, Pin, Vehicle, VehicleStatus
from logistics.run_reasons import trigger
from logistics.selectors.pins import published_movement
from logistics.selectors.schedule import current_version
from logistics.services.schedule import schedule_recompute_request


def pin_create(
    *, conference: Conference, movement: str, vehicle: str, pickup_at: datetime | None = None, user=None
) -> Pin:
    """Pin the movement (its code in the published schedule) to the vehicle (its callsign), picked up at `pickup_at`
    (a naive time is the conference's local time) or at any time of its pickup window; an earlier pin of the
    movement is replaced. Setting the same pin again changes nothing and asks for no recompute."""
    found = published_movement(conference=conference, code=movement)
    if found is None:
        if current_version(conference_id=conference.pk) is None:
            raise Invalid(
                _("%(conference)s has no published schedule yet: there is no movement to pin.")
                % {"conference": conference.code},
                field="movement",
            )
        raise Invalid(
            _("There is no movement %(movement)s in the published schedule of %(conference)s.")
            % {"movement": movement, "conference": conference.code},
            field="movement",
        )
    car = Vehicle.objects.filter(conference=conference, callsign=vehicle).first()
    if car is None:
        raise Invalid(
            _("%(conference)s has no vehicle %(vehicle)s.") % {"conference": conference.code, "vehicle": vehicle},
            field="vehicle",
        )
    if car.status == VehicleStatus.OUT_OF_SERVICE:
        raise Refused(
            _("%(vehicle)s is out of service: put it back in service before pinning a leg to it.")
            % {"vehicle": car.callsign},
            field="vehicle",
        )
    _check_can_carry(car, found)
    moment = _pickup_moment(conference, found, pickup_at)
    with transaction.atomic():
        earlier = Pin.objects.select_for_update().filter(conference=conference, movement=found.code).first()
        if earlier is not None and earlier.vehicle_id == car.pk and earlier.pickup_at == moment:
            earlier.vehicle = car
            return earlier
        pin, _created = Pin.objects.update_or_create(
            conference=conference,
            movement=found.code,
            defaults={
                "delegate": found.delegate,
                "vehicle": car,
                "pickup_at": moment,
                "created_at": timezone.now(),  # a replaced pin is a new decision
                "created_by": user,
            },
        )
        schedule_recompute_request(
            conference_id=conference.pk,
            trigger=trigger("pin_set", movement=found.code, vehicle=car.callsign),
            user=user,
        )
    return pin


def pin_delete(*, conference: Conference, pin_id: int | None = None, movement: str | None = None, user=None) -> Pin:
    """Remove the pin, named by its id or its movement's code, and ask for a recompute. Returns the removed pin;
    raises Pin.DoesNotExist when the conference has no such pin."""
    if (pin_id is None) == (movement is None):
        raise Invalid(_("Name the pin to remove by its id or by its movement."), field="movement")
    with transaction.atomic():
        pins = Pin.objects.select_for_update().filter(conference=conference)
        pin = pins.filter(pk=pin_id).first() if pin_id is not None else pins.filter(movement=movement).first()
        if pin is None:
            raise Pin.DoesNotExist(f"{conference.code} has no pin {pin_id if pin_id is not None else movement}.")
        callsign = Vehicle.objects.filter(pk=pin.vehicle_id).values_list("callsign", flat=True).get()
        pin.delete()
        schedule_recompute_request(
            conference_id=conference.pk,
            trigger=trigger("pin_removed", movement=pin.movement, vehicle=callsign),
            user=user,
        )
    return pin


def _check_can_carry(car: Vehicle, movement: Movement) -> None:
    delegate = movement.delegate
    if delegate is not None and delegate.vip and not car.armoured:
        raise Invalid(
            _("%(delegate)s is a VIP and rides only in an armoured vehicle; %(vehicle)s is not armoured.")
            % {"delegate": delegate.full_name, "vehicle": car.callsign},
            field="vehicle",
        )
    if delegate is not None and delegate.accessible_vehicle and not car.accessible:
        raise Invalid(
            _("%(delegate)s needs a wheelchair-accessible vehicle; %(vehicle)s is not accessible.")
            % {"delegate": delegate.full_name, "vehicle": car.callsign},
            field="vehicle",
        )
    if car.seats < movement.seats:
        raise Invalid(
            _("%(movement)s needs %(seats)s seats; %(vehicle)s has %(has)s.")
            % {"movement": movement.code, "seats": movement.seats, "vehicle": car.callsign, "has": car.seats},
            field="vehicle",
        )


def _pickup_moment(conference: Conference, movement: Movement, pickup_at: datetime | None) -> datetime | None:
    """The pickup time as stored (UTC), checked against the movement's pickup window."""
    if pickup_at is None:
        return None
    if timezone.is_naive(pickup_at):
        pickup_at = pickup_at.replace(tzinfo=conference.zone)
    try:
        moment = pickup_at.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+05:00, before the first moment a database stores
        raise Invalid(_("This moment is out of range."), field="pickup_at") from None
    if not movement.earliest_pickup <= moment <= movement.latest_pickup:
        local = "%Y-%m-%d %H:%M"
        raise Invalid(
            _("%(movement)s is picked up between %(earliest)s and %(latest)s (%(zone)s): choose a time in that window.")
            % {
                "movement": movement.code,
                "earliest": conference.local(movement.earliest_pickup).strftime(local),
                "latest": conference.local(movement.latest_pickup).strftime(local),
                "zone": conference.timezone,
            },
            field="pickup_at",
        )
    return moment
