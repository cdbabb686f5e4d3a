from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference
from conference.reasons import reason_text
from conference.selectors.conferences import conference_movement_rules, venue_places
from delegates.models import Attendance, Delegate
from scheduling.rules import Stay, Visit, attendance_problems


def attendance_warnings(*, conference: Conference) -> list[str]:
    """Sessions delegates are booked into but cannot attend, in words, ordered by delegate."""
    rules = conference_movement_rules(conference=conference)
    places = venue_places(conference=conference)
    zone = conference.zone
    visits: dict[int, list[Visit]] = defaultdict(list)
    attendance = Attendance.objects.filter(delegate__conference=conference).values_list(
        "delegate_id", "session__code", "session__venue_id", "session__starts_at", "session__ends_at"
    )
    for delegate_id, code, venue_id, starts_at, ends_at in attendance:
        visits[delegate_id].append(Visit(code, places[venue_id], starts_at.astimezone(zone), ends_at.astimezone(zone)))
    warnings = []
    delegates = Delegate.objects.filter(conference=conference, pk__in=visits.keys()).order_by("external_id")
    for delegate in delegates.only(
        "external_id",
        "given_name",
        "family_name",
        "hotel_id",
        "arrival_at",
        "arrival_venue_id",
        "departure_at",
        "departure_venue_id",
    ):
        stay = Stay(
            hotel=places[delegate.hotel_id],
            arrival_at=delegate.arrival_at and delegate.arrival_at.astimezone(zone),
            arrival_place=places.get(delegate.arrival_venue_id),
            departure_at=delegate.departure_at and delegate.departure_at.astimezone(zone),
            departure_place=places.get(delegate.departure_venue_id),
        )
        for problem in attendance_problems(rules, stay, visits[delegate.pk]):
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
