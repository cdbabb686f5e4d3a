from datetime import date, datetime, time, timedelta

from django.utils import timezone

from conference.models import Conference, Venue
from scheduling.rules import MovementRules, Point


def conference_movement_rules(*, conference: Conference) -> MovementRules:
    def minutes(value: int) -> timedelta:
        return timedelta(minutes=value)

    return MovementRules(
        road_factor=float(conference.road_factor),
        speed_kmh=float(conference.average_speed_kmh),
        dwell=minutes(conference.dwell_minutes),
        arrival_ready=minutes(conference.arrival_ready_minutes),
        arrival_pickup_window=minutes(conference.arrival_pickup_window_minutes),
        session_arrive_earliest=minutes(conference.session_arrive_earliest_minutes),
        session_arrive_latest=minutes(conference.session_arrive_latest_minutes),
        return_to_hotel_gap=minutes(conference.return_to_hotel_gap_minutes),
        hotel_pickup_window=minutes(conference.hotel_pickup_window_minutes),
        departure_arrive_earliest=minutes(conference.departure_arrive_earliest_minutes),
        departure_arrive_latest=minutes(conference.departure_arrive_latest_minutes),
        ride_time_factor=float(conference.ride_time_factor),
        ride_time_extra=minutes(conference.ride_time_extra_minutes),
    )


def venue_points(*, conference: Conference) -> dict[str, Point]:
    """Where each venue of the conference is, by code."""
    return {
        code: (float(latitude), float(longitude))
        for code, latitude, longitude in Venue.objects.filter(conference=conference).values_list(
            "code", "latitude", "longitude"
        )
    }


# Days of a conference, in its own time zone (the pages)


def conference_now(*, conference: Conference) -> datetime:
    """The present moment in the conference's time zone."""
    return timezone.now().astimezone(conference.zone)


def conference_day_bounds(*, conference: Conference, day: date) -> tuple[datetime, datetime]:
    """The first moment of `day` and of the day after, in the conference's time zone."""
    start = datetime.combine(day, time(0), tzinfo=conference.zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=conference.zone)


def conference_day(*, conference: Conference, given: str | None = None, clamp: bool = True) -> date:
    """The day asked for (YYYY-MM-DD), or today in the conference's zone when none or an unreadable one is
    given; with `clamp`, kept within the conference's dates."""
    day = None
    if given:
        try:
            day = date.fromisoformat(given)
        except ValueError:
            day = None
    if day is None:
        day = conference_now(conference=conference).date()
    if clamp:
        day = min(max(day, conference.start_date), conference.end_date)
    return day


def conference_moment(*, conference: Conference, text: str) -> datetime:
    """An ISO 8601 time as given, or in the conference's zone when it has no offset (ValueError says what is wrong)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 time, e.g. 2026-12-07T12:00-05:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=conference.zone)
