"""E-mails "your transport changed": to the delegates and liaisons a published change affects and nobody else,
the significant legs only, old and new, in the person's language and the conference's zone, with a working
itinerary link and calendar; held until settled unless a leg starts soon; retried when the mail server fails."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db.models import F
from django.utils import timezone

from logistics.models import DeliveryAttempt, Notification, NotificationStatus, ScheduleVersion
from logistics.selectors.itineraries import itinerary_link_token
from logistics.services.notifications import notifications_deliver_due, notifications_email_for_version
from logistics.services.schedule import schedule_recompute
from tests.factories import UserFactory, UserRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailed(small_conference):
    """small_conference with addresses: D1 and D2 (PA), D3 (CR, reads Spanish); a liaison of PA with an
    address and one of CR without."""
    delegates = {d.external_id: d for d in small_conference.delegates.all()}
    for external_id, email, language in [("D1", "d1@example.org", ""), ("D2", "", ""), ("D3", "d3@example.org", "es")]:
        delegates[external_id].email, delegates[external_id].language = email, language
        delegates[external_id].save()
    pa, cr = (small_conference.delegations.get(code=code) for code in ("PA", "CR"))
    UserRoleFactory(role="liaison", delegation=pa, user=UserFactory(email="liaison-pa@example.org", first_name="Pia"))
    UserRoleFactory(role="liaison", delegation=cr, user=UserFactory(email=""))
    return small_conference


def publish_a_change(conference, hours=1):
    schedule_recompute(conference_id=conference.pk)
    conference.sessions.update(
        starts_at=F("starts_at") + timedelta(hours=hours), ends_at=F("ends_at") + timedelta(hours=hours)
    )
    schedule_recompute(conference_id=conference.pk)
    return ScheduleVersion.objects.get(conference=conference, is_current=True)


def send_everything_due(settle=True):
    if settle:
        Notification.objects.filter(status=NotificationStatus.PENDING).update(due_at=timezone.now())
    notifications_deliver_due()


def test_the_people_a_change_affects_get_one_mail_each_and_nobody_else(mailed):
    publish_a_change(mailed)
    emails = Notification.objects.filter(channel="email")
    assert sorted(emails.values_list("recipient", flat=True)) == [
        "d1@example.org",
        "d3@example.org",
        "liaison-pa@example.org",
    ]
    send_everything_due()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "d1@example.org",
        "d3@example.org",
        "liaison-pa@example.org",
    ]
    assert emails.filter(status="delivered").count() == 3
    send_everything_due()
    assert len(mail.outbox) == 3  # once each


def test_the_mail_says_what_changed_old_and_new_in_local_time_with_working_links(mailed, client):
    publish_a_change(mailed)
    send_everything_due()
    (message,) = [m for m in mail.outbox if m.to == ["d1@example.org"]]
    assert message.subject == f"{mailed.name}: your transport changed"
    body = message.body
    assert body.startswith("Dear Ana Delegate")
    assert "To a session" in body and "Back to the hotel" in body
    session = mailed.sessions.get()
    old_pickup = timezone.localtime(session.starts_at - timedelta(hours=1), mailed.zone)
    assert "now pickup" in body and "(was " in body and "America/Panama" in body
    assert old_pickup.strftime("%H") in body
    link = next(line.split(": ", 1)[1] for line in body.splitlines() if line.startswith("Itinerary: "))
    calendar = next(line.split(": ", 1)[1] for line in body.splitlines() if line.startswith("Calendar (.ics): "))
    path = link.removeprefix("http://127.0.0.1:8000")
    page = client.get(path)
    assert page.status_code == 200 and "D1" in page.content.decode()
    assert "Delegates</a>" not in page.content.decode()  # no desk navigation for a delegate
    ics = client.get(calendar.removeprefix("http://127.0.0.1:8000"))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content


def test_a_liaison_gets_the_delegations_people_and_a_spanish_reader_gets_spanish(mailed):
    publish_a_change(mailed)
    send_everything_due()
    (liaison,) = [m for m in mail.outbox if m.to == ["liaison-pa@example.org"]]
    assert liaison.subject == f"{mailed.name}: transport of PA changed"
    assert "Dear Pia" in liaison.body
    names = {d.external_id: d.full_name for d in mailed.delegates.all()}
    assert names["D1"] in liaison.body and names["D2"] in liaison.body and names["D3"] not in liaison.body
    (spanish,) = [m for m in mail.outbox if m.to == ["d3@example.org"]]
    assert spanish.subject == f"{mailed.name}: cambió su transporte"
    assert "Estimado/a" in spanish.body and "Itinerario:" in spanish.body


def test_changes_within_the_settling_time_go_out_as_one_message_with_the_first_old_and_the_last_new(mailed):
    schedule_recompute(conference_id=mailed.pk)
    assert not Notification.objects.filter(channel="email").exists()  # the first publication is no change
    for _ in range(2):  # the session moves an hour later, twice, within the settling time
        mailed.sessions.update(starts_at=F("starts_at") + timedelta(hours=1), ends_at=F("ends_at") + timedelta(hours=1))
        schedule_recompute(conference_id=mailed.pk)
    assert ScheduleVersion.objects.get(conference=mailed, is_current=True).number == 3
    assert Notification.objects.filter(channel="email").count() == 3  # D1, D3 and PA's liaison: once each
    waiting = Notification.objects.get(channel="email", person="delegate:D1")
    assert waiting.due_at > timezone.now() + timedelta(seconds=60)  # still settling
    legs = waiting.payload["delegates"]["D1"]["legs"]
    assert len(legs) == 2
    for leg in legs.values():  # from the first version's ride to the third's: two hours
        moved = datetime.fromisoformat(leg["new"]["pickup_at"]) - datetime.fromisoformat(leg["old"]["pickup_at"])
        assert timedelta(minutes=110) <= moved <= timedelta(minutes=130)


def test_a_change_undone_before_it_settles_sends_nothing(mailed):
    publish_a_change(mailed)
    assert Notification.objects.filter(channel="email").count() == 3
    mailed.sessions.update(starts_at=F("starts_at") - timedelta(hours=1), ends_at=F("ends_at") - timedelta(hours=1))
    schedule_recompute(conference_id=mailed.pk)
    assert not Notification.objects.filter(channel="email").exists()
    send_everything_due()
    assert mail.outbox == []


def test_a_change_to_a_leg_that_starts_soon_goes_at_once(mailed, settings):
    session = mailed.sessions.get()
    settings.SCHEDULE_CLOCK = session.starts_at - timedelta(hours=5)
    version = publish_a_change(mailed)
    pending = Notification.objects.filter(channel="email", status="pending")
    assert pending.exists() and all(n.due_at > timezone.now() for n in pending)  # the legs start in hours
    Notification.objects.filter(channel="email").delete()
    settings.NOTIFY_URGENT_MINUTES = 10 * 24 * 60  # everything is soon
    notifications_email_for_version(version=version)
    assert all(n.due_at <= timezone.now() for n in Notification.objects.filter(channel="email"))
    send_everything_due(settle=False)
    assert len(mail.outbox) == 3


def test_a_mail_server_that_fails_is_retried_and_logged(mailed, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    publish_a_change(mailed)
    send_everything_due()
    failed = Notification.objects.get(channel="email", person="delegate:D1")
    assert failed.status == NotificationStatus.PENDING and failed.attempts == 1 and failed.due_at > timezone.now()
    attempt = DeliveryAttempt.objects.get(notification=failed)
    assert not attempt.succeeded and "refused" in attempt.error.lower()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_everything_due()
    failed.refresh_from_db()
    assert failed.status == NotificationStatus.DELIVERED and failed.attempts == 2


def test_a_forged_or_foreign_itinerary_link_is_not_found(mailed, client):
    delegate = mailed.delegates.get(external_id="D1")
    token = itinerary_link_token(delegate=delegate)
    assert client.get(f"/itinerary/{token}/").status_code == 200
    assert client.get(f"/itinerary/{token[:-2]}xx/").status_code == 404
    assert client.get("/itinerary/not-a-token/calendar.ics").status_code == 404
    delegate.delete()
    assert client.get(f"/itinerary/{token}/").status_code == 404
