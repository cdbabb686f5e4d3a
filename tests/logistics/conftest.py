from datetime import timedelta

import pytest

from tests.factories import (
    MORNING,
    AttendanceFactory,
    DelegateFactory,
    DelegationFactory,
    SessionFactory,
    VehicleFactory,
    VenueFactory,
)


@pytest.fixture
def small_conference():
    """Three delegates of two delegations at one hotel, a plenary, two vans and an armoured car."""
    session = SessionFactory(starts_at=MORNING, ends_at=MORNING + timedelta(minutes=90))
    conference = session.conference
    hotel = VenueFactory(conference=conference, code="HIL", kind="hotel", latitude="8.977300", longitude="-79.520800")
    depot = VenueFactory(conference=conference, code="DEP", kind="depot", latitude="8.973000", longitude="-79.548000")
    panama = DelegationFactory(conference=conference, code="PA")
    costa_rica = DelegationFactory(conference=conference, code="CR")
    for external_id, delegation, vip in [("D1", panama, True), ("D2", panama, False), ("D3", costa_rica, False)]:
        delegate = DelegateFactory(
            conference=conference, external_id=external_id, hotel=hotel, vip=vip, delegation=delegation
        )
        AttendanceFactory(delegate=delegate, session=session)
    for callsign, seats, armoured in [("VAN-01", 8, False), ("VAN-02", 8, False), ("ARM-01", 3, True)]:
        VehicleFactory(conference=conference, callsign=callsign, seats=seats, armoured=armoured, depot=depot)
    return conference
