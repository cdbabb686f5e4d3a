"""The outbox: news written in the transaction that makes it, delivered at least once to a real local receiver,
signed, retried with backoff, given up after a day; a webhook failing for a day is disabled; a delegation's
webhook never carries another delegation's data."""

import hashlib
import hmac
import json
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from logistics.models import (
    DeliveryAttempt,
    Notification,
    NotificationStatus,
    RunStatus,
    Webhook,
    WebhookEvent,
)
from logistics.services import schedule as schedule_service
from logistics.services.fleet import vehicle_status_report
from logistics.services.flights import flight_expected_set
from logistics.services.notifications import (
    GIVE_UP_AFTER,
    News,
    notification_deliver,
    notifications_deliver_due,
    notifications_write,
    webhook_signature,
)
from logistics.services.schedule import schedule_recompute
from tests.flights import flying_conference, local

pytestmark = pytest.mark.django_db

SECRET = "a-secret-of-some-length"


@pytest.fixture
def receiver():
    """A local webhook receiver. It answers each POST with the next code of seen["codes"] (200 once they run out)
    and keeps every request's headers and body in seen["requests"]."""
    seen = {"codes": [], "requests": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen["requests"].append({"headers": dict(self.headers), "body": body, "path": self.path})
            code = seen["codes"].pop(0) if seen["codes"] else 200
            self.send_response(code)
            if 300 <= code < 400:
                self.send_header("Location", "/elsewhere")
            self.end_headers()
            self.wfile.write(b"not today" if code >= 300 else b"ok")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", seen
    server.shutdown()


def hook(conference, url="http://127.0.0.1:9/nobody", events=None, delegation=None) -> Webhook:
    return Webhook.objects.create(
        conference=conference,
        url=url,
        events=list(events or WebhookEvent.values),
        secret=SECRET,
        delegation=delegation,
    )


def events_of(queryset) -> list[str]:
    return sorted(queryset.values_list("event", flat=True))


def move_the_session(conference):
    conference.sessions.update(starts_at=F("starts_at") + timedelta(hours=1), ends_at=F("ends_at") + timedelta(hours=1))


# ------------------------------------------------------------------------------------------- written with the news


def test_a_published_version_writes_itinerary_trip_and_run_news(small_conference):
    listening = hook(small_conference)
    first = schedule_recompute(conference_id=small_conference.pk)
    assert first.status == RunStatus.SUCCEEDED
    # the first publication is no change: only the run's ending is news
    assert events_of(Notification.objects.all()) == ["run.finished"]
    move_the_session(small_conference)
    schedule_recompute(conference_id=small_conference.pk)
    second = Notification.objects.filter(created_at__gt=first.finished_at).exclude(event="run.finished")
    itineraries = second.filter(event="itinerary.changed")
    assert sorted(n.payload["data"]["delegate"] for n in itineraries) == ["D1", "D2", "D3"]
    one = itineraries.get(payload__data__delegate="D3")
    assert one.payload["event"] == "itinerary.changed" and one.payload["conference"] == small_conference.code
    assert one.payload["delivery"] == str(one.delivery_id) and one.webhook == listening
    assert one.payload["data"]["version"] == 2 and one.payload["data"]["delegation"] == "CR"
    session = small_conference.sessions.get().code
    assert {leg["movement"] for leg in one.payload["data"]["moved"]} == {f"D3#to:{session}", f"D3#hotel:{session}"}
    assert second.filter(event="trip.changed").exists()
    finished = Notification.objects.filter(event="run.finished").order_by("id").last()
    assert finished.payload["data"]["status"] == "succeeded" and finished.payload["data"]["version"] == 2
    assert finished.payload["data"]["changes"]["delegates"] == 3


def test_a_failed_publish_writes_no_itinerary_news_only_that_the_run_failed(small_conference, monkeypatch):
    hook(small_conference)
    schedule_recompute(conference_id=small_conference.pk)
    move_the_session(small_conference)
    before = set(Notification.objects.values_list("pk", flat=True))

    def broken(*, version):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(schedule_service, "version_make_current", broken)
    run = schedule_recompute(conference_id=small_conference.pk)
    assert run.status == RunStatus.FAILED
    new = Notification.objects.exclude(pk__in=before)
    assert events_of(new) == ["run.finished"]
    assert new.get().payload["data"]["status"] == "failed"


def test_news_written_in_a_transaction_that_rolls_back_is_never_sent(small_conference):
    hook(small_conference)
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications_write(conference=small_conference, event="run.finished", news=[News({"run": 1})])
        raise RuntimeError("the publish failed after the news was written")
    assert not Notification.objects.exists()


def test_nothing_is_written_for_a_webhook_that_does_not_take_the_event_or_is_disabled(small_conference):
    hook(small_conference, events=["vehicle.status"])
    Webhook.objects.filter(pk=hook(small_conference).pk).update(active=False)
    assert notifications_write(conference=small_conference, event="run.finished", news=[News({"run": 1})]) == 0


def test_a_status_change_is_news_and_a_position_alone_is_not(small_conference):
    hook(small_conference)
    van = small_conference.vehicles.get(callsign="VAN-01")
    vehicle_status_report(vehicle_id=van.pk, event_id="e1", status="en_route")
    vehicle_status_report(vehicle_id=van.pk, event_id="e2", status="en_route", latitude=8.98, longitude=-79.52)
    news = Notification.objects.get(event="vehicle.status")
    assert news.payload["data"] == {
        "vehicle": "VAN-01",
        "status": "en_route",
        "previous_status": "available",
        "reported_at": news.payload["data"]["reported_at"],
        "latitude": None,
        "longitude": None,
        "note": "",
    }


# ---------------------------------------------------------------------------------------- who reads what


def test_a_delegations_webhook_never_carries_another_delegations_data(small_conference):
    panama = small_conference.delegations.get(code="PA")
    theirs = hook(small_conference, delegation=panama, events=["itinerary.changed", "run.finished"])
    everyone = hook(small_conference, events=["itinerary.changed", "trip.changed", "run.finished"])
    schedule_recompute(conference_id=small_conference.pk)
    move_the_session(small_conference)
    schedule_recompute(conference_id=small_conference.pk)
    mine = Notification.objects.filter(webhook=theirs)
    assert sorted(n.payload["data"]["delegate"] for n in mine.filter(event="itinerary.changed")) == ["D1", "D2"]
    assert {n.payload["data"]["delegation"] for n in mine.filter(event="itinerary.changed")} == {"PA"}
    assert "CR" not in json.dumps([n.payload for n in mine]) and "D3" not in json.dumps([n.payload for n in mine])
    assert not mine.filter(event="trip.changed").exists()
    assert mine.filter(event="run.finished").count() == 2
    all_of_it = Notification.objects.filter(webhook=everyone, event="itinerary.changed")
    assert sorted(n.payload["data"]["delegate"] for n in all_of_it) == ["D1", "D2", "D3"]


def test_a_flight_change_tells_each_delegation_of_its_own_people_only():
    flying = flying_conference()
    conference = flying.conference
    panama, costa_rica = (conference.delegations.get(code=code) for code in ("PA", "CR"))
    pa_hook = hook(conference, delegation=panama, events=["flight.changed"])
    cr_hook = hook(conference, delegation=costa_rica, events=["flight.changed"])
    desk_hook = hook(conference, events=["flight.changed"])
    flight_expected_set(conference=conference, number="IB 672", day=date(2026, 12, 8), expected_at=local(8, 19))
    desk = Notification.objects.get(webhook=desk_hook)
    assert desk.payload["data"]["delegates"] == ["PA-1", "PA-2"]
    assert desk.payload["data"]["kind"] == "departure" and desk.payload["data"]["number"] == "IB 672"
    assert Notification.objects.get(webhook=pa_hook).payload["data"]["delegates"] == ["PA-1", "PA-2"]
    assert not Notification.objects.filter(webhook=cr_hook).exists()  # none of theirs is on it


# ----------------------------------------------------------------------------------------------- delivery


def written(conference, url, **data) -> Notification:
    listening = hook(conference, url=url)
    notifications_write(conference=conference, event="run.finished", news=[News({"run": 7, **data})])
    return Notification.objects.get(webhook=listening)


def test_a_delivery_is_signed_so_that_the_receiver_can_check_it(small_conference, receiver):
    url, seen = receiver
    notification = written(small_conference, url)
    assert notifications_deliver_due() == 1
    (request,) = seen["requests"]
    headers, body = request["headers"], request["body"]
    assert headers["Convoy-Event"] == "run.finished"
    assert headers["Convoy-Delivery"] == str(notification.delivery_id)
    expected = hmac.new(SECRET.encode(), f"{headers['Convoy-Timestamp']}.".encode() + body, hashlib.sha256)
    assert headers["Convoy-Signature"] == f"sha256={expected.hexdigest()}"
    assert headers["Convoy-Signature"] == webhook_signature(
        secret=SECRET, timestamp=int(headers["Convoy-Timestamp"]), body=body
    )
    assert json.loads(body)["data"] == {"run": 7}
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.DELIVERED and notification.attempts == 1
    (attempt,) = DeliveryAttempt.objects.filter(notification=notification)
    assert attempt.succeeded and attempt.status_code == 200
    assert notifications_deliver_due() == 0  # delivered once


def test_a_failed_delivery_is_retried_with_backoff_and_the_same_delivery_id(small_conference, receiver):
    url, seen = receiver
    seen["codes"] = [500, 503]
    notification = written(small_conference, url)
    notifications_deliver_due()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING and notification.attempts == 1
    first_wait = notification.due_at - timezone.now()
    assert timedelta(seconds=5) < first_wait <= timedelta(seconds=10)
    assert "not today" in notification.last_error
    assert notifications_deliver_due() == 0  # not due yet
    Notification.objects.filter(pk=notification.pk).update(due_at=timezone.now())
    notifications_deliver_due()
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert timedelta(seconds=15) < notification.due_at - timezone.now() <= timedelta(seconds=20)  # doubled
    assert Webhook.objects.get(pk=notification.webhook_id).failing_since is not None
    Notification.objects.filter(pk=notification.pk).update(due_at=timezone.now())
    notifications_deliver_due()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.DELIVERED and notification.attempts == 3
    assert {r["headers"]["Convoy-Delivery"] for r in seen["requests"]} == {str(notification.delivery_id)}
    assert [a.status_code for a in DeliveryAttempt.objects.filter(notification=notification)] == [500, 503, 200]
    assert Webhook.objects.get(pk=notification.webhook_id).failing_since is None


def test_a_redirect_is_a_failure_not_a_post_elsewhere(small_conference, receiver):
    url, seen = receiver
    seen["codes"] = [302]
    notification = written(small_conference, url)
    notifications_deliver_due()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING and len(seen["requests"]) == 1
    assert DeliveryAttempt.objects.get(notification=notification).status_code == 302


def test_an_unreachable_receiver_is_logged_and_retried(small_conference):
    notification = written(small_conference, "http://127.0.0.1:9/nobody")
    notifications_deliver_due()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING and notification.attempts == 1
    attempt = DeliveryAttempt.objects.get(notification=notification)
    assert attempt.status_code is None and "refused" in attempt.error.lower()


def test_a_day_of_failures_gives_the_delivery_up_and_disables_the_webhook(small_conference, receiver):
    url, seen = receiver
    seen["codes"] = [500]
    notification = written(small_conference, url)
    a_day_ago = timezone.now() - GIVE_UP_AFTER - timedelta(seconds=1)
    Notification.objects.filter(pk=notification.pk).update(created_at=a_day_ago)
    Webhook.objects.filter(pk=notification.webhook_id).update(failing_since=a_day_ago)
    notifications_deliver_due()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.GAVE_UP and notification.attempts == 1
    disabled = Webhook.objects.get(pk=notification.webhook_id)
    assert not disabled.active and disabled.disabled_at is not None
    # a disabled webhook gets nothing new
    assert notifications_write(conference=small_conference, event="run.finished", news=[News({"run": 8})]) == 0


def test_a_row_a_killed_worker_had_claimed_is_sent_again_once_the_claim_expires(small_conference, receiver):
    url, seen = receiver
    notification = written(small_conference, url)
    Notification.objects.filter(pk=notification.pk).update(claimed_until=timezone.now() + timedelta(minutes=1))
    assert notifications_deliver_due() == 0 and not seen["requests"]  # another worker has it
    Notification.objects.filter(pk=notification.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert notifications_deliver_due() == 1
    assert [r["headers"]["Convoy-Delivery"] for r in seen["requests"]] == [str(notification.delivery_id)]


def test_a_row_is_sent_by_one_worker_only(small_conference, receiver):
    url, seen = receiver
    notification = written(small_conference, url)
    assert notification_deliver(notification_id=notification.pk) is True
    assert notification_deliver(notification_id=notification.pk) is False
    assert len(seen["requests"]) == 1


def test_while_a_receiver_is_down_one_row_per_sweep_probes_it_and_the_rest_follow_when_it_is_back(small_conference):
    down = hook(small_conference, url="http://127.0.0.1:9/nobody")
    notifications_write(conference=small_conference, event="run.finished", news=[News({"run": n}) for n in range(3)])
    assert notifications_deliver_due() == 1  # the first fails: the other two wait for the next sweep
    assert DeliveryAttempt.objects.count() == 1
    assert Notification.objects.filter(webhook=down, attempts=0, status="pending").count() == 2
