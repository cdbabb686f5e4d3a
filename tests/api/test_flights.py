from datetime import timedelta

import pytest

from delegates.models import Flight
from logistics.models import Movement, RunStatus, ScheduleRun, ScheduleVersion
from logistics.services.schedule import schedule_recompute
from tests.factories import UserRoleFactory
from tests.flights import flying_conference, local

pytestmark = pytest.mark.django_db

URL = "/api/v1/conferences/FLY/flights"
CM675 = f"{URL}/CM%20675/2026-12-07"


@pytest.fixture
def flying():
    return flying_conference()


@pytest.fixture
def as_role(api_client):
    def client(role: str, **bound):
        return api_client(UserRoleFactory(role=role, **bound).user)

    return client


def test_the_flights_are_listed_with_local_times(flying, as_role):
    response = as_role("reader").get(URL)
    assert response.status_code == 200
    assert response.json() == [
        {
            "number": "CM 675",
            "date": "2026-12-07",
            "kind": "arrival",
            "venue": "PTY",
            "scheduled_at": "2026-12-07T09:55:00-05:00",
            "expected_at": None,
            "delegates": 3,
        },
        {
            "number": "CM 999",
            "date": "2026-12-07",
            "kind": "arrival",
            "venue": "PTY",
            "scheduled_at": "2026-12-07T21:30:00-05:00",
            "expected_at": None,
            "delegates": 1,
        },
        {
            "number": "CM 675",
            "date": "2026-12-08",
            "kind": "departure",
            "venue": "PTY",
            "scheduled_at": "2026-12-08T16:00:00-05:00",
            "expected_at": None,
            "delegates": 1,
        },
        {
            "number": "IB 672",
            "date": "2026-12-08",
            "kind": "departure",
            "venue": "PTY",
            "scheduled_at": "2026-12-08T18:00:00-05:00",
            "expected_at": None,
            "delegates": 2,
        },
    ]


def test_the_list_filters_by_date_and_kind(flying, as_role):
    client = as_role("logistics")
    assert [f["number"] for f in client.get(URL, {"date": "2026-12-08"}).json()] == ["CM 675", "IB 672"]
    assert [f["number"] for f in client.get(URL, {"kind": "arrival"}).json()] == ["CM 675", "CM 999"]
    assert [f["number"] for f in client.get(URL, {"date": "2026-12-08", "kind": "arrival"}).json()] == []
    assert len(client.get(URL, {"date": "", "kind": ""}).json()) == 4  # empty is the same as absent
    bad = client.get(URL, {"date": "tomorrow", "kind": "landing"})
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"date", "kind"}


def test_listing_costs_the_same_queries_whatever_the_number_of_flights(flying, as_role, django_assert_max_num_queries):
    client = as_role("organizer")
    client.get(URL)  # the caller's role is read once per request
    with django_assert_max_num_queries(8):
        assert len(client.get(URL).json()) == 4


def test_patch_sets_the_expected_time_answers_the_flight_and_asks_for_a_recompute(flying, as_role):
    response = as_role("logistics").patch(CM675, {"expected_at": "2026-12-07T11:55:00-05:00"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["expected_at"] == "2026-12-07T11:55:00-05:00"
    assert response.json()["scheduled_at"] == "2026-12-07T09:55:00-05:00"
    assert Flight.objects.get(number="CM 675", kind="arrival").expected_at == local(7, 11, 55)
    run = ScheduleRun.objects.get(conference=flying.conference, status=RunStatus.QUEUED)
    assert run.triggers[-1]["code"] == "flight_changed"
    assert run.triggers[-1]["params"]["number"] == "CM 675"
    listed = as_role("reader").get(URL, {"kind": "arrival"}).json()[0]
    assert listed["expected_at"] == "2026-12-07T11:55:00-05:00"


def test_patch_with_null_clears_the_expected_time(flying, as_role):
    client = as_role("organizer")
    client.patch(CM675, {"expected_at": "2026-12-07T16:55:00Z"}, format="json")
    response = client.patch(CM675, {"expected_at": None}, format="json")
    assert response.status_code == 200 and response.json()["expected_at"] is None


def test_patch_of_an_arrival_and_a_departure_of_one_number_and_date_needs_the_kind(flying, as_role):
    pa2 = flying.people["PA-2"]
    pa2.departure_at, pa2.departure_flight = local(7, 23), "CM 675"
    pa2.save()
    client = as_role("organizer")
    ambiguous = client.patch(CM675, {"expected_at": "2026-12-07T11:00:00-05:00"}, format="json")
    assert ambiguous.status_code == 400
    assert ambiguous.json()["detail"] == (
        "Flight CM 675 on 2026-12-07 is both an arrival and a departure: say which (kind)."
    )
    assert "kind" in ambiguous.json()["fields"]
    answered = client.patch(CM675, {"expected_at": "2026-12-07T23:30:00-05:00", "kind": "departure"}, format="json")
    assert answered.status_code == 200
    assert (answered.json()["kind"], answered.json()["delegates"]) == ("departure", 1)


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        (f"{URL}/CM%20675/2026-12-09", {"expected_at": None}, 404, None),
        (f"{URL}/XX%201/2026-12-07", {"expected_at": None}, 404, None),
        (f"{URL}/CM%20675/2026-12-08", {"expected_at": None, "kind": "arrival"}, 404, None),
        (f"{URL}/CM%20675/7-12-2026", {"expected_at": None}, 400, "date"),
        (CM675, {}, 400, "expected_at"),
        (CM675, {"expected_at": "2026-12-07T11:55:00"}, 400, "expected_at"),  # no offset
        (CM675, {"expected_at": "2026-12-10T11:55:00-05:00"}, 400, "expected_at"),  # three days late
        (CM675, {"expected_at": None, "kind": "landing"}, 400, "kind"),
        ("/api/v1/conferences/NOPE/flights/CM%20675/2026-12-07", {"expected_at": None}, 404, None),
    ],
)
def test_patch_errors_answer_the_error_body(flying, as_role, path, body, status, field):
    response = as_role("organizer").patch(path, body, format="json")
    assert response.status_code == status, response.content
    assert response.json()["status"] == status and response.json()["detail"]
    if field:
        assert field in response.json()["fields"]
    assert not Flight.objects.exists()


@pytest.mark.parametrize(
    ("role", "reads", "writes"),
    [("organizer", 200, 200), ("logistics", 200, 200), ("reader", 200, 403), ("liaison", 403, 403)],
)
def test_the_desk_reads_and_organizers_and_logistics_write(flying, as_role, role, reads, writes):
    bound = {"delegation": flying.people["PA-1"].delegation} if role == "liaison" else {}
    client = as_role(role, **bound)
    assert client.get(URL).status_code == reads
    assert client.patch(CM675, {"expected_at": None}, format="json").status_code == writes


def test_a_driver_reads_no_flights(flying, as_role):
    response = as_role("driver", vehicle=flying.conference.vehicles.first()).get(URL)
    assert response.status_code == 403


def test_a_delay_moves_the_arrival_legs_of_everyone_on_the_flight_after_the_recompute(
    flying, as_role, django_capture_on_commit_callbacks
):
    first = schedule_recompute(conference_id=flying.conference.pk)
    assert first.status == RunStatus.SUCCEEDED, first.error
    before = arrival_pickups(flying.conference)
    assert set(before) == {"PA-1", "PA-2", "CR-1", "CR-2"}

    with django_capture_on_commit_callbacks(execute=True):  # the request's commit runs the recompute in-process
        response = as_role("organizer").patch(CM675, {"expected_at": "2026-12-07T11:55:00-05:00"}, format="json")
    assert response.status_code == 200
    run = ScheduleRun.objects.filter(conference=flying.conference).latest("created_at")
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.triggers[0]["code"] == "flight_changed"

    after = arrival_pickups(flying.conference)
    for external_id in ("PA-1", "PA-2", "CR-1"):
        assert after[external_id] - before[external_id] == timedelta(hours=2), external_id
    assert after["CR-2"] == before["CR-2"]  # on another flight


def arrival_pickups(conference) -> dict:
    """Each delegate's arrival movement's earliest pickup (ready time) in the current version."""
    version = ScheduleVersion.objects.get(conference=conference, is_current=True)
    rows = Movement.objects.filter(version=version, kind="arrival").values_list(
        "delegate__external_id", "earliest_pickup"
    )
    return dict(rows)
