"""What makes the desk's pages out of date: a new version, a run's progress, a vehicle's report, an alert. The
pages poll it (conditionally) and refresh themselves when it changes."""

import hashlib
import json

from django.db.models import Count, Max

from conference.access import Access
from conference.models import Conference
from logistics.models import DeskAlert, ScheduleRun, ScheduleVersion, Vehicle, VehicleStatusEvent


def desk_pulse(*, access: Access, conference: Conference) -> dict:
    """A small summary of what the pages show that changes live, and `state`, a digest of it (four queries)."""
    version = (
        ScheduleVersion.objects.filter(conference=conference, is_current=True).values_list("number", flat=True).first()
    )
    run = (
        access.scope(ScheduleRun.objects.filter(conference=conference))
        .values("id", "status", "progress")
        .order_by("-created_at", "-id")
        .first()
    )
    fleet = access.scope(VehicleStatusEvent.objects.filter(vehicle__conference=conference)).aggregate(last=Max("id"))[
        "last"
    ]
    positions = access.scope(Vehicle.objects.filter(conference=conference)).aggregate(last=Max("last_position_at"))[
        "last"
    ]
    alerts = access.scope(DeskAlert.objects.filter(conference=conference, resolved_at__isnull=True)).aggregate(
        count=Count("id"), last=Max("id")
    )
    found = {
        "version": version,
        "run": run,
        "fleet": fleet,
        "positions": positions.isoformat() if positions else None,
        "alerts": alerts,
    }
    found["state"] = hashlib.sha256(json.dumps(found, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return found
