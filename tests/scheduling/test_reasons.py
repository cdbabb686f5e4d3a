import copy
import json
import pickle
from datetime import UTC, datetime, timedelta

from scheduling.attendance import attendance_problems
from scheduling.model import Event, Person
from scheduling.reasons import Reason, english_params, local_iso, local_window
from scheduling.rules import MovementRules
from tests.scheduling.builders import PANAMA, at


def test_a_reason_is_its_english_text_with_its_code_and_params():
    reason = Reason.of("no_vehicle_in_fleet", needs=["armoured"], seats=3)
    assert reason == "no armoured vehicle with 3 seats in the fleet that day"
    assert (reason.code, reason.params) == ("no_vehicle_in_fleet", {"needs": ["armoured"], "seats": 3})
    assert json.dumps({"reason": reason}) == '{"reason": "no armoured vehicle with 3 seats in the fleet that day"}'
    assert Reason.of("no_vehicle_free", needs=[], seats=1, window=[None, None]) == "no vehicle free in time"


def test_a_reason_survives_pickle_and_copy_with_its_code():
    reason = Reason("cannot_reach_in_time", {"from": "HIL", "to": "PTY"})
    for again in (pickle.loads(pickle.dumps(reason)), copy.deepcopy(reason)):
        assert again == "cannot get from HIL to PTY in time"
        assert (again.code, again.params) == (reason.code, reason.params)


def test_moments_are_shown_in_the_conference_time_not_utc():
    flight = datetime(2026, 2, 16, 21, 30, tzinfo=UTC)  # 16:30 in Panama
    assert local_iso(flight, PANAMA) == "2026-02-16T16:30:00-05:00"
    assert english_params({"flight_at": local_iso(flight, PANAMA)}) == {"flight_at": "Mon 16 Feb 16:30"}
    assert local_iso(flight) == "2026-02-16T21:30:00+00:00", "without a zone the moment stays as given"


def test_windows_and_lists_in_english():
    same_day = local_window(at(7, 8, 15), at(7, 8, 50), PANAMA)
    assert english_params({"window": same_day}) == {"window": "Mon 07 Dec 08:15-08:50"}
    overnight = local_window(at(7, 23, 30), at(8, 0, 20), PANAMA)
    assert english_params({"stop_window": overnight}) == {"stop_window": "Mon 07 Dec 23:30-Tue 08 Dec 00:20"}
    assert english_params({"window": local_window(None, at(7, 9), PANAMA)}) == {"window": "until Mon 07 Dec 09:00"}
    assert english_params({"window": [None, None], "others": ["CR", "US"], "session": None}) == {
        "window": "any time",
        "others": "CR, US",
        "session": "",
    }


def test_a_reason_may_carry_another_one():
    broken = Reason.of("vip_not_armoured", trip="T-0001", vehicle="VAN-01", stop=2, place="HIL", passenger="D1")
    reason = Reason.of("broke_rule", rule=broken.code, violation=broken.to_dict())
    assert (
        reason
        == "could not be fitted within the rules (T-0001 (VAN-01) stop 2 at HIL: VIP D1 in a vehicle that is not armoured)"
    )
    assert json.loads(json.dumps(reason.params)) == reason.params


def test_attendance_problems_carry_reasons_in_the_conference_time():
    places = {"HIL": (8.9773, -79.5208), "ATL": (8.9858, -79.5118), "PTY": (9.07, -79.38)}
    nine_utc = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # 09:00 in Panama
    leaving = Person("D1", "PA", "HIL", departure_at=nine_utc + timedelta(hours=4), departure_place="PTY")
    plenary = Event("PLEN", "ATL", nine_utc, nine_utc + timedelta(hours=1))
    (problem,) = attendance_problems(MovementRules(), leaving, [plenary], places, PANAMA)
    assert problem.kind == "after_departure" and problem.reason.code == "session_after_departure"
    assert problem.reason.params["flight_at"] == "2026-12-07T13:00:00-05:00"
    assert problem.reason.startswith("ends Mon 07 Dec 10:00 but the delegate must be at PTY by")
    assert problem.reason.endswith("for their flight at Mon 07 Dec 13:00")
