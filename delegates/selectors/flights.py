"""Flights, derived from the delegates' rows. A flight is its number, its local date (in the conference's time zone)
and its kind; its place and scheduled time come from the delegates on it (the earliest of their times when they
differ), its expected time from what the desk learned (`Flight`). An expected time shifts everyone on the flight
by the same amount: expected minus scheduled."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Min
from django.db.models.functions import TruncDate

from conference.models import Conference, Venue
from delegates.models import Delegate, Flight, FlightKind

# the delegate's fields of each kind of flight: number, time, place
FIELDS: dict[str, tuple[str, str, str]] = {
    FlightKind.ARRIVAL: ("arrival_flight", "arrival_at", "arrival_venue"),
    FlightKind.DEPARTURE: ("departure_flight", "departure_at", "departure_venue"),
}


@dataclass(frozen=True)
class ConferenceFlight:
    number: str
    date: date  # the scheduled local date
    kind: str
    venue: str  # the airport's or airfield's code
    venue_name: str
    scheduled_at: datetime
    expected_at: datetime | None
    delegates: int  # how many are on it

    @property
    def shift(self) -> timedelta:
        """How much later (negative: earlier) than scheduled everyone on it now arrives or leaves."""
        return timedelta(0) if self.expected_at is None else self.expected_at - self.scheduled_at


def _kinds(kind: str | None) -> list[str]:
    return [kind] if kind else list(FIELDS)


def _on_flights(conference: Conference, kind: str):
    """The conference's delegates with a flight of this kind, each with its local date (`day`)."""
    number, at, _venue = FIELDS[kind]
    return (
        Delegate.objects.filter(conference=conference, **{f"{at}__isnull": False})
        .exclude(**{number: ""})
        .annotate(day=TruncDate(at, tzinfo=conference.zone))
    )


def conference_flights(
    *, conference: Conference, day: date | None = None, kind: str | None = None, number: str | None = None
) -> list[ConferenceFlight]:
    """The conference's flights (of one local day, kind or number when given), in time order: one aggregate
    query per kind, one for the expected times and one for the places, whatever the number of flights."""
    groups = []
    for flight_kind in _kinds(kind):
        number_field, at, venue = FIELDS[flight_kind]
        rows = _on_flights(conference, flight_kind)
        if day is not None:
            rows = rows.filter(day=day)
        if number is not None:
            rows = rows.filter(**{number_field: number})
        rows = (
            rows.values(number_field, "day")
            .annotate(scheduled_at=Min(at), count=Count("pk"), venue_id=Min(f"{venue}_id"))
            .order_by()
        )
        groups += [(flight_kind, row[number_field], row) for row in rows]
    if not groups:
        return []
    expected = Flight.objects.filter(conference=conference, expected_at__isnull=False)
    if day is not None:
        expected = expected.filter(date=day)
    if number is not None:
        expected = expected.filter(number=number)
    expected_at = {(n, d, k): at for n, d, k, at in expected.values_list("number", "date", "kind", "expected_at")}
    venues = {
        pk: (code, name)
        for pk, code, name in Venue.objects.filter(pk__in={row["venue_id"] for _k, _n, row in groups}).values_list(
            "pk", "code", "name"
        )
    }
    flights = [
        ConferenceFlight(
            number=flight_number,
            date=row["day"],
            kind=flight_kind,
            venue=venues[row["venue_id"]][0],
            venue_name=venues[row["venue_id"]][1],
            scheduled_at=row["scheduled_at"],
            expected_at=expected_at.get((flight_number, row["day"], flight_kind)),
            delegates=row["count"],
        )
        for flight_kind, flight_number, row in groups
    ]
    return sorted(flights, key=lambda f: (f.date, f.scheduled_at, f.kind, f.number))


def flight_days(*, flights: list[ConferenceFlight]) -> list[date]:
    """The local days that have flights, in order."""
    return sorted({flight.date for flight in flights})


def flight_delegates(
    *, conference: Conference, day: date, kind: str | None = None, number: str | None = None
) -> dict[tuple[str, date, str], list[Delegate]]:
    """Who is on each flight of a local day (of one kind or number when given), by (number, date, kind), in time
    order and then by name, each with their delegation and their own time as `flight_at`: one query per kind."""
    on_board: dict[tuple[str, date, str], list[Delegate]] = defaultdict(list)
    for flight_kind in _kinds(kind):
        number_field, at, _venue = FIELDS[flight_kind]
        rows = _on_flights(conference, flight_kind).filter(day=day)
        if number is not None:
            rows = rows.filter(**{number_field: number})
        rows = rows.annotate(flight_at=F(at)).select_related("delegation")
        for delegate in rows.order_by(at, "family_name", "given_name", "external_id"):
            on_board[(getattr(delegate, number_field), day, flight_kind)].append(delegate)
    return dict(on_board)


def flight_shifts(*, conference: Conference) -> dict[tuple[str, str], timedelta]:
    """For the scheduler: how much each delegate's arrival or departure moves, by (external_id, kind), for the
    flights with an expected time (the flight's expected minus its scheduled time, the same for all on it); any
    other key reads as no shift. One query when no flight has an expected time, two or three otherwise."""
    expected = list(
        Flight.objects.filter(conference=conference, expected_at__isnull=False).values_list(
            "number", "date", "kind", "expected_at"
        )
    )
    shifts: dict[tuple[str, str], timedelta] = defaultdict(timedelta)
    for flight_kind, (number_field, at, _venue) in FIELDS.items():
        wanted = {(number, day): expected_at for number, day, kind, expected_at in expected if kind == flight_kind}
        if not wanted:
            continue
        rows = Delegate.objects.filter(
            conference=conference,
            **{f"{number_field}__in": {number for number, _day in wanted}, f"{at}__isnull": False},
        ).values_list("external_id", number_field, at)
        on_flight: dict[tuple[str, date], list[tuple[str, datetime]]] = defaultdict(list)
        for external_id, number, moment in rows:
            key = (number, moment.astimezone(conference.zone).date())
            if key in wanted:
                on_flight[key].append((external_id, moment))
        for key, people in on_flight.items():
            shift = wanted[key] - min(moment for _id, moment in people)
            for external_id, _moment in people:
                shifts[(external_id, flight_kind)] = shift
    return shifts
