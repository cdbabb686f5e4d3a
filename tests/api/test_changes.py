"""What changed, version by version: recorded when a version is written, answered role-scoped by the API."""

from datetime import timedelta

import pytest

from conference.models import Session
from logistics.models import ScheduleVersion
from logistics.services.schedule import schedule_recompute
from tests.factories import UserRoleFactory

pytestmark = pytest.mark.django_db


def recomputed(conference):
    run = schedule_recompute(conference_id=conference.pk)
    assert run.error == "" and run.metrics.get("version"), run.findings
    return run


@pytest.fixture
def two_versions(small_conference):
    """Version 1, then the plenary two hours later and version 2: every leg to and from it moves."""
    recomputed(small_conference)
    session = Session.objects.get(conference=small_conference)
    Session.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + timedelta(hours=2), ends_at=session.ends_at + timedelta(hours=2)
    )
    recomputed(small_conference)
    return small_conference


def user(role, conference, **bound):
    if role == "liaison":
        bound = {"delegation": conference.delegations.get(code=bound["delegation"])}
    if role == "driver":
        bound = {"vehicle": conference.vehicles.get(callsign=bound["vehicle"])}
    return UserRoleFactory(role=role, **bound).user


def changes(api_client, conference, who, query=""):
    response = api_client(who).get(f"/api/v1/conferences/{conference.code}/changes{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_each_version_records_its_changes_against_the_published_one(two_versions):
    first, second = ScheduleVersion.objects.filter(conference=two_versions).order_by("number")
    assert first.changes["first"] is True and first.changes["since_version"] is None
    assert first.changes["delegates"] == {}
    assert second.changes["first"] is False and second.changes["since_version"] == 1
    assert sorted(second.changes["delegates"]) == ["D1", "D2", "D3"]
    session = Session.objects.get(conference=two_versions).code
    moved = {leg["movement"]: leg for leg in second.changes["delegates"]["D1"]["moved"]}
    leg = moved[f"D1#to:{session}"]
    assert leg["significant"] is True and leg["kind"] == "to_session"
    assert leg["old"]["vehicle"] == leg["new"]["vehicle"] == "ARM-01"
    assert leg["old"]["pickup_at"].endswith("-05:00")  # in the conference's zone
    assert second.changes["summary"]["delegates"] == 3
    assert second.changes["summary"]["vehicles"] == len(second.changes["vehicles"]) >= 1


def test_organizer_sees_every_delegate_and_vehicle_of_the_current_version(two_versions, api_client):
    body = changes(api_client, two_versions, user("organizer", two_versions))
    assert [entry["version"] for entry in body] == [2]
    entry = body[0]
    assert entry["since_version"] == 1 and entry["first"] is False
    assert entry["computed_at"].endswith("-05:00")
    assert sorted(entry["delegates"]) == ["D1", "D2", "D3"]
    assert "ARM-01" in entry["vehicles"]
    leg = entry["delegates"]["D3"]["moved"][0]
    assert set(leg) == {"movement", "kind", "session", "from", "to", "old", "new", "significant", "unserved"}
    assert entry["summary"]["delegates"] == 3
    stored = ScheduleVersion.objects.get(conference=two_versions, number=2).changes
    assert entry["delegates"] == stored["delegates"] and entry["vehicles"] == stored["vehicles"]


def test_since_lists_every_later_version_oldest_first(two_versions, api_client):
    who = user("logistics", two_versions)
    body = changes(api_client, two_versions, who, "?since=0")
    assert [(entry["version"], entry["first"]) for entry in body] == [(1, True), (2, False)]
    assert [entry["version"] for entry in changes(api_client, two_versions, who, "?since=1")] == [2]
    assert changes(api_client, two_versions, who, "?since=2") == []
    assert changes(api_client, two_versions, who, "?since=99") == []


def test_a_liaison_sees_its_delegations_delegates_and_no_vehicle(two_versions, api_client):
    (entry,) = changes(api_client, two_versions, user("liaison", two_versions, delegation="PA"))
    assert sorted(entry["delegates"]) == ["D1", "D2"]
    assert entry["vehicles"] == {}
    assert entry["summary"]["delegates"] == 2 and entry["summary"]["vehicles"] == 0


def carried_by(entry: dict, callsign: str) -> dict:
    """The organizer's delegates entry narrowed to the legs `callsign` carries before or after."""
    narrowed = {}
    for passenger, changed in entry["delegates"].items():
        legs = {
            name: [
                leg
                for leg in changed[name]
                if callsign in {(leg["old"] or {}).get("vehicle"), (leg["new"] or {}).get("vehicle")}
            ]
            for name in ("added", "removed", "moved")
        }
        if any(legs.values()):
            narrowed[passenger] = {
                **changed,
                **legs,
                "significant": any(leg["significant"] for group in legs.values() for leg in group),
            }
    return narrowed


@pytest.mark.parametrize("callsign", ["ARM-01", "VAN-01", "VAN-02"])
def test_a_driver_sees_its_vehicle_and_the_legs_it_carries(two_versions, api_client, callsign):
    (everything,) = changes(api_client, two_versions, user("organizer", two_versions))
    (entry,) = changes(api_client, two_versions, user("driver", two_versions, vehicle=callsign))
    assert entry["vehicles"] == {key: value for key, value in everything["vehicles"].items() if key == callsign}
    assert entry["delegates"] == carried_by(everything, callsign)
    assert entry["summary"]["vehicles"] == len(entry["vehicles"])


def test_a_driver_of_a_vehicle_nothing_changed_in_sees_nothing(two_versions, api_client):
    (everything,) = changes(api_client, two_versions, user("organizer", two_versions))
    idle = next(callsign for callsign in ("VAN-01", "VAN-02", "ARM-01") if callsign not in everything["vehicles"])
    (entry,) = changes(api_client, two_versions, user("driver", two_versions, vehicle=idle))
    assert entry["delegates"] == {} and entry["vehicles"] == {}
    assert entry["summary"]["delegates"] == 0 and entry["since_version"] == 1


def test_before_anything_is_published_there_is_no_change(small_conference, api_client):
    assert changes(api_client, small_conference, user("organizer", small_conference)) == []


def test_the_first_version_answers_first_and_no_change(small_conference, api_client):
    recomputed(small_conference)
    (entry,) = changes(api_client, small_conference, user("reader", small_conference))
    assert entry["first"] is True and entry["since_version"] is None
    assert entry["delegates"] == {} and entry["vehicles"] == {}


@pytest.mark.parametrize("since", ["abc", "-1", "1.5", ""])
def test_since_must_be_a_version_number(small_conference, api_client, since):
    response = api_client(user("organizer", small_conference)).get(
        f"/api/v1/conferences/{small_conference.code}/changes?since={since}"
    )
    if since == "":  # empty is the same as leaving it out (as the schema says of optional query parameters)
        assert response.status_code == 200
        return
    assert response.status_code == 400
    body = response.json()
    assert body["fields"]["since"] == ["since must be a schedule version number: a whole number, 0 or more."]


def test_changes_of_another_conference_are_not_found(two_versions, api_client, world):
    response = api_client(world.users["liaison"]).get(f"/api/v1/conferences/{two_versions.code}/changes")
    assert response.status_code == 404


def test_changes_need_credentials(two_versions, api_client):
    assert api_client(None).get(f"/api/v1/conferences/{two_versions.code}/changes").status_code == 401
