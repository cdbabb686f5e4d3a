"""Resource request pages: liaisons ask and cancel, organizers ask, approve and reject, readers look."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from conference.access import DELEGATION_DATA
from conference.errors import Invalid, Refused
from conference.models import Conference, Role, Venue
from delegates.models import Delegation
from desk.forms.requests import RejectForm, ResourceRequestForm
from desk.pages import conference_page
from logistics.models import ResourceRequest
from logistics.services.requests import (
    CANCELLABLE,
    DECIDABLE,
    resource_request_approve,
    resource_request_cancel,
    resource_request_create,
    resource_request_reject,
)

PAGE_SIZE = 100
ASKERS = {Role.ORGANIZER, Role.LIAISON}


def _scoped_requests(request: HttpRequest, conference: Conference) -> QuerySet:
    return request.access.scope(
        ResourceRequest.objects.filter(conference=conference).select_related(
            "delegation", "from_venue", "to_venue", "created_by", "decided_by"
        )
    )


def _delegations(request: HttpRequest, conference: Conference) -> QuerySet:
    return request.access.scope(Delegation.objects.filter(conference=conference))


def _request_form(request: HttpRequest, conference: Conference, data=None) -> ResourceRequestForm | None:
    """The form to ask with, for the roles that may; a liaison asks for its own delegation (no field)."""
    if request.access.role not in ASKERS:
        return None
    venues = request.access.scope(Venue.objects.filter(conference=conference)).order_by("code")
    delegations = None if request.access.role == Role.LIAISON else _delegations(request, conference)
    form = ResourceRequestForm(data, delegations=delegations, venues=venues)
    for name in ("window_start", "window_end"):  # the browser's picker offers the conference's days
        form.fields[name].widget.attrs.update(min=f"{conference.start_date}T00:00", max=f"{conference.end_date}T23:59")
    return form


def _render(
    request: HttpRequest,
    conference: Conference,
    *,
    form: ResourceRequestForm | None,
    rejecting: tuple[int, RejectForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    access = request.access
    page = Paginator(_scoped_requests(request, conference).order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = []
    for row in page:
        own = access.role == Role.ORGANIZER or (
            access.role == Role.LIAISON and row.delegation_id == access.delegation_id
        )
        decidable = access.role == Role.ORGANIZER and row.status in DECIDABLE
        reject_form = None
        if decidable:
            reject_form = rejecting[1] if rejecting and rejecting[0] == row.pk else RejectForm(prefix=f"r{row.pk}")
        rows.append(
            {
                "request": row,
                "kind": row.get_kind_display(),
                "status": row.get_status_display(),
                "can_cancel": own and row.status in CANCELLABLE,
                "can_decide": decidable,
                "reject_form": reject_form,
            }
        )
    context = {"conference": conference, "page": page, "rows": rows, "form": form}
    return render(request, "logistics/requests.html", context, status=status)


@conference_page(*DELEGATION_DATA)
def request_list(request: HttpRequest, conference: Conference) -> HttpResponse:
    """GET: the requests in the user's scope and the form to ask. POST: ask (organizers and liaisons)."""
    if request.method != "POST":
        return _render(request, conference, form=_request_form(request, conference))
    if request.access.role not in ASKERS:
        raise PermissionDenied(_("Your role may not ask for resources."))
    form = _request_form(request, conference, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        delegation = data.get("delegation") or _delegations(request, conference).get()
        try:
            created = resource_request_create(
                delegation=delegation,
                kind=data["kind"],
                window_start=data["window_start"],
                window_end=data["window_end"],
                from_venue=data["from_venue"],
                to_venue=data["to_venue"],
                seats=data["seats"],
                notes=data["notes"],
                user=request.user,
            )
        except Refused as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Request %(id)s submitted.") % {"id": created.pk})
            return redirect("requests", conference.code)
    return _render(request, conference, form=form, status=400)


def _found(request: HttpRequest, conference: Conference, pk: int) -> ResourceRequest:
    found = _scoped_requests(request, conference).filter(pk=pk).first()
    if found is None:  # another delegation's request is missing, as in the API
        raise Http404(_("No such request."))
    return found


def _decision(decide, done, *roles: Role):
    """A POST that takes a request one step (cancel, approve) through its service, then back to the list."""

    @require_POST
    @conference_page(*roles)
    def view(request: HttpRequest, conference: Conference, pk: int) -> HttpResponse:
        found = _found(request, conference, pk)
        try:
            decided, _run = decide(request_id=found.pk, user=request.user)
        except Refused as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done % {"id": decided.pk})
        return redirect("requests", conference.code)

    return view


request_cancel = _decision(
    resource_request_cancel, gettext_lazy("Request %(id)s cancelled."), Role.ORGANIZER, Role.LIAISON
)
request_approve = _decision(resource_request_approve, gettext_lazy("Request %(id)s approved."), Role.ORGANIZER)


@require_POST
@conference_page(Role.ORGANIZER)
def request_reject(request: HttpRequest, conference: Conference, pk: int) -> HttpResponse:
    found = _found(request, conference, pk)
    form = RejectForm(request.POST, prefix=f"r{found.pk}")
    if form.is_valid():
        try:
            decided, _run = resource_request_reject(
                request_id=found.pk, user=request.user, reason=form.cleaned_data["reason"]
            )
        except Invalid as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except Refused as error:
            messages.error(request, error.message)
            return redirect("requests", conference.code)
        else:
            messages.success(request, _("Request %(id)s rejected.") % {"id": decided.pk})
            return redirect("requests", conference.code)
    return _render(request, conference, form=_request_form(request, conference), rejecting=(found.pk, form), status=400)
