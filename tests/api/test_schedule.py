from logistics.models import RunStatus, ScheduleVersion
from logistics.selectors.schedule import schedule_export
from tests.factories import UserRoleFactory


def test_schedule_endpoint_answers_the_contract_export(world, api_client):
    response = api_client(world.users["reader"]).get("/api/v1/conferences/CASC/schedule")
    assert response.status_code == 200
    assert response.json() == schedule_export(conference=world.conference)
    assert response.json()["version"] == world.version.number


def test_schedule_endpoint_says_when_nothing_is_published(world, api_client):
    ScheduleVersion.objects.update(is_current=False)
    response = api_client(world.users["organizer"]).get("/api/v1/conferences/CASC/schedule")
    assert response.status_code == 404
    assert response.json()["detail"] == "No schedule of CASC is published yet."


def test_recompute_answers_the_run_to_poll_and_the_run_publishes_a_version(
    db, small_conference, api_client, django_capture_on_commit_callbacks
):
    client = api_client(UserRoleFactory(role="organizer").user)
    with django_capture_on_commit_callbacks(execute=True):  # the request's commit starts the task
        response = client.post(f"/api/v1/conferences/{small_conference.code}/recompute")
    assert response.status_code == 202
    run = response.json()
    assert run["trigger"].startswith("asked for by ")
    polled = client.get(f"/api/v1/runs/{run['id']}").json()
    assert polled["status"] == RunStatus.SUCCEEDED  # tasks run in-process in tests
    assert polled["version"] == 1
    schedule = client.get(f"/api/v1/conferences/{small_conference.code}/schedule").json()
    assert schedule["version"] == 1 and schedule["trips"]


def test_runs_filter_by_conference_and_status(world, api_client):
    client = api_client(world.users["logistics"])
    assert client.get("/api/v1/runs/?status=succeeded").json()["count"] == 1
    assert client.get("/api/v1/runs/?status=failed").json()["count"] == 0
    assert client.get("/api/v1/runs/?conference=NOPE").json()["count"] == 0
    bad = client.get("/api/v1/runs/?status=exploded")
    assert bad.status_code == 400
    assert "status" in bad.json()["fields"]


def test_trips_filter_by_vehicle_day_and_time_range(world, api_client):
    client = api_client(world.users["logistics"])
    assert client.get("/api/v1/trips/?vehicle=ARM-01").json()["count"] == 1
    assert client.get("/api/v1/trips/?day=2026-12-07").json()["count"] == 2
    assert client.get("/api/v1/trips/?day=2026-12-08").json()["count"] == 0
    assert client.get("/api/v1/trips/?after=2026-12-07T09:00:00-05:00").json()["count"] == 0
    assert client.get("/api/v1/trips/?before=2026-12-07T09:00:00-05:00").json()["count"] == 2
    trip = client.get("/api/v1/trips/?vehicle=ARM-01").json()["results"][0]
    assert [stop["sequence"] for stop in trip["stops"]] == [1, 2]
    assert trip["stops"][0]["board"][0]["delegate"] == "PA-1"
    assert trip["stops"][1]["alight"][0]["delegate"] == "PA-1"
