"""The outbox: news for REST clients' webhooks, written in the transaction that makes the news and delivered
by a worker afterwards, at least once.

A service that publishes a version or records an event calls `notifications_write` inside its transaction:
one row per receiver goes into the outbox, or none if the transaction rolls back. After the commit the
delivery task is asked for; Celery beat sweeps the outbox as well (`NOTIFY_SWEEP_SECONDS`), so a lost message
or a worker killed mid-delivery delays a delivery and loses nothing. A worker claims a row before it sends it
(for the send's timeout and 30 s), so two workers never send one row at the same time, and a claim that
outlives its worker expires. Every attempt is logged (`DeliveryAttempt`); a failed one is retried with
backoff (10 s, doubling, at most an hour apart) until a day after the row was written, then given up. A
webhook that has failed without a success for a day is disabled, and the dashboard says so.

Each delivery is a JSON POST of {"event", "delivery", "conference", "created_at", "data"} with the headers
`Convoy-Event`, `Convoy-Delivery` (the same uuid on every attempt: receivers de-duplicate by it),
`Convoy-Timestamp` (unix seconds) and `Convoy-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`
keyed with the webhook's secret. Any 2xx answer is a success.

E-mails go through the same outbox: "your itinerary changed" to each delegate with an address and to each of
the delegation's liaisons, with the significant changes only (a vehicle changed, a time moved by more than 5
minutes, a leg added or removed), old and new, in the person's language and the conference's time zone, with the
delegate's own itinerary link and calendar. A person's news waits `NOTIFY_SETTLE_SECONDS` from the first change:
later changes within that time join the same message (a leg changed and changed back is no news), except that a
change to a leg starting within `NOTIFY_URGENT_MINUTES` sends the message at once.
"""

import contextlib
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from conference.models import Conference, Role, Session, UserRole, Venue
from delegates.models import Delegate, Delegation
from logistics.models import (
    DeliveryAttempt,
    MovementKind,
    Notification,
    NotificationChannel,
    NotificationStatus,
    RunStatus,
    ScheduleRun,
    ScheduleVersion,
    Webhook,
    WebhookEvent,
)
from logistics.selectors.itineraries import itinerary_link_token
from scheduling.changes import LEG_LISTS, SIGNIFICANT

logger = logging.getLogger(__name__)

CLAIM_MARGIN_SECONDS = 30  # a worker sends a claimed row within its timeout and this, or another may take it
SWEEP_SECONDS = 60  # one delivery task sends for at most this long
FIRST_RETRY_SECONDS = 10
MAX_RETRY_SECONDS = 3600
GIVE_UP_AFTER = timedelta(days=1)
DISABLE_AFTER = timedelta(days=1)
ERROR_KEPT = 500  # characters of a receiver's answer kept in the log
# events a webhook bound to a delegation may not take: they carry other delegations' people or the whole fleet
NOT_FOR_DELEGATIONS = frozenset({WebhookEvent.TRIP_CHANGED, WebhookEvent.VEHICLE_STATUS})


@dataclass(frozen=True)
class News:
    """One piece of news and who may read it: the conference's webhooks (`conference_wide`), and the webhooks
    of the delegations in `delegations` (None: of every delegation; empty: of none)."""

    data: dict
    conference_wide: bool = True
    delegations: frozenset[int] | None = frozenset()


def notifications_write(*, conference: Conference, event: str, news: list[News]) -> int:
    """Put the news into the outbox for every active webhook of the conference that takes `event` and may read
    it, inside the caller's transaction; ask for delivery once it commits. Returns the rows written."""
    hooks = [hook for hook in Webhook.objects.filter(conference=conference, active=True) if event in hook.events]
    if not hooks or not news:
        return 0
    now = timezone.now()
    rows = []
    for item in news:
        for hook in hooks:
            if hook.delegation_id is None:
                if not item.conference_wide:
                    continue
            elif item.delegations is not None and hook.delegation_id not in item.delegations:
                continue
            delivery = uuid.uuid4()
            envelope = {
                "event": event,
                "delivery": str(delivery),
                "conference": conference.code,
                "created_at": now.isoformat(),
                "data": item.data,
            }
            rows.append(
                Notification(
                    conference=conference,
                    channel=NotificationChannel.WEBHOOK,
                    webhook=hook,
                    event=event,
                    delivery_id=delivery,
                    payload=envelope,
                    due_at=now,
                )
            )
    Notification.objects.bulk_create(rows, batch_size=500)
    if rows:
        transaction.on_commit(_ask_for_delivery)
    return len(rows)


def notifications_for_version(*, version: ScheduleVersion) -> int:
    """The news of a version being published, in its publishing transaction: `itinerary.changed` for every
    delegate whose legs changed (to the conference's webhooks and the delegate's delegation's), `trip.changed`
    for every vehicle whose trips changed (to the conference's webhooks only)."""
    changes = version.changes or {}
    conference = version.conference
    delegations = dict(Delegation.objects.filter(conference=conference).values_list("code", "pk"))
    itineraries = [
        News(
            {"version": version.number, "delegate": external_id, **entry},
            delegations=frozenset({delegations.get(entry.get("delegation"))}),
        )
        for external_id, entry in sorted(changes.get("delegates", {}).items())
    ]
    trips = [
        News({"version": version.number, "vehicle": callsign, **entry})
        for callsign, entry in sorted(changes.get("vehicles", {}).items())
    ]
    return notifications_write(
        conference=conference, event=WebhookEvent.ITINERARY_CHANGED, news=itineraries
    ) + notifications_write(conference=conference, event=WebhookEvent.TRIP_CHANGED, news=trips)


def notifications_for_run(*, run: ScheduleRun) -> int:
    """`run.finished` for a run that ended (succeeded, failed or superseded), to every webhook that takes it:
    the outcome and the counts of what changed, nobody's name."""
    version = getattr(run, "version", None) if run.status == RunStatus.SUCCEEDED else None
    data = {
        "run": run.pk,
        "status": run.status,
        "version": version.number if version else None,
        "as_of": moment(run.as_of),
        "finished_at": moment(run.finished_at),
        "served": (run.metrics or {}).get("served"),
        "unserved": (run.metrics or {}).get("unserved"),
        "unchanged": bool((run.metrics or {}).get("unchanged")),
        "changes": (version.changes or {}).get("summary") if version else None,
    }
    return notifications_write(
        conference=run.conference, event=WebhookEvent.RUN_FINISHED, news=[News(data, delegations=None)]
    )


def notifications_for_vehicle_status(*, vehicle, event) -> int:
    """`vehicle.status` when an applied update changed a vehicle's status (positions alone are not news), to the
    conference's webhooks only."""
    data = {
        "vehicle": vehicle.callsign,
        "status": event.resulting_status,
        "previous_status": event.previous_status,
        "reported_at": moment(event.reported_at),
        "latitude": None if event.latitude is None else float(event.latitude),
        "longitude": None if event.longitude is None else float(event.longitude),
        "note": event.note,
    }
    return notifications_write(conference=vehicle.conference, event=WebhookEvent.VEHICLE_STATUS, news=[News(data)])


def webhooks_listening(*, conference: Conference, event: str) -> bool:
    """Whether an active webhook of the conference takes `event` (to skip gathering news nobody reads)."""
    return any(
        event in events
        for events in Webhook.objects.filter(conference=conference, active=True).values_list("events", flat=True)
    )


def notifications_for_flight(*, conference: Conference, flight, delegates: list) -> int:
    """`flight.changed`: the flight's expected time, with the delegates on it; the conference's webhooks get
    everyone, a delegation's webhook its own delegates (and nothing of a flight that carries none of them)."""
    base = {
        "number": flight.number,
        "date": flight.date.isoformat(),
        "kind": flight.kind,
        "venue": flight.venue,
        "scheduled_at": moment(flight.scheduled_at),
        "expected_at": moment(flight.expected_at),
    }
    by_delegation: dict[int, list[str]] = {}
    for delegate in delegates:
        by_delegation.setdefault(delegate.delegation_id, []).append(delegate.external_id)
    news = [News({**base, "delegates": [delegate.external_id for delegate in delegates]})]
    news += [
        News({**base, "delegates": ids}, conference_wide=False, delegations=frozenset({delegation}))
        for delegation, ids in sorted(by_delegation.items())
    ]
    return notifications_write(conference=conference, event=WebhookEvent.FLIGHT_CHANGED, news=news)


def notifications_email_for_version(*, version: ScheduleVersion) -> int:
    """The e-mails of a version being published, in its publishing transaction: one per person whose itinerary
    changed significantly (the delegate, and each liaison of the delegate's delegation), joined to the person's
    message still waiting to settle. Returns the messages written or joined."""
    conference = version.conference
    entries = {
        external_id: legs
        for external_id, entry in (version.changes or {}).get("delegates", {}).items()
        if (
            legs := {
                leg["movement"]: {**leg, "change": change}
                for change in LEG_LISTS
                for leg in entry[change]
                if leg["significant"]
            }
        )
    }
    if not entries:
        return 0
    delegates = {
        delegate.external_id: delegate
        for delegate in Delegate.objects.filter(conference=conference, external_id__in=entries).select_related(
            "delegation"
        )
    }
    people: dict[str, dict] = {}

    def about(delegate: Delegate) -> dict:
        return {
            "name": delegate.full_name,
            "delegation": delegate.delegation.code,
            "link": itinerary_link_token(delegate=delegate),
            "legs": entries[delegate.external_id],
        }

    for external_id, delegate in sorted(delegates.items()):
        if delegate.email:
            people[f"delegate:{external_id}"] = {
                "recipient": delegate.email,
                "name": delegate.full_name,
                "language": delegate.language or conference.language,
                "liaison": False,
                "delegates": {external_id: about(delegate)},
            }
    liaisons = UserRole.objects.filter(
        role=Role.LIAISON, delegation__conference=conference, user__is_active=True
    ).select_related("user", "delegation")
    for liaison in liaisons:
        theirs = {
            external_id: about(delegate)
            for external_id, delegate in sorted(delegates.items())
            if delegate.delegation_id == liaison.delegation_id
        }
        if theirs and liaison.user.email:
            people[f"liaison:{liaison.user_id}"] = {
                "recipient": liaison.user.email,
                "name": liaison.user.get_full_name() or liaison.user.get_username(),
                "language": conference.language,
                "liaison": True,
                "delegation": liaison.delegation.code,
                "delegates": theirs,
            }
    return sum(_email(conference, version, person, message) for person, message in people.items())


def notifications_no_show_email(*, conference: Conference, delegate: Delegate, data: dict) -> int:
    """A no-show, e-mailed at once to each liaison of the passenger's delegation (inside the caller's
    transaction). `data`: the alert's data (vehicle, stop place and time, movement)."""
    liaisons = UserRole.objects.filter(
        role=Role.LIAISON, delegation_id=delegate.delegation_id, user__is_active=True
    ).select_related("user")
    now = timezone.now()
    rows = [
        Notification(
            conference=conference,
            channel=NotificationChannel.EMAIL,
            recipient=liaison.user.email,
            person=f"liaison:{liaison.user_id}",
            language=conference.language,
            event=WebhookEvent.PASSENGER_NO_SHOW,
            delivery_id=uuid.uuid4(),
            payload={
                **data,
                "name": liaison.user.get_full_name() or liaison.user.get_username(),
                "passenger": delegate.full_name,
                "link": itinerary_link_token(delegate=delegate),
            },
            due_at=now,
        )
        for liaison in liaisons
        if liaison.user.email
    ]
    Notification.objects.bulk_create(rows)
    if rows:
        transaction.on_commit(_ask_for_delivery)
    return len(rows)


def _email(conference: Conference, version: ScheduleVersion, person: str, message: dict) -> int:
    now = timezone.now()
    urgent_until = now + timedelta(minutes=settings.NOTIFY_URGENT_MINUTES)
    due = (
        now
        if _touches_before(message["delegates"], urgent_until)
        else now + timedelta(seconds=settings.NOTIFY_SETTLE_SECONDS)
    )
    waiting = (
        Notification.objects.select_for_update()
        .filter(
            conference=conference,
            channel=NotificationChannel.EMAIL,
            person=person,
            status=NotificationStatus.PENDING,
            attempts=0,
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .first()
    )
    if waiting is None:
        Notification.objects.create(
            conference=conference,
            channel=NotificationChannel.EMAIL,
            recipient=message["recipient"],
            person=person,
            language=message["language"],
            event=WebhookEvent.ITINERARY_CHANGED,
            delivery_id=uuid.uuid4(),
            payload={**message, "version": version.number},
            due_at=due,
        )
        transaction.on_commit(_ask_for_delivery)
        return 1
    delegates = dict(waiting.payload.get("delegates", {}))
    for external_id, given in message["delegates"].items():
        legs = _joined(delegates.get(external_id, {}).get("legs", {}), given["legs"])
        if legs:
            delegates[external_id] = {**given, "legs": legs}
        else:
            delegates.pop(external_id, None)
    if not delegates:  # changed and changed back before it went out: no news
        waiting.delete()
        return 1
    waiting.payload = {**message, "delegates": delegates, "version": version.number}
    waiting.recipient, waiting.language = message["recipient"], message["language"]
    waiting.due_at = min(waiting.due_at, due)
    waiting.save(update_fields=["payload", "recipient", "language", "due_at"])
    if waiting.due_at <= now:
        transaction.on_commit(_ask_for_delivery)
    return 1


def _joined(earlier: dict, later: dict) -> dict:
    """One person's changed legs over two versions: each leg's oldest `old` and newest `new`; a leg whose old and
    new are alike again is dropped."""
    legs = dict(earlier)
    for movement, leg in later.items():
        old = legs[movement]["old"] if movement in legs else leg["old"]
        new = leg["new"]
        if _alike(old, new):
            legs.pop(movement, None)
            continue
        change = "added" if old is None else "removed" if new is None else "moved"
        legs[movement] = {**leg, "old": old, "new": new, "change": change}
    return legs


def _alike(old: dict | None, new: dict | None) -> bool:
    if old is None or new is None:
        return old is new
    return old["vehicle"] == new["vehicle"] and all(_within(old[key], new[key]) for key in ("pickup_at", "dropoff_at"))


def _within(old: str | None, new: str | None) -> bool:
    if old is None or new is None:
        return old == new
    return abs(datetime.fromisoformat(new) - datetime.fromisoformat(old)) <= SIGNIFICANT


def _touches_before(delegates: dict, moment: datetime) -> bool:
    """Whether a changed leg starts (before or after the change) before `moment`."""
    for entry in delegates.values():
        for leg in entry["legs"].values():
            for ride in (leg["old"], leg["new"]):
                if ride and ride.get("pickup_at") and datetime.fromisoformat(ride["pickup_at"]) < moment:
                    return True
    return False


def notifications_deliver_due(*, limit: int = 200) -> int:
    """Send the rows that are due, oldest first, at most `limit`; returns how many were tried. After a webhook
    fails, its other rows wait for the next sweep (one probe per sweep while a receiver is down, instead of a
    timeout per row)."""
    now = timezone.now()
    due = list(
        Notification.objects.filter(status=NotificationStatus.PENDING, due_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("due_at", "id")
        .values_list("pk", "webhook_id")[:limit]
    )
    failing: set[int] = set()
    tried = 0
    for pk, webhook_id in due:
        if webhook_id is not None and webhook_id in failing:
            continue
        outcome = _deliver(pk)
        tried += outcome is not None
        if outcome is False and webhook_id is not None:
            failing.add(webhook_id)
    return tried


def notification_deliver(*, notification_id: int) -> bool:
    """Claim one due row and try to deliver it; False when it is not due or another worker has it."""
    return _deliver(notification_id) is not None


def _deliver(notification_id: int) -> bool | None:
    """Claim and try one row: None when it is not due or another worker has it, else whether it was delivered."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, status=NotificationStatus.PENDING, due_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + _claim())
    )
    if claimed != 1:
        return None
    notification = Notification.objects.select_related("webhook", "conference").get(pk=notification_id)
    hook = notification.webhook
    if hook is not None and not hook.active:
        _give_up(notification, "the webhook is disabled")
        return False
    started = time.perf_counter()
    if notification.channel == NotificationChannel.EMAIL:
        error = _send_email(notification)
        status_code, succeeded = None, not error
    else:
        status_code, error = _post(hook, notification)
        succeeded = status_code is not None and 200 <= status_code < 300
    attempt = DeliveryAttempt.objects.create(
        notification=notification,
        at=now,
        seconds=round(time.perf_counter() - started, 3),
        status_code=status_code,
        error=error[:ERROR_KEPT],
        succeeded=succeeded,
    )
    _record(notification, attempt)
    return succeeded


def _claim() -> timedelta:
    """How long a worker holds a row it sends: longer than any send may take (the webhook or mail timeout)."""
    return timedelta(seconds=max(settings.NOTIFY_TIMEOUT_SECONDS, settings.EMAIL_TIMEOUT) + CLAIM_MARGIN_SECONDS)


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The value of `Convoy-Signature` for a body sent at `timestamp` (unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _post(hook: Webhook, notification: Notification) -> tuple[int | None, str]:
    body = json.dumps(notification.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(hook.url, data=body, method="POST")
    for name, value in (
        ("Content-Type", "application/json"),
        ("User-Agent", "Convoy-Webhooks/1"),
        ("Convoy-Event", notification.event),
        ("Convoy-Delivery", str(notification.delivery_id)),
        ("Convoy-Timestamp", str(timestamp)),
        ("Convoy-Signature", webhook_signature(secret=hook.secret, timestamp=timestamp, body=body)),
    ):
        request.add_header(name, value)
    try:
        with _OPENER.open(request, timeout=settings.NOTIFY_TIMEOUT_SECONDS) as answer:
            return answer.status, ""
    except urllib.error.HTTPError as failure:
        with contextlib.suppress(Exception):
            return failure.code, failure.read(ERROR_KEPT).decode("utf-8", "replace")
        return failure.code, ""
    except (urllib.error.URLError, OSError, ValueError) as failure:  # refused, timed out, bad address
        return None, str(getattr(failure, "reason", failure))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other that is not 2xx: a failure (a POST is never re-sent elsewhere)."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _send_email(notification: Notification) -> str:
    """Render and send one e-mail; the error in words, or "" when the mail server took it."""
    if notification.event == WebhookEvent.PASSENGER_NO_SHOW:
        subject, body = _no_show_in_words(notification)
    else:
        subject, body = _itinerary_in_words(notification)
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[notification.recipient],
        headers={"Convoy-Delivery": str(notification.delivery_id), "Auto-Submitted": "auto-generated"},
    )
    try:
        message.send()
    except Exception as failure:  # the mail server refused or could not be reached: retried with backoff
        return f"{type(failure).__name__}: {failure}"
    return ""


def _no_show_in_words(notification: Notification) -> tuple[str, str]:
    conference, payload = notification.conference, notification.payload
    with translation.override(notification.language or conference.language), timezone.override(conference.zone):
        context = {
            **payload,
            "conference": conference,
            "zone": conference.timezone,
            "when": date_format(timezone.localtime(datetime.fromisoformat(payload["at"])), "D j M H:i"),
            "link": settings.PUBLIC_URL + reverse("itinerary-link", args=[payload["link"]]),
        }
        subject = " ".join(render_to_string("notifications/no_show_subject.txt", context).split())
        return subject, render_to_string("notifications/no_show.txt", context)


def _itinerary_in_words(notification: Notification) -> tuple[str, str]:
    conference = notification.conference
    payload = notification.payload
    venues = dict(Venue.objects.filter(conference=conference).values_list("code", "name"))
    sessions = dict(Session.objects.filter(conference=conference).values_list("code", "title"))
    with translation.override(notification.language or conference.language), timezone.override(conference.zone):
        delegates = [
            {
                "name": entry["name"],
                "link": settings.PUBLIC_URL + reverse("itinerary-link", args=[entry["link"]]),
                "calendar": settings.PUBLIC_URL + reverse("itinerary-link-calendar", args=[entry["link"]]),
                "legs": [
                    _leg_in_words(leg, venues, sessions) for _, leg in sorted(entry["legs"].items(), key=_leg_order)
                ],
            }
            for _, entry in sorted(payload["delegates"].items())
        ]
        context = {
            "conference": conference,
            "zone": conference.timezone,
            "name": payload.get("name", ""),
            "liaison": payload.get("liaison", False),
            "delegation": payload.get("delegation", ""),
            "delegates": delegates,
        }
        subject = " ".join(render_to_string("notifications/itinerary_changed_subject.txt", context).split())
        return subject, render_to_string("notifications/itinerary_changed.txt", context)


def _leg_order(item: tuple) -> tuple:
    _, leg = item
    ride = leg["new"] or leg["old"] or {}
    return (ride.get("pickup_at") or "", leg["movement"])


def _leg_in_words(leg: dict, venues: dict, sessions: dict) -> dict:
    def ride(given: dict | None) -> dict | None:
        if given is None:
            return None
        pickup = datetime.fromisoformat(given["pickup_at"])
        return {"vehicle": given["vehicle"], "pickup": date_format(timezone.localtime(pickup), "D j M H:i")}

    return {
        "change": leg["change"],
        "what": MovementKind(leg["kind"]).label if leg["kind"] in MovementKind.values else leg["kind"],
        "session": sessions.get(leg.get("session"), ""),
        "from": venues.get(leg["from"], leg["from"]),
        "to": venues.get(leg["to"], leg["to"]),
        "old": ride(leg["old"]),
        "new": ride(leg["new"]),
    }


def _record(notification: Notification, attempt: DeliveryAttempt) -> None:
    now = timezone.now()
    hook = notification.webhook
    if attempt.succeeded:
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.DELIVERED,
            delivered_at=now,
            attempts=notification.attempts + 1,
            claimed_until=None,
            last_error="",
        )
        if hook is not None:
            Webhook.objects.filter(pk=hook.pk).exclude(failing_since=None).update(failing_since=None)
        return
    error = attempt.error or f"answered {attempt.status_code}"
    attempts = notification.attempts + 1
    if now - notification.created_at >= GIVE_UP_AFTER:
        _give_up(notification, error, attempts=attempts)
    else:
        wait = min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS)
        Notification.objects.filter(pk=notification.pk).update(
            attempts=attempts, due_at=now + timedelta(seconds=wait), claimed_until=None, last_error=error
        )
    if hook is not None:
        Webhook.objects.filter(pk=hook.pk, failing_since=None).update(failing_since=now)
        Webhook.objects.filter(pk=hook.pk, active=True, failing_since__lte=now - DISABLE_AFTER).update(
            active=False, disabled_at=now
        )


def _give_up(notification: Notification, error: str, *, attempts: int | None = None) -> None:
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.GAVE_UP,
        attempts=notification.attempts if attempts is None else attempts,
        claimed_until=None,
        last_error=error,
    )


def _ask_for_delivery() -> None:
    try:
        deliver_notifications.delay()
    except Exception:  # the broker is down: the beat sweep sends them when it is back
        logger.warning("could not ask for the delivery of notifications; the next sweep sends them", exc_info=True)


def moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


# Celery tasks: thin wrappers that call the services above.


@shared_task(acks_late=True)
def deliver_notifications() -> int:
    """After a commit that wrote notifications, and every few seconds (Celery beat): send what is due, batch after
    batch, for at most SWEEP_SECONDS (the next sweep goes on)."""
    started, sent = time.monotonic(), 0
    while time.monotonic() - started < SWEEP_SECONDS:
        tried = notifications_deliver_due()
        sent += tried
        if not tried:
            break
    return sent
