"""Itineraries as iCalendar (RFC 5545): one event per movement, in the conference's time zone."""

import re

from icalendar import Calendar, Event

from conference.models import Conference
from delegates.models import Delegate
from logistics.models import ScheduleVersion
from logistics.selectors.schedule import Leg

# Control characters but the tab, and the Unicode line and paragraph separators: iCalendar text may not hold them
# (RFC 5545, 3.3.11), and a line break in a calendar's name stops the icalendar library. The import refuses them in
# every cell; a name typed elsewhere (the admin) must still not break a calendar, so each becomes a space here.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def _plain(text: str) -> str:
    return CONTROL_CHARACTER.sub(" ", text)


def itinerary_calendar(
    *,
    conference: Conference,
    version: ScheduleVersion | None,
    legs: dict[int, list[Leg]],
    delegates: list[Delegate],
    name: str,
    uid: str,
) -> bytes:
    """`uid` names the calendar; it stays the same so that a repeated request gives the same bytes."""
    calendar = Calendar.new(
        prodid="-//Convoy//Transport itineraries//EN",
        uid=_plain(uid),
        name=_plain(name),
        description=_plain(f"{conference.name}: transport"),
    )
    calendar.add("x-wr-timezone", conference.timezone)
    for delegate in delegates:
        for leg in legs.get(delegate.pk, []):
            calendar.add_component(_event(conference, version, delegate, leg))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(conference: Conference, version: ScheduleVersion, delegate: Delegate, leg: Leg) -> Event:
    movement = leg.movement
    origin, destination = movement.from_venue, movement.to_venue
    if leg.pickup is not None:
        start, end = leg.pickup.arrive_at, leg.dropoff.arrive_at
        vehicle, driver = leg.vehicle, leg.driver
        summary = f"Transport {origin.name} to {destination.name} ({vehicle.callsign})"
        lines = [
            f"Vehicle: {vehicle.callsign}, {vehicle.get_kind_display()}"
            + (f", {vehicle.plate}" if vehicle.plate else "")
        ]
        if driver is not None:
            lines.append(f"Driver: {driver.name}" + (f", {driver.phone}" if driver.phone else ""))
        status = "CONFIRMED"
    else:
        start, end = movement.earliest_pickup, movement.latest_dropoff
        summary = f"No transport yet: {origin.name} to {destination.name}"
        lines = [f"Not served by the published schedule: {movement.unserved_reason}"]
        status = "TENTATIVE"
    if movement.session is not None:
        lines.append(f"For: {movement.session.title} ({movement.session.code})")
    lines.append(f"Passenger: {delegate.full_name} ({delegate.external_id})")
    event = Event.new(
        uid=_plain(f"{conference.code}.{movement.code}@convoy"),
        summary=_plain(summary),
        start=conference.local(start),
        end=conference.local(end),
        stamp=version.computed_at,
        sequence=version.number,
        location=_plain(", ".join(part for part in (origin.name, origin.address) if part)),
        description="\n".join(_plain(line) for line in lines),
        status=status,
    )
    event.add("geo", (float(origin.latitude), float(origin.longitude)))
    return event
