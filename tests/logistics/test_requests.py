from datetime import UTC, datetime, timedelta

import pytest

from conference.errors import Invalid, Refused
from logistics.models import Movement, RequestKind, RequestStatus, ResourceRequest, RunStatus, ScheduleRun
from logistics.scheduler_adapter import scheduling_scenario
from logistics.services.requests import (
    resource_request_approve,
    resource_request_cancel,
    resource_request_create,
    resource_request_reject,
)
from tests.factories import (
    MORNING,
    ConferenceFactory,
    DelegationFactory,
    ResourceRequestFactory,
    UserFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

AFTERNOON = MORNING + timedelta(hours=4)  # 13:00 in Panama, after the plenary


@pytest.fixture
def delegation(small_conference):
    return small_conference.delegations.get(code="PA")


def route(conference):
    """The hotel and the plenary's venue of `small_conference`."""
    return conference.venues.get(code="HIL"), conference.sessions.get().venue


@pytest.fixture
def places(small_conference):
    return route(small_conference)


def create(delegation, **fields):
    """resource_request_create with a valid vehicle request, changed by `fields`."""
    hotel, plenary = route(delegation.conference)
    given = {
        "kind": RequestKind.VEHICLE,
        "window_start": AFTERNOON,
        "window_end": AFTERNOON + timedelta(hours=1),
        "from_venue": hotel,
        "to_venue": plenary,
        "seats": 2,
        **fields,
    }
    return resource_request_create(delegation=delegation, **given)


def vehicle_request(delegation, **fields):
    """A vehicle request as it is stored, without the service."""
    hotel, plenary = route(delegation.conference)
    return ResourceRequestFactory(
        conference=delegation.conference,
        delegation=delegation,
        kind=RequestKind.VEHICLE,
        from_venue=hotel,
        to_venue=plenary,
        window_start=AFTERNOON,
        window_end=AFTERNOON + timedelta(hours=1),
        seats=2,
        **fields,
    )


# Creating


def test_a_valid_request_is_created_submitted(delegation, places):
    user = UserFactory()
    hotel, plenary = places
    request = create(delegation, notes="two advisers", user=user)
    assert request.status == RequestStatus.SUBMITTED
    assert (request.conference, request.delegation, request.kind) == (delegation.conference, delegation, "vehicle")
    assert (request.from_venue, request.to_venue, request.seats) == (hotel, plenary, 2)
    assert request.created_by == user and request.notes == "two advisers"
    assert request.decided_at is None and request.decided_by is None


def test_a_request_needing_only_the_largest_vehicle_is_accepted(delegation):
    assert create(delegation, seats=8).seats == 8


def test_a_request_other_than_a_vehicle_needs_no_route(delegation):
    request = create(delegation, kind=RequestKind.INTERPRETER, from_venue=None, to_venue=None, seats=None)
    assert request.kind == RequestKind.INTERPRETER and request.from_venue is None


@pytest.mark.parametrize(
    ("start", "end"),
    [
        # the first and last minutes of the conference, in Panama (UTC-5)
        (datetime(2026, 12, 7, 5, 0, tzinfo=UTC), datetime(2026, 12, 7, 6, 0, tzinfo=UTC)),
        (datetime(2026, 12, 9, 3, 0, tzinfo=UTC), datetime(2026, 12, 9, 4, 59, tzinfo=UTC)),
    ],
    ids=["first morning", "last evening"],
)
def test_the_window_is_judged_in_the_conference_time_zone(delegation, start, end):
    assert create(delegation, window_start=start, window_end=end).pk


REFUSALS = {
    "window ends at its start": (
        {"window_end": AFTERNOON},
        "window_end",
        "The window must end after it starts.",
    ),
    "window ends before it starts": (
        {"window_end": AFTERNOON - timedelta(minutes=1)},
        "window_end",
        "The window must end after it starts.",
    ),
    "window starts the day before": (
        # 2026-12-06 23:30 in Panama, although 2026-12-07 in UTC
        {"window_start": datetime(2026, 12, 7, 4, 30, tzinfo=UTC)},
        "window_start",
        "The window must fall within the conference, 2026-12-07 to 2026-12-08.",
    ),
    "window ends the day after": (
        {"window_end": datetime(2026, 12, 9, 5, 30, tzinfo=UTC)},
        "window_start",
        "The window must fall within the conference, 2026-12-07 to 2026-12-08.",
    ),
    "vehicle without a route": (
        {"from_venue": None, "to_venue": None},
        "from_venue",
        "A vehicle request needs from_venue and to_venue.",
    ),
    "vehicle without a destination": (
        {"to_venue": None},
        "from_venue",
        "A vehicle request needs from_venue and to_venue.",
    ),
    "vehicle without an origin": (
        {"from_venue": None},
        "from_venue",
        "A vehicle request needs from_venue and to_venue.",
    ),
    "more seats than the largest vehicle": (
        {"seats": 9},
        "seats",
        "No vehicle of {code} has 9 seats (the largest has 8).",
    ),
}


@pytest.mark.parametrize(("fields", "field", "message"), REFUSALS.values(), ids=REFUSALS.keys())
def test_a_request_breaking_a_rule_is_refused_and_nothing_is_created(delegation, fields, field, message):
    with pytest.raises(Invalid) as refusal:
        create(delegation, **fields)
    assert refusal.value.message == message.format(code=delegation.conference.code)
    assert refusal.value.field == field
    assert not ResourceRequest.objects.exists()


def test_a_vehicle_request_from_where_it_goes_is_refused(delegation, places):
    hotel, _ = places
    with pytest.raises(Invalid, match="must go somewhere else than where it starts") as refusal:
        create(delegation, from_venue=hotel, to_venue=hotel)
    assert refusal.value.field == "to_venue"
    assert not ResourceRequest.objects.exists()


@pytest.mark.parametrize("field", ["from_venue", "to_venue"])
@pytest.mark.parametrize("kind", [RequestKind.VEHICLE, RequestKind.EQUIPMENT])
def test_a_place_of_another_conference_is_refused(delegation, field, kind):
    elsewhere = VenueFactory(conference=ConferenceFactory(code="OTHER26"), code="FAR")
    with pytest.raises(Invalid) as refusal:
        create(delegation, kind=kind, **{field: elsewhere})
    assert refusal.value.message == f"FAR is not a place of {delegation.conference.code}."
    assert refusal.value.field == field
    assert not ResourceRequest.objects.exists()


def test_a_vehicle_request_where_the_conference_has_no_vehicle_says_so():
    delegation = DelegationFactory()
    hotel = VenueFactory(conference=delegation.conference, kind="hotel")
    venue = VenueFactory(conference=delegation.conference)
    with pytest.raises(Invalid) as refusal:
        resource_request_create(
            delegation=delegation,
            kind=RequestKind.VEHICLE,
            window_start=AFTERNOON,
            window_end=AFTERNOON + timedelta(hours=1),
            from_venue=hotel,
            to_venue=venue,
        )
    assert refusal.value.message == f"No vehicle of {delegation.conference.code} has 1 seats (the largest has 0)."
    assert not ResourceRequest.objects.exists()


def test_creating_a_vehicle_request_queues_no_recompute(delegation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        create(delegation)
    assert not ScheduleRun.objects.exists()


# Deciding


def test_an_organizer_approves_a_submitted_request(delegation):
    organizer = UserFactory()
    request = ResourceRequestFactory(conference=delegation.conference, delegation=delegation)
    approved, run = resource_request_approve(request_id=request.pk, user=organizer, reason="  granted ")
    assert run is None  # an interpreter is not the scheduler's business
    approved.refresh_from_db()
    assert approved.status == RequestStatus.APPROVED
    assert approved.decided_by == organizer and approved.decided_at is not None
    assert approved.decision_reason == "granted"


def test_an_organizer_rejects_a_submitted_request_with_a_reason(delegation):
    organizer = UserFactory()
    request = ResourceRequestFactory(conference=delegation.conference, delegation=delegation)
    rejected, run = resource_request_reject(request_id=request.pk, user=organizer, reason="No interpreter for Farsi.")
    assert run is None
    rejected.refresh_from_db()
    assert rejected.status == RequestStatus.REJECTED
    assert rejected.decided_by == organizer and rejected.decided_at is not None
    assert rejected.decision_reason == "No interpreter for Farsi."


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rejection_needs_a_reason(delegation, reason):
    request = ResourceRequestFactory(conference=delegation.conference, delegation=delegation)
    with pytest.raises(Invalid, match="Give the delegation a reason for the rejection") as refusal:
        resource_request_reject(request_id=request.pk, user=UserFactory(), reason=reason)
    assert refusal.value.field == "reason"
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED and request.decided_at is None


DECISIONS = {
    "approve": lambda pk, user: resource_request_approve(request_id=pk, user=user),
    "reject": lambda pk, user: resource_request_reject(request_id=pk, user=user, reason="no"),
}


@pytest.mark.parametrize("first", DECISIONS)
@pytest.mark.parametrize("second", DECISIONS)
def test_a_decided_request_cannot_be_decided_again(delegation, first, second):
    first_user, second_user = UserFactory(), UserFactory()
    request = ResourceRequestFactory(conference=delegation.conference, delegation=delegation)
    DECISIONS[first](request.pk, first_user)
    decided = ResourceRequest.objects.get(pk=request.pk)
    with pytest.raises(Refused, match=f"Request {request.pk} is {decided.status}; it can no longer become") as refusal:
        DECISIONS[second](request.pk, second_user)
    assert not isinstance(refusal.value, Invalid)
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decided_at) == (
        decided.status,
        first_user,
        decided.decided_at,
    )


@pytest.mark.parametrize(
    "status",
    [RequestStatus.CANCELLED, RequestStatus.FULFILLED],
)
@pytest.mark.parametrize("decision", DECISIONS)
def test_a_cancelled_or_fulfilled_request_cannot_be_decided(delegation, status, decision):
    request = ResourceRequestFactory(conference=delegation.conference, delegation=delegation, status=status)
    with pytest.raises(Refused, match=f"is {status}; it can no longer become"):
        DECISIONS[decision](request.pk, UserFactory())
    request.refresh_from_db()
    assert request.status == status


@pytest.mark.parametrize("status", [RequestStatus.SUBMITTED, RequestStatus.APPROVED])
def test_a_submitted_or_approved_request_can_be_cancelled(delegation, status):
    decided_at = MORNING if status == RequestStatus.APPROVED else None
    request = ResourceRequestFactory(
        conference=delegation.conference, delegation=delegation, status=status, decided_at=decided_at
    )
    _, run = resource_request_cancel(request_id=request.pk, user=UserFactory())
    assert run is None  # not a vehicle
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED
    assert request.decided_at == decided_at  # cancelling is not a decision: the decision stays on record


@pytest.mark.parametrize("status", [RequestStatus.REJECTED, RequestStatus.CANCELLED, RequestStatus.FULFILLED])
def test_a_request_rejected_cancelled_or_fulfilled_cannot_be_cancelled(delegation, status):
    decided_at = MORNING if status == RequestStatus.REJECTED else None
    request = ResourceRequestFactory(
        conference=delegation.conference, delegation=delegation, status=status, decided_at=decided_at
    )
    with pytest.raises(Refused, match=f"Request {request.pk} is {status}; it can no longer become cancelled"):
        resource_request_cancel(request_id=request.pk)
    request.refresh_from_db()
    assert request.status == status


# What a decision does to the schedule


def test_approving_a_vehicle_request_queues_one_recompute_that_plans_it(
    small_conference, delegation, places, django_capture_on_commit_callbacks
):
    organizer = UserFactory()
    request = vehicle_request(delegation)
    assert scheduling_scenario(conference=small_conference).rides == []

    with django_capture_on_commit_callbacks(execute=True):
        _, run = resource_request_approve(request_id=request.pk, user=organizer)

    queued = ScheduleRun.objects.get()  # as the commit left it
    assert queued.pk == run.pk
    assert queued.trigger == f"request {request.pk} approved" and queued.triggered_by == organizer
    rides = scheduling_scenario(conference=small_conference).rides
    hotel, plenary = places
    assert [(r.id, r.delegation, r.origin, r.destination, r.seats) for r in rides] == [
        (f"REQ-{request.pk}", "PA", hotel.code, plenary.code, 2)
    ]
    assert (rides[0].window_start, rides[0].window_end) == (request.window_start, request.window_end)
    assert queued.status == RunStatus.SUCCEEDED, queued.error  # no broker in tests: it ran in-process
    assert Movement.objects.filter(version__is_current=True, request=request).count() == 1


def test_the_recompute_a_decision_returns_is_the_one_queued(delegation):
    request = vehicle_request(delegation)
    _, run = resource_request_approve(request_id=request.pk, user=UserFactory())
    # inside the test's transaction nothing is committed, so the run is still waiting for its worker
    assert run.status == RunStatus.QUEUED
    assert [(queued.pk, queued.trigger) for queued in ScheduleRun.objects.all()] == [
        (run.pk, f"request {request.pk} approved")
    ]


def test_approving_a_request_for_something_else_than_a_vehicle_queues_no_recompute(
    delegation, django_capture_on_commit_callbacks
):
    request = ResourceRequestFactory(conference=delegation.conference, delegation=delegation, kind="interpreter")
    with django_capture_on_commit_callbacks(execute=True):
        _, run = resource_request_approve(request_id=request.pk, user=UserFactory())
    assert run is None
    assert not ScheduleRun.objects.exists()


def test_cancelling_an_approved_vehicle_request_queues_one_recompute(
    small_conference, delegation, django_capture_on_commit_callbacks
):
    request = vehicle_request(delegation, status=RequestStatus.APPROVED, decided_at=MORNING)
    with django_capture_on_commit_callbacks(execute=True):
        _, run = resource_request_cancel(request_id=request.pk, user=UserFactory())
    queued = ScheduleRun.objects.get()  # as the commit left it
    assert queued.pk == run.pk and queued.trigger == f"request {request.pk} cancelled"
    assert scheduling_scenario(conference=small_conference).rides == []


def test_cancelling_a_submitted_vehicle_request_queues_no_recompute(delegation, django_capture_on_commit_callbacks):
    request = vehicle_request(delegation)
    with django_capture_on_commit_callbacks(execute=True):
        _, run = resource_request_cancel(request_id=request.pk)
    assert run is None
    assert not ScheduleRun.objects.exists()


def test_rejecting_a_vehicle_request_queues_no_recompute(delegation, django_capture_on_commit_callbacks):
    request = vehicle_request(delegation)
    with django_capture_on_commit_callbacks(execute=True):
        _, run = resource_request_reject(request_id=request.pk, user=UserFactory(), reason="no car free")
    assert run is None
    assert not ScheduleRun.objects.exists()
