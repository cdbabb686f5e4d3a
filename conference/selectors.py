from datetime import timedelta

from conference.models import Conference, Venue
from logistics.scheduling.rules import MovementRules, Place


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


def venue_places(*, conference: Conference) -> dict[int, Place]:
    """Every venue of the conference as plain data, by primary key."""
    return {
        venue_id: Place(code, (float(latitude), float(longitude)))
        for venue_id, code, latitude, longitude in Venue.objects.filter(conference=conference).values_list(
            "pk", "code", "latitude", "longitude"
        )
    }
