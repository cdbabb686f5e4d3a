"""Vehicle status from the field: idempotent by the client's event id, serialised per vehicle, audited."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.errors import Invalid, Refused
from logistics.models import StatusOutcome, Vehicle, VehicleStatus, VehicleStatusEvent
from logistics.run_reasons import trigger
from logistics.services.notifications import notifications_for_vehicle_status
from logistics.services.schedule import schedule_recompute_request

S = VehicleStatus
# Where a vehicle may go from each status. Reporting the current status again (a position update) is always allowed.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.AVAILABLE: frozenset({S.EN_ROUTE, S.RETURNING, S.DELAYED, S.OUT_OF_SERVICE}),
    S.EN_ROUTE: frozenset({S.AT_PICKUP, S.DELAYED, S.RETURNING, S.AVAILABLE, S.OUT_OF_SERVICE}),
    S.AT_PICKUP: frozenset({S.PASSENGERS_ON_BOARD, S.EN_ROUTE, S.DELAYED, S.AVAILABLE, S.OUT_OF_SERVICE}),
    S.PASSENGERS_ON_BOARD: frozenset({S.AT_PICKUP, S.EN_ROUTE, S.DELAYED, S.RETURNING, S.AVAILABLE, S.OUT_OF_SERVICE}),
    S.RETURNING: frozenset({S.AVAILABLE, S.EN_ROUTE, S.DELAYED, S.OUT_OF_SERVICE}),
    S.DELAYED: frozenset({S.EN_ROUTE, S.AT_PICKUP, S.PASSENGERS_ON_BOARD, S.RETURNING, S.AVAILABLE, S.OUT_OF_SERVICE}),
    S.OUT_OF_SERVICE: frozenset({S.AVAILABLE}),
}
# A phone's clock may run a little fast; further ahead than this is a wrong clock, refused.
MAX_CLOCK_AHEAD = timedelta(minutes=5)


def vehicle_status_report(
    *,
    vehicle_id: int | None = None,
    vehicles: QuerySet | None = None,
    event_id: str,
    status: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    accuracy_m: Decimal | None = None,
    reported_at: datetime | None = None,
    note: str = "",
    user=None,
) -> tuple[VehicleStatusEvent, bool]:
    """Record one update and apply it unless an applied update is newer. Returns the event and whether
    it had been recorded before (a repeat of the same event id, which changes nothing).

    The vehicle is `vehicle_id`, or the one row of `vehicles` (e.g. a caller's scope filtered by callsign;
    found and locked in one query, raising Vehicle.DoesNotExist or MultipleObjectsReturned otherwise)."""
    if reported_at is not None and reported_at > timezone.now() + MAX_CLOCK_AHEAD:
        raise Invalid(
            _("The timestamp %(timestamp)s is more than %(margin)s ahead of the server's clock.")
            % {"timestamp": reported_at.isoformat(), "margin": MAX_CLOCK_AHEAD},
            field="timestamp",
        )
    if (latitude is None) != (longitude is None):
        raise Invalid(_("Send latitude and longitude together, or neither."), field="latitude")
    candidates = Vehicle.objects.filter(pk=vehicle_id) if vehicles is None else vehicles
    with transaction.atomic():
        # the row lock makes concurrent updates of one vehicle take turns
        vehicle = candidates.select_for_update(of=("self",)).order_by().get()
        earlier = next(iter(VehicleStatusEvent.objects.filter(vehicle=vehicle, event_id=event_id)[:1]), None)
        if earlier is not None:
            earlier.vehicle = vehicle
            _check_same(
                earlier,
                status=status,
                latitude=latitude,
                longitude=longitude,
                accuracy_m=accuracy_m,
                note=note,
                at=reported_at,
            )
            return earlier, True
        # the time of an update sent without one is taken under the lock, so that it orders like the lock does
        reported_at = reported_at or timezone.now()
        stale = vehicle.status_reported_at is not None and reported_at < vehicle.status_reported_at
        if not stale and status != vehicle.status and status not in TRANSITIONS[vehicle.status]:
            allowed = ", ".join(sorted(TRANSITIONS[vehicle.status]))
            raise Refused(
                _("%(callsign)s is %(status)s and cannot become %(new)s; it can become %(allowed)s.")
                % {"callsign": vehicle.callsign, "status": vehicle.status, "new": status, "allowed": allowed},
                field="status",
            )
        event = VehicleStatusEvent.objects.create(
            vehicle=vehicle,
            event_id=event_id,
            status=status,
            previous_status=vehicle.status,
            resulting_status=vehicle.status if stale else status,
            outcome=StatusOutcome.STALE if stale else StatusOutcome.APPLIED,
            latitude=latitude,
            longitude=longitude,
            accuracy_m=accuracy_m,
            reported_at=reported_at,
            note=note,
            reported_by=user,
        )
        if not stale:
            _apply(vehicle, event)
            if event.resulting_status != event.previous_status:
                notifications_for_vehicle_status(vehicle=vehicle, event=event)
    return event, False


def _apply(vehicle: Vehicle, event: VehicleStatusEvent) -> None:

    leaves_or_joins_pool = (vehicle.status == S.OUT_OF_SERVICE) != (event.status == S.OUT_OF_SERVICE)
    vehicle.status = event.status
    vehicle.status_reported_at = event.reported_at
    fields = ["status", "status_reported_at"]
    if event.latitude is not None:
        vehicle.last_latitude, vehicle.last_longitude = event.latitude, event.longitude
        vehicle.last_position_at = event.reported_at
        fields += ["last_latitude", "last_longitude", "last_position_at"]
    vehicle.save(update_fields=fields)
    if leaves_or_joins_pool:  # the scheduler plans only with vehicles in service
        code = "vehicle_out_of_service" if event.status == S.OUT_OF_SERVICE else "vehicle_back_in_service"
        schedule_recompute_request(
            conference_id=vehicle.conference_id, trigger=trigger(code, vehicle=vehicle.callsign), user=event.reported_by
        )


def _check_same(earlier: VehicleStatusEvent, *, status, latitude, longitude, accuracy_m, note, at) -> None:
    def same_number(a, b) -> bool:
        return (a is None and b is None) or (a is not None and b is not None and Decimal(a) == Decimal(b))

    same = (
        earlier.status == status
        and same_number(earlier.latitude, latitude)
        and same_number(earlier.longitude, longitude)
        and same_number(earlier.accuracy_m, accuracy_m)
        and earlier.note == note
        and (at is None or at == earlier.reported_at)
    )
    if not same:
        raise Refused(
            _("The event id %(event_id)s was already used for a different update of this vehicle.")
            % {"event_id": earlier.event_id},
            field="event_id",
        )
