from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conference.models import validate_timezone
from tests.dbchecks import assert_refused
from tests.factories import ConferenceFactory, SessionFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_conference_codes_are_unique():
    ConferenceFactory(code="CASC26")
    from conference.models import Conference

    assert_refused(
        Conference.objects.create,
        code="CASC26",
        name="Copy",
        timezone="UTC",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 1, 2),
    )


def test_conference_cannot_end_before_it_starts():
    assert_refused(ConferenceFactory, start_date=date(2026, 12, 8), end_date=date(2026, 12, 7))


@pytest.mark.parametrize(
    "fields",
    [
        {"road_factor": Decimal("0.9")},
        {"average_speed_kmh": 0},
        {"ride_time_factor": Decimal("0.5")},
        {"session_arrive_earliest_minutes": 10, "session_arrive_latest_minutes": 10},
        {"departure_arrive_earliest_minutes": 100, "departure_arrive_latest_minutes": 150},
    ],
)
def test_conference_rule_parameters_must_make_sense(fields):
    assert_refused(ConferenceFactory, **fields)


def test_conference_defaults_are_the_contract_rules():
    conference = ConferenceFactory()
    assert (conference.road_factor, conference.average_speed_kmh, conference.dwell_minutes) == (Decimal("1.3"), 30, 5)
    assert (conference.departure_arrive_earliest_minutes, conference.departure_arrive_latest_minutes) == (240, 150)


def test_time_zone_must_be_iana():
    validate_timezone("America/Panama")
    with pytest.raises(ValidationError):
        validate_timezone("Panama Time")


def test_venue_codes_are_unique_within_a_conference_only():
    venue = VenueFactory(code="ATL")
    VenueFactory(code="ATL")  # another conference
    assert_refused(VenueFactory, code="ATL", conference=venue.conference)


@pytest.mark.parametrize(
    "fields",
    [
        {"latitude": Decimal("90.5")},
        {"latitude": Decimal("-91")},
        {"longitude": Decimal("180.1")},
        {"longitude": Decimal("-200")},
        {"kind": "castle"},
    ],
)
def test_venue_out_of_range_values_are_refused(fields):
    assert_refused(VenueFactory, **fields)


def test_session_must_end_after_it_starts():
    session = SessionFactory()
    assert_refused(
        SessionFactory, conference=session.conference, starts_at=session.starts_at, ends_at=session.starts_at
    )
    assert_refused(
        SessionFactory,
        conference=session.conference,
        starts_at=session.starts_at,
        ends_at=session.starts_at - timedelta(minutes=1),
    )


def test_session_codes_are_unique_and_kinds_known():
    session = SessionFactory(code="D1-PLEN")
    assert_refused(SessionFactory, conference=session.conference, code="D1-PLEN")
    assert_refused(SessionFactory, conference=session.conference, kind="party")
