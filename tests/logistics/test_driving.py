"""The driver loop's services: trips acknowledged, started and finished, passengers boarded or not there; each
idempotent by the client's event id, matched by trip key, refused on a schedule that changed; a no-show raises the
desk's alert with its webhook news and the liaisons' e-mail once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from conference.errors import Invalid, Refused
from logistics.models import (
    DeskAlert,
    MovementCancellation,
    Notification,
    PassengerEvent,
    ScheduleVersion,
    Trip,
    TripEvent,
)
from logistics.selectors.driving import driver_day, trip_states
from logistics.selectors.trips import trip_key, with_stops
from logistics.services.driving import passenger_report, trip_acknowledge, trip_finish, trip_start
from logistics.services.notifications import notification_deliver
from tests.factories import (
    MORNING,
    DelegateFactory,
    MovementFactory,
    ScheduleVersionFactory,
    StopFactory,
    StopPassengerFactory,
    TripFactory,
    UserFactory,
    UserRoleFactory,
    WebhookFactory,
    published_ride,
)
from tests.logistics.test_fleet import N_THREADS, needs_postgresql, run_in_threads

pytestmark = pytest.mark.django_db


def own_trip(world) -> Trip:
    return world.version.trips.get(vehicle=world.own.vehicle)


def key_of(trip: Trip) -> str:
    return trip_key(with_stops(Trip.objects.filter(pk=trip.pk)).get())


def kinds(trip: Trip) -> list[str]:
    return list(TripEvent.objects.filter(trip_key=key_of(trip)).order_by("id").values_list("kind", flat=True))


def report(world, status: str, event_id: str, external_id: str = "PA-1", **fields):
    return passenger_report(
        trip=own_trip(world), stop_sequence=1, external_id=external_id, status=status, event_id=event_id, **fields
    )


def republish(world) -> ScheduleVersion:
    """A newer version made current; the world's version is then an earlier one."""
    ScheduleVersion.objects.filter(pk=world.version.pk).update(is_current=False)
    return ScheduleVersionFactory(conference=world.conference, is_current=True)


def copy_trip(trip: Trip, version: ScheduleVersion) -> Trip:
    """The same trip (vehicle, stops, times, passengers) in another version: the same trip key."""
    copy = TripFactory(version=version, vehicle=trip.vehicle, starts_at=trip.starts_at, ends_at=trip.ends_at)
    movements = {}
    for stop in trip.stops.order_by("sequence"):
        new_stop = StopFactory(
            trip=copy, sequence=stop.sequence, venue=stop.venue, arrive_at=stop.arrive_at, depart_at=stop.depart_at
        )
        for passenger in stop.passengers.select_related("movement"):
            movement = passenger.movement
            if movement.code not in movements:
                movements[movement.code] = MovementFactory(
                    version=version,
                    delegate=movement.delegate,
                    code=movement.code,
                    from_venue=movement.from_venue,
                    to_venue=movement.to_venue,
                    earliest_pickup=movement.earliest_pickup,
                    latest_pickup=movement.latest_pickup,
                    earliest_dropoff=movement.earliest_dropoff,
                    latest_dropoff=movement.latest_dropoff,
                )
            StopPassengerFactory(stop=new_stop, movement=movements[movement.code], action=passenger.action)
    return copy


@pytest.fixture
def listening(world):
    """A webhook of the conference that takes every event, and a liaison of PA (Ana's delegation) with an address."""
    WebhookFactory(conference=world.conference)
    UserRoleFactory(
        role="liaison",
        delegation=world.own.delegation,
        user=UserFactory(email="pia@example.org", first_name="Pia", last_name="Paz"),
    )
    return world


# Trips


def test_acknowledging_records_an_event_by_trip_key(world):
    trip, driver = own_trip(world), world.users["driver"]
    event, repeated = trip_acknowledge(trip=trip, event_id="ack-1", user=driver)
    assert repeated is False
    assert (event.kind, event.trip, event.vehicle, event.event_id) == ("acknowledged", trip, world.own.vehicle, "ack-1")
    assert event.trip_key == key_of(trip) and event.reported_by == driver and event.conference == world.conference
    assert timezone.now() - event.at < timedelta(seconds=5)


def test_a_repeat_of_the_event_id_changes_nothing_and_answers_the_first(world):
    trip = own_trip(world)
    first, _ = trip_start(trip=trip, event_id="start-1")
    again, repeated = trip_start(trip=trip, event_id="start-1")
    assert repeated is True and again.pk == first.pk
    assert kinds(trip) == ["acknowledged", "started"]


@pytest.mark.parametrize("other", ["kind", "trip", "timestamp"])
def test_the_same_event_id_with_other_content_is_refused(world, other):
    trip = own_trip(world)
    at = timezone.now() - timedelta(minutes=3)
    trip_acknowledge(trip=trip, event_id="e-1", at=at)
    later = published_ride(
        version=world.version,
        delegate=DelegateFactory(conference=world.conference, delegation=world.own.delegation),
        vehicle=world.own.vehicle,
        pickup_at=MORNING + timedelta(hours=3),
    )
    attempts = {
        "kind": lambda: trip_start(trip=trip, event_id="e-1", at=at),
        "trip": lambda: trip_acknowledge(trip=later.stop_passengers.first().stop.trip, event_id="e-1", at=at),
        "timestamp": lambda: trip_acknowledge(trip=trip, event_id="e-1", at=at - timedelta(minutes=1)),
    }
    with pytest.raises(Refused, match="already used for a different report"):
        attempts[other]()
    assert TripEvent.objects.count() == 1


def test_a_state_told_again_under_another_event_id_answers_the_first_record(world):
    trip = own_trip(world)
    first, _ = trip_acknowledge(trip=trip, event_id="ack-1")
    again, repeated = trip_acknowledge(trip=trip, event_id="ack-2")
    assert repeated is True and again.pk == first.pk
    assert TripEvent.objects.count() == 1


def test_starting_records_the_acknowledgement_it_implies(world):
    trip = own_trip(world)
    started, _ = trip_start(trip=trip, event_id="start-1")
    acknowledged = TripEvent.objects.get(kind="acknowledged")
    assert acknowledged.at == started.at and acknowledged.event_id.startswith("implied:")
    # acknowledging afterwards (a page loaded before the start) answers the implied record
    again, repeated = trip_acknowledge(trip=trip, event_id="ack-late")
    assert repeated is True and again.pk == acknowledged.pk


def test_finishing_records_what_it_implies_and_keeps_what_was_recorded(world):
    trip = own_trip(world)
    acknowledged, _ = trip_acknowledge(trip=trip, event_id="ack-1", at=timezone.now() - timedelta(minutes=30))
    finished, repeated = trip_finish(trip=trip, event_id="fin-1")
    assert repeated is False
    assert kinds(trip) == ["acknowledged", "started", "finished"]
    started = TripEvent.objects.get(kind="started")
    assert started.at == finished.at and TripEvent.objects.get(kind="acknowledged").pk == acknowledged.pk
    assert trip_states(trips=[with_stops(Trip.objects.filter(pk=trip.pk)).get()]) == {trip.pk: "finished"}


def test_a_timestamp_far_ahead_of_the_server_is_refused_and_one_given_is_kept(world):
    trip = own_trip(world)
    with pytest.raises(Invalid, match="ahead of the server's clock") as refused:
        trip_acknowledge(trip=trip, event_id="ack-1", at=timezone.now() + timedelta(minutes=10))
    assert refused.value.field == "timestamp"
    at = timezone.now() - timedelta(minutes=2)
    event, _ = trip_acknowledge(trip=trip, event_id="ack-1", at=at)
    assert event.at == at


def test_a_trip_of_an_earlier_version_is_refused_the_schedule_changed(world):
    trip = own_trip(world)
    republish(world)  # the new version does not have the trip
    for report_on in (trip_acknowledge, trip_start, trip_finish):
        with pytest.raises(Refused, match=r"the schedule changed\. Reload"):
            report_on(trip=trip, event_id=f"{report_on.__name__}-1")
    with pytest.raises(Refused, match="the schedule changed"):
        report(world, "boarded", "board-1")
    assert not TripEvent.objects.exists() and not PassengerEvent.objects.exists()


def test_a_trip_the_re_plan_kept_takes_the_report_on_the_published_copy(world):
    trip = own_trip(world)
    kept = copy_trip(trip, republish(world))
    assert key_of(kept) == key_of(trip)
    event, repeated = trip_acknowledge(trip=trip, event_id="ack-1")  # a page loaded before the re-plan
    assert repeated is False and event.trip == kept
    boarded, _ = report(world, "boarded", "board-1")
    assert boarded.trip == kept and boarded.movement == kept.stops.get(sequence=1).passengers.get().movement.code


def test_a_repeat_is_answered_even_after_the_schedule_changed(world):
    trip = own_trip(world)
    first, _ = trip_acknowledge(trip=trip, event_id="ack-1")
    republish(world)
    again, repeated = trip_acknowledge(trip=trip, event_id="ack-1")
    assert repeated is True and again.pk == first.pk


# Passengers


def test_a_boarding_is_recorded_for_the_passengers_stop_and_movement(world):
    trip, driver = own_trip(world), world.users["driver"]
    event, repeated = report(world, "boarded", "board-1", user=driver)
    assert repeated is False
    movement = world.version.movements.get(delegate=world.own.delegate)
    assert (event.trip, event.trip_key, event.stop_sequence) == (trip, key_of(trip), 1)
    assert (event.delegate, event.movement, event.status) == (world.own.delegate, movement.code, "boarded")
    assert event.vehicle == world.own.vehicle and event.reported_by == driver
    again, repeated = report(world, "boarded", "board-1")
    assert repeated is True and again.pk == event.pk and PassengerEvent.objects.count() == 1
    with pytest.raises(Refused, match="already used for a different report"):
        report(world, "no_show", "board-1")
    assert not DeskAlert.objects.exists()


@pytest.mark.parametrize(
    ("stop", "external_id", "status", "field", "message"),
    [
        (1, "CR-1", "boarded", "external_id", r"Bruno .* \(CR-1\) does not board trip T-\d+ at stop 1"),
        (2, "PA-1", "boarded", "external_id", r"\(PA-1\) does not board trip T-\d+ at stop 2"),  # alights there
        (1, "NOPE", "boarded", "external_id", "NOPE is not a delegate of CASC"),
        (9, "PA-1", "boarded", "stop_sequence", r"Trip T-\d+ has no stop 9"),
        (1, "PA-1", "late", "status", "late is not a passenger status"),
    ],
)
def test_a_report_on_someone_who_does_not_board_there_is_refused(world, stop, external_id, status, field, message):
    with pytest.raises(Invalid, match=message) as refused:
        passenger_report(
            trip=own_trip(world), stop_sequence=stop, external_id=external_id, status=status, event_id="e-1"
        )
    assert refused.value.field == field
    assert not PassengerEvent.objects.exists()


def test_a_no_show_raises_the_alert_its_webhook_and_the_liaisons_email_once(listening):
    world = listening
    trip = own_trip(world)
    stop = trip.stops.get(sequence=1)
    event, _ = report(world, "no_show", "gone-1")
    alert = DeskAlert.objects.get()
    assert (alert.kind, alert.key, alert.resolved_at) == ("no_show", f"{key_of(trip)}:1:PA-1", None)
    movement = world.version.movements.get(delegate=world.own.delegate)
    assert alert.data == {
        "trip": trip.pk,
        "code": trip.code,
        "vehicle": "ARM-01",
        "movement": movement.code,
        "passenger": "PA-1",
        "delegation": "PA",
        "place": stop.venue.code,
        "place_name": stop.venue.name,
        "at": "2026-12-07T08:20:00-05:00",
    }
    hook = Notification.objects.get(channel="webhook")
    assert hook.event == "passenger.no_show" and hook.payload["data"] == alert.data
    email = Notification.objects.get(channel="email")
    assert (email.event, email.recipient) == ("passenger.no_show", "pia@example.org")
    # a repeat, and another no-show of the same passenger at the same stop, are no news
    report(world, "no_show", "gone-1")
    report(world, "no_show", "gone-2")
    assert DeskAlert.objects.count() == 1 and Notification.objects.count() == 2
    assert PassengerEvent.objects.count() == 2
    # the e-mail tells the liaison where and when
    assert notification_deliver(notification_id=email.pk)
    body = mail.outbox[0].body
    assert world.own.delegate.full_name in body and stop.venue.name in body and "ARM-01" in body
    assert "08:20" in body
    assert event.status == "no_show"


def test_a_no_show_leaves_the_passengers_later_legs_planned(listening):
    world = listening
    later = published_ride(
        version=world.version,
        delegate=world.own.delegate,
        vehicle=world.other.vehicle,
        pickup_at=MORNING + timedelta(hours=4),
    )
    report(world, "no_show", "gone-1")
    assert not MovementCancellation.objects.exists()
    later.refresh_from_db()
    assert later.unserved_code == "" and later.stop_passengers.count() == 2


def test_a_no_show_corrected_to_boarded_counts_as_boarded_and_resolves_the_alert(listening):
    world = listening
    report(world, "no_show", "gone-1")
    report(world, "boarded", "board-1")
    alert = DeskAlert.objects.get()
    assert alert.resolved_at is not None
    (today,) = driver_day(vehicle=world.own.vehicle, day=MORNING.date())
    assert today.stops[0].board[0].status == "boarded"
    # not there after all: the alert is open again, without new news
    report(world, "no_show", "gone-2")
    alert.refresh_from_db()
    assert alert.resolved_at is None and Notification.objects.count() == 2


def test_the_last_report_by_its_time_counts(listening):
    world = listening
    now = timezone.now()
    report(world, "boarded", "board-1", at=now - timedelta(minutes=1))
    report(world, "no_show", "gone-1", at=now - timedelta(minutes=5))  # a phone that was offline: older
    (today,) = driver_day(vehicle=world.own.vehicle, day=MORNING.date())
    rider = today.stops[0].board[0]
    assert (rider.status, rider.reported_at) == ("boarded", now - timedelta(minutes=1))
    assert not DeskAlert.objects.exists() and not Notification.objects.exists()


# The driver's day


def test_a_departure_shows_its_flight_where_the_passenger_alights_at_the_airport(world):
    from tests.driving import airport_pickup, local

    airport = airport_pickup(world, expected_at=None).airport
    ana = world.own.delegate
    ana.departure_at, ana.departure_venue, ana.departure_flight = local(23), airport, "IB 672"
    ana.save()
    trip = TripFactory(version=world.version, vehicle=world.own.vehicle, starts_at=local(19), ends_at=local(20))
    movement = MovementFactory(version=world.version, delegate=ana, kind="departure", to_venue=airport)
    for sequence, venue, action, at in ((1, ana.hotel, "board", local(19)), (2, airport, "alight", local(20))):
        stop = StopFactory(trip=trip, sequence=sequence, venue=venue, arrive_at=at, depart_at=at)
        StopPassengerFactory(stop=stop, movement=movement, action=action)
    *_, evening = driver_day(vehicle=world.own.vehicle, day=MORNING.date())
    boards, alights = evening.stops[0].board[0], evening.stops[1].alight[0]
    assert boards.flight is None and boards.liaisons  # who to call if she is not there
    assert (alights.flight.number, alights.flight.kind, alights.flight.shown_at) == ("IB 672", "departure", local(23))
    assert alights.liaisons == []


# Concurrency: PostgreSQL only (SQLite has no row locks and serialises whole transactions)


@pytest.fixture
def committed(settings):
    """The fixtures' rows are committed here: their signals would queue recomputes publishing over the world's."""
    settings.SCHEDULE_AUTO_RECOMPUTE = False


@pytest.mark.django_db(transaction=True)
def test_a_no_show_tapped_on_several_phones_at_once_is_recorded_and_told_once(committed, world):
    needs_postgresql()
    WebhookFactory(conference=world.conference, url="http://127.0.0.1:9/nobody")  # refused at once when delivered
    UserRoleFactory(role="liaison", delegation=world.own.delegation, user=UserFactory(email="pia@example.org"))
    calls = [lambda: report(world, "no_show", "gone-1") for _ in range(N_THREADS)]

    results, errors = run_in_threads(calls)

    assert errors == [None] * N_THREADS
    assert sorted(repeated for _, repeated in results) == [False] + [True] * (N_THREADS - 1)
    assert PassengerEvent.objects.count() == DeskAlert.objects.count() == 1
    assert sorted(Notification.objects.values_list("channel", flat=True)) == ["email", "webhook"]


@pytest.mark.django_db(transaction=True)
def test_a_trip_started_from_several_phones_at_once_is_started_once(committed, world):
    needs_postgresql()
    trip = own_trip(world)
    calls = [lambda i=i: trip_start(trip=trip, event_id=f"start-{i}") for i in range(N_THREADS)]

    results, errors = run_in_threads(calls)

    assert errors == [None] * N_THREADS
    assert sorted(repeated for _, repeated in results) == [False] + [True] * (N_THREADS - 1)
    assert len({event.pk for event, _ in results}) == 1
    assert sorted(TripEvent.objects.values_list("kind", flat=True)) == ["acknowledged", "started"]
