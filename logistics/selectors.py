from collections import defaultdict

from conference.models import Conference, Session, Venue
from conference.selectors import conference_movement_rules
from delegates.models import Attendance, Delegate
from logistics.models import RequestKind, RequestStatus, ResourceRequest, Vehicle
from logistics.scheduling.model import Car, Event, Person, Ride, Scenario


def scheduling_scenario(*, conference: Conference) -> Scenario:
    """Everything the scheduler needs about a conference, as plain data."""
    venues = {venue.pk: venue for venue in Venue.objects.filter(conference=conference)}
    code = {pk: venue.code for pk, venue in venues.items()}
    delegates = Delegate.objects.filter(conference=conference).select_related("delegation").order_by("external_id")
    people = [
        Person(
            id=d.external_id,
            delegation=d.delegation.code,
            hotel=code[d.hotel_id],
            vip=d.vip,
            separate=d.delegation.separate_transport,
            accessible=d.accessible_vehicle,
            arrival_at=d.arrival_at,
            arrival_place=code.get(d.arrival_venue_id),
            departure_at=d.departure_at,
            departure_place=code.get(d.departure_venue_id),
        )
        for d in delegates
    ]
    events = [
        Event(s.code, code[s.venue_id], s.starts_at, s.ends_at)
        for s in Session.objects.filter(conference=conference).order_by("starts_at", "code")
    ]
    attendance: dict[str, list[str]] = defaultdict(list)
    rows = Attendance.objects.filter(delegate__conference=conference).values_list(
        "delegate__external_id", "session__code"
    )
    for external_id, session_code in rows.order_by("delegate__external_id", "session__code"):
        attendance[external_id].append(session_code)
    cars = [
        Car(v.callsign, v.seats, code[v.depot_id], v.armoured, v.accessible, v.available_from, v.available_until)
        for v in Vehicle.objects.filter(conference=conference).exclude(status="out_of_service").order_by("callsign")
    ]
    requests = ResourceRequest.objects.filter(
        conference=conference, kind=RequestKind.VEHICLE, status=RequestStatus.APPROVED
    ).select_related("delegation")
    rides = [
        Ride(
            id=f"REQ-{r.pk}",
            delegation=r.delegation.code,
            origin=code[r.from_venue_id],
            destination=code[r.to_venue_id],
            window_start=r.window_start,
            window_end=r.window_end,
            seats=r.seats or 1,
        )
        for r in requests.order_by("pk")
    ]
    return Scenario(
        rules=conference_movement_rules(conference=conference),
        zone=conference.zone,
        places={v.code: (float(v.latitude), float(v.longitude)) for v in venues.values()},
        people=people,
        events=events,
        attendance=dict(attendance),
        cars=cars,
        rides=rides,
    )
