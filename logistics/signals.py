"""Changes to the scheduler's inputs queue a recompute once they are committed."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import translation

from conference.models import Conference, Session, Venue
from delegates.models import Attendance, Delegate, Delegation
from logistics.models import Driver, MovementCancellation, RequestKind, RequestStatus, ResourceRequest, Vehicle
from logistics.run_reasons import trigger
from logistics.services.schedule import schedule_recompute_request, triggers_are_paused

# fields of a vehicle that the field changes all day; logistics.services.fleet asks for a recompute itself
# when a vehicle leaves or rejoins the pool
LIVE_VEHICLE_FIELDS = {"status", "status_reported_at", "last_latitude", "last_longitude", "last_position_at"}
# requests the scheduler does not plan with (only approved ones count; a cancelled one may have been approved)
UNPLANNED_REQUEST_STATUSES = {RequestStatus.SUBMITTED, RequestStatus.REJECTED}
# what the scheduler reads of a driver: the shift of the vehicle it drives (a name or a phone plans nothing)
DRIVER_SCHEDULE_FIELDS = ("vehicle_id", "shift_from", "shift_until")


def _driver_bounds(values: tuple | None) -> tuple | None:
    """What a driver's (vehicle, shift_from, shift_until) does to the schedule: nothing (None) without a vehicle or
    without a shift."""
    if values is None or values[0] is None or (values[1] is None and values[2] is None):
        return None
    return values


def _triggers_off() -> bool:
    return triggers_are_paused() or not settings.SCHEDULE_AUTO_RECOMPUTE


def driver_before_save(sender, instance, raw=False, **kwargs) -> None:
    """Keep what the stored driver gave the scheduler, to tell after the save whether that changed."""
    if raw or _triggers_off() or instance.pk is None:
        return
    stored = Driver.objects.filter(pk=instance.pk).values_list(*DRIVER_SCHEDULE_FIELDS).first()
    instance._schedule_bounds_before = _driver_bounds(stored)


def _conference_id(instance) -> int | None:
    if isinstance(instance, Conference):
        return instance.pk
    if isinstance(instance, Attendance):
        return Session.objects.filter(pk=instance.session_id).values_list("conference_id", flat=True).first()
    return instance.conference_id


def input_changed(sender, instance, created=None, update_fields=None, raw=False, **kwargs) -> None:
    if raw or _triggers_off():
        return
    if sender is Vehicle and update_fields and set(update_fields) <= LIVE_VEHICLE_FIELDS:
        return
    if sender is Driver:
        before = None if created else getattr(instance, "_schedule_bounds_before", None)
        now = _driver_bounds(tuple(getattr(instance, name) for name in DRIVER_SCHEDULE_FIELDS))
        if created is None:  # deleted: what it gave the scheduler goes
            before, now = now, None
        if before == now:
            return
    if sender is ResourceRequest and (
        instance.kind != RequestKind.VEHICLE or instance.status in UNPLANNED_REQUEST_STATUSES
    ):
        return
    conference_id = _conference_id(instance)
    if conference_id is None:
        return
    action = "deleted" if created is None else ("added" if created else "changed")
    with translation.override(None):  # the object as English names it (model choices in __str__ too)
        changed = trigger(f"input_{action}", what=sender._meta.model_name, object=str(instance))
    # after commit, so that a whole deleted conference (and its cascade) asks for nothing
    transaction.on_commit(lambda: _request(conference_id, changed))


def _request(conference_id: int, trigger: dict) -> None:
    if Conference.objects.filter(pk=conference_id).exists():
        schedule_recompute_request(conference_id=conference_id, trigger=trigger)


def itinerary_data_changed(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Names, places, phones and vehicles shown in itineraries changed: cached itineraries are stale."""
    if raw or (sender is Vehicle and update_fields and set(update_fields) <= LIVE_VEHICLE_FIELDS):
        return
    Conference.bump_data_revision(instance.conference_id)


def connect() -> None:
    inputs = (Conference, Venue, Session, Delegation, Delegate, Attendance, Vehicle, Driver, ResourceRequest)
    for model in (*inputs, MovementCancellation):
        post_save.connect(input_changed, sender=model, dispatch_uid=f"schedule-input-saved-{model.__name__}")
        post_delete.connect(input_changed, sender=model, dispatch_uid=f"schedule-input-deleted-{model.__name__}")
    pre_save.connect(driver_before_save, sender=Driver, dispatch_uid="schedule-input-before-Driver")
    for model in (Venue, Session, Delegation, Delegate, Vehicle, Driver):
        for signal in (post_save, post_delete):
            signal.connect(itinerary_data_changed, sender=model, dispatch_uid=f"itinerary-data-{model.__name__}")
