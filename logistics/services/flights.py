"""What the desk learns of a flight: its expected time, which replaces the scheduled time for everyone on it. The
scheduler reads the shift (delegates.selectors.flights.flight_shifts); a change asks for a recompute."""

import dataclasses
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from conference.errors import Invalid
from conference.models import Conference
from delegates.models import Flight, FlightKind
from delegates.selectors.flights import ConferenceFlight, conference_flights, flight_delegates, flight_shifts
from logistics.models import WebhookEvent
from logistics.run_reasons import trigger
from logistics.services.notifications import notifications_for_flight, webhooks_listening
from logistics.services.schedule import schedule_recompute_request
from scheduling.reasons import local_iso

# An expected time further than this from the scheduled one is a typing mistake (a wrong day), refused.
MAX_SHIFT = timedelta(days=2)


def flight_expected_set(
    *,
    conference: Conference,
    number: str,
    day: date,
    expected_at: datetime | None,
    kind: str | None = None,
    user=None,
) -> ConferenceFlight:
    """Set the expected time of the flight `number` of the local date `day` (None: clear it, the scheduled time
    holds again) and answer the flight. `kind` (arrival or departure) may be left out unless the number and date
    name both. A naive `expected_at` is the conference's local time. A change bumps the conference's data revision
    (cached itineraries) and asks for a recompute; setting the time it already has changes nothing."""
    flight = flight_find(conference=conference, number=number, day=day, kind=kind)
    if expected_at is not None:
        if timezone.is_naive(expected_at):
            expected_at = timezone.make_aware(expected_at, conference.zone)
        _check_expected(conference, flight, expected_at)
    with transaction.atomic():
        row = (
            Flight.objects.select_for_update()
            .filter(conference=conference, number=flight.number, date=flight.date, kind=flight.kind)
            .first()
        )
        if (row.expected_at if row else None) == expected_at:
            return flight
        if row is None:
            row = Flight(conference=conference, number=flight.number, date=flight.date, kind=flight.kind)
        row.expected_at = expected_at
        row.updated_by = user
        row.save()
        Conference.bump_data_revision(conference.pk)  # cached itineraries are stale
        changed = trigger(
            "flight_changed",
            number=flight.number,
            date=flight.date.isoformat(),
            expected_at=local_iso(expected_at or flight.scheduled_at, conference.zone),
        )
        schedule_recompute_request(conference_id=conference.pk, trigger=changed, user=user)
        now = dataclasses.replace(flight, expected_at=expected_at)
        if webhooks_listening(conference=conference, event=WebhookEvent.FLIGHT_CHANGED):
            on_board = flight_delegates(conference=conference, day=flight.date, kind=flight.kind, number=flight.number)
            on_it = on_board.get((flight.number, flight.date, flight.kind), [])
            notifications_for_flight(conference=conference, flight=now, delegates=on_it)
    return now


def flight_find(*, conference: Conference, number: str, day: date, kind: str | None = None) -> ConferenceFlight:
    """The one flight the number, local date and (when both exist) kind name; Invalid otherwise."""
    if kind and kind not in FlightKind.values:
        raise Invalid(
            _("The kind must be arrival or departure, not %(kind)s.") % {"kind": kind},
            field="kind",
        )
    found = conference_flights(conference=conference, day=day, number=number, kind=kind or None)
    words = {"number": number, "date": day.isoformat()}
    if not found:
        raise Invalid(
            _("There is no flight %(number)s on %(date)s: no delegate arrives or leaves on it.") % words,
            field="number",
        )
    if len(found) > 1:
        raise Invalid(
            _("Flight %(number)s on %(date)s is both an arrival and a departure: say which (kind).") % words,
            field="kind",
        )
    return found[0]


def _check_expected(conference: Conference, flight: ConferenceFlight, expected_at: datetime) -> None:
    def clock(moment: datetime) -> str:
        return formats.date_format(moment.astimezone(conference.zone), "D j M Y H:i")

    if abs(expected_at - flight.scheduled_at) > MAX_SHIFT:
        raise Invalid(
            _(
                "The expected time %(expected)s is more than %(days)s days away from the scheduled time "
                "%(scheduled)s: check the date."
            )
            % {"expected": clock(expected_at), "days": MAX_SHIFT.days, "scheduled": clock(flight.scheduled_at)},
            field="expected_at",
        )
    # nobody may arrive after they leave: the other flight's shift counts too
    shift = expected_at - flight.scheduled_at
    shifts = flight_shifts(conference=conference)
    on_board = flight_delegates(conference=conference, day=flight.date, kind=flight.kind, number=flight.number)
    for delegate in on_board.get((flight.number, flight.date, flight.kind), []):
        if delegate.arrival_at is None or delegate.departure_at is None:
            continue
        arrival = delegate.arrival_at + shifts.get((delegate.external_id, FlightKind.ARRIVAL), timedelta(0))
        departure = delegate.departure_at + shifts.get((delegate.external_id, FlightKind.DEPARTURE), timedelta(0))
        if flight.kind == FlightKind.ARRIVAL:
            arrival = delegate.arrival_at + shift
        else:
            departure = delegate.departure_at + shift
        if departure <= arrival:
            raise Invalid(
                _("With this time %(delegate)s (%(name)s) would leave (%(departure)s) before arriving (%(arrival)s).")
                % {
                    "delegate": delegate.external_id,
                    "name": delegate.full_name,
                    "departure": clock(departure),
                    "arrival": clock(arrival),
                },
                field="expected_at",
            )
