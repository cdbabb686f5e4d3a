"""Resource requests: a delegation's liaison asks, an organizer decides; approved vehicle requests are planned."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.errors import Invalid, Refused
from conference.models import Venue
from delegates.models import Delegation
from logistics.models import RequestKind, RequestStatus, ResourceRequest, ScheduleRun, Vehicle
from logistics.run_reasons import trigger
from logistics.services.schedule import schedule_recompute_request, triggers_paused

DECIDABLE = {RequestStatus.SUBMITTED}
CANCELLABLE = {RequestStatus.SUBMITTED, RequestStatus.APPROVED}


def resource_request_create(
    *,
    delegation: Delegation,
    kind: str,
    window_start: datetime,
    window_end: datetime,
    from_venue: Venue | None = None,
    to_venue: Venue | None = None,
    seats: int | None = None,
    notes: str = "",
    user=None,
) -> ResourceRequest:
    conference = delegation.conference
    if window_end <= window_start:
        raise Invalid(_("The window must end after it starts."), field="window_end")
    # compared as moments: a window at the ends of the calendar has no local date in every zone
    opens = datetime.combine(conference.start_date, time(0), tzinfo=conference.zone)
    closes = datetime.combine(conference.end_date + timedelta(days=1), time(0), tzinfo=conference.zone)
    if window_start < opens or window_end > closes:
        raise Invalid(
            _("The window must fall within the conference, %(start)s to %(end)s.")
            % {"start": conference.start_date, "end": conference.end_date},
            field="window_start",
        )
    for venue, field in ((from_venue, "from_venue"), (to_venue, "to_venue")):
        if venue is not None and venue.conference_id != conference.pk:
            raise Invalid(
                _("%(venue)s is not a place of %(conference)s.") % {"venue": venue.code, "conference": conference.code},
                field=field,
            )
    if kind == RequestKind.VEHICLE:
        if from_venue is None or to_venue is None:
            raise Invalid(_("A vehicle request needs from_venue and to_venue."), field="from_venue")
        if from_venue == to_venue:
            raise Invalid(_("A vehicle request must go somewhere else than where it starts."), field="to_venue")
        largest = max(Vehicle.objects.filter(conference=conference).values_list("seats", flat=True), default=0)
        needed = seats or 1
        if needed > largest:
            raise Invalid(
                _("No vehicle of %(conference)s has %(needed)s seats (the largest has %(largest)s).")
                % {"conference": conference.code, "needed": needed, "largest": largest},
                field="seats",
            )
    return ResourceRequest.objects.create(
        conference=conference,
        delegation=delegation,
        kind=kind,
        from_venue=from_venue,
        to_venue=to_venue,
        window_start=window_start,
        window_end=window_end,
        seats=seats,
        notes=notes,
        created_by=user,
    )


def resource_request_cancel(*, request_id: int, user=None) -> tuple[ResourceRequest, ScheduleRun | None]:
    return _decide(request_id=request_id, to=RequestStatus.CANCELLED, allowed=CANCELLABLE, user=user, reason="")


def resource_request_approve(*, request_id: int, user, reason: str = "") -> tuple[ResourceRequest, ScheduleRun | None]:
    return _decide(request_id=request_id, to=RequestStatus.APPROVED, allowed=DECIDABLE, user=user, reason=reason)


def resource_request_reject(*, request_id: int, user, reason: str) -> tuple[ResourceRequest, ScheduleRun | None]:
    if not reason.strip():
        raise Invalid(_("Give the delegation a reason for the rejection."), field="reason")
    return _decide(request_id=request_id, to=RequestStatus.REJECTED, allowed=DECIDABLE, user=user, reason=reason)


def _decide(*, request_id: int, to: str, allowed: set, user, reason: str) -> tuple[ResourceRequest, ScheduleRun | None]:

    with transaction.atomic(), triggers_paused():
        request = ResourceRequest.objects.select_for_update().select_related("delegation").get(pk=request_id)
        if request.status not in allowed:
            raise Refused(
                _("Request %(id)s is %(status)s; it can no longer become %(to)s.")
                % {"id": request.pk, "status": request.status, "to": to},
                field="status",
            )
        was_planned = request.status == RequestStatus.APPROVED
        request.status = to
        if to != RequestStatus.CANCELLED:
            request.decided_by, request.decided_at, request.decision_reason = user, timezone.now(), reason.strip()
        request.save()
        run = None
        if request.kind == RequestKind.VEHICLE and (to == RequestStatus.APPROVED or was_planned):
            run = schedule_recompute_request(
                conference_id=request.conference_id, trigger=trigger(f"request_{to}", request=request.pk), user=user
            )
    if run is not None:
        run.refresh_from_db()
    return request, run
