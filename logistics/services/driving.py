"""The driver loop: a driver's word on its trips (acknowledged, started, finished) and on its passengers (boarded,
no-show), from the phone page or the API. Idempotent by the client's event id, serialised per vehicle (a row lock),
every report kept for audit, matched to trips by `trip_key`: what was said of a trip holds across re-plans that keep
the trip as it was.

- **Repeats.** The same event id sent again changes nothing and answers the first record (`repeated` True); the
  same event id with other content (another trip, kind, stop, passenger, status or time) is refused.
- **The published schedule only.** A trip of an older version is refused (the schedule changed: reload), unless the
  published version still has the very same trip (same `trip_key`: vehicle, stops, times, passengers), which then
  takes the report: a re-plan that did not touch the trip does not make a driver's tap fail.
- **Once each.** A trip is acknowledged, started and finished once: telling it again under another event id answers
  the first record (`repeated` True) and records nothing. Starting a trip records it acknowledged too when it was
  not, and finishing one records it acknowledged and started too (at the same time): a driver who forgot a tap is
  never blocked, and the trip's state always reads acknowledged <= started <= finished.
- **Passengers.** Only a delegate who boards the trip at that stop can be reported. Every report is kept; the last
  one on a passenger at a stop counts (by its time, then by arrival), so a no-show corrected to boarded is fine. A
  no-show that counts raises the desk's alert (key `trip_key:sequence:external_id`; the `passenger.no_show`
  webhooks hear of it) and, when the alert is new, e-mails the delegation's liaisons, in the same transaction.
  Correcting it to boarded resolves the alert; a later no-show opens it again, without new news. The passenger's
  later legs stay planned: only the desk cancels them.
"""

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.errors import Invalid, Refused
from delegates.models import Delegate
from logistics.models import (
    AlertKind,
    BoardingStatus,
    DeskAlert,
    PassengerAction,
    PassengerEvent,
    Trip,
    TripEvent,
    TripEventKind,
    Vehicle,
)
from logistics.selectors.trips import trip_key, with_stops
from logistics.services.alerts import alert_raise
from logistics.services.fleet import MAX_CLOCK_AHEAD
from logistics.services.notifications import notifications_no_show_email

K = TripEventKind
# What each report on a trip implies was done before it, when it was not recorded.
IMPLIED: dict[str, tuple[str, ...]] = {
    K.ACKNOWLEDGED: (),
    K.STARTED: (K.ACKNOWLEDGED,),
    K.FINISHED: (K.ACKNOWLEDGED, K.STARTED),
}


def trip_acknowledge(*, trip: Trip, event_id: str, at: datetime | None = None, user=None) -> tuple[TripEvent, bool]:
    """The driver has read the trip. Returns the event and whether it had been recorded before."""
    return _trip_report(trip=trip, kind=K.ACKNOWLEDGED, event_id=event_id, at=at, user=user)


def trip_start(*, trip: Trip, event_id: str, at: datetime | None = None, user=None) -> tuple[TripEvent, bool]:
    """The trip is under way (acknowledged too, when it was not)."""
    return _trip_report(trip=trip, kind=K.STARTED, event_id=event_id, at=at, user=user)


def trip_finish(*, trip: Trip, event_id: str, at: datetime | None = None, user=None) -> tuple[TripEvent, bool]:
    """The trip is over (acknowledged and started too, when they were not)."""
    return _trip_report(trip=trip, kind=K.FINISHED, event_id=event_id, at=at, user=user)


def passenger_report(
    *,
    trip: Trip,
    stop_sequence: int,
    external_id: str,
    status: str,
    event_id: str,
    at: datetime | None = None,
    user=None,
) -> tuple[PassengerEvent, bool]:
    """A delegate boarded (`boarded`) or was not there (`no_show`) at a stop of the trip where they board. Returns
    the event and whether it had been recorded before (a repeat of the event id, which changes nothing)."""
    if status not in BoardingStatus.values:
        raise Invalid(
            _("%(status)s is not a passenger status; use boarded or no_show.") % {"status": status}, field="status"
        )
    _check_clock(at)
    with transaction.atomic():
        _lock_vehicle(trip)
        trip = _with_stops(trip)
        key = trip_key(trip)
        earlier = PassengerEvent.objects.filter(vehicle_id=trip.vehicle_id, event_id=event_id).first()
        if earlier is not None:
            same = (
                earlier.trip_key == key
                and earlier.stop_sequence == stop_sequence
                and earlier.status == status
                and Delegate.objects.filter(pk=earlier.delegate_id, external_id=external_id).exists()
                and (at is None or at == earlier.at)
            )
            if not same:
                raise _reused(event_id)
            return earlier, True
        trip = _published(trip, key)
        stop = next((stop for stop in trip.stops.all() if stop.sequence == stop_sequence), None)
        if stop is None:
            raise Invalid(
                _("Trip %(code)s has no stop %(sequence)s.") % {"code": trip.code, "sequence": stop_sequence},
                field="stop_sequence",
            )
        conference = trip.version.conference
        delegate = (
            Delegate.objects.filter(conference=conference, external_id=external_id).select_related("delegation").first()
        )
        if delegate is None:
            raise Invalid(
                _("%(external_id)s is not a delegate of %(conference)s.")
                % {"external_id": external_id, "conference": conference.code},
                field="external_id",
            )
        rider = next(
            (
                passenger
                for passenger in stop.passengers.all()
                if passenger.action == PassengerAction.BOARD and passenger.movement.delegate_id == delegate.pk
            ),
            None,
        )
        if rider is None:
            raise Invalid(
                _("%(name)s (%(external_id)s) does not board trip %(code)s at stop %(sequence)s (%(place)s).")
                % {
                    "name": delegate.full_name,
                    "external_id": external_id,
                    "code": trip.code,
                    "sequence": stop_sequence,
                    "place": stop.venue.name,
                },
                field="external_id",
            )
        event = PassengerEvent.objects.create(
            conference=conference,
            vehicle_id=trip.vehicle_id,
            trip=trip,
            trip_key=key,
            stop_sequence=stop_sequence,
            delegate=delegate,
            movement=rider.movement.code,
            status=status,
            event_id=event_id,
            at=at or timezone.now(),  # taken under the lock, so that it orders like the lock does
            reported_by=user,
        )
        last = (
            PassengerEvent.objects.filter(
                vehicle_id=trip.vehicle_id, trip_key=key, stop_sequence=stop_sequence, delegate=delegate
            )
            .order_by("-at", "-id")
            .values_list("pk", flat=True)
            .first()
        )
        if last == event.pk:  # the report that counts now
            _alert(trip=trip, stop=stop, delegate=delegate, movement=rider.movement.code, key=key, status=status)
    return event, False


def _alert(*, trip: Trip, stop, delegate: Delegate, movement: str, key: str, status: str) -> None:
    conference = trip.version.conference
    alerts = DeskAlert.objects.filter(
        conference=conference, kind=AlertKind.NO_SHOW, key=f"{key}:{stop.sequence}:{delegate.external_id}"
    )
    if status == BoardingStatus.BOARDED:  # a correction: the desk need not look for them any more
        alerts.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        return
    data = {
        "trip": trip.pk,
        "code": trip.code,
        "vehicle": trip.vehicle.callsign,
        "movement": movement,
        "passenger": delegate.external_id,
        "delegation": delegate.delegation.code,
        "place": stop.venue.code,
        "place_name": stop.venue.name,
        "at": stop.arrive_at.astimezone(conference.zone).isoformat(),
    }
    raised = alert_raise(
        conference=conference,
        kind=AlertKind.NO_SHOW,
        key=f"{key}:{stop.sequence}:{delegate.external_id}",
        data=data,
        delegation_id=delegate.delegation_id,
    )
    if raised is not None:
        notifications_no_show_email(conference=conference, delegate=delegate, data=data)
    else:  # raised before, perhaps corrected since: open again (its news went out the first time)
        alerts.filter(resolved_at__isnull=False).update(resolved_at=None)


def _trip_report(*, trip: Trip, kind: str, event_id: str, at: datetime | None, user) -> tuple[TripEvent, bool]:
    _check_clock(at)
    with transaction.atomic():
        _lock_vehicle(trip)
        trip = _with_stops(trip)
        key = trip_key(trip)
        earlier = TripEvent.objects.filter(vehicle_id=trip.vehicle_id, event_id=event_id).first()
        if earlier is not None:
            if earlier.kind != kind or earlier.trip_key != key or (at is not None and at != earlier.at):
                raise _reused(event_id)
            return earlier, True
        trip = _published(trip, key)
        recorded = {
            event.kind: event
            for event in TripEvent.objects.filter(vehicle_id=trip.vehicle_id, trip_key=key).order_by("-at", "-id")
        }  # the first of each kind last, so that it stays
        if kind in recorded:
            return recorded[kind], True
        at = at or timezone.now()  # taken under the lock, so that it orders like the lock does
        for implied in IMPLIED[kind]:
            if implied not in recorded:
                _trip_event(trip, key, implied, f"implied:{uuid.uuid4().hex}", at, user)
        return _trip_event(trip, key, kind, event_id, at, user), False


def _trip_event(trip: Trip, key: str, kind: str, event_id: str, at: datetime, user) -> TripEvent:
    return TripEvent.objects.create(
        conference_id=trip.version.conference_id,
        vehicle_id=trip.vehicle_id,
        trip=trip,
        trip_key=key,
        kind=kind,
        event_id=event_id,
        at=at,
        reported_by=user,
    )


def _check_clock(at: datetime | None) -> None:
    if at is not None and at > timezone.now() + MAX_CLOCK_AHEAD:
        raise Invalid(
            _("The timestamp %(timestamp)s is more than %(margin)s ahead of the server's clock.")
            % {"timestamp": at.isoformat(), "margin": MAX_CLOCK_AHEAD},
            field="timestamp",
        )


def _lock_vehicle(trip: Trip) -> None:
    """Reports on one vehicle take turns (the lock is held until the transaction ends)."""
    Vehicle.objects.select_for_update().filter(pk=trip.vehicle_id).values_list("pk", flat=True).get()


def _with_stops(trip: Trip) -> Trip:
    return with_stops(Trip.objects.filter(pk=trip.pk)).select_related("version__conference").get()


def _published(trip: Trip, key: str) -> Trip:
    """The trip when it is in the published version, or the published version's very same trip; refused else."""
    if trip.version.is_current:
        return trip
    candidates = with_stops(
        Trip.objects.filter(
            version__conference_id=trip.version.conference_id,
            version__is_current=True,
            vehicle_id=trip.vehicle_id,
            starts_at=trip.starts_at,
            ends_at=trip.ends_at,
        )
    ).select_related("version__conference")
    same = next((candidate for candidate in candidates if trip_key(candidate) == key), None)
    if same is None:
        raise Refused(
            _(
                "Trip %(code)s of %(vehicle)s is from an earlier version of the schedule: the schedule changed. "
                "Reload to see the current trips."
            )
            % {"code": trip.code, "vehicle": trip.vehicle.callsign}
        )
    return same


def _reused(event_id: str) -> Refused:
    return Refused(
        _("The event id %(event_id)s was already used for a different report of this vehicle.")
        % {"event_id": event_id},
        field="event_id",
    )
