"""The desk's answers to an alert of the dashboard: seen (resolved), or, for a no-show, cancel the passenger's
later transport of the day (which re-plans with least change)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conference.errors import Invalid
from conference.models import Conference, Role
from desk.pages import conference_page
from logistics.models import AlertKind, DeskAlert
from logistics.services.alerts import alert_resolve
from logistics.services.cancellations import no_show_cancel_rest_of_day


def _alert(request: HttpRequest, conference: Conference, pk: int) -> DeskAlert:
    alert = request.access.scope(DeskAlert.objects.filter(conference=conference, pk=pk)).first()
    if alert is None:
        raise Http404(_("No such alert."))
    return alert


@require_POST
@conference_page(Role.ORGANIZER, Role.LOGISTICS)
def alert_seen(request: HttpRequest, conference: Conference, pk: int) -> HttpResponse:
    alert_resolve(alert=_alert(request, conference, pk))
    return redirect(reverse("dashboard", args=[conference.code]) + "#alerts")


@require_POST
@conference_page(Role.ORGANIZER)
def no_show_cancel(request: HttpRequest, conference: Conference, pk: int) -> HttpResponse:
    alert = _alert(request, conference, pk)
    if alert.kind != AlertKind.NO_SHOW:
        raise Http404(_("No such alert."))
    try:
        cancelled = no_show_cancel_rest_of_day(alert=alert, user=request.user)
    except Invalid as error:
        messages.error(request, str(error))
    else:
        if cancelled:
            messages.success(
                request,
                _("%(count)s later movements of %(passenger)s cancelled; the schedule is being re-planned.")
                % {"count": len(cancelled), "passenger": alert.data.get("passenger", "")},
            )
        else:
            messages.info(
                request,
                _("%(passenger)s has no later movement that day.") % {"passenger": alert.data.get("passenger", "")},
            )
    return redirect(reverse("dashboard", args=[conference.code]) + "#alerts")
