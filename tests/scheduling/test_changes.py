"""What changed between two schedules: legs per delegate, trips per vehicle, the summary, and a reader's part."""

import json
import time
from datetime import UTC, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.changes import changed_legs, changes_for, schedule_changes
from scheduling.model import Movement, Schedule, Stop, Trip, Unserved
from scheduling.reasons import Reason
from tests.scheduling.builders import PANAMA, at

MINUTE = timedelta(minutes=1)


def movement(mid: str, passenger: str = "D0001", delegation: str = "PA", kind: str = "to_session", **fields):
    fields.setdefault("session", "S1" if kind == "to_session" else None)
    return Movement(
        id=mid,
        kind=kind,
        passenger=passenger,
        delegation=delegation,
        origin=fields.pop("origin", "HIL"),
        destination=fields.pop("destination", "ATL"),
        earliest_pickup=at(7, 7),
        latest_pickup=at(7, 9),
        earliest_dropoff=at(7, 7),
        latest_dropoff=at(7, 9, 30),
        **fields,
    )


def trip(tid: str, vehicle: str, riders: list[str], pickup=None, dropoff=None) -> Trip:
    """DEP -> HIL (riders board) -> ATL (riders alight) -> DEP."""
    pickup = pickup or at(7, 8)
    dropoff = dropoff or pickup + 20 * MINUTE
    return Trip(
        tid,
        vehicle,
        (
            Stop("DEP", pickup - 15 * MINUTE, pickup - 15 * MINUTE),
            Stop("HIL", pickup, pickup + 5 * MINUTE, board=tuple(riders)),
            Stop("ATL", dropoff, dropoff + 5 * MINUTE, alight=tuple(riders)),
            Stop("DEP", dropoff + 30 * MINUTE, dropoff + 30 * MINUTE),
        ),
    )


A = movement("D0001#to:S1")
B = movement("D0002#to:S1", passenger="D0002", delegation="CR")
C = movement("D0003#to:S1", passenger="D0003")


def schedule(trips, movements=(A, B), unserved=()) -> Schedule:
    return Schedule(trips=list(trips), movements=list(movements), unserved=list(unserved))


def base() -> Schedule:
    return schedule([trip("T-0001", "VAN-01", [A.id, B.id])])


def test_the_first_publication_is_not_a_change():
    changes = schedule_changes(None, base())
    assert changes["first"] is True
    assert changes["delegates"] == {} and changes["vehicles"] == {}
    assert set(changes["summary"].values()) == {0}


def test_identical_schedules_have_no_change():
    changes = schedule_changes(base(), base())
    assert changes["first"] is False
    assert changes["delegates"] == {} and changes["vehicles"] == {}
    assert set(changes["summary"].values()) == {0}


def test_same_times_in_another_zone_are_no_change():
    utc = Schedule(
        trips=[
            Trip(
                t.id,
                t.vehicle,
                tuple(
                    Stop(s.place, s.arrive_at.astimezone(UTC), s.depart_at.astimezone(UTC), s.board, s.alight)
                    for s in t.stops
                ),
            )
            for t in base().trips
        ],
        movements=[A, B],
        unserved=[],
    )
    assert schedule_changes(base(), utc)["delegates"] == {}


def test_a_new_movement_is_an_added_leg_and_an_added_trip():
    current = schedule(
        [trip("T-0001", "VAN-01", [A.id, B.id]), trip("T-0002", "VAN-02", [C.id], pickup=at(7, 9))],
        movements=(A, B, C),
    )
    changes = schedule_changes(base(), current, zone=PANAMA)
    assert list(changes["delegates"]) == ["D0003"]
    entry = changes["delegates"]["D0003"]
    assert entry["delegation"] == "PA" and entry["significant"] is True
    assert entry["removed"] == [] and entry["moved"] == []
    assert entry["added"] == [
        {
            "movement": C.id,
            "kind": "to_session",
            "session": "S1",
            "from": "HIL",
            "to": "ATL",
            "old": None,
            "new": {
                "vehicle": "VAN-02",
                "pickup_at": "2026-12-07T09:00:00-05:00",
                "dropoff_at": "2026-12-07T09:20:00-05:00",
            },
            "significant": True,
            "unserved": None,
        }
    ]
    assert changes["vehicles"] == {
        "VAN-02": {
            "added": [
                {
                    "old": None,
                    "new": {
                        "trip": "T-0002",
                        "starts_at": "2026-12-07T08:45:00-05:00",
                        "ends_at": "2026-12-07T09:50:00-05:00",
                        "stops": 4,
                        "passengers": [C.id],
                    },
                }
            ],
            "removed": [],
            "changed": [],
        }
    }
    summary = changes["summary"]
    assert (summary["delegates"], summary["vehicles"], summary["legs_added"], summary["legs_removed"]) == (1, 1, 1, 0)


def test_a_movement_served_now_that_was_unserved_is_added_with_the_old_reason():
    previous = schedule(
        [trip("T-0001", "VAN-01", [A.id])],
        unserved=[Unserved(B.id, "D0002", "HIL", "ATL", Reason.of("no_vehicle_free", needs=[], seats=1))],
    )
    added = schedule_changes(previous, base())["delegates"]["D0002"]["added"]
    assert [leg["movement"] for leg in added] == [B.id]
    assert added[0]["unserved"] == "no_vehicle_free" and added[0]["old"] is None


def test_a_leg_now_unserved_is_removed_with_its_reason():
    reason = Reason.of("no_vehicle_free", needs=["armoured"], seats=1)
    current = schedule([trip("T-0001", "VAN-01", [A.id])], unserved=[Unserved(B.id, "D0002", "HIL", "ATL", reason)])
    changes = schedule_changes(base(), current, zone=PANAMA)
    removed = changes["delegates"]["D0002"]["removed"]
    assert len(removed) == 1
    assert removed[0]["unserved"] == "no_vehicle_free"
    assert removed[0]["old"]["vehicle"] == "VAN-01" and removed[0]["new"] is None
    assert changes["delegates"]["D0002"]["delegation"] == "CR"
    assert changes["summary"]["legs_removed"] == 1
    changed = changes["vehicles"]["VAN-01"]["changed"]  # the trip still carries A: the same trip, changed
    assert len(changed) == 1
    assert changed[0]["old"]["passengers"] == [A.id, B.id] and changed[0]["new"]["passengers"] == [A.id]


def test_a_movement_that_is_gone_is_removed_with_the_reason_of_its_skipped_session():
    skipped = Unserved(None, "D0002", None, "ATL", Reason.of("session_conflict", overlaps="S2"), session="S1")
    current = schedule([trip("T-0001", "VAN-01", [A.id])], movements=(A,), unserved=[skipped])
    removed = schedule_changes(base(), current)["delegates"]["D0002"]["removed"]
    assert removed[0]["movement"] == B.id and removed[0]["unserved"] == "session_conflict"


def test_a_small_time_change_is_moved_but_not_significant():
    current = schedule([trip("T-0001", "VAN-01", [A.id, B.id], pickup=at(7, 8, 5))])
    changes = schedule_changes(base(), current, zone=PANAMA)
    moved = changes["delegates"]["D0001"]["moved"]
    assert len(moved) == 1 and moved[0]["significant"] is False
    assert moved[0]["old"]["pickup_at"] == "2026-12-07T08:00:00-05:00"
    assert moved[0]["new"]["pickup_at"] == "2026-12-07T08:05:00-05:00"
    assert changes["delegates"]["D0001"]["significant"] is False
    assert changes["summary"]["delegates"] == 0 and changes["summary"]["delegates_changed"] == 2
    assert changes["summary"]["legs_moved"] == 2 and changes["summary"]["legs_significant"] == 0
    assert len(changes["vehicles"]["VAN-01"]["changed"]) == 1


def test_a_time_change_of_more_than_five_minutes_is_significant():
    current = schedule([trip("T-0001", "VAN-01", [A.id, B.id], pickup=at(7, 8, 6))])
    changes = schedule_changes(base(), current)
    assert changes["delegates"]["D0001"]["moved"][0]["significant"] is True
    assert changes["summary"]["delegates"] == 2


def test_a_later_drop_off_alone_is_a_move():
    current = schedule([trip("T-0001", "VAN-01", [A.id, B.id], dropoff=at(7, 8, 30))])
    moved = schedule_changes(base(), current)["delegates"]["D0001"]["moved"]
    assert moved[0]["significant"] is True  # 10 minutes later
    assert moved[0]["old"]["pickup_at"] == moved[0]["new"]["pickup_at"]


def test_another_vehicle_at_the_same_time_is_significant_and_moves_the_trip():
    current = schedule([trip("T-0001", "VAN-01", [A.id]), trip("T-0002", "VAN-02", [B.id])])
    changes = schedule_changes(base(), current)
    moved = changes["delegates"]["D0002"]["moved"]
    assert moved[0]["old"]["vehicle"] == "VAN-01" and moved[0]["new"]["vehicle"] == "VAN-02"
    assert moved[0]["significant"] is True
    assert "D0001" not in changes["delegates"]
    assert [entry["new"]["trip"] for entry in changes["vehicles"]["VAN-02"]["added"]] == ["T-0002"]
    assert changes["vehicles"]["VAN-01"]["changed"][0]["new"]["passengers"] == [A.id]
    assert changes["summary"]["vehicles"] == 2


def test_trips_without_a_movement_in_common_are_removed_and_added():
    previous = schedule([trip("T-0001", "VAN-01", [A.id]), trip("T-0002", "VAN-02", [B.id])])
    current = schedule([trip("T-0001", "VAN-01", [B.id]), trip("T-0002", "VAN-02", [A.id])])
    vehicles = schedule_changes(previous, current)["vehicles"]
    for callsign in ("VAN-01", "VAN-02"):
        assert len(vehicles[callsign]["added"]) == 1 and len(vehicles[callsign]["removed"]) == 1
        assert vehicles[callsign]["changed"] == []


def test_a_trip_split_in_two_is_one_changed_and_one_added():
    previous = schedule([trip("T-0001", "VAN-01", [A.id, B.id, C.id])], movements=(A, B, C))
    current = schedule(
        [trip("T-0001", "VAN-01", [A.id, C.id]), trip("T-0002", "VAN-01", [B.id], pickup=at(7, 10))],
        movements=(A, B, C),
    )
    vehicle = schedule_changes(previous, current)["vehicles"]["VAN-01"]
    assert [entry["new"]["passengers"] for entry in vehicle["changed"]] == [[A.id, C.id]]
    assert [entry["new"]["passengers"] for entry in vehicle["added"]] == [[B.id]]
    assert vehicle["removed"] == []


def test_a_liaison_sees_its_delegation_and_no_vehicle():
    current = schedule([trip("T-0001", "VAN-02", [A.id, B.id])])
    changes = changes_for(schedule_changes(base(), current), delegation="CR")
    assert list(changes["delegates"]) == ["D0002"] and changes["vehicles"] == {}
    assert changes["summary"]["delegates"] == 1 and changes["summary"]["vehicles"] == 0


def test_a_driver_sees_its_vehicle_and_the_legs_it_carries():
    current = schedule([trip("T-0001", "VAN-01", [A.id]), trip("T-0002", "VAN-02", [B.id, C.id])], movements=(A, B, C))
    full = schedule_changes(base(), current)
    changes = changes_for(full, vehicle="VAN-02")
    assert list(changes["vehicles"]) == ["VAN-02"]
    assert sorted(changes["delegates"]) == ["D0002", "D0003"]  # moved from VAN-01, and added
    left = changes_for(full, vehicle="VAN-01")
    assert list(left["delegates"]) == ["D0002"]  # B left VAN-01; C never rode in it
    nobody = changes_for(full, vehicle="BUS-09")
    assert nobody["delegates"] == {} and nobody["vehicles"] == {} and nobody["summary"]["legs_moved"] == 0


def test_changed_legs_are_keyed_by_movement_with_their_kind_of_change():
    current = schedule([trip("T-0001", "VAN-02", [A.id, B.id])])
    legs = changed_legs(schedule_changes(base(), current)["delegates"]["D0001"])
    assert list(legs) == [A.id] and legs[A.id]["change"] == "moved"
    assert changed_legs(None) == {}


def test_the_answer_is_json_and_the_same_whatever_the_order_of_the_input():
    current = schedule(
        [trip("T-0002", "VAN-02", [C.id], pickup=at(7, 9)), trip("T-0001", "VAN-01", [B.id], pickup=at(7, 8, 30))],
        movements=(C, B, A),
    )
    changes = schedule_changes(base(), current, zone=PANAMA)
    again = schedule_changes(
        base(), Schedule(list(reversed(current.trips)), list(reversed(current.movements)), []), zone=PANAMA
    )
    assert json.dumps(changes, sort_keys=True) == json.dumps(again, sort_keys=True)
    assert json.loads(json.dumps(changes)) == changes


@settings(max_examples=200, deadline=None)
@given(
    shifts=st.lists(st.integers(min_value=-30, max_value=30), min_size=3, max_size=3),
    vehicles=st.lists(st.sampled_from(["VAN-01", "VAN-02"]), min_size=3, max_size=3),
)
def test_moved_legs_are_significant_exactly_when_the_vehicle_changes_or_a_time_moves_more_than_five_minutes(
    shifts, vehicles
):
    previous = schedule(
        [trip(f"T-{i}", "VAN-01", [m.id], pickup=at(7, 8 + i)) for i, m in enumerate((A, B, C))], (A, B, C)
    )
    current = schedule(
        [
            trip(f"T-{i}", vehicles[i], [m.id], pickup=at(7, 8 + i) + shifts[i] * MINUTE)
            for i, m in enumerate((A, B, C))
        ],
        (A, B, C),
    )
    changes = schedule_changes(previous, current)
    moved = {leg["movement"]: leg for entry in changes["delegates"].values() for leg in entry["moved"]}
    for i, m in enumerate((A, B, C)):
        if shifts[i] == 0 and vehicles[i] == "VAN-01":
            assert m.id not in moved
        else:
            assert moved[m.id]["significant"] == (vehicles[i] != "VAN-01" or abs(shifts[i]) > 5)
    assert changes["summary"]["legs_moved"] == len(moved)
    assert not any(entry["added"] or entry["removed"] for entry in changes["delegates"].values())
    assert schedule_changes(current, current)["delegates"] == {}


def test_fifteen_thousand_movements_are_compared_in_seconds():
    movements = [movement(f"D{i:05d}#to:S1", passenger=f"D{i:05d}") for i in range(15_000)]
    trips = [
        trip(
            f"T-{i:05d}",
            f"VAN-{i % 300:03d}",
            [m.id for m in movements[i * 5 : i * 5 + 5]],
            pickup=at(7, 6) + i * MINUTE,
        )
        for i in range(3_000)
    ]
    moved = [
        trip(
            t.id,
            t.vehicle,
            list(t.stops[1].board),
            pickup=t.stops[1].arrive_at + (10 * MINUTE if i % 7 == 0 else 0 * MINUTE),
        )
        for i, t in enumerate(trips)
    ]
    started = time.perf_counter()
    changes = schedule_changes(schedule(trips, movements), schedule(moved, movements), zone=PANAMA)
    assert time.perf_counter() - started < 5  # about one second on a slow, busy machine
    assert changes["summary"]["legs_moved"] == len(range(0, 3_000, 7)) * 5
