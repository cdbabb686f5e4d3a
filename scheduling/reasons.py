"""Why a movement is not served and what rule a schedule breaks: a code with parameters, and its English text.

A `Reason` is a str (its English sentence), so code that stores, prints or JSON-encodes it as text keeps
working; its `code` and `params` let a reader show it in another language. The English templates are all
in `TEMPLATES`, each wrapped in `gettext_noop` so that Django's makemessages extracts them: the Django side
translates `TEMPLATES[reason.code]` with gettext and fills it with its own renderings of the params.

Parameter conventions (values are JSON-ready):
- a key ending in `_at` holds a moment: an ISO 8601 string with the conference's offset;
- the key `window`, or a key ending in `_window`, holds [start, end] ISO strings; either may be null (open);
- `needs` holds a list of words from {"armoured", "accessible"} (empty: any vehicle), shown with
  `VEHICLE_NEEDS`; a window is shown with `WINDOWS` (the end as a bare time when it is the same day);
- a key ending in `minutes`, and `seats`, `stop`, `on_board`, hold ints;
- a dict with "code" and "params" is a reason of its own (`broke_rule` carries the violation this way);
- any other list holds codes, shown joined by commas; anything else is a code (place, session, delegate,
  vehicle, trip, movement) or a word shown as it is.
"""

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Self


def gettext_noop(text: str) -> str:
    """Marks a template for translation (makemessages finds the calls) and leaves it as it is."""
    return text


# Each template is written out whole: makemessages reads only the literal inside each gettext_noop call.
TEMPLATES: dict[str, str] = {
    # not served: the planner
    "no_vehicle_in_fleet": gettext_noop("no {needs} with {seats} seats in the fleet that day"),
    "no_vehicle_free": gettext_noop("no {needs} free in time"),
    "cannot_reach_in_time": gettext_noop("cannot get from {from} to {to} in time"),
    "request_window_too_short": gettext_noop("the requested window is shorter than the drive"),
    "session_conflict": gettext_noop("overlaps {overlaps}"),
    "session_before_arrival": gettext_noop(
        "lands {landing_at} and cannot be at {venue} before {earliest_at}; the session needs them there by {needed_at}"
    ),
    "session_after_departure": gettext_noop(
        "ends {ends_at} but the delegate must be at {departure_venue} by {needed_at} for their flight at {flight_at}"
    ),
    "broke_rule": gettext_noop("could not be fitted within the rules ({violation})"),
    "before_the_clock": gettext_noop("its time had passed when the plan was made ({clock_at})"),
    "cancelled_by_desk": gettext_noop("cancelled by the transport desk"),
    "dedicated_vehicle_busy": gettext_noop("its dedicated vehicle {vehicle} is not free in time"),
    "dedicated_vehicle_unsuitable": gettext_noop("its dedicated vehicle {vehicle} cannot carry it"),
    # pins the run could not keep
    "pin_vehicle_cannot_carry": gettext_noop("{movement}: pinned to {vehicle}, which cannot carry it"),
    "pin_vehicle_not_free": gettext_noop("{movement}: pinned to {vehicle}, which is not free at that time"),
    "pin_pickup_outside_window": gettext_noop(
        "{movement}: pinned to {vehicle} at a pickup time outside its window, so planned at another time"
    ),
    "pin_movement_gone": gettext_noop("{movement}: pinned to {vehicle}, but the movement is no longer needed"),
    "pin_movement_unservable": gettext_noop(
        "{movement}: pinned to {vehicle}, but the movement cannot be made in time whatever the vehicle"
    ),
    "not_in_dedicated_vehicle": gettext_noop(
        "{passenger} ({kind} {from}->{to}): rides in {vehicle}, not in the dedicated vehicle {dedicated}"
    ),
    "dedicated_vehicle_shared": gettext_noop(
        "{passenger} ({kind} {from}->{to}): rides in {vehicle}, dedicated to {vip} of another delegation"
    ),
    "frozen_leg_changed": gettext_noop(
        "{movement} ({vehicle}, pickup {pickup_at}): a frozen leg changed, it must stay as published"
    ),
    # broken rules: the validator
    "unknown_vehicle": gettext_noop("{trip} ({vehicle}): no vehicle {vehicle} in the fleet"),
    "trip_too_short": gettext_noop("{trip} ({vehicle}): a trip needs at least two stops"),
    "unknown_place": gettext_noop("{trip} ({vehicle}) stop {stop} at {place}: unknown place"),
    "stop_leaves_before_arriving": gettext_noop("{trip} ({vehicle}) stop {stop} at {place}: leaves before it arrives"),
    "stop_too_short": gettext_noop(
        "{trip} ({vehicle}) stop {stop} at {place}: people board or alight but the stop lasts less than {minutes} min"
    ),
    "drive_too_fast": gettext_noop(
        "{trip} ({vehicle}) stop {stop} at {place}: "
        "arrives {arrive_at}, sooner than the {minutes} min drive from {from} allows"
    ),
    "unknown_movement": gettext_noop("{trip} ({vehicle}) stop {stop} at {place}: unknown movement {movement}"),
    "alights_without_boarding": gettext_noop(
        "{trip} ({vehicle}) stop {stop} at {place}: {passenger} alights without having boarded this trip"
    ),
    "boards_twice": gettext_noop(
        "{trip} ({vehicle}) stop {stop} at {place}: {passenger} boards movement {movement} a second time"
    ),
    "never_alights": gettext_noop("{trip} ({vehicle}): {passengers} never alight"),
    "seats_exceeded": gettext_noop(
        "{trip} ({vehicle}) stop {stop} at {place}: {on_board} passengers on board, the vehicle has {seats} seats"
    ),
    "vip_not_armoured": gettext_noop(
        "{trip} ({vehicle}) stop {stop} at {place}: VIP {passenger} in a vehicle that is not armoured"
    ),
    "not_accessible": gettext_noop(
        "{trip} ({vehicle}) stop {stop} at {place}: {passenger} needs an accessible vehicle"
    ),
    "vip_with_other_delegation": gettext_noop(
        "{trip} ({vehicle}) stop {stop} at {place}: "
        "{passenger} (VIP, {delegation}) rides with another delegation ({others})"
    ),
    "separate_with_other_delegation": gettext_noop(
        "{trip} ({vehicle}) stop {stop} at {place}: "
        "{passenger} (separate transport, {delegation}) rides with another delegation ({others})"
    ),
    "vip_with_non_vip": gettext_noop(
        "{trip} ({vehicle}) stop {stop} at {place}: VIP {passenger} rides with {others}, who are not VIPs"
    ),
    "request_not_alone": gettext_noop(
        "{trip} ({vehicle}) stop {stop} at {place}: request {passenger} shares the vehicle with {others}"
    ),
    "wrong_pickup_place": gettext_noop("{passenger} ({kind} {from}->{to}): boards at {place}, not at {from}"),
    "wrong_dropoff_place": gettext_noop("{passenger} ({kind} {from}->{to}): alights at {place}, not at {to}"),
    "pickup_window": gettext_noop("{passenger} ({kind} {from}->{to}): picked up {stop_window}, outside {window}"),
    "dropoff_window": gettext_noop("{passenger} ({kind} {from}->{to}): dropped off {dropoff_at}, outside {window}"),
    "pickup_outside_rules": gettext_noop(
        "{passenger} ({kind} {from}->{to}): picked up {stop_window}, outside {window} that the rules give"
    ),
    "dropoff_outside_rules": gettext_noop(
        "{passenger} ({kind} {from}->{to}): dropped off {dropoff_at}, outside {window} that the rules give"
    ),
    "ride_too_long": gettext_noop(
        "{passenger} ({kind} {from}->{to}): rides {minutes} min, more than the {max_minutes} min allowed"
    ),
    "two_places_at_once": gettext_noop(
        "{passenger}: in two places at once, {first_from}->{first_to} until {until_at} "
        "and {second_from}->{second_to} from {since_at}"
    ),
    "trip_not_from_depot": gettext_noop("{vehicle}: {trip} starts at {place}, not at the depot {depot}"),
    "trip_not_to_depot": gettext_noop("{vehicle}: {trip} ends at {place}, not at the depot {depot}"),
    "trips_not_continuous": gettext_noop(
        "{vehicle}: {trip} starts at {place} but {previous_trip} ended at {previous_place}"
    ),
    "trips_overlap": gettext_noop("{vehicle}: {trip} starts {starts_at}, before {previous_trip} ends {ends_at}"),
    "before_available": gettext_noop("{vehicle}: leaves {leaves_at}, before it is available ({available_at})"),
    "after_available": gettext_noop("{vehicle}: back {back_at}, after it stops being available ({until_at})"),
    "unserved_without_reason": gettext_noop("movement {movement}: listed as unserved without a reason"),
    "unserved_unknown_movement": gettext_noop(
        "movement {movement} of {passenger}: listed as unserved but not among the schedule's movements"
    ),
    "served_and_unserved": gettext_noop("movement {movement} of {passenger}: both served and listed as unserved"),
    "movement_not_covered": gettext_noop("movement {movement} of {passenger}: neither served nor listed as unserved"),
    "need_not_covered": gettext_noop(
        "{passenger} ({kind} {from}->{to}): "
        "the rules call for this movement but the schedule neither has it nor lists it as unserved"
    ),
    "movement_without_need": gettext_noop(
        "movement {movement} of {passenger} ({kind} {from}->{to}): not a movement the rules call for"
    ),
    # a reason recorded as text before reasons had codes
    "legacy": gettext_noop("{text}"),
}

# why a re-plan let a published leg go (the run's metrics count them by these codes)
RELEASED: dict[str, str] = {
    "movement_gone": gettext_noop("no longer needed"),
    "movement_unservable": gettext_noop("can no longer be made in time"),
    "vehicle_gone": gettext_noop("its vehicle left the fleet"),
    "vehicle_out_of_service": gettext_noop("its vehicle is out of service"),
    "places_changed": gettext_noop("its places changed"),
    "pickup_window_moved": gettext_noop("its pickup time moved (a flight, a session)"),
    "dropoff_window_moved": gettext_noop("its drop-off time moved (a session, a flight)"),
    "vehicle_unsuitable": gettext_noop("its vehicle can no longer carry it"),
    "dedicated_vehicle": gettext_noop("the delegate has a dedicated vehicle"),
    "pinned_elsewhere": gettext_noop("pinned to another vehicle or time"),
    "group_rules": gettext_noop("who rides together changed (VIP, separate delegation, seats)"),
    "re_optimised": gettext_noop("re-optimised from scratch"),
}

VEHICLE_NEEDS: dict[str, str] = {
    "": gettext_noop("vehicle"),
    "armoured": gettext_noop("armoured vehicle"),
    "accessible": gettext_noop("accessible vehicle"),
    "armoured accessible": gettext_noop("armoured accessible vehicle"),
}

WINDOWS: dict[str, str] = {
    "open": gettext_noop("any time"),
    "from": gettext_noop("from {start}"),
    "until": gettext_noop("until {end}"),
    "between": gettext_noop("{start}-{end}"),
}

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Reason(str):
    """The English sentence, with the `code` and `params` it was made from."""

    code: str
    params: dict

    def __new__(cls, code: str, params: dict | None = None):
        params = dict(params or {})
        reason = super().__new__(cls, TEMPLATES[code].format(**english_params(params)))
        reason.code = code
        reason.params = params
        return reason

    @classmethod
    def of(cls, code: str, **params) -> Self:
        return cls(code, params)

    def __getnewargs__(self):  # pickle and copy rebuild it from its code, not from its text
        return (self.code, self.params)

    def to_dict(self) -> dict:
        return {"code": self.code, "params": self.params}


def local_iso(moment: datetime, zone: tzinfo | None = None) -> str:
    """A moment as a parameter: ISO 8601 in the conference's zone (as given when there is none)."""
    return (moment if zone is None else moment.astimezone(zone)).isoformat()


def local_window(start: datetime | None, end: datetime | None, zone: tzinfo | None = None) -> list[str | None]:
    return [None if start is None else local_iso(start, zone), None if end is None else local_iso(end, zone)]


def english_params(params: dict) -> dict[str, str]:
    """The params as English text, by the key conventions above."""
    return rendered_params(params)


def reason_english(given: dict) -> str:
    """A reason stored as {code, params}, in English."""
    return str(Reason(given["code"], given["params"]))


def rendered_params(
    params: dict,
    *,
    clock: Callable[[datetime], str] | None = None,
    translate: Callable[[str], str] = str,
    words: dict[str, dict[str, str]] | None = None,
) -> dict[str, str]:
    """The params as text for a reader, by the key conventions above: moments through `clock` (English by
    default), the words of the tables (vehicle needs, windows, and `words` for other keys) through `translate`."""
    shown = _Shown(clock or _clock, translate, words or {})
    return {key: shown(key, value) for key, value in params.items()}


class _Shown:
    def __init__(self, clock: Callable[[datetime], str], translate: Callable[[str], str], words: dict):
        self.clock, self.translate, self.words = clock, translate, words

    def __call__(self, key: str, value) -> str:
        if value is None:
            return ""
        if key in self.words:
            return self.translate(self.words[key].get(value, value))
        if key == "window" or key.endswith("_window"):
            return self.window(*value)
        if key.endswith("_at"):
            return self.clock(datetime.fromisoformat(value))
        if key == "needs":
            return self.translate(VEHICLE_NEEDS[" ".join(value)])
        if isinstance(value, dict):
            template = self.translate(TEMPLATES[value["code"]])
            return template.format(**{name: self(name, item) for name, item in value["params"].items()})
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return str(value)

    def window(self, start: str | None, end: str | None) -> str:
        first = start and datetime.fromisoformat(start)
        last = end and datetime.fromisoformat(end)
        if first and last:
            shown_end = f"{last:%H:%M}" if first.date() == last.date() else self.clock(last)
            return self.translate(WINDOWS["between"]).format(start=self.clock(first), end=shown_end)
        if first:
            return self.translate(WINDOWS["from"]).format(start=self.clock(first))
        if last:
            return self.translate(WINDOWS["until"]).format(end=self.clock(last))
        return self.translate(WINDOWS["open"])


def _clock(moment: datetime) -> str:
    """Local time as the ISO string gave it, in English whatever the process's locale."""
    return f"{_DAYS[moment.weekday()]} {moment.day:02d} {_MONTHS[moment.month - 1]} {moment:%H:%M}"
