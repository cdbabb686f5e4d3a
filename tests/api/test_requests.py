import pytest

from logistics.models import RequestStatus, ResourceRequest, RunStatus, ScheduleRun
from tests.factories import (
    MORNING,
    ConferenceFactory,
    DelegationFactory,
    ResourceRequestFactory,
    UserRoleFactory,
    VehicleFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/requests/"
# 2026-12-07, 13:00 to 14:00 in Panama (the conference runs 2026-12-07 to 08, America/Panama)
WINDOW = {"window_start": "2026-12-07T13:00:00-05:00", "window_end": "2026-12-07T14:00:00-05:00"}


@pytest.fixture
def conference():
    conference = ConferenceFactory(code="CASC26")
    VenueFactory(conference=conference, code="HIL", kind="hotel")
    VenueFactory(conference=conference, code="PLZ", kind="venue", latitude="8.990000", longitude="-79.530000")
    VehicleFactory(conference=conference, callsign="VAN-01", seats=8)
    DelegationFactory(conference=conference, code="PA")
    DelegationFactory(conference=conference, code="CR")
    return conference


@pytest.fixture
def panama(conference):
    return conference.delegations.get(code="PA")


@pytest.fixture
def costa_rica(conference):
    return conference.delegations.get(code="CR")


@pytest.fixture
def liaison(api_client, panama):
    """The liaison of Panama."""
    return api_client(UserRoleFactory(role="liaison", delegation=panama).user)


@pytest.fixture
def organizer(api_client):
    return api_client(UserRoleFactory(role="organizer").user)


def vehicle_body(**fields):
    return {"kind": "vehicle", "from_venue": "HIL", "to_venue": "PLZ", "seats": 3, **WINDOW, **fields}


def vehicle_request(delegation, **fields):
    conference = delegation.conference
    return ResourceRequestFactory(
        conference=conference,
        delegation=delegation,
        kind="vehicle",
        from_venue=conference.venues.get(code="HIL"),
        to_venue=conference.venues.get(code="PLZ"),
        seats=3,
        **fields,
    )


def detail(request) -> str:
    return f"{REQUESTS}{request.pk}"


# Asking


def test_a_liaison_asks_for_its_own_delegation_without_naming_it(liaison, panama):
    response = liaison.post(REQUESTS, vehicle_body(notes="the minister and two advisers"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    created = ResourceRequest.objects.get()
    assert body["id"] == created.pk and created.delegation == panama
    assert {k: body[k] for k in ("conference", "delegation", "kind", "from_venue", "to_venue", "seats", "status")} == {
        "conference": "CASC26",
        "delegation": "PA",
        "kind": "vehicle",
        "from_venue": "HIL",
        "to_venue": "PLZ",
        "seats": 3,
        "status": "submitted",
    }
    assert body["notes"] == "the minister and two advisers"
    assert body["decided_at"] is None and body["decision_reason"] == ""
    assert not ScheduleRun.objects.exists()  # a submitted request is not planned yet


def test_a_liaison_may_name_its_own_delegation(liaison, panama):
    response = liaison.post(REQUESTS, vehicle_body(delegation="PA"), format="json")
    assert response.status_code == 201
    assert response.json()["delegation"] == "PA"


def test_a_liaison_naming_another_delegation_learns_nothing_about_it(liaison, costa_rica):
    other = liaison.post(REQUESTS, vehicle_body(delegation="CR"), format="json")
    unknown = liaison.post(REQUESTS, vehicle_body(delegation="XX"), format="json")
    assert (other.status_code, unknown.status_code) == (400, 400)
    assert other.json()["fields"] == {"delegation": ["CR is not a delegation you may ask for."]}
    # word for word the answer for a delegation that does not exist, but for the code the liaison sent
    assert other.json()["detail"] == unknown.json()["detail"].replace("XX", "CR")
    assert other.json()["fields"]["delegation"] == [
        m.replace("XX", "CR") for m in unknown.json()["fields"]["delegation"]
    ]
    assert not ResourceRequest.objects.exists()


def test_an_organizer_must_name_the_delegation(organizer, conference):
    response = organizer.post(REQUESTS, vehicle_body(), format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"delegation": ["Name the delegation the request is for."]}
    named = organizer.post(REQUESTS, vehicle_body(delegation="CR"), format="json")
    assert named.status_code == 201 and named.json()["delegation"] == "CR"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"window_start": "2026-12-06T23:30:00-05:00"},
            "window_start",
            "The window must fall within the conference, 2026-12-07 to 2026-12-08.",
        ),
        (
            {"window_end": "2026-12-07T12:00:00-05:00"},
            "window_end",
            "The window must end after it starts.",
        ),
        ({"to_venue": None}, "from_venue", "A vehicle request needs from_venue and to_venue."),
        ({"to_venue": "HIL"}, "to_venue", "A vehicle request must go somewhere else than where it starts."),
        ({"to_venue": "ATLX"}, "to_venue", "ATLX is not a place of CASC26."),
        ({"seats": 9}, "seats", "No vehicle of CASC26 has 9 seats (the largest has 8)."),
        ({"kind": "helicopter"}, "kind", '"helicopter" is not a valid choice.'),
        ({"window_start": "soon"}, "window_start", None),
    ],
    ids=["outside the dates", "window order", "no route", "same place", "unknown place", "seats", "kind", "date"],
)
def test_a_request_breaking_a_rule_answers_400_naming_the_field(liaison, change, field, message):
    response = liaison.post(REQUESTS, vehicle_body(**change), format="json")
    assert response.status_code == 400, response.json()
    error = response.json()
    assert (error["status"], error["code"]) == (400, "invalid")
    assert list(error["fields"]) == [field]
    if message:
        assert error["fields"][field] == [message]
    assert not ResourceRequest.objects.exists()


def test_a_place_of_another_conference_is_unknown_here(liaison):
    VenueFactory(conference=ConferenceFactory(code="OTHER26"), code="FAR")
    response = liaison.post(REQUESTS, vehicle_body(to_venue="FAR"), format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"to_venue": ["FAR is not a place of CASC26."]}


# Seeing


def test_a_liaison_sees_only_its_delegations_requests(liaison, panama, costa_rica):
    own = vehicle_request(panama)
    theirs = vehicle_request(costa_rica)
    listed = liaison.get(REQUESTS).json()
    assert [r["id"] for r in listed["results"]] == [own.pk]
    assert liaison.get(REQUESTS, {"delegation": "CR"}).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    assert liaison.get(detail(own)).status_code == 200
    response = liaison.get(detail(theirs))
    assert response.status_code == 404
    assert response.json()["detail"] == f"There is no request {theirs.pk} that you may see."


def test_the_list_filters_by_status_and_delegation(organizer, panama, costa_rica):
    submitted = vehicle_request(panama)
    approved = vehicle_request(panama, status=RequestStatus.APPROVED, decided_at=MORNING)
    other = vehicle_request(costa_rica)

    def ids(**query):
        response = organizer.get(REQUESTS, query)
        assert response.status_code == 200
        return sorted(r["id"] for r in response.json()["results"])

    assert ids() == sorted([submitted.pk, approved.pk, other.pk])
    assert ids(status="submitted") == sorted([submitted.pk, other.pk])
    assert ids(status="approved") == [approved.pk]
    assert ids(delegation="PA") == sorted([submitted.pk, approved.pk])
    assert ids(delegation="CR", status="submitted") == [other.pk]
    assert ids(delegation="CR", status="approved") == []
    assert ids(conference="CASC26", delegation="CR") == [other.pk]
    assert ids(conference="NOPE") == []


# Cancelling


def test_a_liaison_cancels_its_own_request(liaison, panama):
    request = vehicle_request(panama)
    response = liaison.post(f"{detail(request)}/cancel", format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["request"]["status"] == "cancelled" and response.json()["run"] is None
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED


def test_a_liaison_cannot_cancel_another_delegations_request(liaison, costa_rica):
    theirs = vehicle_request(costa_rica)
    response = liaison.post(f"{detail(theirs)}/cancel", format="json")
    assert response.status_code == 404
    assert response.json()["detail"] == f"There is no request {theirs.pk} that you may see."
    theirs.refresh_from_db()
    assert theirs.status == RequestStatus.SUBMITTED


def test_cancelling_a_rejected_request_answers_409(liaison, panama):
    request = vehicle_request(panama, status=RequestStatus.REJECTED, decided_at=MORNING)
    response = liaison.post(f"{detail(request)}/cancel", format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == f"Request {request.pk} is rejected; it can no longer become cancelled."


# Deciding


@pytest.mark.parametrize("action", ["approve", "reject"])
@pytest.mark.parametrize("whose", ["own", "another delegation's"])
def test_a_liaison_cannot_decide(liaison, panama, costa_rica, action, whose):
    request = vehicle_request(panama if whose == "own" else costa_rica)
    response = liaison.post(f"{detail(request)}/{action}", {"reason": "please"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_an_organizer_approves_a_vehicle_request_and_gets_the_recompute(organizer, panama):
    request = vehicle_request(panama)
    response = organizer.post(f"{detail(request)}/approve", {"reason": "granted"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["request"]["id"] == request.pk
    assert (body["request"]["status"], body["request"]["decision_reason"]) == ("approved", "granted")
    assert body["request"]["decided_at"] is not None
    run = ScheduleRun.objects.get()
    assert body["run"]["id"] == run.pk and body["run"]["conference"] == "CASC26"
    assert body["run"]["status"] == run.status == RunStatus.QUEUED  # it runs once the request's transaction commits
    assert body["run"]["trigger"] == f"request {request.pk} approved"


def test_approving_a_request_for_something_else_than_a_vehicle_answers_no_run(organizer, panama):
    request = ResourceRequestFactory(conference=panama.conference, delegation=panama, kind="escort")
    response = organizer.post(f"{detail(request)}/approve", format="json")
    assert response.status_code == 200
    assert response.json()["request"]["status"] == "approved" and response.json()["run"] is None
    assert not ScheduleRun.objects.exists()


def test_an_organizer_rejects_with_a_reason(organizer, panama):
    request = vehicle_request(panama)
    without = organizer.post(f"{detail(request)}/reject", {"reason": "  "}, format="json")
    assert without.status_code == 400
    assert without.json()["fields"] == {"reason": ["Give the delegation a reason for the rejection."]}
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED

    response = organizer.post(f"{detail(request)}/reject", {"reason": "No vehicle free then."}, format="json")
    assert response.status_code == 200
    assert response.json()["request"]["status"] == "rejected"
    assert response.json()["request"]["decision_reason"] == "No vehicle free then."
    assert response.json()["run"] is None
    assert not ScheduleRun.objects.exists()


@pytest.mark.parametrize(("first", "second"), [("approve", "approve"), ("approve", "reject"), ("reject", "approve")])
def test_deciding_twice_answers_409(organizer, panama, first, second):
    request = vehicle_request(panama)
    assert organizer.post(f"{detail(request)}/{first}", {"reason": "x"}, format="json").status_code == 200
    decided = ResourceRequest.objects.get(pk=request.pk)
    response = organizer.post(f"{detail(request)}/{second}", {"reason": "y"}, format="json")
    assert response.status_code == 409
    becomes = {"approve": "approved", "reject": "rejected"}[second]
    message = f"Request {request.pk} is {decided.status}; it can no longer become {becomes}."
    assert response.json() == {"status": 409, "code": "conflict", "detail": message, "fields": {"status": [message]}}
    request.refresh_from_db()
    assert (request.status, request.decision_reason) == (decided.status, "x")


def test_an_unknown_request_answers_404(organizer):
    assert organizer.post(f"{REQUESTS}999999/approve", format="json").status_code == 404


def test_a_time_without_its_utc_offset_is_refused_not_read_as_utc(world, api_client):
    response = api_client(world.users["liaison"]).post(
        "/api/v1/requests/",
        {"kind": "interpreter", "window_start": "2026-12-07T09:00:00", "window_end": "2026-12-07T10:00:00-05:00"},
        format="json",
    )
    assert response.status_code == 400
    assert "UTC offset" in response.json()["fields"]["window_start"][0]


def test_a_window_may_end_at_midnight_after_the_last_day(world, api_client):
    response = api_client(world.users["liaison"]).post(
        "/api/v1/requests/",
        {"kind": "escort", "window_start": "2026-12-08T22:00:00-05:00", "window_end": "2026-12-09T00:00:00-05:00"},
        format="json",
    )
    assert response.status_code == 201, response.content
