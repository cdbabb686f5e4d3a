from datetime import timedelta

import pytest

from tests.dbchecks import assert_refused
from tests.factories import MORNING, AttendanceFactory, DelegateFactory, DelegationFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_delegation_codes_are_unique_within_a_conference():
    delegation = DelegationFactory(code="PA")
    DelegationFactory(code="PA")
    assert_refused(DelegationFactory, conference=delegation.conference, code="PA")


@pytest.mark.parametrize("country", ["pa", "PAN", "P", "1A"])
def test_delegation_country_is_two_capital_letters_or_empty(country):
    DelegationFactory(country="")
    assert_refused(DelegationFactory, country=country)


def test_delegate_external_ids_are_unique_within_a_conference():
    delegate = DelegateFactory(external_id="CASC26-0001")
    DelegateFactory(external_id="CASC26-0001")
    assert_refused(DelegateFactory, conference=delegate.conference, external_id="CASC26-0001")


def test_delegate_must_depart_after_arriving():
    airport = VenueFactory(kind="airport")
    conference = airport.conference
    DelegateFactory(
        conference=conference,
        arrival_at=MORNING,
        arrival_venue=airport,
        departure_at=MORNING + timedelta(days=2),
        departure_venue=airport,
    )
    assert_refused(
        DelegateFactory,
        conference=conference,
        arrival_at=MORNING,
        arrival_venue=airport,
        departure_at=MORNING,
        departure_venue=airport,
    )
    assert_refused(
        DelegateFactory,
        conference=conference,
        arrival_at=MORNING,
        arrival_venue=airport,
        departure_at=MORNING - timedelta(hours=1),
        departure_venue=airport,
    )


def test_arrival_and_departure_need_both_time_and_place():
    airport = VenueFactory(kind="airport")
    assert_refused(DelegateFactory, conference=airport.conference, arrival_at=MORNING)
    assert_refused(DelegateFactory, conference=airport.conference, arrival_venue=airport)
    assert_refused(DelegateFactory, conference=airport.conference, departure_at=MORNING)
    assert_refused(DelegateFactory, conference=airport.conference, departure_venue=airport)


def test_a_delegate_attends_a_session_once():
    attendance = AttendanceFactory()
    assert_refused(AttendanceFactory, delegate=attendance.delegate, session=attendance.session)
