"""The desk cancels movements no longer needed: after a no-show, the passenger's later legs of the day (one click
on the dashboard). The scheduler lists a cancelled movement as unserved ("cancelled by the transport desk") and the
re-plan it asks for frees its seat with least change. Removing the cancellation plans the movement again."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from conference.errors import Invalid
from conference.models import Conference
from delegates.models import Delegate
from logistics.models import DeskAlert, Movement, MovementCancellation
from logistics.run_reasons import trigger
from logistics.selectors.schedule import current_version
from logistics.services.alerts import alert_resolve
from logistics.services.schedule import schedule_recompute_request


def movements_cancel_rest_of_day(
    *, conference: Conference, delegate: Delegate, after: datetime, reason: str = "", user=None
) -> list[str]:
    """Cancel the delegate's published movements that start after `after` on the same local day, and ask for a
    re-plan; the codes cancelled (none: nothing later that day, and no re-plan)."""
    version = current_version(conference_id=conference.pk)
    if version is None:
        raise Invalid(_("%(conference)s has no published schedule yet.") % {"conference": conference.code})
    local = after.astimezone(conference.zone)
    end_of_day = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    codes = list(
        Movement.objects.filter(
            version=version, delegate=delegate, earliest_pickup__gt=after, earliest_pickup__lt=end_of_day
        )
        .order_by("earliest_pickup", "code")
        .values_list("code", flat=True)
    )
    with transaction.atomic():
        known = set(
            MovementCancellation.objects.filter(conference=conference, movement__in=codes).values_list(
                "movement", flat=True
            )
        )
        new = [code for code in codes if code not in known]
        MovementCancellation.objects.bulk_create(
            [
                MovementCancellation(
                    conference=conference, delegate=delegate, movement=code, reason=reason, created_by=user
                )
                for code in new
            ]
        )
        if new:
            schedule_recompute_request(
                conference_id=conference.pk,
                trigger=trigger("movements_cancelled", count=len(new), delegate=delegate.external_id),
                user=user,
            )
    return new


def no_show_cancel_rest_of_day(*, alert: DeskAlert, user=None) -> list[str]:
    """The one click of a no-show alert: cancel the passenger's later movements of the day, and resolve it."""
    data = alert.data
    delegate = Delegate.objects.filter(conference=alert.conference, external_id=data.get("passenger")).first()
    if delegate is None:
        raise Invalid(_("The passenger of this alert is no longer a delegate of the conference."))
    cancelled = movements_cancel_rest_of_day(
        conference=alert.conference,
        delegate=delegate,
        after=datetime.fromisoformat(data["at"]),
        reason=_("No-show at %(place)s") % {"place": data.get("place_name", data.get("place", ""))},
        user=user,
    )
    alert_resolve(alert=alert)
    return cancelled
