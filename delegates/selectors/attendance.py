from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference
from conference.reasons import reason_text
from conference.selectors.conferences import conference_movement_rules, venue_points
from delegates.models import Attendance, Delegate
from scheduling.attendance import attendance_problems
from scheduling.model import Event, Person


def attendance_warnings(*, conference: Conference) -> list[str]:
    """Sessions delegates are booked into but cannot attend, in words, ordered by delegate."""
    rules = conference_movement_rules(conference=conference)
    places = venue_points(conference=conference)
    zone = conference.zone
    events: dict[int, list[Event]] = defaultdict(list)
    attendance = Attendance.objects.filter(delegate__conference=conference).values_list(
        "delegate_id", "session__code", "session__venue__code", "session__starts_at", "session__ends_at"
    )
    for delegate_id, code, venue, starts_at, ends_at in attendance:
        events[delegate_id].append(Event(code, venue, starts_at, ends_at))
    warnings = []
    delegates = Delegate.objects.filter(conference=conference, pk__in=events.keys()).order_by("external_id")
    for delegate in delegates.select_related("delegation", "hotel", "arrival_venue", "departure_venue"):
        person = Person(
            id=delegate.external_id,
            delegation=delegate.delegation.code,
            hotel=delegate.hotel.code,
            arrival_at=delegate.arrival_at,
            arrival_place=delegate.arrival_venue.code if delegate.arrival_venue else None,
            departure_at=delegate.departure_at,
            departure_place=delegate.departure_venue.code if delegate.departure_venue else None,
        )
        for problem in attendance_problems(rules, person, events[delegate.pk], places, zone):
            with timezone.override(zone):
                detail = reason_text(problem.reason)
            warnings.append(
                _("%(delegate)s (%(name)s) cannot attend %(session)s: %(detail)s")
                % {
                    "delegate": delegate.external_id,
                    "name": delegate.full_name,
                    "session": problem.session,
                    "detail": detail,
                }
            )
    return warnings
