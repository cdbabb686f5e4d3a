from scheduling.movements import derive_movements
from scheduling.parties import PartyOptions, build_parties
from tests.scheduling.builders import car, person, scenario

FLEET = (car("VAN-01"), car("ARM-01", seats=3, armoured=True))


def parties_for(people, cars=FLEET, options=None):
    options = options or PartyOptions()
    movements, _ = derive_movements(scenario(people, cars))
    to_plenary = [m for m in movements if m.kind == "to_session"]
    return build_parties(to_plenary, list(cars), options)


def test_people_going_the_same_way_at_the_same_time_share_a_party_in_small_groups():
    parties = parties_for(
        [person(f"P{i}", delegation="PA" if i % 2 else "CR") for i in range(10)], options=PartyOptions(shared_size=4)
    )
    assert [p.seats for p in parties] == [4, 4, 2]
    assert not any(p.exclusive or p.armoured for p in parties)


def test_vips_ride_only_with_vips_of_their_delegation_in_armoured_vehicles():
    people = [
        person("V1", "PA", vip=True),
        person("V2", "PA", vip=True),
        person("V3", "CR", vip=True),
        person("N1", "PA"),
    ]
    parties = parties_for(people)
    vip = [sorted(m.passenger for m in p.movements) for p in parties if p.armoured]
    assert sorted(vip) == [["V1", "V2"], ["V3"]]
    assert all(p.exclusive for p in parties if p.armoured)
    assert [m.passenger for p in parties if not p.armoured for m in p.movements] == ["N1"]


def test_separate_delegations_ride_alone_and_accessible_needs_stay_together():
    people = [
        person("S1", "US", separate=True),
        person("S2", "US", separate=True),
        person("A1", accessible=True),
        person("N1"),
    ]
    parties = {tuple(sorted(m.passenger for m in p.movements)): p for p in parties_for(people)}
    assert parties[("S1", "S2")].exclusive
    assert parties[("A1",)].accessible and not parties[("A1",)].exclusive
    assert not parties[("N1",)].accessible


def test_vip_groups_are_cut_to_the_largest_armoured_vehicle():
    people = [person(f"V{i}", "PA", vip=True) for i in range(5)]
    assert sorted(p.seats for p in parties_for(people)) == [2, 3]
